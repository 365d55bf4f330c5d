package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// SettingsActions are what the settings screen asks the shell to do.
type SettingsActions struct {
	Language       func(code string)
	TextSize       func(scale float64)
	LockAfter      func(time.Duration)
	LockNow        func()
	Backup         func()
	Restore        func()
	LoadRegistry   func()
	RemoveRegistry func(name string)
}

// SettingsScreen draws the settings: language, text size, the idle lock,
// backup and restore, trusted registries, and what this app is.
func SettingsScreen(vm SettingsVM, a SettingsActions) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L("Settings")))

	var langNames []string
	for _, c := range Languages {
		langNames = append(langNames, languageName(c))
	}
	language := newSelect(langNames, nil)
	language.SetSelected(languageName(vm.Language))
	language.OnChanged = func(s string) {
		for _, c := range Languages {
			if languageName(c) == s {
				a.Language(c)
			}
		}
	}
	var sizeNames []string
	for _, s := range TextSizes {
		sizeNames = append(sizeNames, textSizeName(s))
	}
	size := newSelect(sizeNames, nil)
	size.SetSelected(textSizeName(vm.TextSize))
	size.OnChanged = func(s string) {
		for _, v := range TextSizes {
			if textSizeName(v) == s {
				a.TextSize(v)
			}
		}
	}
	box.Add(section(lang.L("Language and text"),
		widget.NewLabel(lang.L("Language")), language,
		widget.NewLabel(lang.L("Text size")), size))

	var lockNames []string
	for _, d := range LockTimes {
		lockNames = append(lockNames, lockTimeName(d))
	}
	lock := newSelect(lockNames, nil)
	lock.SetSelected(lockTimeName(vm.LockAfter))
	lock.OnChanged = func(s string) {
		for _, d := range LockTimes {
			if lockTimeName(d) == s {
				a.LockAfter(d)
			}
		}
	}
	box.Add(section(lang.L("Lock"),
		caption(lang.L("Satchel locks itself when you leave it alone, and asks for your passphrase again.")),
		lock, container.NewHBox(newButton(lang.L("Lock now"), theme.LogoutIcon(), a.LockNow))))

	box.Add(section(lang.L("Backup"),
		caption(lang.L("A backup is one encrypted file with your whole wallet. Keep it somewhere safe, off this device. You need your passphrase to restore it.")),
		newGrid(250, newPrimaryButton(lang.L("Back up now…"), theme.DocumentSaveIcon(), a.Backup),
			newButton(lang.L("Restore from a backup…"), theme.HistoryIcon(), a.Restore))))

	regs := container.NewVBox(caption(lang.L("A trusted registry lists the schools, programs and offices you recognise. Records from issuers not in it are marked \"issuer not recognised\".")))
	for _, r := range vm.Registries {
		name := r.Name
		remove := newButton(lang.L("Remove"), theme.DeleteIcon(), func() { a.RemoveRegistry(name) })
		regs.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), container.NewVBox(remove),
			container.NewVBox(wrapped(r.Name, fyne.TextStyle{Bold: true}), caption(r.Issuers))))
	}
	if len(vm.Registries) == 0 {
		regs.Add(wrapped(lang.L("No trusted registry loaded: issuers are not checked."), fyne.TextStyle{}))
	}
	regs.Add(container.NewHBox(newButton(lang.L("Load a registry file…"), theme.FolderOpenIcon(), a.LoadRegistry)))
	box.Add(section(lang.L("Trusted registries"), regs))

	box.Add(section(lang.L("About"),
		wrapped(lang.L("Satchel is a learner's wallet for verifiable records of learning, for California's Master Plan for Career Education. It works offline; your records stay on this device."), fyne.TextStyle{}),
		fields(vm.About)))
	return container.NewVScroll(padded(limitWidth(760, box)))
}
