package employer_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/employer"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// issued is when the sample credentials were signed; tests verify an hour
// later.
var issued = time.Date(2026, 9, 1, 17, 0, 0, 0, time.UTC)

const emtJob = "emt-sierra-vista-ambulance"

// world is a veteran's application as the wallet would make it: Marcus
// Delgado's sample records (Army combat medic training, adult-school
// certificates, …) signed by their institutions' did:web keys and issued to
// his holder did:key, the institutions' DID documents, a trust registry
// naming them, and the sample jobs.
type world struct {
	dids      *did.Cache
	trust     *verifier.Registry
	jobs      []*requirements.Job
	holder    proof.Signer
	holderKey ed25519.PrivateKey
	holderDID string
	creds     []map[string]any // signed credentials, in record order
	names     []string         // their names
}

var (
	worldOnce sync.Once
	theWorld  *world
	worldErr  error
)

// sample builds the world once per test binary: signing is the slow part.
func sample(t testing.TB) *world {
	t.Helper()
	worldOnce.Do(func() { theWorld, worldErr = buildWorld() })
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return theWorld
}

func buildWorld() (*world, error) {
	set, err := samples.Load()
	if err != nil {
		return nil, err
	}
	eng, err := set.Engine()
	if err != nil {
		return nil, err
	}
	w := &world{dids: did.NewCache()}
	w.holderKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, 32))
	w.holderDID, _ = did.KeyDID(w.holderKey.Public())
	mk, _ := did.MultikeyEncode(w.holderKey.Public())
	w.holder = proof.NewSigner(w.holderKey, w.holderDID+"#"+mk)

	type kit struct {
		key ed25519.PrivateKey
		vm  string
	}
	kits := map[string]kit{}
	var issuers []map[string]any
	for i, in := range set.Institutions {
		key := ed25519.NewKeyFromSeed(append([]byte{byte(i + 1)}, make([]byte, 31)...))
		mk, _ := did.MultikeyEncode(key.Public())
		vm := in.ID + "#key-1"
		doc, _ := json.Marshal(map[string]any{
			"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
			"id":                 in.ID,
			"verificationMethod": []any{map[string]any{"id": vm, "type": "Multikey", "controller": in.ID, "publicKeyMultibase": mk}},
			"assertionMethod":    []string{vm},
		})
		if _, err := w.dids.Add(doc, issued); err != nil {
			return nil, err
		}
		kits[in.Slug] = kit{key: key, vm: vm}
		issuers = append(issuers, map[string]any{"id": in.ID, "name": in.Name})
	}
	reg, _ := json.Marshal(map[string]any{"name": "California education and training providers (sample)", "issuers": issuers})
	if w.trust, err = verifier.ParseRegistry(reg, ""); err != nil {
		return nil, err
	}
	if w.jobs, err = requirements.LoadDir(os.DirFS(filepath.Join("..", "requirements", "testdata", "jobs"))); err != nil {
		return nil, err
	}
	l, _ := set.Learner("L-1001")
	l.DID = w.holderDID
	recs := set.RecordsOf(l.ID)
	maps := eng.MapLearner(recs, transcript.MustDate("2026-09-01"))
	for i, r := range recs {
		in, _ := set.Institution(r.Institution)
		c, err := transcript.BuildAchievement(in, l, r, maps[i], transcript.BuildOptions{ID: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i+1), Issued: issued})
		if err != nil {
			return nil, err
		}
		doc, err := roundTrip(c)
		if err != nil {
			return nil, err
		}
		k := kits[r.Institution]
		signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(k.key, k.vm), proof.Options{Created: issued})
		if err != nil {
			return nil, err
		}
		w.creds = append(w.creds, signed)
		w.names = append(w.names, c.Name)
	}
	return w, nil
}

func roundTrip(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// present makes what wallet.Present makes (the employer package may not
// import the wallet, which sits above the verifier): a presentation of the
// credentials signed by the holder for a challenge and domain, as a JSON-LD
// presentation with an eddsa-rdfc-2022 proof ("ldp_vp") or a VC-JOSE vp+jwt
// ("jwt_vp_json").
func (w *world) present(t testing.TB, format, challenge, domain string, creds ...map[string]any) []byte {
	t.Helper()
	list := make([]any, len(creds))
	for i, c := range creds {
		list[i] = c
	}
	vp := map[string]any{
		"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               w.holderDID,
		"verifiableCredential": list,
	}
	switch format {
	case "jwt_vp_json":
		claims := map[string]any{}
		for k, v := range vp {
			claims[k] = v
		}
		if domain != "" {
			claims["aud"] = domain
		}
		if challenge != "" {
			claims["nonce"] = challenge
		}
		claims["iat"] = issued.Add(30 * time.Minute).Unix()
		tok, err := jose.Sign(claims, w.holderKey, w.holder.VerificationMethod(), jose.SignOptions{Format: jose.FormatJOSEVP})
		if err != nil {
			t.Fatal(err)
		}
		return []byte(tok)
	default:
		signed, err := proof.Sign(context.Background(), vp, w.holder, proof.Options{Created: issued.Add(30 * time.Minute),
			Purpose: proof.Authentication, Challenge: challenge, Domain: domain})
		if err != nil {
			t.Fatal(err)
		}
		return mustJSON(t, signed)
	}
}

// medic is the Army combat medic credential, which meets the EMT course
// by equivalency.
func (w *world) medic(t testing.TB) map[string]any {
	t.Helper()
	for i, n := range w.names {
		if strings.Contains(n, "Combat Medic") {
			return w.creds[i]
		}
	}
	t.Fatalf("no combat medic credential among %q", w.names)
	return nil
}

// clock is a settable clock for the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// site is a running employer page on 127.0.0.1.
type site struct {
	*httptest.Server
	clock  *clock
	client *http.Client // does not follow redirects
}

// start runs an employer page on a real listener on 127.0.0.1, its base
// URL the listener's. mod changes the configuration.
func start(t testing.TB, mod func(*employer.Config)) *site {
	t.Helper()
	w := sample(t)
	ts := httptest.NewUnstartedServer(nil)
	c := &clock{t: issued.Add(time.Hour)}
	cfg := employer.Config{Jobs: w.jobs, Trust: w.trust, DIDs: w.dids, BaseURL: "http://" + ts.Listener.Addr().String(), Clock: c.Now}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := employer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	return &site{Server: ts, clock: c, client: &http.Client{
		Timeout:       time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (s *site) do(t testing.TB, method, path, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{code: res.StatusCode, header: res.Header, body: b}
}

func (s *site) get(t testing.TB, path string) response { return s.do(t, http.MethodGet, path, "", nil) }

func (s *site) postForm(t testing.TB, path string, v url.Values) response {
	return s.do(t, http.MethodPost, path, "application/x-www-form-urlencoded", []byte(v.Encode()))
}

// upload posts the page's form as a browser does: multipart, with the
// document as a file.
func (s *site) upload(t testing.TB, job, fileName string, doc []byte, fields map[string]string) response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("job", job)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	_, _ = fw.Write(doc)
	_ = mw.WriteField("text", "")
	mw.Close()
	return s.do(t, http.MethodPost, "/verify", mw.FormDataContentType(), b.Bytes())
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return v
}

func check(rep verifier.Report, name string) (verifier.Check, bool) {
	for _, c := range rep.Checks {
		if c.Check == name {
			return c, true
		}
	}
	return verifier.Check{}, false
}

func requirement(rep verifier.Report, id string) verifier.Requirement {
	for _, q := range rep.Requirements {
		if q.ID == id {
			return q
		}
	}
	return verifier.Requirement{}
}
