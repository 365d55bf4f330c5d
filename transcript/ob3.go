package transcript

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// JSON-LD contexts and JSON Schemas the builders name. The contexts are
// embedded in package schemas; nothing fetches them.
const (
	ContextVC2  = "https://www.w3.org/ns/credentials/v2"
	ContextVC11 = "https://www.w3.org/2018/credentials/v1"
	ContextOB3  = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ContextCLR2 = "https://purl.imsglobal.org/spec/clr/v2p0/context.json"
	// ContextOBExt defines the 1EdTech JSON Schema validator type that
	// credentialSchema names.
	ContextOBExt = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	SchemaOB3    = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	SchemaCLR2   = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
	schemaVType  = "1EdTechJsonSchemaValidator2019"
	resultCredit = "ext:EquivalentCreditUnits"
)

// Envelope is the W3C VC data model version a credential is written in.
type Envelope int

// Envelopes. VC 2.0 is the default; VC 1.1 is for relying parties that have
// not moved yet (it uses issuanceDate/expirationDate and is outside the OB 3.0
// JSON Schema, which requires validFrom).
const (
	VC2 Envelope = iota
	VC11
)

// Credential is a W3C verifiable credential as the builders write it, typed
// by its subject: AchievementSubject for OB 3.0, ClrSubject for CLR 2.0. The
// proof is added by the signer.
type Credential[S any] struct {
	Context           []string           `json:"@context"`
	ID                string             `json:"id"`
	Type              []string           `json:"type"`
	Name              string             `json:"name"`
	Description       string             `json:"description,omitempty"`
	Issuer            Profile            `json:"issuer"`
	ValidFrom         string             `json:"validFrom,omitempty"`
	ValidUntil        string             `json:"validUntil,omitempty"`
	IssuanceDate      string             `json:"issuanceDate,omitempty"`
	ExpirationDate    string             `json:"expirationDate,omitempty"`
	AwardedDate       string             `json:"awardedDate,omitempty"`
	CredentialSubject S                  `json:"credentialSubject"`
	Evidence          []EvidenceEntry    `json:"evidence,omitempty"`
	CredentialSchema  []CredentialSchema `json:"credentialSchema,omitempty"`
	CredentialStatus  *Status            `json:"credentialStatus,omitempty"`
}

// AchievementCredential is an OB 3.0 AchievementCredential.
type AchievementCredential = Credential[AchievementSubject]

// ClrCredential is a CLR 2.0 ClrCredential.
type ClrCredential = Credential[ClrSubject]

// Profile is an OB 3.0 Profile (here always an issuing institution).
type Profile struct {
	ID              string            `json:"id"`
	Type            []string          `json:"type"`
	Name            string            `json:"name"`
	URL             string            `json:"url,omitempty"`
	Email           string            `json:"email,omitempty"`
	Address         *Address          `json:"address,omitempty"`
	OtherIdentifier []IdentifierEntry `json:"otherIdentifier,omitempty"`
}

// Address is an OB 3.0 Address.
type Address struct {
	Type               []string `json:"type"`
	StreetAddress      string   `json:"streetAddress,omitempty"`
	AddressLocality    string   `json:"addressLocality,omitempty"`
	AddressRegion      string   `json:"addressRegion,omitempty"`
	PostalCode         string   `json:"postalCode,omitempty"`
	AddressCountryCode string   `json:"addressCountryCode,omitempty"`
}

// IdentifierEntry is an OB 3.0 IdentifierEntry.
type IdentifierEntry struct {
	Type           string `json:"type"`
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifierType"`
}

// IdentityObject names a subject without a DID (OB 3.0).
type IdentityObject struct {
	Type         string `json:"type"`
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Salt         string `json:"salt,omitempty"`
}

// AchievementSubject is the subject of an OB 3.0 AchievementCredential.
type AchievementSubject struct {
	ID                string           `json:"id,omitempty"`
	Type              []string         `json:"type"`
	Identifier        []IdentityObject `json:"identifier,omitempty"`
	Achievement       Achievement      `json:"achievement"`
	CreditsEarned     float64          `json:"creditsEarned,omitempty"`
	Result            []Result         `json:"result,omitempty"`
	Term              string           `json:"term,omitempty"`
	ActivityStartDate string           `json:"activityStartDate,omitempty"`
	ActivityEndDate   string           `json:"activityEndDate,omitempty"`
}

