package jsonscan

import "testing"

// onlyQuotesEscapedRef is OnlyQuotesEscaped a byte at a time.
func onlyQuotesEscapedRef(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && (i+1 == len(s) || s[i+1] != '"') {
			return false
		}
	}
	return true
}

func TestOnlyQuotesEscaped(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{``, true},
		{`{"userId":"pu1_x","properties":"{\"device\":\"mobile\"}"}`, true},
		{`{\"a\":\"b\"}`, true},
		{`1234567\"`, true},  // a backslash as a word's last byte, its quote the next word's first
		{`1234567\n`, false}, // the same with another escape
		{`1234567\`, false},  // a backslash that ends the text
		{`12345678\`, false},
		{`{\"note\":\"a\\nb\"}`, false}, // an escaped backslash: the document escapes something
		{`"tenant\u0026004512873309"`, false},
		{`"Customer:\n004512873309"`, false},
		{`\\"`, false},
	}
	for _, tt := range tests {
		if got := OnlyQuotesEscaped(tt.s); got != tt.want {
			t.Errorf("OnlyQuotesEscaped(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := onlyQuotesEscapedRef(tt.s); got != tt.want {
			t.Errorf("the reference on %q = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// FuzzOnlyQuotesEscaped holds the word-at-a-time reading to the byte-at-a-
// time one, from every offset, so that backslashes fall on every byte of a
// word.
func FuzzOnlyQuotesEscaped(f *testing.F) {
	f.Add(`{\"a\":\"b\"}`)
	f.Add(`1234567\"12345678\n`)
	f.Add(`\\\\\\\\\\\\\\\\"`)
	f.Fuzz(func(t *testing.T, s string) {
		for off := 0; off < 8 && off <= len(s); off++ {
			if got, want := OnlyQuotesEscaped(s[off:]), onlyQuotesEscapedRef(s[off:]); got != want {
				t.Fatalf("OnlyQuotesEscaped(%q) = %v, want %v", s[off:], got, want)
			}
		}
	})
}
