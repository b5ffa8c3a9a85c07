package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// nextEmailRef is nextEmail as it was before it tested the first label of
// the domain itself: every '@' after a local byte went to emailAt.
// TestNextEmailMatchesReference and FuzzNextEmail hold nextEmail to it.
func nextEmailRef(s string, from int) (int, int) {
	for at := from; at < len(s); at++ {
		if s[at] != '@' {
			k := at + 1
			for k < len(s) && k < at+8 && s[k] != '@' {
				k++
			}
			if k < len(s) && s[k] == '@' {
				at = k
			} else {
				j := strings.IndexByte(s[k:], '@')
				if j < 0 {
					break
				}
				at = k + j
			}
		}
		if at == 0 || !(is(s[at-1], cLocal) || s[at-1] >= utf8.RuneSelf) {
			continue
		}
		if a, e := emailAt(s, at); a >= from {
			return a, e
		}
	}
	return -1, -1
}

// checkNextEmailSame compares nextEmail with nextEmailRef on s from every
// offset.
func checkNextEmailSame(t *testing.T, s string) {
	t.Helper()
	for from := 0; from <= len(s); from++ {
		a, e := nextEmail(s, from)
		ra, re := nextEmailRef(s, from)
		if a != ra || e != re {
			t.Fatalf("nextEmail(%q, %d) = %d, %d; the reference %d, %d", s, from, a, e, ra, re)
		}
	}
}

// emailAlphabet holds the bytes the domain's first label is tested on:
// host bytes, '.', '@', other ASCII and the first bytes of non-ASCII
// letters and spaces.
const emailAlphabet = "aZ09-._@@@ +,;:\"<>\xc3\xa9\xe2\x80\xaf.comx"

// TestNextEmailMatchesReference holds nextEmail to nextEmailRef on the
// corpus, the pathological units and random strings over emailAlphabet.
func TestNextEmailMatchesReference(t *testing.T) {
	for _, cl := range readCorpus(t) {
		checkNextEmailSame(t, cl.text)
		checkNextEmailSame(t, newView(cl.text).s)
	}
	for _, p := range pathological {
		checkNextEmailSame(t, newView(repeatTo(p.unit, 300)).s)
	}
	for _, s := range []string{"a@", "a@b", "a@b.", "a@bc", "a@b.c", "a@é.com", "a@bé.com", "a@-b.com", "a@b-.com",
		"a@b.co", "jane@example.com", "x@y z@w.com", "a@.com", "a@@b.com", "a@b@c.com", "a@b\xff"} {
		checkNextEmailSame(t, s)
	}
	r := rand.New(rand.NewPCG(10, 2026))
	for range 5000 {
		var b strings.Builder
		for k := r.IntN(60); k > 0; k-- {
			if r.IntN(8) == 0 {
				b.WriteString([]string{"jane.doe", "example", ".com", ".co.uk", "@", "é", "xn--p1ai"}[r.IntN(7)])
				continue
			}
			b.WriteByte(emailAlphabet[r.IntN(len(emailAlphabet))])
		}
		checkNextEmailSame(t, b.String())
	}
}

func FuzzNextEmail(f *testing.F) {
	seedFromCorpus(f)
	for _, p := range pathological {
		f.Add(repeatTo(p.unit, 100))
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1024 {
			t.Skip()
		}
		checkNextEmailSame(t, s)
	})
}
