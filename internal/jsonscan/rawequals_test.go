package jsonscan

import "unicode/utf8"

// rawEquals was the wire gate's comparison of a serialized schema with the
// checked one, before NextStringIs fused it with the scan; it stays as a
// reference for the tests of NextStringIs.
//
// rawEquals reports whether the string content raw (as between its quotes,
// already validated by a Scanner) decodes to s, as Unescape would decode
// it, without decoding it into memory: a 10 KiB schema written with an
// escape before every quote is compared, not copied. It reads raw once, a
// byte at a time: in such a schema an escape comes every few bytes, and a
// search for the next one per escape costs more than the bytes between.
func rawEquals(raw, s string) bool {
	var buf [2 * utf8.UTFMax]byte
	i, k := 0, 0
	for i < len(raw) {
		c := raw[i]
		if c != '\\' {
			if k >= len(s) || s[k] != c {
				return false
			}
			i, k = i+1, k+1
			continue
		}
		// A validated escape is complete: raw[i+1] is there.
		switch e := raw[i+1]; e {
		case '"', '\\', '/':
			if k >= len(s) || s[k] != e {
				return false
			}
			i, k = i+2, k+1
		default:
			dec, n := unescapeOne(buf[:0], raw[i:])
			if len(s)-k < len(dec) || s[k:k+len(dec)] != string(dec) {
				return false
			}
			i, k = i+n, k+len(dec)
		}
	}
	return k == len(s)
}
