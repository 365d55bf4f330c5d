package baked

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sentinel names the sentinel err wraps, for readable failures.
func sentinel(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{{"ErrNotImage", ErrNotImage}, {"ErrNotBaked", ErrNotBaked}, {"ErrMalformed", ErrMalformed}, {"ErrTooLarge", ErrTooLarge}} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	if err == nil {
		return "nil"
	}
	return "no sentinel"
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		data string
		want Image
	}{
		{"ok/png", string(plainPNG()), PNG},
		{"ok/png-signature-only", string(pngSignature), PNG},
		{"ok/svg-bare", `<svg/>`, SVG},
		{"ok/svg-prolog", plainSVG, SVG},
		{"ok/svg-bom-space-comments-doctype", "\ufeff \n<?xml version=\"1.0\"?>\n<!-- a <svg> in a comment -->\n" +
			`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [ <!ATTLIST svg x CDATA "a>b"> ]>` +
			"<?pi ?><svg\tx='1'>", SVG},
		{"ok/svg-prefixed", `<s:svg xmlns:s="http://www.w3.org/2000/svg"></s:svg>`, SVG},
		{"ok/svg-truncated-after-name", `<svg`, SVG},
		{"fail/empty", ``, 0},
		{"fail/text", `hello`, 0},
		{"fail/json", credJSON, 0},
		{"fail/jws", credJWS, 0},
		{"fail/png-signature-truncated", string(pngSignature[:7]), 0},
		{"fail/html", `<!DOCTYPE html><html><svg></svg></html>`, 0},
		{"fail/svg-lookalike", `<svgx>`, 0},
		{"fail/svg-uppercase", `<SVG>`, 0},
		{"fail/unterminated-comment", `<!-- <svg>`, 0},
		{"fail/unterminated-doctype", `<!DOCTYPE svg [ <svg>`, 0},
		{"fail/unterminated-pi", `<?xml <svg>`, 0},
		{"fail/utf16", "\xff\xfe<\x00s\x00v\x00g\x00>\x00", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Sniff([]byte(tt.data))
			if got != tt.want || ok != (tt.want != 0) {
				t.Errorf("Sniff = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	plain := plainPNG()
	baked := beforeIEND(plain, credChunk(credJSON))
	badCRC := bytes.Clone(baked)
	badCRC[bytes.Index(badCRC, []byte("Phlebotomy"))] = 'F' // the learner "upgrades" the badge
	badIHDRCRC := bytes.Clone(plain)
	badIHDRCRC[len(pngSignature)+8] ^= 1 // image width
	hugeLen := []byte{0xff, 0xff, 0xff, 0xf0, 't', 'E', 'X', 't', 0, 0, 0, 0}
	pastEnd := []byte{0x7f, 0xff, 0xff, 0xff, 't', 'E', 'X', 't', 0, 0, 0, 0}
	badType := chunk("iT1t", nil)
	zJSON := deflate([]byte(credJSON))
	zCorrupt := bytes.Clone(zJSON)
	zCorrupt[len(zCorrupt)-1] ^= 0xff // Adler-32
	bomb := deflate([]byte(`{"a":"` + strings.Repeat("x", 4*MaxCredentialBytes) + `"}`))
	bigJSON := `{"a":"` + strings.Repeat("x", MaxCredentialBytes) + `"}`
	oversized := append(bytes.Clone(pngSignature), make([]byte, MaxImageBytes)...)

	tests := []struct {
		name    string
		data    []byte
		want    string // the credential; "" when an error is wanted
		img     Image
		wantErr error
	}{
		// PNG
		{"ok/png-json", baked, credJSON, PNG, nil},
		{"ok/png-jws", beforeIEND(plain, credChunk(credJWS)), credJWS, PNG, nil},
		{"ok/png-trimmed", beforeIEND(plain, credChunk("\n\t "+credJSON+"\r\n")), credJSON, PNG, nil},
		{"ok/png-before-idat", afterIHDR(plain, credChunk(credJWS)), credJWS, PNG, nil},
		{"ok/png-compressed", beforeIEND(plain, itxt(pngKeyword, 1, "", "", zJSON)), credJSON, PNG, nil},
		{"ok/png-language-tag", beforeIEND(plain, itxt(pngKeyword, 0, "en-US", "Open Badge", []byte(credJSON))), credJSON, PNG, nil},
		{"ok/png-other-itxt-ignored", beforeIEND(plain, itxt("Description", 0, "", "", []byte("a badge")),
			itxt("openbadgecredentials", 0, "", "", []byte("not this one")), credChunk(credJSON),
			itxt("Comment", 2, "", "", nil)), credJSON, PNG, nil},
		{"fail/png-no-credential", plain, "", PNG, ErrNotBaked},
		{"fail/png-wrong-keyword-only", beforeIEND(plain, itxt("OpenBadgeCredential", 0, "", "", []byte(credJSON))), "", PNG, ErrNotBaked},
		{"fail/png-text-chunk-not-itxt", beforeIEND(plain, chunk("tEXt", []byte(pngKeyword+"\x00"+credJSON))), "", PNG, ErrNotBaked},
		{"fail/png-ob2-assertion", beforeIEND(plain, itxt(pngLegacyKeyword, 0, "", "", []byte(`{"type":"Assertion"}`))), "", PNG, ErrNotBaked},
		{"fail/png-signature-only", pngSignature, "", PNG, ErrMalformed},
		{"fail/png-truncated", baked[:len(baked)/2], "", PNG, ErrMalformed},
		{"fail/png-truncated-in-header", baked[:len(pngSignature)+5], "", PNG, ErrMalformed},
		{"fail/png-no-iend", baked[:len(baked)-12], "", PNG, ErrMalformed},
		{"fail/png-bad-crc", badCRC, "", PNG, ErrMalformed},
		{"fail/png-bad-crc-ihdr", badIHDRCRC, "", PNG, ErrMalformed},
		{"fail/png-first-chunk-not-ihdr", append(bytes.Clone(pngSignature), chunk("IEND", nil)...), "", PNG, ErrMalformed},
		{"fail/png-invalid-chunk-type", beforeIEND(plain, badType), "", PNG, ErrMalformed},
		{"fail/png-two-credential-chunks", beforeIEND(plain, credChunk(credJSON), credChunk(credJSON)), "", PNG, ErrMalformed},
		{"fail/png-two-credential-chunks-apart", afterIHDR(baked, credChunk(credJWS)), "", PNG, ErrMalformed},
		{"fail/png-chunk-after-iend", append(bytes.Clone(plain), credChunk(credJSON)...), "", PNG, ErrMalformed},
		{"fail/png-bytes-after-iend", append(bytes.Clone(baked), 0), "", PNG, ErrMalformed},
		{"fail/png-huge-chunk-length", beforeIEND(plain, hugeLen), "", PNG, ErrMalformed},
		{"fail/png-chunk-length-past-end", beforeIEND(plain, pastEnd), "", PNG, ErrMalformed},
		{"fail/png-itxt-no-flags", beforeIEND(plain, chunk("iTXt", []byte(pngKeyword+"\x00"))), "", PNG, ErrMalformed},
		{"fail/png-itxt-no-nul-after-language", beforeIEND(plain, chunk("iTXt", []byte(pngKeyword+"\x00\x00\x00en"))), "", PNG, ErrMalformed},
		{"fail/png-compression-flag-2", beforeIEND(plain, itxt(pngKeyword, 2, "", "", []byte(credJSON))), "", PNG, ErrMalformed},
		{"fail/png-compression-method-1", beforeIEND(plain, chunk("iTXt", append([]byte(pngKeyword+"\x00\x01\x01\x00\x00"), zJSON...))), "", PNG, ErrMalformed},
		{"fail/png-compressed-not-zlib", beforeIEND(plain, itxt(pngKeyword, 1, "", "", []byte(credJSON))), "", PNG, ErrMalformed},
		{"fail/png-compressed-bad-checksum", beforeIEND(plain, itxt(pngKeyword, 1, "", "", zCorrupt)), "", PNG, ErrMalformed},
		{"fail/png-compressed-truncated", beforeIEND(plain, itxt(pngKeyword, 1, "", "", zJSON[:len(zJSON)/2])), "", PNG, ErrMalformed},
		{"fail/png-compressed-trailing-bytes", beforeIEND(plain, itxt(pngKeyword, 1, "", "", append(bytes.Clone(zJSON), "more"...))), "", PNG, ErrMalformed},
		{"fail/png-compressed-bomb", beforeIEND(plain, itxt(pngKeyword, 1, "", "", bomb)), "", PNG, ErrTooLarge},
		{"fail/png-credential-too-large", beforeIEND(plain, credChunk(bigJSON)), "", PNG, ErrTooLarge},
		{"fail/png-credential-empty", beforeIEND(plain, credChunk(" \n")), "", PNG, ErrMalformed},
		{"fail/png-credential-not-json-or-jws", beforeIEND(plain, credChunk("https://college.example/badges/1")), "", PNG, ErrMalformed},
		{"fail/png-credential-json-array", beforeIEND(plain, credChunk(`[`+credJSON+`]`)), "", PNG, ErrMalformed},
		{"fail/png-credential-bad-json", beforeIEND(plain, credChunk(credJSON[:40])), "", PNG, ErrMalformed},
		{"fail/png-credential-json-trailing", beforeIEND(plain, credChunk(credJSON+"{}")), "", PNG, ErrMalformed},
		{"fail/png-credential-bad-utf8", beforeIEND(plain, credChunk(`{"name":"caf\xe9"}`)), "", PNG, ErrMalformed},
		{"fail/png-credential-jws-header-not-json", beforeIEND(plain, credChunk("abc.def.ghi")), "", PNG, ErrMalformed},
		{"fail/png-credential-jws-two-parts", beforeIEND(plain, credChunk(b64(`{"alg":"EdDSA"}`)+"."+b64("{}"))), "", PNG, ErrMalformed},
		{"fail/png-credential-jws-empty-payload", beforeIEND(plain, credChunk(b64(`{"alg":"EdDSA"}`)+".."+b64("sig"))), "", PNG, ErrMalformed},
		{"fail/png-credential-jws-padding", beforeIEND(plain, credChunk(credJWS+"=")), "", PNG, ErrMalformed},
		{"fail/png-credential-sd-jwt", beforeIEND(plain, credChunk(credJWS+"~")), "", PNG, ErrMalformed},

		// SVG
		{"ok/svg-json-cdata", svgDoc("\n  <openbadges:credential>" + cdata("\n"+credJSON+"\n") + "</openbadges:credential>\n"), credJSON, SVG, nil},
		{"ok/svg-json-escaped-text", svgDoc(`<openbadges:credential>{"name":"A &amp; B &lt;1&gt;","q":"\&quot;&apos;&#x263A;"}</openbadges:credential>`),
			`{"name":"A & B <1>","q":"\"'☺"}`, SVG, nil},
		{"ok/svg-json-split-cdata-and-comment", svgDoc(`<openbadges:credential>` + cdata(`{"a":`) + `<!-- split -->` + cdata(`"]]]]><![CDATA[>"}`) + `</openbadges:credential>`),
			`{"a":"]]>"}`, SVG, nil},
		{"ok/svg-jws-verify", svgDoc(`<openbadges:credential verify="` + credJWS + `"/>`), credJWS, SVG, nil},
		{"ok/svg-jws-verify-padded", svgDoc(`<openbadges:credential verify="  ` + credJWS + ` "> </openbadges:credential>`), credJWS, SVG, nil},
		{"ok/svg-jws-text", svgDoc(`<openbadges:credential>` + credJWS + `</openbadges:credential>`), credJWS, SVG, nil},
		{"ok/svg-credential-nested", svgDoc(`<g><openbadges:credential>` + cdata(credJSON) + `</openbadges:credential></g>`), credJSON, SVG, nil},
		{"ok/svg-other-prefix", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="` + credJWS + `"/></svg>`), credJWS, SVG, nil},
		{"ok/svg-prefixed-root", []byte(`<s:svg xmlns:s="http://www.w3.org/2000/svg"><credential xmlns="https://purl.imsglobal.org/ob/v3p0" verify="` + credJWS + `"/></s:svg>`), credJWS, SVG, nil},
		{"ok/svg-no-svg-namespace", []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>` + credJSON + `</openbadges:credential></svg>`), credJSON, SVG, nil},
		{"ok/svg-bom-doctype-comments", append([]byte("\ufeff<!-- badge -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"),
			svgDoc(`<openbadges:credential>` + cdata(credJSON) + `</openbadges:credential>`)[len(`<?xml version="1.0" encoding="UTF-8"?>`)+1:]...), credJSON, SVG, nil},
		{"ok/svg-depth-at-limit", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">` +
			strings.Repeat("<g>", MaxSVGDepth-2) + `<openbadges:credential verify="` + credJWS + `"/>` + strings.Repeat("</g>", MaxSVGDepth-2) + `</svg>`), credJWS, SVG, nil},
		{"fail/svg-no-credential", []byte(plainSVG), "", SVG, ErrNotBaked},
		{"fail/svg-credential-wrong-namespace", []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0/"><openbadges:credential>` + credJSON + `</openbadges:credential></svg>`), "", SVG, ErrNotBaked},
		{"fail/svg-ob2-assertion", []byte(`<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://college.example/a/1"/></svg>`), "", SVG, ErrNotBaked},
		{"fail/svg-two-credentials", svgDoc(`<openbadges:credential verify="` + credJWS + `"/><openbadges:credential>` + cdata(credJSON) + `</openbadges:credential>`), "", SVG, ErrMalformed},
		{"fail/svg-two-credentials-apart", svgDoc(`<openbadges:credential verify="` + credJWS + `"/><g><g><openbadges:credential verify="` + credJWS + `"/></g></g>`), "", SVG, ErrMalformed},
		{"fail/svg-jws-verify-and-text", svgDoc(`<openbadges:credential verify="` + credJWS + `">` + cdata(credJSON) + `</openbadges:credential>`), "", SVG, ErrMalformed},
		{"fail/svg-verify-json", svgDoc(`<openbadges:credential verify='` + credJSON + `'/>`), "", SVG, ErrMalformed},
		{"fail/svg-verify-url", svgDoc(`<openbadges:credential verify="https://college.example/c/1"/>`), "", SVG, ErrMalformed},
		{"fail/svg-verify-empty", svgDoc(`<openbadges:credential verify=""/>`), "", SVG, ErrMalformed},
		{"fail/svg-verify-twice", svgDoc(`<openbadges:credential verify="` + credJWS + `" verify="` + jwsOf(`{"alg":"none"}`, "{}") + `"/>`), "", SVG, ErrMalformed},
		{"fail/svg-verify-twice-among-many", svgDoc(`<openbadges:credential` + manyAttrs(20) + ` verify="` + credJWS + `" verify="` + credJWS + `"/>`), "", SVG, ErrMalformed},
		{"fail/svg-namespace-declared-twice", []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" xmlns:openbadges="urn:x"><openbadges:credential verify="` + credJWS + `"/></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-credential-empty", svgDoc(`<openbadges:credential>  </openbadges:credential>`), "", SVG, ErrMalformed},
		{"fail/svg-credential-not-json", svgDoc(`<openbadges:credential>Teamwork Badge</openbadges:credential>`), "", SVG, ErrMalformed},
		{"fail/svg-credential-child-element", svgDoc(`<openbadges:credential><g/>` + cdata(credJSON) + `</openbadges:credential>`), "", SVG, ErrMalformed},
		{"fail/svg-undeclared-prefix", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential verify="` + credJWS + `"/></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-malformed-xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-unclosed", svgDoc(`<openbadges:credential>` + cdata(credJSON))[:200], "", SVG, ErrMalformed},
		{"fail/svg-bad-attribute", []byte(`<svg width=10></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-unknown-entity", []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>{"a":"&nbsp;"}</openbadges:credential></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-entity-declaration", []byte(`<!DOCTYPE svg [<!ENTITY cred "{}">]><svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&cred;</openbadges:credential></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-billion-laughs", []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><svg>&c;</svg>`), "", SVG, ErrMalformed},
		{"fail/svg-external-entity", []byte(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>`), "", SVG, ErrMalformed},
		{"fail/svg-doctype-in-body", []byte(`<svg><!DOCTYPE svg></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-second-root", append(svgDoc(`<openbadges:credential verify="`+credJWS+`"/>`), `<svg/>`...), "", SVG, ErrMalformed},
		{"fail/svg-text-after-root", append(svgDoc(`<openbadges:credential verify="`+credJWS+`"/>`), `{}`...), "", SVG, ErrMalformed},
		{"fail/svg-too-deep", nested(MaxSVGDepth + 1), "", SVG, ErrMalformed},
		{"fail/svg-far-too-deep", nested(1 << 20), "", SVG, ErrMalformed},
		{"fail/svg-latin1", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>{"a":"caf` + "\xe9" + `"}</openbadges:credential></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-bad-utf8", []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>{"a":"caf` + "\xe9" + `"}</openbadges:credential></svg>`), "", SVG, ErrMalformed},
		{"fail/svg-credential-too-large", svgDoc(`<openbadges:credential>` + cdata(bigJSON) + `</openbadges:credential>`), "", SVG, ErrTooLarge},
		{"fail/svg-root-not-svg-namespace", []byte(`<svg xmlns="http://www.w3.org/1999/xhtml" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="` + credJWS + `"/></svg>`), "", SVG, ErrNotImage},

		// Neither
		{"fail/empty", nil, "", 0, ErrNotImage},
		{"fail/not-an-image", []byte("GIF89a......"), "", 0, ErrNotImage},
		{"fail/bare-json-credential", []byte(credJSON), "", 0, ErrNotImage},
		{"fail/bare-jws-credential", []byte(credJWS), "", 0, ErrNotImage},
		{"fail/xml-not-svg", []byte(`<?xml version="1.0"?><html><svg/></html>`), "", 0, ErrNotImage},
		{"fail/oversized-input", oversized, "", 0, ErrTooLarge},
		{"fail/oversized-svg", append([]byte("<svg>"), bytes.Repeat([]byte(" "), MaxImageBytes)...), "", 0, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, img, err := Extract(tt.data)
			if img != tt.img {
				t.Errorf("image = %v, want %v", img, tt.img)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Extract error = %v (%s), want %s", err, sentinel(err), sentinel(tt.wantErr))
				}
				if got != nil {
					t.Errorf("Extract returned a credential with its error")
				}
				if len(err.Error()) > 300 {
					t.Errorf("error message is %d bytes; it should say what is wrong, not quote the input", len(err.Error()))
				}
				t.Logf("%v", err)
				return
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("credential (-want +got):\n%s", diff)
			}
		})
	}
}

// Extract must not hand out a slice of the caller's buffer.
func TestExtractCopies(t *testing.T) {
	data := beforeIEND(plainPNG(), credChunk(credJSON))
	got, _, err := Extract(data)
	if err != nil {
		t.Fatal(err)
	}
	got[0] = 'X'
	if !bytes.Contains(data, []byte(credJSON)) {
		t.Error("changing the extracted credential changed the image")
	}
}

func TestBakePNG(t *testing.T) {
	plain := plainPNG()
	other := itxt("Description", 0, "", "", []byte("a badge"))
	tests := []struct {
		name string
		src  []byte
		cred string
		want string // what Extract then returns
	}{
		{"ok/json", plain, credJSON, credJSON},
		{"ok/jws", plain, credJWS, credJWS},
		{"ok/trimmed", plain, "\r\n  " + credJSON + "\n", credJSON},
		{"ok/replace", beforeIEND(plain, credChunk(credJWS)), credJSON, credJSON},
		{"ok/replace-compressed-before-idat", afterIHDR(plain, itxt(pngKeyword, 1, "", "", deflate([]byte(credJSON)))), credJWS, credJWS},
		{"ok/replace-invalid-credential", beforeIEND(plain, credChunk("not a credential")), credJWS, credJWS},
		{"ok/keeps-other-chunks", beforeIEND(plain, other, credChunk(credJWS), other), credJSON, credJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := BakePNG(tt.src, []byte(tt.cred))
			if err != nil {
				t.Fatalf("BakePNG: %v", err)
			}
			got, img, err := Extract(out)
			if err != nil || img != PNG {
				t.Fatalf("Extract(baked) = %v, %v", img, err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("credential (-want +got):\n%s", diff)
			}
			if n := countChunks(out); n != 1 {
				t.Errorf("%d credential chunks, want 1", n)
			}
			// The new chunk sits right before IEND, exactly as the spec
			// lays it out; the rest is the input minus its old chunk.
			chunk := credChunk(tt.want)
			if !bytes.HasSuffix(out, append(bytes.Clone(chunk), plain[len(plain)-12:]...)) {
				t.Errorf("baked image does not end with the credential chunk and IEND")
			}
			rest := append(bytes.Clone(out[:len(out)-12-len(chunk)]), out[len(out)-12:]...)
			s, err := scanPNG(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			wantRest := bytes.Clone(tt.src)
			if s.found {
				wantRest = append(wantRest[:s.credStart:s.credStart], tt.src[s.credEnd:]...)
			}
			if !bytes.Equal(rest, wantRest) {
				t.Errorf("baking changed chunks other than the credential's")
			}
			if _, err := png.Decode(bytes.NewReader(out)); err != nil {
				t.Errorf("image/png cannot decode the baked image: %v", err)
			}
			if _, err := BakePNG(out, []byte(tt.cred)); err != nil {
				t.Errorf("baking the baked image again: %v", err)
			}
		})
	}
}

func TestBakePNGFail(t *testing.T) {
	plain := plainPNG()
	badCRC := bytes.Clone(plain)
	badCRC[len(badCRC)-20] ^= 1 // inside IDAT
	big := beforeIEND(plain, chunk("zzZz", make([]byte, MaxImageBytes-len(plain)-12-100)))
	tests := []struct {
		name    string
		src     []byte
		cred    string
		wantErr error
	}{
		{"fail/not-png", []byte(plainSVG), credJSON, ErrNotImage},
		{"fail/empty-image", nil, credJSON, ErrNotImage},
		{"fail/truncated", plain[:len(plain)-5], credJSON, ErrMalformed},
		{"fail/bad-crc", badCRC, credJSON, ErrMalformed},
		{"fail/two-credential-chunks", beforeIEND(plain, credChunk(credJSON), credChunk(credJSON)), credJSON, ErrMalformed},
		{"fail/chunk-after-iend", append(bytes.Clone(plain), credChunk(credJSON)...), credJSON, ErrMalformed},
		{"fail/credential-empty", plain, "  ", ErrMalformed},
		{"fail/credential-not-json-or-jws", plain, "hello", ErrMalformed},
		{"fail/credential-bad-json", plain, credJSON[:50], ErrMalformed},
		{"fail/credential-too-large", plain, `{"a":"` + strings.Repeat("x", MaxCredentialBytes) + `"}`, ErrTooLarge},
		{"fail/result-too-large", big, credJSON, ErrTooLarge},
		{"fail/image-too-large", append(bytes.Clone(plain), make([]byte, MaxImageBytes)...), credJSON, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := BakePNG(tt.src, []byte(tt.cred))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("BakePNG error = %v (%s), want %s", err, sentinel(err), sentinel(tt.wantErr))
			}
			if out != nil {
				t.Error("BakePNG returned an image with its error")
			}
			t.Logf("%v", err)
		})
	}
	if _, _, err := Extract(big); !errors.Is(err, ErrNotBaked) {
		t.Errorf("the image for fail/result-too-large should itself be fine: %v", err)
	}
}

func TestBakeSVG(t *testing.T) {
	const (
		root = `<svg xmlns="http://www.w3.org/2000/svg"`
		ns   = ` xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
		open = `<openbadges:credential>`
		end  = `</openbadges:credential>`
	)
	verify := `<openbadges:credential verify="` + credJWS + `">` + end
	json := open + cdata(credJSON) + end
	tests := []struct {
		name, src, cred, want string
	}{
		{"ok/json-adds-namespace", root + `><g/></svg>`, credJSON,
			root + ns + `>` + json + `<g/></svg>`},
		{"ok/jws-verify", root + ` width="1"><g/></svg>`, credJWS,
			root + ` width="1"` + ns + `>` + verify + `<g/></svg>`},
		{"ok/namespace-present", root + ns + `>` + "\n<g/></svg>", credJSON,
			root + ns + `>` + json + "\n<g/></svg>"},
		{"ok/trimmed", root + `/>`, " \n" + credJWS + "\n", root + ns + `>` + verify + `</svg>`},
		{"ok/replace-first-child", root + ns + ">\n  " + open + cdata("\n"+credJSON+"\n") + end + "\n  <g/>\n</svg>", credJWS,
			root + ns + ">" + verify + "\n  \n  <g/>\n</svg>"},
		{"ok/replace-nested-self-closing", root + ns + `><g><openbadges:credential verify="` + credJWS + `"/></g></svg>`, credJSON,
			root + ns + `>` + json + `<g></g></svg>`},
		{"ok/replace-invalid-credential", root + ns + `>` + open + `junk` + end + `</svg>`, credJWS,
			root + ns + `>` + verify + `</svg>`},
		{"ok/self-closing-root", `<svg/>`, credJSON, `<svg` + ns + `>` + json + `</svg>`},
		{"ok/self-closing-root-attrs", `<svg width="1" />`, credJSON, `<svg width="1"` + ns + ` >` + json + `</svg>`},
		{"ok/prefixed-root", `<s:svg xmlns:s="http://www.w3.org/2000/svg"></s:svg>`, credJWS,
			`<s:svg xmlns:s="http://www.w3.org/2000/svg"` + ns + `>` + verify + `</s:svg>`},
		{"ok/prefixed-self-closing-root", `<s:svg xmlns:s="http://www.w3.org/2000/svg"/>`, credJWS,
			`<s:svg xmlns:s="http://www.w3.org/2000/svg"` + ns + `>` + verify + `</s:svg>`},
		{"ok/prefix-bound-elsewhere", root + ` xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://x.example/a"/></svg>`, credJWS,
			root + ` xmlns:openbadges="http://openbadges.org"><openbadges:credential` + ns + ` verify="` + credJWS + `">` + end + `<openbadges:assertion verify="https://x.example/a"/></svg>`},
		{"ok/cdata-terminator-in-json", root + `/>`, `{"a":"]]>","b":"]]]>"}`,
			root + ns + `>` + open + `<![CDATA[{"a":"]]]]><![CDATA[>","b":"]]]]]><![CDATA[>"}]]>` + end + `</svg>`},
		{"ok/crlf-json", root + `/>`, "{\r\n\"a\": 1\r}", root + ns + `>` + open + cdata("{\n\"a\": 1\n}") + end + `</svg>`},
		{"ok/prolog-bom-doctype-kept", "\ufeff<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<!-- c -->\n" + root + `/>` + "\n<!-- after -->\n", credJWS,
			"\ufeff<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<!-- c -->\n" + root + ns + `>` + verify + `</svg>` + "\n<!-- after -->\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := BakeSVG([]byte(tt.src), []byte(tt.cred))
			if err != nil {
				t.Fatalf("BakeSVG: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("baked SVG (-want +got):\n%s", diff)
			}
			got, img, err := Extract(out)
			if err != nil || img != SVG {
				t.Fatalf("Extract(baked) = %v, %v", img, err)
			}
			want := strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(tt.cred), "\r\n", "\n"), "\r", "\n")
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("credential (-want +got):\n%s", diff)
			}
			again, err := BakeSVG(out, []byte(tt.cred))
			if err != nil {
				t.Fatalf("baking the baked SVG again: %v", err)
			}
			if !bytes.Equal(again, out) {
				t.Errorf("baking the same credential twice changed the SVG:\n%s", cmp.Diff(string(out), string(again)))
			}
		})
	}
}

func TestBakeSVGFail(t *testing.T) {
	tests := []struct {
		name, src, cred string
		wantErr         error
	}{
		{"fail/not-svg", `<html/>`, credJSON, ErrNotImage},
		{"fail/png", string(plainPNG()), credJSON, ErrNotImage},
		{"fail/empty-image", ``, credJSON, ErrNotImage},
		{"fail/root-not-svg-namespace", `<svg xmlns="urn:other"/>`, credJSON, ErrNotImage},
		{"fail/malformed-xml", `<svg><g></svg>`, credJSON, ErrMalformed},
		{"fail/unclosed", `<svg><g/>`, credJSON, ErrMalformed},
		{"fail/too-deep", string(nested(MaxSVGDepth + 1)), credJSON, ErrMalformed},
		{"fail/two-credentials", string(svgDoc(`<openbadges:credential verify="` + credJWS + `"/><openbadges:credential verify="` + credJWS + `"/>`)), credJSON, ErrMalformed},
		{"fail/entity-declaration", `<!DOCTYPE svg [<!ENTITY x "y">]><svg/>`, credJSON, ErrMalformed},
		{"fail/credential-empty", plainSVG, "", ErrMalformed},
		{"fail/credential-not-json-or-jws", plainSVG, "<b>hi</b>", ErrMalformed},
		{"fail/credential-bad-json", plainSVG, credJSON[:50], ErrMalformed},
		{"fail/credential-not-xml-char", plainSVG, "{\"a\":\"\uffff\"}", ErrMalformed},
		{"fail/credential-too-large", plainSVG, `{"a":"` + strings.Repeat("x", MaxCredentialBytes) + `"}`, ErrTooLarge},
		{"fail/result-too-large", `<svg>` + strings.Repeat(" ", MaxImageBytes-20) + `</svg>`, credJSON, ErrTooLarge},
		{"fail/image-too-large", `<svg>` + strings.Repeat(" ", MaxImageBytes) + `</svg>`, credJSON, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := BakeSVG([]byte(tt.src), []byte(tt.cred))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("BakeSVG error = %v (%s), want %s", err, sentinel(err), sentinel(tt.wantErr))
			}
			if out != nil {
				t.Error("BakeSVG returned an image with its error")
			}
			t.Logf("%v", err)
		})
	}
}

func TestImageString(t *testing.T) {
	got := []string{PNG.String(), SVG.String(), Image(0).String(), PNG.MediaType(), SVG.MediaType(), Image(7).MediaType()}
	want := []string{"PNG", "SVG", "Image(0)", "image/png", "image/svg+xml", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` a%d="%d"`, i, i)
	}
	return b.String()
}
