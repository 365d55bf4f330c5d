package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/wallet"
)

// Tab is a destination of the navigation.
type Tab int

// Tabs, in the order the navigation shows them.
const (
	TabRecords Tab = iota
	TabAdd
	TabSkills
	TabPortfolios
	TabSettings
)

// Files opens and saves files for the app: Fyne's file dialogs, or in
// tests files handed over directly.
type Files interface {
	// Open lets the learner pick a file with one of the extensions; done
	// gets its name and bytes, or nothing (nil data, nil error) when the
	// learner cancels.
	Open(w fyne.Window, exts []string, done func(name string, data []byte, err error))
	// Save lets the learner choose where to write data, offering name.
	Save(w fyne.Window, name string, data []byte, done func(saved bool, err error))
}

// Config is the world the app runs in.
type Config struct {
	// WalletPath is the wallet's database file.
	WalletPath string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// KDF seals new keys and backups; zero means wallet.DefaultKDF.
	KDF wallet.KDFParams
	// Background runs work off the UI goroutine and then done on it; nil
	// means a goroutine and fyne.Do. Tests run both on their own goroutine.
	Background func(work, done func())
	// Files picks files; nil means Fyne's file dialogs.
	Files Files
	// Fetch downloads a pasted link; nil means HTTPS with limits.
	Fetch func(ctx context.Context, url string) ([]byte, error)
	// Net is how the wallet reaches institutions (credential offers) and
	// employers' pages (presentation requests); the zero value is the
	// production setting (https, public addresses only).
	Net wallet.NetOptions
	// SyncEvery is how often, while the wallet is unlocked, the work that
	// waited for the network is tried again; 0 never (tests call Sync).
	SyncEvery time.Duration
	// IdleCheck is how often the idle lock is checked; 0 never (tests call
	// CheckIdle).
	IdleCheck time.Duration
	// Pathways and Engine are the priority-sector pathways and the
	// equivalency tables they are read with.
	Pathways []transcript.Pathway
	Engine   *transcript.Engine
}

// Shell is the app's window: the first-run, unlock and main screens, the
// navigation between them, dialogs, keyboard handling and the idle lock.
// Every method runs on the UI goroutine.
type Shell struct {
	App  fyne.App
	Win  fyne.Window
	Sess *Session
	cfg  Config
	h    *hooks

	tab    Tab
	body   *fyne.Container
	nav    []*navItem
	stack  []func() // how to draw each page on the stack, bottom first
	phone  bool
	dlgs   []dialog.Dialog
	seq    int // bumped on every page change; late results are dropped
	query  RecordsQuery
	lockTo time.Duration
	// syncing: a run of the network queue is under way.
	syncing bool

	firstRun FirstRunVM
	unlock   UnlockVM
	adding   AddScreenVM
	add      *AddVM
	folio    *PortfolioScreenVM
}

// NewShell makes the shell over a window; Start shows the first screen.
func NewShell(a fyne.App, w fyne.Window, cfg Config) *Shell {
	s := &Shell{App: a, Win: w, cfg: cfg,
		Sess: &Session{Path: cfg.WalletPath, KDF: cfg.KDF, Now: cfg.Now}}
	s.h = &hooks{escape: s.Escape, touch: s.Sess.Touch}
	s.add = NewAddVM(s.Sess, cfg.Fetch)
	s.add.Net = cfg.Net
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		s.Sess.Touch()
		if k.Name == fyne.KeyEscape {
			s.Escape()
		}
	})
	return s
}

func (s *Shell) ctx() context.Context { return context.Background() }

func (s *Shell) background(work, done func()) {
	if s.cfg.Background != nil {
		s.cfg.Background(work, done)
		return
	}
	go func() {
		work()
		fyne.Do(done)
	}()
}

// Start opens the wallet and shows first run, unlock or, with a passphrase
// (screenshots only), the main screen unlocked.
func (s *Shell) Start(passphrase string) error {
	state, err := s.Sess.Open(s.ctx())
	if err != nil {
		return err
	}
	if state == Locked && passphrase != "" {
		if err := s.Sess.Unlock(s.ctx(), passphrase); err != nil {
			return fmt.Errorf("SATCHEL_PASSPHRASE: %w", err)
		}
		state = Unlocked
	}
	switch state {
	case FirstRun:
		s.ShowFirstRun()
	case Locked:
		s.ShowLocked()
	default:
		s.ShowMain(TabRecords)
	}
	if s.cfg.IdleCheck > 0 {
		go func() {
			for range time.Tick(s.cfg.IdleCheck) {
				fyne.Do(s.CheckIdle)
			}
		}()
	}
	if s.cfg.SyncEvery > 0 {
		go func() {
			for range time.Tick(s.cfg.SyncEvery) {
				fyne.Do(s.Sync)
			}
		}()
	}
	return nil
}

