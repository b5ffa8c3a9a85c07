package pseudonym

import (
	"bytes"
	"math/big"
	"testing"
)

// TestTextKeyOdds computes the chance that NewKey refuses 32 bytes from
// crypto/rand as text: the number of 32-byte strings isText accepts over
// 256^32. A string of text is a sequence of allowed characters: 98 of one
// byte (0x20–0x7e, tab, LF, CR), 1,888 of two (U+00A0–U+07FF), 61,440 of
// three (U+0800–U+FFFF but the surrogates) and 1,048,576 of four, so the
// count c(n) = 98c(n-1) + 1888c(n-2) + 61440c(n-3) + 1048576c(n-4). The
// recurrence is checked against isText over every string of up to two bytes
// and a sweep of three-byte ones.
func TestTextKeyOdds(t *testing.T) {
	ways := [5]int64{0, 98, 1888, 61440, 1048576} // characters of 1 to 4 bytes
	count := make([]*big.Int, KeySize+1)
	count[0] = big.NewInt(1)
	for n := 1; n <= KeySize; n++ {
		count[n] = new(big.Int)
		for l := 1; l <= 4 && l <= n; l++ {
			count[n].Add(count[n], new(big.Int).Mul(big.NewInt(ways[l]), count[n-l]))
		}
	}

	for n, strings := range map[int]int{1: 1 << 8, 2: 1 << 16} {
		var text int64
		for i := range strings {
			if isText([]byte{byte(i >> 8), byte(i)}[2-n:]) {
				text++
			}
		}
		if text != count[n].Int64() {
			t.Errorf("%d-byte strings that are text: isText says %d, the recurrence %d", n, text, count[n])
		}
	}
	// Three bytes: every first byte with every second, the third from a
	// fixed set spanning each class (enough to catch a wrong range bound).
	thirds := []byte{0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff}
	for i := range 1 << 16 {
		for _, c := range thirds {
			s := []byte{byte(i >> 8), byte(i), c}
			if want := countText(s); isText(s) != want {
				t.Fatalf("isText(% x) = %v, want %v", s, !want, want)
			}
		}
	}

	odds := new(big.Rat).SetFrac(count[KeySize], new(big.Int).Lsh(big.NewInt(1), 8*KeySize))
	f, _ := odds.Float64()
	// The figure NewKey's documentation gives: about 1.8×10^-11, one key
	// in some 56 billion.
	if f < 1.7e-11 || f > 1.8e-11 {
		t.Errorf("32 random bytes are text with probability %.3g, not the documented 1.8e-11", f)
	}
}

// countText is isText by the rule written out byte by byte: a string of
// the characters the recurrence of TestTextKeyOdds counts.
func countText(s []byte) bool {
	for len(s) > 0 {
		b := s[0]
		need, lo := 0, rune(0)
		switch {
		case b == '\t' || b == '\n' || b == '\r' || (b >= 0x20 && b <= 0x7e):
			s = s[1:]
			continue
		case b >= 0xc2 && b <= 0xdf:
			need, lo = 1, 0xa0
		case b >= 0xe0 && b <= 0xef:
			need, lo = 2, 0x800
		case b >= 0xf0 && b <= 0xf4:
			need, lo = 3, 0x10000
		default:
			return false
		}
		if len(s) < need+1 {
			return false
		}
		r := rune(b) & (0x3f >> need)
		for _, c := range s[1 : need+1] {
			if c&0xc0 != 0x80 {
				return false
			}
			r = r<<6 | rune(c&0x3f)
		}
		if r < lo || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) {
			return false
		}
		s = s[need+1:]
	}
	return true
}

// TestASCIIKeyOdds computes the chance that NewKey refuses 32 bytes from
// crypto/rand for holding minASCII or more bytes of printable ASCII, NUL,
// tab, LF or CR: with p = 99/256 the chance of one such byte, the sum over
// k = minASCII..32 of C(32,k) p^k (1-p)^(32-k), about 8.1×10^-11 as
// NewKey's documentation says. The 99 is counted from asciiByte, and
// mostlyASCII checked at the threshold.
func TestASCIIKeyOdds(t *testing.T) {
	ascii := int64(0)
	for b := range 256 {
		if asciiByte(byte(b)) {
			ascii++
		}
	}
	if ascii != 99 {
		t.Errorf("asciiByte holds %d byte values, want 99 (0x20–0x7e, NUL, tab, LF, CR)", ascii)
	}
	odds := new(big.Rat)
	for k := int64(minASCII); k <= KeySize; k++ {
		// C(32,k) × ascii^k × (256-ascii)^(32-k) strings of 32 bytes.
		n := new(big.Int).Binomial(KeySize, k)
		n.Mul(n, new(big.Int).Exp(big.NewInt(ascii), big.NewInt(k), nil))
		n.Mul(n, new(big.Int).Exp(big.NewInt(256-ascii), big.NewInt(KeySize-k), nil))
		odds.Add(odds, new(big.Rat).SetFrac(n, new(big.Int).Lsh(big.NewInt(1), 8*KeySize)))
	}
	if f, _ := odds.Float64(); f < 8.05e-11 || f > 8.15e-11 {
		t.Errorf("32 random bytes hold %d or more of ASCII with probability %.3g, not the documented 8.1e-11", minASCII, f)
	}

	key := bytes.Repeat([]byte{0xff}, KeySize)
	for i := range KeySize {
		if got, want := mostlyASCII(key), i >= minASCII; got != want {
			t.Errorf("mostlyASCII with %d bytes of ASCII = %v, want %v", i, got, want)
		}
		key[i] = []byte{0, '\t', '\n', '\r', ' ', '~'}[i%6]
	}
	if !mostlyASCII(key) {
		t.Errorf("mostlyASCII with %d bytes of ASCII = false", KeySize)
	}
}
