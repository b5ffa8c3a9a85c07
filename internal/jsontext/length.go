package jsontext

import "unicode/utf8"

// OutsideLength reports whether the string s is shorter than minChars or
// longer than maxChars (0: no limit), counted in characters, as the API
// models count a string's length; a byte that is not UTF-8 counts as one.
// A character takes one to four bytes, so the byte length settles most
// values without counting: over four times the maximum is over it, and
// within the maximum and at least four times the minimum is within both.
func OutsideLength(s string, minChars, maxChars int) bool {
	if maxChars > 0 && len(s) > 4*maxChars {
		return true
	}
	if (maxChars == 0 || len(s) <= maxChars) && len(s) >= 4*minChars {
		return false
	}
	c := utf8.RuneCountInString(s)
	return c < minChars || maxChars > 0 && c > maxChars
}