// Sync tries again, off the UI goroutine, what waited for the network
// (offline is normal: a failure just waits for the next try). When records
// arrive and the records tab is showing, it is drawn again.
func (s *Shell) Sync() {
	if s.Sess.State() != Unlocked || s.syncing {
		return
	}
	s.syncing = true
	var rep wallet.SyncReport
	var err error
	s.background(func() { rep, err = s.Sess.Sync(s.ctx(), s.cfg.Net) }, func() {
		s.syncing = false
		if err == nil && len(rep.Credentials) > 0 && s.tab == TabRecords && len(s.stack) == 0 {
			s.drawRecords()
		}
	})
}

// setContent shows a whole-window screen and wires its widgets.
func (s *Shell) setContent(o fyne.CanvasObject) {
	s.seq++
	s.closeDialogs()
	wire(o, s.h)
	s.Win.SetContent(o)
}

// ShowFirstRun shows the first-run screen.
func (s *Shell) ShowFirstRun() {
	vm := &s.firstRun
	var draw func()
	draw = func() {
		s.setContent(FirstRunScreen(vm, FirstRunActions{
			Switch: func() {
				vm.Restoring, vm.Error, vm.Pass, vm.Confirm = !vm.Restoring, "", "", ""
				draw()
				s.focusFirst()
			},
			ChooseBackup: func() {
				s.openFile([]string{".satchel", ".bak"}, func(name string, data []byte) {
					vm.BackupName, vm.Backup, vm.Error = name, data, ""
					draw()
				})
			},
			Create: func() {
				if vm.Busy {
					return
				}
				vm.Busy, vm.Error = true, ""
				draw()
				var err error
				pass, confirm := vm.Pass, vm.Confirm
				s.background(func() { err = s.Sess.Create(s.ctx(), pass, confirm) }, func() {
					vm.Busy = false
					if err != nil {
						vm.Error = message(err)
						draw()
						s.focusFirst()
						return
					}
					*vm = FirstRunVM{}
					s.ShowMain(TabRecords)
				})
			},
			Restore: func() {
				if vm.Busy {
					return
				}
				if vm.Backup == nil {
					vm.Error = lang.L("Choose the backup file first.")
					draw()
					return
				}
				vm.Busy, vm.Error = true, ""
				draw()
				var err error
				archive, pass := vm.Backup, vm.Pass
				s.background(func() { err = s.Sess.Restore(s.ctx(), archive, pass) }, func() {
					vm.Busy = false
					if err != nil {
						vm.Error = message(err)
						draw()
						return
					}
					*vm = FirstRunVM{}
					if s.Sess.State() == Unlocked {
						s.ShowMain(TabRecords)
					} else {
						s.ShowLocked()
					}
				})
			},
		}))
	}
	draw()
	s.focusFirst()
}

// ShowLocked shows the unlock screen.
func (s *Shell) ShowLocked() {
	vm := &s.unlock
	*vm = UnlockVM{}
	var draw func()
	draw = func() {
		s.setContent(UnlockScreen(vm, func() {
			if vm.Busy {
				return
			}
			vm.Busy, vm.Error = true, ""
			draw()
			var err error
			pass := vm.Pass
			s.background(func() { err = s.Sess.Unlock(s.ctx(), pass) }, func() {
				vm.Busy = false
				if err != nil {
					vm.Error = message(err)
					vm.Pass = ""
					draw()
					s.focusFirst()
					return
				}
				*vm = UnlockVM{}
				s.ShowMain(s.tab)
				// Back online after a while, perhaps: try what waited.
				s.Sync()
			})
		}))
	}
	draw()
	s.focusFirst()
}

// ShowMain shows the navigation and a tab.
func (s *Shell) ShowMain(t Tab) {
	s.lockTo = s.Sess.LockAfter(s.ctx())
	s.body = container.NewStack()
	names := []struct {
		label string
		icon  fyne.Resource
	}{
		{lang.L("Records"), theme.DocumentIcon()},
		{lang.L("Add"), theme.ContentAddIcon()},
		{lang.L("Skills"), theme.ListIcon()},
		{lang.L("Portfolios"), theme.FolderIcon()},
		{lang.L("Settings"), theme.SettingsIcon()},
	}
	s.nav = nil
	side := container.NewVBox(container.NewPadded(container.NewBorder(nil, nil, appIconSmall(), nil, heading(lang.L("Satchel")))))
	bottom := container.NewGridWithColumns(len(names))
	for i, n := range names {
		tab := Tab(i)
		si := newNavItem(n.label, n.icon, false, func() { s.ShowTab(tab) })
		bi := newNavItem(n.label, n.icon, true, func() { s.ShowTab(tab) })
		s.nav = append(s.nav, si, bi)
		side.Add(si)
		bottom.Add(bi)
	}
	sideBar := container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewPadded(side))
	layout := &adaptiveLayout{changed: func(phone bool) { s.phone = phone }}
	root := container.New(layout, s.body, sideBar, container.NewVBox(widget.NewSeparator(), bottom))
	s.setContent(root)
	s.ShowTab(t)
}

