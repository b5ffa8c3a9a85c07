package sensitive

import (
	"math"
	"math/rand/v2"
	"testing"
)

// entropyRef is Shannon's formula with a logarithm per distinct character.
func entropyRef(counts []uint8, n int) float64 {
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(n)
			h -= float64(p * math.Log2(p))
		}
	}
	return h
}

// TestEntropyMatchesReference: entropy's table of terms gives the same
// float64, bit for bit, as the formula over all 128 counts, so secretLooksRandom's threshold
// decides every value as before; on random 40-character values of every
// alphabet size, on counts near the threshold and on other lengths.
func TestEntropyMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(40, 2026))
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	check := func(v string) {
		t.Helper()
		var counts [128]uint8
		for i := 0; i < len(v); i++ {
			counts[v[i]&0x7f]++
		}
		got, want := entropy(v), entropyRef(counts[:], len(v))
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("entropy of %q = %v, want %v", v, got, want)
		}
	}
	for k := 1; k <= len(b64); k++ {
		for range 200 {
			buf := make([]byte, secretLen)
			for i := range buf {
				buf[i] = b64[r.IntN(k)]
			}
			check(string(buf))
		}
	}
	check("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	check("PersonalizeInteractionsDatasetImport2024")
	check("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	check("a")
	check("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ") // not secretLen long
}

// TestEntropyEnoughMatchesReference: entropyEnough, which sums the terms by
// count and asks entropy only near the threshold, decides every value as
// the formula does; on random 40-character values of alphabets of every
// size (those of 20 to 30 characters land around the threshold), on values
// built to sit on it, and on other lengths.
func TestEntropyEnoughMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 2026))
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	check := func(v string) {
		t.Helper()
		var counts [128]uint8
		for i := 0; i < len(v); i++ {
			counts[v[i]&0x7f]++
		}
		if got, want := entropyEnough(v), entropyRef(counts[:], len(v)) >= minSecretEntropy; got != want {
			t.Fatalf("entropyEnough(%q) = %v, want %v", v, got, want)
		}
	}
	near := 0
	for k := 1; k <= len(b64); k++ {
		for range 2000 {
			buf := make([]byte, secretLen)
			for i := range buf {
				buf[i] = b64[r.IntN(k)]
			}
			v := string(buf)
			var counts [128]uint8
			for i := 0; i < len(v); i++ {
				counts[v[i]&0x7f]++
			}
			if h := entropyRef(counts[:], len(v)); math.Abs(h-minSecretEntropy) < 0.01 {
				near++
			}
			check(v)
		}
	}
	if near < 100 {
		t.Fatalf("only %d values near the threshold", near)
	}
	// The entropy of a 40-byte value depends on the counts of its bytes
	// only, and the order of the byte values the formula sums in: every
	// partition of 40 (37,338 of them), its counts given to byte values in
	// increasing and in decreasing order. The nearest to the threshold is
	// 4.3012 (counts 5 5 5 2 2 2 and nineteen 1s), so a sum off by more
	// than 0.0012 would fail here.
	var parts []int
	var walk func(rest, most int)
	walk = func(rest, most int) {
		if rest == 0 {
			for _, order := range []int{1, -1} {
				var b []byte
				for k, c := range parts {
					x := b64[k]
					if order < 0 {
						x = b64[len(parts)-1-k]
					}
					for range c {
						b = append(b, x)
					}
				}
				check(string(b))
			}
			return
		}
		for c := min(rest, most); c >= 1; c-- {
			parts = append(parts, c)
			walk(rest-c, c)
			parts = parts[:len(parts)-1]
		}
	}
	walk(secretLen, secretLen)
	check("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	check("PersonalizeInteractionsDatasetImport2024")
	check("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ")
}
