package jsonscan

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// reviewDocs are documents whose every prefix the review reads: each kind
// of token, every escape, multi-byte text and a surrogate pair, white space
// between every token, and strings around the eight-byte words the fast
// paths read.
var reviewDocs = []string{
	`{"schema":"{\"type\":\"record\",\"doc\":\"caf\u00e9 \ud83d\ude00 \/ \\ \b\f\n\r\t\"}","n":-12.5e+3,"l":[true,false,null,{}]}`,
	" { \"k\" : [ 1 , \"v\" , { \"a\" : \"b\" } ] , \"e\" : \"\\u0041\" } ",
	`["abcdefgh","abcdefg\"","abcdefghi\u0041jklmnopq","é😀é😀é😀é😀"]`,
	`{"na\u006de":1,"name":2}`,
}

// TestEveryPrefix reads every prefix of reviewDocs with Document and, at
// every token, NextStringIs: neither may panic on input that ends in the
// middle of a token or an escape, and both agree with Next.
func TestEveryPrefix(t *testing.T) {
	for _, doc := range reviewDocs {
		for i := range len(doc) + 1 {
			p := doc[:i]
			checkDocument(t, p)
			eachPosition(p, func(s Scanner, text string) {
				for _, want := range nearMisses(text) {
					checkNextStringIs(t, s, want)
				}
			})
		}
	}
}

// TestDocumentEdgeCases holds Document to Next (and a key set that compares
// decoded keys) on the inputs a lax reader takes and a strict one refuses,
// and on keys that repeat only once decoded.
func TestDocumentEdgeCases(t *testing.T) {
	tests := []struct {
		doc  string
		want bool
	}{
		{`[1e999]`, true}, {`[-0]`, true}, {`[-0.0e-0]`, true}, {`[1E+2]`, true},
		{`[01]`, false}, {`[-01]`, false}, {`[00]`, false}, {`[-]`, false}, {`[1e]`, false}, {`[1e+]`, false}, {`[.5]`, false}, {`[+1]`, false},
		{`[NaN]`, false}, {`[Infinity]`, false}, {`[-Infinity]`, false}, {`[0x10]`, false},
		{`[1,]`, false}, {`{"a":1,}`, false}, {`[,1]`, false}, {`{,"a":1}`, false}, {`[1,,2]`, false},
		{`{"a":1}{"a":1}`, false}, {`{"a":1} `, true}, {`{"a":1}` + "\x00", false}, {"\ufeff{}", false},
		{`{"name":1,"na\u006de":2}`, false}, {`{"\u006e\u0061\u006d\u0065":1,"name":2}`, false},
		{`{"a\/b":1,"a/b":2}`, false}, {`{"\u00e9":1,"é":2}`, false}, {`{"\ud83d\ude00":1,"😀":2}`, false},
		{`{"\ud800":1,"\ufffd":2}`, false}, {`{"\ufffd":1}`, true}, // a lone surrogate is refused
		{`{"a":1,"A":2}`, true}, {`{"a":{"a":1},"b":{"a":1}}`, true}, {`[{"a":1},{"a":1}]`, true},
		{`{"":1,"":2}`, false}, {`{"\u0000":1,"\u0000":2}`, false}, {`{"\u0000":1,"":2}`, true},
		{`{"a":1 "b":2}`, false}, {`{"a"::1}`, false}, {`{"a":}`, false}, {`{"a"}`, false}, {`{a:1}`, false}, {`{'a':1}`, false},
		{`"\u00"`, false}, {`"\ud83d\ude0"`, false}, {`"\ud83d\u"`, false}, {`"\ud800"`, false}, {"\"\xc0\xaf\"", false}, {"\"\xed\xa0\x80\"", false},
		{strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), true},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), false},
		{strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth), true},
		{strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.40q", tt.doc), func(t *testing.T) {
			checkDocument(t, tt.doc)
			if got := DocumentDefaults(tt.doc, func(string, bool) bool { return true }, nil); got != tt.want {
				t.Errorf("Document(%q) = %v, want %v", tt.doc, got, tt.want)
			}
		})
	}
}

// TestDocumentVisitsWhatTheDetectorReads: Document hands the visit the
// decoded text of every escaped key and string and every number's text in
// full, so that the schema check's detector reads an e-mail behind an
// escape or a card number in any number form.
func TestDocumentVisitsWhatTheDetectorReads(t *testing.T) {
	doc := `{"d\u006fc":"jane.doe\u0040example.com","x":[4.539703692581474e15,-4539703692581474,0.4539703692581474E+16],"plain":"untouched"}`
	var got []string
	if !DocumentDefaults(doc, func(s string, number bool) bool {
		got = append(got, fmt.Sprintf("%v:%s", number, s))
		return true
	}, nil) {
		t.Fatalf("Document refused %q", doc)
	}
	want := []string{"false:doc", "false:jane.doe@example.com", "true:4.539703692581474e15", "true:-4539703692581474", "true:0.4539703692581474E+16"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("visits mismatch (-want +got):\n%s", diff)
	}
}

// spell writes text as a JSON string literal, each rune spelled as the
// next byte of choices says: as it is, as \u with lower- or upper-case
// digits (a surrogate pair above the BMP), or in its short escape.
func spell(text string, choices []byte) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range text {
		c := byte(0)
		if len(choices) > 0 {
			c = choices[i%len(choices)] % 4
		}
		short := map[rune]string{'"': `\"`, '\\': `\\`, '/': `\/`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}[r]
		switch {
		case c == 3 && short != "":
			b.WriteString(short)
		case c == 1 || c == 2 || r < 0x20 || (c == 3 && short == ""):
			format := `\u%04x`
			if c == 2 {
				format = `\u%04X`
			}
			if r > 0xFFFF {
				r -= 0x10000
				fmt.Fprintf(&b, format+format, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			} else {
				fmt.Fprintf(&b, format, r)
			}
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FuzzNextStringIsSpellings writes any valid text in any mix of escapes:
// NextStringIs must find it equal to the text, leave the scanner where
// Next does, and find it unequal to any other text.
func FuzzNextStringIsSpellings(f *testing.F) {
	f.Add(`{"type":"record","doc":"caf\u00e9 😀 / \\"}`, []byte{0, 1, 2, 3}, "x")
	f.Add("abcdefgh\"ijklmnop\n\x00é", []byte{3}, "")
	f.Fuzz(func(t *testing.T, text string, choices []byte, other string) {
		if !utf8.ValidString(text) {
			return
		}
		lit := spell(text, choices)
		for _, doc := range []string{lit, "[" + lit + ",1]", `{"k":` + lit + "}", `{"k": ` + lit + ` }`} {
			var s Scanner
			s.Reset(doc)
			if doc[0] == '{' {
				if k, err := s.Next(); err != nil || k != BeginObject {
					t.Fatalf("Next on %q = %v, %v", doc, k, err)
				}
			}
			if doc[0] == '[' || doc[0] == '{' {
				if k, err := s.Next(); err != nil || (k != BeginArray && k != Key) {
					t.Fatalf("Next on %q = %v, %v", doc, k, err)
				}
			}
			match := s
			if !match.NextStringIs(text) {
				t.Fatalf("NextStringIs(%q) on %q = false", text, doc)
			}
			checkNextStringIs(t, s, text)
			checkNextStringIs(t, s, other)
			for _, want := range nearMisses(text) {
				checkNextStringIs(t, s, want)
			}
		}
	})
}
