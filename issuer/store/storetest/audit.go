package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
)

func newEntry(n int, inst, action string) store.AuditEntry {
	return store.AuditEntry{At: at(n), Actor: "token:registrar", Action: action, Institution: inst, Subject: "urn:uuid:" + action, Request: "req-" + action, Detail: "n=" + string(rune('a'+n))}
}

// withoutSeq is es with Seq cleared and times as stored, after checking
// that Seq falls from each entry to the next (the log is newest first).
func withoutSeq(t *testing.T, es []store.AuditEntry) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	for i, e := range es {
		if i > 0 && e.Seq >= es[i-1].Seq {
			t.Errorf("entry %d: Seq %d after %d; want newest (largest Seq) first", i, e.Seq, es[i-1].Seq)
		}
		e.Seq = 0
		out = append(out, e)
	}
	return out
}

func storedEntry(e store.AuditEntry) store.AuditEntry { e.At = stored(e.At); return e }

func testAudit(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "svc", "jst")
	log, err := s.AuditLog(ctx, "", 10)
	must(t, "audit log", err)
	if log != nil {
		t.Errorf("empty log: %v, want nil", log)
	}
	entries := []store.AuditEntry{
		newEntry(0, "svc", "institution.create"),
		newEntry(1, "jst", "institution.create"),
		newEntry(2, "svc", "credential.issue"),
		newEntry(3, "", "key.rotate"),
		// Entries are in the order they were appended, whatever At says.
		newEntry(1, "svc", "credential.revoke"),
	}
	for _, e := range entries {
		must(t, "audit "+e.Action, s.Audit(ctx, e))
	}
	bad := []struct {
		name string
		e    store.AuditEntry
	}{
		{"fail/no-action", store.AuditEntry{At: at(0), Actor: "admin"}},
		{"fail/no-actor", store.AuditEntry{At: at(0), Action: "x"}},
		{"fail/no-time", store.AuditEntry{Actor: "admin", Action: "x"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "audit", s.Audit(ctx, tt.e), store.ErrInvalid)
		})
	}
	tests := []struct {
		name  string
		inst  string
		limit int
		want  []int // indices into entries, newest first
	}{
		{name: "ok/all", inst: "", limit: 100, want: []int{4, 3, 2, 1, 0}},
		{name: "ok/no-limit-is-max-list", inst: "", limit: 0, want: []int{4, 3, 2, 1, 0}},
		{name: "ok/institution", inst: "svc", limit: 100, want: []int{4, 2, 0}},
		{name: "ok/limit", inst: "", limit: 2, want: []int{4, 3}},
		{name: "ok/institution-and-limit", inst: "svc", limit: 1, want: []int{4}},
		{name: "ok/unknown-institution", inst: "nobody", limit: 100, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.AuditLog(ctx, tt.inst, tt.limit)
			must(t, "audit log", err)
			var want []store.AuditEntry
			for _, i := range tt.want {
				want = append(want, storedEntry(entries[i]))
			}
			diff(t, "log", withoutSeq(t, got), want)
		})
	}
	t.Run("ok/seq-keeps-growing", func(t *testing.T) {
		before, err := s.AuditLog(ctx, "", 1)
		must(t, "audit log", err)
		must(t, "audit", s.Audit(ctx, newEntry(9, "jst", "table.upload")))
		after, err := s.AuditLog(ctx, "", 1)
		must(t, "audit log", err)
		if after[0].Seq <= before[0].Seq {
			t.Errorf("Seq %d after %d", after[0].Seq, before[0].Seq)
		}
	})
}

// testAuditAppendOnlySQL checks that the database itself refuses to change
// or remove audit entries, so that not even a raw SQL session against it
// (an operator, an injected query) rewrites the log.
func testAuditAppendOnlySQL(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "svc")
	raw, ok := s.(RawExecer)
	if !ok {
		t.Skipf("the store under test (%T) is not a storetest.RawExecer, so raw SQL against its audit table cannot be tried; "+
			"its test adapter should implement ExecRaw", s)
	}
	for i, action := range []string{"credential.issue", "credential.revoke"} {
		must(t, "audit", s.Audit(ctx, newEntry(i, "svc", action)))
	}
	before, err := s.AuditLog(ctx, "", 0)
	must(t, "audit log", err)

	// The control: ExecRaw does run statements, and other tables accept
	// them.
	must(t, "raw update of another table", raw.ExecRaw(ctx, "UPDATE institutions SET name = 'Renamed' WHERE slug = 'svc'"))
	if in, _ := s.Institution(ctx, "svc"); in.Name != "Renamed" {
		t.Fatalf("ExecRaw's UPDATE of institutions did not take effect (name %q)", in.Name)
	}
	for _, q := range []string{
		"UPDATE audit SET detail = 'rewritten'",
		"UPDATE audit SET actor = 'nobody' WHERE action = 'credential.revoke'",
		"DELETE FROM audit",
		"DELETE FROM audit WHERE action = 'credential.revoke'",
	} {
		t.Run("fail/"+q, func(t *testing.T) {
			if err := raw.ExecRaw(ctx, q); err == nil {
				t.Errorf("%s: succeeded", q)
			}
			after, err := s.AuditLog(ctx, "", 0)
			must(t, "audit log", err)
			diff(t, "log after "+q, after, before)
		})
	}
	t.Run("ok/appending-still-works", func(t *testing.T) {
		must(t, "audit", s.Audit(ctx, store.AuditEntry{At: time.Now(), Actor: "admin", Action: "audit.check"}))
		after, err := s.AuditLog(ctx, "", 0)
		must(t, "audit log", err)
		if len(after) != len(before)+1 {
			t.Errorf("%d entries, want %d", len(after), len(before)+1)
		}
	})
	if err := s.Audit(ctx, store.AuditEntry{}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("empty entry: %v", err)
	}
}
