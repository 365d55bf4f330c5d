package model_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/model"
)

func TestLimits(t *testing.T) {
	deep := func(levels int) any {
		var v any = "bottom"
		for range levels {
			v = map[string]any{"nested": v}
		}
		return v
	}
	// shared builds a value that is small in memory but, walked as a tree,
	// has 2^levels leaves: Go values can share what JSON cannot.
	shared := func(levels int) any {
		var v any = "leaf"
		for range levels {
			v = []any{v, v}
		}
		return v
	}
	manyVCs := make([]any, model.MaxCredentials+1)
	for i := range manyVCs {
		manyVCs[i] = vc2()
	}
	manyEvidence := make([]any, model.MaxFindings+500)
	for i := range manyEvidence {
		manyEvidence[i] = map[string]any{}
	}
	for _, tc := range []struct {
		name  string
		doc   map[string]any
		rules []string
	}{
		{"ok/depth-at-limit", withSubject(map[string]any{"id": "did:example:s", "x": deep(model.MaxDepth - 3)}), nil},
		{"fail/depth-over-limit", withSubject(map[string]any{"id": "did:example:s", "x": deep(model.MaxDepth)}), rules("max-depth")},
		{"fail/values-over-limit", withSubject(map[string]any{"id": "did:example:s", "x": make([]any, model.MaxValues)}), rules("max-size")},
		{"fail/shared-subtrees", withSubject(map[string]any{"id": "did:example:s", "x": shared(60)}), rules("max-size")},
		{"fail/credentials-over-limit", func() map[string]any {
			d := vp2()
			d["verifiableCredential"] = manyVCs
			return d
		}(), rules("max-credentials")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, findings := model.Check(tc.doc)
			var got []string
			for _, f := range findings {
				got = append(got, f.Rule)
			}
			if diff := cmp.Diff(tc.rules, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s\n%s", diff, summarize(findings))
			}
		})
	}

	t.Run("fail/findings-over-limit", func(t *testing.T) {
		d := vc2()
		d["evidence"] = manyEvidence
		_, findings := model.Check(d)
		if len(findings) != model.MaxFindings+1 {
			t.Fatalf("got %d findings, want %d", len(findings), model.MaxFindings+1)
		}
		last := findings[len(findings)-1]
		if want := fmt.Sprintf("%d more findings were dropped after the first %d", 500, model.MaxFindings); last.Rule != "max-findings" || last.Detail != want {
			t.Errorf("last finding %+v, want max-findings: %s", last, want)
		}
	})

	t.Run("fail/cycles", func(t *testing.T) {
		// A CLR that bundles itself and an issuer that is its own parent:
		// impossible in JSON, possible in a Go value; Check must stop.
		d := clrCred(t)
		obj(d, "credentialSubject")["verifiableCredential"] = []any{d}
		iss := obj(d, "issuer")
		iss["parentOrg"] = iss
		sum, findings := model.Check(d)
		if len(findings) == 0 || findings[0].Rule != "max-depth" {
			t.Errorf("findings %s, want max-depth first", summarize(findings))
		}
		if len(sum.Credentials) == 0 {
			t.Errorf("the first levels should still be summarised")
		}
	})
}

func withSubject(s map[string]any) map[string]any {
	d := vc2()
	d["credentialSubject"] = s
	return d
}
