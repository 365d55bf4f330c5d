package transcript

import "fmt"

// Kind is the kind of learning a record documents. Institutions have a kind
// too: the kind of records they send.
type Kind string

// The four kinds of learning Satchel carries.
const (
	// College is a community-college course, credit or noncredit.
	College Kind = "college"
	// AdultSchool is an adult-school certificate (CTE, ESL, CASAS-levelled
	// programmes).
	AdultSchool Kind = "adult-school"
	// Apprenticeship is a registered-apprenticeship competency, related
	// technical instruction (RTI) block or on-the-job (OJT) block.
	Apprenticeship Kind = "apprenticeship"
	// Military is a military course or occupation from a Joint Services
	// Transcript, with its ACE credit recommendation.
	Military Kind = "military"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{College, AdultSchool, Apprenticeship, Military}

// ParseKind accepts the canonical names and a few spellings registrars use.
func ParseKind(s string) (Kind, error) {
	switch s {
	case "college", "community-college", "course":
		return College, nil
	case "adult-school", "adult_school", "adultschool", "certificate":
		return AdultSchool, nil
	case "apprenticeship", "competency":
		return Apprenticeship, nil
	case "military", "jst":
		return Military, nil
	}
	return "", fmt.Errorf("unknown kind %q (want college, adult-school, apprenticeship or military)", s)
}

// Valid reports whether k is one of the four kinds.
func (k Kind) Valid() bool {
	switch k {
	case College, AdultSchool, Apprenticeship, Military:
		return true
	}
	return false
}

// Title is the English label of the kind, as the wallet groups records.
func (k Kind) Title() string {
	switch k {
	case College:
		return "College"
	case AdultSchool:
		return "Adult school"
	case Apprenticeship:
		return "Apprenticeship"
	case Military:
		return "Military"
	}
	return string(k)
}
