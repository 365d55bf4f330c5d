package wallet_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/satchel-wallet/satchel/wallet"
)

var weakKDF = wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

func TestArchive(t *testing.T) {
	db := bytes.Repeat([]byte("SQLite format 3\x00 wallet pages "), 200)
	pass := []byte("correct horse battery staple")
	archive, err := wallet.SealArchive(db, pass, weakKDF, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(archive, []byte("wallet pages")) {
		t.Fatal("the archive holds the database in clear")
	}
	got, err := wallet.OpenArchive(archive, pass)
	if err != nil || !bytes.Equal(got, db) {
		t.Fatalf("round trip: %v", err)
	}
	flip := func(i int) []byte {
		b := append([]byte(nil), archive...)
		b[i] ^= 1
		return b
	}
	for _, tt := range []struct {
		name    string
		archive []byte
		pass    []byte
		want    error
	}{
		{"fail/wrong passphrase", archive, []byte("incorrect horse battery staple"), wallet.ErrWrongPassphrase},
		{"fail/one byte of the data changed", flip(len(archive) - 40), pass, wallet.ErrWrongPassphrase},
		{"fail/salt changed", flip(20), pass, wallet.ErrWrongPassphrase},
		{"fail/costs raised past the limit", func() []byte { b := append([]byte(nil), archive...); b[13], b[14] = 0xff, 0xff; return b }(), pass, wallet.ErrBadArchive},
		{"fail/not a backup", db, pass, wallet.ErrBadArchive},
		{"fail/truncated", archive[:40], pass, wallet.ErrBadArchive},
		{"fail/unknown version", flip(8), pass, wallet.ErrBadArchive},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := wallet.OpenArchive(tt.archive, tt.pass); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := wallet.SealArchive(db, []byte(""), weakKDF, nil); err == nil {
		t.Error("sealed with an empty passphrase")
	}
}

func FuzzOpenArchive(f *testing.F) {
	a, _ := wallet.SealArchive([]byte("db"), []byte("passphrase!"), weakKDF, nil)
	f.Add(a)
	f.Add([]byte("SATCHELB"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 9 && b[8] == 1 && len(b) > 17 {
			// Keep the fuzzer off expensive Argon2id costs: they are
			// bounded, but slow.
			if b[9] != 0 || b[10] != 0 || b[11] != 0 || b[13] != 0 || b[14] != 0 {
				return
			}
		}
		if db, err := wallet.OpenArchive(b, []byte("passphrase!")); err == nil && !bytes.Equal(b, a) && len(db) > 0 {
			t.Fatalf("opened an archive that was not sealed here: %q", b)
		}
	})
}
