package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// ssnAtRef is ssnAt as it was: the look-back before the groups.
func ssnAtRef(s string, p, e int) int {
	switch e - p {
	case 3:
		if !groupedStartOK(s, p) {
			return -1
		}
		g := sepEnd(s, e)
		if g == e || g >= len(s) || !isDigit(s[g]) {
			return -1
		}
		ge := runEnd(s, g)
		if ge-g != 2 {
			return -1
		}
		l := sepEnd(s, ge)
		if l == ge || l >= len(s) || !isDigit(s[l]) {
			return -1
		}
		se := runEnd(s, l)
		if se-l != 4 || !groupedEndOK(s, se) {
			return -1
		}
		if !ssnValid(s[p:e], s[g:ge], s[l:se]) {
			return -1
		}
		return se
	case 9:
		if !numEndOK(s, e, 0) || !keywordBefore(s, p, ssnKeyword, ssnFinals) {
			return -1
		}
		if p >= 2 && isDigit(s[p-2]) && joins(s[p-1], 0) {
			return -1
		}
		if !ssnValid(s[p:p+3], s[p+3:p+5], s[p+5:e]) {
			return -1
		}
		return e
	}
	return -1
}

// phoneNationalRef is phoneNational as it was: the first run read twice,
// the look-back before the groups.
func phoneNationalRef(s string, p int) int {
	if p > 0 && s[p-1] == '+' {
		return -1
	}
	i := p
	if runEnd(s, p) == p+1 && s[p] == '1' {
		j := phoneSepEnd(s, p+1)
		if j == p+1 || blank(s, p+1, j) {
			return -1
		}
		i = j // trunk prefix "1-"
	}
	ae := runEnd(s, i)
	if ae-i != 3 || !groupedStartOK(s, p) {
		return -1
	}
	xs := phoneSepEnd(s, ae)
	if xs == ae {
		return -1
	}
	xe := runEnd(s, xs)
	if xe-xs != 3 {
		return -1
	}
	ls := phoneSepEnd(s, xe)
	if ls == xe {
		return -1
	}
	// Groups set apart by blanks alone are as often unrelated numbers,
	// unless a phone keyword names them ("call 212 555 0187").
	if (blank(s, ae, xs) || blank(s, xe, ls)) && !keywordBefore(s, p, phoneKeyword, phoneFinals) {
		return -1
	}
	le := runEnd(s, ls)
	if le-ls != 4 || !groupedEndOK(s, le) {
		return -1
	}
	if !nanpDigits(s[i:ae], s[xs:xe]) {
		return -1
	}
	return le
}

// checkGroupedParsers compares ssnAt and phoneNational with their
// references at every digit run of s, and returns how many accepted.
func checkGroupedParsers(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for p := 0; p < len(s); p++ {
		if !isDigit(s[p]) {
			continue
		}
		e := runEnd(s, p)
		if got, want := ssnAt(s, p, e), ssnAtRef(s, p, e); got != want {
			t.Fatalf("ssnAt(%q, %d, %d) = %d; the reference says %d", s, p, e, got, want)
		} else if got >= 0 {
			n++
		}
		if got, want := phoneNational(s, p), phoneNationalRef(s, p); got != want {
			t.Fatalf("phoneNational(%q, %d) = %d; the reference says %d", s, p, got, want)
		} else if got >= 0 {
			n++
		}
	}
	return n
}

// TestGroupedParsersMatchReference holds ssnAt and phoneNational, which
// read the groups before looking back, to their old order: the kinds'
// examples and near misses, and random text of digit groups, separators,
// letters and keywords.
func TestGroupedParsersMatchReference(t *testing.T) {
	for _, s := range []string{"123-45-6789", "ssn 123 45 6789", "1-123-45-6789", "a123-45-6789", "123-45-6789-1",
		"212-555-0187", "1-212-555-0187", "call 212 555 0187", "212 555 0187", "x212-555-0187", "212-555-01871",
		"12 345-6789/12 345-6789/", "1-800-555-0199", "+1-212-555-0187", "ssn: 123456789", "123/45-6789"} {
		checkGroupedParsers(t, s)
	}
	r := rand.New(rand.NewPCG(378, 2026))
	pieces := []string{"1", "12", "123", "212", "555", "45", "6789", "0187", "000", "666", "900", "00", "0000",
		"-", " ", "  ", "/", ".", "+", "_", ":", "a", "x", "call ", "ssn ", "phone: ", "(", ")"}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	seps := []string{"-", " ", "  ", "/", ".", "+", "_", ":", " - ", "-.", ""}
	accepted := 0
	for range 60000 {
		var b strings.Builder
		if r.IntN(2) == 0 {
			for range 2 + r.IntN(10) {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
		} else {
			// A grouped number, its groups of the lengths the kinds
			// take or one off, in some context.
			b.WriteString(pick("", "x", "call ", "ssn ", "1-", "+", " ", "9-", "(", "phone "))
			b.WriteString(pick("123", "212", "1-212", "12", "1234", "000", "666", "911", "1 212"))
			b.WriteString(seps[r.IntN(len(seps))])
			b.WriteString(pick("45", "555", "55", "5555", "00", "211"))
			b.WriteString(seps[r.IntN(len(seps))])
			b.WriteString(pick("6789", "0187", "678", "67890", "0000"))
			b.WriteString(pick("", "-1", "x", ".5", " ", "-", "/12"))
		}
		accepted += checkGroupedParsers(t, b.String())
	}
	if accepted < 400 {
		t.Errorf("only %d accepted: the test compares too few accepted parses", accepted)
	}
}

func FuzzGroupedParsers(f *testing.F) {
	for _, s := range []string{"123-45-6789", "1-212-555-0187", "call 212 555 0187", "12 345-6789/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			t.Skip()
		}
		checkGroupedParsers(t, s)
	})
}

// TestRunOfMatchesRunEnd holds runOf to runEnd at every digit of strings
// of digits and other bytes, for every length up to six.
func TestRunOfMatchesRunEnd(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 2026))
	for range 20000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = "- a\x00\xff"[r.IntN(5)]
			} else {
				b[i] = '0' + byte(r.IntN(10))
			}
		}
		s := string(b)
		for i := range len(s) {
			if !isDigit(s[i]) {
				continue
			}
			for n := 1; n <= 6; n++ {
				if got, want := runOf(s, i, n), runEnd(s, i)-i == n; got != want {
					t.Fatalf("runOf(%q, %d, %d) = %v, want %v", s, i, n, got, want)
				}
			}
		}
	}
}
