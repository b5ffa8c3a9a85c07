package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// emailAtPrev is emailAt as it was before it tested the domain's first
// label itself: every '@' after a local part went to domainAt.
// TestEmailAtMatchesPrevious and FuzzEmailAtPrevious hold emailAt to it
// (FuzzEmailAt holds emailAt to emailAtReference as well).
func emailAtPrev(s string, at int) (int, int) {
	if at == 0 || s[at-1] == '.' {
		return -1, -1
	}
	e := domainAt(s, at+1)
	if e < 0 {
		return -1, -1
	}
	if a := localStart(s, at); a >= 0 {
		return a, e
	}
	return -1, -1
}

// checkEmailAtSame compares emailAt with emailAtPrev at every '@' of s.
func checkEmailAtSame(t *testing.T, s string) {
	t.Helper()
	for at := 0; at < len(s); at++ {
		if s[at] != '@' {
			continue
		}
		a, e := emailAt(s, at)
		ra, re := emailAtPrev(s, at)
		if a != ra || e != re {
			t.Fatalf("emailAt(%q, %d) = %d, %d; the previous code %d, %d", s, at, a, e, ra, re)
		}
	}
}

// emailAlphabet holds the bytes the domain's first label is tested on:
// host bytes, '.', '@', other ASCII and the first bytes of non-ASCII
// letters and spaces.
const emailAlphabet = "aZ09-._@@@ +,;:\"<>\xc3\xa9\xe2\x80\xaf.comx"

// TestEmailAtMatchesPrevious holds emailAt to emailAtPrev on the corpus,
// the pathological units and random strings over emailAlphabet.
func TestEmailAtMatchesPrevious(t *testing.T) {
	for _, cl := range readCorpus(t) {
		checkEmailAtSame(t, cl.text)
		checkEmailAtSame(t, newView(cl.text).s)
	}
	for _, p := range pathological {
		checkEmailAtSame(t, newView(repeatTo(p.unit, 300)).s)
	}
	for _, s := range []string{"a@", "a@b", "a@b.", "a@bc", "a@b.c", "a@é.com", "a@bé.com", "a@-b.com", "a@b-.com",
		"a@b.co", "jane@example.com", "x@y z@w.com", "a@.com", "a@@b.com", "a@b@c.com", "a@b\xff"} {
		checkEmailAtSame(t, s)
	}
	r := rand.New(rand.NewPCG(10, 2026))
	for range 20000 {
		var b strings.Builder
		for k := r.IntN(60); k > 0; k-- {
			if r.IntN(8) == 0 {
				b.WriteString([]string{"jane.doe", "example", ".com", ".co.uk", "@", "é", "xn--p1ai"}[r.IntN(7)])
				continue
			}
			b.WriteByte(emailAlphabet[r.IntN(len(emailAlphabet))])
		}
		checkEmailAtSame(t, b.String())
	}
}

func FuzzEmailAtPrevious(f *testing.F) {
	seedFromCorpus(f)
	for _, p := range pathological {
		f.Add(repeatTo(p.unit, 100))
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			t.Skip()
		}
		checkEmailAtSame(t, s)
	})
}
