package sensitive

import "strings"

// ibanFormats lists, for each country in the SWIFT IBAN registry (release
// 99), its two-letter code and the structure of its BBAN: runs of n (digits),
// a (letters) and c (letters or digits), as the registry writes them without
// the '!'. The IBAN length is four plus the BBAN's.
const ibanFormats = "ad:4n4n12c ae:3n16n al:8n16c at:5n11n az:4a20c ba:3n3n8n2n be:3n7n2n " +
	"bg:4a4n2n8c bh:4a14c bi:5n5n11n2n br:8n5n10n1a1c by:4c4n16c ch:5n12c cr:4n14n " +
	"cy:3n5n16c cz:4n6n10n de:8n10n dj:5n5n11n2n dk:4n9n1n do:4c20n ee:2n14n " +
	"eg:4n4n17n es:4n4n1n1n10n fi:3n11n fk:2a12n fo:4n9n1n fr:5n5n11c2n gb:4a6n8n " +
	"ge:2a16n gi:4a15c gl:4n9n1n gr:3n4n16c gt:4c20c hn:4a20n hr:7n10n " +
	"hu:3n4n1n15n1n ie:4a6n8n il:3n3n13n iq:4a3n12n is:4n2n6n10n it:1a5n5n12c " +
	"jo:4a4n18c kw:4a22c kz:3n13c lb:4n20c lc:4a24c li:5n12c lt:5n11n lu:3n13c " +
	"lv:4a13c ly:3n3n15n mc:5n5n11c2n md:2c18c me:3n13n2n mk:3n10c2n mn:4n12n " +
	"mr:5n5n11n2n mt:4a5n18c mu:4a2n2n12n3n3a ni:4a20n nl:4a10n no:4n6n1n " +
	"om:3n16c pk:4a16c pl:8n16n ps:4a21c pt:4n4n11n2n qa:4a21c ro:4a16c rs:3n13n2n " +
	"ru:9n5n15c sa:2n18c sc:4a2n2n16n3a sd:2n12n se:3n16n1n si:5n8n2n sk:4n6n10n " +
	"sm:1a5n5n12c so:4n3n12n st:8n11n2n sv:4a20n tl:3n14n2n tn:2n3n13n2n " +
	"tr:5n1n16c ua:6n19c va:3n15n vg:4a16n xk:4n10n2n ye:4a4n18c"

// ibanSpec is one country's BBAN structure.
type ibanSpec struct {
	length int // of the whole IBAN; 0 for a country without IBANs
	// need holds, for each character of the IBAN after the country code,
	// the ibanByte classes it may be: digits for the check digits, then
	// per the BBAN's structure digits (n), letters (a) or either (c).
	need [34]uint8
	// digits holds, for each character, how many from it on may be
	// digits, up to the IBAN's end: a run of digits is checked at once.
	digits [34]uint8
}

// The classes of ibanByte: one lookup tells ibanAt's walk what a byte may be.
const (
	ibDigit uint8 = 1 << iota
	ibUpper
	ibLower
	ibSep // cSep: a separator between groups
)

// ibanByte is a read-only table, filled once at package initialisation.
var ibanByte = func() (t [256]uint8) {
	for c := range t {
		b := byte(c)
		switch {
		case isDigit(b):
			t[c] = ibDigit
		case isUpper(b):
			t[c] = ibUpper
		case isLower(b):
			t[c] = ibLower
		case is(b, cSep):
			t[c] = ibSep
		}
	}
	return t
}()

