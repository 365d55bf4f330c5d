package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
)

// First run: passphrases that differ are refused with a message and no
// wallet; the same passphrase twice, submitted with Enter, creates the
// wallet and shows a new learner how to add a first record.
func TestFirstRunWindow(t *testing.T) {
	path := filepath.Join(t.TempDir(), WalletFile)
	s := newShell(t, path, phoneSize, nil, nil)
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	wantText(t, w, "Welcome to Satchel")
	pass := entry(t, w, "Passphrase")
	if w.Canvas().Focused() != pass {
		t.Errorf("focus is on %v, want the passphrase", w.Canvas().Focused())
	}
	test.Type(pass, "correct")
	wantText(t, w, "Too short")
	test.Type(pass, " horse battery staple")
	wantText(t, w, "Strong passphrase.")

	// Tab moves from the passphrase to its confirmation, then on to the
	// create button, and round to the passphrase again.
	order := focusOrder(w, 8)
	confirm := entry(t, w, "The same passphrase again")
	create := button(t, w, "Create wallet")
	if i, j, k := indexOf(order, pass), indexOf(order, confirm), indexOf(order, create); j < 0 || k <= j || i <= k {
		t.Errorf("tab order from the passphrase: confirmation %d, create %d, passphrase again %d", j, k, i)
	}

	typeInto(w, confirm, "correct horse battery stapel")
	press(confirm, fyne.KeyReturn)
	wantText(t, w, "The two passphrases are not the same")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a refused first run left a wallet (%v)", err)
	}
	confirm = entry(t, w, "The same passphrase again")
	confirm.SetText("")
	typeInto(w, confirm, "correct horse battery staple")
	press(confirm, fyne.KeyReturn)
	if s.Sess.State() != Unlocked {
		t.Fatalf("after create: %v\n%s", s.Sess.State(), windowText(w))
	}
	wantText(t, w, "Your wallet is empty")
	test.Tap(button(t, w, "Add your first record"))
	wantText(t, w, "Add a record")
}

func focusOrder(w fyne.Window, n int) []fyne.Focusable {
	var out []fyne.Focusable
	for i := 0; i < n; i++ {
		test.FocusNext(w.Canvas())
		out = append(out, w.Canvas().Focused())
	}
	return out
}

func indexOf(list []fyne.Focusable, o fyne.Focusable) int {
	for i, x := range list {
		if x == o {
			return i
		}
	}
	return -1
}

// Restoring on a new device: choose the backup, type its passphrase.
func TestFirstRunRestore(t *testing.T) {
	src, _ := openSample(t)
	archive, err := src.Backup(context.Background(), passphrase)
	if err != nil {
		t.Fatal(err)
	}
	files := &fakeFiles{name: "satchel-backup.satchel", data: archive}
	s := newShell(t, filepath.Join(t.TempDir(), WalletFile), phoneSize, files, nil)
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	test.Tap(button(t, w, "Restore from a backup"))
	test.Tap(button(t, w, "Choose backup file…"))
	wantText(t, w, "satchel-backup.satchel")
	pass := entry(t, w, "Passphrase of the backup")
	typeInto(w, pass, "wrong passphrase")
	press(pass, fyne.KeyReturn)
	wantText(t, w, "does not open this wallet")
	pass = entry(t, w, "Passphrase of the backup")
	pass.SetText("")
	typeInto(w, pass, passphrase)
	press(pass, fyne.KeyReturn)
	if s.Sess.State() != Unlocked {
		t.Fatalf("after restore: %v\n%s", s.Sess.State(), windowText(w))
	}
	wantText(t, w, "Combat Medic Specialist")
}

// The unlock screen: a wrong passphrase says so and changes nothing; the
// right one, with Enter, shows the records.
func TestUnlockWindow(t *testing.T) {
	path, _ := sampleWallet(t)
	s := newShell(t, path, phoneSize, nil, nil)
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	wantText(t, w, "Satchel is locked")
	pass := entry(t, w, "Passphrase")
	typeInto(w, pass, "tr0ub4dor")
	press(pass, fyne.KeyReturn)
	wantText(t, w, "That passphrase does not open this wallet. Nothing was changed; try again.")
	if s.Sess.State() != Locked {
		t.Fatalf("state %v after a wrong passphrase", s.Sess.State())
	}
	pass = entry(t, w, "Passphrase")
	if w.Canvas().Focused() != pass || pass.Text != "" {
		t.Errorf("after a wrong passphrase: focus %v, entry %q; want an empty, focused entry", w.Canvas().Focused(), pass.Text)
	}
	typeInto(w, pass, passphrase)
	press(pass, fyne.KeyReturn)
	wantText(t, w, "My records", "Combat Medic Specialist", "Revoked by the issuer", "Issuer not recognised", "Not checked since")
}

