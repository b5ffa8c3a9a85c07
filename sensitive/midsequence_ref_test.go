package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// midSequenceRef is midSequence as it was: the group before read a byte at
// a time.
func midSequenceRef(s string, p int) bool {
	k := p
	for k > 0 && p-k < maxSep && (s[k-1] == ' ' || s[k-1] == '\t') {
		k--
	}
	if k == p || k < 4 {
		return false
	}
	digit := false
	for _, c := range []byte(s[k-4 : k]) {
		if !isAlnum(c) {
			return false
		}
		digit = digit || isDigit(c)
	}
	// The group before must itself start the sequence or continue it with
	// blanks; "…-1881 4012 8888 …" is one number after another.
	return digit && (k == 4 || s[k-5] == ' ' || s[k-5] == '\t')
}

func checkMidSequence(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for p := 0; p <= len(s); p++ {
		got, want := midSequence(s, p), midSequenceRef(s, p)
		if got != want {
			t.Fatalf("midSequence(%q, %d) = %v; the reference says %v", s, p, got, want)
		}
		if got {
			n++
		}
	}
	return n
}

// TestMidSequenceMatchesReference holds midSequence, which tests the group
// before as one word, to the byte loop: every byte value in every position
// of a group before a group, and random groups, blanks and separators.
func TestMidSequenceMatchesReference(t *testing.T) {
	for _, base := range []string{"4111 4111", "RS35 2600", " 1a2b  4111", "\t12ab\t4111", "-1881 4012"} {
		checkMidSequence(t, base)
		for i := range len(base) {
			for c := range 256 {
				b := []byte(base)
				b[i] = byte(c)
				checkMidSequence(t, string(b))
			}
		}
	}
	r := rand.New(rand.NewPCG(143, 2026))
	pieces := []string{"4111", "abcd", "AB12", "a1", "12", "Z", "@", "`", "[", "{", "/", ":", " ", "  ", "\t", "-", "\xc1", "\xe1", "\xb1"}
	found := 0
	for range 50000 {
		var b strings.Builder
		for range 2 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		found += checkMidSequence(t, b.String())
	}
	if found < 1000 {
		t.Errorf("only %d positions inside a sequence: the test compares too few", found)
	}
}

func FuzzMidSequence(f *testing.F) {
	for _, s := range []string{"4111 4111 4111", "RS35 2600 0560", "-1881 4012 8888", "ab\xe1d 4111"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			t.Skip()
		}
		checkMidSequence(t, s)
	})
}
