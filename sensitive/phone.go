package sensitive

import "encoding/binary"

// callingCodes lists the assigned ITU-T E.164 country calling codes of two
// and three digits, zero-padded to three, sorted. Codes are prefix-free, so a
// number's code is found by trying one, two and three digits in turn.
const callingCodes = "020 027 030 031 032 033 034 036 039 040 041 043 044 045 046 047 048 049 051 052 053 " +
	"054 055 056 057 058 060 061 062 063 064 065 066 081 082 084 086 090 091 092 093 094 095 098 " +
	"211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 " +
	"239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 " +
	"264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 " +
	"373 374 375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 " +
	"506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 " +
	"681 682 683 685 686 687 688 689 690 691 692 800 808 850 852 853 855 856 870 878 880 881 882 883 " +
	"886 888 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 979 992 993 994 995 " +
	"996 998"

// callingCodeLen returns the length of the country calling code that starts
// the digits d, or 0 if none is assigned.
func callingCodeLen(d []byte) int {
	switch d[0] {
	case 0:
		return 0
	case 1, 7: // NANP, Russia/Kazakhstan
		return 1
	}
	if callingCodeSet.has(int(d[0])*10 + int(d[1])) {
		return 2
	}
	if len(d) < 3 {
		return 0
	}
	if callingCodeSet.has(int(d[0])*100 + int(d[1])*10 + int(d[2])) {
		return 3
	}
	return 0
}

// codeSet is a set of the numbers 0 to 999, a bit each.
type codeSet [1000/64 + 1]uint64

func (c *codeSet) has(n int) bool { return c[n>>6&15]>>(n&63)&1 != 0 }

// callingCodeSet is callingCodes as a set of numbers, the two-digit codes
// below 100: a number's code is found with a bit test rather than a
// binary search of the list. It is read-only, filled once at package
// initialisation; TestCallingCodeSet holds it to the list.
var callingCodeSet = func() (c codeSet) {
	for i := 0; i+3 <= len(callingCodes); i += 4 {
		n := int(callingCodes[i]-'0')*100 + int(callingCodes[i+1]-'0')*10 + int(callingCodes[i+2]-'0')
		c[n>>6] |= 1 << (n & 63)
	}
	return c
}()

// phoneAt returns the span of a phone number around the digit run at p, or
// -1, -1. Three shapes are recognised:
//
//   - international: '+', an assigned calling code and 9–15 digits in all
//     (E.164), optionally grouped by spaces, '-', '.' and parentheses:
//     "+44 20 7946 0958", "+1 (212) 555-0187", "+4915112345678";
//   - North American with a parenthesised area code: "(212) 555-0187";
//   - North American written with '-' or '.': "212-555-0187", "1-800-555-0199".
//
// Area codes and exchanges follow NANP rules (first digit 2–9, no N11).
func phoneAt(s string, p int) (int, int) {
	if p > 0 {
		switch s[p-1] {
		case '+':
			if e := phoneIntl(s, p-1); e >= 0 {
				return p - 1, e
			}
			if vanityAhead(s, p) {
				if e := phoneVanity(s, p-1); e >= 0 {
					return p - 1, e
				}
			}
			return -1, -1 // a '+' number is never reread as a national one
		case '(':
			if e := phoneParen(s, p-1); e >= 0 {
				return p - 1, e
			}
			if e := phoneTrunk(s, p, true); e >= 0 {
				return p - 1, e
			}
		}
	}
	if s[p] == '0' {
		if e := phoneTrunk(s, p, false); e >= 0 {
			return p, e
		}
		return -1, -1
	}
	if e := phoneNational(s, p); e >= 0 {
		return p, e
	}
	return -1, -1
}

