package jose

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// Media types of secured credentials that may travel in a presentation.
const (
	MediaTypeVCJWT   = "application/vc+jwt"
	MediaTypeVCSDJWT = "application/vc+sd-jwt"
	MediaTypeVCCOSE  = "application/vc+cose"
	MediaTypeDCSDJWT = "application/dc+sd-jwt"
	// MediaTypeJWT marks a VCDM 1.1 VC-JWT carried as a bare string.
	MediaTypeJWT = "application/jwt"
)

func securedCredential(mediaType string) bool {
	switch mediaType {
	case MediaTypeVCJWT, MediaTypeVCSDJWT, MediaTypeVCCOSE, MediaTypeDCSDJWT:
		return true
	}
	return false
}

// DecodeDataURL decodes an RFC 2397 data: URL, as an
// EnvelopedVerifiableCredential's id carries its credential:
// "data:application/vc+jwt,<jws>" or
// "data:application/vc+cose;base64,<cbor>". mediaType is lower-cased,
// without parameters.
func DecodeDataURL(u string) (mediaType string, data []byte, err error) {
	if len(u) < 5 || !strings.EqualFold(u[:5], "data:") {
		return "", nil, fmt.Errorf("decode data URL: %s is not a data: URL", short(u))
	}
	meta, payload, ok := strings.Cut(u[5:], ",")
	if !ok {
		return "", nil, fmt.Errorf("decode data URL: no comma")
	}
	params := strings.Split(meta, ";")
	mediaType = strings.ToLower(strings.TrimSpace(params[0]))
	if mediaType == "" {
		mediaType = "text/plain"
	}
	if strings.EqualFold(strings.TrimSpace(params[len(params)-1]), "base64") && len(params) > 1 {
		// Padding and line breaks are common in base64 data: URLs; the
		// standard decoder skips \r and \n.
		s, err := url.PathUnescape(payload)
		if err != nil {
			return "", nil, fmt.Errorf("decode data URL: %v", err)
		}
		s = strings.TrimRight(s, " \t\r\n")
		if data, err = base64.StdEncoding.DecodeString(s); err != nil {
			if data, err = base64.RawStdEncoding.DecodeString(s); err != nil {
				return "", nil, fmt.Errorf("decode data URL: invalid base64: %v", err)
			}
		}
		return mediaType, data, nil
	}
	s, err := url.PathUnescape(payload)
	if err != nil {
		return "", nil, fmt.Errorf("decode data URL: %v", err)
	}
	return mediaType, []byte(s), nil
}

// Embedded is one credential a presentation carries.
type Embedded struct {
	// Index is its position in verifiableCredential.
	Index int
	// MediaType says how Token is secured (MediaTypeVCJWT, MediaTypeVCSDJWT,
	// MediaTypeVCCOSE, MediaTypeDCSDJWT, or MediaTypeJWT for a 1.1 VC-JWT
	// string); empty for an embedded JSON object (Object).
	MediaType string
	// Token is the secured credential, for Verify.
	Token []byte
	// Object is an embedded credential, secured (or not) by its own proof.
	Object map[string]any
}

// Credentials lists a presentation document's verifiableCredential entries,
// decoding EnvelopedVerifiableCredential data: URLs, so that the caller can
// verify each one. It does not verify anything itself.
func Credentials(doc map[string]any) ([]Embedded, error) {
	var out []Embedded
	for i, v := range list(doc["verifiableCredential"]) {
		e := Embedded{Index: i}
		switch c := v.(type) {
		case string:
			e.MediaType, e.Token = MediaTypeJWT, []byte(c)
		case map[string]any:
			if hasType(c, "EnvelopedVerifiableCredential") {
				id, _ := c["id"].(string)
				mt, data, err := DecodeDataURL(id)
				if err != nil {
					return nil, fmt.Errorf("verifiableCredential[%d]: %w", i, err)
				}
				e.MediaType, e.Token = mt, data
			} else {
				e.Object = c
			}
		default:
			return nil, fmt.Errorf("verifiableCredential[%d] is a %s, neither a credential nor a JWT", i, jsonType(v))
		}
		out = append(out, e)
	}
	return out, nil
}

// checkEnvelopes applies VC-JOSE-COSE to a VC 2.0 presentation: its
// credentials are secured — enveloped with a secured media type, or
// embedded with a proof of their own (Data Integrity) — never bare.
func checkEnvelopes(doc map[string]any) []error {
	var problems []error
	for i, v := range list(doc["verifiableCredential"]) {
		c, ok := v.(map[string]any)
		switch {
		case !ok:
			problems = append(problems, fail(ErrInconsistent, "verifiableCredential[%d] is a %s; a VC 2.0 presentation carries an EnvelopedVerifiableCredential", i, jsonType(v)))
		case hasType(c, "EnvelopedVerifiableCredential"):
			id, _ := c["id"].(string)
			mt, _, err := DecodeDataURL(id)
			if err != nil {
				problems = append(problems, fail(ErrInconsistent, "verifiableCredential[%d]: %v", i, err))
			} else if !securedCredential(mt) {
				problems = append(problems, fail(ErrInconsistent, "verifiableCredential[%d]: %s is not a secured credential media type", i, short(mt)))
			}
		case c["proof"] == nil:
			problems = append(problems, fail(ErrInconsistent, "verifiableCredential[%d] is not secured: neither enveloped nor carrying a proof", i))
		}
	}
	return problems
}
