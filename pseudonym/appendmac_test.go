package pseudonym

import (
	"encoding/base32"
	"math/rand/v2"
	"testing"
)

// referenceMAC is the encoding appendMAC replaced.
var referenceMAC = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// TestAppendMACMatchesReference holds appendMAC to encoding/base32 on MACs
// of every byte value in every position, and on random ones, appended to
// empty, short and full destinations.
func TestAppendMACMatchesReference(t *testing.T) {
	check := func(prefix []byte, mac [macBytes]byte) {
		t.Helper()
		want := string(referenceMAC.AppendEncode(append([]byte(nil), prefix...), mac[:]))
		if got := string(appendMAC(append([]byte(nil), prefix...), &mac)); got != want {
			t.Fatalf("appendMAC(%q, %x) = %q, want %q", prefix, mac, got, want)
		}
	}
	prefixes := [][]byte{nil, []byte("pu1_"), make([]byte, 0, MaxLen)}
	for pos := range macBytes {
		for b := range 256 {
			var mac [macBytes]byte
			mac[pos] = byte(b)
			for _, p := range prefixes {
				check(p, mac)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var mac [macBytes]byte
		for i := range mac {
			mac[i] = byte(r.Uint32())
		}
		check(prefixes[r.IntN(len(prefixes))], mac)
	}
}

func FuzzAppendMAC(f *testing.F) {
	f.Add([]byte("0123456789abcdefghij"))
	f.Add(make([]byte, macBytes))
	f.Fuzz(func(t *testing.T, b []byte) {
		var mac [macBytes]byte
		copy(mac[:], b)
		if got, want := string(appendMAC(nil, &mac)), referenceMAC.EncodeToString(mac[:]); got != want {
			t.Fatalf("appendMAC(%x) = %q, want %q", mac, got, want)
		}
	})
}
