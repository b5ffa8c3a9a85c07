package jsontext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// outsideLengthReference is the length rule as the guards applied it
// before OutsideLength, counting every value's characters.
func outsideLengthReference(s string, minChars, maxChars int) bool {
	c := utf8.RuneCountInString(s)
	return c < minChars || maxChars > 0 && c > maxChars
}

// TestOutsideLengthEdges walks every length around the limits, in one-,
// two-, three- and four-byte characters and bytes that are not UTF-8, for
// small limits and for the models' own (a name's 1–63, an ARN's 0–256, a
// filter expression's 1–2,500, a minimum alone).
func TestOutsideLengthEdges(t *testing.T) {
	for _, ch := range []string{"a", "é", "語", "\U0001F600", "\xff"} {
		for count := range 12 {
			s := strings.Repeat(ch, count)
			for minChars := range 6 {
				for maxChars := range 8 {
					if got, want := OutsideLength(s, minChars, maxChars), outsideLengthReference(s, minChars, maxChars); got != want {
						t.Fatalf("OutsideLength(%d × %q, %d, %d) = %v, want %v", count, ch, minChars, maxChars, got, want)
					}
				}
			}
		}
		for _, lim := range [][2]int{{1, 63}, {0, 256}, {1, 2500}, {3, 0}, {2, 2}, {0, 0}} {
			for _, count := range []int{0, 1, 2, 3, 4, 12, 13, 62, 63, 64, 252, 255, 256, 257, 1024, 2499, 2500, 2501, 10001} {
				s := strings.Repeat(ch, count)
				if got, want := OutsideLength(s, lim[0], lim[1]), outsideLengthReference(s, lim[0], lim[1]); got != want {
					t.Errorf("OutsideLength(%d × %q, %d, %d) = %v, want %v", count, ch, lim[0], lim[1], got, want)
				}
			}
		}
	}
}

// FuzzOutsideLength holds OutsideLength to the count it skips when the
// byte length settles the rule: for any text (invalid UTF-8 included) and
// any limits.
func FuzzOutsideLength(f *testing.F) {
	for _, s := range []string{"", "a", "movies-2024", "héllo", "日本語", "é€😀", "\xff\xfe", strings.Repeat("é", 40), "\U0001F600\U0001F600"} {
		for _, lim := range [][2]uint8{{0, 0}, {1, 0}, {1, 1}, {2, 3}, {1, 255}, {3, 5}, {8, 8}, {1, 63}} {
			f.Add(s, lim[0], lim[1])
		}
	}
	f.Fuzz(func(t *testing.T, s string, minChars, maxChars uint8) {
		if got, want := OutsideLength(s, int(minChars), int(maxChars)), outsideLengthReference(s, int(minChars), int(maxChars)); got != want {
			t.Fatalf("OutsideLength(%q, %d, %d) = %v, want %v", s, minChars, maxChars, got, want)
		}
	})
}
