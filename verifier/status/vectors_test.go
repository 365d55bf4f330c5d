package status_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/status"
)

// vectors holds test data gathered from outside the project (read-only).
const vectors = "../../../shared/vectors"

// vectorsAt is the time the DCC expectations assume (their manifest's "at").
var vectorsAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

type manifestEntry struct {
	File       string  `json:"file"`
	Expect     *string `json:"expect"`
	Reason     string  `json:"reason"`
	At         string  `json:"at"`
	Role       string  `json:"role"`
	StatusList *struct {
		URL  string `json:"url"`
		File string `json:"file"`
	} `json:"status_list"`
}

func readManifest(t *testing.T, folder string) []manifestEntry {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectors, folder, "manifest.json"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("test vectors not found: %v (they live in ../shared/vectors beside the repository)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	var m []manifestEntry
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s/manifest.json: %v", folder, err)
	}
	return m
}

// expectation is what a manifest reason says about a credential's status.
// Reasons list every defect, separated by ';'; only the status-related ones
// are asserted here (an expired credential or an unknown issuer is the
// verifier's business).
type expectation struct {
	kind  string // "revoked", "not revoked", "list expired", "list not yet valid", "list lacks type", "list tampered"
	index int    // the statusListIndex the reason names, -1 if none
}

var (
	revokedRe    = regexp.MustCompile(`^revoked\b.*?(?i:index) (\d+)`)
	notRevokedRe = regexp.MustCompile(`index (\d+) not set \(not revoked\)`)
)

func statusExpectation(reason string) (expectation, bool) {
	for _, seg := range strings.Split(reason, ";") {
		seg = strings.TrimSpace(seg)
		if m := notRevokedRe.FindStringSubmatch(seg); m != nil {
			i, _ := strconv.Atoi(m[1])
			return expectation{"not revoked", i}, true
		}
		if m := revokedRe.FindStringSubmatch(seg); m != nil {
			i, _ := strconv.Atoi(m[1])
			return expectation{"revoked", i}, true
		}
		if !strings.HasPrefix(seg, "status list credential") {
			continue
		}
		switch {
		case strings.Contains(seg, "expired"):
			return expectation{"list expired", -1}, true
		case strings.Contains(seg, "not yet valid"):
			return expectation{"list not yet valid", -1}, true
		case strings.Contains(seg, "lacks the BitstringStatusListCredential type"):
			return expectation{"list lacks type", -1}, true
		case strings.Contains(seg, "modified after signing"):
			return expectation{"list tampered", -1}, true
		}
	}
	return expectation{}, false
}

// TestVectors checks every credential in the manifests that names a status
// list against that list, as the verifier would offline with
// --status-list URL=FILE. The lists' proofs are NOT verified here: that is
// the verifier's job (verifier/proof); this test covers reading the entries,
// decoding the lists and what the bits say.
func TestVectors(t *testing.T) {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "credential\tindex\tstatus list\texpected\tgot")
	seen := map[string]int{}
	for _, folder := range []string{"dcc-vc-test-fixtures", "1edtech-validator-fixtures"} {
		for _, m := range readManifest(t, folder) {
			if m.StatusList == nil {
				continue
			}
			name := folder + "/" + m.File
			t.Run(name, func(t *testing.T) {
				want, ok := statusExpectation(m.Reason)
				got := checkVector(t, folder, m)
				if !ok {
					fmt.Fprintf(tw, "%s\t%s\t%s\t(nothing about status: not asserted)\t%s\n", name, got.index, filepath.Base(m.StatusList.File), got.summary)
					return
				}
				seen[want.kind]++
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, got.index, filepath.Base(m.StatusList.File), want.kind, got.summary)
				if want.index >= 0 && strings.TrimSuffix(got.index, "*") != strconv.Itoa(want.index) {
					t.Errorf("statusListIndex %s, the manifest says %d", got.index, want.index)
				}
				switch want.kind {
				case "revoked", "not revoked":
					if got.err != nil {
						t.Fatalf("want %s, got %v", want.kind, got.err)
					}
					if got.result.Detail != want.kind || got.result.OK != (want.kind == "not revoked") {
						t.Errorf("Check = %+v, want %s", got.result, want.kind)
					}
				case "list expired":
					if !errors.Is(got.err, status.ErrExpired) {
						t.Errorf("got %v, want ErrExpired", got.err)
					}
				case "list not yet valid":
					if !errors.Is(got.err, status.ErrNotYetValid) {
						t.Errorf("got %v, want ErrNotYetValid", got.err)
					}
				case "list lacks type":
					if got.err == nil || !strings.Contains(got.err.Error(), "lacks BitstringStatusListCredential") {
						t.Errorf("got %v, want a missing BitstringStatusListCredential type", got.err)
					}
				case "list tampered":
					if got.err == nil || !strings.Contains(got.err.Error(), "encodedList") {
						t.Errorf("got %v, want an encodedList that does not decode", got.err)
					}
				}
			})
		}
	}
	tw.Flush()
	t.Logf("status checks against the manifests (list proofs not verified here; * = statusListIndex as a JSON number):\n%s", table.String())
	// Guard against the reasons' wording drifting out of what
	// statusExpectation recognises.
	for _, kind := range []string{"revoked", "not revoked", "list expired", "list not yet valid", "list lacks type", "list tampered"} {
		if seen[kind] == 0 {
			t.Errorf("no manifest entry expected %q: did the manifest wording change?", kind)
		}
	}
}

type vectorResult struct {
	index   string
	result  status.Result
	err     error // the first error: reading entries, parsing the list or Check
	summary string
}

