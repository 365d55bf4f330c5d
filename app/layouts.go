package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// PhoneWidth is the window width below which the app is laid out for a
// phone: navigation in tabs along the bottom instead of down the side.
const PhoneWidth = 600

// adaptiveLayout places the navigation: objects are the page, the side
// navigation and the bottom navigation, in that order. Below PhoneWidth the
// bottom bar shows and the side bar hides; above, the other way round.
type adaptiveLayout struct {
	// changed is told when the window crosses PhoneWidth.
	changed func(phone bool)
	phone   *bool
}

func (l *adaptiveLayout) isPhone(size fyne.Size) bool { return size.Width < PhoneWidth }

func (l *adaptiveLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	page, side, bottom := objs[0], objs[1], objs[2]
	phone := l.isPhone(size)
	if l.phone == nil || *l.phone != phone {
		l.phone = &phone
		if phone {
			side.Hide()
			bottom.Show()
		} else {
			bottom.Hide()
			side.Show()
		}
		if l.changed != nil {
			l.changed(phone)
		}
	}
	if phone {
		h := bottom.MinSize().Height
		page.Move(fyne.NewPos(0, 0))
		page.Resize(fyne.NewSize(size.Width, size.Height-h))
		bottom.Move(fyne.NewPos(0, size.Height-h))
		bottom.Resize(fyne.NewSize(size.Width, h))
		return
	}
	w := fyne.Max(side.MinSize().Width, 220)
	side.Move(fyne.NewPos(0, 0))
	side.Resize(fyne.NewSize(w, size.Height))
	page.Move(fyne.NewPos(w, 0))
	page.Resize(fyne.NewSize(size.Width-w, size.Height))
}

func (l *adaptiveLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	page, bottom := objs[0].MinSize(), objs[2].MinSize()
	return fyne.NewSize(fyne.Max(page.Width, bottom.Width), page.Height+bottom.Height)
}

// gridLayout puts its objects in as many columns of at least minCol as fit,
// each row as tall as its tallest object (wrapped text is measured at the
// column's width).
type gridLayout struct {
	minCol float32
	width  float32
}

func newGrid(minCol float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&gridLayout{minCol: minCol}, objs...)
}

func (g *gridLayout) columns(w float32) (int, float32) {
	pad := theme.Padding()
	n := int((w + pad) / (g.minCol + pad))
	if n < 1 {
		n = 1
	}
	return n, (w - pad*float32(n-1)) / float32(n)
}

// rows places the visible objects (place) or only measures them. Objects
// are measured at their current size: wrapped text reports the height it
// needs at the width it was last given, so measuring never resizes (which
// would lay the subtree out again on every measure).
func (g *gridLayout) rows(objs []fyne.CanvasObject, colW float32, n int, place bool) float32 {
	pad := theme.Padding()
	var y float32
	var visible []fyne.CanvasObject
	for _, o := range objs {
		if o.Visible() {
			visible = append(visible, o)
		}
	}
	for i := 0; i < len(visible); i += n {
		row := visible[i:min(i+n, len(visible))]
		var h float32
		for _, o := range row {
			if place && o.Size().Width != colW {
				o.Resize(fyne.NewSize(colW, o.Size().Height))
			}
			h = fyne.Max(h, o.MinSize().Height)
		}
		if place {
			for j, o := range row {
				o.Move(fyne.NewPos(float32(j)*(colW+pad), y))
				o.Resize(fyne.NewSize(colW, h))
			}
		}
		y += h
		if i+n < len(visible) {
			y += pad
		}
	}
	return y
}

func (g *gridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	g.width = size.Width
	n, colW := g.columns(size.Width)
	g.rows(objs, colW, n, true)
}

func (g *gridLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := g.width
	if w <= 0 {
		w = g.minCol
	}
	var minW float32
	for _, o := range objs {
		if o.Visible() {
			minW = fyne.Max(minW, o.MinSize().Width)
		}
	}
	n, colW := g.columns(w)
	return fyne.NewSize(fyne.Min(minW, g.minCol), g.rows(objs, colW, n, false))
}

// maxWidthLayout keeps its object at most width wide, at the leading edge
// or centred, so that text lines stay readable on a wide window.
type maxWidthLayout struct {
	width    float32
	centered bool
}

func limitWidth(width float32, o fyne.CanvasObject) *fyne.Container {
	return container.New(maxWidthLayout{width: width}, o)
}

