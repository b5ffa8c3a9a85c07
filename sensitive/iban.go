package sensitive

// ibanLengths lists, for each country in the SWIFT IBAN registry, its
// two-letter code and IBAN length: sorted "cc" + two digits, one space apart.
const ibanLengths = "ad24 ae23 al28 at20 az28 ba20 be16 bg22 bh22 bi27 br29 by28 ch21 cr22 cy28 " +
	"cz24 de22 dj27 dk18 do28 ee20 eg29 es24 fi18 fk18 fo18 fr27 gb22 ge22 gi23 gl18 gr27 " +
	"gt28 hr21 hu28 ie22 il23 iq23 is26 it27 jo30 kw30 kz20 lb28 lc32 li21 lt20 lu20 lv21 " +
	"ly25 mc27 md24 me22 mk19 mn20 mr27 mt31 mu30 ni28 nl18 no15 om23 pk24 pl28 ps29 pt25 " +
	"qa29 ro24 rs22 ru33 sa24 sc31 sd18 se24 si19 sk24 sm27 so23 st25 sv28 tl23 tn24 tr26 " +
	"ua29 va22 vg24 xk20 ye30"

// ibanLength returns the IBAN length of country code cc, or 0 if unknown.
func ibanLength(a, b byte) int {
	const stride = 5
	a, b = toLower(a), toLower(b)
	lo, hi := 0, (len(ibanLengths)+1)/stride
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		e := ibanLengths[m*stride : m*stride+4]
		switch {
		case e[0] == a && e[1] == b:
			return int(e[2]-'0')*10 + int(e[3]-'0')
		case e[0] < a || (e[0] == a && e[1] < b):
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0
}

// ibanAt returns the span of an IBAN whose check digits are the digit run at
// p, or -1, -1. The IBAN is written compact ("DE89370400440532013000") or in
// groups of four separated by single spaces ("DE89 3704 0044 0532 0130 00");
// letters may be in either case. Its country must be in the registry, its
// length must be that country's, and its check digits must verify (ISO 7064
// mod 97-10).
func ibanAt(s string, p int) (int, int) {
	a := p - 2
	if a < 0 || !isLetter(s[a]) || !isLetter(s[a+1]) || (a > 0 && isAlnum(s[a-1])) {
		return -1, -1
	}
	if p+1 >= len(s) || !isDigit(s[p+1]) {
		return -1, -1
	}
	want := ibanLength(s[a], s[a+1])
	if want == 0 {
		return -1, -1
	}
	grouped := p+2 < len(s) && s[p+2] == ' '
	count, i := 0, a
	for count < want && i < len(s) {
		if grouped && count%4 == 0 && count > 0 && s[i-1] != ' ' {
			if s[i] != ' ' {
				return -1, -1 // groups are exactly four characters
			}
			i++
			continue
		}
		if !isAlnum(s[i]) {
			return -1, -1
		}
		count++
		i++
	}
	if count != want || !numEndOK(s, i, 0) {
		return -1, -1
	}
	if !ibanChecksum(s[a:i]) {
		return -1, -1
	}
	return a, i
}

// ibanChecksum verifies check digits 02–98 and the mod-97 remainder 1 of the
// IBAN rearranged as BBAN + country code + check digits; spaces are skipped.
func ibanChecksum(v string) bool {
	check := int(v[2]-'0')*10 + int(v[3]-'0')
	if check < 2 || check > 98 {
		return false
	}
	r := 0
	add := func(c byte) {
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else if isLetter(c) {
			r = (r*100 + int(toUpper(c)-'A') + 10) % 97
		}
	}
	for i := 4; i < len(v); i++ {
		add(v[i])
	}
	for i := 0; i < 4; i++ {
		add(v[i])
	}
	return r == 1
}
