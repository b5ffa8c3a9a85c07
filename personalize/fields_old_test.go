package personalize

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// validNameOld and validTagTextOld are validName and validTagText as they
// were before their lookup tables, the references the new ones are held to.
func validNameOld(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_') {
			return false
		}
	}
	return true
}

func validTagTextOld(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false
		case unicode.IsLetter(r), unicode.Is(unicode.Z, r), unicode.IsNumber(r):
		case strings.ContainsRune("_.:/=+-@", r):
		default:
			return false
		}
	}
	return true
}

// TestNameAndTagMatchOld holds validName and validTagText to the old
// ones: every byte at the start, middle and end of a valid name or tag,
// every rune (encoded) in a tag, and random strings from an alphabet of
// the edges (ASCII punctuation, Latin-1, invalid and cut sequences).
func TestNameAndTagMatchOld(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := validName(s), validNameOld(s); got != want {
			t.Fatalf("validName(%q) = %v, the old one %v", s, got, want)
		}
		if got, want := validTagText(s), validTagTextOld(s); got != want {
			t.Fatalf("validTagText(%q) = %v, the old one %v", s, got, want)
		}
	}
	for c := range 256 {
		b := string([]byte{byte(c)})
		for _, s := range []string{b, b + "name", "na" + b + "me", "name" + b, strings.Repeat("a", 62) + b, strings.Repeat("a", 63) + b} {
			check(s)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue // utf8 writes these as U+FFFD
		}
		s := string(r)
		if got, want := validTagText("a"+s), validTagTextOld("a"+s); got != want {
			t.Fatalf("validTagText(%q) = %v, the old one %v", "a"+s, got, want)
		}
	}
	alphabet := []string{"a", "Z", "0", "-", "_", " ", ".", ":", "/", "=", "+", "@", ";", "\t", "\x00", "\x7f",
		"é", "\u00a0", "\u2028", "\u3000", "²", "\ufffd", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "日"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		check(b.String())
	}
}

// FuzzNameAndTagMatchOld is TestNameAndTagMatchOld's comparison for any
// string.
func FuzzNameAndTagMatchOld(f *testing.F) {
	for _, s := range []string{"movies", "-x", "team:recs", "Équipe 42", "a\xffb", "\ufffd", "a\u3000b", strings.Repeat("a", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validName(s), validNameOld(s); got != want {
			t.Errorf("validName(%q) = %v, the old one %v", s, got, want)
		}
		if got, want := validTagText(s), validTagTextOld(s); got != want {
			t.Errorf("validTagText(%q) = %v, the old one %v", s, got, want)
		}
	})
}
