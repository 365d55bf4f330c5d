package transcript

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

var milInfo = TableInfo{ID: "military", Version: "2024.1", Title: "Military training", Owner: "sierra-vista", EffectiveFrom: MustDate("2024-01-01")}

func TestLoadTables(t *testing.T) {
	tables, err := LoadTables(os.DirFS("testdata/tables"), "index.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 2 {
		t.Fatalf("got %d tables, want 2", len(tables))
	}
	mil := tables[0]
	if len(mil.Rows) != 2 || len(mil.Rows[0].Grants) != 2 || mil.UnitCap != 12 {
		t.Fatalf("military table = %+v; want 2 rows, the first granting 2 courses, cap 12", mil)
	}
	want := Row{ID: "m1", Source: Source{Kind: Military, ID: "AR-0709-0050", Title: "Combat Medic"},
		Conditions: Conditions{MinACEHours: 4, ACELevel: LowerDivision, CompletedFrom: MustDate("2015-01-01")},
		Grants: []Course{
			{College: "Sierra Vista CC", Code: "EMS 101", Title: "Emergency Medical Technician", Units: 5, URL: "https://catalog.example/ems-101"},
			{College: "Sierra Vista CC", Code: "KIN 120", Title: "First Aid and CPR", Units: 1, URL: "https://catalog.example/kin-120"},
		},
		Authority: "EMS faculty and Articulation Officer", Approved: MustDate("2024-03-01"), Skills: []string{"onet:29-2042.00"}, Note: "sample row"}
	if diff := cmp.Diff(want, mil.Rows[0]); diff != "" {
		t.Errorf("row m1 (-want +got):\n%s", diff)
	}
	if got := tables[1].Rows[0].Conditions.MinHours; got != 150 {
		t.Errorf("JSON table minHours = %g, want 150", got)
	}
}

const header = "row_id,source_kind,source_institution,source_id,source_title,min_grade,min_hours,min_level,min_ace_hours,ace_level,completed_from,completed_until,college,course_code,course_title,cid,units,course_url,authority,approved,skills,note\n"

func csvLine(mod map[int]string) string {
	f := strings.Split("r1,college,,ECE 101,Child Development,C,,,,,,,Valley Oak College,CD 110,Child Growth,,3,https://catalog.example/cd-110,ECE faculty,2023-01-15,,", ",")
	for i, v := range mod {
		f[i] = v
	}
	return strings.Join(f, ",") + "\n"
}

func TestParseTableCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // each must appear in the error
	}{
		{"ok/minimal", header + csvLine(nil), nil},
		{"fail/unknown column", "row_id,source_kind,bogus\n", []string{"t.csv: row 1, column bogus: unknown column"}},
		{"fail/missing required column", "row_id,source_kind\n", []string{"row 1, column source_id: required column is missing", "column units: required column is missing"}},
		{"fail/bad grade", header + csvLine(map[int]string{5: "Q"}), []string{`t.csv: row 2, column min_grade: "Q" is not a letter grade`}},
		{"fail/bad number", header + csvLine(map[int]string{16: "three"}), []string{`row 2, column units: "three" is not a number`}},
		{"fail/negative units", header + csvLine(map[int]string{16: "-3"}), []string{"row 2, column units: must be a non-negative number"}},
		{"fail/bad date", header + csvLine(map[int]string{19: "15/01/2023"}), []string{`row 2, column approved: date "15/01/2023" is not YYYY-MM-DD`}},
		{"fail/bad kind", header + csvLine(map[int]string{1: "university"}), []string{`row 2, column source_kind: "university"`}},
		{"fail/grade condition on a military row", header + csvLine(map[int]string{1: "military", 3: "AR-0709-0050"}), []string{"row 2, column min_grade: only college rows can require a grade"}},
		{"fail/window reversed", header + csvLine(map[int]string{10: "2020-01-01", 11: "2019-01-01"}), []string{"row 2, column completed_until: 2019-01-01 is before completedFrom 2020-01-01"}},
		{"fail/bad course url", header + csvLine(map[int]string{17: "catalog"}), []string{"row 2, column course_url"}},
		{"fail/continuation differs", header + csvLine(nil) + csvLine(map[int]string{5: "B", 13: "CD 111"}), []string{`row 3, column row_id: "r1" continues the row of line 2 but its source, conditions or approval differ`}},
		{"fail/duplicate row id", header + csvLine(nil) + csvLine(map[int]string{0: "r2"}) + csvLine(nil), []string{`row 4, column id: row id "r1" repeats row 2`}},
		{"fail/wrong field count", header + "r1,college\n", []string{"row 2, column -: record on line 2: wrong number of fields"}},
		{"fail/empty file", "", []string{"row 1, column header: cannot read the header"}},
		{"fail/errors in two lines both reported", header + csvLine(map[int]string{5: "Q"}) + csvLine(map[int]string{0: "r2", 16: "x"}), []string{"row 2, column min_grade", "row 3, column units"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := ParseTableCSV("t.csv", milInfo, []byte(tt.data))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; table %+v", tb)
			}
			if !errors.Is(err, ErrBadTable) {
				t.Errorf("error %v is not ErrBadTable", err)
			}
			var te *TableError
			if !errors.As(err, &te) || te.File != "t.csv" {
				t.Errorf("error %v does not carry a *TableError for t.csv", err)
			}
			if tb.ID != "" || tb.Rows != nil {
				t.Errorf("a failed load returned a partial table: %+v", tb)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseTableJSONErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/tables/good.json")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string { return strings.Replace(string(good), old, new, 1) }
	tests := []struct {
		name, data string
		want       []string
	}{
		{"ok/good", string(good), nil},
		{"fail/unknown field", edit(`"minHours"`, `"minHorus"`), []string{`t.json: json: json: unknown field "minHorus"`}},
		{"fail/wrong type", edit(`"units": 6`, `"units": "6"`), []string{"t.json: rows.grants.units:"}},
		{"fail/bad date", edit(`"2024-11-01"`, `"Nov 1"`), []string{`date "Nov 1" is not YYYY-MM-DD`}},
		{"fail/missing authority", edit(`"authority": "Nursing faculty and Articulation Officer",`, ``), []string{"t.json: row 1, column authority: is required"}},
		{"fail/no rows", edit(`"rows": [`, `"rows": [], "x": [`), []string{`unknown field "x"`}},
		{"fail/empty rows", `{"id":"a","version":"1","title":"A","effectiveFrom":"2024-01-01","rows":[]}`, []string{"t.json: rows: a table needs at least one row"}},
		{"fail/bad id and cap", edit(`"unitCap": 12`, `"unitCap": -1`), []string{"t.json: unitCap: -1: want 0 (no cap) to 200"}},
		{"fail/trailing data", string(good) + "{}", []string{"trailing data"}},
		{"fail/not json", "id,version", []string{"t.json: json:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := ParseTableJSON("t.json", []byte(tt.data))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrBadTable) {
				t.Fatalf("err = %v, want ErrBadTable; table %+v", err, tb)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadTablesAllOrNothing(t *testing.T) {
	good, _ := os.ReadFile("testdata/tables/good.json")
	fsys := fstest.MapFS{
		"t/index.json": {Data: []byte(`{"tables":[{"file":"good.json"},{"file":"bad.csv","id":"x","version":"1","title":"X","effectiveFrom":"2024-01-01"},{"file":"missing.json"},{"file":"t.txt"}]}`)},
		"t/good.json":  {Data: good},
		"t/bad.csv":    {Data: []byte(header + csvLine(map[int]string{16: "x"}))},
		"t/t.txt":      {Data: []byte("x")},
	}
	tables, err := LoadTables(fsys, "t/index.json")
	if err == nil || tables != nil {
		t.Fatalf("got %d tables, err %v; want none and an error", len(tables), err)
	}
	for _, w := range []string{"t/bad.csv: row 2, column units", "missing.json", `"t.txt": want a .csv or .json file`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q\ndoes not contain %q", err, w)
		}
	}
	if !errors.Is(err, ErrBadTable) {
		t.Errorf("%v is not ErrBadTable", err)
	}
}

func TestTableLimits(t *testing.T) {
	big := make([]byte, MaxTableBytes+1)
	if _, err := ParseTableCSV("big.csv", milInfo, big); err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("oversized CSV: err = %v", err)
	}
	if _, err := ParseTableJSON("big.json", big); err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("oversized JSON: err = %v", err)
	}
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < 40; i++ {
		b.WriteString(csvLine(map[int]string{0: "r" + strings.Repeat("x", i), 5: "Q"}))
	}
	_, err := ParseTableCSV("many.csv", milInfo, []byte(b.String()))
	var n int
	for e := err; e != nil; {
		if u, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range u.Unwrap() {
				var te *TableError
				if errors.As(x, &te) {
					n++
				}
				if _, ok := x.(interface{ Unwrap() []error }); ok {
					e = x
				}
			}
			if n > 0 {
				break
			}
		}
		e = errors.Unwrap(e)
	}
	if n == 0 || n > maxReported {
		t.Errorf("reported %d errors, want 1..%d", n, maxReported)
	}
}

func FuzzParseTableCSV(f *testing.F) {
	good, _ := os.ReadFile("testdata/tables/good.csv")
	f.Add(good)
	f.Add([]byte(header + csvLine(nil)))
	f.Add([]byte(header + "\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseTableCSV("f.csv", milInfo, data)
		if err != nil {
			if !errors.Is(err, ErrBadTable) {
				t.Fatalf("error %v is not ErrBadTable", err)
			}
			return
		}
		if err := tb.Validate(); err != nil {
			t.Fatalf("parsed table does not validate: %v", err)
		}
	})
}

func FuzzParseTableJSON(f *testing.F) {
	good, _ := os.ReadFile("testdata/tables/good.json")
	f.Add(good)
	f.Add([]byte(`{"id":"a","rows":[{}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseTableJSON("f.json", data)
		if err != nil {
			if !errors.Is(err, ErrBadTable) {
				t.Fatalf("error %v is not ErrBadTable", err)
			}
			return
		}
		if err := tb.Validate(); err != nil {
			t.Fatalf("parsed table does not validate: %v", err)
		}
		if _, err := NewEngine([]Table{tb}, Catalog{}); err != nil && len(tb.Rows) > 0 && !strings.Contains(err.Error(), "skill") {
			t.Fatalf("a valid table is refused by the engine: %v", err)
		}
	})
}
