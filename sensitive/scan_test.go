package sensitive

import (
	"strings"
	"testing"
)

// runEndBytes and indexDigitBytes are the byte-at-a-time definitions that
// the word-at-a-time runEnd and indexDigit must agree with.
func runEndBytes(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func indexDigitBytes(s string, i int) int {
	for ; i < len(s); i++ {
		if isDigit(s[i]) {
			return i
		}
	}
	return -1
}

// digitMaskBytes is digitMask's byte-at-a-time definition.
func digitMaskBytes(s string, i int) uint64 {
	var m uint64
	for k := 0; k < 64 && i+k < len(s); k++ {
		if isDigit(s[i+k]) {
			m |= 1 << k
		}
	}
	return m
}

func checkDigitScans(t *testing.T, s string) {
	t.Helper()
	for i := 0; i <= len(s); i++ {
		if got, want := runEnd(s, i), runEndBytes(s, i); got != want {
			t.Fatalf("runEnd(%q, %d) = %d, want %d", s, i, got, want)
		}
		if got, want := indexDigit(s, i), indexDigitBytes(s, i); got != want {
			t.Fatalf("indexDigit(%q, %d) = %d, want %d", s, i, got, want)
		}
		if got, want := digitMask(s, i), digitMaskBytes(s, i); got != want {
			t.Fatalf("digitMask(%q, %d) = %064b, want %064b", s, i, got, want)
		}
	}
}

// TestDigitScans puts every byte value next to digits at every offset of a
// word: a borrow or carry between bytes would show as a wrong position.
func TestDigitScans(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 10; pos++ {
			b := []byte(strings.Repeat("0123456789", 3))
			b[pos] = byte(c)
			checkDigitScans(t, string(b))
			b = []byte(strings.Repeat("x", 30))
			b[pos], b[pos+9] = byte(c), '9'
			checkDigitScans(t, string(b))
		}
	}
	for _, s := range []string{"", "1", "a", "/:", "9:0/", strings.Repeat("a", 70) + "7", strings.Repeat("5", 70) + "a",
		strings.Repeat("1a2b3c4d5e6f7g8h9i0j", 7), strings.Repeat("\xff9\x00", 50)} {
		checkDigitScans(t, s)
	}
}

func FuzzDigitScans(f *testing.F) {
	for _, s := range []string{"12 345-6789/", "0/9:", "\x2f\x30\x39\x3a", strings.Repeat("1a", 40)} {
		f.Add(s)
	}
	f.Fuzz(checkDigitScans)
}

// indexSchemeSepBytes is the definition indexSchemeSep must agree with.
func indexSchemeSepBytes(s string, i int) int {
	for ; i+3 <= len(s); i++ {
		if s[i:i+3] == "://" {
			return i
		}
	}
	return -1
}

func checkIndexSchemeSep(t *testing.T, s string) {
	t.Helper()
	for i := 0; i <= len(s); i++ {
		if got, want := indexSchemeSep(s, i), indexSchemeSepBytes(s, i); got != want {
			t.Fatalf("indexSchemeSep(%q, %d) = %d, want %d", s, i, got, want)
		}
	}
}

var schemeSepSeeds = []string{"", ":", "://", "a://b", "//", "x//y://", ":///", ":/:/://", "a:/b", "a//:b",
	"s3://x/y?z=//w https://h", strings.Repeat("/", 9) + "://", "arn:aws:iam::1:role/R https://h/p"}

func TestIndexSchemeSep(t *testing.T) {
	for _, s := range schemeSepSeeds {
		checkIndexSchemeSep(t, s)
	}
}

func FuzzIndexSchemeSep(f *testing.F) {
	for _, s := range schemeSepSeeds {
		f.Add(s)
	}
	f.Fuzz(checkIndexSchemeSep)
}

