package jose

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// entry is one manifest.json entry (see /work/shared/vectors/README.md).
type entry struct {
	File            string   `json:"file"`
	Expect          *string  `json:"expect"`
	Reason          string   `json:"reason"`
	Fn              string   `json:"fn"`
	Feature         string   `json:"feature"`
	Role            string   `json:"role"`
	Key             any      `json:"key"`
	At              string   `json:"at"`
	Scope           string   `json:"scope"`
	DisclosurePaths []string `json:"disclosure_paths"`
}

// outcome of one vector.
type outcome struct {
	folder, file, expect, got, note string
	pass                            bool
}

// joseVector selects the manifest entries that are JOSE, SD-JWT or COSE
// inputs: JWT files, the VC-JOSE-COSE suite's entries, and baked SVGs
// carrying a JWT.
func joseVector(folder string, e entry) bool {
	if e.Expect == nil || e.Role == "did-document" || e.Role == "key" {
		return false
	}
	switch {
	case folder == "w3c-vc-jose-cose-test-suite":
		return true
	case strings.HasSuffix(e.File, ".jwt"):
		return true
	case strings.HasSuffix(e.File, ".svg"):
		return strings.Contains(e.File, "jwt")
	}
	return false
}

var svgVerify = regexp.MustCompile(`verify="([A-Za-z0-9_\-.~]+)"`)

// TestVectors walks the shared vector folders' JOSE, SD-JWT and COSE entries:
// every invalid entry must be rejected, every valid JOSE/SD-JWT entry must
// verify (valid COSE entries, and valid ES512 entries — outside Satchel's
// algorithm list — must come back as *UnsupportedError and are listed), and
// issuance inputs are signed with their key and verified back.
func TestVectors(t *testing.T) {
	folders := []string{"spruceid-ssi-vc-jwt", "w3c-vc-jose-cose-test-suite", "1edtech-validator-fixtures", "w3c-vc-test-suite-v1"}
	var all []outcome
	for _, folder := range folders {
		dir := filepath.Join(vectorsDir, folder)
		if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
			t.Logf("SKIP %s: test vectors not available (%v)", folder, err)
			continue
		}
		var entries []entry
		readJSON(t, filepath.Join(dir, "manifest.json"), &entries)
		keys, at := folderKeys(t, folder, dir)
		for _, e := range entries {
			if !joseVector(folder, e) {
				continue
			}
			o := runVector(t, folder, dir, e, keys, at)
			all = append(all, o)
			if !o.pass {
				t.Errorf("%s/%s: expect %s, got %s (%s)", folder, e.File, o.expect, o.got, o.note)
			}
		}
	}
	if len(all) == 0 {
		t.Skip("no test vectors available under " + vectorsDir)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-28s %-48s %-8s %-12s %s\n", "folder", "file", "expect", "result", "detail")
	counts := map[string]map[string]int{}
	for _, o := range all {
		fmt.Fprintf(&b, "%-28s %-48s %-8s %-12s %s\n", o.folder, o.file, o.expect, o.got, trim(o.note, 110))
		if counts[o.folder] == nil {
			counts[o.folder] = map[string]int{}
		}
		counts[o.folder][o.expect+"/"+o.got]++
	}
	b.WriteString("\nper folder:\n")
	for _, folder := range folders {
		if c := counts[folder]; c != nil {
			fmt.Fprintf(&b, "  %-28s %v\n", folder, c)
		}
	}
	t.Log(b.String())
}

