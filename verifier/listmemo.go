package verifier

import (
	"sync"
	"time"

	"github.com/satchel-wallet/satchel/verifier/status"
)

// maxListMemo bounds the lists a ListMemo keeps; a status list is at most
// status.MaxListBytes expanded, so the memo's memory is bounded too.
const maxListMemo = 64

// ListMemo remembers status list credentials that verified, by the SHA-256
// of their bytes (see Options.Lists). It is safe for concurrent use; the
// zero value is ready. The oldest entry goes when it is full.
type ListMemo struct {
	mu    sync.Mutex
	m     map[[32]byte]*status.List
	order [][32]byte
}

func (m *ListMemo) get(key [32]byte) (*status.List, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.m[key]
	return l, ok
}

func (m *ListMemo) put(key [32]byte, l *status.List) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[[32]byte]*status.List{}
	}
	if _, ok := m.m[key]; ok {
		return
	}
	if len(m.order) == maxListMemo {
		delete(m.m, m.order[0])
		m.order = m.order[1:]
	}
	m.m[key] = l
	m.order = append(m.order, key)
}

// listValidAt reports whether a remembered list may be used at now: within its
// validity window, with the clock skew, as its verification checked.
func listValidAt(l *status.List, now time.Time, skew time.Duration) bool {
	return (l.ValidFrom.IsZero() || !now.Before(l.ValidFrom.Add(-skew))) &&
		(l.ValidUntil.IsZero() || !now.After(l.ValidUntil.Add(skew)))
}
