package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// PortfoliosActions are what the portfolios screen asks the shell to do.
type PortfoliosActions struct {
	Open   func(id int64)
	Create func(name string)
}

// PortfoliosScreen lists the portfolios and offers to create one.
func PortfoliosScreen(vm PortfolioListVM, a PortfoliosActions) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L("Portfolios")),
		wrapped(lang.L("A portfolio is the records you choose for one application, in the order you want, with a note on each. Share it as a file or a QR code."), fyne.TextStyle{}))
	name := newEntry(lang.L("For example: EMT application, Sierra Vista Ambulance"))
	create := newPrimaryButton(lang.L("Create"), theme.ContentAddIcon(), func() { a.Create(name.Text) })
	name.OnSubmitted = func(s string) { a.Create(s) }
	box.Add(section(lang.L("New portfolio"), container.NewBorder(nil, nil, nil, create, name)))
	var cards []fyne.CanvasObject
	for _, p := range vm.Portfolios {
		id := p.ID
		cards = append(cards, newTapCard(p.Name, container.NewBorder(nil, nil, widget.NewIcon(theme.FolderIcon()), nil,
			container.NewVBox(wrapped(p.Name, fyne.TextStyle{Bold: true}), caption(p.Records+" · "+p.Created))), func() { a.Open(id) }))
	}
	if len(cards) == 0 {
		box.Add(section(lang.L("Your portfolios"), wrapped(lang.L("No portfolios yet."), fyne.TextStyle{})))
	} else {
		box.Add(section(lang.L("Your portfolios"), newGrid(320, cards...)))
	}
	return container.NewVScroll(padded(box))
}

// PortfolioScreenVM is one portfolio's screen: the portfolio, what the
// learner typed to share it, and the outcome of sharing.
type PortfolioScreenVM struct {
	PortfolioVM
	Challenge string
	Domain    string
	// JWT shares as a VC-JOSE presentation instead of JSON-LD.
	JWT bool
	// QR is the QR code of the presentation (PNG); QRNote says why there
	// is none, or what it holds.
	QR     []byte
	QRNote string
	Busy   bool
	Error  string
	// Link is an employer's request link (openid4vp://…) being answered;
	// Fetching while its request is read, FetchError why it could not be.
	Link       string
	Fetching   bool
	FetchError string
}

// PortfolioActions are what a portfolio's screen asks the shell to do.
type PortfolioActions struct {
	Back      func()
	Open      func(id int64)
	Add       func(id int64)
	Remove    func(id int64)
	Move      func(id int64, delta int)
	SetNote   func(id int64, note string)
	SaveFile  func()
	ShowQR    func()
	Answer    func() // read the employer's request at Link, then confirm
	DeleteAll func()
}

