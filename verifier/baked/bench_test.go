package baked

import (
	"strings"
	"testing"
)

func BenchmarkExtractSVG8MiB(b *testing.B) {
	path := `<path fill="none" stroke="#040000" d="M500,928.8c0,0,0,40.8-245,40.8"/>` + "\n"
	doc := svgDoc(`<openbadges:credential>` + cdata(credJSON) + `</openbadges:credential>` + strings.Repeat(path, (MaxImageBytes-2000)/len(path)))
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, _, err := Extract(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtractPNG8MiB(b *testing.B) {
	doc := beforeIEND(plainPNG(), chunk("zzZz", make([]byte, MaxImageBytes-2000)), credChunk(credJSON))
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, _, err := Extract(doc); err != nil {
			b.Fatal(err)
		}
	}
}