// Achievement is an OB 3.0 Achievement.
type Achievement struct {
	ID                string              `json:"id"`
	Type              []string            `json:"type"`
	AchievementType   string              `json:"achievementType,omitempty"`
	Name              string              `json:"name"`
	Description       string              `json:"description"`
	Criteria          Criteria            `json:"criteria"`
	Creator           *Profile            `json:"creator,omitempty"`
	HumanCode         string              `json:"humanCode,omitempty"`
	CreditsAvailable  float64             `json:"creditsAvailable,omitempty"`
	FieldOfStudy      string              `json:"fieldOfStudy,omitempty"`
	Alignment         []Alignment         `json:"alignment,omitempty"`
	OtherIdentifier   []IdentifierEntry   `json:"otherIdentifier,omitempty"`
	ResultDescription []ResultDescription `json:"resultDescription,omitempty"`
	Tag               []string            `json:"tag,omitempty"`
}

// Criteria is an OB 3.0 Criteria.
type Criteria struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

// Alignment is an OB 3.0 Alignment: a skill, a framework entry, or an
// equivalent community-college course.
type Alignment struct {
	Type              []string `json:"type"`
	TargetName        string   `json:"targetName"`
	TargetURL         string   `json:"targetUrl"`
	TargetCode        string   `json:"targetCode,omitempty"`
	TargetDescription string   `json:"targetDescription,omitempty"`
	TargetFramework   string   `json:"targetFramework,omitempty"`
	TargetType        string   `json:"targetType,omitempty"`
}

// ResultDescription is an OB 3.0 ResultDescription.
type ResultDescription struct {
	ID           string   `json:"id"`
	Type         []string `json:"type"`
	Name         string   `json:"name"`
	ResultType   string   `json:"resultType"`
	AllowedValue []string `json:"allowedValue,omitempty"`
}

// Result is an OB 3.0 Result.
type Result struct {
	Type              []string    `json:"type"`
	ResultDescription string      `json:"resultDescription,omitempty"`
	Value             string      `json:"value,omitempty"`
	Status            string      `json:"status,omitempty"`
	Alignment         []Alignment `json:"alignment,omitempty"`
}

