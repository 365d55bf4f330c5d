package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/satchel-wallet/satchel/issuer"
	"github.com/satchel-wallet/satchel/issuer/client"
	"github.com/satchel-wallet/satchel/issuer/httpapi"
	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/issuer/store/postgres"
	"github.com/satchel-wallet/satchel/issuer/store/postgres/pgtest"
	"github.com/satchel-wallet/satchel/issuer/store/sqlite"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/status"
)

const adminToken = "admin-token-for-tests-0123456789"

// testKDF keeps key sealing fast in tests; production uses DefaultKDF.
var testKDF = issuer.KDF{Time: 1, MemoryKiB: 64, Threads: 1}

type env struct {
	t      testing.TB
	url    string
	admin  *client.Client
	tokens map[string]string
	svc    *issuer.Service
	db     string
}

// start runs the service on 127.0.0.1 over a fresh SQLite file, with the
// four sample institutions and their tables loaded.
func start(t testing.TB, format string) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issuer.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return startWith(t, db, format, path)
}

// startWith runs the service over the given store.
func startWith(t testing.TB, db store.Store, format, path string) *env {
	t.Helper()
	ctx := context.Background()
	t.Cleanup(func() { db.Close() })
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := issuer.New(ctx, issuer.Config{Store: db, BaseURL: "http://localhost:" + port, Passphrase: []byte("correct horse battery"),
		KDF: testKDF, Skills: set.Skills})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h = httpapi.New(svc, httpapi.Options{AdminToken: adminToken, MaxBody: 1 << 20, Log: log})
	e := &env{t: t, url: srv.URL, admin: &client.Client{BaseURL: srv.URL, Token: adminToken}, svc: svc, db: path}
	if e.tokens, err = e.admin.CreateSamples(ctx, format); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) as(slug string) *client.Client {
	return &client.Client{BaseURL: e.url, Token: e.tokens[slug]}
}

