package sensitive

import (
	"strings"
	"unicode/utf8"
)

// cardAt returns the end of a payment card number starting at the digit run
// s[p:e0], or -1. It accepts
//
//   - 14–19 plain digits, also glued to a word ("cust4111111111111111");
//   - groups of four separated by runs of up to three separators (space,
//     tab, - _ / : + .), mixed or not, and the 4-6-5 and 4-6-4 groupings of
//     Amex and Diners; where blanks separate groups, the longest valid
//     prefix wins, so "4111 1111 1111 1111 2025" yields the card;
//   - a JSON number whose value is a card: "4.111111111111111e15",
//     "4111111111111111.0".
//
// A plain run of 17 to 19 digits is a card only after a card keyword:
// signed 64-bit hashed IDs have 18 to 19 digits, and about one in a hundred
// of them would pass Luhn with a prefix some network issues at that length.
// Cards of those lengths are rare and, when printed, grouped.
func cardAt(s string, p, e0 int) int {
	n := e0 - p
	if e0 < len(s) && (s[e0] == '.' || s[e0]|0x20 == 'e') && jsonCardShape(s, e0, n) {
		if e := cardNumberAt(s, p); e >= 0 {
			return e
		}
	}
	if n != 4 {
		if n < 13 || n > 19 || !plainStartOK(s, p) || !plainEndOK(s, e0) {
			return -1
		}
		if n >= 17 && !cardKeywordBefore(s, p) {
			return -1
		}
		if cardValid(s, p, e0) {
			return e0
		}
		return -1
	}
	if len(s)-e0 < 10 || !groupedStartOK(s, p) || midSequence(s, p) {
		return -1 // no room for nine more digits and a separator, or not a start
	}
	var ends, lens [5]int
	ends[0], lens[0] = e0, 4
	k, total := 1, 4
	for i := e0; k < len(ends); k++ {
		j := sepEnd(s, i)
		if j == i || j >= len(s) || !isDigit(s[j]) {
			if j == e0 && s[j] == '=' {
				return cardAtEq(s, p, e0) // e0 < len(s) - 10
			}
			if j == i && eqJoined(s, i) {
				// An '=' after other separators: the groups are read
				// again with it, and without it where that fails.
				if c := cardAtEq(s, p, e0); c >= 0 {
					return c
				}
			}
			break
		}
		e := j + 4 // most groups have four digits: tested a byte at a time
		if !runOf(s, j, 4) {
			e = runEnd(s, j)
		}
		n := e - j
		if n > 6 || total+n > 19 {
			break
		}
		ends[k], lens[k] = e, n
		total += n
		i = e
		if n != 4 && !(k == 1 && n == 6) {
			k++
			break // only a group of four (or Amex's six) can be followed by another
		}
	}
	for m := k; m >= 2; m-- {
		if !cardGrouping(lens[:m]) || !groupedEndOK(s, ends[m-1]) {
			continue
		}
		if cardValid(s, p, ends[m-1]) {
			return ends[m-1]
		}
	}
	return -1
}