// ibanSpecs indexes ibanFormats by country code, filled once at package
// initialisation and read-only afterwards.
var ibanSpecs = func() (t [26 * 26]ibanSpec) {
	for e := range strings.FieldsSeq(ibanFormats) {
		cc, bban, ok := strings.Cut(e, ":")
		if !ok || len(cc) != 2 {
			panic("sensitive: IBAN table entry " + e)
		}
		spec := ibanSpec{length: 4}
		spec.need[2], spec.need[3] = ibDigit, ibDigit
		for i := 0; i < len(bban); {
			k := 0
			for ; isDigit(bban[i]); i++ {
				k = k*10 + int(bban[i]-'0')
			}
			need := ibDigit | ibUpper | ibLower // c
			switch bban[i] {
			case 'n':
				need = ibDigit
			case 'a':
				need = ibUpper | ibLower
			}
			for ; k > 0; k-- {
				spec.need[spec.length] = need
				spec.length++
			}
			i++
		}
		for k := spec.length - 1; k >= 2; k-- {
			if spec.need[k]&ibDigit != 0 {
				spec.digits[k] = 1 + spec.digits[k+1]
			}
		}
		t[int(cc[0]-'a')*26+int(cc[1]-'a')] = spec
	}
	return t
}()

// ibanSpecOf returns the spec of the country whose code is a, b (either
// case), or nil.
func ibanSpecOf(a, b byte) *ibanSpec {
	a, b = toLower(a), toLower(b)
	if !isLower(a) || !isLower(b) {
		return nil
	}
	return &ibanSpecs[int(a-'a')*26+int(b-'a')]
}

// ibanAt returns the span of an IBAN whose check digits start the digit run
// at p, or -1, -1. The IBAN may be compact ("DE89370400440532013000") or
// grouped in any way banks print it — groups of four, or irregular groups
// ("ES10 0075 0080 11 0600658108", "NO 19 4920 06 96270") — with runs of
// up to three separators (space, tab, - _ / : + .) between groups. Its
// country must be in the registry, its length and BBAN structure must be
// that country's, and its check digits must verify (ISO 7064 mod 97-10).
// Letters are all upper case or all lower case: "LV80 bANK …" is not an
// IBAN someone wrote.
func ibanAt(s string, p int) (int, int) {
	a := ibanCountryStart(s, p)
	if a < 0 {
		return -1, -1
	}
	if e := ibanEnd(s, a, p); e >= 0 {
		return a, e
	}
	return -1, -1
}

// ibanEnd is ibanAt for a country code at a, found by ibanCountryStart(s, p):
// it returns the IBAN's end, or -1. Text with a candidate at every few bytes
// ("NO 19 4920 NO 19 4920 …") makes this walk the numeric kinds' cost, so
// it checks a group of digits at once against the spec, other bytes with
// one lookup in ibanByte, and reads the characters for the checksum only
// once the structure holds.
// TestIBANAtMatchesReference and FuzzIBANAt hold it to the walk it replaced.
func ibanEnd(s string, a, p int) int {
	if p+1 >= len(s) || !isDigit(s[p+1]) {
		return -1
	}
	spec := ibanSpecOf(s[a], s[a+1])
	if spec == nil || spec.length == 0 {
		return -1
	}
	count, i := 2, p
	var sep byte // the first separator between groups, 0 while compact
	// The letter cases seen: the country code's first letter's, then each
	// letter's. Both is not an IBAN.
	cases := ibanByte[s[a]]
	for count < spec.length && i < len(s) {
		c := s[i]
		k := ibanByte[c]
		if k&ibDigit != 0 {
			// A group of digits at once: past the positions that take a
			// digit, the walk would fail at a digit out of place, or stop
			// at the IBAN's length before a digit (ibanEndOK fails).
			// So the run is read no further than one digit past the
			// positions that take one: a long run ("DE89 " and a
			// thousand digits) must not be read to its end by each of
			// the country codes within an IBAN's length before it.
			lim := min(i+int(spec.digits[count])+1, len(s))
			j := i + 1 // groups are short: bytes, not runEnd's words
			for j < lim && isDigit(s[j]) {
				j++
			}
			if j-i > int(spec.digits[count]) {
				return -1
			}
			count += j - i
			i = j
			continue
		}
		if k&ibSep != 0 && count > 2 {
			j := sepEnd(s, i)
			if j >= len(s) || !isAlnum(s[j]) {
				return -1
			}
			if sep == 0 {
				sep = c
			}
			i = j
			continue
		}
		if k&spec.need[count] == 0 {
			return -1 // fail at the first character out of place
		}
		cases |= k
		count++
		i++
	}
	if count != spec.length || cases&(ibUpper|ibLower) == ibUpper|ibLower || !ibanEndOK(s, i, sep) {
		return -1
	}
	// The structure holds (rare in text): only now is the checksum
	// computed.
	if !ibanCheck(s, s[a], s[a+1], p, i) {
		return -1
	}
	return i
}