func (l maxWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := fyne.Min(size.Width, l.width)
	var x float32
	if l.centered {
		x = (size.Width - w) / 2
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func (l maxWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// navItem is one destination in the navigation: an icon and a label,
// stacked (bottom bar) or side by side (side bar). It takes the keyboard
// focus and opens on Enter or Space.
type navItem struct {
	widget.BaseWidget
	Label    string
	Icon     fyne.Resource
	stacked  bool
	selected bool
	focused  bool
	hovered  bool
	onTap    func()
	h        *hooks

	bg   *canvas.Rectangle
	text *widget.Label
	icon *widget.Icon
}

func newNavItem(label string, icon fyne.Resource, stacked bool, tapped func()) *navItem {
	n := &navItem{Label: label, Icon: icon, stacked: stacked, onTap: tapped}
	n.ExtendBaseWidget(n)
	return n
}

func (n *navItem) setHooks(h *hooks) { n.h = h }

func (n *navItem) CreateRenderer() fyne.WidgetRenderer {
	n.bg = canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	n.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	n.bg.StrokeWidth = 2
	n.icon = widget.NewIcon(n.Icon)
	n.text = widget.NewLabel(n.Label)
	n.text.Truncation = fyne.TextTruncateEllipsis
	var body fyne.CanvasObject
	if n.stacked {
		n.text.SizeName = theme.SizeNameCaptionText
		n.text.Alignment = fyne.TextAlignCenter
		body = container.New(&navStackLayout{label: n.text}, container.NewCenter(n.icon), n.text)
	} else {
		body = container.NewBorder(nil, nil, n.icon, nil, n.text)
	}
	n.applyState()
	return &themedRenderer{WidgetRenderer: widget.NewSimpleRenderer(container.NewStack(n.bg, body)), apply: n.applyState}
}

// navStackLayout puts a tab's label under its icon, and leaves the label out
// when the tab is too narrow for it (large text on a small phone): an icon
// alone reads better than "Portfol…".
type navStackLayout struct{ label *widget.Label }

func (l *navStackLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	icon, label := objs[0], objs[1]
	need := fyne.MeasureText(l.label.Text, theme.Size(theme.SizeNameCaptionText), l.label.TextStyle).Width + 2*theme.InnerPadding()
	ih := icon.MinSize().Height
	if need > size.Width {
		label.Hide()
		icon.Move(fyne.NewPos(0, 0))
		icon.Resize(size)
		return
	}
	label.Show()
	lh := label.MinSize().Height
	top := fyne.Max(0, (size.Height-ih-lh)/2)
	icon.Move(fyne.NewPos(0, top))
	icon.Resize(fyne.NewSize(size.Width, ih))
	label.Move(fyne.NewPos(0, top+ih))
	label.Resize(fyne.NewSize(size.Width, lh))
}

func (l *navStackLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	i, t := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(i.Width, i.Height+t.Height)
}

func (n *navItem) setSelected(on bool) {
	n.selected = on
	n.applyState()
}

func (n *navItem) applyState() {
	if n.bg == nil {
		return
	}
	n.bg.FillColor = theme.Color(theme.ColorNameBackground)
	switch {
	case n.selected:
		n.bg.FillColor = theme.Color(theme.ColorNameSelection)
	case n.hovered:
		n.bg.FillColor = theme.Color(theme.ColorNameHover)
	}
	n.bg.StrokeColor = theme.Color(theme.ColorNameBackground)
	if n.focused {
		n.bg.StrokeColor = theme.Color(theme.ColorNameFocus)
	}
	if n.selected {
		n.icon.SetResource(theme.NewPrimaryThemedResource(n.Icon))
	} else {
		n.icon.SetResource(n.Icon)
	}
	n.text.Refresh()
	n.bg.Refresh()
}

func (n *navItem) Tapped(*fyne.PointEvent) {
	n.h.onTouch()
	if n.onTap != nil {
		n.onTap()
	}
}

func (n *navItem) FocusGained() { n.focused = true; n.applyState() }
func (n *navItem) FocusLost()   { n.focused = false; n.applyState() }
func (n *navItem) TypedRune(r rune) {
	if r == ' ' {
		n.Tapped(nil)
	}
}

func (n *navItem) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		n.Tapped(nil)
	case fyne.KeyEscape:
		n.h.onEscape()
	}
}

func (n *navItem) MouseIn(*desktop.MouseEvent)    { n.hovered = true; n.applyState() }
func (n *navItem) MouseMoved(*desktop.MouseEvent) {}
func (n *navItem) MouseOut()                      { n.hovered = false; n.applyState() }

// tightVBox stacks objects without padding between them.
type tightVBox struct{}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = fyne.Max(s.Width, m.Width)
		s.Height += m.Height
	}
	return s
}