// cardAtEq is cardAt for a card one of whose groups (the first four,
// s[p:e0], and those after) is joined to the next by '=': a lone '='
// between digits ("4539=7036=9258=1474", as a tag's value allows), alone
// or among the usual separators ("4539=7036-9258=1474"), in a way cards are
// printed, the checksum and issuer keeping such a join rare in other
// numbers. '=' joins no other kind's groups, nor in a run with other
// separators: " = " joins a name to its value (Detector.IsKeyword), not
// their digits. Nor does a chain that an '=' starts ("x=6750=6618=1975=5701",
// a config line's values): 4.3% of such lines of four-digit values pass the
// checksum and an issuer (red19), so there the chain is a card only after a
// card keyword ("card=4539=7036=9258=1474"). As in cardAt, the longest
// prefix of the groups that is a card wins where a blank follows it; one
// that '=' continues is the head of a longer number. Apart from cardAt's
// loop, which reads the usual separators and leaves for it only where it
// would stop at an '=': so it costs that loop nothing. cardAt has asked
// groupedStartOK and midSequence.
func cardAtEq(s string, p, e0 int) int {
	if p >= 1 && s[p-1] == '=' && (eqJoined(s, p-1) || !cardKeywordBefore(s, p)) {
		return -1 // the inside of a longer number grouped by '=', or a chain after a name and '='
	}
	var ends, lens [5]int
	var eqs [5]bool // eqs[k]: an '=' joins two of the groups up to k
	// joinEq[k], joinBlank[k]: the join before group k is a lone '=', or
	// a separator run with a blank in it.
	var joinEq, joinBlank [5]bool
	ends[0], lens[0] = e0, 4
	k, total := 1, 4
	for e := e0; k < len(ends); k++ {
		j := sepEnd(s, e)
		eq := j == e && eqJoined(s, e)
		if eq {
			j = e + 1
		} else if j == e || j >= len(s) || !isDigit(s[j]) {
			break
		}
		ge := runEnd(s, j)
		n := ge - j
		if n > 6 || total+n > 19 {
			break
		}
		ends[k], lens[k], eqs[k] = ge, n, eqs[k-1] || eq
		joinEq[k], joinBlank[k] = eq, !eq && strings.ContainsAny(s[e:j], " \t")
		total += n
		e = ge
	}
	for m := k; m >= 2; m-- {
		if !eqs[m-1] || eqJoined(s, ends[m-1]) || !cardGrouping(lens[:m]) || !groupedEndOK(s, ends[m-1]) ||
			eqPairs(joinEq[:m], joinBlank[:m]) && !cardWordBefore(s, p) {
			continue
		}
		if cardValid(s, p, ends[m-1]) {
			return ends[m-1]
		}
	}
	return -1
}

// eqPairs reports whether joins between groups (eq[k], blank[k]: the one
// before group k is a lone '=', or holds a blank) read as a list of pairs:
// a blank between two '='-joined pairs ("3569=0310 8420=2086", a port or
// size map) separates pairs, not a card's groups, which 3.8% of such
// lists of four-digit values would pass for (red21). After a card keyword
// they are a card's groups, as an '='-chain is (cardAtEq asks).
func eqPairs(eq, blank []bool) bool {
	for k := 2; k+1 < len(eq); k++ {
		if blank[k] && eq[k-1] && eq[k+1] {
			return true
		}
	}
	return false
}

// eqJoined reports whether the '=' at i joins two digits.
func eqJoined(s string, i int) bool {
	return i >= 1 && i+1 < len(s) && s[i] == '=' && isDigit(s[i-1]) && isDigit(s[i+1])
}

// plainStartOK reports whether a plain run of card digits may start at p.
// A letter before it is a glued word ("cust4111…", "pay4111…"), unless the
// word is hexadecimal, as in a digest or UUID whose digits happen to run
// long. A '-' that follows no word is a sign: "-3953814578718096702" is a
// signed 64-bit ID, not a card. A '.' or ',' after a digit makes it a
// decimal, unless a ',' follows the digits of a word ("u1,4111…",
// "user_42,4111…": a CSV line's or a list's fields, red21).
func plainStartOK(s string, p int) bool {
	if p == 0 {
		return true
	}
	c := s[p-1]
	switch {
	case isLetter(c):
		return !hexWordBefore(s, p)
	case c == '.' || c == ',':
		return !(p >= 2 && isDigit(s[p-2])) || c == ',' && wordDigitsBefore(s, p-1)
	case c == '-':
		return p >= 2 && isAlnum(s[p-2])
	}
	return true
}

// wordDigitsBefore reports whether the digits that end at i (at most
// maxWordDigits of them) end a word: a letter or '_' stands before them.
func wordDigitsBefore(s string, i int) bool {
	j := i
	for j > 0 && i-j < maxWordDigits && isDigit(s[j-1]) {
		j--
	}
	return j > 0 && j < i && (isLetter(s[j-1]) || s[j-1] == '_')
}

// maxWordDigits bounds wordDigitsBefore's look back: an ID's number.
const maxWordDigits = 12

// plainEndOK is plainStartOK's mirror: a glued word after the digits is fine
// unless it is hexadecimal; a decimal point or comma followed by a digit
// makes the run part of a decimal.
func plainEndOK(s string, e int) bool {
	if e >= len(s) {
		return true
	}
	c := s[e]
	switch {
	case isLetter(c):
		return !hexWordAfter(s, e)
	case c == '.' || c == ',':
		return !(e+1 < len(s) && isDigit(s[e+1]))
	}
	return true
}

// maxHexWord bounds how far the hexadecimal test looks.
const maxHexWord = 24

