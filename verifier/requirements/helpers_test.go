package requirements_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier/model"
	"github.com/satchel-wallet/satchel/verifier/requirements"
)

var issued = time.Date(2026, 9, 1, 17, 0, 0, 0, time.UTC)

// sample is one credential Satchel's builders make from the sample data.
type sample struct {
	learner string
	doc     map[string]any
	sum     model.Summary
}

// samplesBuilt holds every sample learner's records as OB 3.0
// AchievementCredentials (keyed by record id, "JST-1001-AR-0709-0058") and
// CLR 2.0 transcripts (keyed "L-1001/clr-jst"), mapped with the tables in
// force on 2026-09-01, as the issuer would sign them.
var samplesBuilt = sync.OnceValues(func() (map[string]sample, error) {
	set, err := samples.Load()
	if err != nil {
		return nil, err
	}
	eng, err := set.Engine()
	if err != nil {
		return nil, err
	}
	out := map[string]sample{}
	n := 0
	id := func() string { n++; return fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", n) }
	add := func(key, learner string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return err
		}
		sum, _ := model.Check(doc)
		out[key] = sample{learner: learner, doc: doc, sum: sum}
		return nil
	}
	for _, l := range set.Learners {
		recs := set.RecordsOf(l.ID)
		maps := eng.MapLearner(recs, transcript.MustDate("2026-09-01"))
		byInst := map[string][]transcript.CLRItem{}
		for i, r := range recs {
			in, _ := set.Institution(r.Institution)
			c, err := transcript.BuildAchievement(in, l, r, maps[i], transcript.BuildOptions{ID: id(), Issued: issued, Envelope: transcript.VC2, Salt: "sample-salt"})
			if err != nil {
				return nil, fmt.Errorf("record %s: %w", r.ID, err)
			}
			if err := add(r.ID, l.ID, c); err != nil {
				return nil, err
			}
			raw, _ := json.Marshal(c)
			byInst[r.Institution] = append(byInst[r.Institution], transcript.CLRItem{Record: r, Mapping: maps[i], Credential: raw})
		}
		for _, in := range set.Institutions {
			if items := byInst[in.Slug]; len(items) > 0 {
				c, err := transcript.BuildCLR(in, l, items, transcript.BuildOptions{ID: id(), Issued: issued, Envelope: transcript.VC2})
				if err != nil {
					return nil, fmt.Errorf("transcript of %s at %s: %w", l.ID, in.Slug, err)
				}
				if err := add(l.ID+"/clr-"+in.Slug, l.ID, c); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
})

func sampleOrPanic(key string) sample {
	all, err := samplesBuilt()
	if err != nil {
		panic(err)
	}
	s, ok := all[key]
	if !ok {
		panic("no sample credential " + key)
	}
	return s
}

// candidate is one sample credential as the verifier would hand it over.
func candidate(key string, verified bool) requirements.Candidate {
	s := sampleOrPanic(key)
	return requirements.Candidate{Document: s.doc, Summary: s.sum, Verified: verified}
}

// verified lists sample credentials by key, all verified.
func verified(keys ...string) []requirements.Candidate {
	var out []requirements.Candidate
	for _, k := range keys {
		out = append(out, candidate(k, true))
	}
	return out
}

// learnerCredentials is every AchievementCredential of a sample learner
// (not the transcripts), verified, in record order.
func learnerCredentials(t testing.TB, learner string) []requirements.Candidate {
	t.Helper()
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	var out []requirements.Candidate
	for _, r := range set.RecordsOf(learner) {
		out = append(out, candidate(r.ID, true))
	}
	if len(out) == 0 {
		t.Fatalf("sample learner %s has no records", learner)
	}
	return out
}

func loadJob(t testing.TB, name string) *requirements.Job {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "jobs", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	j, err := requirements.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return j
}

func resultByID(t testing.TB, rs []requirements.Result, id string) requirements.Result {
	t.Helper()
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	sort.Strings(ids)
	t.Fatalf("no result %q among %v", id, ids)
	return requirements.Result{}
}