// ibanCountryStart returns where the country code before the check digits at
// p starts — two letters right before them, or two capitals before one
// separator ("NO 19 …") — or -1. The code must not be glued to a word.
func ibanCountryStart(s string, p int) int {
	a := p - 2
	if a >= 1 && (s[p-1] == ' ' || s[p-1] == '-' || s[p-1] == '.') {
		// Apart from its check digits, the code is written in capitals
		// ("NO 19 …"); "at 15:30" or "is 12" are words of prose.
		a = p - 3
		if !isUpper(s[a]) || !isUpper(s[a+1]) {
			return -1
		}
	}
	if a < 0 || !isLetter(s[a]) || !isLetter(s[a+1]) || (a > 0 && isAlnum(s[a-1])) {
		return -1
	}
	return a
}

// ibanEndOK reports whether an IBAN whose groups were joined by sep (0 when
// compact) may end at e: not glued to a letter or digit, nor followed by its
// own separator and another group ("DE89-3704-…-0130-00-7"). Other
// punctuation separates fields ("payout_NL91ABNA0417164300_2024").
func ibanEndOK(s string, e int, sep byte) bool {
	if e >= len(s) {
		return true
	}
	if isAlnum(s[e]) {
		return false
	}
	return sep == 0 || sep == ' ' || s[e] != sep || e+1 >= len(s) || !isAlnum(s[e+1])
}

// ibanCheck verifies the check digits of an IBAN whose country code is
// c0 c1 and whose check digits are s[p:p+2], its BBAN the letters and digits
// of s[p+2:i] (separators skipped): 02–98, and the remainder 1 mod 97 of the
// number the IBAN spells rearranged as BBAN, country code, check digits,
// each letter read as 10 to 35. The characters are read where they stand,
// not gathered first; eight digits in a row, as most BBANs and their groups
// of four hold, are read at once (eightDigits).
func ibanCheck(s string, c0, c1 byte, p, i int) bool {
	check := int(s[p]-'0')*10 + int(s[p+1]-'0')
	if check < 2 || check > 98 {
		return false
	}
	// The remainder is taken once the number read so far reaches 15
	// digits, not after every character: r stays below 10^15 plus two
	// digits, far from overflowing.
	var r uint64
	t := s[p+2 : i]
	for j := 0; j < len(t); {
		if j+8 <= len(t) {
			if w := load64(t, j); nonDigits(w) == 0 {
				r = r%97*1e8 + eightDigits(w)
				j += 8
				continue
			}
		}
		c := t[j]
		j++
		switch k := ibanByte[c]; {
		case k&ibDigit != 0:
			r = r*10 + uint64(c-'0')
		case k&(ibUpper|ibLower) != 0:
			r = r*100 + uint64(c|0x20-'a') + 10
		default:
			continue // a separator
		}
		if r >= 1e15 {
			r %= 97
		}
	}
	// The country code and the check digits last: six decimal digits.
	r = r%97*1e6 + uint64(c0|0x20-'a'+10)*1e4 + uint64(c1|0x20-'a'+10)*100 + uint64(check)
	return r%97 == 1
}

// eightDigits returns the number the eight ASCII digits of w spell, its
// lowest byte the first digit: pairs of digits, then of pairs, then of
// fours are joined by one multiplication each, every lane wide enough for
// its sum.
func eightDigits(w uint64) uint64 {
	w -= 0x3030303030303030
	w = (w * (10<<8 + 1)) >> 8 & 0x00ff00ff00ff00ff
	w = (w * (100<<16 + 1)) >> 16 & 0x0000ffff0000ffff
	return (w * (10000<<32 + 1)) >> 32
}