func isHexLetter(c byte) bool { return (c|0x20)-'a' < 6 }

// hexWordBefore reports whether the letters and digits glued before p are
// all hexadecimal.
func hexWordBefore(s string, p int) bool {
	for i := p - 1; i >= 0 && p-i <= maxHexWord && isAlnum(s[i]); i-- {
		if isLetter(s[i]) && !isHexLetter(s[i]) {
			return false
		}
	}
	return true
}

// hexWordAfter is hexWordBefore for the word glued after e.
func hexWordAfter(s string, e int) bool {
	for i := e; i < len(s) && i-e < maxHexWord && isAlnum(s[i]); i++ {
		if isLetter(s[i]) && !isHexLetter(s[i]) {
			return false
		}
	}
	return true
}

// midSequence reports whether the group at p follows, across blanks, another
// group of four characters that holds a digit: then it is the inside of a
// longer grouped number, such as an IBAN ("RS35 2600 0560 1001 6113 70"),
// not the start of a card.
func midSequence(s string, p int) bool {
	// The blanks before p, at most maxSep of them, unrolled: gated asks at
	// every group of four after a blank. With fewer than five bytes before
	// p there is no room for a group and a blank.
	if p < 5 || s[p-1] != ' ' && s[p-1] != '\t' {
		return false
	}
	k := p - 1
	if s[k-1] == ' ' || s[k-1] == '\t' {
		if k--; s[k-1] == ' ' || s[k-1] == '\t' {
			k--
		}
	}
	if k < 4 {
		return false
	}
	// The four bytes at once: in text of groups ("4111 4111 …", an
	// IBAN's) this runs at every group.
	g := s[k-4 : k]
	w := uint32(g[0]) | uint32(g[1])<<8 | uint32(g[2])<<16 | uint32(g[3])<<24
	const highs = 0x80808080
	notDigit, letter := nonDigits32(w), uint32(letters64(uint64(w))) // the upper four bytes hold no letter
	if letter|(notDigit^highs) != highs || notDigit == highs {
		return false // a byte that is no letter or digit, or no digit
	}
	// The group before must itself start the sequence or continue it with
	// blanks; "…-1881 4012 8888 …" is one number after another.
	return k == 4 || s[k-5] == ' ' || s[k-5] == '\t'
}

// nonDigits32 is nonDigits for four bytes.
func nonDigits32(v uint32) uint32 {
	const ones = 0x01010101
	const highs = 0x80808080
	x := v ^ (ones * '0')
	return ((x | highs) - ones*10 | x) & highs
}

// cardKeywordWindow returns the text a card keyword before p is looked for
// in: at most 32 bytes, on p's line.
func cardKeywordWindow(s string, p int) string {
	lo := max(p-32, 0)
	i := p
	for i > lo && s[i-1] != '\n' && s[i-1] != '\r' && s[i-1] != ']' {
		i--
	}
	return s[i:p]
}

// cardKeywordBefore reports whether a card keyword stands within 32 bytes
// before p on the same line: card, visa, credit, debit, unionpay, maestro,
// or pan and cc as words ("PAN: …", "cc_number=…").
func cardKeywordBefore(s string, p int) bool {
	w := cardKeywordWindow(s, p)
	for _, k := range [...]string{"card", "visa", "credit", "debit", "unionpay", "maestro"} {
		if containsFold(w, k) {
			return true
		}
	}
	for j := 0; j < len(w); j++ {
		if !wordStart(w, j) {
			continue
		}
		for _, k := range [...]string{"pan", "cc"} {
			if e := j + len(k); e <= len(w) && equalFold(w[j:e], k) && (e == len(w) || !isLetter(w[e])) {
				return true
			}
		}
	}
	return false
}

// cardWordBefore is cardKeywordBefore for '='-pair lists, which a keyword
// makes a card's groups: the keyword must be a word of its own or joined to
// "card" or a number's name ("creditcard", "cardno", "card_number"), not
// the end or the inflection of another word: "discard", "wildcard",
// "scorecard" or "credited" before a list of pairs made 3.5–3.8% of such
// lists cards (red23).
func cardWordBefore(s string, p int) bool {
	w := cardKeywordWindow(s, p)
	for j := 0; j < len(w); j++ {
		if !wordStart(w, j) {
			continue
		}
		for _, k := range [...]string{"card", "visa", "credit", "debit", "unionpay", "maestro", "pan", "cc"} {
			if e := j + len(k); e <= len(w) && equalFold(w[j:e], k) && keywordWordEnd(w[e:]) {
				return true
			}
		}
	}
	return false
}

