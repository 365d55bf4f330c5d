package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"github.com/google/go-cmp/cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/requirements"
	"github.com/satchel-wallet/satchel/verifier/status"
)

var issued = time.Date(2026, 9, 1, 17, 0, 0, 0, time.UTC)

// issuerKit is a sample institution with a key, its did:web document in a
// resolver cache, and a way to sign.
type issuerKit struct {
	in    transcript.Institution
	key   ed25519.PrivateKey
	vm    string
	cache *did.Cache
}

func newIssuerKit(t testing.TB, in transcript.Institution, seed byte, cache *did.Cache) issuerKit {
	t.Helper()
	key := ed25519.NewKeyFromSeed(append([]byte{seed}, make([]byte, 31)...))
	mk, err := did.MultikeyEncode(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	vm := in.ID + "#key-1"
	doc, _ := json.Marshal(map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":                 in.ID,
		"verificationMethod": []any{map[string]any{"id": vm, "type": "Multikey", "controller": in.ID, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{vm},
	})
	if _, err := cache.Add(doc, issued); err != nil {
		t.Fatal(err)
	}
	return issuerKit{in: in, key: key, vm: vm, cache: cache}
}

func (k issuerKit) sign(t testing.TB, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(k.key, k.vm), proof.Options{Created: issued})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// What Satchel's builders make and its signer signs, its verifier accepts:
// every sample record of a veteran, as OB 3.0 credentials and as CLR 2.0
// transcripts with the credentials nested.
func TestSatchelCredentialsVerify(t *testing.T) {
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, _ := set.Engine()
	cache := did.NewCache()
	kits := map[string]issuerKit{}
	for i, in := range set.Institutions {
		kits[in.Slug] = newIssuerKit(t, in, byte(i+1), cache)
	}
	l, _ := set.Learner("L-1001")
	recs := set.RecordsOf(l.ID)
	maps := eng.MapLearner(recs, transcript.MustDate("2026-09-01"))
	opt := verifier.Options{Now: issued.Add(time.Hour), DIDs: &did.Local{Cache: cache}}
	byInst := map[string][]transcript.CLRItem{}
	sawEquivalent := false
	for i, r := range recs {
		k := kits[r.Institution]
		c, err := transcript.BuildAchievement(k.in, l, r, maps[i], transcript.BuildOptions{ID: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i+1), Issued: issued})
		if err != nil {
			t.Fatal(err)
		}
		signed := k.sign(t, c)
		rep, err := verifier.Verify(context.Background(), mustJSON(t, signed), opt)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Verified {
			t.Fatalf("record %s does not verify: %+v", r.ID, rep.Checks)
		}
		for _, a := range rep.Achievements {
			for _, e := range a.Equivalents {
				if strings.Contains(e.Description, "granted by equivalency table") {
					sawEquivalent = true
				}
			}
		}
		byInst[r.Institution] = append(byInst[r.Institution], transcript.CLRItem{Record: r, Mapping: maps[i], Credential: mustJSON(t, signed)})
	}
	if !sawEquivalent {
		t.Error("no report shows equivalent community-college credit with its explanation")
	}
	for slug, items := range byInst {
		k := kits[slug]
		clr, err := transcript.BuildCLR(k.in, l, items, transcript.BuildOptions{ID: "urn:uuid:00000000-0000-4000-8000-999999999999", Issued: issued})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := verifier.Verify(context.Background(), mustJSON(t, k.sign(t, clr)), opt)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Verified || len(rep.Credentials) != len(items) {
			t.Errorf("CLR at %s: verified %v with %d nested reports for %d credentials: %+v", slug, rep.Verified, len(rep.Credentials), len(items), rep.Checks)
		}
	}
}

// Revocation end to end: the issuer publishes a signed status list, the
// verifier holds it offline; a revoked credential fails its status check,
// and one whose list is not at hand fails too, saying so.
func TestStatusListRevocation(t *testing.T) {
	set, _ := samples.Load()
	in, _ := set.Institution("sierra-vista")
	cache := did.NewCache()
	k := newIssuerKit(t, in, 9, cache)
	const listURL = "https://etranscript.example/institutions/sierra-vista/status/1"
	bits := status.NewBitstring(status.MinBits)
	makeListFrom := func(revoked bool, validFrom string) []byte {
		if err := status.Set(bits, 42, revoked); err != nil {
			t.Fatal(err)
		}
		subj, err := status.ListSubject(listURL+"#list", status.PurposeRevocation, bits)
		if err != nil {
			t.Fatal(err)
		}
		return mustJSON(t, k.sign(t, map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "id": listURL,
			"type": []any{"VerifiableCredential", "BitstringStatusListCredential"}, "issuer": in.ID,
			"validFrom": validFrom, "credentialSubject": subj}))
	}
	makeList := func(revoked bool) []byte { return makeListFrom(revoked, "2026-01-01T00:00:00Z") }
	eng, _ := set.Engine()
	var r transcript.Record
	for _, x := range set.Records {
		if x.Institution == "sierra-vista" {
			r = x
			break
		}
	}
	l, _ := set.Learner(r.Learner)
	c, err := transcript.BuildAchievement(in, l, r, eng.Map(r, transcript.MustDate("2026-09-01")), transcript.BuildOptions{
		ID: "urn:uuid:00000000-0000-4000-8000-000000000042", Issued: issued,
		Status: &transcript.Status{ID: listURL + "#42", Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: "42", StatusListCredential: listURL}})
	if err != nil {
		t.Fatal(err)
	}
	cred := mustJSON(t, k.sign(t, c))
	for _, tt := range []struct {
		name   string
		list   []byte
		ok     bool
		detail string
	}{
		{"ok/not revoked", makeList(false), true, "not revoked (revocation index 42"},
		{"fail/revoked", makeList(true), false, "revoked (revocation index 42"},
		{"fail/list not at hand", nil, false, "not available offline"},
		// A list signed a moment after the credential it serves is within
		// the clock skew, as a credential would be.
		{"ok/list valid from a moment after now", makeListFrom(false, issued.Add(time.Hour+2*time.Second).Format(time.RFC3339)), true, "not revoked"},
		{"fail/list valid from well after now", makeListFrom(false, issued.Add(time.Hour+10*time.Minute).Format(time.RFC3339)), false, "not valid until"},
		{"fail/list tampered", func() []byte {
			b := makeList(false)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			m["validFrom"] = "2025-01-01T00:00:00Z"
			return mustJSON(t, m)
		}(), false, "does not verify"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lists := status.NewCache()
			if tt.list != nil {
				lists.Add(listURL, tt.list, issued)
			}
			rep, err := verifier.Verify(context.Background(), cred, verifier.Options{Now: issued.Add(time.Hour), DIDs: &did.Local{Cache: cache}, StatusLists: lists})
			if err != nil {
				t.Fatal(err)
			}
			// A ListMemo, filled by a first verification, gives the same
			// report the second time.
			memo := &verifier.ListMemo{}
			for range 2 {
				again, err := verifier.Verify(context.Background(), cred, verifier.Options{Now: issued.Add(time.Hour), DIDs: &did.Local{Cache: cache}, StatusLists: lists, Lists: memo})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(rep.Checks, again.Checks); diff != "" {
					t.Errorf("with a ListMemo the checks differ:\n%s", diff)
				}
			}
			// The memo keeps a list that verified, and only such a list.
			wantKept := 0
			if strings.HasPrefix(tt.name, "ok/") || tt.name == "fail/revoked" {
				wantKept = 1
			}
			if got := verifier.MemoLen(memo); got != wantKept {
				t.Errorf("the memo holds %d lists, want %d", got, wantKept)
			}
			var st verifier.Check
			for _, c := range rep.Checks {
				if c.Check == verifier.CheckStatus {
					st = c
				}
			}
			if rep.Verified != tt.ok || st.OK != tt.ok || !strings.Contains(st.Detail, tt.detail) {
				t.Errorf("verified %v, status %+v; want %v and %q", rep.Verified, st, tt.ok, tt.detail)
			}
		})
	}
}

