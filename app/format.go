package app

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/wallet"
)

// formatDate writes a day as people read it: "12 Mar 2026", the month in
// the app's language. The zero time is "".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Day()) + " " + monthName(t.Month()) + " " + strconv.Itoa(t.Year())
}

func monthName(m time.Month) string {
	switch m {
	case time.January:
		return lang.L("Jan")
	case time.February:
		return lang.L("Feb")
	case time.March:
		return lang.L("Mar")
	case time.April:
		return lang.L("Apr")
	case time.May:
		return lang.L("May")
	case time.June:
		return lang.L("Jun")
	case time.July:
		return lang.L("Jul")
	case time.August:
		return lang.L("Aug")
	case time.September:
		return lang.L("Sep")
	case time.October:
		return lang.L("Oct")
	case time.November:
		return lang.L("Nov")
	}
	return lang.L("Dec")
}

// formatISODate rewrites a YYYY-MM-DD date the way formatDate does, and
// leaves anything else as it is.
func formatISODate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return formatDate(t)
}

// formatUnits writes semester units: "1 unit", "4.5 units".
func formatUnits(u float64) string {
	n := strconv.FormatFloat(u, 'f', -1, 64)
	if u == 1 {
		return lang.L("{{.N}} unit", map[string]any{"N": n})
	}
	return lang.L("{{.N}} units", map[string]any{"N": n})
}

// initials are the letters of an issuer's badge: the first letters of its
// first two significant words ("Sierra Vista Community College" → "SV").
func initials(name string) string {
	skip := map[string]bool{"of": true, "the": true, "and": true, "for": true, "de": true, "la": true, "el": true}
	var out []rune
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if skip[strings.ToLower(w)] || strings.EqualFold(w, "sample") {
			continue
		}
		out = append(out, unicode.ToUpper([]rune(w)[0]))
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// kinds are the kinds of learning in the order the app groups them.
var kinds = []wallet.Kind{wallet.KindCollege, wallet.KindAdultSchool, wallet.KindApprenticeship, wallet.KindMilitary, wallet.KindOther}

// walletKindLabel names a kind of learning for people.
func walletKindLabel(k wallet.Kind) string {
	switch k {
	case wallet.KindCollege:
		return lang.L("College")
	case wallet.KindAdultSchool:
		return lang.L("Adult school")
	case wallet.KindApprenticeship:
		return lang.L("Apprenticeship")
	case wallet.KindMilitary:
		return lang.L("Military")
	}
	return lang.L("Other learning")
}
