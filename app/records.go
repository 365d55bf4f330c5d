package app

import (
	"context"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/wallet"
)

// RecordsQuery is what the learner asked the "My records" screen for.
type RecordsQuery struct {
	// Text goes to the wallet's full-text search.
	Text string
	// Kind and Skill filter; empty means any.
	Kind  wallet.Kind
	Skill string
}

// Filtered reports whether the query narrows the list.
func (q RecordsQuery) Filtered() bool {
	return strings.TrimSpace(q.Text) != "" || q.Kind != "" || q.Skill != ""
}

// RecordsVM is the "My records" screen's model: the matching records as
// cards grouped by kind of learning, and what the filters offer.
type RecordsVM struct {
	Query  RecordsQuery
	Groups []RecordGroup
	// Count is how many records match; Total how many the wallet holds (0:
	// the screen tells a new learner how to add a first record).
	Count, Total int
	// More is true when the wallet holds more matches than the screen lists.
	More bool
	// Skills are every skill the wallet's records name, for the filter.
	Skills []string
}

// RecordGroup is the cards of one kind of learning.
type RecordGroup struct {
	Kind  wallet.Kind
	Title string
	Cards []Card
}

// Card is one record as the list shows it.
type Card struct {
	ID       int64
	Kind     wallet.Kind
	Title    string
	Issuer   string
	Initials string
	// Date is when it was issued, for people ("Issued 3 Jun 2026").
	Date  string
	Badge Badge
	// Credit sums the equivalent college credit ("6 units of college
	// credit"); empty when there is none.
	Credit string
}

// maxListed is how many records the list shows at once.
const maxListed = wallet.MaxLimit

// LoadRecords runs the query against the open wallet.
func LoadRecords(ctx context.Context, s *Session, q RecordsQuery) (RecordsVM, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return RecordsVM{}, err
	}
	trust, err := s.Trust(ctx)
	if err != nil {
		return RecordsVM{}, err
	}
	vm := RecordsVM{Query: q}
	all, _, err := allEntries(ctx, st, wallet.Query{Limit: maxListed})
	if err != nil {
		return RecordsVM{}, err
	}
	vm.Total = len(all)
	vm.Skills = skillNames(all)
	entries, more := all, false
	if q.Filtered() {
		entries, more, err = allEntries(ctx, st, wallet.Query{Text: q.Text, Kind: q.Kind, Skill: q.Skill, Limit: maxListed})
		if err != nil {
			return RecordsVM{}, err
		}
	}
	vm.Count, vm.More = len(entries), more
	now := s.now()
	byKind := map[wallet.Kind][]Card{}
	for _, e := range entries {
		card, err := cardOf(ctx, st, e, trust, now)
		if err != nil {
			return RecordsVM{}, err
		}
		k := e.Kind
		if !k.Valid() {
			k = wallet.KindOther
		}
		byKind[k] = append(byKind[k], card)
	}
	for _, k := range kinds {
		if len(byKind[k]) > 0 {
			vm.Groups = append(vm.Groups, RecordGroup{Kind: k, Title: walletKindLabel(k), Cards: byKind[k]})
		}
	}
	return vm, nil
}

// allEntries reads up to one page of at most maxListed entries.
func allEntries(ctx context.Context, st wallet.Ops, q wallet.Query) ([]wallet.Entry, bool, error) {
	p, err := st.Search(ctx, q)
	if err != nil {
		return nil, false, err
	}
	return p.Entries, p.Next != "", nil
}

// cardOf makes a record's card. A record whose last verification failed
// has its report read, to tell revoked from the rest.
func cardOf(ctx context.Context, st wallet.Ops, e wallet.Entry, trust *verifier.Registry, now time.Time) (Card, error) {
	var rep *verifier.Report
	if e.Status == wallet.StatusFailed {
		c, err := st.Credential(ctx, e.ID)
		if err != nil {
			return Card{}, err
		}
		rep = parseReport(c.Report)
	}
	issuer := e.IssuerName
	if issuer == "" {
		issuer = e.IssuerID
	}
	card := Card{ID: e.ID, Kind: e.Kind, Title: e.Title, Issuer: issuer, Initials: initials(issuer),
		Badge: BadgeOf(e, rep, trust, now)}
	if card.Title == "" {
		card.Title = lang.L("Untitled record")
	}
	if !e.IssuedAt.IsZero() {
		card.Date = lang.L("Issued {{.Date}}", map[string]any{"Date": formatDate(e.IssuedAt)})
	}
	if units := creditUnits(e.Credits); units > 0 {
		card.Credit = lang.L("{{.Units}} of college credit", map[string]any{"Units": formatUnits(units)})
	}
	return card, nil
}

// creditUnits sums the units the credits' explanations state.
func creditUnits(credits []wallet.Credit) float64 {
	var u float64
	for _, c := range credits {
		if c.Units > 0 {
			u += c.Units
			continue
		}
		u += parseExplanation(c.Explanation).Units
	}
	return u
}

func skillNames(entries []wallet.Entry) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		for _, s := range e.Skills {
			if s.Name != "" && !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, s.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}
