package sensitive

import (
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