// phoneTrunk parses a national number written with its trunk prefix '0',
// as most of the world outside North America prints them: "020 7946 0958",
// "(020) 7031 3000", "01632 960 123", "030 1234 5678". The first group is
// the '0', a non-zero digit and up to three more (the area code, in
// parentheses when paren is set and its '(' is at p-1); one to three groups
// of three or four digits follow, each after one space, 10 or 11 digits in
// all. Numbers in prose rarely start with 0, and no date, version or
// timestamp has this shape. Dashes are left out: "012-345-6789" is the North
// American layout, where an area code never starts with 0, and such a
// number is a placeholder or a part number; "09-7625400" stays unread too.
func phoneTrunk(s string, p int, paren bool) int {
	ae := runEnd(s, p)
	if n := ae - p; n < 2 || n > 5 || s[p+1] == '0' {
		return -1
	}
	start := p
	if paren {
		start = p - 1
		if ae+1 >= len(s) || s[ae] != ')' || s[ae+1] != ' ' {
			return -1
		}
	}
	if !groupedStartOK(s, start) || midSequence(s, start) {
		return -1
	}
	i := ae
	if paren {
		i++ // the space after ')' is the first separator
	}
	total, best := ae-p, -1
	for groups := 0; groups < 3 && i+1 < len(s); groups++ {
		if s[i] != ' ' || !isDigit(s[i+1]) {
			break
		}
		e := runEnd(s, i+1)
		if n := e - (i + 1); n < 3 || n > 4 {
			break
		}
		total += e - (i + 1)
		if total > 11 {
			break
		}
		if total >= 10 && groupedEndOK(s, e) {
			best = e
		}
		i = e
	}
	return best
}

// vanityAhead is phoneVanity's cheap first test, for the run at p after a
// '+': a lone "1", separators, and the area code's first digit or '('.
func vanityAhead(s string, p int) bool {
	if s[p] != '1' || p+1 >= len(s) || isDigit(s[p+1]) {
		return false
	}
	j := phoneSepEnd(s, p+1)
	return j < len(s) && (isDigit(s[j]) || s[j] == '(')
}

// keypad maps an upper-case letter to its telephone keypad digit.
const keypad = "22233344455566677778889999"

// phoneVanity parses a North American number whose last seven digits are
// written, at least in part, as keypad letters, with its '+' at q:
// "+1 650 GOO OGLE", "+1-800-FLOWERS". The letters must be capitals, as
// vanity numbers are printed; the digits they stand for follow NANP rules.
func phoneVanity(s string, q int) int {
	if q > 0 && (isAlnum(s[q-1]) || s[q-1] == '+') {
		return -1
	}
	i := q + 1
	if i+1 >= len(s) || s[i] != '1' {
		return -1
	}
	i = phoneSepEnd(s, i+1)
	paren := i < len(s) && s[i] == '('
	if paren {
		i++
	}
	ae := runEnd(s, i)
	if ae-i != 3 {
		return -1
	}
	area := s[i:ae]
	i = ae
	if paren {
		if i >= len(s) || s[i] != ')' {
			return -1
		}
		i++
	}
	var d [7]byte
	n, letters, groups := 0, 0, 0
	for n < len(d) && groups < 2 {
		j := phoneSepEnd(s, i)
		if j == i && !(paren && groups == 0) {
			break
		}
		k := j
		for k < len(s) && n < len(d) && (isDigit(s[k]) || isUpper(s[k])) {
			if c := s[k]; isDigit(c) {
				d[n] = c - '0'
			} else {
				d[n] = keypad[c-'A'] - '0'
				letters++
			}
			n++
			k++
		}
		if g := k - j; g != 3 && g != 4 && g != 7 {
			return -1
		}
		i = k
		groups++
	}
	if n != len(d) || letters == 0 || (i < len(s) && isAlnum(s[i])) {
		return -1
	}
	var a [3]byte
	for k := range a {
		a[k] = area[k] - '0'
	}
	if !nanpValid(a[:], d[:3]) {
		return -1
	}
	return i
}

