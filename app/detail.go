package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/wallet"
)

// DetailVM is the record detail screen's model: the achievement as a
// person reads it, the college credit it carries and why, its skills, and
// the verification report behind "Details".
type DetailVM struct {
	ID int64
	// Kind names the kind of learning; KindOf is it.
	Kind        string
	KindOf      wallet.Kind
	Title       string
	Description string
	// Criteria says what it took to earn it.
	Criteria string
	Issuer   string
	Initials string
	// Trust says whether a trusted registry recognises the issuer.
	Trust   string
	TrustOK bool
	Badge   Badge
	// Dates are labelled dates: completed, issued, expires, checked.
	Dates []Field
	// Credits are the equivalent community-college courses; CreditTotal
	// sums their units, NoCredit says why there are none.
	Credits     []CreditVM
	CreditTotal string
	NoCredit    string
	Skills      []string
	// Checks are the last verification's findings; Facts the technical
	// details (format, identifiers).
	Checks []CheckVM
	Facts  []Field
	// Portfolios lists the portfolios the record is in.
	Portfolios []string
}

// Field is a labelled value.
type Field struct{ Label, Value string }

// CheckVM is one verification finding.
type CheckVM struct {
	Name   string
	OK     bool
	Detail string
}

// CreditVM is one equivalent community-college course and the rule that
// granted it.
type CreditVM struct {
	// Course is the code and title ("EMS 101 Emergency Medical
	// Technician"), College where it is taught.
	Course  string
	College string
	CID     string
	Units   string
	// Rule names the equivalency table row ("table military-cpl v2025.1
	// row M01") and Table the table's title.
	Rule       string
	Table      string
	Conditions string
	// Approved says who approved the row and when.
	Approved string
	// Explanation is the issuer's own sentence, whole; the screen shows it
	// when it could not be read into the fields above.
	Explanation string
	Parsed      bool
}

