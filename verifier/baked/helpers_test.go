package baked

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
)

// credJSON is a small OB 3.0 credential (unsigned: this package does not
// look at proofs).
const credJSON = `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],` +
	`"id":"urn:uuid:2f1c8d7e-5f6b-4c1a-9d3e-7a8b9c0d1e2f","type":["VerifiableCredential","OpenBadgeCredential"],` +
	`"issuer":{"id":"did:web:college.example","type":["Profile"],"name":"Example Community College"},` +
	`"validFrom":"2026-05-01T00:00:00Z","name":"Phlebotomy Technician Certificate",` +
	`"credentialSubject":{"type":["AchievementSubject"],"achievement":{"id":"https://college.example/achievements/phleb-100","type":["Achievement"],"name":"PHLEB 100"}}}`

// credJWS is credJSON as a VC-JWT (with a signature nobody checks here).
var credJWS = jwsOf(`{"alg":"EdDSA","typ":"vc+jwt"}`, credJSON)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func jwsOf(header, payload string) string {
	return b64(header) + "." + b64(payload) + "." + b64("signature bytes go here, 64 of them")
}

// plainPNG is a small real PNG from image/png: IHDR, IDAT, IEND.
func plainPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			img.Set(x, y, color.RGBA{uint8(32 * x), uint8(32 * y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// chunk is a PNG chunk with a correct CRC.
func chunk(typ string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	b = append(b, typ...)
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// itxt is an iTXt chunk.
func itxt(keyword string, flag byte, lang, translated string, text []byte) []byte {
	var b []byte
	b = append(b, keyword...)
	b = append(b, 0, flag, 0)
	b = append(b, lang...)
	b = append(b, 0)
	b = append(b, translated...)
	b = append(b, 0)
	return chunk("iTXt", append(b, text...))
}

// credChunk is the chunk BakePNG writes.
func credChunk(text string) []byte { return itxt(pngKeyword, 0, "", "", []byte(text)) }

// beforeIEND inserts chunks before src's IEND (image/png writes IEND last,
// and it is always 12 bytes).
func beforeIEND(src []byte, chunks ...[]byte) []byte {
	n := len(src) - 12
	out := append([]byte(nil), src[:n]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, src[n:]...)
}

// afterIHDR inserts chunks right after the IHDR chunk.
func afterIHDR(src []byte, chunks ...[]byte) []byte {
	n := len(pngSignature) + 12 + 13
	out := append([]byte(nil), src[:n]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, src[n:]...)
}

func deflate(b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// countChunks counts a PNG's credential chunks (without checking anything).
func countChunks(p []byte) int {
	n := 0
	for off := len(pngSignature); off+12 <= len(p); {
		l := int(binary.BigEndian.Uint32(p[off:]))
		if string(p[off+4:off+8]) == "iTXt" && bytes.HasPrefix(p[off+8:], []byte(pngKeyword+"\x00")) {
			n++
		}
		off += 12 + l
	}
	return n
}

const plainSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>
`

// svgDoc is an SVG declaring the openbadges prefix, around inner.
func svgDoc(inner string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 10 10">` +
		inner + `<circle cx="5" cy="5" r="4"/></svg>
`)
}

func cdata(s string) string { return "<![CDATA[" + s + "]]>" }

func nested(depth int) []byte {
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat("<g>", depth-1) + strings.Repeat("</g>", depth-1) + `</svg>`)
}
