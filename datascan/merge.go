package datascan

import (
	"strings"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// Merge sums the reports of the files of one dataset (the objects under an
// S3 prefix that one import reads) into one report for resource. Columns are
// matched by name, case-insensitively, and listed in the order they first
// appear; rows, values, kinds and card candidates are summed over the
// reports that have the column.
//
// A column's verdict is the most serious of its verdicts in the parts and
// of the one taken again over the sums: cards in one object would otherwise
// hide among the random IDs of the others, and a file of them would pass as
// chance; cards split over many small objects, each of them chance alone,
// are cards together. The merged columns carry no positions, since a row number means
// nothing without its file; the parts keep theirs. Merge does not modify the
// reports; nil reports are skipped.
func Merge(resource string, reports ...*Report) *Report {
	out := &Report{Resource: resource, Columns: []Column{}}
	index := map[string]int{} // lower-case name → position in out.Columns
	for _, r := range reports {
		if r == nil {
			continue
		}
		out.Rows += r.Rows
		out.Bytes += r.Bytes
		for _, c := range r.Columns {
			key := strings.ToLower(c.Name)
			i, ok := index[key]
			if !ok {
				i = len(out.Columns)
				index[key] = i
				out.Columns = append(out.Columns, Column{Index: i + 1, Name: c.Name, Role: c.Role, Verdict: VerdictClean,
					Dropped: c.Dropped, Pseudonymized: c.Pseudonymized})
			}
			m := &out.Columns[i]
			m.Rows += c.Rows
			m.Values += c.Values
			m.CardCandidates += c.CardCandidates
			m.CardIssuerCandidates += c.CardIssuerCandidates
			m.LongCards += c.LongCards
			if len(c.Kinds) > 0 && m.Kinds == nil {
				m.Kinds = make(map[sensitive.Kind]int64, len(c.Kinds))
			}
			for k, n := range c.Kinds {
				m.Kinds[k] += n
			}
			if verdictRank(c.Verdict) > verdictRank(m.Verdict) {
				m.Verdict, m.Role = c.Verdict, c.Role
			}
			m.Dropped = m.Dropped && c.Dropped
			m.Pseudonymized = m.Pseudonymized && c.Pseudonymized
		}
	}
	for i := range out.Columns {
		m := &out.Columns[i]
		// Only chance columns hold nothing but bare card numbers; a
		// column blocking in a part stays so.
		if m.Verdict != VerdictChance {
			continue
		}
		k := m.Kinds[sensitive.CreditCard]
		sum := colStats{cardCandidates: m.CardCandidates, bareCards: k, longCards: m.LongCards, issuerCandidates: m.CardIssuerCandidates}
		if len(m.Kinds) != 1 || !sum.chance() {
			m.Verdict = VerdictIdentifying
			if m.Role.Identifier() {
				m.Verdict = VerdictPseudonymize
			}
		}
	}
	return out
}

// verdictRank orders verdicts by how much they stop an import.
func verdictRank(v Verdict) int {
	switch v {
	case VerdictClean:
		return 0
	case VerdictChance:
		return 1
	case VerdictPseudonymize, VerdictIdentifying:
		return 3
	}
	return 2 // a verdict this version does not know: above the harmless ones
}
