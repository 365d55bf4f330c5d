package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
)

// now is the tests' present.
var now = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// cheap KDF costs: the tests are about the app, not the key's strength.
var cheap = wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

const passphrase = "correct horse battery staple"

var (
	sampleOnce sync.Once
	sampleDir  string
	sampleInfo sample.Wallet
	sampleErr  error
)

// sampleWallet copies the sample wallet (built once) into a new directory
// and returns its database path and what it holds.
func sampleWallet(t testing.TB) (string, sample.Wallet) {
	t.Helper()
	sampleOnce.Do(func() {
		sampleDir, sampleErr = os.MkdirTemp("", "satchel-app-test-")
		if sampleErr == nil {
			sampleInfo, sampleErr = sample.Build(context.Background(), sampleDir, sample.Options{Now: now, Passphrase: []byte(passphrase), KDF: cheap})
		}
	})
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	dir := t.TempDir()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		src := filepath.Join(sampleDir, sample.File+suffix)
		in, err := os.Open(src)
		if err != nil {
			continue
		}
		out, err := os.Create(filepath.Join(dir, WalletFile+suffix))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
	return filepath.Join(dir, WalletFile), sampleInfo
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sampleDir != "" {
		os.RemoveAll(sampleDir)
	}
	os.Exit(code)
}

// openSample is the sample wallet, unlocked.
func openSample(t testing.TB) (*Session, sample.Wallet) {
	t.Helper()
	path, info := sampleWallet(t)
	s := &Session{Path: path, KDF: cheap, Now: clock}
	if _, err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(context.Background(), passphrase); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, info
}

// rawOf is a credential's bytes as the sample wallet holds them.
func rawOf(t testing.TB, s *Session, id int64) []byte {
	t.Helper()
	c, err := s.Store().Credential(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Raw
}

// fakeFiles hands the app files without a dialog, and keeps what it saves.
type fakeFiles struct {
	name  string
	data  []byte
	saved map[string][]byte
}

func (f *fakeFiles) Open(_ fyne.Window, _ []string, done func(string, []byte, error)) {
	done(f.name, f.data, nil)
}

func (f *fakeFiles) Save(_ fyne.Window, name string, data []byte, done func(bool, error)) {
	if f.saved == nil {
		f.saved = map[string][]byte{}
	}
	f.saved[name] = data
	done(true, nil)
}

// pending is a Background that holds work until the test runs it, so that
// a test sees the screen while the work is under way.
type pending struct{ jobs []func() }

func (p *pending) run(work, done func()) {
	p.jobs = append(p.jobs, func() {
		ch := make(chan struct{})
		go func() { work(); close(ch) }() // off the test's goroutine, as in the app
		<-ch
		done()
	})
}

// flush runs the held work, and what that work holds in turn.
func (p *pending) flush() {
	for len(p.jobs) > 0 {
		j := p.jobs[0]
		p.jobs = p.jobs[1:]
		j()
	}
}

// inline runs work then done at once, on the calling goroutine.
func inline(work, done func()) { work(); done() }

// newShell is the app's window at a size, over a wallet at path.
func newShell(t *testing.T, path string, size fyne.Size, files Files, bg func(work, done func())) *Shell {
	t.Helper()
	a := test.NewTempApp(t)
	if err := applyLanguage("en"); err != nil {
		t.Fatal(err)
	}
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := set.Engine()
	if err != nil {
		t.Fatal(err)
	}
	w := a.NewWindow("Satchel")
	w.Resize(size)
	if bg == nil {
		bg = inline
	}
	s := NewShell(a, w, Config{WalletPath: path, Now: clock, KDF: cheap, Background: bg, Files: files,
		Pathways: set.Pathways, Engine: eng})
	t.Cleanup(func() { s.Sess.Close(); w.Close() })
	return s
}

var phoneSize, desktopSize = fyne.NewSize(360, 740), fyne.NewSize(1280, 800)

// walk visits visible objects, descending into containers, scrolls, the
// app's cards and (through their renderers) other widgets.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, f)
		}
	case *container.Scroll:
		walk(v.Content, f)
	case *tapCard:
		walk(v.content, f)
	case *widget.Label, *widget.Entry, *keyEntry, *widget.RichText:
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, f)
		}
	}
}

// visibleText is the text of every visible label, one a line.
func visibleText(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	})
	return b.String()
}

// windowText is the text of the window and its open dialogs.
func windowText(w fyne.Window) string {
	s := visibleText(w.Content())
	for _, o := range w.Canvas().Overlays().List() {
		s += visibleText(o)
	}
	return s
}

// find is the first visible object under the window (dialogs first) that
// matches.
func find[T fyne.CanvasObject](w fyne.Window, match func(T) bool) T {
	var found T
	var done bool
	look := func(o fyne.CanvasObject) {
		walk(o, func(o fyne.CanvasObject) {
			if v, ok := o.(T); ok && !done && match(v) {
				found, done = v, true
			}
		})
	}
	overlays := w.Canvas().Overlays().List()
	for i := len(overlays) - 1; i >= 0 && !done; i-- {
		look(overlays[i])
	}
	if !done {
		look(w.Content())
	}
	return found
}

func button(t *testing.T, w fyne.Window, text string) *keyButton {
	t.Helper()
	b := find(w, func(b *keyButton) bool { return b.Text == text })
	if b == nil {
		t.Fatalf("no button %q in:\n%s", text, windowText(w))
	}
	return b
}

func entry(t *testing.T, w fyne.Window, placeholder string) *keyEntry {
	t.Helper()
	e := find(w, func(e *keyEntry) bool { return e.PlaceHolder == placeholder })
	if e == nil {
		t.Fatalf("no entry %q in:\n%s", placeholder, windowText(w))
	}
	return e
}

func card(t *testing.T, w fyne.Window, title string) *tapCard {
	t.Helper()
	c := find(w, func(c *tapCard) bool { return c.label == title })
	if c == nil {
		t.Fatalf("no card %q in:\n%s", title, windowText(w))
	}
	return c
}

// typeInto focuses an entry and types, as a keyboard would.
func typeInto(w fyne.Window, e *keyEntry, text string) {
	w.Canvas().Focus(e)
	test.Type(e, text)
}

func press(o fyne.Focusable, key fyne.KeyName) { o.TypedKey(&fyne.KeyEvent{Name: key}) }

func wantText(t *testing.T, w fyne.Window, want ...string) {
	t.Helper()
	text := windowText(w)
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("window does not say %q; it says:\n%s", s, text)
		}
	}
}

func wantNoText(t *testing.T, w fyne.Window, not ...string) {
	t.Helper()
	text := windowText(w)
	for _, s := range not {
		if strings.Contains(text, s) {
			t.Errorf("window says %q; it should not:\n%s", s, text)
		}
	}
}
