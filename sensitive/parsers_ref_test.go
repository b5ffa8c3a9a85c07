package sensitive

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// containsFoldRef is containsFold as it was: sub compared at every offset.
func containsFoldRef(s, sub string) bool {
	for i := len(sub); i <= len(s); i++ {
		if hasSuffixFold(s, i, sub) {
			return true
		}
	}
	return false
}

// ibanChecksumRef is ibanChecksum as it was: the remainder after every
// digit.
func ibanChecksumRef(v []byte) bool {
	check := int(v[2]-'0')*10 + int(v[3]-'0')
	if check < 2 || check > 98 {
		return false
	}
	r := 0
	add := func(c byte) {
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	for _, c := range v[4:] {
		add(c)
	}
	for _, c := range v[:4] {
		add(c)
	}
	return r == 1
}

// cardIssuerRef is cardIssuer as it was: every range asked.
func cardIssuerRef(d []byte) bool {
	n := len(d)
	if n < 14 || n > 19 || d[0] <= 1 || d[0] == 7 {
		return false
	}
	var p6 int32
	for _, v := range d[:6] {
		p6 = p6*10 + int32(v)
	}
	for _, r := range iinRanges {
		if r.lo <= p6 && p6 <= r.hi && r.lengths&(1<<n) != 0 {
			return true
		}
	}
	return false
}

// foldSubs are the words containsFold is asked for, and a few shapes that
// start with a byte that is not a letter.
var foldSubs = []string{"secret", "card", "visa", "credit", "debit", "unionpay", "maestro", "s", "ss", "@x", "0a", "\x00"}

func checkContainsFold(t *testing.T, s string) {
	t.Helper()
	for _, sub := range foldSubs {
		if got, want := containsFold(s, sub), containsFoldRef(s, sub); got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", s, sub, got, want)
		}
	}
}

// TestContainsFoldMatchesReference holds the word-at-a-time search to the
// search at every offset: the word at every offset and alignment, in both
// cases, cut at every length, among bytes that differ from its first
// letter only in bit 0x20 or only after it.
func TestContainsFoldMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	const alphabet = "sSeEcCrRtT\x13\x33\x53\x73@`0Pp \n-_"
	for range 5000 {
		var b strings.Builder
		for k := r.IntN(80); k > 0; k-- {
			if r.IntN(10) == 0 {
				w := foldSubs[r.IntN(len(foldSubs))]
				if r.IntN(2) == 0 {
					w = strings.ToUpper(w)
				}
				b.WriteString(w[:1+r.IntN(len(w))])
				continue
			}
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		checkContainsFold(t, b.String())
	}
	for pad := 0; pad < 20; pad++ {
		for _, w := range []string{"secret", "SECRET", "sEcReT", "secre", "xsecret", "secretx"} {
			s := strings.Repeat("z", pad) + w
			for cut := 0; cut <= len(s); cut++ {
				checkContainsFold(t, s[:cut])
				checkContainsFold(t, s[cut:])
			}
		}
	}
}

func FuzzContainsFold(f *testing.F) {
	f.Add("aws_secret_access_key=")
	f.Add("SECRET sEcReT \x13ecret")
	f.Fuzz(func(t *testing.T, s string) { checkContainsFold(t, s) })
}

// TestIBANChecksumMatchesReference holds the checksum that divides every
// fifteen digits to the one that divides after each: on every corpus IBAN
// shape and on random values of every length, letters and digits mixed.
func TestIBANChecksumMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(97, 2026))
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for range 200000 {
		n := 5 + r.IntN(30)
		v := make([]byte, n)
		v[0], v[1] = alnum[10+r.IntN(26)], alnum[10+r.IntN(26)]
		v[2], v[3] = alnum[r.IntN(10)], alnum[r.IntN(10)]
		letters := r.IntN(3) // none, some, many
		for i := 4; i < n; i++ {
			if letters > 0 && r.IntN(4-letters) == 0 {
				v[i] = alnum[10+r.IntN(26)]
			} else {
				v[i] = alnum[r.IntN(10)]
			}
		}
		if got, want := ibanChecksum(v), ibanChecksumRef(v); got != want {
			t.Fatalf("ibanChecksum(%s) = %v, want %v", v, got, want)
		}
	}
	for _, v := range []string{"DE89370400440532013000", "GB82WEST12345698765432", "NO9386011117947", "MT84MALT011000012345MTLCAST001S",
		"LC55HEMM000100010012001200023015", "ZZ99ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "AA0299999999999999999999999999999"} {
		if got, want := ibanChecksum([]byte(v)), ibanChecksumRef([]byte(v)); got != want {
			t.Fatalf("ibanChecksum(%s) = %v, want %v", v, got, want)
		}
	}
}

