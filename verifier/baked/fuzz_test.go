package baked

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image/png"
	"strings"
	"testing"
)

func extractSeeds(tb testing.TB) [][]byte {
	plain := plainPNG()
	seeds := [][]byte{
		plain,
		beforeIEND(plain, credChunk(credJSON)),
		beforeIEND(plain, credChunk(credJWS)),
		afterIHDR(plain, itxt(pngKeyword, 1, "", "", deflate([]byte(credJSON)))),
		beforeIEND(plain, itxt(pngLegacyKeyword, 0, "en", "", []byte("{}")), credChunk(credJWS)),
		[]byte(plainSVG),
		svgDoc(`<openbadges:credential>` + cdata(credJSON) + `</openbadges:credential>`),
		svgDoc(`<g><openbadges:credential verify="` + credJWS + `"/></g>`),
		[]byte("\ufeff<!DOCTYPE svg [<!ATTLIST svg a CDATA 'b'>]><svg xmlns:ob=\"https://purl.imsglobal.org/ob/v3p0\"><ob:credential>{\"a\":\"&lt;&#65;\"}</ob:credential></svg>"),
		nested(40),
		[]byte(credJSON),
	}
	return append(seeds, vectorImages(tb)...)
}

// FuzzExtract: no panics, every error wraps a sentinel, and whatever Extract
// reads is a trimmed, well-shaped credential that the same kind of image
// can carry again and give back unchanged.
func FuzzExtract(f *testing.F) {
	for _, s := range extractSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkExtract(t, data)
		// CRCs stop most mutations at the first chunk; look past them.
		if fixed := fixCRCs(data); fixed != nil {
			checkExtract(t, fixed)
		}
	})
}

func checkExtract(t *testing.T, data []byte) {
	t.Helper()
	cred, img, err := Extract(data)
	sniffed, ok := Sniff(data)
	if err != nil {
		if sentinel(err) == "no sentinel" {
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		if cred != nil {
			t.Fatal("credential returned with an error")
		}
		return
	}
	if !ok || img != sniffed {
		t.Fatalf("Extract says %v, Sniff says %v, %v", img, sniffed, ok)
	}
	if c, _, err := checkCredential(cred, "credential"); err != nil || len(c) != len(cred) {
		t.Fatalf("extracted credential is not trimmed and well-shaped: %v", err)
	}
	var out []byte
	if img == PNG {
		out, err = BakePNG(data, cred)
	} else {
		out, err = BakeSVG(data, cred)
	}
	if err != nil {
		if sentinel(err) == "ErrTooLarge" {
			return
		}
		t.Fatalf("re-baking a credential Extract read: %v", err)
	}
	got, _, err := Extract(out)
	if err != nil || !bytes.Equal(got, cred) {
		t.Fatalf("re-baked image reads back %.40q, %v; want %.40q", got, err, cred)
	}
}

// fixCRCs returns a copy of a PNG-looking data with every complete chunk's
// CRC made right, or nil when data is not PNG-looking.
func fixCRCs(data []byte) []byte {
	if !bytes.HasPrefix(data, pngSignature) {
		return nil
	}
	out := bytes.Clone(data)
	for off := len(pngSignature); len(out)-off >= 12; {
		n := binary.BigEndian.Uint32(out[off:])
		if uint64(n) > uint64(len(out)-off-12) {
			break
		}
		end := off + 12 + int(n)
		binary.BigEndian.PutUint32(out[end-4:], crc32.ChecksumIEEE(out[off+4:end-4]))
		off = end
	}
	return out
}

// FuzzBakePNG: BakePNG accepts or refuses with a sentinel; what it bakes
// reads back, and image/png sees the same picture as before.
func FuzzBakePNG(f *testing.F) {
	plain := plainPNG()
	f.Add(plain, []byte(credJSON))
	f.Add(beforeIEND(plain, credChunk(credJWS)), []byte(" "+credJSON+"\n"))
	f.Add(afterIHDR(plain, itxt(pngKeyword, 1, "", "", deflate([]byte(credJSON)))), []byte(credJWS))
	f.Add(beforeIEND(plain, credChunk("x")), []byte("{}"))
	f.Fuzz(func(t *testing.T, src, cred []byte) {
		if fixed := fixCRCs(src); fixed != nil {
			src = fixed
		}
		out, err := BakePNG(src, cred)
		if err != nil {
			if sentinel(err) == "no sentinel" {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		got, img, err := Extract(out)
		if err != nil || img != PNG || !bytes.Equal(got, bytes.Trim(cred, xmlSpace)) {
			t.Fatalf("baked PNG reads back %v %.40q, %v", img, got, err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(src))
		if err != nil || cfg.Width*cfg.Height > 1<<16 {
			return // not a picture image/png reads, or too big to decode here
		}
		before, errBefore := png.Decode(bytes.NewReader(src))
		after, errAfter := png.Decode(bytes.NewReader(out))
		if (errBefore == nil) != (errAfter == nil) {
			t.Fatalf("image/png: before baking %v, after %v", errBefore, errAfter)
		}
		if errBefore != nil {
			return
		}
		if before.Bounds() != after.Bounds() {
			t.Fatalf("bounds %v became %v", before.Bounds(), after.Bounds())
		}
		b := before.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if before.At(x, y) != after.At(x, y) {
					t.Fatalf("pixel (%d,%d) changed", x, y)
				}
			}
		}
	})
}

// FuzzBakeSVG: BakeSVG accepts or refuses with a sentinel, and what it
// bakes reads back (with the line endings an XML reader gives).
func FuzzBakeSVG(f *testing.F) {
	f.Add(plainSVG, credJSON)
	f.Add(`<svg/>`, credJWS)
	f.Add(string(svgDoc(`<g><openbadges:credential verify="`+credJWS+`"/></g>`)), "{\r\n\"a\":\"]]>\"}")
	f.Add(`<s:svg xmlns:s="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" a="b" ></s:svg>`, credJSON)
	f.Fuzz(func(t *testing.T, src, cred string) {
		out, err := BakeSVG([]byte(src), []byte(cred))
		if err != nil {
			if sentinel(err) == "no sentinel" {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		want := strings.ReplaceAll(strings.ReplaceAll(strings.Trim(cred, xmlSpace), "\r\n", "\n"), "\r", "\n")
		got, img, err := Extract(out)
		if err != nil || img != SVG || string(got) != want {
			t.Fatalf("baked SVG reads back %v %.40q, %v", img, got, err)
		}
	})
}
