package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// phoneIntlRef is phoneIntl as it was: a first look ahead for nine digits,
// then the groups read with runEnd and their digits copied out.
//
// phoneIntlRef parses an international number whose '+' is at q. Where groups
// are separated by spaces, the longest prefix that validates wins, so a
// number followed by an unrelated one ("+44 20 7946 0958 2024") is found.
func phoneIntlRef(s string, q int) int {
	if q > 0 && (isAlnum(s[q-1]) || s[q-1] == '+') {
		return -1 // "1e+10", "a+123…", "++"
	}
	if !nineDigitsAheadRef(s, q+1) {
		return -1
	}
	var d [15]byte
	var ends, counts [9]int
	groups, nd := 0, 0
	for i := q + 1; groups < len(ends); {
		paren := groups > 0 && i < len(s) && s[i] == '('
		if paren {
			i++
		}
		e := runEnd(s, i)
		if e == i || nd+(e-i) > len(d) {
			break
		}
		for ; i < e; i++ {
			d[nd] = s[i] - '0'
			nd++
		}
		if paren {
			if i >= len(s) || s[i] != ')' {
				break
			}
			i++
		}
		ends[groups], counts[groups] = i, nd
		groups++
		if i >= len(s) {
			break
		}
		c := s[i]
		if j := phoneSepEnd(s, i); j > i && j < len(s) && (isDigit(s[j]) || s[j] == '(') {
			i = j
			continue
		}
		if c == '(' || (paren && isDigit(c)) {
			continue // "+44(0)20…", "+1(212)555…"
		}
		break
	}
	for m := groups; m >= 1; m-- {
		if numEndOK(s, ends[m-1], 0) && intlValid(headOf(d[:counts[m-1]]), counts[m-1], m > 1) {
			return ends[m-1]
		}
	}
	return -1
}

// nineDigitsAheadRef is nineDigitsAhead as it was, a switch on each byte.
//
// nineDigitsAheadRef is a cheap first test for phoneIntl: at least nine digits
// follow i before a byte that cannot be part of the number, within the 40
// bytes the longest grouped number spans.
func nineDigitsAheadRef(s string, i int) bool {
	n := 0
	for end := min(len(s), i+40); i < end && n < 9; i++ {
		switch c := s[i]; {
		case isDigit(c):
			n++
		case c == '(' || c == ')' || (is(c, cSep) && c != '+'):
		default:
			return false
		}
	}
	return n >= 9
}

// headOf packs the first eight digits of d as intlValid takes them.
func headOf(d []byte) uint64 {
	var h uint64
	for k := min(len(d), 8) - 1; k >= 0; k-- {
		h = h<<8 | uint64(d[k])
	}
	return h
}

// checkPhoneIntl holds phoneIntl to phoneIntlRef at every '+' of s, and
// returns how many numbers they found.
func checkPhoneIntl(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for q := 0; q < len(s); q++ {
		if s[q] != '+' {
			continue
		}
		if got, want := nineDigitsAhead(s, q+1), nineDigitsAheadRef(s, q+1); got != want {
			t.Fatalf("nineDigitsAhead(%q, %d) = %v; the reference says %v", s, q+1, got, want)
		}
		got, want := phoneIntl(s, q), phoneIntlRef(s, q)
		if got != want {
			t.Fatalf("phoneIntl(%q, %d) = %d; the reference says %d", s, q, got, want)
		}
		if got >= 0 {
			n++
		}
	}
	return n
}

// TestPhoneIntlMatchesReference holds phoneIntl, one pass over the groups,
// to the walk it replaced: every byte value in every position of numbers
// near each limit (nine digits, fifteen, the 40 bytes of the look ahead,
// nine groups, parentheses), and random groups, separators and bytes.
func TestPhoneIntlMatchesReference(t *testing.T) {
	bases := []string{
		"+1 415 555 0132;",
		"+44 20 7946 0958 2024",
		"+4915112345678",
		"+491511234567890",
		"+1 (212) 555-0187",
		"+44(0)20 7946 0958",
		"+7 912 345 67 89",
		"+1 - 2 - 3 - 4 - 5 - 6 - 7 - 8 - 9 - 0",
		"+1 (2) (3) (4) (5) (6) (7) (8) (9)",
		"+1--(2)--(3)--(4)--(5)--(6)--(7)--(8)--(9)",
		// The ninth digit 41 bytes after the '+', 40 and 39.
		"+4---(4)--(2)--(0)--(7)--(9)--(4)--(6)--(0)--(9) ",
		"+4--(4)--(2)--(0)--(7)--(9)--(4)--(6)--(0)--(9) ",
		"+4--(4)-(2)--(0)--(7)--(9)--(4)--(6)--(0)--(9) ",
		"+12 34 56 78 90 12 34 56",
		"+123456789012345 6",
		"+1234567890123456",
		"x+353 1 234 5678.",
	}
	found := 0
	for _, base := range bases {
		found += checkPhoneIntl(t, base)
		for i := 1; i < len(base); i++ {
			for c := range 256 {
				b := []byte(base)
				b[i] = byte(c)
				found += checkPhoneIntl(t, string(b))
			}
		}
	}
	r := rand.New(rand.NewPCG(231, 2026))
	pieces := []string{"+", "+1", "+44", "1", "20", "415", "555", "0132", "7946", "123456789", "0", "9",
		" ", "  ", "   ", "    ", "-", ".", "/", "_", ":", "\t", "(", ")", "(0)", "--(4)", "-(2)", "a", "e", "#", "\xe1"}
	for range 100000 {
		var b strings.Builder
		for range 2 + r.IntN(14) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		found += checkPhoneIntl(t, b.String())
	}
	if found < 1000 {
		t.Errorf("only %d numbers found: the test compares too few", found)
	}
}

func FuzzPhoneIntl(f *testing.F) {
	for _, s := range []string{"+1 415 555 0132", "+44 (0)20 7946 0958 2024", "+1 - 2 - 3 - 4 - 5 - 6 - 7 - 8 - 9", "++491511234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			t.Skip()
		}
		checkPhoneIntl(t, s)
	})
}