// EvidenceEntry is an OB 3.0 Evidence entry; the builders write one per
// granted course, explaining the equivalency.
type EvidenceEntry struct {
	Type        []string `json:"type"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Narrative   string   `json:"narrative,omitempty"`
	Genre       string   `json:"genre,omitempty"`
}

// CredentialSchema names a JSON Schema the credential claims to satisfy.
type CredentialSchema struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Status is a credentialStatus entry (Bitstring Status List); the issuer
// allocates it.
type Status struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// BuildOptions are what the builders do not decide themselves: identifiers,
// times and randomness come from the caller.
type BuildOptions struct {
	// ID is the credential's id, e.g. "urn:uuid:…".
	ID string
	// Issued is validFrom (issuanceDate under VC 1.1).
	Issued time.Time
	// ValidUntil is optional.
	ValidUntil time.Time
	Envelope   Envelope
	// Salt hashes the learner's e-mail address in the subject's identity
	// object when the learner has no DID; empty leaves it in clear.
	Salt   string
	Status *Status
}

// ErrBuild is matched by every builder error.
var ErrBuild = errors.New("cannot build credential")

func (o BuildOptions) check() error {
	var errs []error
	if u, err := url.Parse(o.ID); err != nil || u.Scheme == "" {
		errs = append(errs, fmt.Errorf("credential id %q is not a URI", o.ID))
	}
	if o.Issued.IsZero() {
		errs = append(errs, errors.New("issue time is required"))
	}
	if !o.ValidUntil.IsZero() && !o.ValidUntil.After(o.Issued) {
		errs = append(errs, errors.New("validUntil is not after the issue time"))
	}
	return errors.Join(errs...)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (o BuildOptions) envelope(ctx ...string) (contexts []string, validFrom, validUntil, issuance, expiration string) {
	if o.Envelope == VC11 {
		contexts = append([]string{ContextVC11}, ctx...)
		issuance = stamp(o.Issued)
		if !o.ValidUntil.IsZero() {
			expiration = stamp(o.ValidUntil)
		}
		return
	}
	contexts = append([]string{ContextVC2}, ctx...)
	validFrom = stamp(o.Issued)
	if !o.ValidUntil.IsZero() {
		validUntil = stamp(o.ValidUntil)
	}
	return
}

// ProfileOf is the institution as an OB 3.0 issuer Profile.
func ProfileOf(in Institution) Profile {
	p := Profile{ID: in.ID, Type: []string{"Profile"}, Name: in.Name, URL: in.URL, Email: in.Email}
	loc := in.Location
	if loc != (Location{}) {
		p.Address = &Address{Type: []string{"Address"}, StreetAddress: loc.Street, AddressLocality: loc.City,
			AddressRegion: loc.Region, PostalCode: loc.PostalCode, AddressCountryCode: loc.Country}
	}
	if in.Accreditation.Value != "" {
		p.OtherIdentifier = []IdentifierEntry{{Type: "IdentifierEntry", Identifier: in.Accreditation.Value,
			IdentifierType: "ext:" + identToken(in.Accreditation.Scheme)}}
	}
	return p
}

// identToken makes an identifier-type token (letters and digits) for the
// "ext:" extension values OB 3.0 allows.
func identToken(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// subjectOf names the learner: their DID, or an identity object.
func subjectOf(l Learner, salt string) (id string, ident []IdentityObject) {
	if l.DID != "" {
		return l.DID, nil
	}
	io := IdentityObject{Type: "IdentityObject", IdentityType: "emailAddress", IdentityHash: l.Email}
	if salt != "" {
		sum := sha256.Sum256([]byte(l.Email + salt))
		io.Hashed, io.IdentityHash, io.Salt = true, "sha256$"+hex.EncodeToString(sum[:]), salt
	}
	return "", []IdentityObject{io}
}

// AchievementID is the stable id of the achievement a record documents: the
// same source learning at the same institution is the same achievement,
// whoever earned it.
func AchievementID(in Institution, r Record) (string, error) {
	base, err := DIDWebURL(in.ID)
	if err != nil {
		return "", err
	}
	return base + "/achievements/" + string(r.Kind) + "/" + url.PathEscape(normCode(r.SourceID())), nil
}

// BuildAchievement writes the OB 3.0 credential for one record and its
// mapping: the achievement describes the source learning; results state the
// grade or hours and each granted community-college course, with an
// alignment to the course whose description names the table row that granted
// it; evidence entries explain each grant in words.
func BuildAchievement(in Institution, l Learner, r Record, m Mapping, opt BuildOptions) (AchievementCredential, error) {
	var errs []error
	for _, err := range []error{in.Validate(), l.Validate(), r.Validate(), opt.check()} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if r.Institution != in.Slug {
		errs = append(errs, fmt.Errorf("record %s comes from %q, not %q", r.ID, r.Institution, in.Slug))
	}
	if r.Learner != l.ID {
		errs = append(errs, fmt.Errorf("record %s is learner %q's, not %q's", r.ID, r.Learner, l.ID))
	}
	if m.Record != r.ID {
		errs = append(errs, fmt.Errorf("mapping is for record %q, not %q", m.Record, r.ID))
	}
	if err := errors.Join(errs...); err != nil {
		return AchievementCredential{}, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	ach, err := achievementOf(in, r, m)
	if err != nil {
		return AchievementCredential{}, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	subj := AchievementSubject{Type: []string{"AchievementSubject"}, Achievement: ach, Result: resultsOf(ach, r, m)}
	subj.ID, subj.Identifier = subjectOf(l, opt.Salt)
	switch {
	case r.Course != nil:
		subj.Term = r.Course.Term
		subj.CreditsEarned = r.Course.Units
	default:
		subj.CreditsEarned = m.Units()
	}
	if r.Military != nil && !r.Military.Started.IsZero() {
		subj.ActivityStartDate = stamp(r.Military.Started.Time())
		subj.ActivityEndDate = stamp(r.Military.Completed.Time())
	}
	ctx, vf, vu, iss, exp := opt.envelope(ContextOB3, ContextOBExt)
	c := AchievementCredential{
		Context: ctx, ID: opt.ID, Type: []string{"VerifiableCredential", "AchievementCredential"},
		Name:        ach.Name,
		Description: fmt.Sprintf("%s records that %s completed %s.", in.Name, l.Name(), ach.Name),
		Issuer:      ProfileOf(in), ValidFrom: vf, ValidUntil: vu, IssuanceDate: iss, ExpirationDate: exp,
		AwardedDate:       stamp(r.Completed().Time()),
		CredentialSubject: subj,
		CredentialStatus:  opt.Status,
	}
	if opt.Envelope == VC2 {
		c.CredentialSchema = []CredentialSchema{{ID: SchemaOB3, Type: schemaVType}}
	}
	for _, g := range m.Grants {
		c.Evidence = append(c.Evidence, EvidenceEntry{Type: []string{"Evidence"},
			Name:        "Credit for prior learning: " + g.Course.Label(),
			Description: g.Explanation, Genre: "Equivalency determination",
			Narrative: fmt.Sprintf("Equivalency %s. Approved by %s on %s.", g.Rule, g.Authority, g.Approved)})
	}
	return c, nil
}

func achievementOf(in Institution, r Record, m Mapping) (Achievement, error) {
	id, err := AchievementID(in, r)
	if err != nil {
		return Achievement{}, err
	}
	a := Achievement{ID: id, Type: []string{"Achievement"}, Name: r.Title(), HumanCode: r.SourceID(),
		Creator: &Profile{ID: in.ID, Type: []string{"Profile"}, Name: in.Name}}
	a.Description = r.Description()
	switch {
	case r.Course != nil:
		w := r.Course
		a.AchievementType = "Course"
		a.CreditsAvailable = w.Units
		if a.Description == "" {
			a.Description = fmt.Sprintf("%s course %s %s.", in.Name, w.Code, w.Title)
		}
		if w.Noncredit {
			a.Criteria.Narrative = fmt.Sprintf("Complete the noncredit course %s (%g hours) with a passing mark.", w.Code, w.Hours)
		} else {
			a.Criteria.Narrative = fmt.Sprintf("Complete %s (%g semester units) with a passing grade.", w.Code, w.Units)
		}
		if w.CID != "" {
			a.Alignment = append(a.Alignment, Alignment{Type: []string{"Alignment"}, TargetName: "C-ID " + w.CID,
				TargetURL: "https://c-id.net/", TargetCode: w.CID, TargetFramework: "C-ID", TargetType: "ext:CIDDescriptor"})
		}
		a.ResultDescription = append(a.ResultDescription, ResultDescription{ID: id + "#grade", Type: []string{"ResultDescription"},
			Name: "Final grade", ResultType: "LetterGrade",
			AllowedValue: []string{"A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F", "P", "NP", "CR", "NC"}})
	case r.Certificate != nil:
		ce := r.Certificate
		a.AchievementType = "CertificateOfCompletion"
		if a.Description == "" {
			a.Description = fmt.Sprintf("%s certificate programme %s.", in.Name, ce.Program)
		}
		a.Criteria.Narrative = fmt.Sprintf("Complete the %g-hour %s programme.", ce.Hours, ce.Program)
		if ce.Level > 0 {
			a.Criteria.Narrative += fmt.Sprintf(" Exit at NRS level %d (%s) on a CASAS assessment.", ce.Level, ce.LevelName)
		}
		a.ResultDescription = append(a.ResultDescription, hoursDescription(id))
		if ce.Level > 0 {
			a.ResultDescription = append(a.ResultDescription, ResultDescription{ID: id + "#level", Type: []string{"ResultDescription"},
				Name: "NRS educational functioning level (CASAS)", ResultType: "PerformanceLevel"})
		}
	case r.Competency != nil:
		co := r.Competency
		a.AchievementType = "Competency"
		a.FieldOfStudy = co.Occupation
		if a.Description == "" {
			a.Description = fmt.Sprintf("%s competency %s for the %s apprenticeship.", in.Name, co.Name, co.Occupation)
		}
		a.Criteria.Narrative = fmt.Sprintf("Demonstrate the competency on the job or in related instruction (%s, %g hours), signed off by a journeyworker.", strings.ToUpper(co.Block), co.Hours)
		a.OtherIdentifier = append(a.OtherIdentifier, IdentifierEntry{Type: "IdentifierEntry", Identifier: co.ONETSOC, IdentifierType: "ext:ONETSOC"})
		a.ResultDescription = append(a.ResultDescription, hoursDescription(id))
	case r.Military != nil:
		mt := r.Military
		a.AchievementType = "Course"
		if strings.Count(mt.ACEID, "-") == 3 {
			a.AchievementType = "ext:MilitaryOccupation"
		}
		if a.Description == "" {
			a.Description = fmt.Sprintf("%s training %s, evaluated by the American Council on Education as %s.", mt.Branch, mt.Title, mt.ACEID)
		}
		var recs []string
		for _, c := range mt.Credit {
			recs = append(recs, fmt.Sprintf("%g semester hours %s in %s", c.Hours, c.Level, c.Subject))
		}
		a.Criteria.Narrative = "Complete the course as recorded on the Joint Services Transcript."
		if len(recs) > 0 {
			a.Criteria.Narrative += " ACE credit recommendation: " + strings.Join(recs, "; ") + "."
		}
		a.OtherIdentifier = append(a.OtherIdentifier, IdentifierEntry{Type: "IdentifierEntry", Identifier: mt.ACEID, IdentifierType: "ext:ACEIdentifier"})
	}
	for _, s := range m.Skills {
		a.Alignment = append(a.Alignment, skillAlignment(s))
	}
	if len(m.Grants) > 0 {
		a.ResultDescription = append(a.ResultDescription, ResultDescription{ID: id + "#equivalent-credit", Type: []string{"ResultDescription"},
			Name: "Equivalent community college credit (semester units)", ResultType: resultCredit})
	}
	return a, nil
}

func hoursDescription(id string) ResultDescription {
	return ResultDescription{ID: id + "#hours", Type: []string{"ResultDescription"}, Name: "Hours completed", ResultType: "ext:ContactHours"}
}

func skillAlignment(s Skill) Alignment {
	return Alignment{Type: []string{"Alignment"}, TargetName: s.Name, TargetURL: s.URL, TargetCode: s.Code,
		TargetFramework: s.Framework, TargetType: "ceasn:Competency"}
}

// CourseAlignment states a granted community-college course as an alignment;
// its description is the grant's explanation, naming the table row.
func CourseAlignment(g Grant) Alignment {
	return Alignment{Type: []string{"Alignment"}, TargetName: g.Course.Label(), TargetURL: g.Course.URL,
		TargetCode: g.Course.Code, TargetDescription: g.Explanation, TargetFramework: g.Course.College,
		TargetType: "ext:CommunityCollegeCourse"}
}

func resultsOf(a Achievement, r Record, m Mapping) []Result {
	var out []Result
	switch {
	case r.Course != nil:
		out = append(out, Result{Type: []string{"Result"}, ResultDescription: a.ID + "#grade", Value: string(r.Course.Grade)})
	case r.Certificate != nil:
		out = append(out, Result{Type: []string{"Result"}, ResultDescription: a.ID + "#hours", Value: fmt.Sprint(r.Certificate.Hours), Status: "Completed"})
		if r.Certificate.Level > 0 {
			out = append(out, Result{Type: []string{"Result"}, ResultDescription: a.ID + "#level", Value: fmt.Sprint(r.Certificate.Level)})
		}
	case r.Competency != nil:
		out = append(out, Result{Type: []string{"Result"}, ResultDescription: a.ID + "#hours", Value: fmt.Sprint(r.Competency.Hours), Status: "Completed"})
	}
	for _, g := range m.Grants {
		out = append(out, Result{Type: []string{"Result"}, ResultDescription: a.ID + "#equivalent-credit",
			Value: fmt.Sprint(g.Course.Units), Alignment: []Alignment{CourseAlignment(g)}})
	}
	return out
}

// ClrSubject is the subject of a CLR 2.0 ClrCredential.
type ClrSubject struct {
	ID                   string            `json:"id,omitempty"`
	Type                 []string          `json:"type"`
	Identifier           []IdentityObject  `json:"identifier,omitempty"`
	VerifiableCredential []json.RawMessage `json:"verifiableCredential"`
	Achievement          []Achievement     `json:"achievement,omitempty"`
	Association          []Association     `json:"association,omitempty"`
}

// Association is a CLR 2.0 Association between two achievements.
type Association struct {
	Type            string `json:"type"`
	AssociationType string `json:"associationType"`
	SourceID        string `json:"sourceId"`
	TargetID        string `json:"targetId"`
}

// CLRItem is one record in a transcript: the record, its mapping, and the
// AchievementCredential already issued for it. The builder does not check
// the nested credential's proof (it has no keys); the issuer verifies each one
// before it builds the transcript.
type CLRItem struct {
	Record     Record
	Mapping    Mapping
	Credential json.RawMessage
}

// MaxCLRItems bounds one transcript.
const MaxCLRItems = 500

// BuildCLR writes a CLR 2.0 transcript of a learner's records at one
// institution: the signed AchievementCredentials, their achievements, an
// achievement for every community-college course granted, and an
// "exactMatchOf" association from each source achievement to each course it
// was found equivalent to.
func BuildCLR(in Institution, l Learner, items []CLRItem, opt BuildOptions) (ClrCredential, error) {
	var errs []error
	for _, err := range []error{in.Validate(), l.Validate(), opt.check()} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(items) == 0 || len(items) > MaxCLRItems {
		errs = append(errs, fmt.Errorf("a transcript holds 1 to %d records, not %d", MaxCLRItems, len(items)))
	}
	// A learner without a DID is named only inside each nested credential:
	// the published CLR 2.0 context (context.json, the one we embed) does
	// not define ClrSubject's "identifier", and an undefined term would be
	// neither signed nor verified.
	subj := ClrSubject{Type: []string{"ClrSubject"}}
	subj.ID, _ = subjectOf(l, opt.Salt)
	seen := map[string]bool{}
	addAch := func(a Achievement) {
		if !seen[a.ID] {
			seen[a.ID] = true
			subj.Achievement = append(subj.Achievement, a)
		}
	}
	for i, it := range items {
		if it.Record.Learner != l.ID || it.Record.Institution != in.Slug || it.Mapping.Record != it.Record.ID {
			errs = append(errs, fmt.Errorf("items[%d]: record %s is not learner %s's record at %s with its mapping", i, it.Record.ID, l.ID, in.Slug))
			continue
		}
		if err := checkNested(it.Credential); err != nil {
			errs = append(errs, fmt.Errorf("items[%d]: %w", i, err))
			continue
		}
		a, err := achievementOf(in, it.Record, it.Mapping)
		if err != nil {
			errs = append(errs, fmt.Errorf("items[%d]: %w", i, err))
			continue
		}
		subj.VerifiableCredential = append(subj.VerifiableCredential, it.Credential)
		addAch(a)
		for _, g := range it.Mapping.Grants {
			ca := courseAchievement(g)
			addAch(ca)
			subj.Association = append(subj.Association, Association{Type: "Association", AssociationType: "exactMatchOf", SourceID: a.ID, TargetID: ca.ID})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return ClrCredential{}, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	ctx, vf, vu, iss, exp := opt.envelope(ContextCLR2, ContextOB3, ContextOBExt)
	c := ClrCredential{
		Context: ctx, ID: opt.ID, Type: []string{"VerifiableCredential", "ClrCredential"},
		Name:        fmt.Sprintf("%s: learner record of %s", in.Name, l.Name()),
		Description: fmt.Sprintf("Comprehensive learner record of %d achievements at %s, with the community college credit they are equivalent to.", len(subj.VerifiableCredential), in.Name),
		Issuer:      ProfileOf(in), ValidFrom: vf, ValidUntil: vu, IssuanceDate: iss, ExpirationDate: exp,
		CredentialSubject: subj, CredentialStatus: opt.Status,
	}
	if opt.Envelope == VC2 {
		c.CredentialSchema = []CredentialSchema{{ID: SchemaCLR2, Type: schemaVType}}
	}
	return c, nil
}

// courseAchievement describes a granted community-college course as an
// achievement of its own, identified by its catalogue URL.
func courseAchievement(g Grant) Achievement {
	c := g.Course
	a := Achievement{ID: c.URL, Type: []string{"Achievement"}, AchievementType: "Course",
		Name: c.Code + " " + c.Title, HumanCode: c.Code, CreditsAvailable: c.Units,
		Description: fmt.Sprintf("%s course %s %s, %g semester units.", c.College, c.Code, c.Title, c.Units),
		Criteria:    Criteria{Narrative: "Credit granted by equivalency: " + g.Explanation}}
	if c.CID != "" {
		a.Alignment = []Alignment{{Type: []string{"Alignment"}, TargetName: "C-ID " + c.CID, TargetURL: "https://c-id.net/",
			TargetCode: c.CID, TargetFramework: "C-ID", TargetType: "ext:CIDDescriptor"}}
	}
	return a
}

// checkNested makes sure a nested credential is a JSON-LD AchievementCredential
// object (not a JWT string or some other document).
func checkNested(raw json.RawMessage) error {
	var probe struct {
		ID   string          `json:"id"`
		Type json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return fmt.Errorf("the nested credential is not a JSON object: %w", err)
	}
	var types []string
	if json.Unmarshal(probe.Type, &types) != nil {
		var one string
		if json.Unmarshal(probe.Type, &one) == nil {
			types = []string{one}
		}
	}
	for _, t := range types {
		if t == "AchievementCredential" || t == "OpenBadgeCredential" {
			return nil
		}
	}
	return fmt.Errorf("the nested credential %q is not an AchievementCredential", probe.ID)
}
