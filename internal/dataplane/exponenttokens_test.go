package dataplane

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExponentTokens(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"1.2345678e+07", []string{"1.2345678e+07"}},
		{"ref 1.2345678E7, 2e5", []string{"1.2345678E7", "2e5"}},
		{"x1.2e7 1.2e7x 1.2e 1.2 e7", nil},
		{"v1.2.3e4", nil},
		{"(12e-3)", []string{"12e-3"}},
		{"ref .12345678e8, 1..5e3", []string{".12345678e8"}},
	} {
		if diff := cmp.Diff(tt.want, exponentTokens(tt.in)); diff != "" {
			t.Errorf("exponentTokens(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzExponentTokens: every token is a number Go parses, standing in s.
func FuzzExponentTokens(f *testing.F) {
	for _, s := range []string{"1.2345678e+07", "a 2E5 b", "1e", "9.e9", "..1e1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range exponentTokens(s) {
			if !strings.Contains(s, tok) {
				t.Fatalf("token %q not in %q", tok, s)
			}
			if _, err := strconv.ParseFloat(tok, 64); err != nil && !strings.Contains(err.Error(), "range") {
				t.Fatalf("token %q of %q is no number: %v", tok, s, err)
			}
		}
	})
}
