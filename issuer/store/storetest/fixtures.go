package storetest

import (
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
)

// T0 is the suite's clock: a time with a zone and nanoseconds, so that
// every stored time is seen to come back in UTC, to the microsecond.
var T0 = time.Date(2026, 3, 2, 9, 30, 15, 123456789, time.FixedZone("PST", -8*60*60))

// at is T0 plus n minutes.
func at(n int) time.Time { return T0.Add(time.Duration(n) * time.Minute) }

// stored is t as a store reads it back: UTC, to the microsecond (zero
// stays zero).
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Microsecond).UTC()
}

// NewInstitution returns an institution with slug.
func NewInstitution(slug string) store.Institution {
	return store.Institution{
		Slug:    slug,
		Kind:    "college",
		Name:    "Sierra Vista College (" + slug + ")",
		DID:     "did:web:etranscript.example:institutions:" + slug,
		Profile: []byte(`{"id":"` + slug + `","name":"Sierra Vista College","kind":"college"}`),
		Format:  "di",
		Created: T0,
	}
}

// NewStatusList returns an empty status list of the smallest size the
// Bitstring Status List allows.
func NewStatusList(id, institution, purpose string) store.StatusList {
	return store.StatusList{ID: id, Institution: institution, Purpose: purpose, Size: 131072, Created: T0}
}

// NewCredential returns an achievement credential of institution with a
// body of about 2 KB, the size of a signed Open Badges 3.0 credential of
// one course, and the given status entries.
func NewCredential(id, institution string, status ...store.StatusEntry) store.Credential {
	body := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],`+
		`"id":%q,"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:web:etranscript.example:institutions:%s"},`+
		`"validFrom":"2026-03-02T17:30:15Z","credentialSubject":{"type":["AchievementSubject"],"achievement":{"name":"Emergency Medical Technician",`+
		`"description":%q}},"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofValue":"z%s"}}`,
		id, institution, strings.Repeat("Patient assessment, airway management and trauma care. ", 24), strings.Repeat("3xNq", 22))
	return store.Credential{
		ID:          id,
		Institution: institution,
		Learner:     "L-1001",
		Record:      "JST-1001-AR-0709-0058",
		Kind:        store.KindAchievement,
		Format:      "di",
		Subject:     "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		Body:        []byte(body),
		RecordBody:  []byte(`{"id":"JST-1001-AR-0709-0058","kind":"military","title":"Combat Medic Specialist"}`),
		Mapping:     []byte(`{"credits":[{"course":"EMS 110","units":5,"row":"jst-ar-0709-0058"}]}`),
		Batch:       "",
		Status:      status,
		Issued:      T0,
	}
}
