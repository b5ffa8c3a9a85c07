package sensitive

import (
	"math/rand/v2"
	"testing"
)

// TestLargeAndHostileInput runs every pathological pattern of the benchmarks,
// plus random bytes, at 10 MiB (1 MiB with -short or -race): the scan must finish,
// without panicking, and its findings must be well-formed. A quadratic path
// would not finish within the test timeout at this size; the benchmarks show
// the per-byte cost staying flat from 64 KiB to 1 MiB.
func TestLargeAndHostileInput(t *testing.T) {
	size := 10 << 20
	if testing.Short() || raceEnabled {
		size = 1 << 20
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, size)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	inputs := map[string]string{"random-bytes": string(random)}
	for _, p := range pathological {
		inputs[p.name] = repeatTo(p.unit, size)
	}
	inputs["dense"] = denseText(size)
	d := Default()
	for name, s := range inputs {
		fs := d.Find(s)
		checkFindings(t, s, fs)
		if f, ok := d.First(s); ok != (len(fs) > 0) || (ok && f != fs[0]) {
			t.Errorf("%s: First disagrees with Find", name)
		}
		if name == "dense" || name == "random-bytes" {
			if d.Contains(d.Redact(s)) {
				t.Errorf("%s: redacted output still has findings", name)
			}
		}
	}
}

// TestBytesOutsideASCII checks that invalid UTF-8, NULs and non-ASCII letters
// end values instead of joining them, and that offsets stay byte offsets.
func TestBytesOutsideASCII(t *testing.T) {
	tests := []struct {
		text   string
		want   []Finding
		reason string
	}{
		{"\xff4111111111111111\xfe", []Finding{{CreditCard, 1, 17}}, "invalid UTF-8 around a card"},
		{"\x004111111111111111\x00", []Finding{{CreditCard, 1, 17}}, "NULs around a card"},
		{"é jane@example.com", []Finding{{Email, 3, 19}}, "offsets count bytes, not runes"},
		{"jané@example.com", []Finding{{Email, 0, 17}}, "an internationalised local part (RFC 6531)"},
		{"→jane@example.com", []Finding{{Email, 3, 19}}, "a symbol is not part of the local part"},
		{"josé.d jane@example.com", []Finding{{Email, 8, 24}}, "non-ASCII before an address"},
		{"４１１１１１１１１１１１１１１１", []Finding{{CreditCard, 0, 48}}, "full-width digits are digits"},
		{"\xc0\xaf\xc0\xaf", nil, "overlong encodings"},
	}
	for _, tc := range tests {
		got := Default().Find(tc.text)
		if len(got) != len(tc.want) {
			t.Errorf("%s: Find(%q) = %v, want %v", tc.reason, tc.text, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: Find(%q) = %v, want %v", tc.reason, tc.text, got, tc.want)
			}
		}
	}
}