// An employer's job requirements read against a veteran's signed
// credentials: the EMT course is met by Army combat medic training through
// the equivalency table, and the report says so in words.
func TestRequirementsThroughEquivalency(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("requirements", "testdata", "jobs", "emt-sierra-vista-ambulance.json"))
	if err != nil {
		t.Fatal(err)
	}
	job, err := requirements.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := samples.Load()
	eng, _ := set.Engine()
	cache := did.NewCache()
	in, _ := set.Institution("jst")
	k := newIssuerKit(t, in, 5, cache)
	l, _ := set.Learner("L-1001")
	recs := set.RecordsOf(l.ID)
	maps := eng.MapLearner(recs, transcript.MustDate("2026-09-01"))
	var items []transcript.CLRItem
	for i, r := range recs {
		if r.Institution != "jst" {
			continue
		}
		c, err := transcript.BuildAchievement(in, l, r, maps[i], transcript.BuildOptions{ID: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i+1), Issued: issued})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, transcript.CLRItem{Record: r, Mapping: maps[i], Credential: mustJSON(t, k.sign(t, c))})
	}
	clr, err := transcript.BuildCLR(in, l, items, transcript.BuildOptions{ID: "urn:uuid:00000000-0000-4000-8000-000000000100", Issued: issued})
	if err != nil {
		t.Fatal(err)
	}
	signed := mustJSON(t, k.sign(t, clr))
	for _, tt := range []struct {
		name     string
		tamper   bool
		verified bool
	}{
		{"ok/verified transcript meets the EMT course", false, true},
		{"fail/a tampered transcript meets nothing", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			input := signed
			if tt.tamper {
				input = []byte(strings.Replace(string(signed), "Combat Medic Specialist", "Combat Medic Specialist II", 1))
			}
			rep, err := verifier.Verify(context.Background(), input, verifier.Options{Now: issued.Add(time.Hour), DIDs: &did.Local{Cache: cache}, Requirements: job})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verified != tt.verified || len(rep.Requirements) != len(job.Requirements) {
				t.Fatalf("verified %v, %d requirement results", rep.Verified, len(rep.Requirements))
			}
			var emt verifier.Requirement
			for _, q := range rep.Requirements {
				if strings.Contains(q.Name, "EMT") || strings.Contains(q.Name, "Emergency Medical Technician") {
					emt = q
					break
				}
			}
			if emt.ID == "" {
				t.Fatalf("no EMT requirement among %+v", rep.Requirements)
			}
			if tt.verified {
				if !emt.Met || !strings.Contains(emt.Detail, "military-cpl") {
					t.Errorf("EMT requirement %+v: want met through the military-cpl equivalency", emt)
				}
			} else if emt.Met {
				t.Errorf("a credential that does not verify met %+v", emt)
			}
		})
	}
}
