package app

import (
	_ "embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// FirstRunVM is the first-run screen's model: create a wallet or restore
// one from a backup. The typed passphrases live here so that the screen can
// be drawn again (after an error, say) without losing them.
type FirstRunVM struct {
	// Restoring shows the restore form instead of the create form.
	Restoring bool
	Pass      string
	Confirm   string
	// BackupName is the chosen backup file; Backup its bytes.
	BackupName string
	Backup     []byte
	Busy       bool
	Error      string
}

// FirstRunActions are what the first-run screen asks the shell to do.
type FirstRunActions struct {
	Create       func()
	Restore      func()
	ChooseBackup func()
	// Switch shows the other form.
	Switch func()
}

// FirstRunScreen draws the first-run screen: a passphrase typed twice with
// a strength hint, or a backup file and its passphrase. Enter in the last
// field submits.
func FirstRunScreen(vm *FirstRunVM, a FirstRunActions) fyne.CanvasObject {
	title := heading(lang.L("Welcome to Satchel"))
	intro := wrapped(lang.L("Satchel keeps your learning records on this device: college courses, adult-school certificates, apprenticeship hours and military training. It works without a network."), fyne.TextStyle{})
	errLabel := errorText(vm.Error)
	errLabel.Hidden = vm.Error == ""
	busy := widget.NewProgressBarInfinite()
	busy.Hidden = !vm.Busy
	if !vm.Busy {
		busy.Stop()
	}
	if vm.Restoring {
		choose := newButton(lang.L("Choose backup file…"), theme.FolderOpenIcon(), a.ChooseBackup)
		file := caption(lang.L("No file chosen"))
		if vm.BackupName != "" {
			file = wrapped(vm.BackupName, fyne.TextStyle{Monospace: true})
		}
		pass := newPasswordEntry(lang.L("Passphrase of the backup"))
		pass.SetText(vm.Pass)
		pass.OnChanged = func(s string) { vm.Pass = s }
		pass.OnSubmitted = func(string) { a.Restore() }
		restore := newPrimaryButton(lang.L("Restore wallet"), theme.UploadIcon(), a.Restore)
		other := newButton(lang.L("Create a new wallet instead"), nil, a.Switch)
		other.Importance = widget.LowImportance
		if vm.Busy {
			restore.Disable()
			choose.Disable()
		}
		form := container.NewVBox(appIcon(72), title, wrapped(lang.L("Restore your wallet from a backup file made by Satchel. You need the passphrase the backup was made with."), fyne.TextStyle{}),
			choose, file, widget.NewLabel(lang.L("Passphrase")), pass, errLabel, busy, restore, widget.NewSeparator(), other)
		return page(form)
	}
	pass := newPasswordEntry(lang.L("Passphrase"))
	confirm := newPasswordEntry(lang.L("The same passphrase again"))
	pass.SetText(vm.Pass)
	confirm.SetText(vm.Confirm)
	st := PassphraseStrength(vm.Pass)
	meter := newStrengthMeter(st.Level)
	hint := caption(st.Hint)
	pass.OnChanged = func(s string) {
		vm.Pass = s
		st := PassphraseStrength(s)
		meter.set(st.Level)
		hint.SetText(st.Hint)
	}
	confirm.OnChanged = func(s string) { vm.Confirm = s }
	pass.OnSubmitted = func(string) { a.Create() }
	confirm.OnSubmitted = func(string) { a.Create() }
	create := newPrimaryButton(lang.L("Create wallet"), theme.ConfirmIcon(), a.Create)
	other := newButton(lang.L("Restore from a backup"), theme.HistoryIcon(), a.Switch)
	other.Importance = widget.LowImportance
	if vm.Busy {
		create.Disable()
	}
	form := container.NewVBox(appIcon(72), title, intro,
		wrapped(lang.L("Choose a passphrase. It protects your wallet on this device and your backups; Satchel cannot recover it for you."), fyne.TextStyle{}),
		widget.NewLabel(lang.L("Passphrase")), pass, meter, hint,
		widget.NewLabel(lang.L("Type it again")), confirm,
		errLabel, busy, create, widget.NewSeparator(),
		caption(lang.L("Moving to a new phone or computer?")), other)
	return page(form)
}

// UnlockVM is the unlock screen's model.
type UnlockVM struct {
	Pass  string
	Busy  bool
	Error string
}

// UnlockScreen asks for the passphrase. Enter submits.
func UnlockScreen(vm *UnlockVM, unlock func()) fyne.CanvasObject {
	pass := newPasswordEntry(lang.L("Passphrase"))
	pass.SetText(vm.Pass)
	pass.OnChanged = func(s string) { vm.Pass = s }
	pass.OnSubmitted = func(string) { unlock() }
	btn := newPrimaryButton(lang.L("Unlock"), theme.LoginIcon(), unlock)
	errLabel := errorText(vm.Error)
	errLabel.Hidden = vm.Error == ""
	busy := widget.NewProgressBarInfinite()
	busy.Hidden = !vm.Busy
	if !vm.Busy {
		busy.Stop()
	} else {
		btn.Disable()
	}
	return page(container.NewVBox(
		appIcon(96),
		heading(lang.L("Satchel is locked")),
		wrapped(lang.L("Enter your passphrase to open your wallet."), fyne.TextStyle{}),
		pass, errLabel, busy, btn))
}

// page is a form or text screen: padded, scrolling, centred and no wider
// than reads well.
func page(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(padded(container.New(maxWidthLayout{width: 560, centered: true}, content)))
}

//go:embed icon.png
var iconPNG []byte

// AppIcon is Satchel's icon.
var AppIcon = fyne.NewStaticResource("icon.png", iconPNG)

func appIcon(size float32) fyne.CanvasObject {
	img := canvas.NewImageFromResource(AppIcon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(size, size))
	return container.NewCenter(img)
}

// strengthMeter shows a passphrase's strength as three bars that fill and
// turn from red to green.
type strengthMeter struct {
	*fyne.Container
	bars []*canvas.Rectangle
}

func newStrengthMeter(level int) *strengthMeter {
	m := &strengthMeter{Container: container.NewGridWithColumns(3)}
	for i := 0; i < 3; i++ {
		r := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		r.CornerRadius = 3
		r.SetMinSize(fyne.NewSize(20, 6))
		m.bars = append(m.bars, r)
		m.Add(r)
	}
	m.set(level)
	return m
}

func (m *strengthMeter) set(level int) {
	fill := []fyne.ThemeColorName{theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess}
	for i, r := range m.bars {
		r.FillColor = theme.Color(theme.ColorNameInputBackground)
		if level > 0 && i < level {
			r.FillColor = theme.Color(fill[level-1])
		}
		r.Refresh()
	}
}
