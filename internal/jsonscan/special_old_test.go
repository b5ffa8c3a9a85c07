package jsonscan

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// specialOld is special as it was, with the flag of bytes from 0x80 up as
// high says (every caller passed hi); the reference copies of the old
// walks call it.
func specialOld(x, high uint64) uint64 {
	v := x &^ hi
	notCtl := v + lo*(0x80-0x20)       // bit 7: at least 0x20
	notQuote := (v ^ lo*'"') + lo*0x7f // bit 7: not '"'
	notBack := (v ^ lo*'\\') + lo*0x7f // bit 7: not '\\'
	return (^(notCtl&notQuote&notBack)&^x | x&high) & hi
}

// specialRef is special a byte at a time.
func specialRef(x uint64) uint64 {
	var m uint64
	for k := range 8 {
		if c := byte(x >> (8 * k)); c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			m |= 0x80 << (8 * k)
		}
	}
	return m
}

// TestSpecialMatchesOld holds special to specialOld(x, hi) and to a byte
// at a time: every byte value at every position of a word of each
// background byte, and random words.
func TestSpecialMatchesOld(t *testing.T) {
	check := func(x uint64) {
		if got, old, ref := special(x), specialOld(x, hi), specialRef(x); got != old || got != ref {
			t.Fatalf("special(%#016x) = %#016x, old %#016x, byte at a time %#016x", x, got, old, ref)
		}
		w := specialWords
		if got, with := special(x), specialWith(x, w[0], w[1], w[2], w[3], w[4]); got != with {
			t.Fatalf("special(%#016x) = %#016x, specialWith the words %#016x", x, got, with)
		}
	}
	for _, back := range []uint64{0, 'a', ' ', '"', '\\', 0x1f, 0x7f, 0x80, 0xff} {
		for k := range 8 {
			for c := range uint64(256) {
				x := back * lo
				x = x&^(0xff<<(8*k)) | c<<(8*k)
				check(x)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1 << 16 {
		check(r.Uint64())
	}
}

// FuzzSpecial holds special to specialOld and a byte at a time.
func FuzzSpecial(f *testing.F) {
	f.Add(uint64(0x2222222222222222))
	f.Add(uint64(0x8061205c22001f7f))
	f.Fuzz(func(t *testing.T, x uint64) {
		if got, old, ref := special(x), specialOld(x, hi), specialRef(x); got != old || got != ref {
			t.Fatalf("special(%#016x) = %#016x, old %#016x, byte at a time %#016x", x, got, old, ref)
		}
		w := specialWords
		if got, with := special(x), specialWith(x, w[0], w[1], w[2], w[3], w[4]); got != with {
			t.Fatalf("special(%#016x) = %#016x, specialWith the words %#016x", x, got, with)
		}
	})
}

// TestSpecialWords: the words putLong reads for specialWith are special's
// constants.
func TestSpecialWords(t *testing.T) {
	want := [5]uint64{lo * 0x7f, lo * (0x80 - 0x20), lo * '"', lo * '\\', hi}
	if diff := cmp.Diff(want, specialWords); diff != "" {
		t.Errorf("specialWords (-want +got):\n%s", diff)
	}
}
