package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestReviewFinal6Surrogates attacks the lone-surrogate rule through every
// path that reads a \u escape: Next (stringEnd), Text/Unescape, rawEquals,
// NextStringIs and Document must agree on each body, and a valid pair must
// still decode to its character.
func TestReviewFinal6Surrogates(t *testing.T) {
	tests := []struct {
		name string
		doc  string // a JSON document holding one string value
		ok   bool
		text string // the decoded value when ok
	}{
		{"pair", `"\ud83d\ude00"`, true, "\U0001F600"},
		{"pair upper hex", `"\uD83D\uDE00"`, true, "\U0001F600"},
		{"pair inside text", `"a\ud800\udc00b"`, true, "a\U00010000b"},
		{"highest pair", `"\udbff\udfff"`, true, "\U0010FFFF"},
		{"non-surrogate", `"\u00e9"`, true, "é"},
		{"edge below", `"\ud7ff"`, true, "\ud7ff"},
		{"edge above", `"\ue000"`, true, "\ue000"},
		{"lone high at end", `"\ud800"`, false, ""},
		{"lone low", `"\udc00"`, false, ""},
		{"low then high", `"\udc00\ud800"`, false, ""},
		{"high high low", `"\ud800\ud800\udc00"`, false, ""},
		{"high then escaped non-surrogate", `"\ud800\u0041"`, false, ""},
		{"high then escaped backslash u", `"\ud800\\udc00"`, false, ""},
		{"high then plain text", `"\ud800udc00"`, false, ""},
		{"high then n escape", `"\ud800\n"`, false, ""},
		{"high then bad hex", `"\ud800\udcxz"`, false, ""},
		{"high then short", `"\ud800\udc"`, false, ""},
		{"short input \\u at end", `"\ud800\u`, false, ""},
		{"short input half digits", `"\ud800\ud`, false, ""},
		{"short input high only", `"\ud800`, false, ""},
		{"short input \\u", `"\u`, false, ""},
		{"short input \\ud8", `"\ud8`, false, ""},
		{"unterminated after pair", `"\ud800\udc00`, false, ""},
		{"high then quote then low", `"\ud800"\udc00"`, false, ""},
		{"high then raw U+DC00 bytes", "\"\\ud800\xed\xb0\x80\"", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Next, as a value and as a key.
			var s Scanner
			s.Reset(tt.doc)
			k, err := s.Next()
			gotOK := err == nil && k == String
			if gotOK {
				if k2, err := s.Next(); err != nil || k2 != End {
					gotOK = false
				}
			}
			if gotOK != tt.ok {
				t.Fatalf("Next on %q: ok %v, want %v (err %v)", tt.doc, gotOK, tt.ok, err)
			}
			if err != nil && strings.Contains(err.Error(), "d800") {
				t.Errorf("error echoes the escape: %v", err)
			}
			var ks Scanner
			ks.Reset(`{` + tt.doc + `:1}`)
			keyOK := true
			for {
				k, err := ks.Next()
				if err != nil {
					keyOK = false
					break
				}
				if k == End {
					break
				}
			}
			if keyOK != tt.ok {
				t.Errorf("as a key: ok %v, want %v", keyOK, tt.ok)
			}
			if got := DocumentDefaults(tt.doc, func(string, bool) bool { return true }, nil); got != tt.ok {
				t.Errorf("Document(%q) = %v, want %v", tt.doc, got, tt.ok)
			}
			if got := DocumentDefaults(`{`+tt.doc+`:`+tt.doc+`}`, func(string, bool) bool { return true }, nil); got != tt.ok {
				t.Errorf("Document as key and value = %v, want %v", got, tt.ok)
			}
			// NextStringIs never accepts what Next refuses, whatever want.
			for _, want := range []string{tt.text, "\ufffd", "\ufffd\ufffd", "\U0001F600", "\ufffdA", "\ufffd\\udc00", "\ufffd\n", "A", ""} {
				var n Scanner
				n.Reset(tt.doc)
				if n.NextStringIs(want) && !tt.ok {
					t.Errorf("NextStringIs(%q) accepted %q, which Next refuses", want, tt.doc)
				}
				checkNextStringIs(t, n, want)
			}
			if !tt.ok {
				return
			}
			if got := s.Text(); got != tt.text {
				t.Errorf("Text = %q, want %q", got, tt.text)
			}
			raw := tt.doc[1 : len(tt.doc)-1]
			if got := string(Unescape(nil, raw)); got != tt.text {
				t.Errorf("Unescape = %q, want %q", got, tt.text)
			}
			if !rawEquals(raw, tt.text) {
				t.Errorf("rawEquals(%q, %q) = false", raw, tt.text)
			}
			if rawEquals(raw, tt.text+"x") || rawEquals(raw, "\ufffd") {
				t.Errorf("rawEquals matched another text")
			}
			// encoding/json agrees on every accepted body.
			var ref string
			if err := json.Unmarshal([]byte(tt.doc), &ref); err != nil || ref != tt.text {
				t.Errorf("encoding/json reads %q (%v), scanner %q", ref, err, tt.text)
			}
			if !utf8.ValidString(tt.text) {
				t.Errorf("decoded text is not UTF-8")
			}
			var d []string
			DocumentDefaults(tt.doc, func(s string, _ bool) bool { d = append(d, s); return true }, nil)
			if diff := cmp.Diff([]string{tt.text}, d); diff != "" {
				t.Errorf("Document visit (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReviewFinal6ShortInput slices a document with a pair at every length:
// no path may panic, and no prefix that ends inside the pair is accepted.
func TestReviewFinal6ShortInput(t *testing.T) {
	full := `{"k\ud83d\ude00":"v\ud800\udc00"}`
	for n := 0; n <= len(full); n++ {
		d := full[:n]
		var s Scanner
		s.Reset(d)
		ok := true
		for {
			k, err := s.Next()
			if err != nil {
				ok = false
				break
			}
			if k == End {
				break
			}
		}
		if ok != (n == len(full)) {
			t.Errorf("Next on %q: ok %v", d, ok)
		}
		if got := DocumentDefaults(d, func(string, bool) bool { return true }, nil); got != ok {
			t.Errorf("Document(%q) = %v, Next says %v", d, got, ok)
		}
		for i := 0; i <= n; i++ {
			var m Scanner
			m.Reset(d[i:])
			m.NextStringIs("v\U00010000")
			m.NextStringIs("\ufffd")
		}
	}
}
