package status_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/status"
)

func TestSetGet(t *testing.T) {
	const nbits = 16 // two bytes
	tests := []struct {
		name    string
		index   uint64
		want    []byte // the bitstring after setting index
		wantErr error
	}{
		{name: "ok/index-0-is-the-top-bit", index: 0, want: []byte{0x80, 0x00}},
		{name: "ok/index-7-is-the-bottom-bit", index: 7, want: []byte{0x01, 0x00}},
		{name: "ok/index-8-starts-byte-1", index: 8, want: []byte{0x00, 0x80}},
		{name: "ok/last-index", index: nbits - 1, want: []byte{0x00, 0x01}},
		{name: "fail/one-past-the-end", index: nbits, wantErr: status.ErrRange},
		{name: "fail/huge-index", index: 1 << 63, wantErr: status.ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bits := status.NewBitstring(nbits)
			err := status.Set(bits, tt.index, true)
			_, getErr := status.Get(bits, tt.index)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !errors.Is(getErr, tt.wantErr) {
					t.Fatalf("Set, Get = %v, %v; want %v", err, getErr, tt.wantErr)
				}
				if !bytes.Equal(bits, make([]byte, 2)) {
					t.Errorf("failed Set changed the list: %x", bits)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, bits); diff != "" {
				t.Errorf("bits after Set (-want +got):\n%s", diff)
			}
			for i := range uint64(nbits) {
				got, err := status.Get(bits, i)
				if err != nil {
					t.Fatal(err)
				}
				if got != (i == tt.index) {
					t.Errorf("Get(%d) = %v", i, got)
				}
			}
			if err := status.Set(bits, tt.index, false); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bits, make([]byte, 2)) {
				t.Errorf("bits after clearing: %x", bits)
			}
		})
	}
}

func TestNewBitstring(t *testing.T) {
	for nbits, want := range map[int]int{0: 0, 1: 1, 8: 1, 9: 2, status.MinBits: status.MinBits / 8} {
		if got := len(status.NewBitstring(nbits)); got != want {
			t.Errorf("len(NewBitstring(%d)) = %d, want %d", nbits, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NewBitstring(-1) did not panic")
		}
	}()
	status.NewBitstring(-1)
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4*status.MinBits/8)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name string
		bits []byte
	}{
		{"ok/empty-minimum-list", list(t, status.MinBits)},
		{"ok/edges-set", list(t, status.MinBits, 0, 7, 8, status.MinBits-1)},
		{"ok/random-4x-minimum", random},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := status.EncodeList(tt.bits)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(encoded, "uH4sI") {
				t.Errorf("encodedList %.12q… lacks the multibase 'u' prefix and GZIP header", encoded)
			}
			if strings.ContainsAny(encoded, "+/=") {
				t.Errorf("encodedList is not unpadded base64url")
			}
			got, err := status.DecodeList(encoded)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.bits) {
				t.Errorf("DecodeList(EncodeList(bits)) differs from bits")
			}
		})
	}
}

