package app

import (
	"embed"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

// ID is the application ID (FyneApp.toml says the same).
const ID = "org.satchel.wallet"

//go:embed translations
var translations embed.FS

// Run starts the app and returns when its window closes.
func Run() error {
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	a := fyneapp.NewWithID(ID)
	w, err := NewWindow(a, time.Now())
	if err != nil {
		return err
	}
	w.ShowAndRun()
	return nil
}

// NewWindow builds the main window at phone size.
func NewWindow(a fyne.App, now time.Time) (fyne.Window, error) {
	set, err := samples.Load()
	if err != nil {
		return nil, fmt.Errorf("load pathways: %w", err)
	}
	eng, err := set.Engine()
	if err != nil {
		return nil, fmt.Errorf("load equivalency tables: %w", err)
	}
	w := a.NewWindow(lang.L("Satchel"))
	w.SetContent(PathwaysScreen(NewPathwaysVM(set.Pathways, eng, transcript.DateOf(now))))
	w.Resize(fyne.NewSize(360, 740))
	return w, nil
}
