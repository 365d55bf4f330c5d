package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/satchel-wallet/satchel/wallet"
)

// The widgets here are Fyne's own with two additions, wired up by the
// shell once a screen is built (wire): Escape reaches the window (to close
// a dialog or go back) whichever of them has the focus, and using one
// counts as activity for the idle lock.

// hooks are what the shell hands the widgets.
type hooks struct {
	escape func()
	touch  func()
}

func (h *hooks) onEscape() {
	if h != nil && h.escape != nil {
		h.escape()
	}
}

func (h *hooks) onTouch() {
	if h != nil && h.touch != nil {
		h.touch()
	}
}

// hookable is a widget that takes the hooks.
type hookable interface{ setHooks(*hooks) }

// keyEntry is an Entry that hands Escape on.
type keyEntry struct {
	widget.Entry
	h *hooks
}

func newEntry(placeholder string) *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	return e
}

// newPasswordEntry is a password entry with a button that shows what was
// typed.
func newPasswordEntry(placeholder string) *keyEntry {
	e := newEntry(placeholder)
	e.Password = true
	var reveal *widget.Button
	reveal = widget.NewButtonWithIcon("", theme.VisibilityIcon(), func() {
		e.Password = !e.Password
		if e.Password {
			reveal.SetIcon(theme.VisibilityIcon())
		} else {
			reveal.SetIcon(theme.VisibilityOffIcon())
		}
		e.Refresh()
	})
	reveal.Importance = widget.LowImportance
	e.ActionItem = reveal
	return e
}

func newMultiLineEntry(placeholder string) *keyEntry {
	e := newEntry(placeholder)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(3)
	return e
}

func (e *keyEntry) setHooks(h *hooks) { e.h = h }

func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	e.h.onTouch()
	if k.Name == fyne.KeyEscape {
		e.h.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

func (e *keyEntry) TypedRune(r rune) {
	e.h.onTouch()
	e.Entry.TypedRune(r)
}

// keyButton is a Button that hands Escape on and presses on Enter too.
type keyButton struct {
	widget.Button
	h *hooks
}

func newButton(text string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.ExtendBaseWidget(b)
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	return b
}

func newPrimaryButton(text string, icon fyne.Resource, tapped func()) *keyButton {
	b := newButton(text, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

func (b *keyButton) setHooks(h *hooks) { b.h = h }

func (b *keyButton) Tapped(e *fyne.PointEvent) {
	b.h.onTouch()
	b.Button.Tapped(e)
}

func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		b.h.onEscape()
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(nil)
		}
	default:
		b.Button.TypedKey(k)
	}
}

// keySelect is a Select that hands Escape on.
type keySelect struct {
	widget.Select
	h *hooks
}

func newSelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{}
	s.ExtendBaseWidget(s)
	s.Options, s.OnChanged = options, changed
	return s
}

func (s *keySelect) setHooks(h *hooks) { s.h = h }

func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	s.h.onTouch()
	if k.Name == fyne.KeyEscape {
		s.h.onEscape()
		return
	}
	s.Select.TypedKey(k)
}

func (s *keySelect) Tapped(e *fyne.PointEvent) {
	s.h.onTouch()
	s.Select.Tapped(e)
}

// wire hands the hooks to every hookable widget under o.
func wire(o fyne.CanvasObject, h *hooks) {
	if w, ok := o.(hookable); ok {
		w.setHooks(h)
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			wire(c, h)
		}
	case *container.Scroll:
		wire(v.Content, h)
	case *tapCard:
		wire(v.content, h)
	case *panelWidget:
		wire(v.content, h)
	case *navItem:
		// nothing inside takes input
	}
}