// keywordWordEnd reports whether rest, what follows a card keyword, ends
// its word as a card's name may: at once, or with "card" or a number's name
// ("s", "no", "nr", "num", "number", "numbers"), then a byte that is not a
// letter.
func keywordWordEnd(rest string) bool {
	if len(rest) >= 4 && equalFold(rest[:4], "card") {
		rest = rest[4:]
	}
	n := 0
	for n < len(rest) && isLetter(rest[n]) {
		n++
	}
	switch word := rest[:n]; {
	case n == 0:
		return true
	case equalFold(word, "s"), equalFold(word, "no"), equalFold(word, "nr"), equalFold(word, "num"),
		equalFold(word, "number"), equalFold(word, "numbers"):
		return true
	}
	return false
}

// jsonCardShape is a cheap test that the number whose integer part of n
// digits ends at e0 has digits enough for cardNumberAt: 13 before a decimal
// point, or ten written before an exponent.
func jsonCardShape(s string, e0, n int) bool {
	if n >= 13 {
		return true
	}
	if s[e0] != '.' {
		return n >= 10
	}
	fe := runEnd(s, e0+1)
	return n+fe-(e0+1) >= 10 && fe < len(s) && s[fe]|0x20 == 'e'
}

// cardNumberAt returns the end of a JSON number at p whose value is a card
// number, or -1: an exponent form with at least ten significant digits
// ("4.111111111111111e15", "4.111111111111111E+15") or a decimal with a zero
// fraction ("4111111111111111.0").
func cardNumberAt(s string, p int) int {
	if !plainStartOK(s, p) {
		return -1
	}
	d, n, sig, e, exp := jsonInteger(s, p)
	if e < 0 || (exp && sig < 10) || n < 13 || n > 19 {
		return -1
	}
	if n >= 17 && !cardKeywordBefore(s, p) {
		return -1
	}
	if luhn(d[:n]) && cardIssuer(d[:n]) {
		return e
	}
	return -1
}

// jsonInteger reads a JSON number at p that has a fraction or an exponent
// and whose value is an integer of at most 19 digits. It returns the digits,
// their count, the count of significant digits written, the end of the
// number (-1 if it is not such a number) and whether it has an exponent.
func jsonInteger(s string, p int) (d [19]byte, n, sig, end int, exp bool) {
	end = -1
	ie := runEnd(s, p)
	fs, fe := ie, ie
	if ie+1 < len(s) && s[ie] == '.' && isDigit(s[ie+1]) {
		fs = ie + 1
		fe = runEnd(s, fs)
	}
	x, e := 0, fe
	if e < len(s) && s[e]|0x20 == 'e' {
		j := e + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			if s[j] == '-' {
				return // a negative exponent makes a fraction of anything long
			}
			j++
		}
		xe := runEnd(s, j)
		if xe == j || xe-j > 3 {
			return
		}
		for ; j < xe; j++ {
			x = x*10 + int(s[j]-'0')
		}
		e, exp = xe, true
	} else if fe == ie {
		return // neither a fraction nor an exponent
	}
	if e < len(s) && (isAlnum(s[e]) || s[e] == '.') {
		return
	}
	frac := fe - fs
	if x < frac { // the last frac-x fraction digits must be zeros
		for i := fs + x; i < fe; i++ {
			if s[i] != '0' {
				return
			}
		}
		fe, frac = fs+x, x
	}
	add := func(c byte) bool {
		if n == 0 && c == '0' {
			return true // leading zeros carry no digit
		}
		if n == len(d) {
			return false
		}
		d[n] = c - '0'
		n++
		return true
	}
	for i := p; i < ie; i++ {
		if !add(s[i]) {
			return
		}
	}
	for i := fs; i < fe; i++ {
		if !add(s[i]) {
			return
		}
	}
	sig = n
	for i := frac; i < x; i++ {
		if !add('0') {
			return
		}
	}
	return d, n, sig, e, exp
}

