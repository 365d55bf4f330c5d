package employer

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/satchel-wallet/satchel/verifier"
)

// checkView is one check in plain words, with the verifier's own detail for
// whoever wants it.
type checkView struct {
	OK     bool
	Note   bool   // it passed, but says what was not checked
	Label  string // "Signature"
	Text   string // a sentence a screener reads
	Detail string // the verifier's detail, verbatim
}

var checkLabels = map[string]string{
	verifier.CheckFormat:         "Readable",
	verifier.CheckDataModel:      "Standard format",
	verifier.CheckProof:          "Signature",
	verifier.CheckIssuerKey:      "Issuer's key",
	verifier.CheckHolder:         "Applicant's key",
	verifier.CheckValidity:       "Dates",
	verifier.CheckStatus:         "Not revoked",
	verifier.CheckTrust:          "Recognised issuer",
	verifier.CheckNested:         "Records",
	verifier.CheckChallenge:      "One-time code",
	verifier.CheckSubjectBinding: "Belongs to the applicant",
	"consistency":                "Token consistency",
	"disclosures":                "Disclosed details",
	"key-binding":                "Holder's key",
}

// explain turns a check into a sentence. what is "the record" or "the
// application".
func explain(c verifier.Check, what string) checkView {
	v := checkView{OK: c.OK, Label: checkLabels[c.Check], Detail: c.Detail}
	if v.Label == "" {
		v.Label = c.Check
	}
	d := c.Detail
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(d, x) {
				return true
			}
		}
		return false
	}
	What := strings.ToUpper(what[:1]) + what[1:]
	switch c.Check {
	case verifier.CheckFormat:
		v.Text = "It is not a signed document this page can read."
		if c.OK {
			v.Text = "It could be read."
		}
	case verifier.CheckDataModel:
		switch {
		case c.OK && has("CLR 2.0"):
			v.Text = What + " is a well-formed transcript (CLR 2.0)."
		case c.OK && has("OB 3.0"):
			v.Text = What + " is a well-formed Open Badges 3.0 achievement record."
		case c.OK:
			v.Text = What + " follows the W3C Verifiable Credentials standard."
		default:
			v.Text = What + " does not follow the credential standard; some required details are missing or malformed."
		}
	case verifier.CheckProof:
		switch {
		case c.OK:
			v.Text = "The signature is valid: " + what + " has not been changed since it was signed."
		case has("no proof"):
			v.Text = what + " is not signed, so nothing shows who issued it or that it is unchanged."
			v.Text = strings.ToUpper(v.Text[:1]) + v.Text[1:]
		case has("challenge") && has("does not match"):
			v.Text = "The applicant's signature was made for a different request (the one-time code does not match): it may be a copy of an earlier application."
		case has("domain") && has("does not match"), has("audience"), has(" aud "):
			v.Text = "The applicant's signature was made for a different website: it may be a copy of an application sent elsewhere."
		case has("nonce"):
			v.Text = "The applicant's signature was made for a different request (the one-time code does not match): it may be a copy of an earlier application."
		case has("not in the offline cache", "cannot be resolved offline", "no document for it was preloaded"):
			v.Text = "The issuer's public key is not known here, so the signature cannot be checked. This page never fetches keys from the internet: the issuer's DID document has to be loaded when the page is started (--did-document)."
		case has("does not verify"):
			v.Text = "The signature does not match: " + what + " was changed after it was signed, or it was not signed by the key it names."
		case has("unsupported", "not supported"):
			v.Text = what + " is signed in a way this page cannot check."
			v.Text = strings.ToUpper(v.Text[:1]) + v.Text[1:]
		case has("expired"):
			v.Text = "The signature has expired."
		default:
			v.Text = "The signature could not be checked."
		}
	case verifier.CheckIssuerKey:
		v.Text = "The key that signed it belongs to the issuer it names."
		if !c.OK {
			v.Text = "It was signed with a key that does not belong to the issuer it names: someone else may have made it."
		}
	case verifier.CheckHolder:
		v.Text = "The applicant signed the application with their own key."
		if !c.OK {
			v.Text = "The application was not signed by the applicant it names."
		}
	case verifier.CheckValidity:
		switch {
		case c.OK:
			v.Text = "It is within its validity dates."
		case has("not valid until", "not yet valid", "nbf"):
			v.Text = "It is not valid yet (see the dates)."
		case has("expired", "exp"):
			v.Text = "It has expired."
		default:
			v.Text = "Its dates are not valid."
		}
	case verifier.CheckStatus:
		switch {
		case c.OK && has("no status"):
			v.Text = "The issuer publishes no revocation status for it."
		case c.OK:
			v.Text = "The issuer has not revoked it."
		case has("not revoked", "not suspended") && has("does not verify"):
			v.Text = "The issuer's revocation list could not be trusted, so whether it was revoked is unknown."
		case has("suspended") && !has("not suspended"):
			v.Text = "The issuer has suspended it."
		case has("revoked") && !has("not revoked"):
			v.Text = "The issuer has revoked it."
		case has("not available offline"):
			v.Text = "Whether it was revoked could not be checked: the issuer's revocation list is not loaded here (--status-list)."
		case has("does not verify"):
			v.Text = "The issuer's revocation list could not be trusted, so whether it was revoked is unknown."
		default:
			v.Text = "Whether it was revoked could not be checked."
		}
	case verifier.CheckTrust:
		switch {
		case c.OK && has("trust not checked"):
			v.Text = "Whether the issuer is a recognised institution was not checked: no list of recognised institutions is loaded."
		case c.OK:
			name, list := trustNames(d)
			v.Text = fmt.Sprintf("The issuer is a recognised institution: %s, in %s.", name, list)
		default:
			_, list, _ := strings.Cut(d, " is not in ")
			v.Text = fmt.Sprintf("The issuer is not on your list of recognised institutions (%s).", list)
		}
	case verifier.CheckNested:
		n := firstNumbers(d)
		switch {
		case c.OK && len(n) == 1:
			v.Text = fmt.Sprintf("All %s records in it are genuine.", n[0])
			if n[0] == "1" {
				v.Text = "The record in it is genuine."
			}
		case c.OK:
			v.Text = "All records in it are genuine."
		case has("carries no credential"):
			v.Text = "It carries no records."
		case has("more than"):
			v.Text = "It carries too many records to check."
		case len(n) >= 2:
			v.Text = fmt.Sprintf("%s of the %s records in it could not be verified (see each record below).", n[0], n[1])
		default:
			v.Text = "Some records in it could not be verified."
		}
	case verifier.CheckChallenge:
		switch {
		case c.OK && has("no challenge"):
			v.Text = "None was asked for, so nothing shows it was made for this application rather than copied from an earlier one."
		case c.OK:
			v.Text = "It was made for this request (the one-time code matches), so it is not a copy of an earlier application."
		default:
			v.Text = "It was not made for this request: the one-time code or the website does not match, so it may be a copy of an earlier application."
		}
	case verifier.CheckSubjectBinding:
		switch {
		case c.OK && has("not named by a DID"):
			v.Text = "Some records do not name the person they are about by a key, so whether they belong to the applicant could not be checked."
		case c.OK:
			v.Text = "Every record is about the applicant who signed the application."
		default:
			v.Text = "Some records are about someone else, not the applicant who signed the application."
		}
	case "consistency":
		v.Text = "The token's fields agree with the credential inside it."
		if !c.OK {
			v.Text = "The token's fields disagree with the credential inside it."
		}
	case "disclosures":
		v.Text = "The details the applicant chose to share are the ones the issuer signed."
		if !c.OK {
			v.Text = "Some details the applicant shared were not signed by the issuer."
		}
	case "key-binding":
		v.Text = "The applicant proved they hold the key the credential was issued to."
		if !c.OK {
			v.Text = "The applicant did not prove they hold the key the credential was issued to."
		}
	default:
		v.Text = d
	}
	v.Note = c.OK && (c.Check == verifier.CheckChallenge && has("no challenge") ||
		c.Check == verifier.CheckTrust && has("trust not checked") ||
		c.Check == verifier.CheckSubjectBinding && has("not named by a DID"))
	return v
}

