package sensitive

import (
	"math/rand/v2"
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