// While the passphrase is checked (Argon2 takes a moment), the unlock
// button is off and a progress bar runs; the work runs off the UI
// goroutine.
func TestUnlockProgress(t *testing.T) {
	path, _ := sampleWallet(t)
	p := &pending{}
	s := newShell(t, path, phoneSize, nil, p.run)
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	pass := entry(t, w, "Passphrase")
	typeInto(w, pass, passphrase)
	press(pass, fyne.KeyReturn)
	if b := button(t, w, "Unlock"); !b.Disabled() {
		t.Error("the unlock button is on while the passphrase is checked")
	}
	p.flush()
	wantText(t, w, "My records")
}

// The idle lock: after the time chosen in Settings, the app locks and asks
// for the passphrase again.
func TestIdleLockWindow(t *testing.T) {
	path, _ := sampleWallet(t)
	s := newShell(t, path, desktopSize, nil, nil)
	at := now
	s.Sess.Now = func() time.Time { return at }
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	s.ShowTab(TabSettings)
	w := s.Win
	lock := find(w, func(sel *keySelect) bool { return sel.Selected == "After 5 minutes idle" })
	if lock == nil {
		t.Fatalf("no lock setting in:\n%s", windowText(w))
	}
	lock.SetSelected("After 1 minute idle")
	at = at.Add(30 * time.Second)
	s.CheckIdle()
	if s.Sess.State() != Unlocked {
		t.Fatal("locked after 30 seconds")
	}
	at = at.Add(2 * time.Minute)
	s.CheckIdle()
	if s.Sess.State() != Locked {
		t.Fatal("not locked after two idle minutes")
	}
	wantText(t, w, "Satchel is locked")
}

// Search, filters and the detail: typing narrows the cards; tapping a card
// opens the record; Escape goes back.
func TestRecordsWindow(t *testing.T) {
	path, _ := sampleWallet(t)
	s := newShell(t, path, phoneSize, nil, nil)
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	wantText(t, w, "College", "Adult school", "Apprenticeship", "Military", "Human Anatomy", "OSHA 30-Hour Construction Outreach")
	search := entry(t, w, "Search titles, schools, skills, courses")
	typeInto(w, search, "anatomy")
	wantText(t, w, "Human Anatomy", "1 record")
	wantNoText(t, w, "Combat Medic Specialist")
	search.SetText("")
	kind := find(w, func(sel *keySelect) bool { return sel.Selected == "All kinds" })
	kind.SetSelected("Military")
	wantText(t, w, "Combat Medic Specialist", "4 records")
	wantNoText(t, w, "Human Anatomy")
	kind.SetSelected("All kinds")

	c := card(t, w, "Combat Medic Specialist")
	w.Canvas().Focus(c)
	press(c, fyne.KeyReturn)
	wantText(t, w, "EMS 101 Emergency Medical Technician", "Worth 6 units of community-college credit",
		"Granted by equivalency table military-cpl v2025.1 row M01", "Recognised by")
	wantNoText(t, w, "eddsa-rdfc-2022")
	test.Tap(button(t, w, "Details"))
	wantText(t, w, "✓ Signature", "✓ Not revoked", "eddsa-rdfc-2022")
	s.Escape()
	wantText(t, w, "My records")
	wantNoText(t, w, "EMS 101 Emergency Medical Technician")
}

// Deleting asks first; Escape closes the question and nothing is deleted;
// a record in a portfolio is not deleted, and the learner is told why.
func TestDeleteWindow(t *testing.T) {
	path, info := sampleWallet(t)
	s := newShell(t, path, phoneSize, nil, nil)
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	s.OpenRecord(info.Credentials[sample.Stale])
	test.Tap(button(t, w, "Delete"))
	if s.Dialogs() != 1 {
		t.Fatal("no confirmation")
	}
	wantText(t, w, "Delete this record?")
	press(button(t, w, "Cancel"), fyne.KeyEscape)
	if s.Dialogs() != 0 {
		t.Fatal("Escape did not close the confirmation")
	}
	if _, err := s.Sess.Store().Credential(context.Background(), info.Credentials[sample.Stale]); err != nil {
		t.Fatal("the record went without confirmation")
	}
	test.Tap(button(t, w, "Delete"))
	buttons := 0
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok && b.Text == "Delete" {
			buttons++
			test.Tap(b)
		}
	})
	if buttons != 1 {
		t.Fatalf("%d delete buttons in the dialog", buttons)
	}
	if _, err := s.Sess.Store().Credential(context.Background(), info.Credentials[sample.Stale]); err == nil {
		t.Fatal("the record is still there")
	}
	wantText(t, w, "My records")
	wantNoText(t, w, "Human Anatomy")

	s.OpenRecord(info.Credentials[sample.Medic])
	test.Tap(button(t, w, "Delete"))
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok && b.Text == "Delete" {
			test.Tap(b)
		}
	})
	wantText(t, w, "This record is in a portfolio")
}

