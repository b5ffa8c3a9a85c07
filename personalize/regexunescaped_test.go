package personalize

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRegexUnescaped(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`jane\.doe@example\.com`, "jane.doe@example.com"},
		{`a\@b\-c\+d\\e`, `a@b-c+d\e`},
		{`(\d+\.\d+)\w`, `(\d+.\d+)\w`},
		{`tail\`, `tail\`},
		{`\é`, `\é`},
		{"plain", "plain"},
	} {
		if diff := cmp.Diff(tt.want, regexUnescaped(tt.in)); diff != "" {
			t.Errorf("regexUnescaped(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzRegexUnescaped: the reading is never longer, drops only backslashes,
// and leaves text without one as it is.
func FuzzRegexUnescaped(f *testing.F) {
	for _, s := range []string{`jane\.doe@example\.com`, `\\\\`, `\`, `a\\.b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := regexUnescaped(s)
		if len(got) > len(s) {
			t.Fatalf("regexUnescaped(%q) = %q, longer", s, got)
		}
		if strings.ReplaceAll(got, `\`, "") != strings.ReplaceAll(s, `\`, "") {
			t.Fatalf("regexUnescaped(%q) = %q dropped more than backslashes", s, got)
		}
		if !strings.Contains(s, `\`) && got != s {
			t.Fatalf("regexUnescaped(%q) = %q changed text without a backslash", s, got)
		}
	})
}
