package transcript

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Grade is a final grade as a California community college records it: a
// letter grade with optional plus or minus (A through F), an evaluative
// pass/no-pass mark (P, NP, and the older CR, NC), or a non-evaluative
// symbol (W, I, IP, RD, EW, MW).
type Grade string

// gradeRank orders the letter grades; higher is better.
var gradeRank = map[Grade]int{
	"A+": 13, "A": 12, "A-": 11,
	"B+": 10, "B": 9, "B-": 8,
	"C+": 7, "C": 6, "C-": 5,
	"D+": 4, "D": 3, "D-": 2,
	"F": 1,
}

// Pass marks count as "C or better" (California Code of Regulations, title 5,
// §55021): they meet a minimum of C or lower, never a minimum above C.
var passMarks = map[Grade]bool{"P": true, "CR": true}

var failMarks = map[Grade]bool{"NP": true, "NC": true}

var nonEvaluative = map[Grade]bool{"W": true, "I": true, "IP": true, "RD": true, "EW": true, "MW": true}

// ParseGrade normalises case and spacing and rejects unknown symbols.
func ParseGrade(s string) (Grade, error) {
	g := Grade(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := gradeRank[g]; ok || passMarks[g] || failMarks[g] || nonEvaluative[g] {
		return g, nil
	}
	return "", fmt.Errorf("unknown grade %q", s)
}

// UnmarshalJSON reads a grade in ParseGrade's spelling ("b+" is B+), so
// that a grade read from JSON ranks as the one it names. An unknown symbol
// is kept as sent, for Validate to report.
func (g *Grade) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if p, err := ParseGrade(s); err == nil {
		*g = p
	} else {
		*g = Grade(s)
	}
	return nil
}

// IsMinimum reports whether g can be the minimum grade of an equivalency
// row: a letter grade from A+ to D- (F earns no credit).
func (g Grade) IsMinimum() bool { r, ok := gradeRank[g]; return ok && r >= gradeRank["D-"] }

// Passing reports whether the grade earns credit at all (D- or better, P, CR).
func (g Grade) Passing() bool {
	return passMarks[g] || gradeRank[g] >= gradeRank["D-"]
}

// Meets reports whether g satisfies a minimum letter grade.
func (g Grade) Meets(min Grade) bool {
	if min == "" {
		return g.Passing()
	}
	if passMarks[g] {
		return gradeRank[min] <= gradeRank["C"]
	}
	r, ok := gradeRank[g]
	return ok && r >= gradeRank[min] && g.Passing()
}
