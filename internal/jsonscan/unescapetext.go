package jsonscan

import "strings"

// UnescapeText appends to dst the text a reader gets when it takes s for the
// content of a JSON string and decodes it: each valid escape decoded (\",
// \\, \/, \b, \f, \n, \r, \t, \uXXXX and surrogate pairs), every other byte
// kept, a backslash that starts no valid escape included. A value that is
// itself JSON written into a string field (a filter's list of strings, a
// document in a property) hides what it holds behind escapes only a second
// reading decodes: "jane\u0040example.com". Unlike [Unescape], s need not
// be a valid string's content.
func UnescapeText(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			return append(dst, s[i:]...)
		}
		dst = append(dst, s[i:i+j]...)
		i += j
		n := escapeAt(s[i:])
		if n == 0 {
			dst = append(dst, '\\')
			i++
			continue
		}
		dst, n = unescapeOne(dst, s[i:i+n]) // 6 of 12 when no pair
		i += n
	}
	return dst
}

// escapeAt returns how much of s (which starts with a backslash)
// unescapeOne may read for the valid escape there: 2, 6, or 12 when a
// second \uXXXX follows a first (a surrogate pair, if the first is its
// high half); 0 when no valid escape starts there.
func escapeAt(s string) int {
	if len(s) < 2 {
		return 0
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(s) < 6 || !hex4(s[2:6]) {
			return 0
		}
		// unescapeOne reads a second \uXXXX after a surrogate half.
		if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' && hex4(s[8:12]) {
			return 12
		}
		return 6
	}
	return 0
}
