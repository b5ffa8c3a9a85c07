package sensitive

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// verbBeforeRef and suffixBeforeRef are verbBefore and suffixBefore as they
// were: every word compared, whatever the last letter.
func verbBeforeRef(s string, j int) int {
	for _, w := range [...]string{"is", "was", "are", "of", "equals"} {
		k := j - len(w)
		if hasSuffixFold(s, j, w) && k > 0 && is(s[k-1], cGap) {
			return k
		}
	}
	return -1
}

func suffixBeforeRef(s string, j int) int {
	for _, w := range [...]string{"number", "num", "nbr", "no", "nr", "id"} {
		if hasSuffixFold(s, j, w) {
			return len(w)
		}
	}
	return 0
}

func checkKeywordWords(t *testing.T, s string) {
	t.Helper()
	for j := 0; j <= len(s); j++ {
		if got, want := verbBefore(s, j), verbBeforeRef(s, j); got != want {
			t.Fatalf("verbBefore(%q, %d) = %d, want %d", s, j, got, want)
		}
		if got, want := suffixBefore(s, j), suffixBeforeRef(s, j); got != want {
			t.Fatalf("suffixBefore(%q, %d) = %d, want %d", s, j, got, want)
		}
	}
}

// TestKeywordWordsMatchReference holds verbBefore and suffixBefore to the
// loops they filter, at every offset of every word they know, in either
// case, after every byte, and at every offset of all strings of up to three
// bytes from the letters and bytes near them.
func TestKeywordWordsMatchReference(t *testing.T) {
	words := []string{"is", "was", "are", "of", "equals", "number", "num", "nbr", "no", "nr", "id", "account", "acct", "ssn"}
	for _, w := range words {
		for _, pre := range []string{"", " ", "x", "_", "-", ":", "\x00", "\xff"} {
			for _, v := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
				checkKeywordWords(t, pre+v)
				checkKeywordWords(t, "account "+pre+v+": ")
			}
		}
	}
	alphabet := []byte(" _-:=#SsEeFfRrMmOoDdIiAaWwQqUuLlNnBbTt\x00\x80\xd3\xe5\x93")
	var buf [3]byte
	for _, a := range alphabet {
		for _, b := range alphabet {
			for _, c := range alphabet {
				buf[0], buf[1], buf[2] = a, b, c
				checkKeywordWords(t, string(buf[:]))
			}
		}
	}
}

func FuzzKeywordWords(f *testing.F) {
	for _, s := range []string{"account number is 912803456", "SSN was: 123456789", "acct no. 1234", "AccountNumber=1", "equals"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkKeywordWords(t, s) })
}

// qualifiedRe is qualifiedEnd's shape as a regular expression on the text
// before the value: '@', a letter and up to 23 letters or digits, and one
// to four gap bytes (cGap) at the end.
var qualifiedRe = func() *regexp.Regexp {
	var gap strings.Builder
	for c := range 128 {
		if is(byte(c), cGap) {
			fmt.Fprintf(&gap, `\x%02x`, c) // escaped: '-' in a class would make a range
		}
	}
	return regexp.MustCompile(`@[A-Za-z][A-Za-z0-9]{0,23}[` + gap.String() + `]{1,4}$`)
}()

// qualifiedEndRef is qualifiedEnd by qualifiedRe: the '@' of the match,
// when two letters before it end a keyword of finals.
func qualifiedEndRef(s string, p int, finals *endings) int {
	loc := qualifiedRe.FindStringIndex(s[:p])
	if loc == nil || loc[0] < 2 || !finals.end(s[loc[0]-1], s[loc[0]-2]) {
		return -1
	}
	return loc[0]
}

func checkQualifiedEnd(t *testing.T, s string) {
	t.Helper()
	for p := 0; p <= len(s); p++ {
		for _, finals := range []*endings{accountFinals, ssnFinals, phoneFinals} {
			if got, want := qualifiedEnd(s, p, finals), qualifiedEndRef(s, p, finals); got != want {
				t.Fatalf("qualifiedEnd(%q, %d) = %d, want %d", s, p, got, want)
			}
		}
	}
}

// TestQualifiedEndMatchesReference holds qualifiedEnd to qualifiedRe on
// keyword-qualifier-gap texts of every qualifier length around the bound,
// and on random strings of the bytes it reads.
func TestQualifiedEndMatchesReference(t *testing.T) {
	for _, kw := range []string{"acct", "ACCOUNT_NUMBER", "ssn", "phone", "x", "", "[REDACTED:account-number]"} {
		for n := 0; n <= 26; n++ {
			for _, q := range []string{strings.Repeat("b", n), "1" + strings.Repeat("b", n), strings.Repeat("b", n) + "2"} {
				for _, gap := range []string{"", " ", " = ", ": ", "=\"", "     ", "-"} {
					checkQualifiedEnd(t, kw+"@"+q+gap+"912803456")
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(15, 2026))
	alphabet := []byte("@@ =:-_.#\"'acctnumberssnphonABz09\x00\x80")
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		checkQualifiedEnd(t, string(b))
	}
}

func FuzzQualifiedEnd(f *testing.F) {
	for _, s := range []string{"acct@bank = 912803456", "ssn@us: 1", "acct@" + strings.Repeat("b", 30) + " = 1", "@a ", "no@x="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			t.Skip()
		}
		checkQualifiedEnd(t, s)
	})
}
