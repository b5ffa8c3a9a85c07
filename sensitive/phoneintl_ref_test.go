package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// phoneIntlRef is phoneIntl as it was: nineDigitsAhead first, every digit
// copied, and intlValid on a slice of them.
func phoneIntlRef(s string, q int) int {
	if q > 0 && (isAlnum(s[q-1]) || s[q-1] == '+') {
		return -1
	}
	if !nineDigitsAhead(s, q+1) {
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
			continue
		}
		break
	}
	for m := groups; m >= 1; m-- {
		if numEndOK(s, ends[m-1], 0) && intlValidRef(d[:counts[m-1]], m > 1) {
			return ends[m-1]
		}
	}
	return -1
}

// intlValidRef is intlValid as it was, on a slice of all the digits.
func intlValidRef(d []byte, formatted bool) bool {
	n := len(d)
	if n < 9 || n > 15 {
		return false
	}
	cc := callingCodeLen(d)
	switch {
	case cc == 0:
		return false
	case d[0] == 1:
		return n == 11 && nanpValid(d[1:4], d[4:7])
	case d[0] == 7:
		return n == 11
	case formatted:
		return n >= 9
	}
	return n >= 10
}

// checkPhoneIntl holds phoneIntl to phoneIntlRef at every '+' of s.
func checkPhoneIntl(t *testing.T, s string) {
	t.Helper()
	for q := strings.IndexByte(s, '+'); q >= 0; {
		if got, want := phoneIntl(s, q), phoneIntlRef(s, q); got != want {
			t.Fatalf("phoneIntl(%q, %d) = %d, want %d", s, q, got, want)
		}
		k := strings.IndexByte(s[q+1:], '+')
		if k < 0 {
			break
		}
		q += 1 + k
	}
}

// TestPhoneIntlMatchesReference holds phoneIntl to phoneIntlRef on numbers
// built of groups with every separator, parentheses, and separators wide
// enough that a number reaches past the 40 bytes nineDigitsAhead reads.
func TestPhoneIntlMatchesReference(t *testing.T) {
	for _, s := range []string{
		"+44 20 7946 0958", "+1 (212) 555-0187", "+4915112345678", "+44(0)20 7946 0958", "+1(212)555 0187",
		"+1 415 555 0132; +1 415 555 0132", "+14155550132 123-45-6789", "+7 912 345 67 89", "+44 20 7946 0958 2024",
		"+1   2   3   4   5   6   7   8   9", "+4 (4)   (2)   (0)   (7)   (9)   (4)   (6)   (0)   (9)",
		"+33   1   23   45   67   89", "1e+10", "a+123456789", "++44 20 7946 0958", "+123456789012345678",
	} {
		checkPhoneIntl(t, s)
	}
	r := rand.New(rand.NewPCG(11, 2026))
	const seps = "  -./_:\t+()x,"
	for range 100000 {
		var b strings.Builder
		if r.IntN(4) == 0 {
			b.WriteByte("a1+ -"[r.IntN(5)])
		}
		b.WriteByte('+')
		for g := r.IntN(11); g >= 0; g-- {
			paren := r.IntN(6) == 0
			if paren {
				b.WriteByte('(')
			}
			for k := 1 + r.IntN(6); k > 0; k-- {
				b.WriteByte('0' + byte(r.IntN(10)))
			}
			if paren && r.IntN(5) != 0 {
				b.WriteByte(')')
			}
			for k := r.IntN(5); k > 0; k-- {
				b.WriteByte(seps[r.IntN(len(seps))])
			}
		}
		checkPhoneIntl(t, b.String())
	}
}

func FuzzPhoneIntl(f *testing.F) {
	for _, s := range []string{"+44 20 7946 0958", "+1 (212) 555-0187", "+4915112345678", "+1   2   3   4   5   6   7   8   9",
		"+4 (4)   (2)   (0)   (7)   (9)   (4)   (6)   (0)   (9)", "+7 912 345 67 89 +1 415 555 0132", "a+1 415 555 0132"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPhoneIntl(t, s) })
}