// ShowTab shows a tab's first page.
func (s *Shell) ShowTab(t Tab) {
	s.tab = t
	for i, n := range s.nav {
		n.setSelected(Tab(i/2) == t)
	}
	s.stack = nil
	switch t {
	case TabRecords:
		s.push(s.drawRecords)
	case TabAdd:
		s.push(s.drawAdd)
	case TabSkills:
		s.push(s.drawSkills)
	case TabPortfolios:
		s.push(s.drawPortfolios)
	case TabSettings:
		s.push(s.drawSettings)
	}
}

// push draws a page over the current one; Back returns.
func (s *Shell) push(draw func()) {
	s.stack = append(s.stack, draw)
	draw()
}

// Back returns to the page before.
func (s *Shell) Back() {
	if len(s.stack) < 2 {
		return
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.stack[len(s.stack)-1]()
}

// setPage shows a page of the current tab.
func (s *Shell) setPage(o fyne.CanvasObject) {
	s.seq++
	wire(o, s.h)
	s.body.Objects = []fyne.CanvasObject{o}
	s.body.Refresh()
	s.repaint()
}

// repaint asks for the whole window to be drawn again: the GL driver does
// not always repaint objects that replace others from a fyne.Do callback.
func (s *Shell) repaint() {
	if c := s.Win.Content(); c != nil {
		s.Win.Canvas().Refresh(c)
	}
}

// loading shows a page's placeholder while its data loads, then what
// build makes of it, unless the learner moved on meanwhile.
func (s *Shell) loading(work func() error, build func() fyne.CanvasObject) {
	s.setPage(container.NewCenter(widget.NewProgressBarInfinite()))
	seq := s.seq
	var err error
	s.background(func() { err = work() }, func() {
		if seq != s.seq {
			return
		}
		if err != nil {
			s.setPage(padded(errorText(message(err))))
			s.lockedOut(err)
			return
		}
		s.setPage(build())
	})
}

// lockedOut shows the unlock screen when the work failed for the lock.
func (s *Shell) lockedOut(err error) {
	if errors.Is(err, ErrLocked) {
		s.ShowLocked()
	}
}

// run does work in the background and then done, or shows the error.
func (s *Shell) run(work func() error, done func()) {
	var err error
	s.background(func() { err = work() }, func() {
		if err != nil {
			s.showError(err)
			s.lockedOut(err)
			return
		}
		if done != nil {
			done()
		}
	})
}

func (s *Shell) drawRecords() {
	results := container.NewStack()
	var header *fyne.Container
	actions := RecordsActions{Open: s.OpenRecord, Add: func() { s.ShowTab(TabAdd) }}
	reload := func() {
		q := s.query
		var vm RecordsVM
		var err error
		seq := s.seq
		s.background(func() { vm, err = LoadRecords(s.ctx(), s.Sess, q) }, func() {
			if seq != s.seq || q != s.query {
				return
			}
			if err != nil {
				results.Objects = []fyne.CanvasObject{errorText(message(err))}
				results.Refresh()
				s.lockedOut(err)
				return
			}
			o := RecordsScreen(vm, actions)
			wire(o, s.h)
			results.Objects = []fyne.CanvasObject{o}
			results.Refresh()
			if header != nil && len(header.Objects) == 0 {
				h := RecordsHeader(s.query, vm.Skills, actions)
				wire(h, s.h)
				header.Objects = []fyne.CanvasObject{h}
				header.Refresh()
			}
			s.repaint()
		})
	}
	actions.Query = func(q RecordsQuery) {
		s.query = q
		reload()
	}
	header = container.NewStack()
	s.setPage(container.NewBorder(padded(header), nil, nil, nil, container.NewVScroll(padded(results))))
	reload()
}

// OpenRecord shows a record's detail page.
func (s *Shell) OpenRecord(id int64) {
	if s.tab != TabRecords {
		s.tab = TabRecords
		for i, n := range s.nav {
			n.setSelected(Tab(i/2) == TabRecords)
		}
		s.stack = []func(){s.drawRecords}
	}
	s.push(func() { s.drawDetail(id) })
}

func (s *Shell) drawDetail(id int64) {
	var vm DetailVM
	s.loading(func() (err error) { vm, err = LoadDetail(s.ctx(), s.Sess, id); return }, func() fyne.CanvasObject {
		return DetailScreen(vm, DetailActions{
			Back:           s.Back,
			AddToPortfolio: func() { s.addToPortfolioDialog(id) },
			Share: func() {
				var name string
				var data []byte
				s.run(func() (err error) { name, data, err = ShareFile(s.ctx(), s.Sess, id); return }, func() {
					s.saveFile(name, data, lang.L("Record saved."))
				})
			},
			Delete: func() {
				s.confirm(lang.L("Delete this record?"), lang.L("\"{{.Title}}\" will be removed from this device. The school or program that issued it still has it.", map[string]any{"Title": vm.Title}),
					lang.L("Delete"), func() {
						s.run(func() error { return DeleteRecord(s.ctx(), s.Sess, id) }, func() { s.ShowTab(TabRecords) })
					})
			},
			Recheck: func() {
				s.run(func() error { return Recheck(s.ctx(), s.Sess, id) }, func() { s.drawDetail(id) })
			},
		})
	})
}

func (s *Shell) addToPortfolioDialog(record int64) {
	var list PortfolioListVM
	s.run(func() (err error) { list, err = LoadPortfolios(s.ctx(), s.Sess); return }, func() {
		newName := lang.L("A new portfolio…")
		options := []string{}
		for _, p := range list.Portfolios {
			options = append(options, p.Name)
		}
		options = append(options, newName)
		pick := newSelect(options, nil)
		name := newEntry(lang.L("Name of the new portfolio"))
		name.Hide()
		pick.OnChanged = func(v string) {
			if v == newName {
				name.Show()
			} else {
				name.Hide()
			}
		}
		pick.SetSelected(options[0])
		note := newEntry(lang.L("Note (optional)"))
		var d dialog.Dialog
		submit := func() {
			var pid int64
			for _, p := range list.Portfolios {
				if p.Name == pick.Selected {
					pid = p.ID
				}
			}
			noteText, nameText := note.Text, name.Text
			s.run(func() (err error) {
				if pid == 0 {
					if pid, err = CreatePortfolio(s.ctx(), s.Sess, nameText); err != nil {
						return err
					}
				}
				return AddToPortfolio(s.ctx(), s.Sess, pid, record, noteText)
			}, func() {
				d.Hide()
				s.drawDetail(record)
			})
		}
		note.OnSubmitted = func(string) { submit() }
		name.OnSubmitted = func(string) { submit() }
		d = s.showDialog(lang.L("Add to portfolio"), container.NewVBox(pick, name, note),
			newPrimaryButton(lang.L("Add"), theme.ConfirmIcon(), submit))
	})
}

func (s *Shell) drawAdd() {
	vm := &s.adding
	var draw func()
	importRun := func(work func() (ImportResult, error)) {
		vm.Busy, vm.Result, vm.Error = true, nil, ""
		draw()
		var r ImportResult
		var err error
		seq := s.seq
		s.background(func() { r, err = work() }, func() {
			vm.Busy = false
			if err != nil {
				vm.Error = message(err)
			} else {
				vm.Result = &r
				if r.OK {
					vm.Text = ""
				}
			}
			if seq == s.seq {
				draw()
			}
		})
	}
	draw = func() {
		s.setPage(AddScreen(vm, AddActions{
			OpenFile: func() {
				s.openFile([]string{".json", ".jsonld", ".jwt", ".txt", ".png", ".svg"}, func(name string, data []byte) {
					importRun(func() (ImportResult, error) { return s.add.Import(s.ctx(), data) })
				})
			},
			ImportText: func() {
				text := vm.Text
				importRun(func() (ImportResult, error) { return s.add.ImportText(s.ctx(), text) })
			},
			Keep: func() { importRun(func() (ImportResult, error) { return s.add.KeepRefused(s.ctx()) }) },
			Offer: func() {
				link, code := vm.Offer, vm.TxCode
				vm.OfferBusy, vm.OfferResult, vm.OfferError = true, nil, ""
				draw()
				var r OfferResult
				var err error
				seq := s.seq
				s.background(func() { r, err = s.add.AcceptOffer(s.ctx(), link, code) }, func() {
					vm.OfferBusy = false
					if err != nil {
						vm.OfferError = message(err)
					} else {
						vm.OfferResult, vm.Offer, vm.TxCode = &r, "", ""
					}
					if seq == s.seq {
						draw()
					}
				})
			},
			Open:  s.OpenRecord,
			Clear: func() { *vm = AddScreenVM{}; draw() },
		}))
	}
	draw()
}

func (s *Shell) drawSkills() {
	var vm SkillsVM
	s.loading(func() (err error) {
		vm, err = LoadSkills(s.ctx(), s.Sess, s.cfg.Pathways, s.cfg.Engine, transcript.DateOf(s.Sess.now()))
		return
	}, func() fyne.CanvasObject {
		return SkillsScreen(vm, SkillsActions{Records: func(skill string) {
			s.query = RecordsQuery{Skill: skill}
			s.ShowTab(TabRecords)
		}})
	})
}

func (s *Shell) drawPortfolios() {
	var vm PortfolioListVM
	s.loading(func() (err error) { vm, err = LoadPortfolios(s.ctx(), s.Sess); return }, func() fyne.CanvasObject {
		return PortfoliosScreen(vm, PortfoliosActions{
			Open: s.OpenPortfolio,
			Create: func(name string) {
				var id int64
				s.run(func() (err error) { id, err = CreatePortfolio(s.ctx(), s.Sess, name); return }, func() { s.OpenPortfolio(id) })
			},
		})
	})
}

// OpenPortfolio shows a portfolio's page.
func (s *Shell) OpenPortfolio(id int64) {
	if s.tab != TabPortfolios {
		s.tab = TabPortfolios
		for i, n := range s.nav {
			n.setSelected(Tab(i/2) == TabPortfolios)
		}
		s.stack = []func(){s.drawPortfolios}
	}
	s.folio = &PortfolioScreenVM{}
	s.push(func() { s.drawPortfolio(id) })
}

func (s *Shell) drawPortfolio(id int64) {
	vm := s.folio
	var actions PortfolioActions
	render := func() { s.setPage(PortfolioScreen(vm, actions)) }
	reload := func() {
		var p PortfolioVM
		s.loading(func() (err error) { p, err = LoadPortfolio(s.ctx(), s.Sess, id); return }, func() fyne.CanvasObject {
			vm.PortfolioVM = p
			return PortfolioScreen(vm, actions)
		})
	}
	change := func(work func() error) {
		vm.QR, vm.QRNote = nil, "" // the portfolio changed: a QR code shown is stale
		s.run(work, reload)
	}
	// present signs the portfolio in the background, then hands the
	// presentation (or the error, shown on the page) to done.
	present := func(done func(Presentation)) {
		format := wallet.FormatLDP
		if vm.JWT {
			format = wallet.FormatJWT
		}
		challenge, domain := vm.Challenge, vm.Domain
		vm.Busy, vm.Error, vm.QR, vm.QRNote = true, "", nil, ""
		render()
		var pr Presentation
		var err error
		s.background(func() { pr, err = Present(s.ctx(), s.Sess, id, challenge, domain, format) }, func() {
			vm.Busy = false
			if err != nil {
				vm.Error = message(err)
				render()
				s.lockedOut(err)
				return
			}
			done(pr)
		})
	}
	actions = PortfolioActions{
		Back:    s.Back,
		Open:    s.OpenRecord,
		Add:     func(rec int64) { change(func() error { return AddToPortfolio(s.ctx(), s.Sess, id, rec, "") }) },
		Remove:  func(rec int64) { change(func() error { return RemoveFromPortfolio(s.ctx(), s.Sess, id, rec) }) },
		Move:    func(rec int64, d int) { change(func() error { return MoveItem(s.ctx(), s.Sess, id, rec, d) }) },
		SetNote: func(rec int64, note string) { change(func() error { return SetNote(s.ctx(), s.Sess, id, rec, note) }) },
		SaveFile: func() {
			present(func(pr Presentation) {
				render()
				s.saveFile(pr.Name, pr.Data, lang.L("Presentation saved. Send the file to the employer."))
			})
		},
		ShowQR: func() {
			present(func(pr Presentation) {
				code, err := QRCode(pr.Data)
				switch {
				case errors.Is(err, ErrTooLargeForQR):
					vm.QRNote = lang.L("This presentation is too large for a QR code ({{.N}} bytes; a QR code holds {{.Max}}). Save it as a file and send that instead.", map[string]any{"N": len(pr.Data), "Max": MaxQRBytes})
				case err != nil:
					vm.Error = message(err)
				default:
					vm.QR, vm.QRNote = code, lang.L("Let the employer scan this code.")
				}
				render()
			})
		},
		Answer: func() {
			if vm.Fetching {
				return
			}
			link := vm.Link
			vm.Fetching, vm.FetchError = true, ""
			render()
			seq := s.seq
			rvm := NewRespondVM(s.Sess, id, s.cfg.Net)
			var view RequestView
			var err error
			s.background(func() { view, err = rvm.Fetch(s.ctx(), link) }, func() {
				vm.Fetching = false
				if seq != s.seq {
					return
				}
				if err != nil {
					vm.FetchError = message(err)
					render()
					s.lockedOut(err)
					return
				}
				confirm := &RespondScreenVM{Portfolio: vm.Name, View: view}
				s.push(func() { s.drawRespond(rvm, confirm, vm) })
			})
		},
		DeleteAll: func() {
			s.confirm(lang.L("Delete this portfolio?"), lang.L("The portfolio goes; the records stay in your wallet."), lang.L("Delete"), func() {
				s.run(func() error { return DeletePortfolio(s.ctx(), s.Sess, id) }, func() { s.ShowTab(TabPortfolios) })
			})
		},
	}
	reload()
}

// drawRespond shows the confirmation of an answer to an employer's
// request, and then its outcome; Cancel (or Escape) sends nothing.
func (s *Shell) drawRespond(rvm *RespondVM, vm *RespondScreenVM, folio *PortfolioScreenVM) {
	var draw func()
	draw = func() {
		s.setPage(RespondScreen(vm, RespondActions{
			Cancel: s.Back,
			Done: func() {
				folio.Link = "" // the request is answered (or queued): the link is spent
				s.Back()
			},
			Share: func() {
				if vm.Busy || vm.Result != nil {
					return
				}
				vm.Busy, vm.Error = true, ""
				draw()
				chosen := vm.Chosen()
				seq := s.seq
				var r RespondResult
				var err error
				s.background(func() { r, err = rvm.Share(s.ctx(), chosen) }, func() {
					vm.Busy = false
					if err != nil {
						vm.Error = message(err)
					} else {
						vm.Result = &r
					}
					if seq == s.seq {
						draw()
					} else if err == nil {
						// The learner left the page while it was sending:
						// what became of the answer is still said.
						s.info(lang.L("Answer an employer's request"), shareOutcome(r))
					}
					s.lockedOut(err)
				})
			},
		}))
	}
	draw()
}

func (s *Shell) drawSettings() {
	var vm SettingsVM
	s.loading(func() (err error) { vm, err = LoadSettings(s.ctx(), s.Sess, s.App.Preferences()); return }, func() fyne.CanvasObject {
		return SettingsScreen(vm, SettingsActions{
			Language: func(code string) {
				s.App.Preferences().SetString(PrefLanguage, code)
				if err := applyLanguage(code); err != nil {
					s.showError(err)
				}
				s.ShowMain(TabSettings)
			},
			TextSize: func(scale float64) {
				s.App.Preferences().SetFloat(PrefTextSize, scale)
				s.App.Settings().SetTheme(newSizedTheme(scale))
			},
			LockAfter: func(d time.Duration) {
				s.run(func() error { return s.Sess.SetLockAfter(s.ctx(), d) }, func() { s.lockTo = d })
			},
			LockNow: func() {
				s.Sess.Lock()
				s.ShowLocked()
			},
			Backup:  s.backupDialog,
			Restore: s.restoreDialog,
			LoadRegistry: func() {
				s.openFile([]string{".json"}, func(name string, data []byte) {
					var reg string
					s.run(func() (err error) { reg, err = LoadRegistry(s.ctx(), s.Sess, data, name); return }, func() {
						s.info(lang.L("Registry loaded"), lang.L("Records from the issuers in \"{{.Name}}\" are now recognised.", map[string]any{"Name": reg}))
						s.drawSettings()
					})
				})
			},
			RemoveRegistry: func(name string) {
				s.run(func() error { return RemoveRegistry(s.ctx(), s.Sess, name) }, s.drawSettings)
			},
		})
	})
}

func (s *Shell) backupDialog() {
	pass := newPasswordEntry(lang.L("Your passphrase"))
	errLabel := errorText("")
	errLabel.Hide()
	var d dialog.Dialog
	submit := func() {
		p := pass.Text
		var archive []byte
		var err error
		s.background(func() { archive, err = s.Sess.Backup(s.ctx(), p) }, func() {
			if err != nil {
				errLabel.SetText(message(err))
				errLabel.Show()
				return
			}
			d.Hide()
			s.saveFile(backupName(s.Sess.now()), archive, lang.L("Backup saved. Keep it somewhere safe, off this device."))
		})
	}
	pass.OnSubmitted = func(string) { submit() }
	d = s.showDialog(lang.L("Back up your wallet"), container.NewVBox(
		wrapped(lang.L("The backup is encrypted with your passphrase. Type it to confirm."), fyne.TextStyle{}), pass, errLabel),
		newPrimaryButton(lang.L("Back up"), theme.DocumentSaveIcon(), submit))
}

func (s *Shell) restoreDialog() {
	s.openFile([]string{".satchel", ".bak"}, func(name string, data []byte) {
		pass := newPasswordEntry(lang.L("Passphrase of the backup"))
		errLabel := errorText("")
		errLabel.Hide()
		var d dialog.Dialog
		submit := func() {
			p := pass.Text
			var kept string
			var err error
			s.background(func() { kept, err = s.Sess.ReplaceFromBackup(s.ctx(), data, p) }, func() {
				if err != nil {
					errLabel.SetText(message(err))
					errLabel.Show()
					return
				}
				d.Hide()
				if s.Sess.State() == Unlocked {
					s.ShowMain(TabRecords)
				} else {
					s.ShowLocked()
				}
				s.info(lang.L("Wallet restored"), lang.L("Your wallet now holds what the backup holds. The wallet it replaced was kept as {{.File}}.", map[string]any{"File": kept}))
			})
		}
		pass.OnSubmitted = func(string) { submit() }
		d = s.showDialog(lang.L("Restore from a backup"), container.NewVBox(
			wrapped(lang.L("This replaces everything in your wallet with what is in {{.File}}.", map[string]any{"File": name}), fyne.TextStyle{}),
			pass, errLabel),
			dangerButton(lang.L("Replace my wallet"), theme.HistoryIcon(), submit))
	})
}

// showDialog shows a dialog with the app's buttons and a Cancel; Escape or
// Cancel closes it. The first entry in it takes the focus.
func (s *Shell) showDialog(title string, content fyne.CanvasObject, buttons ...*keyButton) dialog.Dialog {
	d := dialog.NewCustomWithoutButtons(title, content, s.Win)
	cancel := newButton(lang.L("Cancel"), theme.CancelIcon(), d.Hide)
	objs := []fyne.CanvasObject{cancel}
	for _, b := range buttons {
		objs = append(objs, b)
	}
	d.SetButtons(objs)
	wire(content, s.h)
	for _, o := range objs {
		wire(o, s.h)
	}
	d.SetOnClosed(func() {
		for i, x := range s.dlgs {
			if x == d {
				s.dlgs = append(s.dlgs[:i], s.dlgs[i+1:]...)
				break
			}
		}
	})
	s.dlgs = append(s.dlgs, d)
	width := fyne.Min(s.Win.Canvas().Size().Width-24, 440)
	d.Resize(fyne.NewSize(width, d.MinSize().Height))
	d.Show()
	if e := firstEntry(content); e != nil {
		s.Win.Canvas().Focus(e)
	}
	return d
}

// confirm asks before something that cannot be undone.
func (s *Shell) confirm(title, text, action string, yes func()) {
	var d dialog.Dialog
	d = s.showDialog(title, wrapped(text, fyne.TextStyle{}), dangerButton(action, theme.DeleteIcon(), func() {
		d.Hide()
		yes()
	}))
}

func (s *Shell) info(title, text string) {
	d := dialog.NewCustomWithoutButtons(title, wrapped(text, fyne.TextStyle{}), s.Win)
	ok := newPrimaryButton(lang.L("OK"), theme.ConfirmIcon(), d.Hide)
	wire(ok, s.h)
	d.SetButtons([]fyne.CanvasObject{ok})
	d.SetOnClosed(func() {
		for i, x := range s.dlgs {
			if x == d {
				s.dlgs = append(s.dlgs[:i], s.dlgs[i+1:]...)
				break
			}
		}
	})
	s.dlgs = append(s.dlgs, d)
	d.Resize(fyne.NewSize(fyne.Min(s.Win.Canvas().Size().Width-24, 440), d.MinSize().Height))
	d.Show()
}

func (s *Shell) showError(err error) {
	s.info(lang.L("Something went wrong"), message(err))
}

// Escape closes the top dialog, or else goes back a page.
func (s *Shell) Escape() {
	if n := len(s.dlgs); n > 0 {
		s.dlgs[n-1].Hide()
		return
	}
	s.Back()
}

func (s *Shell) closeDialogs() {
	for len(s.dlgs) > 0 {
		s.dlgs[len(s.dlgs)-1].Hide()
	}
}

// Dialogs is how many dialogs are open.
func (s *Shell) Dialogs() int { return len(s.dlgs) }

// CheckIdle locks the wallet when it has been idle too long.
func (s *Shell) CheckIdle() {
	if s.Sess.LockIfIdle(s.lockTo) {
		s.ShowLocked()
	}
}

// focusFirst gives the keyboard focus to the first entry of the window.
func (s *Shell) focusFirst() {
	if e := firstEntry(s.Win.Content()); e != nil {
		s.Win.Canvas().Focus(e)
	}
}

func firstEntry(o fyne.CanvasObject) *keyEntry {
	var found *keyEntry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *keyEntry:
			found = v
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(v.Content)
		}
	}
	walk(o)
	return found
}

