package wallet_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/satchel-wallet/satchel/wallet"
)

const offerJSON = `{"credential_issuer":"https://etranscript.example","credential_configuration_ids":["OpenBadgeCredential_ldp_vc"],
"grants":{"urn:ietf:params:oauth:grant-type:pre-authorized_code":{"pre-authorized_code":"c0de","tx_code":{"input_mode":"numeric","length":6,"description":"Enter the code JST sent you."}}}}`

func offerLink(js string) string {
	return "openid-credential-offer://?credential_offer=" + url.QueryEscape(js)
}

func TestParseOffer(t *testing.T) {
	want := wallet.Offer{CredentialIssuer: "https://etranscript.example", Configurations: []string{"OpenBadgeCredential_ldp_vc"},
		PreAuthorizedCode: "c0de", TxCode: &wallet.TxCode{InputMode: "numeric", Length: 6, Description: "Enter the code JST sent you."}}
	noTx := strings.Replace(offerJSON, `,"tx_code":{"input_mode":"numeric","length":6,"description":"Enter the code JST sent you."}`, "", 1)
	wantNoTx := want
	wantNoTx.TxCode = nil
	local := strings.Replace(noTx, "https://etranscript.example", "http://localhost:8080", 1)
	wantLocal := wantNoTx
	wantLocal.CredentialIssuer = "http://localhost:8080"
	for _, tc := range []struct {
		name, in string
		want     wallet.Offer
	}{
		{"ok/QR link by value", offerLink(offerJSON), want},
		{"ok/bare JSON", offerJSON, want},
		{"ok/https link", "https://wallet.example/offer?credential_offer=" + url.QueryEscape(offerJSON), want},
		{"ok/surrounding space", "  " + offerLink(offerJSON) + "\n", want},
		{"ok/no transaction code", offerLink(noTx), wantNoTx},
		{"ok/loopback http issuer (development)", offerLink(local), wantLocal},
		{"ok/by reference", "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape("https://etranscript.example/offers/42"),
			wallet.Offer{URI: "https://etranscript.example/offers/42"}},
		{"ok/null tx_code", offerLink(strings.Replace(offerJSON, `{"input_mode":"numeric","length":6,"description":"Enter the code JST sent you."}`, "null", 1)), wantNoTx},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wallet.ParseOffer(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(wallet.Offer{}, "Raw")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.ByReference() != (tc.want.URI != "") {
				t.Errorf("ByReference = %v", got.ByReference())
			}
		})
	}
	big := offerLink(strings.Replace(offerJSON, "c0de", strings.Repeat("x", 17<<10), 1))
	for _, tc := range []struct{ name, in, fault string }{
		{"fail/empty", "", "neither"},
		{"fail/other scheme", "openid4vp://authorize?client_id=x&request_uri=y", "not a credential offer"},
		{"fail/no parameter", "openid-credential-offer://?x=1", "neither credential_offer nor"},
		{"fail/both parameters", offerLink(offerJSON) + "&credential_offer_uri=https%3A%2F%2Fa.example%2Fo", "exactly one"},
		{"fail/offer twice", offerLink(offerJSON) + "&credential_offer=" + url.QueryEscape(offerJSON), "exactly one"},
		{"fail/not JSON", offerLink("{nope"), "not a JSON object"},
		{"fail/JSON array", offerLink("[]"), "not a JSON object"},
		{"fail/trailing data", offerLink(offerJSON + "{}"), "data after"},
		{"fail/duplicate key", offerLink(strings.Replace(offerJSON, `{"credential_issuer"`, `{"credential_issuer":"https://evil.example","credential_issuer"`, 1)), "duplicate JSON member \"credential_issuer\""},
		{"fail/no issuer", offerLink(strings.Replace(offerJSON, `"credential_issuer":"https://etranscript.example",`, "", 1)), "credential_issuer is missing"},
		{"fail/issuer not a string", offerLink(strings.Replace(offerJSON, `"https://etranscript.example"`, "42", 1)), "wrong types"},
		{"fail/plain http issuer", offerLink(strings.Replace(offerJSON, "https://etranscript.example", "http://etranscript.example", 1)), "plain http"},
		{"fail/relative issuer", offerLink(strings.Replace(offerJSON, "https://etranscript.example", "/issuer", 1)), "not an absolute"},
		{"fail/issuer with a password", offerLink(strings.Replace(offerJSON, "https://etranscript.example", "https://u:p@etranscript.example", 1)), "user name"},
		{"fail/javascript issuer", offerLink(strings.Replace(offerJSON, "https://etranscript.example", "javascript:alert(1)", 1)), "not an absolute"},
		{"fail/no configurations", offerLink(strings.Replace(offerJSON, `["OpenBadgeCredential_ldp_vc"]`, "[]", 1)), "credential_configuration_ids"},
		{"fail/empty configuration", offerLink(strings.Replace(offerJSON, `["OpenBadgeCredential_ldp_vc"]`, `[""]`, 1)), "credential_configuration_ids[0]"},
		{"fail/authorization code only", offerLink(strings.Replace(offerJSON, `"urn:ietf:params:oauth:grant-type:pre-authorized_code"`, `"authorization_code"`, 1)), "sign-in at the issuer"},
		{"fail/no grants", offerLink(`{"credential_issuer":"https://a.example","credential_configuration_ids":["x"]}`), "no pre-authorised code grant"},
		{"fail/empty code", offerLink(strings.Replace(offerJSON, `"c0de"`, `""`, 1)), "pre-authorized_code is missing"},
		{"fail/unknown input mode", offerLink(strings.Replace(offerJSON, `"numeric"`, `"voice"`, 1)), "input_mode"},
		{"fail/absurd length", offerLink(strings.Replace(offerJSON, `"length":6`, `"length":100000`, 1)), "length"},
		{"fail/tx_code not an object", offerLink(strings.Replace(offerJSON, `{"input_mode":"numeric","length":6,"description":"Enter the code JST sent you."}`, `"123456"`, 1)), "tx_code"},
		{"fail/too large", big, "limit"},
		{"fail/reference over http", "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape("http://etranscript.example/o"), "plain http"},
		{"fail/not UTF-8", "openid-credential-offer://?credential_offer=\xff", "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wallet.ParseOffer(tc.in)
			if !errors.Is(err, wallet.ErrBadOffer) {
				t.Fatalf("ParseOffer = %+v, %v; want ErrBadOffer", got, err)
			}
			if !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("error %q does not say %q", err, tc.fault)
			}
		})
	}
}