// TestCardIssuerMatchesReference holds cardIssuer, which stops at the
// first range past the prefix, to the test of every range, at every length
// and at every prefix on both sides of each range's bounds; and checks the
// order it relies on.
func TestCardIssuerMatchesReference(t *testing.T) {
	for i := 1; i < len(iinRanges); i++ {
		if iinRanges[i].lo < iinRanges[i-1].lo {
			t.Fatalf("iinRanges[%d] starts at %d, before iinRanges[%d] at %d", i, iinRanges[i].lo, i-1, iinRanges[i-1].lo)
		}
	}
	var prefixes []int32
	for _, r := range iinRanges {
		prefixes = append(prefixes, r.lo-1, r.lo, r.lo+1, r.hi-1, r.hi, r.hi+1)
	}
	for p := int32(0); p < 1000000; p += 997 {
		prefixes = append(prefixes, p)
	}
	for _, p := range prefixes {
		if p < 0 || p > 999999 {
			continue
		}
		for n := 12; n <= 20; n++ {
			d := make([]byte, n)
			for i, q := 5, p; i >= 0; i-- {
				d[i], q = byte(q%10), q/10
			}
			if got, want := cardIssuer(d), cardIssuerRef(d); got != want {
				t.Fatalf("cardIssuer(%d…, %d digits) = %v, want %v", p, n, got, want)
			}
		}
	}
}

// luhnRef is luhn as it was: a branch per digit.
func luhnRef(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i])
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// TestLuhnMatchesReference holds the table-driven checksum to the
// branching one on random digits of every length up to 19, and on every
// number of up to five digits.
func TestLuhnMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 2026))
	check := func(d []byte) {
		t.Helper()
		if got, want := luhn(d), luhnRef(d); got != want {
			t.Fatalf("luhn(%v) = %v, want %v", d, got, want)
		}
	}
	for n := 0; n <= 19; n++ {
		for range 5000 {
			d := make([]byte, n)
			for i := range d {
				d[i] = byte(r.IntN(10))
			}
			check(d)
		}
	}
	for n := 1; n <= 5; n++ {
		d := make([]byte, n)
		for v := 0; v < 100000; v++ {
			for i, x := n-1, v; i >= 0; i, x = i-1, x/10 {
				d[i] = byte(x % 10)
			}
			check(d)
		}
	}
}

// TestWordSetMatchesInList holds the sets of parameter names to the lists
// they are built from: every name in several cases, every prefix and
// extension of one, and random words.
func TestWordSetMatchesInList(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 2026))
	for _, tc := range []struct {
		list string
		set  wordSet
	}{{credentialParams, credentialNames}, {schemelessParams, schemelessNames}} {
		var words []string
		for _, w := range strings.Fields(tc.list) {
			words = append(words, w, strings.ToUpper(w), w+"x", "x"+w, w[:len(w)-1], w[1:], strings.ReplaceAll(w, "-", "_"))
		}
		const alphabet = "abcdefgikmnoprstuwxz-_ASIGTOKEN"
		for range 20000 {
			b := make([]byte, r.IntN(24))
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			words = append(words, string(b))
		}
		words = append(words, "", " ", "sig ", " sig", "sig token")
		for _, w := range words {
			if got, want := tc.set.has(w), inList(tc.list, w); got != want {
				t.Fatalf("wordSet(%q).has(%q) = %v, inList = %v", tc.list, w, got, want)
			}
		}
	}
}

