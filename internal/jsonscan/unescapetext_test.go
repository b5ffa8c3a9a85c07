package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestUnescapeText(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"no escape", `plain text`, `plain text`},
		{"an at sign", `jane\u0040example.com`, `jane@example.com`},
		{"a filter's list", `"jane\u0040example.com","\u0034111"`, `"jane@example.com","4111"`},
		{"short escapes", `a\"b\\c\/d\be\ff\ng\rh\ti`, "a\"b\\c/d\be\ff\ng\rh\ti"},
		{"a surrogate pair", `\ud83d\ude00`, "\U0001F600"},
		{"two escapes, no pair", `\u0041\u0042`, `AB`},
		{"a lone high half", `\ud83dx`, "\uFFFDx"},
		{"a high half before a non-pair", `\ud83d\u0041`, "\uFFFDA"},
		{"a backslash at the end", `abc\`, `abc\`},
		{"an unknown escape", `a\qb`, `a\qb`},
		{"a short u escape", `a\u12`, `a\u12`},
		{"a u escape with a bad digit", `a\u00g0b`, `a\u00g0b`},
		{"an escaped backslash before u", `\\u0040`, `\u0040`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, string(UnescapeText(nil, tt.in))); diff != "" {
				t.Errorf("UnescapeText(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// FuzzUnescapeText: on the content of any valid JSON string, UnescapeText
// reads what encoding/json reads; on any text, it never panics, and text
// without a backslash comes back as it is.
func FuzzUnescapeText(f *testing.F) {
	for _, s := range []string{`jane\u0040example.com`, `\ud83d\ude00`, `abc\`, `\u12`, `\\u0040`, "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := string(UnescapeText(nil, s))
		if !strings.Contains(s, `\`) && got != s {
			t.Fatalf("UnescapeText(%q) = %q, want it unchanged", s, got)
		}
		var want string
		if utf8.ValidString(s) && json.Unmarshal([]byte(`"`+s+`"`), &want) == nil {
			if got != want {
				t.Fatalf("UnescapeText(%q) = %q, encoding/json reads %q", s, got, want)
			}
		}
	})
}