func TestCheckTxCode(t *testing.T) {
	numeric, _ := wallet.ParseOffer(offerJSON)
	text := numeric
	text.TxCode = &wallet.TxCode{InputMode: "text"}
	none := numeric
	none.TxCode = nil
	for _, tc := range []struct {
		name  string
		offer wallet.Offer
		code  string
		fault string // "" for ok
	}{
		{"ok/six digits", numeric, "012345", ""},
		{"ok/text", text, "abc-12", ""},
		{"ok/none needed", none, "", ""},
		{"fail/missing", numeric, "", "needs its transaction code"},
		{"fail/not needed", none, "123456", "needs no transaction code"},
		{"fail/wrong length", numeric, "12345", "has 5 characters"},
		{"fail/letters", numeric, "12345a", "digits"},
		{"fail/too long", text, strings.Repeat("a", 65), "longer than 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.offer.CheckTxCode(tc.code)
			if tc.fault == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, wallet.ErrBadOffer) || !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("err = %v, want %q", err, tc.fault)
			}
		})
	}
}

func TestParseRequest(t *testing.T) {
	link := func(clientID, requestURI string) string {
		return "openid4vp://authorize?client_id=" + url.QueryEscape(clientID) + "&request_uri=" + url.QueryEscape(requestURI)
	}
	for _, tc := range []struct {
		name, in string
		want     wallet.RequestLink
	}{
		{"ok/employer page link", link("https://jobs.example/oid4vp/response", "https://jobs.example/oid4vp/requests/abc"),
			wallet.RequestLink{ClientID: "https://jobs.example/oid4vp/response", RequestURI: "https://jobs.example/oid4vp/requests/abc"}},
		{"ok/loopback (development)", link("http://127.0.0.1:8090/oid4vp/response", "http://127.0.0.1:8090/oid4vp/requests/x"),
			wallet.RequestLink{ClientID: "http://127.0.0.1:8090/oid4vp/response", RequestURI: "http://127.0.0.1:8090/oid4vp/requests/x"}},
		{"ok/https link", "https://wallet.example/present?client_id=c&request_uri=" + url.QueryEscape("https://v.example/r"),
			wallet.RequestLink{ClientID: "c", RequestURI: "https://v.example/r"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wallet.ParseRequest(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range []struct{ name, in, fault string }{
		{"fail/empty", "", "not an openid4vp"},
		{"fail/offer link", offerLink(offerJSON), "not a presentation request"},
		{"fail/no request_uri", "openid4vp://authorize?client_id=c", "exactly one request_uri"},
		{"fail/no client_id", "openid4vp://authorize?request_uri=https%3A%2F%2Fv.example%2Fr", "exactly one client_id"},
		{"fail/by value", "openid4vp://authorize?client_id=c&presentation_definition=%7B%7D", "by value"},
		{"fail/signed request", "openid4vp://authorize?client_id=c&request=eyJ", "by value"},
		{"fail/POST method", link("c", "https://v.example/r") + "&request_uri_method=post", "request_uri_method"},
		{"fail/http request_uri", link("c", "http://v.example/r"), "plain http"},
		{"fail/file request_uri", link("c", "file:///etc/passwd"), "not an absolute"},
		{"fail/too long", link("c", "https://v.example/"+strings.Repeat("r", 17<<10)), "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wallet.ParseRequest(tc.in)
			if !errors.Is(err, wallet.ErrBadRequest) || !strings.Contains(err.Error(), tc.fault) {
				t.Fatalf("ParseRequest = %+v, %v; want ErrBadRequest %q", got, err, tc.fault)
			}
		})
	}
}

const requestJSON = `{"response_type":"vp_token","response_mode":"direct_post","client_id":"https://jobs.example/oid4vp/response",
"client_id_scheme":"redirect_uri","response_uri":"https://jobs.example/oid4vp/response","nonce":"n-1","state":"s-1",
"presentation_definition":{"id":"any-credential","input_descriptors":[{"id":"credentials","name":"Credentials","purpose":"Share them.",
"constraints":{"fields":[{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VerifiableCredential"}}}]}}]},
"client_metadata":{"client_name":"Sierra Vista Ambulance","vp_formats":{"ldp_vp":{},"jwt_vp_json":{}}}}`

func TestParseRequestObject(t *testing.T) {
	link := wallet.RequestLink{ClientID: "https://jobs.example/oid4vp/response", RequestURI: "https://jobs.example/oid4vp/requests/1"}
	got, err := wallet.ParseRequestObject([]byte(requestJSON), link)
	if err != nil {
		t.Fatal(err)
	}
	want := wallet.Request{ClientID: link.ClientID, ResponseURI: link.ClientID, Nonce: "n-1", State: "s-1", ClientName: "Sierra Vista Ambulance",
		DefinitionID: "any-credential", Descriptors: []wallet.Descriptor{{ID: "credentials", Name: "Credentials", Purpose: "Share them."}},
		Formats: []string{"jwt_vp_json", "ldp_vp"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(wallet.Request{}, "Definition")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	t.Run("ok/client_id with the scheme as a prefix", func(t *testing.T) {
		in := strings.Replace(strings.Replace(requestJSON, `"client_id":"https`, `"client_id":"redirect_uri:https`, 1), `"client_id_scheme":"redirect_uri",`, "", 1)
		r, err := wallet.ParseRequestObject([]byte(in), wallet.RequestLink{ClientID: "redirect_uri:" + link.ClientID, RequestURI: link.RequestURI})
		if err != nil || r.ClientID != link.ClientID {
			t.Fatalf("%+v %v", r, err)
		}
	})
	for _, tc := range []struct{ name, in, fault string }{
		{"fail/not JSON", "<html>", "not a JSON object"},
		{"fail/signed", "eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln", "signed request objects"},
		{"fail/id_token", strings.Replace(requestJSON, `"vp_token"`, `"id_token"`, 1), "response_type"},
		{"fail/fragment mode", strings.Replace(requestJSON, `"direct_post"`, `"fragment"`, 1), "response_mode"},
		{"fail/other scheme", strings.Replace(requestJSON, `"client_id_scheme":"redirect_uri"`, `"client_id_scheme":"x509_san_dns"`, 1), "client_id_scheme"},
		{"fail/client_id not the link's", strings.Replace(requestJSON, `"client_id":"https://jobs.example/oid4vp/response"`, `"client_id":"https://evil.example/r"`, 1), "not the link's"},
		{"fail/answer goes elsewhere", strings.Replace(requestJSON, `"response_uri":"https://jobs.example/oid4vp/response"`, `"response_uri":"https://evil.example/r"`, 1), "must be the client_id"},
		{"fail/no nonce", strings.Replace(requestJSON, `"nonce":"n-1",`, "", 1), "nonce"},
		{"fail/no definition", strings.Replace(requestJSON, `"presentation_definition"`, `"x_definition"`, 1), "presentation_definition is missing"},
		{"fail/DCQL", strings.Replace(requestJSON, `"presentation_definition"`, `"dcql_query"`, 1), "DCQL"},
		{"fail/definition package requirements refuses", strings.Replace(requestJSON, `"path":["$.type"]`, `"path":["$..[?(@.a > 1)]"]`, 1), "presentation_definition"},
		{"fail/duplicate nonce", strings.Replace(requestJSON, `"nonce":"n-1"`, `"nonce":"n-1","nonce":"n-2"`, 1), "duplicate JSON member \"nonce\""},
		{"fail/too large", `{"x":"` + strings.Repeat("a", 300<<10) + `"}`, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wallet.ParseRequestObject([]byte(tc.in), link)
			if !errors.Is(err, wallet.ErrBadRequest) || !strings.Contains(err.Error(), tc.fault) {
				t.Fatalf("ParseRequestObject = %+v, %v; want ErrBadRequest %q", got, err, tc.fault)
			}
		})
	}
}