// LoadDetail reads a record for the detail screen. The credential is read
// again from the bytes it arrived as (verified offline, not recorded) for
// what the wallet's list does not keep: criteria, the achievement's own
// description, units and dates.
func LoadDetail(ctx context.Context, s *Session, id int64) (DetailVM, error) {
	w, err := s.Wallet(ctx)
	if err != nil {
		return DetailVM{}, err
	}
	c, err := w.Store.Credential(ctx, id)
	if err != nil {
		return DetailVM{}, err
	}
	vo := w.Verifier
	vo.Now = s.now()
	fresh, err := verifier.Verify(ctx, c.Raw, vo)
	doc := fresh.Document
	if err != nil {
		doc = nil // unreadable now: show what the wallet kept
	}
	rep := parseReport(c.Report)
	vm := DetailVM{ID: c.ID, Kind: walletKindLabel(c.Kind), KindOf: c.Kind, Title: c.Title, Issuer: c.IssuerName,
		Badge: BadgeOf(c.Entry, rep, vo.Trust, s.now())}
	if vm.Issuer == "" {
		vm.Issuer = c.IssuerID
	}
	vm.Initials = initials(vm.Issuer)
	switch is, ok := vo.Trust.Lookup(c.IssuerID); {
	case vo.Trust == nil:
		vm.Trust = lang.L("No trusted registry is loaded: add one in Settings to check who issued your records.")
	case ok:
		vm.Trust, vm.TrustOK = lang.L("Recognised by {{.Registry}} as {{.Name}}", map[string]any{"Registry": vo.Trust.Name, "Name": is.Name}), true
	default:
		vm.Trust = lang.L("Not in your trusted registries ({{.Registry}})", map[string]any{"Registry": vo.Trust.Name})
	}

	ach := achievementOf(doc)
	vm.Description = str(ach, "description")
	if vm.Description == "" {
		vm.Description = c.Description
	}
	vm.Criteria = str(obj(ach, "criteria"), "narrative")

	if d := dateOf(str(doc, "awardedDate")); !d.IsZero() {
		vm.Dates = append(vm.Dates, Field{lang.L("Completed"), formatDate(d)})
	}
	if !c.IssuedAt.IsZero() {
		vm.Dates = append(vm.Dates, Field{lang.L("Issued"), formatDate(c.IssuedAt)})
	}
	if !c.ExpiresAt.IsZero() {
		vm.Dates = append(vm.Dates, Field{lang.L("Expires"), formatDate(c.ExpiresAt)})
	}
	vm.Dates = append(vm.Dates, Field{lang.L("Added to your wallet"), formatDate(c.AddedAt)})
	if !c.VerifiedAt.IsZero() {
		vm.Dates = append(vm.Dates, Field{lang.L("Last checked"), formatDate(c.VerifiedAt)})
	}

	units := resultUnits(doc)
	var total float64
	for _, cr := range c.Credits {
		cv := creditVM(cr)
		if u, ok := units[normCourse(cr.Course)]; ok {
			cv.Units = formatUnits(u)
			total += u
		} else if e := parseExplanation(cr.Explanation); e.Units > 0 {
			total += e.Units
		}
		vm.Credits = append(vm.Credits, cv)
	}
	if total > 0 {
		vm.CreditTotal = lang.L("Worth {{.Units}} of community-college credit", map[string]any{"Units": formatUnits(total)})
	}
	if len(c.Credits) == 0 {
		if c.Kind == wallet.KindCollege {
			vm.NoCredit = lang.L("This is a college course: it counts as itself. No other college has an equivalency for it in the tables the issuer used.")
		} else {
			vm.NoCredit = lang.L("No equivalent college credit is recorded for this learning. A college may still grant credit for prior learning if you ask.")
		}
	}
	for _, sk := range c.Skills {
		name := sk.Name
		if sk.Code != "" && sk.Code != sk.Name {
			name += " (" + sk.Code + ")"
		}
		vm.Skills = append(vm.Skills, name)
	}
	if rep != nil {
		for _, ch := range rep.Checks {
			vm.Checks = append(vm.Checks, CheckVM{Name: checkName(ch.Check), OK: ch.OK, Detail: ch.Detail})
		}
		for _, e := range rep.Errors {
			vm.Checks = append(vm.Checks, CheckVM{Name: lang.L("Error"), Detail: e})
		}
	}
	format := c.Format
	if c.Container != "" {
		format += " (" + strings.ToUpper(c.Container) + ")"
	}
	vm.Facts = []Field{{lang.L("Format"), format}, {lang.L("Issuer ID"), c.IssuerID}}
	if c.CredentialID != "" {
		vm.Facts = append(vm.Facts, Field{lang.L("Credential ID"), c.CredentialID})
	}
	if c.KeptUnverified {
		vm.Facts = append(vm.Facts, Field{lang.L("Kept"), lang.L("You kept this record although it did not verify.")})
	}
	ps, err := w.Store.Portfolios(ctx)
	if err != nil {
		return DetailVM{}, err
	}
	for _, p := range ps {
		for _, it := range p.Items {
			if it.ID == id {
				vm.Portfolios = append(vm.Portfolios, p.Name)
			}
		}
	}
	return vm, nil
}

func creditVM(cr wallet.Credit) CreditVM {
	e := parseExplanation(cr.Explanation)
	cv := CreditVM{Course: e.Course, College: cr.College, CID: e.CID, Rule: e.Rule, Table: e.Table,
		Conditions: e.Conditions, Explanation: cr.Explanation, Parsed: e.OK}
	if cv.Course == "" {
		cv.Course = strings.TrimSuffix(cr.Title, " ("+cr.College+")")
	}
	if cv.Course == "" {
		cv.Course = cr.Course
	}
	if cv.College == "" {
		cv.College = e.College
	}
	if e.Units > 0 {
		cv.Units = formatUnits(e.Units)
	}
	if e.Authority != "" {
		cv.Approved = lang.L("Approved by {{.Who}} on {{.Date}}", map[string]any{"Who": e.Authority, "Date": formatISODate(e.Approved)})
	}
	return cv
}

// explanation is a grant's explanation as the issuer's equivalency engine
// writes it (transcript's explain): "EMS 101 Emergency Medical Technician
// (Sierra Vista Community College, 5 units, C-ID EMS 100) for … "X" Title,
// completed 2019-08-23 (conditions met: …): granted by equivalency table T
// V row R, Table title, approved by A on 2025-05-20."
type explanation struct {
	Course, College, CID string
	Units                float64
	Source, Completed    string
	Conditions           string
	Rule, Table          string
	Authority, Approved  string
	OK                   bool
}

var explanationRE = regexp.MustCompile(`^(.+?) \(([^()]*?), ([0-9.]+) units?(?:, C-ID ([^)]+))?\) for (.+), completed (\d{4}-\d{2}-\d{2})(?: \(conditions met: (.+?)\))?: granted by equivalency (table \S+ \S+ row \S+), (.+), approved by (.+) on (\d{4}-\d{2}-\d{2})\.$`)

