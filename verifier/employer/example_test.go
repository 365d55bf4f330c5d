package employer_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/satchel-wallet/satchel/verifier/employer"
)

// New makes the page; it is an http.Handler for an http.Server. POST
// /api/verify answers with the report `verify --json` prints, or with
// {"error": …} for what is not a credential at all.
func ExampleNew() {
	page, err := employer.New(employer.Config{BaseURL: "http://127.0.0.1:8090"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := httptest.NewRecorder()
	page.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/verify", strings.NewReader("hello, employer")))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(rec.Body.String())
	// Output:
	// 400 application/json
	// {
	//   "error": "input is not a credential or presentation: neither JSON, a JWT nor a baked badge"
	// }
}