// wrapped is a label that wraps at word boundaries, so a phone shows it whole.
func wrapped(text string, style fyne.TextStyle) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, style)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// heading is a screen's title.
func heading(text string) *widget.Label {
	l := wrapped(text, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// caption is small secondary text.
func caption(text string) *widget.Label {
	l := wrapped(text, fyne.TextStyle{})
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// section is a titled part of a screen.
func section(title string, objs ...fyne.CanvasObject) fyne.CanvasObject {
	t := wrapped(title, fyne.TextStyle{Bold: true})
	return container.NewVBox(append([]fyne.CanvasObject{widget.NewSeparator(), t}, objs...)...)
}

// badgeView draws a verification badge: an icon and a label in the badge's
// colour (green verified; grey not checked lately, which is normal offline;
// amber issuer not recognised or expired; red revoked or not verified).
func badgeView(b Badge) fyne.CanvasObject {
	l := wrapped(b.Text, fyne.TextStyle{Bold: b.Kind != BadgeStale && b.Kind != BadgeUnchecked})
	var icon fyne.Resource
	switch b.Kind {
	case BadgeVerified:
		l.Importance, icon = widget.SuccessImportance, theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case BadgeStale, BadgeUnchecked:
		l.Importance, icon = widget.MediumImportance, theme.HistoryIcon()
	case BadgeUntrusted, BadgeExpired:
		l.Importance, icon = widget.WarningImportance, theme.NewWarningThemedResource(theme.WarningIcon())
	default:
		l.Importance, icon = widget.DangerImportance, theme.NewErrorThemedResource(theme.ErrorIcon())
	}
	return container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, l)
}

// kindColor is the colour of a kind of learning's initials badge.
func kindColor(k wallet.Kind) color.Color {
	switch k {
	case wallet.KindCollege:
		return color.NRGBA{R: 0x1e, G: 0x63, B: 0xb4, A: 0xff}
	case wallet.KindAdultSchool:
		return color.NRGBA{R: 0x00, G: 0x79, B: 0x6b, A: 0xff}
	case wallet.KindApprenticeship:
		return color.NRGBA{R: 0xb3, G: 0x5c, B: 0x00, A: 0xff}
	case wallet.KindMilitary:
		return color.NRGBA{R: 0x4e, G: 0x5d, B: 0x2f, A: 0xff}
	}
	return color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff}
}

// initialsBadge is an issuer's initials in a circle of its kind's colour.
func initialsBadge(text string, k wallet.Kind, size float32) fyne.CanvasObject {
	circle := canvas.NewCircle(kindColor(k))
	t := canvas.NewText(text, color.White)
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.TextSize = size * 0.4
	t.Alignment = fyne.TextAlignCenter
	return container.New(layout.NewGridWrapLayout(fyne.NewSize(size, size)), container.NewStack(circle, container.NewCenter(t)))
}

// tapCard is a card that opens something when tapped, or on Enter or Space
// when it has the keyboard focus.
type tapCard struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
	h       *hooks
	focused bool
	hovered bool
	bg      *canvas.Rectangle
	// label names the card for tests and screen readers.
	label string
}

func newTapCard(label string, content fyne.CanvasObject, tapped func()) *tapCard {
	c := &tapCard{content: content, onTap: tapped, label: label}
	c.ExtendBaseWidget(c)
	return c
}

func (c *tapCard) setHooks(h *hooks) { c.h = h }

func (c *tapCard) CreateRenderer() fyne.WidgetRenderer {
	c.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	c.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	c.bg.StrokeWidth = 2
	c.applyColors()
	return &themedRenderer{WidgetRenderer: widget.NewSimpleRenderer(container.NewStack(c.bg, container.NewPadded(c.content))), apply: c.applyColors}
}

// themedRenderer sets its widget's colours again whenever it is refreshed,
// so that a theme change (light to dark, say) reaches them.
type themedRenderer struct {
	fyne.WidgetRenderer
	apply func()
}

func (r *themedRenderer) Refresh() {
	r.apply()
	r.WidgetRenderer.Refresh()
}