func checkVector(t *testing.T, folder string, m manifestEntry) vectorResult {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectors, folder, m.File))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("credential: %v", err)
	}
	entries, err := status.Entries(doc["credentialStatus"])
	if err != nil || len(entries) != 1 {
		t.Fatalf("Entries = %+v, %v; want one entry", entries, err)
	}
	e := entries[0]
	if e.ListCredential != m.StatusList.URL {
		t.Errorf("statusListCredential %s, the manifest preloads %s", e.ListCredential, m.StatusList.URL)
	}
	// Load the list the way the verifier does: preloaded into a cache by URL.
	listRaw, err := os.ReadFile(filepath.Join(vectors, folder, m.StatusList.File))
	if err != nil {
		t.Fatal(err)
	}
	cache := status.NewCache()
	cache.Add(m.StatusList.URL, listRaw, vectorsAt)
	listRaw, err = cache.StatusListCredential(t.Context(), e.ListCredential)
	if err != nil {
		t.Fatal(err)
	}
	at := vectorsAt
	if m.At != "" {
		if at, err = time.Parse(time.RFC3339, m.At); err != nil {
			t.Fatal(err)
		}
	}
	v := vectorResult{index: strconv.FormatUint(e.Index, 10)}
	if len(e.Notes) > 0 {
		v.index += "*" // statusListIndex as a JSON number
	}
	l, err := status.ParseListCredential(listRaw)
	if err != nil {
		v.err, v.summary = err, "parse error: "+err.Error()
		return v
	}
	v.result, v.err = status.Check(e, l, at)
	if v.err != nil {
		v.summary = "check error: " + v.err.Error()
		return v
	}
	v.summary = v.result.Detail
	if len(v.result.Notes) > 0 {
		v.summary += fmt.Sprintf(" (%d notes)", len(v.result.Notes))
	}
	return v
}

// TestVectorLists decodes every status list the manifests name and compares
// its set bits with what the manifest says ("bits 2,6,8 set").
func TestVectorLists(t *testing.T) {
	bitsRe := regexp.MustCompile(`bits? ([\d,]+) set`)
	for _, folder := range []string{"dcc-vc-test-fixtures", "1edtech-validator-fixtures"} {
		for _, m := range readManifest(t, folder) {
			if m.Role != "status-list" {
				continue
			}
			t.Run(folder+"/"+m.File, func(t *testing.T) {
				raw, err := os.ReadFile(filepath.Join(vectors, folder, m.File))
				if err != nil {
					t.Fatal(err)
				}
				l, err := status.ParseListCredential(raw)
				if err == nil {
					probe := status.Entry{Type: status.TypeBitstringEntry, Purpose: "revocation", Index: 0, Size: 1, ListCredential: l.ID}
					_, err = status.Check(probe, l, vectorsAt)
				}
				valid := m.Expect == nil || *m.Expect == "valid"
				t.Logf("expect %s (%s): %v", map[bool]string{true: "valid", false: "invalid"}[valid], m.Reason, err)
				if valid != (err == nil) {
					t.Fatalf("got %v, the manifest says %s", err, m.Reason)
				}
				match := bitsRe.FindStringSubmatch(m.Reason)
				if !valid || match == nil {
					return
				}
				var want []uint64
				for _, s := range strings.Split(match[1], ",") {
					i, _ := strconv.ParseUint(s, 10, 64)
					want = append(want, i)
				}
				var got []uint64
				for i := range uint64(l.Len) {
					if set, _ := status.Get(l.Bits, i); set {
						got = append(got, i)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("set bits (-manifest +decoded):\n%s", diff)
				}
				t.Logf("%d bits (%s), set: %v, notes: %q", l.Len, l.Encoding, got, l.Notes)
			})
		}
	}
}

// TestVectorEntries reads credentialStatus values from the W3C suites:
// status types this package does not support must be reported, never
// skipped, and malformed entries must name the field at fault.
func TestVectorEntries(t *testing.T) {
	tests := []struct {
		file        string
		unsupported string // the type of the *UnsupportedError, or
		wantErr     string // a substring of the error
	}{
		{file: "w3c-vc-data-model-2.0-test-suite/credential-status-ok.json", unsupported: "CredentialStatusList2017"},
		{file: "w3c-vc-data-model-2.0-test-suite/credential-status-missing-id-ok.json", unsupported: "CredentialStatusList2017"},
		{file: "w3c-vc-data-model-2.0-test-suite/credential-status-missing-type-fail.json", wantErr: "credentialStatus: type: missing"},
		{file: "w3c-vc-data-model-2.0-test-suite/credential-status-type-nonurl-fail.json", wantErr: "credentialStatus: type: must be a string or an array of strings, not 2"},
		{file: "w3c-vc-test-suite-v1/example-7.jsonld", unsupported: "CredentialStatusList2017"},
		// A StatusList2021Entry with no statusListCredential.
		{file: "w3c-vc-jose-cose-test-suite/credential-full.json", wantErr: "credentialStatus: statusListCredential: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(vectors, tt.file))
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("test vector not found: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			entries, err := status.Entries(doc["credentialStatus"])
			t.Logf("Entries = %+v, %v", entries, err)
			if err == nil {
				t.Fatal("Entries succeeded, want an error")
			}
			if tt.unsupported != "" {
				var u *status.UnsupportedError
				if !errors.As(err, &u) || u.Type != tt.unsupported {
					t.Errorf("Entries = %v, want unsupported status type %s", err, tt.unsupported)
				}
				return
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Entries = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
