package personalize

import (
	"testing"
	"unicode/utf8"
)

// outOfLengthReference is the length test check made before
// outOfLength: the differential tests hold outOfLength to it.
func outOfLengthReference(sh *shape, s string) bool {
	return sh.max > 0 && (len(s) > 4*sh.max || length(s) > sh.max) || length(s) < sh.min
}

var lengthShapes = []*shape{
	shapeName, shapeTagKey, shapeTagValue, shapeArn, shapeUnknown, shapeFilterExpression, shapeSchedulingExpression,
	{name: "min only", min: 3}, {name: "tight", min: 2, max: 2}, {name: "none"},
}

func TestOutOfLengthDifferential(t *testing.T) {
	runes := []string{"a", "é", "€", "😀", "\xff"}
	for _, sh := range lengthShapes {
		for n := 0; n <= 70; n++ {
			for _, r := range runes {
				s := ""
				for range n {
					s += r
				}
				if want, got := outOfLengthReference(sh, s), outOfLength(sh, s); want != got {
					t.Errorf("%s: %d × %q (%d bytes, %d runes): outOfLength = %v, want %v", sh.name, n, r, len(s), utf8.RuneCountInString(s), got, want)
				}
			}
		}
	}
}

func FuzzOutOfLength(f *testing.F) {
	for _, s := range []string{"", "movies-2024", "é€😀", "\xff\xfe", "aaaa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sh := range lengthShapes {
			if want, got := outOfLengthReference(sh, s), outOfLength(sh, s); want != got {
				t.Fatalf("%s: outOfLength(%q) = %v, want %v", sh.name, s, got, want)
			}
		}
	})
}