func (s *Shell) openFile(exts []string, got func(name string, data []byte)) {
	files := s.cfg.Files
	if files == nil {
		files = dialogFiles{}
	}
	files.Open(s.Win, exts, func(name string, data []byte, err error) {
		switch {
		case err != nil:
			s.showError(err)
		case data != nil:
			got(name, data)
		}
	})
}

func (s *Shell) saveFile(name string, data []byte, said string) {
	files := s.cfg.Files
	if files == nil {
		files = dialogFiles{}
	}
	files.Save(s.Win, name, data, func(saved bool, err error) {
		switch {
		case err != nil:
			s.showError(err)
		case saved:
			s.info(lang.L("Saved"), said)
		}
	})
}

// dialogFiles are Fyne's file dialogs.
type dialogFiles struct{}

// maxOpenBytes bounds a file the app reads: the largest credential (a
// baked badge) or a backup.
const maxOpenBytes = wallet.MaxArchiveBytes

func (dialogFiles) Open(w fyne.Window, exts []string, done func(string, []byte, error)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			done("", nil, err)
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, maxOpenBytes+1))
		if err == nil && len(b) > maxOpenBytes {
			err = fmt.Errorf("%s is too large", r.URI().Name())
		}
		if err != nil {
			done("", nil, err)
			return
		}
		done(r.URI().Name(), b, nil)
	}, w)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Resize(w.Canvas().Size())
	d.Show()
}