// phoneIntl parses an international number whose '+' is at q. Where groups
// are separated by spaces, the longest prefix that validates wins, so a
// number followed by an unrelated one ("+44 20 7946 0958 2024") is found.
//
// In text dense with phone numbers it runs at every '+': after
// nineDigitsAhead, which rejects most others, one pass reads the groups,
// each run's end and digits from one word, and keeps only the first
// digits, those intlValid reads. TestPhoneIntlMatchesReference and
// FuzzPhoneIntl hold it to phoneIntlRef, the walk it replaced.
func phoneIntl(s string, q int) int {
	if q > 0 && (isAlnum(s[q-1]) || s[q-1] == '+') {
		return -1 // "1e+10", "a+123…", "++"
	}
	if !nineDigitsAhead(s, q+1) {
		return -1 // most '+' in text
	}
	var head uint64 // the first eight digits' values, digit k in byte k
	var ends [9]int
	var counts [9]int
	groups, nd := 0, 0
	for i := q + 1; groups < len(ends); {
		paren := groups > 0 && i < len(s) && s[i] == '('
		if paren {
			i++
		}
		// Groups have fewer than eight digits but for numbers written
		// without them, whose run runEnd reads: the run's end and its
		// digits come from one word.
		var v uint64
		e := i
		if i+8 <= len(s) {
			v = load64(s, i)
			if m := nonDigits(v); m != 0 {
				e = i + firstMarked(m)
			} else {
				e = runEnd(s, i)
			}
		} else {
			e = runEnd(s, i)
			for k := len(s) - 1; k >= i; k-- {
				v = v<<8 | uint64(s[k])
			}
		}
		n := nd + e - i
		if e == i || n > 15 {
			break
		}
		if nd < 8 {
			d := v ^ byteOnes*'0' // the digits' values, in the run's bytes
			if l := e - i; l < 8 {
				d &= 1<<(8*l&63) - 1 // &63: l < 8, and the shift needs no test
			}
			head |= d << (8 * nd & 63)
		}
		nd, i = n, e
		if paren {
			if i >= len(s) || s[i] != ')' {
				break
			}
			i++
		}
		ends[groups], counts[groups] = i, nd
		groups++
		if i >= len(s) {
			break
		}
		c := s[i]
		// phoneSepEnd: up to three separators, '+' not among them.
		j := i
		for j < len(s) && phoneAhead[s[j]] == aheadSep {
			if j++; j-i == maxSep {
				break
			}
		}
		if j > i && j < len(s) && (isDigit(s[j]) || s[j] == '(') {
			i = j
			continue
		}
		if c == '(' || (paren && isDigit(c)) {
			continue // "+44(0)20…", "+1(212)555…"
		}
		break
	}
	for m := groups; m >= 1; m-- {
		if numEndOK(s, ends[m-1], 0) && intlValid(head, counts[m-1], m > 1) {
			return ends[m-1]
		}
	}
	return -1
}

// nineDigitsAhead is a cheap first test for phoneIntl: at least nine digits
// follow i before a byte that cannot be part of the number, within the 40
// bytes the longest grouped number spans. One lookup per byte classifies
// it (phoneAhead).
func nineDigitsAhead(s string, i int) bool {
	n := 0
	for end := min(len(s), i+40); i < end; i++ {
		switch phoneAhead[s[i]] {
		case aheadEnd:
			return false
		case aheadDigit:
			if n++; n == 9 {
				return true
			}
		}
	}
	return false
}

// The classes of phoneAhead.
const (
	aheadEnd   = iota // a byte that ends the number
	aheadDigit        // an ASCII digit
	aheadSep          // a separator between groups, phoneSepEnd's: cSep but '+'
	aheadParen        // '(' or ')'
)

// phoneAhead classifies bytes for nineDigitsAhead and for phoneIntl's
// separators. Read-only, filled at initialisation.
var phoneAhead = func() (t [256]uint8) {
	for c := range t {
		switch b := byte(c); {
		case isDigit(b):
			t[c] = aheadDigit
		case is(b, cSep) && b != '+':
			t[c] = aheadSep
		case b == '(' || b == ')':
			t[c] = aheadParen
		}
	}
	return t
}()

// intlValid checks an international number of n digits whose first eight
// are the bytes of head, the first in the lowest.
func intlValid(head uint64, n int, formatted bool) bool {
	if n < 9 || n > 15 {
		return false
	}
	var d [8]byte
	binary.LittleEndian.PutUint64(d[:], head) // one store
	cc := callingCodeLen(d[:])
	switch {
	case cc == 0:
		return false
	case d[0] == 1:
		return n == 11 && nanpValid(d[1:4], d[4:7])
	case d[0] == 7:
		return n == 11
	case formatted:
		return n >= 9
	}
	return n >= 10
}