// TestCallingCodeSet holds the set of calling codes to the list it is built
// from, at every number of three digits (a two-digit code is zero-padded in
// the list, as the set holds it below 100).
func TestCallingCodeSet(t *testing.T) {
	for n := 0; n < 1000; n++ {
		key := string([]byte{'0' + byte(n/100), '0' + byte(n/10%10), '0' + byte(n%10)})
		if got, want := callingCodeSet.has(n), inTable(callingCodes, 3, key); got != want {
			t.Fatalf("callingCodeSet.has(%d) = %v, the list says %v", n, got, want)
		}
	}
}

// cardValidRef is cardValid as it was: a branch on every byte.
func cardValidRef(s string, a, b int) bool {
	var d [19]byte
	n := 0
	for i := a; i < b; i++ {
		if isDigit(s[i]) {
			if n == len(d) {
				return false
			}
			d[n] = s[i] - '0'
			n++
		}
	}
	if n < 13 {
		return false
	}
	if cardIssuer(d[:n]) {
		return luhnRef(d[:n])
	}
	return keywordOnlyCard(n, int32(d[0])) && luhnRef(d[:n]) && cardKeywordBefore(s, a)
}

// cardValidPlaces is cardValid as it was before luhnWord: one pass from the
// end over every byte, a digit's place choosing its row of luhnPlaceRef.
func cardValidPlaces(s string, a, b int) bool {
	sum, n := 0, 0
	t := s[a:b]
	for i := len(t) - 1; i >= 0; i-- {
		c := t[i] - '0'
		if c > 9 {
			continue // a separator
		}
		sum += int(luhnPlaceRef[n&1<<4|int(c)])
		n++
	}
	if n < 13 || n > 19 {
		return false
	}
	var p6 int32
	for i, k := a, 0; k < 6; i++ {
		if c := s[i] - '0'; c <= 9 {
			p6 = p6*10 + int32(c)
			k++
		}
	}
	if issuerHas(p6, n) {
		return sum%10 == 0
	}
	return keywordOnlyCard(n, p6/100000) && sum%10 == 0 && cardKeywordBefore(s, a)
}

var luhnPlaceRef = [32]uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16: 0, 2, 4, 6, 8, 1, 3, 5, 7, 9}

// checkCardValid holds cardValid to both references.
func checkCardValid(t *testing.T, s string, a, b int) {
	t.Helper()
	got := cardValid(s, a, b)
	if want := cardValidRef(s, a, b); got != want {
		t.Fatalf("cardValid(%q, %d, %d) = %v, cardValidRef says %v", s, a, b, got, want)
	}
	if want := cardValidPlaces(s, a, b); got != want {
		t.Fatalf("cardValid(%q, %d, %d) = %v, cardValidPlaces says %v", s, a, b, got, want)
	}
}

// TestCardValidMatchesReference holds cardValid to the byte loop on card
// numbers written with every separator, cut and extended to every digit
// count from 10 to 40, with and without a card keyword before them.
func TestCardValidMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2026))
	cards := []string{"4111111111111111", "5500000000000004", "378282246310005", "6011111111111117", "3530111333300000",
		"4000056655665556", "6759649826438453", "4111111111111", "135412345678911", "62123456789000003", "4012888888881881"}
	const seps = " -/:_+.\tx"
	for range 30000 {
		digits := cards[r.IntN(len(cards))]
		for len(digits) < 40 && r.IntN(3) == 0 {
			digits += string('0' + byte(r.IntN(10)))
		}
		digits = digits[:10+r.IntN(len(digits)-9)]
		var b strings.Builder
		if r.IntN(3) == 0 {
			b.WriteString("card ")
		}
		a := b.Len()
		for i := 0; i < len(digits); i++ {
			b.WriteByte(digits[i])
			if r.IntN(4) == 0 {
				b.WriteByte(seps[r.IntN(len(seps))])
			}
		}
		s := b.String()
		checkCardValid(t, s, a, len(s))
		// Every sub-span that ends on a byte of the number: the words
		// luhnWord reads start and end anywhere.
		if r.IntN(8) == 0 {
			for b := a; b <= len(s); b++ {
				checkCardValid(t, s, a, b)
				checkCardValid(t, s, max(0, b-20), b)
			}
		}
	}
}

