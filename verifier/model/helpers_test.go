package model_test

import (
	"encoding/json"
	"testing"
)

const (
	v1  = "https://www.w3.org/2018/credentials/v1"
	v2  = "https://www.w3.org/ns/credentials/v2"
	ob  = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	clr = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
	ex2 = "https://www.w3.org/ns/credentials/examples/v2"
)

// parse decodes a JSON document written in a test, as the verifier would.
func parse(t testing.TB, s string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("bad test document: %v\n%s", err, s)
	}
	return doc
}

// vc2 is a minimal conforming VC 2.0 credential; tests edit a fresh copy.
func vc2() map[string]any {
	return map[string]any{
		"@context":          []any{v2},
		"id":                "urn:uuid:6b8f3e1c-0a4b-4c55-9a52-0c3b4bb0b1a1",
		"type":              []any{"VerifiableCredential"},
		"issuer":            "did:example:issuer",
		"validFrom":         "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:subject"},
	}
}

// vc1 is a minimal conforming VC 1.1 credential.
func vc1() map[string]any {
	return map[string]any{
		"@context":          []any{v1},
		"id":                "http://example.edu/credentials/3732",
		"type":              []any{"VerifiableCredential"},
		"issuer":            "https://example.edu/issuers/14",
		"issuanceDate":      "2010-01-01T19:23:24Z",
		"credentialSubject": map[string]any{"id": "did:example:subject"},
	}
}

// vp2 is a conforming VC 2.0 presentation holding one vc2.
func vp2() map[string]any {
	return map[string]any{
		"@context":             []any{v2},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               "did:example:holder",
		"verifiableCredential": []any{vc2()},
	}
}

// obJSON is a conforming OB 3.0 AchievementCredential for an
// equivalency-mapped military course: the achievement aligns to a skill,
// the result to the community-college course it is equivalent to.
const obJSON = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:2f0d8a34-7a43-4bd0-9f0e-2a1b3c4d5e6f",
  "type": ["VerifiableCredential", "AchievementCredential"],
  "name": "Combat Lifesaver Course",
  "issuer": {"id": "did:web:transcripts.example.edu", "type": ["Profile"], "name": "eTranscript California"},
  "validFrom": "2025-06-01T00:00:00Z",
  "credentialSubject": {
    "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "type": ["AchievementSubject"],
    "creditsEarned": 3,
    "achievement": {
      "id": "https://transcripts.example.edu/achievements/AR-0801-0032",
      "type": ["Achievement"],
      "achievementType": "Course",
      "name": "Combat Lifesaver Course",
      "description": "First aid and emergency care in the field.",
      "humanCode": "AR-0801-0032",
      "creditsAvailable": 3,
      "criteria": {"narrative": "Completed the course and its skills test."},
      "alignment": [{
        "type": ["Alignment"],
        "targetName": "Emergency medical care",
        "targetCode": "29-2042.00",
        "targetFramework": "O*NET-SOC",
        "targetType": "ext:Occupation",
        "targetUrl": "https://www.onetonline.org/link/summary/29-2042.00"
      }]
    },
    "result": [{
      "type": ["Result"],
      "resultDescription": "urn:uuid:3d4c1f9a-0c1e-4d7b-9e63-6a2f1f6f0f11",
      "value": "Pass",
      "alignment": [{
        "type": ["Alignment"],
        "targetName": "EMS 101 First Responder",
        "targetCode": "EMS 101",
        "targetFramework": "Foothill College",
        "targetType": "ext:CommunityCollegeCourse",
        "targetUrl": "https://catalog.example.edu/courses/EMS-101"
      }]
    }]
  }
}`

// obCred is a fresh copy of obJSON.
func obCred(t testing.TB) map[string]any { return parse(t, obJSON) }

// clrCred is a conforming CLR 2.0 credential bundling obCred.
func clrCred(t testing.TB) map[string]any {
	d := parse(t, `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:8a1b2c3d-4e5f-4061-8a7b-9c0d1e2f3a4b",
  "type": ["VerifiableCredential", "ClrCredential"],
  "name": "Transcript",
  "issuer": {"id": "did:web:transcripts.example.edu", "type": ["Profile"], "name": "eTranscript California"},
  "validFrom": "2025-06-02T00:00:00Z",
  "credentialSubject": {
    "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "type": ["ClrSubject"],
    "achievement": [
      {"id": "https://transcripts.example.edu/achievements/AR-0801-0032", "type": ["Achievement"], "name": "Combat Lifesaver Course",
       "description": "Listed again at CLR level.", "criteria": {"id": "https://transcripts.example.edu/criteria/1"}},
      {"id": "https://transcripts.example.edu/programs/ems", "type": ["Achievement"], "achievementType": "LearningProgram",
       "name": "EMS pathway", "description": "Program the course belongs to.", "criteria": {"narrative": "All EMS courses."}}
    ],
    "association": [{"type": "Association", "associationType": "isChildOf",
      "sourceId": "https://transcripts.example.edu/achievements/AR-0801-0032", "targetId": "https://transcripts.example.edu/programs/ems"}]
  }
}`)
	obj(d, "credentialSubject")["verifiableCredential"] = []any{obCred(t)}
	return d
}

// obj and arr walk a test document; they panic on a wrong path, which
// fails the test that wrote it.
func obj(d map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		d = d[k].(map[string]any)
	}
	return d
}

func arr(d map[string]any, key string) []any { return d[key].([]any) }
