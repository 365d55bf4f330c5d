package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// AddScreenVM is what the "Add a record" screen shows: what was pasted,
// whether a verification is running, and its outcome.
type AddScreenVM struct {
	Text  string
	Offer string
	Busy  bool
	// Result is the last import's outcome; Error a failure to even try.
	Result *ImportResult
	Error  string
	// TxCode is the code the institution sent separately, when its offer
	// needs one.
	TxCode string
	// OfferBusy: an offer is being received; OfferResult and OfferError
	// are its outcome.
	OfferBusy   bool
	OfferResult *OfferResult
	OfferError  string
}

// AddActions are what the add screen asks the shell to do.
type AddActions struct {
	OpenFile   func()
	ImportText func()
	Keep       func()
	Offer      func()
	Open       func(id int64)
	Clear      func()
}

// AddScreen draws the ways to add a record: open a file, paste text or a
// link, or (not yet) receive an institution's credential offer; and, while
// it runs, the verification's progress, then its result.
func AddScreen(vm *AddScreenVM, a AddActions) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L("Add a record")),
		wrapped(lang.L("Satchel checks every record before it keeps it: who signed it, that nothing was changed, and that the issuer has not revoked it."), fyne.TextStyle{}))

	open := newPrimaryButton(lang.L("Open a file…"), theme.FolderOpenIcon(), a.OpenFile)
	box.Add(section(lang.L("From a file"),
		caption(lang.L("A record file from your school or program: JSON, JWT, or a badge image (PNG or SVG).")), open))

	text := newMultiLineEntry(lang.L("Paste the record, or a link to it"))
	text.SetText(vm.Text)
	text.OnChanged = func(s string) { vm.Text = s }
	text.OnSubmitted = func(string) { a.ImportText() }
	paste := newButton(lang.L("Add pasted record"), theme.ContentPasteIcon(), a.ImportText)
	box.Add(section(lang.L("Paste text or a link"), text, container.NewHBox(paste)))

	if vm.Busy {
		open.Disable()
		paste.Disable()
		bar := widget.NewProgressBarInfinite()
		box.Add(container.NewVBox(wrapped(lang.L("Checking the record…"), fyne.TextStyle{Italic: true}), bar))
	}
	if vm.Error != "" {
		box.Add(errorText(vm.Error))
	}
	if r := vm.Result; r != nil {
		box.Add(resultView(*r, a))
	}

	offer := newEntry(lang.L("openid-credential-offer://…"))
	offer.SetText(vm.Offer)
	offer.OnChanged = func(s string) { vm.Offer = s }
	offer.OnSubmitted = func(string) { a.Offer() }
	code := newEntry(lang.L("Code (if the institution sent you one)"))
	code.SetText(vm.TxCode)
	code.OnChanged = func(s string) { vm.TxCode = s }
	code.OnSubmitted = func(string) { a.Offer() }
	receive := newPrimaryButton(lang.L("Receive"), theme.DownloadIcon(), a.Offer)
	offerBox := container.NewVBox(
		caption(lang.L("Your school or program can send records straight to your wallet: paste the link from its message or QR code. Satchel checks each record before keeping it.")),
		offer, code, container.NewHBox(receive))
	if vm.OfferBusy {
		receive.Disable()
		offerBox.Add(container.NewVBox(wrapped(lang.L("Receiving and checking the records…"), fyne.TextStyle{Italic: true}), widget.NewProgressBarInfinite()))
	}
	if vm.OfferError != "" {
		l := wrapped(vm.OfferError, fyne.TextStyle{})
		l.Importance = widget.WarningImportance
		offerBox.Add(l)
	}
	if r := vm.OfferResult; r != nil {
		if r.Queued {
			offerBox.Add(wrapped(lang.L("The institution cannot be reached now. Satchel will receive the records when you are back online."), fyne.TextStyle{}))
		}
		for _, rec := range r.Records {
			offerBox.Add(resultView(rec, a))
		}
	}
	box.Add(section(lang.L("Receive from an institution (credential offer)"), offerBox))
	return container.NewVScroll(padded(limitWidth(760, box)))
}

func resultView(r ImportResult, a AddActions) fyne.CanvasObject {
	if r.OK {
		box := container.NewVBox(wrapped(lang.L("Added to your wallet"), fyne.TextStyle{Bold: true}),
			wrapped(r.Title, fyne.TextStyle{}), badgeView(r.Badge))
		if r.Credit != "" {
			box.Add(caption(r.Credit))
		}
		id := r.ID
		box.Add(container.NewHBox(newPrimaryButton(lang.L("Open record"), theme.NavigateNextIcon(), func() { a.Open(id) }),
			newButton(lang.L("Add another"), theme.ContentAddIcon(), a.Clear)))
		return panel(box)
	}
	title := lang.L("Not added")
	if r.Title != "" {
		title = lang.L("Not added: {{.Title}}", map[string]any{"Title": r.Title})
	}
	box := container.NewVBox(errorText(title), wrapped(r.Reason, fyne.TextStyle{}))
	buttons := container.NewHBox()
	if r.CanKeep {
		box.Add(caption(lang.L("You can keep it anyway, marked not verified: employers will see that it did not verify.")))
		buttons.Add(newButton(lang.L("Keep as not verified"), theme.WarningIcon(), a.Keep))
	}
	if r.Duplicate != 0 {
		id := r.Duplicate
		buttons.Add(newButton(lang.L("Open record"), theme.NavigateNextIcon(), func() { a.Open(id) }))
	}
	buttons.Add(newButton(lang.L("Dismiss"), theme.CancelIcon(), a.Clear))
	box.Add(buttons)
	return panel(box)
}
