package jsonscan

import (
	"strings"
	"testing"
)

// TestNextResumesAtEveryOffset holds Next, which reads a string it could
// not settle on from the word where its own look stopped, to nextRef, which
// reads it again from its start: a byte that needs a look (an escape, a
// control character, a multi-byte or invalid sequence, the closing quote)
// before, inside and past the words Next looks through, with plain bytes or
// the end of the input after it.
func TestNextResumesAtEveryOffset(t *testing.T) {
	specials := []string{`\"`, `\\`, `\u0085`, `\ud83d\ude00`, `\ud83d`, `\x`, "\x00", "\x1f", "\x7f", "\xc2\x85", "é", "😀",
		"\xc2", "\xc0\x80", "\xe0\x82\x85", "\xed\xa0\x80", "\x85", "\xff", `"`}
	for _, x := range specials {
		for before := 0; before <= nextLooks; before++ {
			for _, after := range []int{0, 1, 6, 7, 8, 9, 15, 16, 17} {
				body := strings.Repeat("a", before) + x + strings.Repeat("b", after)
				for _, doc := range []string{`["` + body + `","z"]`, `{"` + body + `":1}`, `"` + body + `"`, `"` + body} {
					eachTokenBoth(t, doc)
				}
			}
		}
	}
}
