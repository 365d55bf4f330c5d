package employer_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/satchel-wallet/satchel/verifier/employer"
)

var (
	fuzzOnce   sync.Once
	fuzzServer *employer.Server
)

// FuzzAPIVerify sends any bytes where an applicant's document goes: the
// API's body, the page's form (urlencoded or multipart, boundary fixed) and
// a wallet's response. Nothing panics, and the answer is 200, 400 or 413.
func FuzzAPIVerify(f *testing.F) {
	w := sample(f)
	fuzzOnce.Do(func() {
		var err error
		fuzzServer, err = employer.New(employer.Config{Jobs: w.jobs, Trust: w.trust, DIDs: w.dids,
			BaseURL: "http://127.0.0.1:8090", MaxBodyBytes: 64 << 10, Clock: (&clock{t: issued}).Now})
		if err != nil {
			f.Fatal(err)
		}
	})
	medic := mustJSON(f, w.medic(f))
	vp := w.present(f, "ldp_vp", "", "", w.medic(f))
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.SetBoundary("fuzz-boundary")
	_ = mw.WriteField("job", emtJob)
	fw, _ := mw.CreateFormFile("file", "vp.json")
	_, _ = fw.Write(vp)
	mw.Close()
	for _, seed := range [][]byte{medic, vp, []byte("hello"), []byte("eyJhbGciOiJFZERTQSJ9.e30.AA"), []byte("{}"), []byte("\x89PNG\r\n\x1a\n"),
		[]byte("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"), mp.Bytes(), []byte("text=%7B%7D&job=" + emtJob),
		[]byte("vp_token=%7B%7D&state=x&presentation_submission=%7B%7D"), []byte(`[{"a":[[[[[[[[1]]]]]]]]}]`)} {
		for kind := range uint8(4) {
			f.Add(seed, kind)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, kind uint8) {
		var path, ct string
		switch kind % 4 {
		case 0:
			path, ct = "/api/verify?job="+url.QueryEscape(emtJob), "application/json"
		case 1:
			path, ct = "/verify", "application/x-www-form-urlencoded"
		case 2:
			path, ct = "/verify", "multipart/form-data; boundary=fuzz-boundary"
		case 3:
			path, ct = "/oid4vp/response", "application/x-www-form-urlencoded"
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		fuzzServer.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 413:
		default:
			t.Errorf("%s: status %d: %.300s", path, rec.Code, rec.Body.Bytes())
		}
	})
}
