package jsontext

import (
	"strings"
	"testing"
)

// TestShortNumber holds shortNumber to the test NumberForms and
// DataNumberForms made before it, each byte value in each place of texts
// around eight bytes long.
func TestShortNumber(t *testing.T) {
	for n := 0; n <= 9; n++ {
		for at := 0; at < max(n, 1); at++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("1", n))
				if at < n {
					b[at] = byte(c)
				}
				s := string(b)
				want := len(s) < 8 && strings.IndexByte(s, 'e') < 0 && strings.IndexByte(s, 'E') < 0
				if got := shortNumber(s); got != want {
					t.Fatalf("shortNumber(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}