// parseExplanation reads an explanation into its parts; OK is false (and
// the caller shows the sentence whole) when it is written otherwise.
func parseExplanation(s string) explanation {
	m := explanationRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return explanation{}
	}
	u, _ := strconv.ParseFloat(m[3], 64)
	return explanation{Course: m[1], College: m[2], Units: u, CID: m[4], Source: m[5], Completed: m[6],
		Conditions: m[7], Rule: m[8], Table: m[9], Authority: m[10], Approved: m[11], OK: true}
}

func normCourse(code string) string {
	return strings.ToUpper(strings.Join(strings.Fields(code), " "))
}

// resultUnits reads, from the credential's results, the units granted for
// each equivalent course (by course code).
func resultUnits(doc map[string]any) map[string]float64 {
	out := map[string]float64{}
	subj := subjectOf(doc)
	results, _ := subj["result"].([]any)
	for _, r := range results {
		rm, _ := r.(map[string]any)
		v, err := strconv.ParseFloat(str(rm, "value"), 64)
		if err != nil {
			continue
		}
		al, _ := rm["alignment"].([]any)
		for _, a := range al {
			am, _ := a.(map[string]any)
			if str(am, "targetType") == "ext:CommunityCollegeCourse" && str(am, "targetCode") != "" {
				out[normCourse(str(am, "targetCode"))] = v
			}
		}
	}
	return out
}

func subjectOf(doc map[string]any) map[string]any {
	switch s := doc["credentialSubject"].(type) {
	case map[string]any:
		return s
	case []any:
		if len(s) > 0 {
			m, _ := s[0].(map[string]any)
			return m
		}
	}
	return nil
}

func achievementOf(doc map[string]any) map[string]any {
	return obj(subjectOf(doc), "achievement")
}

func obj(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

// str reads a string, or the first string of a language map or list.
func str(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				return s
			}
			if xm, ok := x.(map[string]any); ok {
				if s, ok := xm["@value"].(string); ok {
					return s
				}
			}
		}
	case map[string]any:
		if s, ok := v["@value"].(string); ok {
			return s
		}
	}
	return ""
}

func dateOf(s string) time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func checkName(c string) string {
	switch c {
	case verifier.CheckFormat:
		return lang.L("Format")
	case verifier.CheckDataModel:
		return lang.L("Well-formed")
	case verifier.CheckProof:
		return lang.L("Signature")
	case verifier.CheckIssuerKey:
		return lang.L("Issuer's key")
	case verifier.CheckValidity:
		return lang.L("Dates")
	case verifier.CheckStatus:
		return lang.L("Not revoked")
	case verifier.CheckTrust:
		return lang.L("Recognised issuer")
	case verifier.CheckHolder:
		return lang.L("Holder")
	}
	return c
}

// Recheck verifies the record again, offline, and records the outcome.
func Recheck(ctx context.Context, s *Session, id int64) error {
	w, err := s.Wallet(ctx)
	if err != nil {
		return err
	}
	_, _, err = w.Recheck(ctx, id)
	return err
}

// ShareFile is a record as it arrived, to save or send: its bytes and a file
// name.
func ShareFile(ctx context.Context, s *Session, id int64) (name string, data []byte, err error) {
	st, err := s.unlockedStore()
	if err != nil {
		return "", nil, err
	}
	c, err := st.Credential(ctx, id)
	if err != nil {
		return "", nil, err
	}
	ext := ".json"
	switch {
	case c.Container != "":
		ext = "." + c.Container
	case !strings.HasPrefix(strings.TrimSpace(string(c.Raw)), "{"):
		ext = ".jwt"
	}
	return fileName(c.Title) + ext, c.Raw, nil
}

// fileName makes a safe file name from a title.
func fileName(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 60 {
		s = strings.TrimSuffix(s[:60], "-")
	}
	if s == "" {
		s = "record"
	}
	return s
}

// ErrInPortfolio: a record in a portfolio is not deleted; the learner takes
// it out of its portfolios first.
var ErrInPortfolio = errors.New("the record is in a portfolio")

// DeleteRecord deletes a record from the wallet.
func DeleteRecord(ctx context.Context, s *Session, id int64) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	if err := st.DeleteCredential(ctx, id); err != nil {
		if errors.Is(err, wallet.ErrInUse) {
			return fmt.Errorf("%w: %w", ErrInPortfolio, err)
		}
		return err
	}
	return nil
}
