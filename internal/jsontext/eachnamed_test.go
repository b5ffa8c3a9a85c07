package jsontext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

func TestEachNamed(t *testing.T) {
	long := "gold " + strings.Repeat("x", 120) + " 912803456"
	tests := []struct {
		name, value string
		want        []string
		reason      string
	}{
		{"acct", "912803456", []string{"acct = 912803456"}, "one run, at the start: the join alone"},
		{"acct", "gold 912803456", []string{"acct = gold 912803456", "acct = 912803456"}, "a number after other text is read after the name too"},
		{"filter", `"gold","912803456"`, nil, "no keyword: nothing joined"},
		{"acct", `"gold","912803456"`, []string{`acct = "gold","912803456"`, `acct = 912803456"`}, "a filter's list of literals"},
		{"ssn", "x:123456789", []string{"ssn = x:123456789", "ssn = 123456789"}, "after a colon"},
		{"acct", "plan 12 since 345678", []string{"acct = plan 12 since 345678", "acct = 12 since 345678", "acct = 345678"}, "each run on, to the end of its window"},
		{"acct", "gold １２３４５６７８９", []string{"acct = gold １２３４５６７８９", "acct = １２３４５６７８９"}, "full-width digits are digits"},
		{"acct", long, []string{"acct = " + long, "acct = 912803456"}, "a window, not the rest of the value"},
		{"acct", "1234", nil, "too few digits for any identifying number"},
	}
	d := sensitive.Default()
	for _, tt := range tests {
		var got []string
		if err := EachNamed(d, tt.name, tt.value, func(text string) error { got = append(got, text); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("EachNamed(%q, %q): %s (-want +got):\n%s", tt.name, tt.value, tt.reason, diff)
		}
	}
}

// FuzzEachNamed: every text is the name joined to a suffix of the value of
// at most numberWindow bytes (the first, the whole value), valid UTF-8
// where the value is, one per run of digits after the value's start, and
// the first is Named's join.
func FuzzEachNamed(f *testing.F) {
	f.Add("acct", "gold 912803456")
	f.Add("ssn", "x:1２3-45-6789 and 9")
	f.Add("acct", "gold 9"+strings.Repeat("\x80", 120)+"912803456") // no character starts in the window
	d := sensitive.Default()
	f.Fuzz(func(t *testing.T, name, value string) {
		var got []string
		if err := EachNamed(d, name, value, func(text string) error { got = append(got, text); return nil }); err != nil {
			t.Fatal(err)
		}
		join, ok := Named(d, name, value)
		if !ok {
			if len(got) != 0 {
				t.Fatalf("EachNamed(%q, %q) = %q without a join", name, value, got)
			}
			return
		}
		if got[0] != join {
			t.Fatalf("EachNamed(%q, %q) first text %q, want %q", name, value, got[0], join)
		}
		for _, text := range got[1:] {
			rest, ok := strings.CutPrefix(text, name+NameSep)
			if !ok || !strings.Contains(value, rest) || len(rest) > numberWindow || len(rest) == 0 {
				t.Fatalf("EachNamed(%q, %q) text %q is not the name and a window of the value", name, value, text)
			}
			if utf8.ValidString(value) && !utf8.ValidString(rest) {
				t.Fatalf("EachNamed(%q, %q) text %q splits a character", name, value, text)
			}
		}
		runs, prev := 0, true
		for _, r := range value {
			digit := unicode.IsDigit(r)
			if digit && !prev {
				runs++
			}
			prev = digit
		}
		if len(got)-1 != runs {
			t.Fatalf("EachNamed(%q, %q): %d texts after the join, want one per later run of digits (%d)", name, value, len(got)-1, runs)
		}
	})
}
