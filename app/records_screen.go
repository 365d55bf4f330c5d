package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// RecordsActions are what the records screen asks the shell to do.
type RecordsActions struct {
	Open func(id int64)
	Add  func()
	// Query is told when the search text or a filter changes.
	Query func(RecordsQuery)
}

// RecordsHeader draws the search box and the filters by kind and skill.
// It keeps its own widgets across searches: only RecordsScreen is drawn
// again when the results change.
func RecordsHeader(q RecordsQuery, skills []string, a RecordsActions) fyne.CanvasObject {
	search := newEntry(lang.L("Search titles, schools, skills, courses"))
	search.SetText(q.Text)
	search.ActionItem = widget.NewIcon(theme.SearchIcon())
	anyKind := lang.L("All kinds")
	kindNames := []string{anyKind}
	for _, k := range kinds[:4] {
		kindNames = append(kindNames, walletKindLabel(k))
	}
	anySkill := lang.L("All skills")
	skillNames := append([]string{anySkill}, skills...)
	kind := newSelect(kindNames, nil)
	skill := newSelect(skillNames, nil)
	kind.SetSelected(anyKind)
	for _, k := range kinds[:4] {
		if k == q.Kind {
			kind.SetSelected(walletKindLabel(k))
		}
	}
	skill.SetSelected(anySkill)
	if q.Skill != "" {
		skill.SetSelected(q.Skill)
	}
	changed := func() {
		nq := RecordsQuery{Text: search.Text}
		for _, k := range kinds[:4] {
			if walletKindLabel(k) == kind.Selected {
				nq.Kind = k
			}
		}
		if skill.Selected != anySkill {
			nq.Skill = skill.Selected
		}
		if a.Query != nil {
			a.Query(nq)
		}
	}
	search.OnChanged = func(string) { changed() }
	search.OnSubmitted = func(string) { changed() }
	kind.OnChanged = func(string) { changed() }
	skill.OnChanged = func(string) { changed() }
	add := newPrimaryButton(lang.L("Add"), theme.ContentAddIcon(), a.Add)
	title := container.NewBorder(nil, nil, nil, container.NewVBox(add), heading(lang.L("My records")))
	return container.NewVBox(title, search, newGrid(150, kind, skill))
}

// RecordsScreen draws the matching records as cards grouped by kind of
// learning, or what to do when there are none.
func RecordsScreen(vm RecordsVM, a RecordsActions) fyne.CanvasObject {
	if vm.Total == 0 {
		return emptyState(theme.DocumentIcon(), lang.L("Your wallet is empty"),
			lang.L("Ask your college, adult school, apprenticeship program or the Joint Services Transcript office for your record as a file (JSON, or a badge image), then add it here. Satchel checks that it is genuine before keeping it."),
			newPrimaryButton(lang.L("Add your first record"), theme.ContentAddIcon(), a.Add))
	}
	if vm.Count == 0 {
		return emptyState(theme.SearchIcon(), lang.L("No records match"),
			lang.L("Try other words, or clear the filters."), nil)
	}
	box := container.NewVBox()
	count := lang.L("{{.N}} records", map[string]any{"N": vm.Count})
	if vm.Count == 1 {
		count = lang.L("1 record")
	}
	box.Add(caption(count))
	for _, g := range vm.Groups {
		var cards []fyne.CanvasObject
		for _, c := range g.Cards {
			id := c.ID
			cards = append(cards, recordCard(c, func() { a.Open(id) }))
		}
		box.Add(groupTitle(g.Title))
		box.Add(newGrid(320, cards...))
	}
	if vm.More {
		box.Add(caption(lang.L("More records match: search to narrow them down.")))
	}
	return box
}

func groupTitle(title string) fyne.CanvasObject {
	t := wrapped(title, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameSubHeadingText
	return t
}