func trim(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// folderKeys builds the keys a folder's tokens are checked with, and the
// time they are checked at when the manifest gives none.
func folderKeys(t *testing.T, folder, dir string) (*keyring, time.Time) {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	switch folder {
	case "spruceid-ssi-vc-jwt":
		return didDocKeys(t, filepath.Join(dir, "tests", "did-example-foo.json")), at
	case "w3c-vc-jose-cose-test-suite":
		k := &keyring{}
		for _, f := range []string{"vm-p256.json", "vm-p384.json", "vm-p521.json", "vm-ed25519.json", "vm-did-ed25519.json"} {
			var m vm
			readJSON(t, filepath.Join(dir, f), &m)
			pub, err := publicKeyFromMap(m.PublicKeyJwk)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			kid, _ := m.PublicKeyJwk["kid"].(string)
			k.add(pub, m.Controller, m.ID, kid)
		}
		// The suite's presentations were made on 2024-12-16 and expire a
		// day later.
		return k, time.Date(2024, 12, 16, 12, 0, 0, 0, time.UTC)
	case "1edtech-validator-fixtures":
		// The 1EdTech validator takes the key from the JOSE header.
		return &keyring{header: true}, at
	}
	return &keyring{}, at
}

func runVector(t *testing.T, folder, dir string, e entry, keys *keyring, at time.Time) outcome {
	o := outcome{folder: folder, file: e.File, expect: *e.Expect}
	if e.At != "" {
		if tt, err := time.Parse(time.RFC3339, e.At); err == nil {
			at = tt
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, e.File))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(e.File, ".svg") {
		m := svgVerify.FindSubmatch(raw)
		if m == nil {
			o.got, o.note = "no-jwt", "no verify attribute in the SVG"
			o.pass = o.expect == "invalid"
			return o
		}
		raw = m[1]
		o.file += " (verify=)"
	}
	if e.Fn == "issue" {
		return runIssue(t, dir, e, o, raw)
	}
	if strings.Contains(e.Scope, "parse/mapping only") {
		return runMappingOnly(o, raw, keys, at)
	}

	opts := Options{Now: at}
	r, err := Verify(context.Background(), raw, keys, opts)
	var ue *UnsupportedError
	switch {
	case err == nil:
		o.got, o.note = "verified", fmt.Sprintf("%s %s by %s", r.Format, r.Alg, r.Issuer)
		if r.Format.Presentation() {
			nested, nerr := verifyNested(r, keys, opts)
			o.note += "; " + nested
			if nerr != nil {
				o.got = "rejected"
			}
		}
	case errors.As(err, &ue):
		o.got, o.note = "unsupported", err.Error()
	default:
		o.got, o.note = "rejected", err.Error()
	}
	switch o.expect {
	case "invalid":
		o.pass = o.got != "verified"
	case "valid":
		o.pass = o.got == "verified" ||
			o.got == "unsupported" && (strings.Contains(e.Feature, "cose") || strings.Contains(o.note, "ES512"))
	}
	return o
}

// verifyNested verifies the credentials a verified presentation carries;
// COSE ones come back unsupported and are listed, embedded objects are left
// to the Data Integrity verifier.
func verifyNested(r *Result, keys Keys, opts Options) (string, error) {
	creds, err := Credentials(r.Document)
	if err != nil {
		return "nested: " + err.Error(), err
	}
	var notes []string
	for _, c := range creds {
		if c.Object != nil {
			notes = append(notes, fmt.Sprintf("[%d] embedded object (not JOSE)", c.Index))
			continue
		}
		nr, err := Verify(context.Background(), c.Token, keys, Options{Now: opts.Now})
		var ue *UnsupportedError
		switch {
		case err == nil:
			notes = append(notes, fmt.Sprintf("[%d] %s verified", c.Index, nr.Format))
		case errors.As(err, &ue):
			notes = append(notes, fmt.Sprintf("[%d] %s: %v", c.Index, c.MediaType, err))
		default:
			return "nested " + strings.Join(append(notes, fmt.Sprintf("[%d] %v", c.Index, err)), ", "), err
		}
	}
	return "nested " + strings.Join(notes, ", "), nil
}

// runMappingOnly handles a VC-JWT whose key was never published: it must
// parse and map (VCDM 1.1 JWT decoding) and must not verify.
func runMappingOnly(o outcome, raw []byte, keys Keys, at time.Time) outcome {
	r, err := Parse(raw, Options{})
	if err != nil {
		o.got, o.note = "parse-fail", err.Error()
		return o
	}
	d := r.Document
	cs, _ := d["credentialSubject"].(map[string]any)
	mapped := d["issuer"] == r.Claims["iss"] && d["id"] == r.Claims["jti"] && cs["id"] == r.Claims["sub"] &&
		d["issuanceDate"] != nil && d["expirationDate"] != nil
	_, verr := Verify(context.Background(), raw, keys, Options{Now: at})
	o.got = "parsed-only"
	o.note = fmt.Sprintf("%s mapped=%v; verify: %v", r.Format, mapped, verr)
	o.pass = mapped && errors.Is(verr, ErrKey)
	return o
}

// runIssue signs an issuance input with the entry's key and verifies it back.
func runIssue(t *testing.T, dir string, e entry, o outcome, raw []byte) outcome {
	keyFile, _ := e.Key.(string)
	var m vm
	readJSON(t, filepath.Join(dir, keyFile), &m)
	pub, err := publicKeyFromMap(m.PublicKeyJwk)
	if err != nil {
		t.Fatal(err)
	}
	signer := privateFromJWK(t, m.SecretKeyJwk)
	keys := &keyring{}
	keys.add(pub, m.Controller, m.ID)
	payload, err := decodeObject(raw, 64, "input")
	if err != nil {
		t.Fatal(err)
	}
	var tok string
	switch {
	case strings.Contains(e.Feature, "cose"):
		err = &UnsupportedError{What: "proof type COSE (issuing)"}
	case strings.Contains(e.Feature, "sdjwt"):
		tok, err = IssueSDJWT(payload, e.DisclosurePaths, signer, m.ID, nil, nil)
	default:
		tok, err = Sign(payload, signer, m.ID, SignOptions{})
	}
	var ue *UnsupportedError
	switch {
	case errors.As(err, &ue):
		o.got, o.note = "unsupported", "issue: "+err.Error()
	case err != nil:
		o.got, o.note = "rejected", "issue: "+err.Error()
	default:
		r, verr := Verify(context.Background(), []byte(tok), keys, Options{})
		if verr != nil {
			o.got, o.note = "rejected", "issued, then: "+verr.Error()
		} else {
			o.got, o.note = "issued+ok", fmt.Sprintf("issued %s %s, %d disclosures, verified", r.Format, r.Alg, len(r.Disclosed))
		}
	}
	switch o.expect {
	case "invalid":
		o.pass = o.got != "issued+ok"
	case "valid":
		o.pass = o.got == "issued+ok" || o.got == "unsupported" && (strings.Contains(e.Feature, "cose") || strings.Contains(o.note, "P-521"))
	}
	return o
}
