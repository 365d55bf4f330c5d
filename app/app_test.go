package app

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

func sampleVM(t *testing.T) PathwaysVM {
	t.Helper()
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := set.Engine()
	if err != nil {
		t.Fatal(err)
	}
	return NewPathwaysVM(set.Pathways, eng, transcript.MustDate("2026-09-01"))
}

// The model alone, no window: every pathway has steps, and outside learning
// (military training, say) is shown counting toward a step through the
// equivalency tables.
func TestPathwaysVM(t *testing.T) {
	vm := sampleVM(t)
	if len(vm.Pathways) < 3 {
		t.Fatalf("%d pathways, want at least 3", len(vm.Pathways))
	}
	var military, entry, exit bool
	for _, p := range vm.Pathways {
		if len(p.Steps) == 0 {
			t.Errorf("pathway %s has no steps", p.Title)
		}
		for _, s := range p.Steps {
			if len(s.Counts) == 0 {
				t.Errorf("step %s shows nothing that counts toward it", s.Title)
			}
			for _, c := range s.Counts {
				military = military || strings.HasPrefix(c, "Military: ") && strings.Contains(c, "→")
			}
			entry = entry || s.Role == "Entry point"
			exit = exit || strings.HasPrefix(s.Role, "Leads to: ")
		}
	}
	if !military || !entry || !exit {
		t.Errorf("military equivalency shown %v, entry point %v, exit point %v: want all", military, entry, exit)
	}
}

// The real widgets: the pathways screen shows the first pathway's steps,
// and tapping another pathway's "Show steps" shows its steps too.
func TestPathwaysWindow(t *testing.T) {
	test.NewTempApp(t)
	if err := applyLanguage("en"); err != nil {
		t.Fatal(err)
	}
	vm := sampleVM(t)
	w := test.NewWindow(PathwaysScreen(vm))
	defer w.Close()
	w.Resize(fyne.NewSize(360, 740))
	if min := w.Content().MinSize(); min.Width > 360 {
		t.Errorf("content needs %v wide, more than a 360-wide phone", min.Width)
	}
	var buttons []*keyButton
	walk(w.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok {
			buttons = append(buttons, b)
		}
	})
	if len(buttons) != len(vm.Pathways) {
		t.Fatalf("%d toggle buttons for %d pathways", len(buttons), len(vm.Pathways))
	}
	if buttons[0].Text != "Hide steps" || buttons[1].Text != "Show steps" {
		t.Fatalf("buttons read %q, %q: want the first pathway open only", buttons[0].Text, buttons[1].Text)
	}
	second := vm.Pathways[1].Steps[0].Title
	if strings.Contains(visibleText(w.Content()), second) {
		t.Fatalf("step %q of a closed pathway is visible", second)
	}
	test.Tap(buttons[1])
	if !strings.Contains(visibleText(w.Content()), second) || buttons[1].Text != "Hide steps" {
		t.Errorf("after tapping, step %q is not visible", second)
	}
	test.Tap(buttons[1])
	if strings.Contains(visibleText(w.Content()), second) {
		t.Errorf("after tapping again, step %q is still visible", second)
	}
}

// Every string passed to lang.L in this package has a translation in every
// language file, and no language has keys the code does not use.
func TestTranslationsComplete(t *testing.T) {
	keys := map[string]bool{}
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: lang.L with a non-literal key", fset.Position(call.Pos()))
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			keys[s] = true
			return true
		})
	}
	if len(keys) == 0 {
		t.Fatal("found no lang.L calls")
	}
	langs, _ := filepath.Glob("translations/*.json")
	if len(langs) < 2 {
		t.Fatalf("want English and Spanish at least, have %v", langs)
	}
	for _, f := range langs {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]string
		if err := json.Unmarshal(raw, &tr); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k := range keys {
			if strings.TrimSpace(tr[k]) == "" {
				t.Errorf("%s: no translation for %q", f, k)
			}
		}
		for k := range tr {
			if !keys[k] {
				t.Errorf("%s: %q is not used by the code", f, k)
			}
		}
	}
}
