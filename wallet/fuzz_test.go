package wallet_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/wallet"
)

// usableURL is what ParseOffer and ParseRequest promise of a URL they
// accept: absolute https, or http to a loopback host.
func usableURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1" || strings.HasPrefix(h, "::ffff:127.")
	}
	return false
}

// FuzzParseOffer: no input panics, and an offer accepted is usable — and
// reads the same again from its own JSON.
func FuzzParseOffer(f *testing.F) {
	f.Add(offerLink(offerJSON))
	f.Add(offerJSON)
	f.Add("openid-credential-offer://?credential_offer_uri=" + url.QueryEscape("https://etranscript.example/offers/42"))
	f.Add("https://wallet.example/offer?credential_offer=" + url.QueryEscape(offerJSON))
	f.Add(`{"credential_issuer":"http://localhost:8080","credential_configuration_ids":["a"],"grants":{"urn:ietf:params:oauth:grant-type:pre-authorized_code":{"pre-authorized_code":"x","tx_code":{}}}}`)
	f.Add(`{"credential_issuer":"https://a.example","credential_configuration_ids":["a"],"grants":{"authorization_code":{}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		o, err := wallet.ParseOffer(s)
		if err != nil {
			return
		}
		if o.ByReference() {
			if !usableURL(o.URI) || o.CredentialIssuer != "" {
				t.Fatalf("accepted a reference %+v", o)
			}
			return
		}
		if !usableURL(o.CredentialIssuer) || len(o.Configurations) == 0 || len(o.Configurations) > wallet.MaxOfferCredentials || o.PreAuthorizedCode == "" {
			t.Fatalf("accepted an unusable offer %+v", o)
		}
		for _, c := range o.Configurations {
			if c == "" {
				t.Fatalf("empty configuration in %+v", o)
			}
		}
		if o.TxCode != nil && ((o.TxCode.InputMode != "numeric" && o.TxCode.InputMode != "text") || o.TxCode.Length < 0 || o.TxCode.Length > 64) {
			t.Fatalf("accepted tx_code %+v", o.TxCode)
		}
		if !json.Valid(o.Raw) {
			t.Fatalf("Raw is not JSON: %q", o.Raw)
		}
		again, err := wallet.ParseOffer(string(o.Raw))
		if err != nil {
			t.Fatalf("its own JSON is refused: %v", err)
		}
		if diff := cmp.Diff(o, again); diff != "" {
			t.Fatalf("reads differently from its JSON (-first +again):\n%s", diff)
		}
	})
}

// FuzzParseRequest: no link or request object panics, and what is
// accepted can be answered: a usable request_uri, a response_uri that is
// the client_id, a nonce, a definition with descriptors.
func FuzzParseRequest(f *testing.F) {
	okLink := "openid4vp://authorize?client_id=" + url.QueryEscape("https://jobs.example/oid4vp/response") + "&request_uri=" + url.QueryEscape("https://jobs.example/oid4vp/requests/1")
	f.Add(okLink, []byte(requestJSON))
	f.Add("https://wallet.example/p?client_id=c&request_uri=https%3A%2F%2Fv.example%2Fr", []byte(`{}`))
	f.Add(okLink, []byte(strings.Replace(requestJSON, `"client_id":"https`, `"client_id":"redirect_uri:https`, 1)))
	f.Add("openid4vp://?client_id=x&request_uri=http%3A%2F%2F127.0.0.1%3A1%2Fr", []byte(`[]`))
	f.Fuzz(func(t *testing.T, link string, obj []byte) {
		l, err := wallet.ParseRequest(link)
		if err != nil {
			return
		}
		if l.ClientID == "" || !usableURL(l.RequestURI) {
			t.Fatalf("accepted link %+v", l)
		}
		r, err := wallet.ParseRequestObject(obj, l)
		if err != nil {
			return
		}
		if r.Nonce == "" || r.ResponseURI == "" || r.ResponseURI != r.ClientID || !usableURL(r.ResponseURI) || !json.Valid(r.Definition) {
			t.Fatalf("accepted request %+v", r)
		}
		for _, d := range r.Descriptors {
			if d.ID == "" {
				t.Fatalf("descriptor without id in %+v", r)
			}
		}
	})
}
