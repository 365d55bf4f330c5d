package sqlitestore

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/wallet"
)

func TestListCodec(t *testing.T) {
	skills := []wallet.Skill{{Name: "Emergency Medical Technicians", Code: "29-2042.00", Framework: "O*NET-SOC"}, {Name: "Enfermería"}, {}}
	credits := []wallet.Credit{
		{Course: "EMS 101", Title: "Emergency Medical Technician", College: "Sierra Vista", Units: 5, Explanation: "row M01 \"quoted\"\n"},
		{Course: "KIN 120", Units: math.Inf(1)},
		{Units: -0.5},
	}
	types := []string{"VerifiableCredential", "AchievementCredential", ""}
	gotT, err := decodeStrings(encodeStrings(types))
	if err != nil {
		t.Fatal(err)
	}
	gotS, err := decodeSkills(encodeSkills(skills))
	if err != nil {
		t.Fatal(err)
	}
	gotC, err := decodeCredits(encodeCredits(credits))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(types, gotT) + cmp.Diff(skills, gotS) + cmp.Diff(credits, gotC); d != "" {
		t.Error(d)
	}
	if encodeSkills(nil) != nil {
		t.Error("an empty list is not stored as NULL")
	}
	if got, err := decodeSkills(nil); got != nil || err != nil {
		t.Errorf("NULL reads back as %v, %v", got, err)
	}

	bad := map[string][]byte{
		"fail/version":        {2, 0},
		"fail/no-count":       {1},
		"fail/too-many":       append([]byte{1}, 0xe9, 0x07), // 1001
		"fail/short-string":   {1, 1, 5, 'a'},
		"fail/missing-fields": {1, 1, 1, 'a'},
		"fail/trailing":       append(encodeStrings([]string{"a"}), 0),
		"fail/short-number":   {1, 1, 0, 0, 0, 1, 2},
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			_, err1 := decodeStrings(b)
			_, err2 := decodeSkills(b)
			_, err3 := decodeCredits(b)
			if name == "fail/missing-fields" || name == "fail/short-number" {
				err1 = errList // a valid list of strings
			}
			for _, err := range []error{err1, err2, err3} {
				if !errors.Is(err, errList) {
					t.Errorf("decode %x: %v, want errList", b, err)
				}
			}
		})
	}
}

// FuzzListCodec: decoding arbitrary bytes never panics, and what decodes
// encodes to bytes that decode to the same list.
func FuzzListCodec(f *testing.F) {
	f.Add(encodeCredits([]wallet.Credit{{Course: "EMS 101", Units: 5, Explanation: "x"}}))
	f.Add(encodeSkills([]wallet.Skill{{Name: "a", Code: "b", Framework: "c"}}))
	f.Add(encodeStrings([]string{"VerifiableCredential"}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{})
	// NaN units compare unequal to themselves; compare their bits.
	opt := cmp.Comparer(func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) })
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, err := decodeStrings(b); err == nil {
			if again, err := decodeStrings(encodeStrings(v)); err != nil || !cmp.Equal(v, again) {
				t.Errorf("strings %q: round trip %q, %v", v, again, err)
			}
		}
		if v, err := decodeSkills(b); err == nil {
			if again, err := decodeSkills(encodeSkills(v)); err != nil || !cmp.Equal(v, again) {
				t.Errorf("skills %q: round trip %q, %v", v, again, err)
			}
		}
		if v, err := decodeCredits(b); err == nil {
			if again, err := decodeCredits(encodeCredits(v)); err != nil || !cmp.Equal(v, again, opt) {
				t.Errorf("credits %v: round trip %v, %v", v, again, err)
			}
		}
	})
}