// cardGrouping reports whether group lengths are a way cards are printed.
func cardGrouping(lens []int) bool {
	total := 0
	for _, n := range lens {
		total += n
	}
	if total < 13 || total > 19 {
		return false
	}
	if len(lens) == 3 && lens[1] == 6 {
		return lens[2] == 4 || lens[2] == 5 // Diners 4-6-4, Amex 4-6-5
	}
	for _, n := range lens[:len(lens)-1] {
		if n != 4 {
			return false
		}
	}
	last := lens[len(lens)-1]
	return last >= 1 && last <= 4
}

// cardValid checks the digits of s[a:b] (separators skipped): Luhn checksum
// and an issuer prefix whose card lengths include this one. The digits are
// not copied out: eight bytes at a time, without a branch per byte, it sums
// them both ways a digit's place may fall, counted from the first digit,
// and the count of digits then says which way is Luhn's (counted from the
// last); a second pass reads the first six for the issuer.
func cardValid(s string, a, b int) bool {
	if b-a < 13 {
		return false // fewer bytes than a card's digits
	}
	// even and odd are two Luhn sums: even doubles the digits whose index
	// from the first digit is even, odd those whose index is odd.
	n, even, odd := 0, 0, 0
	for i := a; i < b; i += 8 {
		var w uint64
		if i+8 <= b {
			w = load64(s, i)
		} else {
			// The last bytes, from a word that ends at b: b-8 >= a, and
			// the bytes before i shift out, zeros (no digit) shifting in.
			w = load64(s, b-8) >> (8 * (8 - (b - i)))
		}
		digit := (nonDigits(w) ^ byteHighs) >> 7 // 1 in the low bit of each digit byte
		v := (w ^ byteOnes*'0') & (digit * 0xff) // each digit's value, 0 elsewhere
		// Byte k of count is the number of digits in bytes 0 to k: a
		// digit's index from the first is n plus that, less one, so it is
		// even where n plus its count is odd.
		count := digit * byteOnes
		evenAt := (count ^ uint64(n&1)*byteOnes) & digit * 0xff
		ge5 := (v + byteOnes*(0x80-5)) & byteHighs >> 7
		twice := v + v - ge5*9 // the digit sum of twice each digit
		// Byte sums by multiplication: eight bytes of at most 18 each
		// cannot carry into the next.
		e := int((v&^evenAt + twice&evenAt) * byteOnes >> 56)
		even += e
		odd += int((v+twice)*byteOnes>>56) - e
		n += int(count >> 56)
	}
	if n < 13 || n > 19 {
		return false
	}
	// Luhn doubles every second digit from the last: the digit at index k
	// from the first is doubled when n-1-k is odd, that is when k and n
	// have the same parity.
	sum := odd
	if n%2 == 0 {
		sum = even
	}
	if sum%10 != 0 {
		return false // Luhn fails, whatever the issuer
	}
	p6 := issuerPrefix(s, a)
	return issuerHas(p6, n) || keywordOnlyCard(n, p6/100000) && cardKeywordBefore(s, a)
}

// issuerPrefix returns the number the first six digits at or after a spell
// (there are six, separators between them skipped). The two ways cards are
// written, six digits in a row and four, one separator and more, are read
// from one word; others a byte at a time.
func issuerPrefix(s string, a int) int32 {
	if a+8 <= len(s) {
		const zeros = 0x3030303030303030
		w := load64(s, a)
		switch nd := nonDigits(w); {
		case nd&0x0000808080808080 == 0: // six digits
			return int32(eightDigits(w&0x0000ffffffffffff|zeros&^0x0000ffffffffffff) / 100)
		case nd&0x0080808080808080 == 0x0000008000000000: // four, a separator, two
			return int32(eightDigits(w&0xffffffff|zeros&^0xffffffff)/10000*100 + (w>>40&0xff-'0')*10 + (w>>48&0xff - '0'))
		}
	}
	var p6 int32
	for i, k := a, 0; k < 6; i++ {
		if c := s[i] - '0'; c <= 9 {
			p6 = p6*10 + int32(c)
			k++
		}
	}
	return p6
}

// keywordOnlyCard reports whether a number of n digits whose first is first
// is a card only when a card keyword names it: 13-digit Visa, which bare is
// as often an EAN-13 barcode, and UATP (1…, 15 digits), which bare is as
// often a timestamp.
func keywordOnlyCard(n int, first int32) bool {
	return (n == 13 && first == 4) || (n == 15 && first == 1)
}