func FuzzCardValid(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "card 4111-1111-1111-1", "135412345678911", "visa 4111111111111",
		"6759649826438453", "62123456789000003xx", "4111111111111111111111", "3782 822463 10005"} {
		f.Add(s, 0, len(s))
	}
	f.Fuzz(func(t *testing.T, s string, a, b int) {
		if a < 0 || b > len(s) || a > b {
			a, b = 0, len(s)
		}
		checkCardValid(t, s, a, b)
	})
}

// equalFoldRef is equalFold as it was: toLower and a comparison per byte.
func equalFoldRef(a, b string) bool {
	return len(a) == len(b) && hasSuffixFold(a, len(a), b)
}

func checkEqualFold(t *testing.T, a, b string) {
	t.Helper()
	if got, want := equalFold(a, b), equalFoldRef(a, b); got != want {
		t.Fatalf("equalFold(%q, %q) = %v, the reference says %v", a, b, got, want)
	}
}

// TestEqualFoldMatchesReference holds equalFold, eight bytes at a time, to
// the byte loop: every byte value at every position of words of each
// length around the word size, against the lists' own words, and random
// words from the bytes case folding confuses ('@' '[' '`' '{', the high
// bytes whose low seven bits are letters).
func TestEqualFoldMatchesReference(t *testing.T) {
	words := strings.Fields(credentialParams + " " + schemelessParams + " abcdefg abcdefgh abcdefghi abcdefghijklmnop")
	for _, w := range words {
		checkEqualFold(t, strings.ToUpper(w), w)
		checkEqualFold(t, w, w)
		for i := range len(w) {
			for c := range 256 {
				b := []byte(w)
				b[i] = byte(c)
				checkEqualFold(t, string(b), w)
			}
		}
	}
	r := rand.New(rand.NewPCG(8, 2026))
	const alphabet = "aAzZ@[`{-_09\xc1\xda\xe1\xfa\x80\xff"
	for range 200000 {
		n := r.IntN(20)
		a, b := make([]byte, n), make([]byte, n)
		for i := range n {
			a[i] = alphabet[r.IntN(len(alphabet))]
			b[i] = toLower(alphabet[r.IntN(len(alphabet))])
			if r.IntN(2) == 0 {
				b[i] = toLower(a[i])
			}
		}
		checkEqualFold(t, string(a), string(b))
	}
}

func FuzzEqualFold(f *testing.F) {
	f.Add("X-Amz-Signature", "x-amz-signature")
	f.Add("x-amz-security-tokeN", "x-amz-security-token")
	f.Add("\xd8-AMZ-SIGNATURE", "x-amz-signature")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkEqualFold(t, a, b)
		checkEqualFold(t, a, strings.ToLower(b))
	})
}

// issuerPrefixBytes is issuerPrefix as cardValid read it before: a byte at
// a time.
func issuerPrefixBytes(s string, a int) int32 {
	var p6 int32
	for i, k := a, 0; k < 6; i++ {
		if c := s[i] - '0'; c <= 9 {
			p6 = p6*10 + int32(c)
			k++
		}
	}
	return p6
}

// TestIssuerPrefixMatchesBytes holds issuerPrefix to the byte loop on six
// digits and more after every layout of up to two separator bytes among
// the first eight, with every byte value as the separator.
func TestIssuerPrefixMatchesBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026))
	for range 20000 {
		b := []byte(fmt.Sprintf("%012d", r.Int64N(1e12)))
		for range r.IntN(3) {
			k := r.IntN(8)
			b = append(b[:k], append([]byte{byte(r.IntN(256))}, b[k:]...)...)
		}
		s := string(b)
		digits := 0
		for i := range len(s) {
			if isDigit(s[i]) {
				digits++
			}
		}
		if digits < 6 {
			continue
		}
		for _, cut := range []int{len(s), 8, 7} {
			if cut > len(s) {
				continue
			}
			u := s[:cut]
			d := 0
			for i := range len(u) {
				if isDigit(u[i]) {
					d++
				}
			}
			if d < 6 {
				continue
			}
			if got, want := issuerPrefix(u, 0), issuerPrefixBytes(u, 0); got != want {
				t.Fatalf("issuerPrefix(%q) = %d, want %d", u, got, want)
			}
		}
	}
}
