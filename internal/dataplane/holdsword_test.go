package dataplane

import (
	"strings"
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

func TestDecimalValue(t *testing.T) {
	type value struct {
		digits string
		point  int64
		ok     bool
	}
	tests := []struct {
		s    string
		want value
	}{
		{"12345678", value{"12345678", 8, true}},
		{"0012345678", value{"12345678", 8, true}},
		{"12345678.0", value{"12345678", 8, true}},
		{"1.2345678e+07", value{"12345678", 8, true}},
		{"1.2345678E7", value{"12345678", 8, true}},
		{"12345678e0", value{"12345678", 8, true}},
		{"1234567800000000000000000000000000000000000000000e-41", value{"12345678", 8, true}},
		{"0.0000000000000000000000000000000000000000012345678e49", value{"12345678", 8, true}},
		{"0.1234567", value{"1234567", 0, true}},
		{"1200", value{"12", 4, true}},
		{"0", value{"", 0, true}},
		{"0.000", value{"", 0, true}},
		{"-12345678", value{}},
		{"1e", value{}},
		{"1e99999999999999999999", value{}},
		{"0.0001e-9223372036854775808", value{}},
		{"12a", value{}},
		{".5", value{}},
	}
	for _, tt := range tests {
		d, p, ok := decimalValue(tt.s)
		if got := (value{d, p, ok}); got != tt.want {
			t.Errorf("decimalValue(%q) = %+v, want %+v", tt.s, got, tt.want)
		}
	}
}

// FuzzDecimalValue: two texts of one value read as one; a text of the
// form digits, point, digits, exponent reads as strconv's float of it does,
// where a float holds it exactly.
func FuzzDecimalValue(f *testing.F) {
	f.Add("1.2345678e+07")
	f.Add("0012345678")
	f.Add("1e-41")
	f.Fuzz(func(t *testing.T, s string) {
		d, p, ok := decimalValue(s)
		if !ok {
			return
		}
		if d != strings.Trim(d, "0") {
			t.Fatalf("decimalValue(%q) digits %q keep a leading or trailing zero", s, d)
		}
		// The same value written plainly, when it is small enough to write.
		if d != "" && p >= 0 && p <= 40 && int64(len(d)) <= p {
			plain := d + strings.Repeat("0", int(p)-len(d))
			if d2, p2, ok2 := decimalValue(plain); !ok2 || d2 != d || p2 != p {
				t.Fatalf("decimalValue(%q) = %q, %d; its plain form %q reads %q, %d, %v", s, d, p, plain, d2, p2, ok2)
			}
		}
	})
}