// luhn reports whether the digits pass the Luhn checksum: from the last
// digit, every second one is doubled (its digits summed, from a table: no
// branch on the value), and the sum must end in 0.
func luhn(d []byte) bool {
	sum := 0
	i := len(d) - 1
	for ; i > 0; i -= 2 {
		sum += int(d[i]) + int(luhnDoubled[d[i-1]&15])
	}
	if i == 0 {
		sum += int(d[0])
	}
	return sum%10 == 0
}

// luhnDoubled holds the digit sum of twice each digit; sixteen entries, so
// that a digit masked to four bits needs no bounds check.
var luhnDoubled = [16]uint8{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}

// Card lengths as bit sets.
const (
	l14 = 1 << 14
	l15 = 1 << 15
	l16 = 1 << 16
	l17 = 1 << 17
	l18 = 1 << 18
	l19 = 1 << 19

	l16to19 = l16 | l17 | l18 | l19
)

// iinRange is a range of six-digit issuer identification numbers and the
// card lengths issued in it.
type iinRange struct {
	lo, hi  int32
	lengths uint32
}

// iinRanges lists the IIN ranges of the card networks, after the networks'
// published ranges as summarised in ISO/IEC 7812 tables. Ranges may overlap
// (co-branded and successor networks); a number is valid at a length if any
// range that holds its prefix issues that length. Lengths below 14 are left
// out: at 13 digits (legacy Visa, short Maestro) numbers collide with EAN-13
// product barcodes and at 12 with AWS account IDs. UATP (1…, 15 digits)
// is left out because it collides with Unix timestamps. The ranges are
// sorted by their first IIN, which cardIssuer relies on to stop early.
var iinRanges = [...]iinRange{
	{220000, 220499, l16to19},         // Mir
	{220500, 220599, l16},             // BORICA
	{222100, 272099, l16},             // Mastercard 2-series
	{300000, 305999, l14 | l16to19},   // Diners Club
	{309500, 309599, l14 | l16to19},   // Diners Club
	{310000, 319999, l19},             // China T-Union
	{340000, 349999, l15},             // American Express
	{352800, 358999, l16to19},         // JCB, RuPay/JCB, LankaPay
	{360000, 369999, l14 | l16to19},   // Diners Club International
	{370000, 379999, l15},             // American Express
	{380000, 399999, l14 | l16to19},   // Diners Club, Hipercard 3841
	{400000, 499999, l16 | l19},       // Visa, Visa Electron, Elo, Dankort (Visa)
	{490300, 490399, l16 | l18 | l19}, // Switch
	{490500, 490599, l16 | l18 | l19}, // Switch
	{491100, 491199, l16 | l18 | l19}, // Switch
	{493600, 493699, l16 | l18 | l19}, // Switch
	{500000, 509999, l16to19},         // Maestro, Dankort 5019, Verve, Elo, RuPay 508
	{510000, 559999, l16},             // Mastercard
	{560000, 599999, l16to19},         // Maestro, Uzcard 5614, Switch 564182
	{600000, 609999, l16to19},         // RuPay (16), Maestro 60 (16–19), Hipercard 606282
	{601100, 601199, l16to19},         // Discover
	{604001, 604200, l16to19},         // UkrCard
	{620000, 629999, l16to19},         // UnionPay, Discover 622126–622925, Elo 627780
	{630000, 639999, l16to19},         // Maestro 6304, InterPayment 636, Solo 6334, Elo 636297
	{644000, 659999, l16to19},         // Discover, Troy 65, Elo 650031–655058, Verve 6500
	{670000, 679999, l16to19},         // Maestro 6759/6761–6763, Laser 6706/6709/6771, Solo 6767
	{810000, 817199, l16to19},         // UnionPay
	{820000, 829999, l16},             // RuPay
	{860000, 860099, l16},             // Uzcard
	{979200, 979299, l16},             // Troy
	{986000, 986099, l16},             // Humo
}

// cardIssuer reports whether the number starts with a prefix that a card
// network issues at this length. Unix timestamps (1…), compact dates (19…,
// 20…) and counters with leading zeros have no such prefix.
func cardIssuer(d []byte) bool {
	n := len(d)
	if n < 14 || n > 19 {
		return false
	}
	var p6 int32
	for _, v := range d[:6] {
		p6 = p6*10 + int32(v)
	}
	return issuerHas(p6, n)
}

