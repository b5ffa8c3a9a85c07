package jsonscan

import (
	"math/bits"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// stringEndRef is stringEnd before it settled a word's two-byte escapes in
// the word (commit d4878c5): every escape took a round of its loop. Kept as
// the reference the new one must match exactly: the same end, the same
// escaped flag, the same error at the same offset.
func stringEndRef(d string, i int) (end int, escaped bool, err error) {
	start := i + 1
	i = start
	// high flags bytes of multi-byte sequences until the first one is
	// seen; after that the whole string is validated at its end.
	high := uint64(hi)
	for {
		// Eight bytes at a time while they are plain; i lands on the first
		// byte that needs a look.
		var c byte
		if i+8 <= len(d) {
			m := specialOld(load64(d, i), high)
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
			c = d[i]
		} else {
			for i < len(d) && plain[d[i]] {
				i++
			}
			if i >= len(d) {
				break
			}
			c = d[i]
		}
		switch {
		case c == '"':
			if high == 0 && !utf8.ValidString(d[start:i]) {
				return 0, false, &SyntaxError{Offset: start, Reason: "string is not valid UTF-8"}
			}
			return i, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				return 0, false, &SyntaxError{Offset: i, Reason: "unterminated escape"}
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !hex4(d[i+2:i+6]) {
					return 0, false, &SyntaxError{Offset: i, Reason: "invalid \\u escape"}
				}
				n := surrogateEscape(d[i:])
				if n < 0 {
					return 0, false, &SyntaxError{Offset: i, Reason: "unpaired surrogate in a \\u escape"}
				}
				i += n
			default:
				return 0, false, &SyntaxError{Offset: i, Reason: "invalid escape"}
			}
		case c < 0x20:
			return 0, false, &SyntaxError{Offset: i, Reason: "control character in string"}
		default: // the first byte of a multi-byte sequence
			high = 0
			i++
		}
	}
	return 0, false, &SyntaxError{Offset: start, Reason: "unterminated string"}
}

type stringEndResult struct {
	End     int
	Escaped bool
	Err     string
}

func stringEndBoth(d string, i int) (got, want stringEndResult) {
	r := func(end int, escaped bool, err error) stringEndResult {
		out := stringEndResult{End: end, Escaped: escaped}
		if err != nil {
			out.Err = err.Error()
		}
		return out
	}
	return r(stringEnd(d, i)), r(stringEndRef(d, i))
}

// escapeHeavy are strings built around the two-byte escapes at every
// offset of a word, at the end of the input, next to \u escapes, multi-byte
// characters, control characters and a closing quote.
func escapeHeavy() []string {
	out := []string{
		`"{\"device\":\"mobile\",\"discount\":\"0.15\",\"position\":0}"`,
		`"\\\\\\\\\\\\\\\\\\"`, `"\\"`, `"\""`, `"\\\""`, `"\/\b\f\n\r\t"`,
		`"a\u00e9\"b"`, `"\"\ud83d\ude00\""`, `"\"\ud800\""`, `"\"\x"`, `"\"` + "\x01" + `"`,
		`"ab"\"x\"yz`, `"a\"b"\"\"`, `"é\"a\"b\"c\"d"`, "\"\x01\\\"\\\"\"", `"\"\"\"\"\"\"\"\"\""`,
		`"\"é\"ü\""`, `"\"` + "\xff" + `\""`, `"\"`, `"\\`, `"\`, `"abc\"`,
	}
	for _, esc := range []string{`\"`, `\\`, `\/`, `\n`, `\u0041`, `\ud83d\ude00`, `\q`, `\`} {
		for pre := 0; pre < 18; pre++ {
			for _, tail := range []string{`"`, `x"`, esc + `"`, "é\"", "\x01\"", "", `\`} {
				out = append(out, `"`+strings.Repeat("a", pre)+esc+tail)
			}
		}
	}
	return out
}

func TestStringEndMatchesRef(t *testing.T) {
	for _, d := range escapeHeavy() {
		// Also with the string inside a longer input, so that every word
		// is a full one.
		for _, in := range []string{d, d + `,"next":1}`, d + strings.Repeat(" ", 9)} {
			got, want := stringEndBoth(in, 0)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stringEnd(%q) (-want +got):\n%s", in, diff)
			}
		}
	}
}

// FuzzStringEnd holds stringEnd to stringEndRef on any input, from each
// quote in it.
func FuzzStringEnd(f *testing.F) {
	for _, s := range escapeHeavy() {
		f.Add(s)
	}
	for _, d := range parityStrings() {
		f.Add(d.in)
	}
	f.Fuzz(func(t *testing.T, d string) {
		for i := 0; i < len(d); i++ {
			if d[i] != '"' {
				continue
			}
			// Compared as values first: cmp.Diff on every quote would
			// cost most of the fuzzer's time.
			if got, want := stringEndBoth(d, i); got != want {
				t.Fatalf("stringEnd(%q, %d) (-want +got):\n%s", d, i, cmp.Diff(want, got))
			}
		}
	})
}
