package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DetailActions are what the detail screen asks the shell to do.
type DetailActions struct {
	Back           func()
	AddToPortfolio func()
	Share          func()
	Delete         func()
	Recheck        func()
}

// DetailScreen draws a record as a person reads it: what was achieved and
// by what criteria, who says so and whether they are recognised, the
// equivalent college credit and the rule that granted it, the skills, and
// behind "Details" the verification report.
func DetailScreen(vm DetailVM, a DetailActions) fyne.CanvasObject {
	box := container.NewVBox()
	box.Add(container.NewHBox(backButton(a.Back)))
	box.Add(caption(vm.Kind))
	box.Add(heading(vm.Title))
	box.Add(badgeView(vm.Badge))

	trust := wrapped(vm.Trust, fyne.TextStyle{})
	if vm.TrustOK {
		trust.Importance = widget.SuccessImportance
	} else {
		trust.Importance = widget.WarningImportance
	}
	issuer := container.NewBorder(nil, nil, container.NewVBox(initialsBadge(vm.Initials, vm.KindOf, 44)), nil,
		container.NewVBox(wrapped(vm.Issuer, fyne.TextStyle{Bold: true}), trust))
	box.Add(issuer)
	if vm.Description != "" {
		box.Add(wrapped(vm.Description, fyne.TextStyle{}))
	}

	credit := container.NewVBox()
	if vm.CreditTotal != "" {
		l := wrapped(vm.CreditTotal, fyne.TextStyle{Bold: true})
		l.Importance = widget.SuccessImportance
		credit.Add(l)
	}
	for _, c := range vm.Credits {
		credit.Add(creditView(c))
	}
	if vm.NoCredit != "" {
		credit.Add(wrapped(vm.NoCredit, fyne.TextStyle{}))
	}

	about := container.NewVBox()
	if vm.Criteria != "" {
		about.Add(section(lang.L("What it took"), wrapped(vm.Criteria, fyne.TextStyle{})))
	}
	if len(vm.Skills) > 0 {
		skills := container.NewVBox()
		for _, s := range vm.Skills {
			skills.Add(wrapped("• "+s, fyne.TextStyle{}))
		}
		about.Add(section(lang.L("Skills"), skills))
	}
	about.Add(section(lang.L("Dates"), fields(vm.Dates)))
	if len(vm.Portfolios) > 0 {
		ps := container.NewVBox()
		for _, p := range vm.Portfolios {
			ps.Add(wrapped("• "+p, fyne.TextStyle{}))
		}
		about.Add(section(lang.L("In your portfolios"), ps))
	}
	// The credit first: on a phone it comes before the rest, on a wide
	// window beside it.
	box.Add(newGrid(380, section(lang.L("College credit"), credit), about))

	actions := newGrid(150,
		newPrimaryButton(lang.L("Add to portfolio"), theme.FolderNewIcon(), a.AddToPortfolio),
		newButton(lang.L("Share"), theme.DocumentSaveIcon(), a.Share),
		dangerButton(lang.L("Delete"), theme.DeleteIcon(), a.Delete))
	box.Add(widget.NewSeparator())
	box.Add(actions)

	details := container.NewVBox()
	for _, c := range vm.Checks {
		mark, imp := "✓", widget.SuccessImportance
		if !c.OK {
			mark, imp = "✗", widget.DangerImportance
		}
		name := wrapped(mark+" "+c.Name, fyne.TextStyle{Bold: true})
		name.Importance = imp
		details.Add(container.NewVBox(name, caption(c.Detail)))
	}
	if len(vm.Checks) == 0 {
		details.Add(wrapped(lang.L("This record has not been verified yet."), fyne.TextStyle{}))
	}
	details.Add(fields(vm.Facts))
	details.Add(container.NewHBox(newButton(lang.L("Check again"), theme.ViewRefreshIcon(), a.Recheck)))
	details.Hide()
	toggle := newButton(lang.L("Details"), theme.MenuDropDownIcon(), nil)
	toggle.Importance = widget.LowImportance
	toggle.OnTapped = func() {
		if details.Visible() {
			details.Hide()
			toggle.SetIcon(theme.MenuDropDownIcon())
		} else {
			details.Show()
			toggle.SetIcon(theme.MenuDropUpIcon())
		}
	}
	box.Add(container.NewHBox(toggle))
	box.Add(details)
	return container.NewVScroll(padded(limitWidth(1100, box)))
}

// creditView explains one equivalent course: what, where, how much, and
// which approved rule granted it.
func creditView(c CreditVM) fyne.CanvasObject {
	lines := []fyne.CanvasObject{wrapped(c.Course, fyne.TextStyle{Bold: true})}
	facts := c.College
	if c.Units != "" {
		facts += " · " + c.Units
	}
	if c.CID != "" {
		facts += " · C-ID " + c.CID
	}
	lines = append(lines, wrapped(facts, fyne.TextStyle{}))
	if !c.Parsed {
		lines = append(lines, wrapped(c.Explanation, fyne.TextStyle{}))
		return creditCard(container.New(tightVBox{}, lines...))
	}
	lines = append(lines, wrapped(lang.L("Granted by equivalency {{.Rule}}: {{.Table}}.", map[string]any{"Rule": c.Rule, "Table": c.Table}), fyne.TextStyle{Italic: true}))
	if c.Conditions != "" {
		lines = append(lines, wrapped(lang.L("Conditions met: {{.Conditions}}.", map[string]any{"Conditions": c.Conditions}), fyne.TextStyle{}))
	}
	if c.Approved != "" {
		lines = append(lines, wrapped(c.Approved+".", fyne.TextStyle{}))
	}
	return creditCard(container.New(tightVBox{}, lines...))
}

func creditCard(content fyne.CanvasObject) fyne.CanvasObject {
	return panel(content)
}

func dangerButton(text string, icon fyne.Resource, tapped func()) *keyButton {
	b := newButton(text, icon, tapped)
	b.Importance = widget.DangerImportance
	return b
}
