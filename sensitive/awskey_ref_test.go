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
