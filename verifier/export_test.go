package verifier

// MemoLen is how many lists a ListMemo holds (for tests of its use).
func MemoLen(m *ListMemo) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.m)
}
