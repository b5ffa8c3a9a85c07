package sensitive

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// ibanClassesRef is the BBAN structure of each country as the old ibanSpec
// held it: one class letter (n, a, c) per character.
var ibanClassesRef = func() map[string]string {
	m := make(map[string]string)
	for e := range strings.FieldsSeq(ibanFormats) {
		cc, bban, _ := strings.Cut(e, ":")
		var classes []byte
		for i := 0; i < len(bban); {
			k := 0
			for ; isDigit(bban[i]); i++ {
				k = k*10 + int(bban[i]-'0')
			}
			for ; k > 0; k-- {
				classes = append(classes, bban[i])
			}
			i++
		}
		m[cc] = string(classes)
	}
	return m
}()

// ibanClassOKRef reports whether c may be character k of an IBAN whose
// BBAN has the given classes, as ibanAt's walk asked before ibanByte.
func ibanClassOKRef(c byte, k int, classes string) bool {
	if k < 4 {
		return isDigit(c)
	}
	switch classes[k-4] {
	case 'n':
		return isDigit(c)
	case 'a':
		return isLetter(c)
	}
	return isAlnum(c)
}

// ibanAtRef is ibanAt as it was: a class test, a case test and toUpper per
// byte, with the country's classes as a string.
func ibanAtRef(s string, p int) (int, int) {
	a := ibanCountryStart(s, p)
	if a < 0 || p+1 >= len(s) || !isDigit(s[p+1]) {
		return -1, -1
	}
	classes, ok := ibanClassesRef[string([]byte{toLower(s[a]), toLower(s[a+1])})]
	if !ok {
		return -1, -1
	}
	length := 4 + len(classes)
	var v [34]byte
	v[0], v[1] = toUpper(s[a]), toUpper(s[a+1])
	count, i := 2, p
	var sep byte
	cases := 0
	if isUpper(s[a]) {
		cases |= 1
	} else {
		cases |= 2
	}
	for count < length && i < len(s) {
		c := s[i]
		if is(c, cSep) && count > 2 {
			j := sepEnd(s, i)
			if j >= len(s) || !isAlnum(s[j]) {
				return -1, -1
			}
			if sep == 0 {
				sep = c
			}
			i = j
			continue
		}
		if !ibanClassOKRef(c, count, classes) {
			return -1, -1
		}
		if isUpper(c) {
			cases |= 1
		} else if isLower(c) {
			cases |= 2
		}
		v[count] = toUpper(c)
		count++
		i++
	}
	if count != length || cases == 3 || !ibanEndOK(s, i, sep) {
		return -1, -1
	}
	if !ibanChecksum(v[:count]) {
		return -1, -1
	}
	return a, i
}

// checkIBANAt compares ibanAt with ibanAtRef at every digit of s.
func checkIBANAt(t *testing.T, s string) {
	t.Helper()
	for p := 0; p < len(s); p++ {
		if !isDigit(s[p]) {
			continue
		}
		ga, ge := ibanAt(s, p)
		wa, we := ibanAtRef(s, p)
		if ga != wa || ge != we {
			t.Fatalf("ibanAt(%q, %d) = %d, %d; the reference says %d, %d", s, p, ga, ge, wa, we)
		}
	}
}

