package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// PathwaysScreen draws the pathways model: each pathway's title (wrapped,
// so a phone screen shows it whole) and a button that shows or hides its
// steps, each step with what counts toward it. The first pathway starts open.
func PathwaysScreen(vm PathwaysVM) fyne.CanvasObject {
	intro := wrapped(lang.L("Career pathways in the priority sectors, and the learning you may already have that counts toward each step."), fyne.TextStyle{})
	list := container.NewVBox()
	for i, p := range vm.Pathways {
		steps := container.NewVBox()
		for _, s := range p.Steps {
			steps.Add(wrapped(s.Title, fyne.TextStyle{Bold: true}))
			if s.Role != "" {
				steps.Add(wrapped(s.Role, fyne.TextStyle{Italic: true}))
			}
			for _, c := range s.Counts {
				steps.Add(wrapped("• "+c, fyne.TextStyle{}))
			}
		}
		toggle := widget.NewButton("", nil)
		setOpen := func(open bool) {
			if open {
				steps.Show()
				toggle.SetText(lang.L("Hide steps"))
			} else {
				steps.Hide()
				toggle.SetText(lang.L("Show steps"))
			}
		}
		toggle.OnTapped = func() { setOpen(!steps.Visible()) }
		setOpen(i == 0)
		list.Add(wrapped(p.Title, fyne.TextStyle{Bold: true}))
		list.Add(container.NewBorder(nil, nil, widget.NewLabel(p.Sector), toggle))
		list.Add(steps)
		list.Add(widget.NewSeparator())
	}
	return container.NewBorder(intro, nil, nil, nil, container.NewVScroll(list))
}

func wrapped(text string, style fyne.TextStyle) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, style)
	l.Wrapping = fyne.TextWrapWord
	return l
}
