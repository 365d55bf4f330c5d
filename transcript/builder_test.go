package transcript_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/satchel-wallet/satchel/schemas"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var issued = time.Date(2026, 9, 1, 17, 0, 0, 0, time.UTC)

// built is every sample record of a few learners, as OB 3.0 credentials and
// CLR 2.0 transcripts, with fixed ids and times so the output is stable.
type built struct {
	name string
	doc  any
}

func buildSamples(t *testing.T, env transcript.Envelope) []built {
	t.Helper()
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := set.Engine()
	if err != nil {
		t.Fatal(err)
	}
	var out []built
	n := 0
	id := func() string { n++; return fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", n) }
	for _, l := range set.Learners {
		recs := set.RecordsOf(l.ID)
		maps := eng.MapLearner(recs, transcript.MustDate("2026-09-01"))
		byInst := map[string][]transcript.CLRItem{}
		for i, r := range recs {
			in, _ := set.Institution(r.Institution)
			c, err := transcript.BuildAchievement(in, l, r, maps[i], transcript.BuildOptions{ID: id(), Issued: issued, Envelope: env, Salt: "sample-salt"})
			if err != nil {
				t.Fatalf("record %s: %v", r.ID, err)
			}
			out = append(out, built{fmt.Sprintf("%s-%s", l.ID, r.ID), c})
			raw, _ := json.Marshal(c)
			byInst[r.Institution] = append(byInst[r.Institution], transcript.CLRItem{Record: r, Mapping: maps[i], Credential: raw})
		}
		for _, in := range set.Institutions {
			if items := byInst[in.Slug]; len(items) > 0 {
				c, err := transcript.BuildCLR(in, l, items, transcript.BuildOptions{ID: id(), Issued: issued, Envelope: env})
				if err != nil {
					t.Fatalf("transcript of %s at %s: %v", l.ID, in.Slug, err)
				}
				out = append(out, built{fmt.Sprintf("%s-clr-%s", l.ID, in.Slug), c})
			}
		}
	}
	return out
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// Golden files: one learner's credentials of each kind and a transcript.
func TestBuildersGolden(t *testing.T) {
	want := map[string]bool{}
	for _, b := range buildSamples(t, transcript.VC2) {
		if !strings.HasPrefix(b.name, "L-1001-") && !strings.HasPrefix(b.name, "L-1002-") {
			continue
		}
		want[b.name] = true
		got := marshal(t, b.doc)
		path := filepath.Join("testdata", "golden", b.name+".json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		exp, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if diff := cmp.Diff(string(exp), string(got)); diff != "" {
			t.Errorf("%s differs from its golden file (-want +got):\n%s", b.name, diff)
		}
	}
	if len(want) < 4 {
		t.Fatalf("only %d golden documents: the sample learners changed?", len(want))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	for _, f := range files {
		if !want[strings.TrimSuffix(filepath.Base(f), ".json")] {
			t.Errorf("stale golden file %s", f)
		}
	}
}

// sharedDir is the test data kept beside the checkout.
func sharedDir(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("../shared/%s is not present beside the checkout (%v): skipping the comparison with outside data", sub, err)
	}
	return dir
}

func compileSchema(t *testing.T, url string) *jsonschema.Schema {
	t.Helper()
	dir := sharedDir(t, "contexts")
	idx := map[string]string{}
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, idx[url]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", url, err)
	}
	return s
}

// Every sample credential passes the official 1EdTech JSON Schema for its
// type (VC 2.0 envelope: the schemas require validFrom).
func TestBuildersMatchOfficialSchemas(t *testing.T) {
	ob := compileSchema(t, transcript.SchemaOB3)
	clr := compileSchema(t, transcript.SchemaCLR2)
	docs := buildSamples(t, transcript.VC2)
	for _, b := range docs {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(marshal(t, b.doc)))
		if err != nil {
			t.Fatal(err)
		}
		s := ob
		if strings.Contains(b.name, "-clr-") {
			s = clr
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("%s fails its JSON Schema: %v", b.name, err)
		}
	}
	t.Logf("%d documents checked", len(docs))
	// The schema is not a formality: a credential without an achievement
	// name must fail it.
	c := docs[0].doc.(transcript.AchievementCredential)
	c.CredentialSubject.Achievement.Name = ""
	raw, _ := json.Marshal(c)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	delete(m["credentialSubject"].(map[string]any)["achievement"].(map[string]any), "name")
	if err := ob.Validate(m); err == nil {
		t.Error("a credential whose achievement has no name passes the schema")
	}
}

