package sensitive

import "testing"

// percentAtRef is percentAt as it was: hex digits and the decoded byte
// tested with comparisons.
func percentAtRef(s string, i int) (byte, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	h, okh := unhexRef(s[i+1])
	l, okl := unhexRef(s[i+2])
	if !okh || !okl {
		return 0, false
	}
	b := h<<4 | l
	if isAlnum(b) || b == '@' || b == '.' || b == '-' || b == '+' || b == '_' || b == ' ' {
		return b, true
	}
	return 0, false
}

func unhexRef(c byte) (byte, bool) {
	switch {
	case isDigit(c):
		return c - '0', true
	case (c|0x20)-'a' < 6:
		return (c | 0x20) - 'a' + 10, true
	}
	return 0, false
}

// TestPercentAtMatchesReference holds percentAt, table-driven, to the
// comparisons it replaced on every pair of bytes after '%', and at the end
// of the text.
func TestPercentAtMatchesReference(t *testing.T) {
	decoded := 0
	for h := range 256 {
		for l := range 256 {
			s := string([]byte{'x', '%', byte(h), byte(l)})
			for _, in := range []string{s, s[:3], s[:2]} {
				gb, gok := percentAt(in, 1)
				wb, wok := percentAtRef(in, 1)
				if gb != wb || gok != wok {
					t.Fatalf("percentAt(%q, 1) = %q, %v; the reference says %q, %v", in, gb, gok, wb, wok)
				}
				if gok {
					decoded++
				}
			}
		}
	}
	// Every one of the 68 bytes kept (letters, digits, "@.-+_ ") has an
	// escape, and those with hex letters in either case more than one.
	if decoded < 68 {
		t.Fatalf("%d escapes decoded: the test compares too few accepted escapes", decoded)
	}
}
