package personalize

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRegexReading(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`jane\.doe@example\.com`, "jane.doe@example.com"},
		{`a\@b\-c\+d\\e`, `a@b-c+d\e`},
		{`(\d+\.\d+)\w`, `(\d+.\d+)\w`},
		{`jane\x2edoe\x40example\x2ecom`, "jane.doe@example.com"},
		{`jane\x{2e}doe\x{40}example\x{2E}com`, "jane.doe@example.com"},
		{`jane\u0040example\.com`, "jane@example.com"},
		{`jane[.]doe[@]example[\.]com`, "jane.doe@example.com"},
		{`\Qjane.doe@example.com\E$`, "jane.doe@example.com$"},
		{`jane\.doe\100example\.com`, "jane.doe@example.com"},
		{`jane\056doe\100example\056com`, "jane.doe@example.com"},
		{`jane\U00000040example\N{U+002E}com\o{100}`, "jane@example.com@"},
		{`\N{COMMERCIAL AT}\o{9}\U0011FFFF`, `\N{COMMERCIAL AT}\o{9}\U0011FFFF`},
		{`\Qno end`, "no end"},
		{`[^@][a-z][]]`, `[^@][a-z][]]`},
		{`\x4`, `\x4`},
		{`\x{110000}\x{}`, `\x{110000}\x{}`},
		{`tail\`, `tail\`},
		{`\é`, `\é`},
		{"plain", "plain"},
	} {
		if diff := cmp.Diff(tt.want, regexReading(tt.in)); diff != "" {
			t.Errorf("regexReading(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzRegexReading: the reading is never longer than the text; text
// without a backslash or a bracket stays as it is; and where the reading
// has no regexp syntax left, the text as a Go regexp matches it.
func FuzzRegexReading(f *testing.F) {
	for _, s := range []string{`jane\.doe@example\.com`, `\\\\`, `\`, `a\\.b`, `[@]\x40\x{40}\u0040\Q.\E`, `[\]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := regexReading(s)
		if len(got) > len(s) {
			t.Fatalf("regexReading(%q) = %q, longer", s, got)
		}
		if !strings.ContainsAny(s, `\[`) && got != s {
			t.Fatalf("regexReading(%q) = %q changed text without an escape or a class", s, got)
		}
		if strings.ContainsAny(got, `\[](){}|*+?^$.`) {
			return
		}
		if re, err := regexp.Compile(`^(?:` + s + `)$`); err == nil && !strings.Contains(s, `\u`) && !re.MatchString(got) {
			t.Fatalf("regexp %q does not match its reading %q", s, got)
		}
	})
}