// PortfolioScreen draws a portfolio: its records in order, each with a
// note and buttons to move it up or down or take it out; the records that
// could be added; and the ways to share it.
func PortfolioScreen(vm *PortfolioScreenVM, a PortfolioActions) fyne.CanvasObject {
	box := container.NewVBox(container.NewHBox(backButton(a.Back)), heading(vm.Name))
	items := container.NewVBox()
	for i, it := range vm.Items {
		id := it.ID
		// A note wraps rather than scrolls sideways: the learner reads it
		// whole at phone width (Shift+Enter saves, as the button does).
		note := newMultiLineEntry(lang.L("Why this record matters for the job"))
		note.SetMinRowsVisible(2)
		note.SetText(it.Note)
		save := newButton(lang.L("Save note"), theme.DocumentSaveIcon(), func() { a.SetNote(id, note.Text) })
		note.OnSubmitted = func(s string) { a.SetNote(id, s) }
		up := newButton("", theme.MoveUpIcon(), func() { a.Move(id, -1) })
		down := newButton("", theme.MoveDownIcon(), func() { a.Move(id, +1) })
		remove := newButton("", theme.ContentRemoveIcon(), func() { a.Remove(id) })
		if i == 0 {
			up.Disable()
		}
		if i == len(vm.Items)-1 {
			down.Disable()
		}
		header := container.NewBorder(nil, nil, container.NewVBox(initialsBadge(it.Initials, it.Kind, 36)), nil,
			container.New(tightVBox{}, wrapped(it.Title, fyne.TextStyle{Bold: true}), caption(it.Issuer), badgeView(it.Badge)))
		items.Add(panel(container.NewVBox(header, note, container.NewBorder(nil, nil, container.NewHBox(up, down, remove), save))))
	}
	if len(vm.Items) == 0 {
		items.Add(wrapped(lang.L("No records in this portfolio yet: add some below."), fyne.TextStyle{}))
	}
	box.Add(section(lang.L("Records, in the order the employer sees them"), items))

	share := container.NewVBox(caption(lang.L("If the employer gave you a challenge and a domain, enter them: the presentation then only works for their request.")))
	challenge := newEntry(lang.L("Challenge (optional)"))
	challenge.SetText(vm.Challenge)
	challenge.OnChanged = func(s string) { vm.Challenge = s }
	domain := newEntry(lang.L("Domain (optional), e.g. jobs.example.org"))
	domain.SetText(vm.Domain)
	domain.OnChanged = func(s string) { vm.Domain = s }
	domain.OnSubmitted = func(string) { a.SaveFile() }
	jwt := widget.NewCheck(lang.L("As a JWT (for employers who ask for one)"), func(b bool) { vm.JWT = b })
	jwt.Checked = vm.JWT
	saveFile := newPrimaryButton(lang.L("Save presentation file…"), theme.DocumentSaveIcon(), a.SaveFile)
	qr := newButton(lang.L("Show QR code"), theme.GridIcon(), a.ShowQR)
	if vm.Busy || len(vm.Items) == 0 {
		saveFile.Disable()
		qr.Disable()
	}
	share.Add(challenge)
	share.Add(domain)
	share.Add(jwt)
	share.Add(newGrid(180, saveFile, qr))
	if vm.Busy {
		share.Add(widget.NewProgressBarInfinite())
	}
	if vm.Error != "" {
		share.Add(errorText(vm.Error))
	}
	if vm.QRNote != "" {
		l := wrapped(vm.QRNote, fyne.TextStyle{})
		if vm.QR == nil {
			l.Importance = widget.WarningImportance
		}
		share.Add(l)
	}
	if vm.QR != nil {
		if img, err := qrImage(vm.QR); err == nil {
			c := canvas.NewImageFromImage(img)
			c.FillMode = canvas.ImageFillContain
			c.SetMinSize(fyne.NewSize(260, 260))
			share.Add(container.NewCenter(c))
		}
	}
	box.Add(section(lang.L("Share"), share))

	link := newEntry(lang.L("openid4vp://…"))
	link.SetText(vm.Link)
	link.OnChanged = func(s string) { vm.Link = s }
	link.OnSubmitted = func(string) {
		if !vm.Fetching && len(vm.Items) > 0 {
			a.Answer()
		}
	}
	next := newPrimaryButton(lang.L("Continue"), theme.NavigateNextIcon(), a.Answer)
	if vm.Fetching || len(vm.Items) == 0 {
		next.Disable()
	}
	answer := container.NewVBox(
		caption(lang.L("When an employer's page shows a QR code with a link that starts with openid4vp://, paste the link here. You see what they ask for, and what will be sent, before anything leaves your wallet.")),
		container.NewBorder(nil, nil, nil, next, link))
	if vm.Fetching {
		answer.Add(container.NewVBox(wrapped(lang.L("Reading the employer's request…"), fyne.TextStyle{Italic: true}), widget.NewProgressBarInfinite()))
	}
	if vm.FetchError != "" {
		answer.Add(errorText(vm.FetchError))
	}
	box.Add(section(lang.L("Answer an employer's request"), answer))

	avail := container.NewVBox()
	for _, c := range vm.Available {
		id := c.ID
		add := newButton(lang.L("Add"), theme.ContentAddIcon(), func() { a.Add(id) })
		avail.Add(container.NewBorder(nil, nil, initialsBadge(c.Initials, c.Kind, 32), add,
			container.NewVBox(wrapped(c.Title, fyne.TextStyle{}), caption(c.Badge.Text))))
	}
	if len(vm.Available) == 0 {
		avail.Add(caption(lang.L("Every record in your wallet is in this portfolio.")))
	}
	box.Add(section(lang.L("Add records"), avail))
	box.Add(widget.NewSeparator())
	box.Add(container.NewHBox(dangerButton(lang.L("Delete portfolio"), theme.DeleteIcon(), a.DeleteAll)))
	return container.NewVScroll(padded(limitWidth(760, box)))
}
