package transcript

import (
	"fmt"
	"strings"
)

// Table is one version of an equivalency table: the shared mechanism by which
// a college (or a group of colleges) states which community-college courses
// outside learning is worth. Tables are data, loaded from CSV or JSON, and
// versioned: a new version is a new Table with the same ID.
type Table struct {
	TableInfo
	Rows []Row `json:"rows"`
}

// TableInfo is a table's header: everything but the rows. A CSV file holds
// only rows, so its header comes from the index that names the file.
type TableInfo struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Title   string `json:"title"`
	// Owner names who maintains the table (a college, a district, the
	// statewide credit-for-prior-learning initiative).
	Owner string `json:"owner"`
	// EffectiveFrom and EffectiveUntil bound when this version is in force:
	// mapping as of a date uses, for each table ID, the newest version in
	// force on that date. EffectiveUntil is exclusive; zero means open.
	EffectiveFrom  Date `json:"effectiveFrom"`
	EffectiveUntil Date `json:"effectiveUntil,omitzero"`
	// UnitCap is the most units one learner may be granted from this table
	// across all their records (Title 5 limits credit for prior learning per
	// programme); 0 means no cap.
	UnitCap float64 `json:"unitCap,omitempty"`
}

// Row maps one source identifier, under conditions, to one or more
// community-college courses.
type Row struct {
	ID         string     `json:"id"`
	Source     Source     `json:"source"`
	Conditions Conditions `json:"conditions,omitzero"`
	Grants     []Course   `json:"grants"`
	// Authority is who approved the row: the faculty discipline and the
	// articulation officer, say.
	Authority string `json:"authority"`
	Approved  Date   `json:"approved"`
	// Skills are catalogue IDs of the skills a learner shows by meeting this
	// row.
	Skills []string `json:"skills,omitempty"`
	Note   string   `json:"note,omitempty"`
}

// Source says which records a row applies to.
type Source struct {
	Kind Kind `json:"kind"`
	// Institution limits the row to records from one sender (its slug);
	// empty means any sender of that kind (ACE identifiers are the same
	// whichever office sends the JST).
	Institution string `json:"institution,omitempty"`
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
}

// Conditions a record must meet for a row to grant credit. Zero values mean
// "no condition".
type Conditions struct {
	MinGrade    Grade    `json:"minGrade,omitempty"`
	MinHours    float64  `json:"minHours,omitempty"`
	MinLevel    int      `json:"minLevel,omitempty"`
	MinACEHours float64  `json:"minAceHours,omitempty"`
	ACELevel    ACELevel `json:"aceLevel,omitempty"`
	// CompletedFrom and CompletedUntil bound the completion dates the row
	// accepts (until is inclusive): curricula change, and old training may
	// no longer match the course.
	CompletedFrom  Date `json:"completedFrom,omitzero"`
	CompletedUntil Date `json:"completedUntil,omitzero"`
}

// Course is a community-college course that credit is granted for.
type Course struct {
	College string  `json:"college"` // "Cerritos College"
	Code    string  `json:"code"`    // "EMS 101"
	Title   string  `json:"title"`
	CID     string  `json:"cid,omitempty"` // C-ID descriptor, where one exists
	Units   float64 `json:"units"`
	// URL is the course's catalogue page (or the C-ID descriptor).
	URL string `json:"url"`
}

// Key identifies a course across tables: granting the same course twice is
// one grant.
func (c Course) Key() string { return strings.ToLower(c.College) + "\x00" + normCode(c.Code) }

// Label is "EMS 101 Emergency Medical Technician (Cerritos College)".
func (c Course) Label() string { return fmt.Sprintf("%s %s (%s)", c.Code, c.Title, c.College) }

// RuleRef names the table row behind a decision.
type RuleRef struct {
	Table   string `json:"table"`
	Version string `json:"version"`
	Row     string `json:"row"`
}

func (r RuleRef) String() string {
	return fmt.Sprintf("table %s v%s row %s", r.Table, r.Version, r.Row)
}

// normCode compares identifiers the way registrars write them: case and
// repeated spaces do not matter ("ece  101" is "ECE 101").
func normCode(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
