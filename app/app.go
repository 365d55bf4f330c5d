package app

import (
	"context"
	"embed"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/wallet"
)

// ID is the application ID (FyneApp.toml says the same).
const ID = "org.satchel.wallet"

//go:embed translations
var translations embed.FS

// Environment variables that open the app on a given wallet and screen
// without typing: for screenshots and demonstrations. The passphrase comes
// from SATCHEL_PASSPHRASE, never from a flag (DESIGN.md).
const (
	EnvWallet     = "SATCHEL_WALLET"     // a directory holding wallet.db
	EnvScreen     = "SATCHEL_SCREEN"     // records|detail|add|pathways|portfolios|portfolio|settings|unlock|firstrun
	EnvSize       = "SATCHEL_SIZE"       // WIDTHxHEIGHT, e.g. 360x740
	EnvPassphrase = "SATCHEL_PASSPHRASE" // unlocks the wallet at start
	EnvRecord     = "SATCHEL_RECORD"     // the record the detail screen shows
	EnvLanguage   = "SATCHEL_LANG"       // en or es, over the saved choice
	// EnvInsecureLocalhost=1 lets offers from an issuer on this machine
	// (http://localhost, as make demo runs it) be received, and requests
	// from an employer page on it be answered; development only.
	EnvInsecureLocalhost = "SATCHEL_INSECURE_LOCALHOST"
)

// WalletFile is the wallet's file name in its directory.
const WalletFile = "wallet.db"

// Run starts the app and returns when its window closes.
func Run(getenv func(string) string) error {
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	a := fyneapp.NewWithID(ID)
	a.SetIcon(AppIcon)
	code := a.Preferences().String(PrefLanguage)
	if l := getenv(EnvLanguage); l != "" {
		code = l
	}
	if err := applyLanguage(code); err != nil {
		return err
	}
	a.Settings().SetTheme(newSizedTheme(a.Preferences().FloatWithFallback(PrefTextSize, 1)))
	cfg, err := defaultConfig(a)
	if err != nil {
		return err
	}
	if dir := getenv(EnvWallet); dir != "" {
		cfg.WalletPath = filepath.Join(dir, WalletFile)
	}
	cfg.Net.LoopbackHTTP = getenv(EnvInsecureLocalhost) == "1"
	w := a.NewWindow(lang.L("Satchel"))
	size := fyne.NewSize(1280, 800)
	if a.Driver().Device().IsMobile() {
		size = fyne.NewSize(360, 740)
	}
	if s := getenv(EnvSize); s != "" {
		if size, err = parseSize(s); err != nil {
			return fmt.Errorf("%s: %w", EnvSize, err)
		}
	}
	w.Resize(size)
	sh := NewShell(a, w, cfg)
	if err := sh.Start(getenv(EnvPassphrase)); err != nil {
		return err
	}
	if screen := getenv(EnvScreen); screen != "" {
		if err := sh.Open(screen, getenv(EnvRecord)); err != nil {
			return err
		}
	}
	w.ShowAndRun()
	return sh.Sess.Close()
}

// defaultConfig is the app's world: the wallet in the app's storage, the
// real clock, and the sample pathways and tables.
func defaultConfig(a fyne.App) (Config, error) {
	set, err := samples.Load()
	if err != nil {
		return Config{}, fmt.Errorf("load pathways: %w", err)
	}
	eng, err := set.Engine()
	if err != nil {
		return Config{}, fmt.Errorf("load equivalency tables: %w", err)
	}
	return Config{
		WalletPath: filepath.Join(a.Storage().RootURI().Path(), WalletFile),
		IdleCheck:  15 * time.Second,
		SyncEvery:  2 * time.Minute,
		Pathways:   set.Pathways,
		Engine:     eng,
	}, nil
}

func parseSize(s string) (fyne.Size, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	wi, err1 := strconv.Atoi(w)
	hi, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil || wi < 200 || hi < 200 || wi > 8000 || hi > 8000 {
		return fyne.Size{}, fmt.Errorf("%q: want WIDTHxHEIGHT, e.g. 360x740", s)
	}
	return fyne.NewSize(float32(wi), float32(hi)), nil
}

// Open shows a screen by name, as EnvScreen gives it: after Start, on an
// unlocked wallet (except unlock and firstrun). The detail screen shows the
// record given, or the first that carries college credit.
func (s *Shell) Open(screen, record string) error {
	switch screen {
	case "firstrun":
		if s.Sess.State() != FirstRun {
			return fmt.Errorf("screen firstrun: there is a wallet at %s already", s.Sess.Path)
		}
		return nil
	case "unlock":
		s.Sess.Lock()
		s.ShowLocked()
		return nil
	}
	if s.Sess.State() != Unlocked {
		return fmt.Errorf("screen %s: the wallet is not unlocked (set %s)", screen, EnvPassphrase)
	}
	switch screen {
	case "records":
		s.ShowTab(TabRecords)
	case "add":
		s.ShowTab(TabAdd)
	case "pathways", "skills":
		s.ShowTab(TabSkills)
	case "portfolios":
		s.ShowTab(TabPortfolios)
	case "settings":
		s.ShowTab(TabSettings)
	case "portfolio":
		list, err := LoadPortfolios(context.Background(), s.Sess)
		if err != nil {
			return err
		}
		if len(list.Portfolios) == 0 {
			return fmt.Errorf("screen portfolio: the wallet has no portfolio")
		}
		s.OpenPortfolio(list.Portfolios[0].ID)
	case "detail":
		id, err := pickRecord(s.Sess, record)
		if err != nil {
			return err
		}
		s.OpenRecord(id)
	default:
		return fmt.Errorf("unknown screen %q (want records, detail, add, pathways, portfolios, portfolio, settings, unlock or firstrun)", screen)
	}
	return nil
}

// pickRecord is the record id given, or the first record that carries
// college credit.
func pickRecord(s *Session, given string) (int64, error) {
	if given != "" {
		return strconv.ParseInt(given, 10, 64)
	}
	// The record worth the most credit shows the most of the screen.
	st, err := s.unlockedStore()
	if err != nil {
		return 0, err
	}
	page, err := st.Search(context.Background(), wallet.Query{Limit: maxListed})
	if err != nil {
		return 0, err
	}
	if len(page.Entries) == 0 {
		return 0, fmt.Errorf("screen detail: the wallet holds no record")
	}
	best, most := page.Entries[0].ID, -1.0
	for _, e := range page.Entries {
		if u := creditUnits(e.Credits); u > most && e.Status == wallet.StatusVerified {
			best, most = e.ID, u
		}
	}
	return best, nil
}

// applyLanguage makes the app speak a language: "" follows the system.
// Fyne picks translations by the system's locale, so a chosen language is
// loaded under the locale Fyne picks.
func applyLanguage(code string) error {
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	if code == "" {
		return nil
	}
	data, err := translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		return fmt.Errorf("language %q: %w", code, err)
	}
	return lang.AddTranslationsForLocale(data, fyne.Locale(lang.SystemLocale().LanguageString()))
}