// nanpValid checks a North American area code and exchange: 2–9 first, not N11.
func nanpValid(area, exchange []byte) bool {
	ok := func(g []byte) bool {
		return g[0] >= 2 && !(g[1] == 1 && g[2] == 1)
	}
	return ok(area) && ok(exchange)
}

// phoneSepEnd returns the end of a run of up to three separators between
// the groups of a phone number — any of space, tab, - _ / : . but not '+',
// which starts another number — or i when there is none.
func phoneSepEnd(s string, i int) int {
	j := i
	for j < len(s) && j-i < maxSep && is(s[j], cSep) && s[j] != '+' {
		j++
	}
	return j
}

// phoneParen parses "(212) 555-0187" with its '(' at q.
func phoneParen(s string, q int) int {
	if q > 0 && isAlnum(s[q-1]) {
		return -1
	}
	i := q + 1
	ae := runEnd(s, i)
	if ae-i != 3 || ae >= len(s) || s[ae] != ')' {
		return -1
	}
	area := s[i:ae]
	i = ae + 1
	if i < len(s) && s[i] == ' ' {
		i++
	}
	xe := runEnd(s, i)
	if xe-i != 3 {
		return -1
	}
	exchange := s[i:xe]
	ls := phoneSepEnd(s, xe)
	if ls == xe || ls >= len(s) {
		return -1
	}
	le := runEnd(s, ls)
	if le-ls != 4 || !groupedEndOK(s, le) {
		return -1
	}
	if !nanpDigits(area, exchange) {
		return -1
	}
	return le
}

// phoneNational parses "212-555-0187", "212.555.0187", "212 / 555-0187" or
// "1-212-555-0187" starting at p: groups of three, three and four digits
// separated by runs of separators that are not only blanks. Space-only
// groupings ("212 555 0187") count only after a phone keyword: in free text
// they are as often three unrelated numbers.
func phoneNational(s string, p int) int {
	if p > 0 && s[p-1] == '+' {
		return -1
	}
	i, ae := p, runEnd(s, p)
	if ae == p+1 && s[p] == '1' {
		j := phoneSepEnd(s, p+1)
		if j == p+1 || blank(s, p+1, j) {
			return -1
		}
		i, ae = j, runEnd(s, j) // trunk prefix "1-"
	}
	if ae-i != 3 {
		return -1
	}
	xs := phoneSepEnd(s, ae)
	if xs == ae {
		return -1
	}
	xe := runEnd(s, xs)
	if xe-xs != 3 {
		return -1
	}
	ls := phoneSepEnd(s, xe)
	// The look-back last: in digit-heavy text most runs fail on the
	// groups' lengths, which cost less to read.
	if ls == xe || !groupedStartOK(s, p) {
		return -1
	}
	// Groups set apart by blanks alone are as often unrelated numbers,
	// unless a phone keyword names them ("call 212 555 0187").
	if (blank(s, ae, xs) || blank(s, xe, ls)) && !keywordBefore(s, p, phoneKeyword, phoneFinals) {
		return -1
	}
	le := runEnd(s, ls)
	if le-ls != 4 || !groupedEndOK(s, le) {
		return -1
	}
	if !nanpDigits(s[i:ae], s[xs:xe]) {
		return -1
	}
	return le
}

func nanpDigits(area, exchange string) bool {
	var a, x [3]byte
	for i := 0; i < 3; i++ {
		a[i], x[i] = area[i]-'0', exchange[i]-'0'
	}
	return nanpValid(a[:], x[:])
}

// phoneKeywordAt reports whether the digit run s[p:e] is a North American
// phone number written without groups right after a phone keyword
// ("phone 2125550187", "MOBILE = 14155550132", a PHONE column's cell): ten
// digits, or eleven from the country code 1, with a valid area code and
// exchange. Without the keyword such a run is as often an ID or a
// timestamp (see the package Limits).
func phoneKeywordAt(s string, p, e int) bool {
	a := p
	switch e - p {
	case 10:
	case 11:
		if s[p] != '1' {
			return false
		}
		a++
	default:
		return false
	}
	return nanpDigits(s[a:a+3], s[a+3:a+6]) && numEndOK(s, e, 0) && keywordBefore(s, p, phoneKeyword, phoneFinals)
}
