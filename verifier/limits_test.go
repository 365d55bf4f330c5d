package verifier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
)

func TestInputLimits(t *testing.T) {
	ctx := context.Background()
	opt := verifier.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	deep := strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 100)
	for _, tt := range []struct {
		name  string
		input []byte
		opt   func(*verifier.Options)
		want  error
		msg   string
	}{
		{"fail/larger than the default 1 MiB", append([]byte(`{"x":"`), append(bytes.Repeat([]byte("a"), verifier.DefaultMaxBytes), '"', '}')...), nil, verifier.ErrTooLarge, "the limit is 1048576"},
		{"fail/larger than a set limit", signedBadge("CNA"), func(o *verifier.Options) { o.MaxBytes = 100 }, verifier.ErrTooLarge, "the limit is 100"},
		{"fail/nested too deeply", []byte(deep), nil, verifier.ErrUnreadable, "nested deeper"},
		// The proof covers the value the parser keeps (the last); a reader
		// of the file may see the first.
		{"fail/a member twice", duplicated(t, signedBadge("CNA")), nil, verifier.ErrUnreadable, "duplicate"},
		{"fail/not JSON", []byte(`{"@context": [`), nil, verifier.ErrUnreadable, "not JSON"},
		{"fail/two documents", []byte(`{} {}`), nil, verifier.ErrUnreadable, "trailing data"},
		{"fail/plain text", []byte("I am a nurse"), nil, verifier.ErrUnreadable, "neither JSON"},
		{"fail/empty", []byte("   "), nil, verifier.ErrUnreadable, "neither JSON"},
		{"fail/a PNG without a badge", pngWithoutBadge(t), nil, verifier.ErrUnreadable, "not"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := opt
			if tt.opt != nil {
				tt.opt(&o)
			}
			_, err := verifier.Verify(ctx, tt.input, o)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
}

func pngWithoutBadge(t *testing.T) []byte {
	// The smallest valid PNG: 1x1, one grey pixel.
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc`\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82")
}

// A CLR may carry at most MaxNested credentials in all; past it the report
// fails instead of working on.
func TestNestedLimit(t *testing.T) {
	var doc map[string]any
	_ = json.Unmarshal(signedBadge("CNA"), &doc)
	list := make([]any, 5)
	for i := range list {
		list[i] = doc
	}
	clr := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"type":     []any{"VerifiableCredential", "ClrCredential"}, "issuer": doc["issuer"], "name": "Transcript", "validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"type": []any{"ClrSubject"}, "verifiableCredential": list},
	}
	b, _ := json.Marshal(clr)
	rep, err := verifier.Verify(context.Background(), b, verifier.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), MaxNested: 3})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rep.Checks {
		if c.Check == verifier.CheckNested && !c.OK && strings.Contains(c.Detail, "more than 3 nested credentials") {
			found = true
		}
	}
	if !found || rep.Verified || len(rep.Credentials) > 3 {
		t.Errorf("verified %v, %d nested reports, checks %+v", rep.Verified, len(rep.Credentials), rep.Checks)
	}
}

// FuzzVerify: whatever arrives — JSON, JWT, image, garbage — Verify neither
// panics nor verifies something nobody signed.
func FuzzVerify(f *testing.F) {
	f.Add(signedBadge("CNA"))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"verifiableCredential":[{"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,eyJ"}]}`))
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"))
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln~WyJzYWx0IiwibmFtZSIsIngiXQ~"))
	f.Add(pngWithoutBadge(&testing.T{}))
	for _, p := range []string{"1edtech-validator-fixtures/ob30/simple-json.svg", "1edtech-validator-fixtures/clr20/simple.json", "spruceid-ssi-vc-jwt/examples/files/vp.jwt"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "vectors", p)); err == nil {
			f.Add(b)
		}
	}
	opt := verifier.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), MaxNested: 20}
	signed := signedBadge("CNA")
	f.Fuzz(func(t *testing.T, in []byte) {
		rep, err := verifier.Verify(context.Background(), in, opt)
		if err != nil {
			return
		}
		if rep.Verified && !bytes.Equal(in, signed) && !json.Valid(in) {
			t.Fatalf("verified input that is not the signed badge: %q", in)
		}
	})
}

// duplicated puts a forged "name" before the genuine first member of a
// signed credential's achievement, so the genuine one (last) is the one a
// JSON parser keeps.
func duplicated(t *testing.T, signed []byte) []byte {
	t.Helper()
	i := bytes.Index(signed, []byte(`"achievement":{`))
	if i < 0 {
		i = bytes.Index(signed, []byte(`"achievement": {`))
	}
	if i < 0 {
		t.Fatal("no achievement in the signed badge")
	}
	j := i + bytes.IndexByte(signed[i:], '{') + 1
	return append(append(append([]byte{}, signed[:j]...), []byte(`"name":"Registered Nurse (forged)",`)...), signed[j:]...)
}