func TestBuildAchievementRefusesBadInput(t *testing.T) {
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, _ := set.Engine()
	r := set.Records[0]
	in, _ := set.Institution(r.Institution)
	l, _ := set.Learner(r.Learner)
	m := eng.Map(r, transcript.MustDate("2026-09-01"))
	ok := transcript.BuildOptions{ID: "urn:uuid:00000000-0000-4000-8000-000000000001", Issued: issued}
	other, _ := set.Learner(set.Learners[1].ID)
	if other.ID == l.ID {
		other, _ = set.Learner(set.Learners[2].ID)
	}
	for _, tt := range []struct {
		name string
		mod  func(*transcript.Institution, *transcript.Learner, *transcript.Record, *transcript.Mapping, *transcript.BuildOptions)
		want string
	}{
		{"fail/no id", func(_ *transcript.Institution, _ *transcript.Learner, _ *transcript.Record, _ *transcript.Mapping, o *transcript.BuildOptions) {
			o.ID = ""
		}, `credential id "" is not a URI`},
		{"fail/no time", func(_ *transcript.Institution, _ *transcript.Learner, _ *transcript.Record, _ *transcript.Mapping, o *transcript.BuildOptions) {
			o.Issued = time.Time{}
		}, "issue time is required"},
		{"fail/validUntil before issue", func(_ *transcript.Institution, _ *transcript.Learner, _ *transcript.Record, _ *transcript.Mapping, o *transcript.BuildOptions) {
			o.ValidUntil = issued.Add(-time.Hour)
		}, "validUntil is not after the issue time"},
		{"fail/someone else's record", func(_ *transcript.Institution, l *transcript.Learner, _ *transcript.Record, _ *transcript.Mapping, _ *transcript.BuildOptions) {
			*l = other
		}, "is learner"},
		{"fail/mapping of another record", func(_ *transcript.Institution, _ *transcript.Learner, _ *transcript.Record, m *transcript.Mapping, _ *transcript.BuildOptions) {
			m.Record = "nope"
		}, `mapping is for record "nope"`},
		{"fail/invalid record", func(_ *transcript.Institution, _ *transcript.Learner, r *transcript.Record, _ *transcript.Mapping, _ *transcript.BuildOptions) {
			r.ID = ""
		}, "id: is required"},
		{"fail/issuer without did:web", func(in *transcript.Institution, _ *transcript.Learner, _ *transcript.Record, _ *transcript.Mapping, _ *transcript.BuildOptions) {
			in.ID = "https://example.org"
		}, "is not a did:web identifier"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in2, l2, r2, m2, o2 := in, l, r, m, ok
			tt.mod(&in2, &l2, &r2, &m2, &o2)
			_, err := transcript.BuildAchievement(in2, l2, r2, m2, o2)
			if !errors.Is(err, transcript.ErrBuild) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrBuild containing %q", err, tt.want)
			}
		})
	}
	_, err = transcript.BuildCLR(in, l, []transcript.CLRItem{{Record: r, Mapping: m, Credential: json.RawMessage(`"eyJhbGciOi.x.y"`)}}, ok)
	if err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("CLR with a JWT inside: err = %v", err)
	}
	_, err = transcript.BuildCLR(in, l, nil, ok)
	if err == nil || !strings.Contains(err.Error(), "a transcript holds 1 to") {
		t.Errorf("empty CLR: err = %v", err)
	}
}

// A learner with a DID is the subject by DID; without, by a salted hash of
// their e-mail address that does not reveal it.
func TestSubjectIdentity(t *testing.T) {
	for _, b := range buildSamples(t, transcript.VC2) {
		c, ok := b.doc.(transcript.AchievementCredential)
		if !ok {
			continue
		}
		s := c.CredentialSubject
		switch {
		case s.ID != "" && len(s.Identifier) == 0:
		case s.ID == "" && len(s.Identifier) == 1 && s.Identifier[0].Hashed && strings.HasPrefix(s.Identifier[0].IdentityHash, "sha256$") && !strings.Contains(s.Identifier[0].IdentityHash, "@"):
		default:
			t.Errorf("%s: subject %+v is neither a DID nor a hashed identity", b.name, s)
		}
	}
}

// Every sample document, in both envelopes, expands under the embedded
// contexts alone with no term dropped (safe mode): what we sign is what a
// verifier reads.
func TestBuildersExpandWithEmbeddedContexts(t *testing.T) {
	for _, env := range []transcript.Envelope{transcript.VC2, transcript.VC11} {
		for _, b := range buildSamples(t, env) {
			if _, err := schemas.Expand(b.doc, nil); err != nil {
				t.Errorf("envelope %d, %s: %v", env, b.name, err)
			}
		}
	}
}