// Adding a record: the progress shows while it is verified off the UI
// goroutine, then the result; a refused record can be kept marked not
// verified; the credential-offer entry says it is not there yet.
func TestAddWindow(t *testing.T) {
	path, info := sampleWallet(t)
	files := &fakeFiles{}
	p := &pending{}
	s := newShell(t, path, desktopSize, files, p.run)
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	p.flush()
	raw := rawOf(t, s.Sess, info.Credentials[sample.Apprenticeship])
	if err := DeleteRecord(context.Background(), s.Sess, info.Credentials[sample.Apprenticeship]); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	s.ShowTab(TabAdd)
	files.name, files.data = "osha-30.json", []byte(strings.Replace(string(raw), "OSHA 30-Hour", "OSHA 300-Hour", 1))
	test.Tap(button(t, w, "Open a file…"))
	wantText(t, w, "Checking the record…")
	if !button(t, w, "Open a file…").Disabled() {
		t.Error("Open a file is on while a record is checked")
	}
	p.flush()
	wantText(t, w, "Not added: OSHA", "Signature:")
	wantNoText(t, w, "Checking the record…")
	test.Tap(button(t, w, "Keep as not verified"))
	p.flush()
	wantText(t, w, "Added to your wallet", "Not verified")

	test.Tap(button(t, w, "Add another"))
	text := entry(t, w, "Paste the record, or a link to it")
	text.SetText(string(raw))
	test.Tap(button(t, w, "Add pasted record"))
	p.flush()
	wantText(t, w, "This record is in your wallet already.")

	offer := entry(t, w, "openid-credential-offer://…")
	offer.SetText(offerLink("https://issuer.example", true))
	press(offer, fyne.KeyReturn)
	p.flush()
	wantText(t, w, "This offer needs the code the institution sent you separately")
}

// A portfolio: reorder with the buttons, share as a file and (too large)
// as a QR code.
func TestPortfolioWindow(t *testing.T) {
	path, info := sampleWallet(t)
	files := &fakeFiles{}
	s := newShell(t, path, phoneSize, files, nil)
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	s.ShowTab(TabPortfolios)
	test.Tap(card(t, w, sample.PortfolioName))
	wantText(t, w, sample.PortfolioName, "Combat Medic Specialist", "Add records")
	first := func() int64 {
		p, err := s.Sess.Store().Portfolio(context.Background(), info.Portfolio)
		if err != nil {
			t.Fatal(err)
		}
		return p.Items[0].ID
	}
	if first() != info.Credentials[sample.Medic] {
		t.Fatal("the sample portfolio does not start with the medic course")
	}
	down := find(w, func(b *keyButton) bool {
		return b.Icon != nil && b.Icon.Name() == theme.MoveDownIcon().Name() && !b.Disabled()
	})
	if down == nil {
		t.Fatal("no move-down button")
	}
	test.Tap(down)
	if first() == info.Credentials[sample.Medic] {
		t.Error("moving down did not reorder the portfolio")
	}
	typeInto(w, entry(t, w, "Challenge (optional)"), "n-42")
	typeInto(w, entry(t, w, "Domain (optional), e.g. jobs.example.org"), "jobs.example.org")
	test.Tap(button(t, w, "Save presentation file…"))
	var vp []byte
	for name, data := range files.saved {
		if strings.HasSuffix(name, "-presentation.json") {
			vp = data
		}
	}
	if vp == nil {
		t.Fatalf("saved %v", files.saved)
	}
	wantText(t, w, "Presentation saved.")
	if s.Dialogs() != 1 {
		t.Fatalf("%d dialogs after saving", s.Dialogs())
	}
	s.Escape()
	if s.Dialogs() != 0 {
		t.Fatal("Escape did not close the dialog")
	}
	vo, err := wallet.OfflineVerifier(context.Background(), s.Sess.Store())
	if err != nil {
		t.Fatal(err)
	}
	vo.Now, vo.Challenge, vo.Domain = now, "n-42", "jobs.example.org"
	if rep, err := verifier.Verify(context.Background(), vp, vo); err != nil || !rep.Verified {
		t.Errorf("the saved presentation does not verify: %v %v", err, rep.Checks)
	}
	test.Tap(button(t, w, "Show QR code"))
	wantText(t, w, "too large for a QR code")
	s.Escape()
	wantText(t, w, "Your portfolios")
}