func (dialogFiles) Save(w fyne.Window, name string, data []byte, done func(bool, error)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			done(false, err)
			return
		}
		_, err = wc.Write(data)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		done(err == nil, err)
	}, w)
	d.SetFileName(name)
	d.Resize(w.Canvas().Size())
	d.Show()
}

// message says an error in words for the learner.
func message(err error) string {
	var nv *wallet.NotVerifiedError
	switch {
	case errors.Is(err, ErrPassphraseMismatch):
		return lang.L("The two passphrases are not the same. Type them again.")
	case errors.Is(err, ErrPassphraseShort):
		return lang.L("The passphrase is too short: use at least {{.N}} characters.", map[string]any{"N": MinPassphrase})
	case errors.Is(err, wallet.ErrWrongPassphrase):
		return lang.L("That passphrase does not open this wallet. Nothing was changed; try again.")
	case errors.Is(err, wallet.ErrBadArchive):
		return lang.L("This file is not a Satchel backup, or it is damaged.")
	case errors.Is(err, ErrWalletExists):
		return lang.L("There is a wallet here already.")
	case errors.Is(err, ErrLocked):
		return lang.L("The wallet is locked.")
	case errors.Is(err, ErrIsOffer):
		return lang.L("This is an offer from an institution: paste it under \"Receive from an institution\" below, with its code if it came with one.")
	case errors.Is(err, ErrNeedsCode):
		return lang.L("This offer needs the code the institution sent you separately (by e-mail or text message).")
	case errors.Is(err, wallet.ErrBadOffer):
		return lang.L("This is not an offer Satchel can read: {{.Why}}", map[string]any{"Why": err.Error()})
	case errors.Is(err, ErrNoRequestLink):
		return lang.L("Paste the link from the employer's page first.")
	case errors.Is(err, ErrEmptyPortfolio):
		return lang.L("This portfolio is empty: add records to it first.")
	case errors.Is(err, ErrRequestGone):
		return lang.L("This request has expired or was already answered. Ask the employer's page for a new link.")
	case errors.Is(err, ErrEmployerOffline):
		return lang.L("The employer's page cannot be reached. Check your connection and try again.")
	case errors.Is(err, ErrEmployerRefused):
		return lang.L("The employer's page refused: {{.Why}}", map[string]any{"Why": remoteReason(err)})
	case errors.Is(err, wallet.ErrBadRequest):
		return lang.L("This is not an employer's request Satchel can answer: {{.Why}}", map[string]any{"Why": after(err, wallet.ErrBadRequest)})
	case errors.Is(err, wallet.ErrUnsafeURL):
		return lang.L("Satchel will not follow this link: it must be a secure (https) address on the internet. ({{.Why}})", map[string]any{"Why": after(err, wallet.ErrUnsafeURL)})
	case errors.Is(err, wallet.ErrOffline):
		return lang.L("The institution cannot be reached. Check your connection and try again.")
	case errors.Is(err, wallet.ErrRefused):
		return lang.L("The institution refused: {{.Why}}", map[string]any{"Why": err.Error()})
	case errors.Is(err, ErrNotALink):
		return lang.L("This is neither a record nor a link to one.")
	case errors.Is(err, ErrInPortfolio):
		return lang.L("This record is in a portfolio. Take it out of its portfolios first, then delete it.")
	case errors.Is(err, ErrNameEmpty):
		return lang.L("Give the portfolio a name.")
	case errors.Is(err, wallet.ErrDuplicate):
		return lang.L("That is in your wallet already.")
	case errors.Is(err, wallet.ErrCannotPresent):
		return lang.L("This portfolio cannot be shared as asked: {{.Why}}", map[string]any{"Why": strings.TrimPrefix(err.Error(), wallet.ErrCannotPresent.Error()+": ")})
	case errors.As(err, &nv):
		return refusalReason(nv)
	}
	return lang.L("Something went wrong: {{.Err}}", map[string]any{"Err": err.Error()})
}

// after is what an error says after its sentinel's own words: the detail.
func after(err, sentinel error) string {
	if _, rest, ok := strings.Cut(err.Error(), sentinel.Error()+": "); ok {
		return rest
	}
	return err.Error()
}

func appIconSmall() fyne.CanvasObject {
	img := canvas.NewImageFromResource(AppIcon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(32, 32))
	return img
}

// shareOutcome says in a sentence what became of an answer.
func shareOutcome(r RespondResult) string {
	switch {
	case r.Accepted:
		return lang.L("Sent: the employer's page accepted your answer.")
	case r.Queued:
		return lang.L("The employer's page cannot be reached now. Your answer is saved, and it will be sent when you are back online (if the request has not expired by then).")
	}
	return lang.L("The employer's page refused your answer: {{.Why}}", map[string]any{"Why": r.Reason})
}