// trustNames reads "ID is NAME in REGISTRY" (the verifier's trust detail).
func trustNames(d string) (name, list string) {
	_, rest, _ := strings.Cut(d, " is ")
	if i := strings.LastIndex(rest, " in "); i >= 0 {
		return rest[:i], rest[i+4:]
	}
	return rest, "your list"
}

var numbers = regexp.MustCompile(`\d+`)

func firstNumbers(s string) []string { return numbers.FindAllString(s, 2) }

// ruleRef reads the table row an equivalency explanation names ("granted
// by equivalency table military-cpl v2025.1 row M01"): "military-cpl
// v2025.1, row M01".
var ruleRefRE = regexp.MustCompile(`table (\S+) v(\S+) row ([^\s,;]+)`)

func ruleRef(explanation string) string {
	m := ruleRefRE.FindStringSubmatch(explanation)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%s v%s, row %s", m[1], m[2], m[3])
}

// readableType makes an achievementType readable: "ext:MilitaryOccupation"
// is "Military occupation".
func readableType(t string) string {
	t = strings.TrimPrefix(t, "ext:")
	var b strings.Builder
	var prev rune
	for i, r := range t {
		if i > 0 && r >= 'A' && r <= 'Z' && prev >= 'a' && prev <= 'z' {
			b.WriteByte(' ')
			prev = r
			r += 'a' - 'A'
		} else {
			prev = r
		}
		b.WriteRune(r)
	}
	return b.String()
}
