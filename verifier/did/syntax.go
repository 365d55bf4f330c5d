package did

import (
	"net/url"
	"strings"
)

// maxURLLength bounds a DID or DID URL. A did:jwk of an RSA-4096 key is
// about 1 KiB; anything much longer is hostile.
const maxURLLength = 8 << 10

// parseDID checks s against the DID syntax of DID Core §3.1 and returns the
// method name and the method-specific identifier. Paths, queries and
// fragments are not part of a DID.
func parseDID(s string) (method, msid string, err error) {
	if len(s) > maxURLLength {
		return "", "", errorf(ErrInvalid, "DID is longer than %d bytes", maxURLLength)
	}
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return "", "", errorf(ErrInvalid, "%s is not a DID", short(s))
	}
	method, msid, ok = strings.Cut(rest, ":")
	if !ok || method == "" {
		return "", "", errorf(ErrInvalid, "DID %s has no method", short(s))
	}
	for i := 0; i < len(method); i++ {
		if c := method[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return "", "", errorf(ErrInvalid, "DID %s: method name must be lowercase letters and digits", short(s))
		}
	}
	if msid == "" || strings.HasSuffix(msid, ":") {
		return "", "", errorf(ErrInvalid, "DID %s: empty method-specific identifier", short(s))
	}
	for i := 0; i < len(msid); i++ {
		c := msid[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '-', c == '_', c == ':':
		case c == '%':
			if i+2 >= len(msid) || !isHex(msid[i+1]) || !isHex(msid[i+2]) {
				return "", "", errorf(ErrInvalid, "DID %s: bad percent-encoding", short(s))
			}
			i += 2
		default:
			return "", "", errorf(ErrInvalid, "DID %s: character %q is not allowed", short(s), c)
		}
	}
	return method, msid, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isHTTPSURL reports whether s is an absolute https URL without a fragment:
// the id of a controller document that is not a DID (Data Integrity proofs
// made before DIDs named keys like https://example.edu/issuers/565049#key-1).
func isHTTPSURL(s string) bool {
	if len(s) > maxURLLength || !strings.HasPrefix(s, "https://") || strings.ContainsAny(s, "#\\ \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}

// checkID checks a document id: a DID or an https URL.
func checkID(s string) error {
	if strings.HasPrefix(s, "did:") {
		_, _, err := parseDID(s)
		return err
	}
	if isHTTPSURL(s) {
		return nil
	}
	return errorf(ErrInvalid, "%s is neither a DID nor an https URL", short(s))
}

// SplitURL splits a DID URL (or an https key URL) into the identifier of its
// document and its fragment, without the '#'. The fragment is empty when the
// URL has none. DID URLs with a path or query are not supported.
func SplitURL(u string) (id, fragment string, err error) {
	if len(u) > maxURLLength {
		return "", "", errorf(ErrInvalid, "DID URL is longer than %d bytes", maxURLLength)
	}
	id, fragment, hasFragment := strings.Cut(u, "#")
	if hasFragment && fragment == "" {
		return "", "", errorf(ErrInvalid, "DID URL %s has an empty fragment", short(u))
	}
	if strings.ContainsAny(fragment, "# \t\r\n") {
		return "", "", errorf(ErrInvalid, "DID URL %s has a malformed fragment", short(u))
	}
	if strings.HasPrefix(id, "did:") && strings.ContainsAny(id, "/?") {
		return "", "", errorf(ErrInvalid, "DID URL %s: paths and queries are not supported", short(u))
	}
	if err := checkID(id); err != nil {
		return "", "", err
	}
	return id, fragment, nil
}