func TestEncodeList(t *testing.T) {
	tests := []struct {
		name    string
		bits    []byte
		wantErr error
	}{
		{name: "ok/minimum", bits: status.NewBitstring(status.MinBits)},
		{name: "fail/one-byte-short", bits: status.NewBitstring(status.MinBits - 8), wantErr: status.ErrTooSmall},
		{name: "fail/empty", bits: nil, wantErr: status.ErrTooSmall},
		{name: "fail/over-the-decode-limit", bits: make([]byte, status.MaxListBytes+1), wantErr: status.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := status.EncodeList(tt.bits)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("EncodeList = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestDecodeList(t *testing.T) {
	small := list(t, 64, 0, 7, 8, 63)
	compressed := gz(t, small)
	raw := base64.RawURLEncoding.EncodeToString(compressed)
	tests := []struct {
		name    string
		encoded string
		want    []byte
		wantErr string // a substring of the error
		is      error
	}{
		{name: "ok/multibase", encoded: "u" + raw, want: small},
		{name: "ok/statuslist2021-without-u-prefix", encoded: raw, want: small},
		{name: "ok/padded-base64url", encoded: base64.URLEncoding.EncodeToString(compressed), want: small},
		{name: "ok/standard-base64", encoded: stdBase64WithPlusOrSlash(t), want: bytes.Repeat([]byte{0xff, 0x3e}, 1000)},
		// The DCC fixtures' list: 100,000 bits, 2, 6 and 8 set.
		{name: "ok/dcc-fixture", encoded: "uH4sIAAAAAAAAA-3BMQEAAAwCoGUx6aLbwgvIHwAAAAAAAAAAAAAAwFwBZnztF9QwAAA", want: list(t, 100000, 2, 6, 8)},
		{name: "fail/empty", encoded: "", wantErr: "empty"},
		{name: "fail/bad-base64", encoded: "u!!!!", wantErr: "not multibase-base64url"},
		{name: "fail/bad-base64-without-prefix", encoded: "H4sI*", wantErr: "not base64url"},
		{name: "fail/prefix-only", encoded: "u", wantErr: "not GZIP"},
		{name: "fail/not-gzip", encoded: "u" + base64.RawURLEncoding.EncodeToString([]byte("just some bytes")), wantErr: "not GZIP"},
		{name: "fail/truncated-gzip", encoded: "u" + base64.RawURLEncoding.EncodeToString(compressed[:len(compressed)-6]), wantErr: "corrupt GZIP"},
		{name: "fail/bad-checksum", encoded: "u" + base64.RawURLEncoding.EncodeToString(flipLast(compressed)), wantErr: "corrupt GZIP"},
		{name: "fail/trailing-garbage", encoded: "u" + base64.RawURLEncoding.EncodeToString(append(bytes.Clone(compressed), "junk"...)), wantErr: "corrupt GZIP"},
		{name: "fail/empty-list", encoded: multibase(t, nil), wantErr: "empty"},
		{name: "fail/dcc-tampered", encoded: "uH4sIAAAAAAAAA-I-CHANGED-THISAAwFwBZnztF9QwAAA", wantErr: "not multibase-base64url"},
		{name: "fail/gzip-bomb", encoded: "u" + base64.RawURLEncoding.EncodeToString(bomb()), is: status.ErrTooLarge},
		{name: "ok/exactly-the-limit", encoded: multibase(t, make([]byte, status.MaxListBytes)), want: make([]byte, status.MaxListBytes)},
		{name: "fail/compressed-over-limit", encoded: "u" + strings.Repeat("A", 2*status.MaxCompressedBytes), is: status.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := status.DecodeList(tt.encoded)
			if tt.wantErr == "" && tt.is == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, tt.want) {
					t.Errorf("DecodeList = %x…, want %x…", head(got), head(tt.want))
				}
				return
			}
			if err == nil {
				t.Fatalf("DecodeList succeeded, want an error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("DecodeList = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("DecodeList = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

// bomb is GZIP data of 24 MiB of zeros: about 30 KiB, far under the
// compressed limit, expanding past MaxListBytes.
var bomb = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zeros := make([]byte, 1<<20)
	for range 24 {
		zw.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
})

// TestDecodeListBomb checks that expanding a GZIP bomb stops at the limit
// and costs about MaxListBytes of memory, whether the stream declares its
// true size (ISIZE) or lies about it.
func TestDecodeListBomb(t *testing.T) {
	honest := bomb()
	lying := bytes.Clone(honest)
	binary.LittleEndian.PutUint32(lying[len(lying)-4:], 16)
	tests := []struct {
		name  string
		data  []byte
		limit uint64 // bytes the attempt may allocate
	}{
		{"fail/bomb", honest, 2 * status.MaxListBytes},
		{"fail/bomb-declaring-a-small-size", lying, 4 * status.MaxListBytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded := "u" + base64.RawURLEncoding.EncodeToString(tt.data)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := status.DecodeList(encoded)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, status.ErrTooLarge) {
				t.Fatalf("DecodeList(bomb) = %v, want ErrTooLarge", err)
			}
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d characters of encodedList, 24 MiB expanded: allocated %.1f MiB refusing it: %v", len(encoded), float64(allocated)/(1<<20), err)
			if allocated > tt.limit {
				t.Errorf("allocated %d bytes expanding a bomb, want at most %d", allocated, tt.limit)
			}
		})
	}
}

// stdBase64WithPlusOrSlash encodes a list in standard base64, which some
// StatusList2021 issuers wrote; the data is chosen so that the encoding
// uses '+' or '/', the characters that tell it from base64url.
func stdBase64WithPlusOrSlash(t *testing.T) string {
	s := base64.StdEncoding.EncodeToString(gz(t, bytes.Repeat([]byte{0xff, 0x3e}, 1000)))
	if !strings.ContainsAny(s, "+/") {
		t.Fatalf("test data %q has neither '+' nor '/'", s)
	}
	return s
}

func flipLast(b []byte) []byte {
	c := bytes.Clone(b)
	c[len(c)-5] ^= 0xff // inside the CRC-32 of the GZIP trailer
	return c
}

func head(b []byte) []byte { return b[:min(len(b), 8)] }