func (c *tapCard) applyColors() {
	if c.bg == nil {
		return
	}
	c.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	if c.hovered {
		c.bg.FillColor = theme.Color(theme.ColorNameHover)
	}
	c.bg.StrokeColor = color.Transparent
	if c.focused {
		c.bg.StrokeColor = theme.Color(theme.ColorNameFocus)
	}
	c.bg.Refresh()
}

func (c *tapCard) Tapped(*fyne.PointEvent) {
	c.h.onTouch()
	if c.onTap != nil {
		c.onTap()
	}
}

func (c *tapCard) FocusGained() { c.focused = true; c.applyColors() }
func (c *tapCard) FocusLost()   { c.focused = false; c.applyColors() }
func (c *tapCard) TypedRune(r rune) {
	if r == ' ' {
		c.Tapped(nil)
	}
}

func (c *tapCard) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		c.Tapped(nil)
	case fyne.KeyEscape:
		c.h.onEscape()
	}
}

func (c *tapCard) MouseIn(*desktop.MouseEvent)    { c.hovered = true; c.applyColors() }
func (c *tapCard) MouseMoved(*desktop.MouseEvent) {}
func (c *tapCard) MouseOut()                      { c.hovered = false; c.applyColors() }
func (c *tapCard) Cursor() desktop.Cursor         { return desktop.PointerCursor }

// recordCard draws a record's card: the issuer's initials, the title, the
// issuer, the date, the credit it carries and its badge.
func recordCard(c Card, open func()) *tapCard {
	title := wrapped(c.Title, fyne.TextStyle{Bold: true})
	lines := []fyne.CanvasObject{title, wrapped(c.Issuer, fyne.TextStyle{})}
	meta := c.Date
	if c.Credit != "" {
		if meta != "" {
			meta += " · "
		}
		meta += c.Credit
	}
	if meta != "" {
		lines = append(lines, caption(meta))
	}
	lines = append(lines, badgeView(c.Badge))
	body := container.NewBorder(nil, nil, container.NewVBox(initialsBadge(c.Initials, c.Kind, 40)), nil, container.New(tightVBox{}, lines...))
	return newTapCard(c.Title, body, open)
}

// emptyState is a friendly message with an optional action.
func emptyState(icon fyne.Resource, title, text string, action fyne.CanvasObject) fyne.CanvasObject {
	objs := []fyne.CanvasObject{container.NewCenter(widget.NewIcon(icon)), heading(title), wrapped(text, fyne.TextStyle{})}
	if action != nil {
		objs = append(objs, container.NewCenter(action))
	}
	return container.NewVBox(objs...)
}

// fields lays out labelled values, label above value so that both wrap on
// a phone.
func fields(fs []Field) fyne.CanvasObject {
	box := container.NewVBox()
	for _, f := range fs {
		l := caption(f.Label)
		v := wrapped(f.Value, fyne.TextStyle{})
		box.Add(container.NewVBox(l, v))
	}
	return box
}

// errorText is a message in the error colour.
func errorText(text string) *widget.Label {
	l := wrapped(text, fyne.TextStyle{})
	l.Importance = widget.DangerImportance
	return l
}

// padded gives a screen's content its margins.
func padded(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewPadded(o)
}

// backButton returns to the screen before.
func backButton(back func()) *keyButton {
	b := newButton(lang.L("Back"), theme.NavigateBackIcon(), back)
	b.Importance = widget.LowImportance
	return b
}

// panel is content on a rounded background, like a card that does nothing
// when tapped.
func panel(content fyne.CanvasObject) fyne.CanvasObject {
	p := &panelWidget{content: content}
	p.ExtendBaseWidget(p)
	return p
}

type panelWidget struct {
	widget.BaseWidget
	content fyne.CanvasObject
}

func (p *panelWidget) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	return &themedRenderer{WidgetRenderer: widget.NewSimpleRenderer(container.NewStack(bg, container.NewPadded(p.content))),
		apply: func() { bg.FillColor = theme.Color(theme.ColorNameInputBackground); bg.Refresh() }}
}