// verify checks a credential as an employer would, with the DID documents
// and status lists fetched from the service beforehand (the verifier itself
// fetches nothing).
func (e *env) verify(cred []byte, slugs ...string) verifier.Report {
	e.t.Helper()
	ctx := context.Background()
	cache := did.NewCache()
	anon := &client.Client{BaseURL: e.url}
	for _, s := range slugs {
		doc, err := anon.Get(ctx, "/institutions/"+s+"/did.json")
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := cache.Add(doc, time.Now()); err != nil {
			e.t.Fatal(err)
		}
	}
	lists := status.NewCache()
	for _, m := range listURL.FindAllStringSubmatch(string(cred), -1) {
		raw, err := anon.Get(ctx, strings.TrimPrefix(m[1], "http://localhost:"+port(e.url)))
		if err != nil {
			e.t.Fatal(err)
		}
		lists.Add(m[1], raw, time.Now())
	}
	rep, err := verifier.Verify(ctx, cred, verifier.Options{DIDs: &did.Local{Cache: cache}, StatusLists: lists})
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

var listURL = regexp.MustCompile(`"statusListCredential":\s*"([^"]+)"`)

// testWriter sends the service's warnings and errors to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func port(u string) string {
	_, p, _ := net.SplitHostPort(strings.TrimPrefix(u, "http://"))
	return p
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "intake", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func check(t *testing.T, rep verifier.Report, name string, ok bool) {
	t.Helper()
	for _, c := range rep.Checks {
		if c.Check == name {
			if c.OK != ok {
				t.Fatalf("check %s: ok=%v, want %v (%s)", name, c.OK, ok, c.Detail)
			}
			return
		}
	}
	t.Fatalf("no check %s in %+v", name, rep.Checks)
}

// TestFlowPerKind runs each kind of institution through table upload,
// intake in its format, issuing and verification, and checks that the
// credit the tables grant is in the credentials.
func TestFlowPerKind(t *testing.T) {
	e := start(t, "")
	ctx := context.Background()
	cases := []struct {
		slug, file, contentType string
		wantCourse              string // a course some record of the file is granted
	}{
		{"sierra-vista", "sierra-vista-pesc-L-1009.xml", "application/xml", ""},
		{"harbor-adult", "harbor-adult-certificates.csv", "text/csv", ""},
		{"gs-electrical", "gs-electrical-competencies.json", "application/json", "ELEC 101"},
		{"jst", "jst-military.json", "application/json", "EMS 101"},
	}
	for _, c := range cases {
		t.Run("ok/"+c.slug, func(t *testing.T) {
			res, _, err := e.as(c.slug).Submit(ctx, c.slug, c.contentType, readTestdata(t, c.file), "")
			if err != nil {
				t.Fatal(err)
			}
			if res.Issued == 0 || res.Issued != len(res.Records) {
				t.Fatalf("issued %d of %d records", res.Issued, len(res.Records))
			}
			granted := false
			for _, r := range res.Records {
				for _, g := range r.Grants {
					if c.wantCourse == "" || g.Course.Code == c.wantCourse {
						granted = true
					}
				}
				if len(r.Grants) == 0 && r.Reason == "" {
					t.Errorf("record %s: no grant and no reason", r.Record)
				}
			}
			if c.wantCourse != "" && !granted {
				t.Errorf("no record was granted %s: %+v", c.wantCourse, res.Records)
			}
			for _, r := range res.Records[:min(3, len(res.Records))] {
				cred, err := e.as(c.slug).Credential(ctx, c.slug, r.Credential)
				if err != nil {
					t.Fatal(err)
				}
				rep := e.verify(cred.Credential, c.slug)
				if !rep.Verified {
					t.Fatalf("credential of %s does not verify: %+v", r.Record, rep.Checks)
				}
				for _, g := range r.Grants {
					if !strings.Contains(string(cred.Credential), g.Course.Code) {
						t.Errorf("credential of %s does not mention granted course %s", r.Record, g.Course.Code)
					}
				}
			}
		})
	}
}

func submitJST(t *testing.T, e *env, key string) issuer.BatchResult {
	t.Helper()
	res, _, err := e.as("jst").Submit(context.Background(), "jst", "application/json", readTestdata(t, "jst-military.json"), key)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestRevokeAndRotate(t *testing.T) {
	testRevokeAndRotate(t, start(t, ""))
}

// TestRevokeAndRotatePostgres runs the same over PostgreSQL: the service
// does not depend on which store it has.
func TestRevokeAndRotatePostgres(t *testing.T) {
	db, err := postgres.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	testRevokeAndRotate(t, startWith(t, db, "", ""))
}

func testRevokeAndRotate(t *testing.T, e *env) {
	ctx := context.Background()
	res := submitJST(t, e, "")
	id := res.Records[0].Credential
	jst := e.as("jst")
	before, err := jst.Credential(ctx, "jst", id)
	if err != nil {
		t.Fatal(err)
	}
	check(t, e.verify(before.Credential, "jst"), verifier.CheckStatus, true)

	// Rotation: the old credential still verifies with the new document;
	// a new one is signed by the new key.
	k, err := jst.RotateKey(ctx, "jst", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(k.ID, "#key-2") {
		t.Fatalf("rotated key %s", k.ID)
	}
	if rep := e.verify(before.Credential, "jst"); !rep.Verified {
		t.Fatalf("after rotation the old credential fails: %+v", rep.Checks)
	}
	res2 := submitJSTOther(t, e)
	after, err := jst.Credential(ctx, "jst", res2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(after.Credential), "#key-2") {
		t.Fatalf("new credential not signed with key-2")
	}
	if rep := e.verify(after.Credential, "jst"); !rep.Verified {
		t.Fatalf("credential signed after rotation fails: %+v", rep.Checks)
	}

	// Revocation: the refreshed list says revoked.
	if _, err := jst.SetStatus(ctx, "jst", id, "revoke", "issued in error"); err != nil {
		t.Fatal(err)
	}
	rep := e.verify(before.Credential, "jst")
	if rep.Verified {
		t.Fatal("a revoked credential verified")
	}
	check(t, rep, verifier.CheckStatus, false)
	// Suspension is refused for an OB 3.0 credential (one status entry).
	if _, err := jst.SetStatus(ctx, "jst", id, "suspend", ""); !client.IsStatus(err, http.StatusConflict) {
		t.Fatalf("suspend: %v, want 409", err)
	}
}

// submitJSTOther submits one more JST record and returns its credential.
func submitJSTOther(t *testing.T, e *env) string {
	t.Helper()
	body := `{"learners":[{"id":"L-9001","givenName":"Ana","familyName":"Reyes","email":"ana.reyes@example.org"}],
"records":[{"id":"JST-9001-1","kind":"military","institution":"jst","learner":"L-9001","military":{"aceId":"AR-0709-0058","title":"Combat Medic Specialist (68W)","branch":"Army","started":"2022-01-10","completed":"2022-05-01","credit":[{"level":"lower-division","subject":"Emergency medical technician","hours":6}]}}]}`
	res, _, err := e.as("jst").Submit(context.Background(), "jst", "application/json", []byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	return res.Records[0].Credential
}

func TestAuthorization(t *testing.T) {
	e := start(t, "")
	ctx := context.Background()
	res := submitJST(t, e, "")
	id := res.Records[0].Credential
	anon := &client.Client{BaseURL: e.url}
	wrong := &client.Client{BaseURL: e.url, Token: "sat_not-a-token"}
	other := e.as("harbor-adult")
	body := readTestdata(t, "jst-military.json")
	cases := []struct {
		name string
		call func() error
		want int
	}{
		{"fail/no-token-submit", func() error { _, _, err := anon.Submit(ctx, "jst", "application/json", body, ""); return err }, 401},
		{"fail/unknown-token", func() error { _, _, err := wrong.Submit(ctx, "jst", "application/json", body, ""); return err }, 401},
		{"fail/other-institution-submit", func() error { _, _, err := other.Submit(ctx, "jst", "application/json", body, ""); return err }, 403},
		{"fail/other-institution-read", func() error { _, err := other.Credential(ctx, "jst", id); return err }, 403},
		{"fail/other-institution-revoke", func() error { _, err := other.SetStatus(ctx, "jst", id, "revoke", "x"); return err }, 403},
		{"fail/other-institution-rotate", func() error { _, err := other.RotateKey(ctx, "jst", ""); return err }, 403},
		{"fail/own-path-other-credential", func() error { _, err := other.SetStatus(ctx, "harbor-adult", id, "revoke", "x"); return err }, 404},
		{"fail/institution-creates-institution", func() error {
			_, _, err := other.CreateInstitution(ctx, issuer.NewInstitution{})
			return err
		}, 403},
		{"fail/vc-api-no-token", func() error {
			return post(ctx, anon, "/credentials/issue", `{"credential":{}}`)
		}, 401},
		{"fail/vc-api-as-other-institution", func() error {
			return post(ctx, other, "/credentials/issue", fmt.Sprintf(`{"credential":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":%q,"credentialSubject":{"id":"did:example:1"}}}`,
				e.svc.InstitutionDID("jst")))
		}, 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !client.IsStatus(err, c.want) {
				t.Fatalf("got %v, want %d", err, c.want)
			}
		})
	}
	// Nothing changed: the credential is not revoked and there is one batch.
	c, err := e.as("jst").Credential(ctx, "jst", id)
	if err != nil || c.Revoked {
		t.Fatalf("credential after refused requests: revoked=%v err=%v", c.Revoked, err)
	}
	cs, err := e.svc.LearnerCredentials(ctx, issuer.Actor{Admin: true}, "jst", res.Records[0].Learner)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range cs {
		if x.Record == res.Records[0].Record && x.ID != id {
			t.Fatalf("a refused submission issued %s", x.ID)
		}
	}
}

func TestBadIntake(t *testing.T) {
	e := start(t, "")
	ctx := context.Background()
	cases := []struct {
		name, slug, ct, body string
		want                 int
		field                string
	}{
		{"fail/json-syntax", "jst", "application/json", `{"learners": [`, 400, ""},
		{"fail/json-bad-date", "jst", "application/json", `{"learners":[{"id":"L-1","givenName":"A","familyName":"B"}],"records":[{"id":"R1","kind":"military","institution":"jst","learner":"L-1","military":{"aceId":"AR-0709-0058","title":"Medic","branch":"Army","started":"2022-01-10","completed":"2022-13-45","credit":[{"level":"lower-division","subject":"EMT","hours":6}]}}]}`, 400, "military.completed"},
		{"fail/csv-unknown-column", "harbor-adult", "text/csv", "learner_id,given_name,family_name,email,shoe_size\nL-1,A,B,a@b.example,9\n", 400, "shoe_size"},
		{"fail/xml-malformed", "sierra-vista", "application/xml", "<CollegeTranscript><TransmissionData>", 400, ""},
		{"fail/media-type", "jst", "application/pdf", "%PDF-1.7", 415, ""},
		{"fail/too-large", "jst", "application/json", `{"learners":"` + strings.Repeat("x", 2<<20) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := e.as(c.slug).Submit(ctx, c.slug, c.ct, []byte(c.body), "")
			if !client.IsStatus(err, c.want) {
				t.Fatalf("got %v, want %d", err, c.want)
			}
			if c.field != "" {
				ce := err.(*client.Error)
				found := false
				for _, r := range ce.Records {
					found = found || strings.Contains(r.Field, c.field)
				}
				if !found {
					t.Fatalf("no problem names field %s: %+v", c.field, ce.Records)
				}
			}
		})
	}
	// One bad record refuses the whole batch: nothing of the good ones is
	// stored.
	good := readTestdata(t, "jst-military.json")
	var doc map[string]any
	if err := json.Unmarshal(good, &doc); err != nil {
		t.Fatal(err)
	}
	recs := doc["records"].([]any)
	recs[len(recs)-1].(map[string]any)["kind"] = "college"
	bad, _ := json.Marshal(doc)
	_, _, err := e.as("jst").Submit(ctx, "jst", "application/json", bad, "")
	if !client.IsStatus(err, 400) {
		t.Fatalf("batch with one bad record: %v", err)
	}
	if rs := err.(*client.Error).Records; len(rs) == 0 || rs[0].Index != len(recs)-1 {
		t.Fatalf("the problem does not name record %d: %+v", len(recs)-1, rs)
	}
	first := recs[0].(map[string]any)["learner"].(string)
	cs, err := e.svc.LearnerCredentials(ctx, issuer.Actor{Admin: true}, "jst", first)
	if err != nil || len(cs) != 0 {
		t.Fatalf("a refused batch left %d credentials (%v)", len(cs), err)
	}
}

func TestIdempotency(t *testing.T) {
	e := start(t, "")
	ctx := context.Background()
	jst := e.as("jst")
	body := readTestdata(t, "jst-military.json")
	first, replayed, err := jst.Submit(ctx, "jst", "application/json", body, "batch-2026-11-28-a")
	if err != nil || replayed {
		t.Fatalf("first: %v replayed=%v", err, replayed)
	}
	again, replayed, err := jst.Submit(ctx, "jst", "application/json", body, "batch-2026-11-28-a")
	if err != nil || !replayed {
		t.Fatalf("retry: %v replayed=%v", err, replayed)
	}
	if first.Batch != again.Batch || first.Records[0].Credential != again.Records[0].Credential {
		t.Fatalf("retry answered differently: %s vs %s", first.Batch, again.Batch)
	}
	if _, _, err := jst.Submit(ctx, "jst", "application/json", []byte(`{"learners":[],"records":[]}`), "batch-2026-11-28-a"); !client.IsStatus(err, 409) {
		t.Fatalf("same key, other body: %v, want 409", err)
	}
	// Without a key, re-sending the same records issues nothing new.
	third, _, err := jst.Submit(ctx, "jst", "application/json", body, "")
	if err != nil {
		t.Fatal(err)
	}
	if third.Issued != 0 || !third.Records[0].Existing || third.Records[0].Credential != first.Records[0].Credential {
		t.Fatalf("re-sent records: issued %d, first %+v", third.Issued, third.Records[0])
	}
}

// TestOpenID4VCI redeems an offer as a wallet would: token with the
// transaction code, then the credential with a proof of possession; the
// credential delivered is bound to the wallet's did:key and verifies.
func TestOpenID4VCI(t *testing.T) {
	e := start(t, "")
	ctx := context.Background()
	res := submitJST(t, e, "")
	learner := res.Records[0].Learner
	offer, err := e.as("jst").Offer(ctx, "jst", learner, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(offer.URI, issuer.OfferScheme) || offer.TxCode == "" {
		t.Fatalf("offer %+v", offer)
	}
	u, _ := url.Parse(offer.URI)
	var o struct {
		Issuer string `json:"credential_issuer"`
		Grants map[string]struct {
			Code string `json:"pre-authorized_code"`
		} `json:"grants"`
	}
	if err := json.Unmarshal([]byte(u.Query().Get("credential_offer")), &o); err != nil {
		t.Fatal(err)
	}
	code := o.Grants[issuer.GrantPreAuthorized].Code
	// By reference (what the QR code holds): the same offer object.
	ref, _ := url.Parse(offer.URIByReference)
	refURL := ref.Query().Get("credential_offer_uri")
	if !strings.HasPrefix(refURL, "http://localhost:"+port(e.url)+"/oid4vci/offers/") || len(offer.URIByReference) >= len(offer.URI) {
		t.Fatalf("offer by reference %q", offer.URIByReference)
	}
	byRef, err := (&client.Client{BaseURL: e.url}).Get(ctx, strings.TrimPrefix(refURL, "http://localhost:"+port(e.url)))
	var compact bytes.Buffer
	_ = json.Compact(&compact, offer.Offer)
	if err != nil || string(byRef) != compact.String() {
		t.Fatalf("offer by reference: %v\n%s\nwant\n%s", err, byRef, offer.Offer)
	}
	tokenReq := func(tx string) (*http.Response, map[string]any) {
		resp, err := http.PostForm(e.url+"/oid4vci/token", url.Values{"grant_type": {issuer.GrantPreAuthorized}, "pre-authorized_code": {code}, "tx_code": {tx}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp, m
	}
	if resp, m := tokenReq("000000x"); resp.StatusCode != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("wrong tx code: %d %v", resp.StatusCode, m)
	}
	resp, tok := tokenReq(offer.TxCode)
	if resp.StatusCode != 200 {
		t.Fatalf("token: %d %v", resp.StatusCode, tok)
	}
	if resp, _ := tokenReq(offer.TxCode); resp.StatusCode != 400 {
		t.Fatalf("a code worked twice: %d", resp.StatusCode)
	}
	if _, err := (&client.Client{BaseURL: e.url}).Get(ctx, strings.TrimPrefix(refURL, "http://localhost:"+port(e.url))); !client.IsStatus(err, 404) {
		t.Fatalf("a redeemed offer is still served by reference: %v", err)
	}
	pub, priv, _ := ed25519.GenerateKey(nil)
	holder, _ := did.KeyDID(pub)
	kid := holder + "#" + strings.TrimPrefix(holder, "did:key:")
	proofJWT := func(nonce, aud string) string {
		hdr := jws.NewHeaders()
		_ = hdr.Set(jws.TypeKey, issuer.ProofTypeJWT)
		_ = hdr.Set(jws.KeyIDKey, kid)
		payload, _ := json.Marshal(map[string]any{"aud": aud, "iat": time.Now().Unix(), "nonce": nonce})
		b, err := jws.Sign(payload, jws.WithKey(jwa.EdDSA, priv, jws.WithProtectedHeaders(hdr)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ids := tok["authorization_details"].([]any)[0].(map[string]any)["credential_identifiers"].([]any)
	credReq := func(id, proof string) (int, map[string]any) {
		body, _ := json.Marshal(map[string]any{"credential_identifier": id, "proof": map[string]any{"proof_type": "jwt", "jwt": proof}})
		req, _ := http.NewRequest("POST", e.url+"/oid4vci/credential", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	nonce := tok["c_nonce"].(string)
	st, m := credReq(ids[0].(string), proofJWT(nonce, "https://elsewhere.example"))
	if st != 400 || m["error"] != "invalid_proof" || m["c_nonce"] == nil {
		t.Fatalf("proof for another audience: %d %v", st, m)
	}
	nonce = m["c_nonce"].(string)
	st, m = credReq(ids[0].(string), proofJWT(nonce, o.Issuer))
	if st != 200 {
		t.Fatalf("credential: %d %v", st, m)
	}
	raw, _ := json.Marshal(m["credential"])
	var cred struct {
		Subject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
	}
	_ = json.Unmarshal(raw, &cred)
	if cred.Subject.ID != holder {
		t.Fatalf("subject %q, want the holder's DID %s", cred.Subject.ID, holder)
	}
	if rep := e.verify(raw, "jst"); !rep.Verified {
		t.Fatalf("delivered credential: %+v", rep.Checks)
	}
	st, m = credReq(ids[0].(string), proofJWT(m["c_nonce"].(string), o.Issuer))
	if st != 400 {
		t.Fatalf("the same credential was delivered twice: %d %v", st, m)
	}
	// Revoking the original revokes the copy the wallet holds.
	if _, err := e.as("jst").SetStatus(ctx, "jst", ids[0].(string), "revoke", "test"); err != nil {
		t.Fatal(err)
	}
	check(t, e.verify(raw, "jst"), verifier.CheckStatus, false)
}

func TestPublicEndpoints(t *testing.T) {
	e := start(t, "")
	anon := &client.Client{BaseURL: e.url}
	ctx := context.Background()
	for _, p := range []string{"/healthz", "/.well-known/did.json", "/.well-known/openid-credential-issuer", "/.well-known/oauth-authorization-server", "/openapi.json", "/institutions/jst/did.json"} {
		raw, err := anon.Get(ctx, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !json.Valid(raw) {
			t.Fatalf("%s: not JSON", p)
		}
	}
	if _, err := anon.Get(ctx, "/institutions/nope/did.json"); !client.IsStatus(err, 404) {
		t.Fatalf("unknown institution: %v", err)
	}
}

func TestCLRAndVCAPI(t *testing.T) {
	e := start(t, "")
	ctx := context.Background()
	res := submitJST(t, e, "")
	clr, err := e.as("jst").CLR(ctx, "jst", res.Records[0].Learner)
	if err != nil {
		t.Fatal(err)
	}
	rep := e.verify(clr.Credential, "jst")
	if !rep.Verified || len(rep.Credentials) == 0 {
		t.Fatalf("CLR: verified=%v nested=%d %+v", rep.Verified, len(rep.Credentials), rep.Checks)
	}
	var out struct {
		VC json.RawMessage `json:"verifiableCredential"`
	}
	body := `{"credential":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:learner"}}}`
	if _, err := e.as("jst").Do(ctx, "POST", "/credentials/issue", "application/json", []byte(body), nil, &out); err != nil {
		t.Fatal(err)
	}
	if rep := e.verify(out.VC, "jst"); !rep.Verified {
		t.Fatalf("VC-API credential: %+v", rep.Checks)
	}
	var vrep verifier.Report
	vbody, _ := json.Marshal(map[string]json.RawMessage{"verifiableCredential": out.VC})
	if _, err := (&client.Client{BaseURL: e.url}).Do(ctx, "POST", "/credentials/verify", "application/json", vbody, nil, &vrep); err != nil || !vrep.Verified {
		t.Fatalf("VC-API verify: %v %+v", err, vrep.Checks)
	}
	tampered := strings.Replace(string(vbody), "did:example:learner", "did:example:someone", 1)
	if _, err := (&client.Client{BaseURL: e.url}).Do(ctx, "POST", "/credentials/verify", "application/json", []byte(tampered), nil, &vrep); !client.IsStatus(err, 400) {
		t.Fatalf("tampered VC-API verify: %v", err)
	}
}

// TestJWTInstitution issues VC-JOSE credentials with P-256 keys.
func TestJWTInstitution(t *testing.T) {
	e := start(t, issuer.FormatJWT)
	ctx := context.Background()
	res := submitJST(t, e, "")
	c, err := e.as("jst").Credential(ctx, "jst", res.Records[0].Credential)
	if err != nil {
		t.Fatal(err)
	}
	var token string
	if err := json.Unmarshal(c.Credential, &token); err != nil || strings.Count(token, ".") != 2 {
		t.Fatalf("not a JWT: %s", c.Credential)
	}
	rep := e.verifyJWT(token)
	if !rep.Verified || rep.Format != "vc+jwt" {
		t.Fatalf("JWT credential: %s %+v", rep.Format, rep.Checks)
	}
}

func (e *env) verifyJWT(token string) verifier.Report {
	e.t.Helper()
	ctx := context.Background()
	anon := &client.Client{BaseURL: e.url}
	cache := did.NewCache()
	for _, p := range []string{"/institutions/jst/did.json", "/.well-known/did.json"} {
		doc, err := anon.Get(ctx, p)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := cache.Add(doc, time.Now()); err != nil {
			e.t.Fatal(err)
		}
	}
	lists := status.NewCache()
	raw, err := anon.Get(ctx, "/status/jst-revocation-1")
	if err != nil {
		e.t.Fatal(err)
	}
	lists.Add("http://localhost:"+port(e.url)+"/status/jst-revocation-1", raw, time.Now())
	rep, err := verifier.Verify(ctx, []byte(token), verifier.Options{DIDs: &did.Local{Cache: cache}, StatusLists: lists})
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

func post(ctx context.Context, c *client.Client, path, body string) error {
	_, err := c.Do(ctx, http.MethodPost, path, "application/json", []byte(body), nil, nil)
	return err
}

// TestNoSecretInLog: tokens, codes and passphrases never reach the log,
// also when they are in a request's path.
func TestNoSecretInLog(t *testing.T) {
	var logs syncBuffer
	e := start(t, "")
	ctx := context.Background()
	svcLog := slog.New(slog.NewTextHandler(&logs, nil))
	h := httpapi.New(e.svc, httpapi.Options{AdminToken: adminToken, Log: svcLog})
	srv := httptest.NewServer(h)
	defer srv.Close()
	submitJST(t, e, "")
	offer, err := e.as("jst").Offer(ctx, "jst", "L-1001", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := url.Parse(offer.URIByReference)
	code := strings.TrimPrefix(ref.Query().Get("credential_offer_uri"), "http://localhost:"+port(e.url)+"/oid4vci/offers/")
	jst := &client.Client{BaseURL: srv.URL, Token: e.tokens["jst"]}
	if _, err := jst.Get(ctx, "/oid4vci/offers/"+code); err != nil {
		t.Fatal(err)
	}
	if _, err := jst.Credential(ctx, "jst", "urn:uuid:nope"); !client.IsStatus(err, 404) {
		t.Fatal(err)
	}
	_, _ = http.PostForm(srv.URL+"/oid4vci/token", url.Values{"grant_type": {issuer.GrantPreAuthorized}, "pre-authorized_code": {code}, "tx_code": {offer.TxCode}})
	out := logs.String()
	if !strings.Contains(out, "/oid4vci/offers/…") {
		t.Fatalf("the request is not in the log:\n%s", out)
	}
	for name, secret := range map[string]string{"pre-authorised code": code, "transaction code": offer.TxCode, "API token": e.tokens["jst"], "admin token": adminToken} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s is in the log:\n%s", name, out)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBadTables: a table that does not read, or that would clash with the
// versions held, is refused naming why, and nothing is stored.
func TestBadTables(t *testing.T) {
	e := start(t, "")
	ctx := context.Background()
	jst := e.as("jst")
	before, err := e.svc.Tables(ctx, issuer.Actor{Admin: true}, "jst")
	if err != nil {
		t.Fatal(err)
	}
	good := `{"id":"extra","version":"1","title":"t","owner":"o","effectiveFrom":"2026-01-01","rows":[{"id":"R1","source":{"kind":"military","id":"AR-1"},"grants":[{"college":"Sierra Vista Community College","code":"KIN 100","title":"Physical Conditioning","units":1,"url":"https://catalog.sierravista.example/courses/kin-100"}],"authority":"a","approved":"2025-01-01"}]}`
	if _, err := jst.UploadTableJSON(ctx, "jst", []byte(good)); err != nil {
		t.Fatalf("a good table: %v", err)
	}
	for _, tc := range []struct {
		name string
		call func() error
		want int
		says string
	}{
		{"fail/not JSON", func() error { _, err := jst.UploadTableJSON(ctx, "jst", []byte(`{"id":`)); return err }, 400, "table"},
		{"fail/no rows", func() error {
			_, err := jst.UploadTableJSON(ctx, "jst", []byte(`{"id":"x","version":"1","title":"t","owner":"o","effectiveFrom":"2026-01-01","rows":[]}`))
			return err
		}, 400, "row"},
		{"fail/the same version again", func() error { _, err := jst.UploadTableJSON(ctx, "jst", []byte(good)); return err }, 409, "extra"},
		{"fail/CSV without its header", func() error {
			_, err := jst.Do(ctx, http.MethodPost, "/institutions/jst/tables", "text/csv", []byte("row_id,source_kind\nR1,military\n"), nil, nil)
			return err
		}, 400, ""},
		{"fail/CSV with a bad date", func() error {
			_, err := jst.Do(ctx, http.MethodPost, "/institutions/jst/tables?id=x&version=1&effectiveFrom=1+Sept", "text/csv", []byte("row_id\n"), nil, nil)
			return err
		}, 400, "effectiveFrom"},
		{"fail/neither JSON nor CSV", func() error {
			_, err := jst.Do(ctx, http.MethodPost, "/institutions/jst/tables", "application/pdf", []byte("%PDF"), nil, nil)
			return err
		}, 400, "application/json or text/csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !client.IsStatus(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v, want %d saying %q", err, tc.want, tc.says)
			}
		})
	}
	after, err := e.svc.Tables(ctx, issuer.Actor{Admin: true}, "jst")
	if err != nil || len(after) != len(before)+1 {
		t.Fatalf("tables: %d before, %d after (want one more), %v", len(before), len(after), err)
	}
}