// TestIBANAtMatchesReference holds ibanAt, which reads each byte with one
// lookup, to the walk it replaced: on the registry's examples in every
// case and grouping, on each of them spoilt at every byte, and on random
// text made of their pieces.
func TestIBANAtMatchesReference(t *testing.T) {
	examples := []string{"DE89370400440532013000", "GB82WEST12345698765432", "NO9386011117947",
		"MT84MALT011000012345MTLCAST001S", "LC55HEMM000100010012001200023015", "ES9121000418450200051332",
		"BR1800360305000010009795493C1", "MU17BOMM0101101030300200000MUR", "SC18SSCB11010000000000001497USD",
		"ES10 0075 0080 11 0600658108", "NO 19 4920 06 96270", "DE89-3704-0044-0532-0130-00",
		"GB82 WEST 1234 5698 7654 32", "gb82west12345698765432", "Gb82West12345698765432", "NL91ABNA0417164300"}
	var found int
	for _, e := range examples {
		for _, v := range []string{e, strings.ToLower(e), "x " + e + " y", "iban:" + e + ".", e + "-1"} {
			checkIBANAt(t, v)
			if _, end := ibanAt(v, strings.IndexAny(v, "0123456789")); end >= 0 {
				found++
			}
		}
		for i := range len(e) {
			for _, c := range []byte{'0', '9', 'A', 'z', ' ', '-', '+', '.', 0x80} {
				b := []byte(e)
				b[i] = c
				checkIBANAt(t, string(b))
			}
		}
	}
	if found < len(examples) {
		t.Errorf("only %d of the %d examples' forms are IBANs: the test compares too few accepted walks", found, len(examples))
	}
	r := rand.New(rand.NewPCG(11, 2026))
	pieces := []string{"NO", "no", "DE", "GB", "MT", "LC", " ", "  ", "-", ".", "/", "+", "19", "4920", "06",
		"96270", "89", "3704", "0044", "0532", "0130", "00", "WEST", "west", "ABNA", "x", "1", "7"}
	for range 20000 {
		var b strings.Builder
		for range 2 + r.IntN(14) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkIBANAt(t, b.String())
	}
}

func FuzzIBANAt(f *testing.F) {
	for _, s := range []string{"NO 19 4920 06 96270", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
		"gb82west12345698765432", "LV80 bANK 0000 4351 9500 1", "NO 19 4920 NO 19 4920 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			t.Skip()
		}
		checkIBANAt(t, s)
	})
}

// ibanChecksum is the checksum of ibanEnd as it was, on the characters
// gathered first (without separators, in upper case); ibanCheck replaced
// it. It verifies check digits 02–98 and the mod-97 remainder 1 of the
// IBAN v (upper case, no separators, digits where the structure has them)
// rearranged as BBAN + country code + check digits.
func ibanChecksum(v []byte) bool {
	check := int(v[2]-'0')*10 + int(v[3]-'0')
	if check < 2 || check > 98 {
		return false
	}
	// The remainder is taken once the number read so far reaches 15
	// digits, not after every digit: the same remainder, with a division
	// every dozen digits instead of one per digit. r stays below 10^15 plus
	// two digits, far from overflowing.
	var r uint64
	for _, c := range v[4:] {
		r = mod97Feed(r, c)
	}
	for _, c := range v[:4] {
		r = mod97Feed(r, c)
	}
	return r%97 == 1
}

// mod97Feed appends character c of an IBAN (a digit, or a letter for 10 to
// 35) to the number r, and reduces it mod 97 once it reaches 15 digits.
func mod97Feed(r uint64, c byte) uint64 {
	if isDigit(c) {
		r = r*10 + uint64(c-'0')
	} else {
		r = r*100 + uint64(c-'A') + 10
	}
	if r >= 1e15 {
		r %= 97
	}
	return r
}

// ibanCheckRef is ibanEnd's check as it was: the characters gathered, then
// ibanChecksum.
func ibanCheckRef(s string, c0, c1 byte, p, i int) bool {
	var v [34]byte
	v[0], v[1] = toUpper(c0), toUpper(c1)
	n := 2
	for j := p; j < i; j++ {
		if c := s[j]; isAlnum(c) {
			v[n] = toUpper(c)
			n++
		}
	}
	return ibanChecksum(v[:n])
}

