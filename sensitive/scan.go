package sensitive

import (
	"math/bits"
	"strings"
)

// Byte classes used by the scanners. One table lookup classifies a byte for
// every kind at once, which keeps the inner loops branch-light.
const (
	cDigit    uint16 = 1 << iota
	cB64             // standard base64 alphabet: A-Z a-z 0-9 + /
	cLocal           // e-mail local part as written in practice: A-Z a-z 0-9 . _ % + -
	cDomain          // host name: A-Z a-z 0-9 . -
	cURL             // a byte a URL may contain unescaped (brackets and quotes end a URL)
	cScheme          // URI scheme: A-Z a-z 0-9 + . -
	cGap             // punctuation between a keyword and its value: "acct-", "AccountNumber=", `"ssn": "`
	cJoin            // punctuation that joins digit runs into one number: "2024-11-28", "1.5", "10:30"
	cBase32          // AWS key ID body: A-Z 2-7
	cValueEnd        // trailing punctuation that belongs to the sentence, not to a URL
	cAt              // '@', the e-mail anchor
	cColon           // ':', the URL anchor
	cA               // 'A', the access key anchor
	cSep             // a separator between the digit groups of a number: space tab - _ / : + .
	cNorm            // a byte normalisation may change: '%', every byte above 0x7f and the dropped controls
	cEq              // '=', the anchor of a query parameter without a URL scheme
)

// byteClass is a read-only lookup table, filled once at package initialisation.
var byteClass = func() (t [256]uint16) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cB64 | cLocal | cDomain | cURL | cScheme
		t[c-32] |= cB64 | cLocal | cDomain | cURL | cScheme | cBase32
	}
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit | cB64 | cLocal | cDomain | cURL | cScheme
	}
	for c := '2'; c <= '7'; c++ {
		t[c] |= cBase32
	}
	t['+'] |= cB64 | cLocal | cURL | cScheme
	t['/'] |= cB64 | cURL | cGap | cJoin
	t['.'] |= cLocal | cDomain | cURL | cScheme | cGap | cJoin | cValueEnd
	t['-'] |= cLocal | cDomain | cURL | cScheme | cGap | cJoin
	t['_'] |= cLocal | cURL | cGap | cJoin
	t['%'] |= cLocal | cURL
	for _, c := range "~:?#@!$&*,;=" {
		t[c] |= cURL
	}
	for _, c := range " \t:=#\"'" {
		t[c] |= cGap
	}
	t[','] |= cJoin | cValueEnd
	t[':'] |= cJoin | cValueEnd
	for _, c := range ";!?" {
		t[c] |= cValueEnd
	}
	t['@'] |= cAt
	t[':'] |= cColon
	t['A'] |= cA
	for _, c := range " \t-_/:+." {
		t[c] |= cSep
	}
	t['='] |= cEq
	t['%'] |= cNorm
	for c := 0x80; c <= 0xff; c++ {
		t[c] |= cNorm
	}
	for c := range 0x80 {
		if droppedControl(byte(c)) {
			t[c] |= cNorm
		}
	}
	return t
}()

func is(c byte, class uint16) bool { return byteClass[c]&class != 0 }

func isDigit(c byte) bool  { return c-'0' < 10 }
func isLetter(c byte) bool { return (c|0x20)-'a' < 26 }
func isUpper(c byte) bool  { return c-'A' < 26 }
func isLower(c byte) bool  { return c-'a' < 26 }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

func toLower(c byte) byte {
	if isUpper(c) {
		return c + ('a' - 'A')
	}
	return c
}

func toUpper(c byte) byte {
	if isLower(c) {
		return c - ('a' - 'A')
	}
	return c
}

