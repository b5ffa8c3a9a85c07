package jsonscan

import "testing"

// TestNextPlainStringTailExhaustive (red29b) holds NextPlainString's read
// of the input's last word (imp25) to Next on every string value that ends
// in the last 1-8 bytes of its input: a plain run of 0-12 bytes after the
// opening quote, then every tail of up to five bytes over a quote, a
// backslash, a control byte, a byte from 0x80 up (0xba, ':' with its high
// bit set, and 0xe9), the list's and object's ends and a plain byte, cut
// at every length. Inputs of 1-16 bytes and more are all among them.
func TestNextPlainStringTailExhaustive(t *testing.T) {
	alphabet := []byte{'a', '"', '\\', 0x1f, 0xba, 0xe9, ']', '}', ','}
	var tails []string
	var gen func(prefix []byte, n int)
	gen = func(prefix []byte, n int) {
		tails = append(tails, string(prefix))
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(append(prefix[:len(prefix):len(prefix)], c), n-1)
		}
	}
	gen(nil, 5)
	reads := 0
	for _, open := range []string{`["`, `{"k":"`, `"`} {
		for pad := 0; pad <= 12; pad++ {
			head := open + "abcdefghijklm"[:pad]
			for _, tail := range tails {
				doc := head + tail
				var s Scanner
				s.Reset(doc)
				// To the string's opening quote: the one token before it
				// for a list, three for an object, none for a bare string.
				for range map[string]int{`["`: 1, `{"k":"`: 2, `"`: 0}[open] {
					if _, err := s.Next(); err != nil {
						t.Fatalf("%q: %v", doc, err)
					}
				}
				if checkNextPlainString(t, s) {
					reads++
				}
			}
		}
	}
	// Every tail that closes the string plainly, after eight bytes or more.
	if reads < 1000 {
		t.Errorf("NextPlainString read %d strings, want a thousand or more", reads)
	}
}