// ibanCheckBytes is ibanCheck as it was before eightDigits: a byte at a
// time.
func ibanCheckBytes(s string, c0, c1 byte, p, i int) bool {
	check := int(s[p]-'0')*10 + int(s[p+1]-'0')
	if check < 2 || check > 98 {
		return false
	}
	var r uint64
	t := s[p+2 : i]
	for j := 0; j < len(t); j++ {
		c := t[j]
		switch k := ibanByte[c]; {
		case k&ibDigit != 0:
			r = r*10 + uint64(c-'0')
		case k&(ibUpper|ibLower) != 0:
			r = r*100 + uint64(c|0x20-'a') + 10
		default:
			continue
		}
		if r >= 1e15 {
			r %= 97
		}
	}
	r = r%97*1e6 + uint64(c0|0x20-'a'+10)*1e4 + uint64(c1|0x20-'a'+10)*100 + uint64(check)
	return r%97 == 1
}

// TestEightDigits holds eightDigits to strconv on eight-digit strings: the
// extremes, each digit alone at each place, and random ones.
func TestEightDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2026))
	cases := []string{"00000000", "99999999", "12345678", "87654321", "00000001", "10000000"}
	for k := range 8 {
		for d := byte('0'); d <= '9'; d++ {
			b := []byte("00000000")
			b[k] = d
			cases = append(cases, string(b))
		}
	}
	for range 10000 {
		cases = append(cases, fmt.Sprintf("%08d", r.IntN(1e8)))
	}
	for _, c := range cases {
		want, _ := strconv.ParseUint(c, 10, 64)
		if got := eightDigits(load64(c, 0)); got != want {
			t.Fatalf("eightDigits(%q) = %d, want %d", c, got, want)
		}
	}
}

// checkIBANCheck compares ibanCheck with ibanCheckRef on s, an IBAN's shape
// as ibanEnd passes it: two letters, two digits, then at most 30 letters
// and digits, and separators. Other strings are skipped.
func checkIBANCheck(t *testing.T, s string) {
	t.Helper()
	if len(s) < 4 || !isLetter(s[0]) || !isLetter(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return
	}
	n := 0
	for i := 4; i < len(s); i++ {
		switch c := s[i]; {
		case isAlnum(c):
			n++
		case !is(c, cSep):
			return
		}
	}
	if n > 30 {
		return
	}
	got := ibanCheck(s, s[0], s[1], 2, len(s))
	if want := ibanCheckRef(s, s[0], s[1], 2, len(s)); got != want {
		t.Fatalf("ibanCheck(%q) = %v, want %v", s, got, want)
	}
	if want := ibanCheckBytes(s, s[0], s[1], 2, len(s)); got != want {
		t.Fatalf("ibanCheck(%q) = %v, ibanCheckBytes says %v", s, got, want)
	}
}

// TestIBANCheckMatchesReference holds ibanCheck to the gathering checksum
// on valid IBANs of several countries, each with random separators, case
// changes and digit changes (most then fail, as they must on both).
func TestIBANCheckMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 2026))
	ibans := []string{"DE89370400440532013000", "GB82WEST12345698765432", "NO9386011117947", "ES9121000418450200051332",
		"FR1420041010050500013M02606", "MT84MALT011000012345MTLCAST001S", "LC55HEMM000100010012001200023015", "NL91ABNA0417164300"}
	const seps = " -./_:+\t"
	for range 50000 {
		b := []byte(ibans[r.IntN(len(ibans))])
		for range r.IntN(3) {
			k := 4 + r.IntN(len(b)-4)
			switch r.IntN(3) {
			case 0:
				if isDigit(b[k]) {
					b[k] = '0' + byte(r.IntN(10))
				}
			case 1:
				b[k] = toLower(b[k])
			case 2:
				b = append(b[:k], append([]byte{seps[r.IntN(len(seps))]}, b[k:]...)...)
			}
		}
		if r.IntN(2) == 0 {
			b[0], b[1] = toLower(b[0]), toLower(b[1])
		}
		checkIBANCheck(t, string(b))
	}
}

func FuzzIBANCheck(f *testing.F) {
	for _, s := range []string{"DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "no93-8601-1117-947", "MT84MALT011000012345MTLCAST001S"} {
		f.Add(s)
	}
	f.Fuzz(checkIBANCheck)
}
