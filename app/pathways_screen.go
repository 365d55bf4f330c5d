package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// PathwaysScreen draws the pathways model: each pathway's title (wrapped,
// so a phone screen shows it whole) and a button that shows or hides its
// steps, each step with what counts toward it. The first pathway starts open.
func PathwaysScreen(vm PathwaysVM) fyne.CanvasObject {
	return container.NewBorder(pathwaysIntro(), nil, nil, nil, container.NewVScroll(pathwaysList(vm)))
}

func pathwaysIntro() fyne.CanvasObject {
	return wrapped(lang.L("Career pathways in the priority sectors, and the learning you may already have that counts toward each step."), fyne.TextStyle{})
}

// pathwaysList is the pathways without a scroll of their own, for a screen
// that scrolls them with more.
func pathwaysList(vm PathwaysVM) fyne.CanvasObject {
	list := container.NewVBox()
	for i, p := range vm.Pathways {
		steps := container.NewVBox()
		for _, s := range p.Steps {
			steps.Add(wrapped(s.Title, fyne.TextStyle{Bold: true}))
			if s.Role != "" {
				steps.Add(wrapped(s.Role, fyne.TextStyle{Italic: true}))
			}
			for _, y := range s.Yours {
				l := wrapped("✓ "+lang.L("You have: {{.What}}", map[string]any{"What": y}), fyne.TextStyle{Bold: true})
				l.Importance = widget.SuccessImportance
				steps.Add(l)
			}
			for _, c := range s.Counts {
				steps.Add(wrapped("• "+c, fyne.TextStyle{}))
			}
		}
		toggle := newButton("", nil, nil)
		setOpen := func(open bool) {
			if open {
				steps.Show()
				toggle.SetText(lang.L("Hide steps"))
				toggle.SetIcon(theme.MenuDropUpIcon())
			} else {
				steps.Hide()
				toggle.SetText(lang.L("Show steps"))
				toggle.SetIcon(theme.MenuDropDownIcon())
			}
		}
		toggle.OnTapped = func() { setOpen(!steps.Visible()) }
		setOpen(i == 0)
		list.Add(wrapped(p.Title, fyne.TextStyle{Bold: true}))
		if p.Progress != "" {
			list.Add(caption(p.Progress))
		}
		list.Add(container.NewBorder(nil, nil, widget.NewLabel(p.Sector), toggle))
		list.Add(steps)
		list.Add(widget.NewSeparator())
	}
	return list
}

// SkillsActions are what the skills screen asks the shell to do.
type SkillsActions struct {
	// Records shows the records that name a skill.
	Records func(skill string)
}

// SkillsScreen draws every skill the learner's records name, then the
// priority-sector pathways with the steps those records cover.
func SkillsScreen(vm SkillsVM, a SkillsActions) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L("Skills & pathways")))
	if len(vm.Skills) == 0 {
		box.Add(wrapped(lang.L("Your records name no skills yet. Skills come with records from your school or program."), fyne.TextStyle{}))
	}
	var cards []fyne.CanvasObject
	for _, s := range vm.Skills {
		name := s.Name
		lines := []fyne.CanvasObject{wrapped(s.Name, fyne.TextStyle{Bold: true})}
		if s.Code != "" || s.Framework != "" {
			lines = append(lines, caption(s.Framework+" "+s.Code))
		}
		from := ""
		for i, r := range s.Records {
			if i > 0 {
				from += "; "
			}
			from += r
		}
		lines = append(lines, wrapped(lang.L("Shown by: {{.Records}}", map[string]any{"Records": from}), fyne.TextStyle{}))
		cards = append(cards, newTapCard(s.Name, container.NewVBox(lines...), func() { a.Records(name) }))
	}
	if len(cards) > 0 {
		box.Add(section(lang.L("Your skills"), newGrid(300, cards...)))
	}
	box.Add(section(lang.L("Career pathways"), pathwaysIntro(), pathwaysList(vm.Pathways)))
	return container.NewVScroll(padded(box))
}
