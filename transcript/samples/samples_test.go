package samples

import (
	"encoding/json"
	"io/fs"
	"path"
	"testing"

	"github.com/satchel-wallet/satchel/transcript"
)

// The issue of record for the sample asks for: one institution of each kind,
// ≥ 30 table rows across the priority sectors, ≥ 10 learners with mixed
// records, and mappings that exercise every outcome.
func TestSampleLoads(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	kinds := map[transcript.Kind]int{}
	for _, in := range s.Institutions {
		kinds[in.Kind]++
	}
	for _, k := range transcript.Kinds {
		if kinds[k] != 1 {
			t.Errorf("want exactly one %s institution, have %d", k, kinds[k])
		}
	}
	rows := 0
	for _, tb := range s.Tables {
		rows += len(tb.Rows)
	}
	if rows < 30 {
		t.Errorf("sample tables have %d rows, want at least 30", rows)
	}
	if len(s.Learners) < 10 {
		t.Errorf("%d sample learners, want at least 10", len(s.Learners))
	}
	sectors := map[transcript.Sector]bool{}
	for _, p := range s.Pathways {
		sectors[p.Sector] = true
	}
	for _, sec := range []transcript.Sector{transcript.Healthcare, transcript.Education, transcript.Climate} {
		if !sectors[sec] {
			t.Errorf("no sample pathway in sector %s", sec)
		}
	}
	eng, err := s.Engine()
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[transcript.Outcome]int{}
	mixed := 0
	for _, l := range s.Learners {
		recs := s.RecordsOf(l.ID)
		if len(recs) == 0 {
			t.Errorf("learner %s has no records", l.ID)
		}
		k := map[transcript.Kind]bool{}
		for _, r := range recs {
			k[r.Kind] = true
		}
		if len(k) > 1 {
			mixed++
		}
		for _, m := range eng.MapLearner(recs, transcript.MustDate("2026-09-01")) {
			if len(m.Grants) > 0 {
				outcomes[transcript.Granted]++
			}
			if len(m.Grants) == 0 && len(m.Decisions) == 0 {
				outcomes["no-match"]++
			}
			for _, d := range m.Decisions {
				outcomes[d.Outcome]++
			}
		}
	}
	if mixed < 5 {
		t.Errorf("only %d learners have records of more than one kind, want at least 5", mixed)
	}
	for _, o := range []transcript.Outcome{transcript.Granted, transcript.ConditionFailed, transcript.Overlap, transcript.CapReached, "no-match"} {
		if outcomes[o] == 0 {
			t.Errorf("no sample record ends with outcome %s", o)
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

// TestSampleShape pins what the sample was written to exercise: both table
// formats, two versions of one table, enough rows in force, learners with
// several records of mixed kinds, and a skills catalogue to align with.
func TestSampleShape(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	raw, err := fs.ReadFile(FS(), "tables/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var idx transcript.TableIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	formats := map[string]int{}
	for _, e := range idx.Tables {
		formats[path.Ext(e.File)]++
	}
	if formats[".csv"] < 2 || formats[".json"] < 1 {
		t.Errorf("table formats %v: want at least two CSV and one JSON table", formats)
	}
	versions := map[string]int{}
	rows := 0
	for _, tb := range s.Tables {
		versions[tb.ID]++
		rows += len(tb.Rows)
	}
	multi := false
	for _, n := range versions {
		multi = multi || n > 1
	}
	if !multi {
		t.Error("no table has more than one version")
	}
	if rows < 40 {
		t.Errorf("%d rows across all table versions, want at least 40", rows)
	}
	eng, err := s.Engine()
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, tb := range eng.Active(transcript.MustDate("2026-09-01")) {
		active += len(tb.Rows)
	}
	if active < 30 {
		t.Errorf("%d rows in force on 2026-09-01, want at least 30", active)
	}
	if len(s.Skills) < 25 {
		t.Errorf("%d skills in the catalogue, want at least 25", len(s.Skills))
	}
	if len(s.Learners) < 12 || len(s.Records) < 40 {
		t.Errorf("%d learners and %d records, want at least 12 and 40", len(s.Learners), len(s.Records))
	}
	mixed := 0
	for _, l := range s.Learners {
		recs := s.RecordsOf(l.ID)
		if len(recs) < 2 {
			t.Errorf("learner %s has %d records, want at least 2", l.ID, len(recs))
		}
		k := map[transcript.Kind]bool{}
		for _, r := range recs {
			k[r.Kind] = true
		}
		if len(k) > 1 {
			mixed++
		}
	}
	if mixed < 6 {
		t.Errorf("%d learners have records of more than one kind, want at least 6", mixed)
	}
	for _, in := range s.Institutions {
		if want := "did:web:etranscript.example:institutions:" + in.Slug; in.ID != want {
			t.Errorf("institution %s: id %q, want %q", in.Slug, in.ID, want)
		}
	}
}
