package verifier

import (
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier/status"
)

func TestListMemo(t *testing.T) {
	var m ListMemo
	key := func(i int) [32]byte { return [32]byte{byte(i), byte(i >> 8)} }
	for i := range maxListMemo + 10 {
		m.put(key(i), &status.List{ID: "list"})
	}
	if _, ok := m.get(key(0)); ok {
		t.Error("the oldest entry outlived the bound")
	}
	if _, ok := m.get(key(maxListMemo + 9)); !ok {
		t.Error("the newest entry is missing")
	}
	if len(m.m) != maxListMemo || len(m.order) != maxListMemo {
		t.Errorf("memo holds %d (%d ordered), want %d", len(m.m), len(m.order), maxListMemo)
	}
	var none *ListMemo
	none.put(key(1), &status.List{})
	if _, ok := none.get(key(1)); ok {
		t.Error("a nil memo remembered")
	}
}

// A remembered list is used only within its validity window (with the
// skew): outside it, the list is verified again and the report says why.
func TestListValidAt(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := from.Add(24 * time.Hour)
	l := &status.List{ValidFrom: from, ValidUntil: until}
	skew := 5 * time.Minute
	for _, tc := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"ok/inside", from.Add(time.Hour), true},
		{"ok/just before, within the skew", from.Add(-time.Minute), true},
		{"ok/just after, within the skew", until.Add(time.Minute), true},
		{"fail/before", from.Add(-time.Hour), false},
		{"fail/after", until.Add(time.Hour), false},
	} {
		if got := listValidAt(l, tc.at, skew); got != tc.ok {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.ok)
		}
	}
	if !listValidAt(&status.List{}, from, 0) {
		t.Error("a list without a window is always usable")
	}
}
