package dataplane

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// referenceHasControl is the check hasControl replaced: the runes of s, as
// decoded, tested one by one.
func referenceHasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 })
}

// TestHasControlMatchesReference compares hasControl with the rune-by-rune
// check on every string of one and two bytes, on every byte after a prefix
// that ends in each way a UTF-8 sequence can be cut, and on random strings
// of bytes that favour the ones near the boundaries.
func TestHasControlMatchesReference(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := hasControl(s), referenceHasControl(s); got != want {
			t.Fatalf("hasControl(%q) = %v, want %v", s, got, want)
		}
	}
	check("")
	for a := range 256 {
		check(string([]byte{byte(a)}))
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	prefixes := []string{"item-", "\xc2", "\xe2\x80", "\xf0\x9f\x98", "\xc2\xc2", "\xe0\xa0", "\xed\xa0", "\x80", "é", "\U0001F600"}
	for _, p := range prefixes {
		for a := range 256 {
			for _, tail := range []string{"", "\x85", "x", "\x9f\x9f"} {
				check(p + string([]byte{byte(a)}) + tail)
			}
		}
	}
	interesting := []byte{0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 'a', '-'}
	r := rand.New(rand.NewPCG(3, 5))
	for range 200000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			if r.IntN(3) == 0 {
				b[i] = byte(r.IntN(256))
			} else {
				b[i] = interesting[r.IntN(len(interesting))]
			}
		}
		check(string(b))
	}
}

func FuzzHasControl(f *testing.F) {
	for _, s := range []string{"", "item-1", "a\x00b", "\x7f", "\xc2\x85", "\xc2\xa0", "\xc2", "\xe2\x80\x8b", "\xc0\x85", "\xc2\xc2\x9f", "é\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasControl(s), referenceHasControl(s); got != want {
			t.Fatalf("hasControl(%q) = %v, want %v", s, got, want)
		}
	})
}