// Language: Spanish everywhere at once, and back.
func TestLanguageWindow(t *testing.T) {
	path, _ := sampleWallet(t)
	s := newShell(t, path, desktopSize, nil, nil)
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	defer applyLanguage("en")
	w := s.Win
	s.ShowTab(TabSettings)
	sel := find(w, func(sel *keySelect) bool { return sel.Selected == "System language" })
	if sel == nil {
		t.Fatalf("no language setting in:\n%s", windowText(w))
	}
	sel.SetSelected("Español")
	wantText(t, w, "Ajustes", "Registros", "Idioma", "Registros de confianza")
	s.ShowTab(TabRecords)
	wantText(t, w, "Mis registros", "Colegio comunitario", "Revocado por el emisor")
	s.ShowTab(TabSettings)
	find(w, func(sel *keySelect) bool { return sel.Selected == "Español" }).SetSelected("English")
	wantText(t, w, "Settings", "Trusted registries")
}

// Both sizes: the phone has tabs along the bottom, the desktop down the
// side, and no screen needs more width than the window has.
func TestNavigationSizes(t *testing.T) {
	path, info := sampleWallet(t)
	for _, size := range []fyne.Size{phoneSize, desktopSize} {
		s := newShell(t, path, size, nil, nil)
		if err := s.Start(passphrase); err != nil {
			t.Fatal(err)
		}
		w := s.Win
		w.Resize(size)
		phone := size.Width < PhoneWidth
		var side, bottom int
		walk(w.Content(), func(o fyne.CanvasObject) {
			if n, ok := o.(*navItem); ok {
				if n.stacked {
					bottom++
				} else {
					side++
				}
			}
		})
		if phone && (bottom != 5 || side != 0) || !phone && (side != 5 || bottom != 0) {
			t.Errorf("%v: %d side and %d bottom tabs visible", size, side, bottom)
		}
		screens := map[string]func(){
			"records":    func() { s.ShowTab(TabRecords) },
			"detail":     func() { s.OpenRecord(info.Credentials[sample.Medic]) },
			"add":        func() { s.ShowTab(TabAdd) },
			"skills":     func() { s.ShowTab(TabSkills) },
			"portfolios": func() { s.ShowTab(TabPortfolios) },
			"portfolio":  func() { s.OpenPortfolio(info.Portfolio) },
			"settings":   func() { s.ShowTab(TabSettings) },
		}
		for name, show := range screens {
			show()
			if min := w.Content().MinSize(); min.Width > size.Width {
				t.Errorf("%s at %v needs %v wide", name, size, min.Width)
			}
		}
		// Tabs work from the keyboard: focus one and press Enter.
		var settings *navItem
		walk(w.Content(), func(o fyne.CanvasObject) {
			if n, ok := o.(*navItem); ok && n.Label == "Settings" {
				settings = n
			}
		})
		w.Canvas().Focus(settings)
		press(settings, fyne.KeyReturn)
		if s.tab != TabSettings {
			t.Errorf("%v: Enter on the Settings tab shows tab %d", size, s.tab)
		}
		s.Sess.Close()
	}
}

// Settings: a backup made from the window opens with the passphrase; the
// text grows; a registry file loads; Lock now locks.
func TestSettingsWindow(t *testing.T) {
	path, _ := sampleWallet(t)
	files := &fakeFiles{}
	s := newShell(t, path, phoneSize, files, nil)
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	w := s.Win
	s.ShowTab(TabSettings)
	test.Tap(button(t, w, "Back up now…"))
	pass := entry(t, w, "Your passphrase")
	if w.Canvas().Focused() != pass {
		t.Error("the backup dialog's passphrase does not have the focus")
	}
	test.Type(pass, "not it")
	press(pass, fyne.KeyReturn)
	wantText(t, w, "does not open this wallet")
	pass.SetText("")
	test.Type(pass, passphrase)
	press(pass, fyne.KeyReturn)
	var archive []byte
	for name, data := range files.saved {
		if strings.HasSuffix(name, ".satchel") {
			archive = data
		}
	}
	if _, err := wallet.OpenArchive(archive, []byte(passphrase)); err != nil {
		t.Fatalf("the backup saved (%d bytes) does not open: %v", len(archive), err)
	}
	s.Escape() // the "Saved" note

	size := find(w, func(sel *keySelect) bool { return sel.Selected == "Normal" })
	size.SetSelected("Larger")
	if got := s.App.Settings().Theme().Size(theme.SizeNameText); got <= theme.DefaultTheme().Size(theme.SizeNameText) {
		t.Errorf("text size %v after choosing larger", got)
	}

	files.name, files.data = "ambulance-employers.json", []byte(`[{"id":"did:web:bayside-first-aid.example","name":"Bayside First Aid Academy"}]`)
	test.Tap(button(t, w, "Load a registry file…"))
	wantText(t, w, "Registry loaded", "ambulance-employers")
	s.Escape()

	test.Tap(button(t, w, "Lock now"))
	if s.Sess.State() != Locked {
		t.Error("Lock now did not lock")
	}
	wantText(t, w, "Satchel is locked")
}
