package jsonscan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStringEndBackslashParity holds stringEnd and Next to the old code on
// runs of every length of backslashes before a quote, at every offset of a
// word and across word boundaries. An even run ends in an escaped
// backslash, so the quote after it closes the string: the word-at-a-time
// \" step must not read `\\"` as an escaped quote, or text after it (here
// an e-mail address) would be taken for the string's content.
func TestStringEndBackslashParity(t *testing.T) {
	for _, d := range parityStrings() {
		for _, in := range []string{d.in, d.in + strings.Repeat(" ", 9)} {
			got, want := stringEndBoth(in, 0)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stringEnd(%q) (-want +got):\n%s", in, diff)
			}
			if d.closes >= 0 && want.Err == "" && want.End != d.closes {
				t.Errorf("stringEnd(%q) ends at %d, want %d: the quote after an even run closes the string", in, want.End, d.closes)
			}
			eachTokenBoth(t, `{"k":`+in+`}`)
			eachTokenBoth(t, `[`+in)
		}
	}
}

type parityString struct {
	in     string
	closes int // the closing quote's offset after an even run, else -1
}

// parityStrings are strings with runs of 0 to 19 backslashes before a
// quote, after 0 to 19 bytes, followed by text, escapes or the end.
func parityStrings() []parityString {
	var out []parityString
	for pre := 0; pre < 20; pre++ {
		for run := 0; run <= 19; run++ {
			body := strings.Repeat("a", pre) + strings.Repeat(`\`, run) + `"`
			closes := -1
			if run%2 == 0 {
				closes = 1 + pre + run
			}
			for _, tail := range []string{``, `"`, `a@example.com"`, `\"a@example.com"`, `,"k":"v"}`, "\x01\"", "é\"", `\u0041"`} {
				out = append(out, parityString{`"` + body + tail, closes})
			}
		}
	}
	return out
}

// TestStringEndSmallAlphabet compares stringEnd and Next with the old code
// on every string of up to ten bytes over the bytes the word-at-a-time
// steps treat apart, after every prefix length of a word.
func TestStringEndSmallAlphabet(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive")
	}
	alphabet := []byte{'a', '\\', '"'}
	const maxLen = 10
	buf := make([]byte, maxLen)
	var rec func(n int)
	count := 0
	rec = func(n int) {
		for pre := 0; pre < 8; pre += 3 {
			in := `"` + strings.Repeat("b", pre) + string(buf[:n])
			got, want := stringEndBoth(in, 0)
			if got != want {
				t.Fatalf("stringEnd(%q): got %+v, want %+v", in, got, want)
			}
			eachTokenBoth(t, `[`+in+`]`)
			count++
		}
		if n == maxLen {
			return
		}
		for _, c := range alphabet {
			buf[n] = c
			rec(n + 1)
		}
	}
	rec(0)
	t.Logf("%d inputs", count)
}

// TestStringEndMixedAlphabet does the same with control, multi-byte and
// \u-escape bytes among the backslashes and quotes, on shorter strings.
func TestStringEndMixedAlphabet(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive")
	}
	alphabet := []byte{'a', '\\', '"', 'u', 0x01, 0xc3, 0xa9}
	const maxLen = 5
	buf := make([]byte, maxLen)
	var rec func(n int)
	rec = func(n int) {
		for _, pre := range []int{0, 2, 5, 7} {
			in := `"` + strings.Repeat("b", pre) + string(buf[:n]) + `"\"0000"`
			for _, d := range []string{in, in[:len(in)-8]} {
				got, want := stringEndBoth(d, 0)
				if got != want {
					t.Fatalf("stringEnd(%q): got %+v, want %+v", d, got, want)
				}
				eachTokenBoth(t, `{"k":`+d+`}`)
			}
		}
		if n == maxLen {
			return
		}
		for _, c := range alphabet {
			buf[n] = c
			rec(n + 1)
		}
	}
	rec(0)
}

// TestStringEndSurrogatesAmongEscapedQuotes: \u escapes, lone surrogate
// halves among them, at every offset of a word and next to the escaped
// quotes the word-at-a-time step settles, are refused or decoded as the
// old code did.
func TestStringEndSurrogatesAmongEscapedQuotes(t *testing.T) {
	for pre := 0; pre < 18; pre++ {
		for _, mid := range []string{`\ud800`, `\udc00`, `\ud800\\udc00`, `\ud800\"\udc00`, `\ud83d\ude00`, `\ud83d\u0041`, `\u00e9`, `\u004`, `\u`} {
			for _, around := range []string{``, `\"`, `\"\"`, `\\`} {
				d := `"` + strings.Repeat("a", pre) + around + mid + around + `"`
				for _, in := range []string{d, d + `,"next":1}`, d[:len(d)-1]} {
					if got, want := stringEndBoth(in, 0); got != want {
						t.Errorf("stringEnd(%q) (-want +got):\n%s", in, cmp.Diff(want, got))
					}
					eachTokenBoth(t, `{"k":`+in+`}`)
				}
			}
		}
	}
}
