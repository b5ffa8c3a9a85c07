package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// phoneMayStartRef is phoneMayStart as it was, before the walks read a
// national number's second group (exchangeOK).
func phoneMayStartRef(s string, p, n int, prev, next byte, grouped bool) bool {
	switch {
	case prev == '+':
		return true
	case prev == '(' && next == ')':
		return true
	case !grouped || next == '+':
		return false
	}
	return n == 3 || (n == 1 && s[p] == '1') || (s[p] == '0' && n <= 5)
}

// checkMayStart holds the walk's first tests at every digit run of s to
// what they replaced: phoneMayStart and exchangeOK may refuse a run
// phoneMayStartRef let through only where phoneAt finds no number, and ssnMayStart one that
// "three digits grouped, or nine" let through only where ssnAt finds none.
func checkMayStart(t *testing.T, s string) {
	t.Helper()
	for p := 0; p < len(s); p++ {
		if !isDigit(s[p]) || (p > 0 && isDigit(s[p-1])) {
			continue
		}
		e := runEnd(s, p)
		n := e - p
		prev, next := byteAt(s, p-1), byteAt(s, e)
		// As the walks compute them.
		grouped, g := false, 0
		if (n == 3 || n == 4 || n <= 5 && s[p] <= '1' && prev != '+') && !isAlnum(prev) && is(next, cSep) {
			g = sepEnd(s, e)
			grouped = g < len(s) && isDigit(s[g])
		}
		if phoneMayStartRef(s, p, n, prev, next, grouped) && !(phoneMayStart(s, p, n, prev, next, grouped) && exchangeOK(s, p, n, prev)) {
			if a, pe := phoneAt(s, p); pe >= 0 {
				t.Fatalf("phoneMayStart(%q, %d) refuses the run, phoneAt finds [%d, %d)", s, p, a, pe)
			}
		}
		if ((n == 3 && grouped) || n == 9) && !ssnMayStart(s, n, grouped, g) {
			if se := ssnAt(s, p, e); se >= 0 {
				t.Fatalf("ssnMayStart(%q, %d) refuses the run, ssnAt finds [%d, %d)", s, p, p, se)
			}
		}
	}
}

// TestMayStartMatchesReference holds phoneMayStart and ssnMayStart to the
// parsers on numbers in groups of every length with every separator.
func TestMayStartMatchesReference(t *testing.T) {
	for _, s := range []string{"123-45-6789", "212-555-0187", "212 / 555-0187", "1-212-555-0187", "(212) 555-0187",
		"+1 415 555 0132; 123-45-6789", "call 212 555 0187", "ssn 123 45 6789", "020 7946 0958", "212+555-0187",
		"212-555-018", "212-555-0187x", "123-45-678", "123-45", "212-555"} {
		checkMayStart(t, s)
	}
	r := rand.New(rand.NewPCG(12, 2026))
	const seps = "  -./_:\t+()x,"
	for range 100000 {
		var b strings.Builder
		if r.IntN(4) == 0 {
			b.WriteString([]string{"call ", "ssn ", "(", "+", "a"}[r.IntN(5)])
		}
		for g := r.IntN(5); g >= 0; g-- {
			for k := 1 + r.IntN(5); k > 0; k-- {
				b.WriteByte('0' + byte(r.IntN(10)))
			}
			for k := r.IntN(4); k > 0; k-- {
				b.WriteByte(seps[r.IntN(len(seps))])
			}
		}
		checkMayStart(t, b.String())
	}
}

func FuzzMayStart(f *testing.F) {
	for _, s := range []string{"123-45-6789", "212-555-0187", "(212) 555-0187", "+1 415 555 0132; 123-45-6789", "call 212 555 0187"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkMayStart(t, s) })
}
