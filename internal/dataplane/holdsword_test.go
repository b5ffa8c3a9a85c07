package dataplane

import (
	"testing"
)

func TestHoldsWord(t *testing.T) {
	tests := []struct {
		s, word string
		want    bool
	}{
		{"004512873309", "004512873309", true},
		{"004512873309-1700000000", "004512873309", true},
		{`{"customerRef":"004512873309"}`, "004512873309", true},
		{"gold/004512873309", "004512873309", true},
		{"x004512873309", "004512873309", false},
		{"0045128733091", "004512873309", false},
		{"x004512873309 004512873309", "004512873309", true}, // the second occurrence stands alone
		{"a004512873309b-004512873309c", "004512873309", false},
		{"jane@example.com", "jane@example.com", true},
		{"mailto:jane@example.com?x", "jane@example.com", true},
		{"", "004512873309", false},
		{"0045128733", "004512873309", false},
		{"caf\u00e9004512873309", "004512873309", true}, // only ASCII letters and digits join a word
	}
	for _, tt := range tests {
		if got := holdsWord(tt.s, tt.word); got != tt.want {
			t.Errorf("holdsWord(%q, %q) = %v, want %v", tt.s, tt.word, got, tt.want)
		}
	}
}

// FuzzHoldsWord holds holdsWord to a reading of its definition: some
// occurrence of word with no ASCII letter or digit on either side.
func FuzzHoldsWord(f *testing.F) {
	f.Add("004512873309-1700000000", "004512873309")
	f.Add("x004512873309 004512873309", "004512873309")
	f.Add("aaaa", "aa")
	f.Fuzz(func(t *testing.T, s, word string) {
		if word == "" {
			return
		}
		want := false
		for i := 0; i+len(word) <= len(s); i++ {
			if s[i:i+len(word)] == word && (i == 0 || !alnum(s[i-1])) && (i+len(word) == len(s) || !alnum(s[i+len(word)])) {
				want = true
				break
			}
		}
		if got := holdsWord(s, word); got != want {
			t.Fatalf("holdsWord(%q, %q) = %v, want %v", s, word, got, want)
		}
	})
}
