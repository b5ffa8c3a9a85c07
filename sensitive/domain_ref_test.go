package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// domainAtRef is domainAt as it was: every label, the first too, read by
// the one walk.
func domainAtRef(s string, i int) int {
	best := -1
	labels, start := 1, i
	letters, hyphen := true, -1 // the label so far is all letters; its first '-'
	j := i
	for {
		if j < len(s) && j-i < 253 {
			c := s[j]
			if c != '.' && byteClass[c]&cDomain != 0 {
				if !isLetter(c) {
					letters = false
					if c == '-' && hyphen < 0 {
						hyphen = j
					}
				}
				j++
				continue
			}
			if c >= utf8.RuneSelf {
				if n := wordRuneAt(s, j); n > 0 {
					letters = false
					j += n
					continue
				}
			}
		}
		// The label s[start:j] ends here, at a '.' or at the domain's end.
		label := s[start:j]
		if len(label) == 0 || len(label) > 63 {
			return best
		}
		if labels >= 2 && len(label) >= 2 {
			if (letters || label[0] >= utf8.RuneSelf || isALabel(label)) && knownTLD(label) {
				best = j
			} else if hyphen > start && allLetters(s[start:hyphen]) && knownTLD(s[start:hyphen]) {
				return hyphen
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return best
		}
		if j >= len(s) || s[j] != '.' || j-i >= 253 {
			return best
		}
		j++
		labels, start = labels+1, j
		letters, hyphen = true, -1
	}
}

// checkDomainAt compares domainAt with domainAtRef at every offset of s,
// and returns at how many a domain starts.
func checkDomainAt(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for i := 0; i <= len(s); i++ {
		got, want := domainAt(s, i), domainAtRef(s, i)
		if got != want {
			t.Fatalf("domainAt(%q, %d) = %d; the reference says %d", s, i, got, want)
		}
		if got >= 0 {
			n++
		}
	}
	return n
}

// TestDomainAtMatchesReference holds domainAt, which finds the end of the
// first label in a loop of its own, to the single walk: on addresses and
// their near misses, first labels of 62 to 65 bytes, with and without
// non-ASCII letters, and random text made of the bytes that end or
// continue a label.
func TestDomainAtMatchesReference(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, s := range []string{
		"example.com", "a@a@a@a@", "host", "host ", "host@x.com", "x.co-2024", "b\xc3\xbccher.de", "\xffb.com",
		"a.b", "-x.com", "x-.com", ".com", "", "@", "a b.com", "example.com.", "xn--bcher-kva.xn--p1ai",
		"ex-ample.co.uk", "b\xc3\xbc.de", "\xc3\xbc.de", "a.b.c.d.e.com", "sub.example.travel-x",
		long(62) + ".com", long(63) + ".com", long(64) + ".com", long(65) + ".com", long(63), long(64), long(64) + " ",
		long(63) + "\xc3\xbc.de", long(64) + "\xc3\xbc.de", strings.Repeat("a.", 140) + "com",
	} {
		checkDomainAt(t, s)
	}
	r := rand.New(rand.NewPCG(206, 2026))
	pieces := []string{"a", "x", "com", "de", "co", ".", "..", "-", "@", " ", "1", "\xc3\xbc", "\xff", "_", "xn--p1ai", long(30)}
	var accepted int
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(10) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		accepted += checkDomainAt(t, b.String())
	}
	if accepted < 2000 {
		t.Errorf("only %d offsets start a domain: the test compares too few accepted walks", accepted)
	}
}

func FuzzDomainAt(f *testing.F) {
	for _, s := range []string{"example.com", "a@a@a@", "host", "x.co-2024", "b\xc3\xbccher.de", strings.Repeat("a", 64) + ".com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 512 {
			t.Skip()
		}
		checkDomainAt(t, s)
	})
}
