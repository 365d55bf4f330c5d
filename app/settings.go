package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/wallet"
)

// Preference keys (fyne.Preferences: they apply before a wallet is open).
const (
	PrefLanguage = "language"
	PrefTextSize = "text-size"
)

// Languages the app speaks, by code; "" follows the system.
var Languages = []string{"", "en", "es"}

// TextSizes are the text scales the learner can choose.
var TextSizes = []float64{0.85, 1, 1.2, 1.4}

// LockTimes are the idle times the learner can choose (0: never).
var LockTimes = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 0}

// SettingsVM is the "Settings" screen's model.
type SettingsVM struct {
	Language   string
	TextSize   float64
	LockAfter  time.Duration
	Registries []RegistryVM
	About      []Field
}

// RegistryVM is one trusted registry.
type RegistryVM struct {
	Name    string
	Issuers string
}

// Version is the app's version (FyneApp.toml says the same).
const Version = "0.1.0"

// LoadSettings reads the preferences and the wallet's settings.
func LoadSettings(ctx context.Context, s *Session, prefs fyne.Preferences) (SettingsVM, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return SettingsVM{}, err
	}
	vm := SettingsVM{Language: prefs.String(PrefLanguage), TextSize: prefs.FloatWithFallback(PrefTextSize, 1), LockAfter: s.LockAfter(ctx)}
	regs, err := wallet.TrustedRegistries(ctx, st)
	if err != nil {
		return SettingsVM{}, err
	}
	for _, r := range regs {
		n := lang.L("{{.N}} issuers", map[string]any{"N": len(r.Issuers)})
		if len(r.Issuers) == 1 {
			n = lang.L("1 issuer")
		}
		vm.Registries = append(vm.Registries, RegistryVM{Name: r.Name, Issuers: n})
	}
	page, err := st.Search(ctx, wallet.Query{Limit: maxListed})
	if err != nil {
		return SettingsVM{}, err
	}
	count := fmt.Sprint(len(page.Entries))
	if page.Next != "" {
		count += "+"
	}
	vm.About = []Field{
		{lang.L("Version"), Version},
		{lang.L("Your DID"), s.Holder()},
		{lang.L("Wallet file"), s.Path},
		{lang.L("Records"), count},
	}
	return vm, nil
}

// LoadRegistry adds a trusted registry from a file's bytes (a bare list of
// issuers is named after the file) and reports its name.
func LoadRegistry(ctx context.Context, s *Session, raw []byte, file string) (string, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return "", err
	}
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	r, err := wallet.AddTrustedRegistry(ctx, st, raw, name)
	if err != nil {
		return "", err
	}
	return r.Name, nil
}

// RemoveRegistry forgets a trusted registry.
func RemoveRegistry(ctx context.Context, s *Session, name string) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	return wallet.RemoveTrustedRegistry(ctx, st, name)
}

// languageName names a language in itself, so that anyone can find theirs.
func languageName(code string) string {
	switch code {
	case "en":
		return "English"
	case "es":
		return "Español"
	}
	return lang.L("System language")
}

func textSizeName(scale float64) string {
	switch {
	case scale < 1:
		return lang.L("Small")
	case scale == 1:
		return lang.L("Normal")
	case scale < 1.3:
		return lang.L("Large")
	}
	return lang.L("Larger")
}

func lockTimeName(d time.Duration) string {
	switch {
	case d <= 0:
		return lang.L("Never")
	case d == time.Minute:
		return lang.L("After 1 minute idle")
	case d < time.Hour:
		return lang.L("After {{.N}} minutes idle", map[string]any{"N": int(d / time.Minute)})
	}
	return lang.L("After an hour idle")
}

// backupName is the file name a backup is offered under.
func backupName(now time.Time) string {
	return "satchel-backup-" + now.Format("2006-01-02") + ".satchel"
}