// runEnd returns the end of the digit run that starts at i. Past its second
// byte it reads a word at a time: the end of a run of a few digits is found
// without a branch per byte, which the processor mispredicts on runs of
// varying length.
func runEnd(s string, i int) int {
	// Parsers also ask at a byte that may start a group, and many runs are
	// one digit long: two byte tests answer both before the word loop.
	if i >= len(s) || !isDigit(s[i]) {
		return i
	}
	if i++; i >= len(s) || !isDigit(s[i]) {
		return i
	}
	for ; i+8 <= len(s); i += 8 {
		if m := nonDigits(load64(s, i)); m != 0 {
			return i + firstMarked(m)
		}
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// nonDigits marks exactly the bytes of v that are not ASCII digits: setting
// each byte's high bit before subtracting 10 keeps borrows inside bytes.
func nonDigits(v uint64) uint64 {
	x := v ^ (byteOnes * '0')
	return ((x | byteHighs) - byteOnes*10 | x) & byteHighs
}

// indexDigit returns the index of the first ASCII digit at or after i, or -1.
// The first word is tested alone, because in number-heavy text the next digit
// is often a few bytes on; then 32 bytes per step, in four independent words:
// free text is mostly digit-free, and this loop is what every numeric kind
// spends its time in on clean input.
func indexDigit(s string, i int) int {
	if i+8 <= len(s) {
		if m := hasDigit(load64(s, i)); m != 0 {
			return i + firstMarked(m)
		}
		i += 8
	}
	for ; i+32 <= len(s); i += 32 {
		b := s[i:][:32] // of known length: one bounds check for the four words
		if hasDigit(load64(b, 0))|hasDigit(load64(b, 8))|hasDigit(load64(b, 16))|hasDigit(load64(b, 24)) != 0 {
			break
		}
	}
	for ; i+8 <= len(s); i += 8 {
		if m := hasDigit(load64(s, i)); m != 0 {
			return i + firstMarked(m)
		}
	}
	for ; i < len(s); i++ {
		if isDigit(s[i]) {
			return i
		}
	}
	return -1
}

// firstMarked returns the index of the lowest byte marked by hasDigit or
// nonDigits. A hasDigit mark that is lowest is always a digit: a false mark
// needs a borrow from a digit below it.
func firstMarked(m uint64) int { return bits.TrailingZeros64(m) >> 3 }

// hasDigit is non-zero when a byte of v may be an ASCII digit: XOR with '0'
// makes digits 0..9, and the borrow of subtracting 10 from each byte marks
// those below 10. A borrow can also mark the byte above a digit, so only
// the lowest mark is sure to be a digit.
func hasDigit(v uint64) uint64 {
	x := v ^ (byteOnes * '0')
	return (x - byteOnes*10) &^ x & byteHighs
}

// numEndOK reports whether a number whose groups are joined by sep (0 for a
// single run) may end at e: not glued to a letter or digit, nor followed by
// a decimal part ("1.5", "3,000") or by more of its own format.
func numEndOK(s string, e int, sep byte) bool {
	if e >= len(s) {
		return true
	}
	c := s[e]
	if isAlnum(c) {
		return false
	}
	return !(e+1 < len(s) && isDigit(s[e+1]) && joins(c, sep))
}

// maxSep bounds a run of separators between two digit groups ("4111 - 1111",
// "123  45  6789"), so every look-around stays constant-time.
const maxSep = 3

// sepEnd returns the end of the run of at most maxSep separators at s[i:],
// or i when there is none.
func sepEnd(s string, i int) int {
	j := i
	for j < len(s) && j-i < maxSep && is(s[j], cSep) {
		j++
	}
	return j
}

// sepStart returns the start of the run of at most maxSep separators that
// ends at s[:i], or i when there is none.
func sepStart(s string, i int) int {
	j := i
	for j > 0 && i-j < maxSep && is(s[j-1], cSep) {
		j--
	}
	return j
}

// blank reports whether s[a:b] is only spaces and tabs.
func blank(s string, a, b int) bool {
	for i := a; i < b; i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// groupedStartOK reports whether a number written in groups may start at p:
// not glued to a letter or digit, and not the tail of a longer number — a
// digit group before it joined by anything but blanks ("1-123-45-6789").
// Blanks always separate numbers in free text ("order 12 4111 1111 …").
func groupedStartOK(s string, p int) bool {
	if p == 0 {
		return true
	}
	c := s[p-1]
	if !is(c, cSep) {
		return !isAlnum(c) // no separator run to look past, the usual case
	}
	if p == 1 || !is(s[p-2], cSep) {
		// One separator, the usual run: sepStart's answer is p-1.
		return p == 1 || c == ' ' || c == '\t' || !isDigit(s[p-2])
	}
	k := sepStart(s, p)
	return k == p || k == 0 || !isDigit(s[k-1]) || blank(s, k, p)
}

// groupedEndOK is groupedStartOK's mirror for a number that ends at e.
func groupedEndOK(s string, e int) bool {
	if e >= len(s) {
		return true
	}
	c := s[e]
	if !is(c, cSep) {
		return !isAlnum(c) // no separator run to look past, the usual case
	}
	if e+1 == len(s) || !is(s[e+1], cSep) {
		// One separator: sepEnd's answer is e+1.
		return e+1 == len(s) || c == ' ' || c == '\t' || !isDigit(s[e+1])
	}
	k := sepEnd(s, e)
	return k == e || k == len(s) || !isDigit(s[k]) || blank(s, e, k)
}

// joins reports whether c between two digits makes them one number: a
// decimal point or comma, or the number's own group separator.
func joins(c, sep byte) bool {
	return c == '.' || c == ',' || (c == sep && sep != ' ')
}

// hasSuffixFold reports whether s[:j] ends with suffix, ignoring ASCII case;
// suffix is lower case.
func hasSuffixFold(s string, j int, suffix string) bool {
	if j < len(suffix) || j > len(s) {
		return false
	}
	t := s[j-len(suffix) : j]
	for i := 0; i < len(t); i++ {
		if toLower(t[i]) != suffix[i] {
			return false
		}
	}
	return true
}

// equalFold reports whether a equals lower-case b, ignoring ASCII case.
// Words of eight bytes or more, such as the query parameter names looked up
// at every '=' of a query string, are compared eight bytes at a time, the
// last word overlapping the one before it.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) < 8 {
		return hasSuffixFold(a, len(a), b)
	}
	for i := 0; i+8 < len(a); i += 8 {
		if lowerASCII(load64(a, i)) != load64(b, i) {
			return false
		}
	}
	return lowerASCII(load64(a, len(a)-8)) == load64(b, len(b)-8)
}

// lowerASCII maps each byte of v as toLower does: a byte whose low seven
// bits are at least 'A' and at most 'Z', and whose high bit is clear, gets
// bit 0x20. The additions cannot carry out of a byte's seven low bits.
func lowerASCII(v uint64) uint64 {
	const lows = 0x7f7f7f7f7f7f7f7f
	x := v & lows
	geA := x + byteOnes*(0x80-'A')   // high bit: x >= 'A'
	gtZ := x + byteOnes*(0x80-'Z'-1) // high bit: x > 'Z'
	upper := geA &^ gtZ &^ v & byteHighs
	return v | upper>>2
}

// containsFold reports whether s contains lower-case sub, ignoring ASCII case.
// Eight bytes at a time, it looks for the bytes that may start sub: those
// equal to its first byte once bit 0x20 is set in both, which every byte
// toLower maps to that first byte passes; only there is sub compared.
func containsFold(s, sub string) bool {
	if len(sub) == 0 {
		return true
	}
	first := uint64(sub[0]|0x20) * byteOnes
	last := len(s) - len(sub) // the last offset sub may start at
	i := 0
	for ; i+8 <= len(s) && i <= last; i += 8 {
		x := load64(s, i) | 0x2020202020202020 ^ first
		// The lowest byte marked is the first zero byte of x; a mark
		// above a zero byte may be false, and is tested like any other.
		for m := (x - byteOnes) &^ x & byteHighs; m != 0; m &= m - 1 {
			if j := i + firstMarked(m); j <= last && hasSuffixFold(s, j+len(sub), sub) {
				return true
			}
		}
	}
	for ; i <= last; i++ {
		if hasSuffixFold(s, i+len(sub), sub) {
			return true
		}
	}
	return false
}

// inTable reports whether key, compared without ASCII case, is one of the
// entries of table: sorted, lower-case, fixed-width entries separated by
// one space. Tables are constants, so the package keeps no mutable state.
func inTable(table string, width int, key string) bool {
	if len(key) != width {
		return false
	}
	stride := width + 1
	lo, hi := 0, (len(table)+1)/stride
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		e := table[m*stride : m*stride+width]
		c := compareFold(key, e)
		if c == 0 {
			return true
		}
		if c > 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return false
}

func compareFold(key, entry string) int {
	for i := 0; i < len(key); i++ {
		a, b := toLower(key[i]), entry[i]
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	return 0
}

// inList reports whether w, compared without ASCII case, is a word of the
// space-separated lower-case list.
func inList(list, w string) bool {
	for len(list) > 0 {
		i := strings.IndexByte(list, ' ')
		if i < 0 {
			i = len(list)
		}
		if equalFold(w, list[:i]) {
			return true
		}
		if i == len(list) {
			break
		}
		list = list[i+1:]
	}
	return false
}

// wordSet holds the words of a space-separated lower-case list by length,
// grouped once at package initialisation and read-only after: a word of a
// length the list does not have is rejected without reading the list, and
// one that has it is compared with the few words of that length. has
// answers as inList does (TestWordSetMatchesInList).
type wordSet [][]string

func newWordSet(list string) wordSet {
	var t wordSet
	for _, w := range strings.Fields(list) {
		for len(t) <= len(w) {
			t = append(t, nil)
		}
		t[len(w)] = append(t[len(w)], w)
	}
	return t
}

// has reports whether w, compared without ASCII case, is a word of the set.
func (t wordSet) has(w string) bool {
	if len(w) >= len(t) {
		return false
	}
	for _, x := range t[len(w)] {
		if equalFold(w, x) {
			return true
		}
	}
	return false
}

// digitBits returns one bit per byte of v, set where the byte is an ASCII
// digit: nonDigits' exact marks, gathered from the bytes' high bits into
// the low byte by a multiplication whose partial products never overlap.
func digitBits(v uint64) uint64 {
	return (nonDigits(v) ^ byteHighs) >> 7 * 0x0102040810204080 >> 56
}

// digitMask returns one bit per byte of s[i:i+64], set where the byte is an
// ASCII digit; bytes past the end of s are not digits.
func digitMask(s string, i int) uint64 {
	if i+64 <= len(s) {
		b := s[i:][:64] // of known length: no bounds check per word
		return digitBits(load64(b, 0)) | digitBits(load64(b, 8))<<8 |
			digitBits(load64(b, 16))<<16 | digitBits(load64(b, 24))<<24 |
			digitBits(load64(b, 32))<<32 | digitBits(load64(b, 40))<<40 |
			digitBits(load64(b, 48))<<48 | digitBits(load64(b, 56))<<56
	}
	// The end of the text, and short texts such as names and tags: words
	// while they fit, then bytes.
	var m uint64
	k := 0
	for ; i+k+8 <= len(s); k += 8 {
		m |= digitBits(load64(s, i+k)) << k
	}
	for ; i+k < len(s); k++ {
		if isDigit(s[i+k]) {
			m |= 1 << k
		}
	}
	return m
}

// indexLetter returns the index of the first ASCII letter at or after i, or
// -1, each word's letters marked by letters64: the first word alone, then 32
// bytes per step in four independent words, as indexDigit does. It finds
// the next run a lettered kind may match at, and text of numbers holds no
// letter for long stretches.
func indexLetter(s string, i int) int {
	if i+8 <= len(s) {
		if m := letters64(load64(s, i)); m != 0 {
			return i + firstMarked(m)
		}
		i += 8
	}
	for ; i+32 <= len(s); i += 32 {
		b := s[i:][:32] // of known length: one bounds check for the four words
		w0, w1, w2, w3 := load64(b, 0), load64(b, 8), load64(b, 16), load64(b, 24)
		if (w0|w1|w2|w3)&(byteOnes*0x40) == 0 {
			continue // every letter has bit 0x40: digits and punctuation are passed over at once
		}
		if letters64(w0)|letters64(w1)|letters64(w2)|letters64(w3) != 0 {
			break
		}
	}
	for ; i+8 <= len(s); i += 8 {
		if m := letters64(load64(s, i)); m != 0 {
			return i + firstMarked(m)
		}
	}
	for ; i < len(s); i++ {
		if isLetter(s[i]) {
			return i
		}
	}
	return -1
}

// letters64 marks, in the high bit of each byte of v, the ASCII letters: a
// byte that bit 0x20 makes 'a'…'z', its own high bit clear. Every mark is
// exact (the additions cannot carry out of a byte's seven low bits), so the
// lowest is the first letter, and bytes that are zero are never marked.
func letters64(v uint64) uint64 {
	y := v | byteOnes*0x20
	t := y &^ byteHighs
	return (t + byteOnes*(0x80-'a')) &^ (t + byteOnes*(0x80-'z'-1)) &^ y & byteHighs
}
