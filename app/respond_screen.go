package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// RespondScreenVM is the confirmation before a portfolio answers an
// employer's request: what was asked, what will be sent, the claims the
// learner chose to show, and the outcome.
type RespondScreenVM struct {
	Portfolio string
	View      RequestView
	// Disclose holds the SD-JWT claims the learner ticked, by record and
	// path.
	Disclose map[int64]map[string]bool
	Busy     bool
	Error    string
	Result   *RespondResult
}

// Chosen is the ticked claims as Share takes them, in the order the
// records list them.
func (vm *RespondScreenVM) Chosen() map[int64][]string {
	out := map[int64][]string{}
	for _, r := range vm.View.Records {
		for _, c := range r.Claims {
			if vm.Disclose[r.ID][c.Path] {
				out[r.ID] = append(out[r.ID], c.Path)
			}
		}
	}
	return out
}

// RespondActions are what the confirmation asks the shell to do.
type RespondActions struct {
	// Cancel goes back without sending anything; Done goes back after.
	Cancel func()
	Share  func()
	Done   func()
}

// RespondScreen asks the learner to confirm an answer to an employer: who
// asks and where the records go, what they ask for and which records meet
// it, and exactly which records (and claims) are sent.
func RespondScreen(vm *RespondScreenVM, a RespondActions) fyne.CanvasObject {
	v := vm.View
	back := backButton(a.Cancel)
	if vm.Result != nil {
		back.OnTapped = a.Done
	}
	if vm.Busy {
		back.Disable()
	}
	box := container.NewVBox(container.NewHBox(back), heading(lang.L("Answer an employer's request")))

	who := v.Verifier
	if who == "" {
		who = lang.L("A page that gives no name")
	}
	whoBox := container.NewVBox(wrapped(who, fyne.TextStyle{Bold: true}),
		wrapped(lang.L("Your records go to {{.Host}}. The name above is what that page says about itself: check that it is the employer you applied to.", map[string]any{"Host": v.Host}), fyne.TextStyle{}))
	if v.Purpose != "" {
		whoBox.Add(caption(v.Purpose))
	}
	box.Add(section(lang.L("Who asks"), whoBox))

	asks := container.NewVBox()
	for _, d := range v.Descriptors {
		item := container.NewVBox(wrapped(d.Name, fyne.TextStyle{Bold: true}))
		if d.Purpose != "" {
			item.Add(caption(d.Purpose))
		}
		for _, t := range d.MetBy {
			item.Add(iconLine(theme.NewSuccessThemedResource(theme.ConfirmIcon()),
				wrapped(lang.L("Met by {{.Title}}", map[string]any{"Title": t}), fyne.TextStyle{})))
		}
		for _, t := range d.Unverified {
			l := wrapped(lang.L("{{.Title}} would meet it, but it did not verify: the employer will not accept it.", map[string]any{"Title": t}), fyne.TextStyle{})
			l.Importance = widget.WarningImportance
			item.Add(iconLine(theme.NewWarningThemedResource(theme.WarningIcon()), l))
		}
		if len(d.MetBy) == 0 && len(d.Unverified) == 0 {
			l := wrapped(lang.L("Nothing in this portfolio meets this. You can still share: the employer will see what is missing."), fyne.TextStyle{})
			l.Importance = widget.WarningImportance
			item.Add(iconLine(theme.NewWarningThemedResource(theme.WarningIcon()), l))
		}
		asks.Add(panel(item))
	}
	if len(v.Descriptors) == 0 {
		asks.Add(wrapped(lang.L("They ask for nothing in particular: they will see the records you send."), fyne.TextStyle{}))
	}
	box.Add(section(lang.L("What they ask for"), asks))

	what := lang.L("All {{.N}} records of \"{{.Portfolio}}\", in this order, signed with your key for this request only:",
		map[string]any{"N": len(v.Records), "Portfolio": vm.Portfolio})
	if len(v.Records) == 1 {
		what = lang.L("The one record of \"{{.Portfolio}}\", signed with your key for this request only:", map[string]any{"Portfolio": vm.Portfolio})
	}
	sent := container.NewVBox(wrapped(what, fyne.TextStyle{}))
	for i, r := range v.Records {
		item := container.NewVBox(wrapped(fmt.Sprintf("%d. %s", i+1, r.Title), fyne.TextStyle{Bold: true}), caption(r.Issuer), badgeView(r.Badge))
		if len(r.Claims) > 0 {
			item.Add(caption(lang.L("Shown: what the issuer always shows. Hidden unless you tick them:")))
			for _, c := range r.Claims {
				id, path := r.ID, c.Path
				// The claim's text wraps beside its box: a long value must
				// not make the page wider than a phone.
				check := widget.NewCheck("", func(on bool) {
					if vm.Disclose == nil {
						vm.Disclose = map[int64]map[string]bool{}
					}
					if vm.Disclose[id] == nil {
						vm.Disclose[id] = map[string]bool{}
					}
					vm.Disclose[id][path] = on
				})
				check.Checked = vm.Disclose[id][path]
				if vm.Busy || vm.Result != nil {
					check.Disable()
				}
				item.Add(container.NewBorder(nil, nil, check, nil, wrapped(c.Label+": "+c.Value, fyne.TextStyle{})))
			}
		}
		sent.Add(panel(item))
	}
	box.Add(section(lang.L("What will be shared"), sent))

	if vm.Busy {
		box.Add(container.NewVBox(wrapped(lang.L("Sending your records…"), fyne.TextStyle{Italic: true}), widget.NewProgressBarInfinite()))
	}
	if vm.Error != "" {
		box.Add(errorText(vm.Error))
	}
	if r := vm.Result; r != nil {
		box.Add(resultPanel(*r))
		box.Add(container.NewHBox(newPrimaryButton(lang.L("Done"), theme.ConfirmIcon(), a.Done)))
	} else {
		cancel := newButton(lang.L("Cancel"), theme.CancelIcon(), a.Cancel)
		share := newPrimaryButton(lang.L("Share"), theme.MailSendIcon(), a.Share)
		if vm.Busy {
			cancel.Disable()
			share.Disable()
		}
		box.Add(widget.NewSeparator())
		box.Add(container.NewHBox(cancel, share))
	}
	return container.NewVScroll(padded(limitWidth(760, box)))
}

// iconLine is a line of text with an icon before it.
func iconLine(icon fyne.Resource, text fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, text)
}

func resultPanel(r RespondResult) fyne.CanvasObject {
	box := container.NewVBox()
	switch {
	case r.Accepted:
		l := wrapped(lang.L("Sent: the employer's page accepted your answer."), fyne.TextStyle{Bold: true})
		l.Importance = widget.SuccessImportance
		box.Add(l)
		if r.Redirect != "" {
			box.Add(wrapped(lang.L("The employer's page continues at:"), fyne.TextStyle{}))
			link := widget.NewLabel(r.Redirect)
			link.Wrapping = fyne.TextWrapBreak
			link.Selectable = true
			box.Add(link)
		}
	case r.Queued:
		box.Add(wrapped(lang.L("The employer's page cannot be reached now. Your answer is saved, and it will be sent when you are back online (if the request has not expired by then)."), fyne.TextStyle{}))
	case r.Refused:
		box.Add(errorText(lang.L("The employer's page refused your answer: {{.Why}}", map[string]any{"Why": r.Reason})))
	}
	return panel(box)
}