// TestNextNormByte compares the word-at-a-time nextNormByte with its
// byte-at-a-time definition, with a byte that stops it or one near those
// that it must pass (a layout control, punctuation) at every offset of
// 64-, 8- and 1-byte steps, and each of them after a control, whose borrow
// may mark the byte above it, or after 0xff or DEL, whose carry may.
func TestNextNormByte(t *testing.T) {
	stops := func(c byte) bool {
		return c >= 0xa0 || c == 0x7f || c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r'
	}
	var marks []byte
	for c := range 256 {
		if c < 0x30 || c >= 0x7e {
			marks = append(marks, byte(c))
		}
	}
	for _, n := range []int{0, 1, 7, 8, 63, 64, 65, 130} {
		for at := -1; at < n; at++ {
			for _, hi := range marks {
				for _, before := range []byte{'a', '\n', 0, 0x7f, 0xff} {
					b := []byte(strings.Repeat("a", n))
					if at >= 0 {
						b[at] = hi
						if at > 0 {
							b[at-1] = before
						}
					}
					s := string(b)
					for i := 0; i <= len(s); i += 1 + i/9 {
						want := i
						for want < len(s) && !stops(s[want]) {
							want++
						}
						if got := nextNormByte(s, i); got != want {
							t.Fatalf("nextNormByte(%q, %d) = %d, want %d", s, i, got, want)
						}
					}
				}
			}
		}
	}
}

// indexLetterBytes is indexLetter's byte-at-a-time definition.
func indexLetterBytes(s string, i int) int {
	for ; i < len(s); i++ {
		if isLetter(s[i]) {
			return i
		}
	}
	return -1
}

func checkIndexLetter(t *testing.T, s string) {
	t.Helper()
	for i := 0; i <= len(s); i++ {
		if got, want := indexLetter(s, i), indexLetterBytes(s, i); got != want {
			t.Fatalf("indexLetter(%q, %d) = %d, want %d", s, i, got, want)
		}
		if got, want := indexLetter(s, i), indexLetterWords(s, i); got != want {
			t.Fatalf("indexLetter(%q, %d) = %d, indexLetterWords says %d", s, i, got, want)
		}
	}
}

// TestIndexLetterMatchesBytes holds indexLetter to the byte loop with every
// byte value at every place of texts of one to three words (the bytes next
// to the letters, '@' '[' '`' '{', and the high bytes whose low seven bits
// are letters, among them), after runs of digits of every length.
func TestIndexLetterMatchesBytes(t *testing.T) {
	for n := 1; n <= 72; n++ {
		for k := 0; k < n; k++ {
			for c := range 256 {
				if n > 24 && c%7 != 0 && c&0x40 == 0 && !isLetter(byte(c)&0x7f) {
					continue // the long texts, for the 32-byte steps: fewer bytes without bit 0x40
				}
				b := []byte(strings.Repeat("1", n))
				b[k] = byte(c)
				checkIndexLetter(t, string(b))
			}
		}
	}
	checkIndexLetter(t, "")
	checkIndexLetter(t, strings.Repeat("4111 1111 1111 1111, 123-45-6789, +1 415 555 0132; ", 3)+"x")
}

// TestLetters64FourBytes holds midSequence's use of letters64 on four bytes
// in the low half of a word: each letter is marked, nothing else is.
func TestLetters64FourBytes(t *testing.T) {
	for _, fill := range []byte{'1', 'a', ' ', 0x80} {
		for k := range 4 {
			for c := range 256 {
				g := [4]byte{fill, fill, fill, fill}
				g[k] = byte(c)
				w := uint32(g[0]) | uint32(g[1])<<8 | uint32(g[2])<<16 | uint32(g[3])<<24
				var want uint32
				for i, b := range g {
					if isLetter(b) {
						want |= 0x80 << (8 * i)
					}
				}
				if got := uint32(letters64(uint64(w))); got != want {
					t.Fatalf("letters64(%q) = %#x, want %#x", g[:], got, want)
				}
			}
		}
	}
}

// indexLetterWords is indexLetter as it was, eight bytes per step.
func indexLetterWords(s string, i int) int {
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

func FuzzIndexLetter(f *testing.F) {
	f.Add("4111 1111 1111 1111, 123-45-6789")
	f.Add("@[`{\xc1\xda\xe1\xfa12345678z")
	f.Fuzz(checkIndexLetter)
}
