package model

import (
	"fmt"
	"time"
)

// Version is the W3C VC Data Model version a document declares through the
// first item of its @context.
type Version int

const (
	// Unknown: the @context names neither base context.
	Unknown Version = iota
	// V1 is VC Data Model 1.1 (https://www.w3.org/2018/credentials/v1).
	V1
	// V2 is VC Data Model 2.0 (https://www.w3.org/ns/credentials/v2).
	V2
)

// String returns "1.1", "2.0" or "unknown".
func (v Version) String() string {
	switch v {
	case V1:
		return "1.1"
	case V2:
		return "2.0"
	}
	return "unknown"
}

// Kind says whether a document is a credential or a presentation.
type Kind string

const (
	Credential   Kind = "credential"
	Presentation Kind = "presentation"
)

// Limits on the work Check does, whatever the document. Going past one is a
// finding (max-depth, max-size, max-credentials, max-findings), not a panic
// or an unbounded walk.
const (
	// MaxDepth is how deeply objects and arrays may nest.
	MaxDepth = 64
	// MaxValues is how many JSON values (objects, arrays, scalars) Check
	// looks at when it measures the document.
	MaxValues = 1 << 20
	// MaxCredentials is how many embedded credentials (in a presentation,
	// in a CLR, at any depth) Check visits.
	MaxCredentials = 1000
	// MaxFindings is how many findings Check returns; one more says the
	// rest were dropped.
	MaxFindings = 1000
)

// Finding is one violation of a normative requirement.
type Finding struct {
	// Path locates the offending value: "issuer.id",
	// "credentialSubject[0].id", "verifiableCredential[1].type". It is
	// empty for the document as a whole.
	Path string
	// Rule is a short stable name, such as "context-first" or
	// "ob-achievement-name"; RuleDescription explains it.
	Rule string
	// Detail is a plain sentence for people.
	Detail string
}

// String formats the finding as "path: detail (rule)".
func (f Finding) String() string {
	if f.Path == "" {
		return fmt.Sprintf("%s (%s)", f.Detail, f.Rule)
	}
	return fmt.Sprintf("%s: %s (%s)", f.Path, f.Detail, f.Rule)
}

// Summary is what the verifier's report and the skills matcher need from a
// credential or presentation, read whether or not it conforms (values that
// are missing or malformed are left empty).
type Summary struct {
	Kind    Kind
	Version Version
	// Types are the document's type values, in order.
	Types []string
	// ID is the document's id.
	ID string
	// Name is the credential's name (the first one, for several languages).
	Name string
	// Issuer is the issuer's URL: the issuer string, or issuer.id.
	Issuer string
	// IssuerName is issuer.name when the issuer is an object.
	IssuerName string
	// Holder is a presentation's holder URL (holder, or holder.id).
	Holder string
	// Subjects are the ids of the credential subjects that have one.
	Subjects []string
	// ValidFrom and ValidUntil are validFrom and validUntil; for VC 1.1,
	// issuanceDate and expirationDate (validFrom and validUntil when those
	// are absent). Zero when absent or malformed.
	ValidFrom, ValidUntil time.Time
	// IsOB3 is true for an Open Badges 3.0 AchievementCredential (type
	// AchievementCredential or OpenBadgeCredential); IsCLR for a CLR 2.0
	// ClrCredential; IsEndorsement for an OB 3.0 EndorsementCredential.
	IsOB3, IsCLR, IsEndorsement bool
	// Achievements are the OB 3.0 achievements the document carries: the
	// credentialSubject.achievement of an AchievementCredential; for a CLR,
	// those of its nested credentials (Awarded) followed by the entries of
	// credentialSubject.achievement that no nested credential awards. A
	// presentation has none of its own: see Credentials.
	Achievements []Achievement
	// Credentials summarise the embedded credentials: a presentation's
	// verifiableCredential entries, a CLR's
	// credentialSubject.verifiableCredential entries, in order.
	Credentials []Summary
}

// Achievement is an OB 3.0 achievement as the skills matcher reads it.
type Achievement struct {
	ID          string
	Name        string
	Description string
	// Type is the achievementType: "Course", "Certificate", "Competency",
	// "ext:…".
	Type         string
	HumanCode    string
	FieldOfStudy string
	// CreditsAvailable is the achievement's creditsAvailable, and
	// CreditsEarned the subject's creditsEarned; 0 when absent.
	CreditsAvailable float64
	CreditsEarned    float64
	// Alignments are the achievement's own alignments: the skills,
	// competencies and occupations it stands for.
	Alignments []Alignment
	// Results are the subject's results for this achievement.
	Results []Result
	// ResultAlignments are the alignments of all Results, in order: for
	// Satchel's equivalency-mapped records, the community-college courses
	// the learning is equivalent to (targetType "ext:CommunityCollegeCourse").
	ResultAlignments []Alignment
	// Awarded is true when a credential asserts that its subject achieved
	// it (an AchievementSubject's achievement), false for an entry of a
	// CLR's credentialSubject.achievement list.
	Awarded bool
	// CredentialID and Issuer identify the credential the achievement was
	// read from (for a CLR, the nested credential that awards it).
	CredentialID string
	Issuer       string
	// Path locates the achievement in the checked document.
	Path string
}

// Alignment is an OB 3.0 Alignment: a node in a framework (a skill, a
// competency, a course) the achievement or result aligns to.
type Alignment struct {
	TargetName        string
	TargetCode        string
	TargetFramework   string
	TargetType        string
	TargetURL         string
	TargetDescription string
}

// Result is an OB 3.0 Result: what the subject achieved (a grade, a status,
// a rubric level), with its alignments.
type Result struct {
	// ResultDescription is the id of the achievement's ResultDescription
	// this result answers.
	ResultDescription string
	Value             string
	Status            string
	AchievedLevel     string
	Alignments        []Alignment
}

// Check inspects a decoded JSON-LD credential or presentation and returns
// its summary and every violation of the VC Data Model 1.1 or 2.0 (by the
// document's @context), and, for Open Badges 3.0 and CLR 2.0 credentials,
// of those specifications. No findings (nil) means the document conforms.
//
// doc is what encoding/json produces (map[string]any, []any, string,
// float64 or json.Number, bool, nil); any other Go value is treated as a
// non-conforming JSON value. Check never panics and its work is bounded
// (MaxDepth, MaxValues, MaxCredentials, MaxFindings). It does not expand
// JSON-LD, fetch anything, look at proofs, or compare dates with the clock.
func Check(doc map[string]any) (Summary, []Finding) {
	c := &checker{}
	budget := MaxValues
	switch deep, big := measure(doc, 1, &budget); {
	case deep:
		c.add("", "max-depth", "the document nests deeper than %d levels; deeper values were not checked", MaxDepth)
	case big:
		c.add("", "max-size", "the document has more than %d values; not all of it was checked", MaxValues)
	}
	sum := c.document(doc, "", 1)
	return sum, c.result()
}

// measure reports whether v nests deeper than MaxDepth or holds more than
// budget values, stopping as soon as it knows.
func measure(v any, depth int, budget *int) (deep, big bool) {
	if *budget--; *budget < 0 {
		return false, true
	}
	if depth > MaxDepth {
		switch v.(type) {
		case map[string]any, []any:
			return true, false
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if deep, big = measure(e, depth+1, budget); deep || big {
				return deep, big
			}
		}
	case []any:
		for _, e := range x {
			if deep, big = measure(e, depth+1, budget); deep || big {
				return deep, big
			}
		}
	}
	return false, false
}