// issuerHas is cardIssuer for the number of n digits whose first six are
// p6.
func issuerHas(p6 int32, n int) bool {
	first := p6 / 100000
	if n < 14 || n > 19 || first <= 1 || first == 7 {
		return false // no network issues numbers that start with 0, 1 or 7
	}
	for _, r := range iinRanges[iinFrom[first]:] {
		if r.lo > p6 {
			break // the ranges are sorted by their first IIN
		}
		if p6 <= r.hi && r.lengths&(1<<n) != 0 {
			return true
		}
	}
	return false
}

// iinFrom[d] is the first of iinRanges that may hold a number whose first
// digit is d: every range before it ends below d00000. A Visa number is
// not compared with the dozen ranges of 2 and 3. Read-only, filled at
// initialisation.
var iinFrom = func() (t [10]uint8) {
	for d := range t {
		i := 0
		for i < len(iinRanges) && iinRanges[i].hi < int32(d)*100000 {
			i++
		}
		t[d] = uint8(i)
	}
	return t
}()

// CardIssuer reports whether digits, a run of 14 to 19 ASCII digits, starts
// with a prefix a card network issues at that length: the test the detector
// applies before Luhn. A scanner that weighs a column of numeric IDs against
// chance counts the numbers that could pass for cards with it: IDs outside
// every issuer range never do, however many pass Luhn.
func CardIssuer(digits string) bool {
	n := len(digits)
	if n < 14 || n > 19 {
		return false
	}
	var d [19]byte
	for i := range n {
		c := digits[i] - '0'
		if c > 9 {
			return false
		}
		d[i] = c
	}
	return cardIssuer(d[:n])
}

// cardAt is cardAt on the scanner's view, which where it was normalised
// also asks splitCardOK of the card's source.
func (sc *scanner) cardAt(p, e int) int {
	ce := cardAt(sc.s, p, e)
	if ce >= 0 && sc.v.marks != nil && !sc.v.splitCardOK(p, ce) {
		return -1
	}
	return ce
}

// splitCardOK reports whether the card s[p:e] of a normalised view may be
// read through the dropped controls (C0, DEL, C1) in its source: when they
// fall where its groups break ("4111\x001111\x001111\x001111", a NUL beside
// a space), or after a card keyword. A control anywhere else is as often
// the end of one field and the start of the next: two IDs a NUL or SOH
// joins ("2368349\x00605919151", binary records) passed Luhn and an issuer
// range for 1.5% and 4.3% of generated pairs (red19), where the rule that
// no pair is split at a card's grouping leaves none.
func (v *view) splitCardOK(p, e int) bool {
	o, oe := v.orig(p), v.origEnd(e)
	t := bmpMap()
	var lens [20]int
	k, run, split := 0, 0, false
	nuls := true // every control a NUL, as UTF-16 puts beside ASCII
	for o < oe {
		w, out, changed := normUnit(v.src, o, t)
		switch {
		case changed && out == 0:
			// Dropped: a control breaks a group; a format character
			// (a zero-width space, a soft hyphen) does not.
			if c := v.src[o]; c < utf8.RuneSelf || c == 0xc2 && v.src[o+1] < 0xa0 {
				split, nuls = true, nuls && c == 0
			} else {
				o += w
				continue
			}
		case changed && isDigit(out), !changed && isDigit(v.src[o]):
			run++
			o += w
			continue
		}
		if run > 0 {
			if k == len(lens) {
				return false // more groups than any card has digits
			}
			lens[k], k, run = run, k+1, 0
		}
		o += w
	}
	if !split {
		return true
	}
	if run > 0 && k < len(lens) {
		lens[k], k = run, k+1
	}
	return cardGrouping(lens[:k]) || nuls && singleDigits(lens[:k]) || cardKeywordBefore(v.s, p)
}

// singleDigits reports whether every group is one digit: a NUL after
// each digit is UTF-16 text read as bytes, not two fields a control joins
// (splitCardOK asks it only where every control is a NUL: single-digit
// fields a unit separator or SOH joins are fields).
func singleDigits(lens []int) bool {
	for _, n := range lens {
		if n != 1 {
			return false
		}
	}
	return len(lens) > 0
}
