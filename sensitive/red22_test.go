package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed22SingleDigitFields (red22 defect, low): c0a6418 read through a
// card whose every group is one digit, for UTF-16 text, a NUL beside each
// digit; but it took any dropped control for that NUL, so ASCII-delimited
// records of single-digit fields (a unit separator, a record separator,
// SOH between ratings or flags), which red19 reads as fields, were cards
// again whenever 13 to 19 of them passed an issuer range and Luhn.
// UTF-16 puts a NUL there and nothing else.
func TestRed22SingleDigitFields(t *testing.T) {
	join := func(digits, sep string) string {
		var b strings.Builder
		for i := 0; i < len(digits); i++ {
			b.WriteByte(digits[i])
			b.WriteString(sep)
		}
		return b.String()
	}
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"unit separators", join("4111111111111111", "\x1f"), nil},
		{"record separators", join("4111111111111111", "\x1e"), nil},
		{"SOH", join("4111111111111111", "\x01"), nil},
		{"DEL", join("4111111111111111", "\x7f"), nil},
		// UTF-16 stays found, LE, BE and after a BOM.
		{"UTF-16LE", join("4111111111111111", "\x00"), []Finding{{CreditCard, 0, 31}}},
		{"UTF-16BE after a BOM", "\xfe\xff\x00" + join("4111111111111111", "\x00")[:31], []Finding{{CreditCard, 3, 34}}},
		{"UTF-16LE after a BOM", "\xff\xfe" + join("4111111111111111", "\x00"), []Finding{{CreditCard, 2, 33}}},
		{"UTF-16LE grouped by dashes", red21UTF16("4111-1111-1111-1111"), []Finding{{CreditCard, 0, 37}}},
		// A keyword still reads through any control, as before.
		{"a keyword before unit separators", "card " + join("4111111111111111", "\x1f"), []Finding{{CreditCard, 5, 36}}},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestRed22SingleDigitFieldRate: records of 13 to 19 single-digit fields
// (0-9) joined by a unit separator, a record separator or SOH (N = 20000
// each, seed PCG(22, 1)) flagged as cards at c0a6418; bound 0.001 as
// TestRed19FalsePositiveDefects. The same digits joined by NULs are the
// UTF-16 text of one number, flagged as that number is (logged).
func TestRed22SingleDigitFieldRate(t *testing.T) {
	const n = 20000
	d := Default()
	for _, sep := range []string{"\x1f", "\x1e", "\x01", "\x00"} {
		r := rand.New(rand.NewPCG(22, 1))
		flagged := 0
		for range n {
			var b strings.Builder
			for range 13 + r.IntN(7) {
				b.WriteByte(byte('0' + r.IntN(10)))
				b.WriteString(sep)
			}
			for _, f := range d.Find(b.String()) {
				if f.Kind == CreditCard {
					flagged++
					break
				}
			}
		}
		rate := float64(flagged) / n
		t.Logf("separator %q: %d of %d flagged (%.4f)", sep, flagged, n, rate)
		if sep != "\x00" && rate > 0.001 {
			t.Errorf("separator %q: %.4f of records of single-digit fields flagged as cards, want <= 0.001", sep, rate)
		}
	}
}

// TestRed22EqualsPairsAfterKeyword (red22 defect, low): 88492c1 reads a
// blank between two '='-joined pairs as a list of pairs, even after a card
// keyword, where a '='-chain ("card=4539=7036=9258=1474") and a control
// inside a card's digits are read through: "card 4539=7036 9258=1474"
// passed. A keyword before the number makes it a card again.
func TestRed22EqualsPairsAfterKeyword(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"card keyword", "card 4539=7036 9258=1474", []Finding{{CreditCard, 5, 24}}},
		{"cc: keyword", "cc: 4539=7036 9258=1474", []Finding{{CreditCard, 4, 23}}},
		{"keyword, tab", "card 4539=7036\t9258=1474", []Finding{{CreditCard, 5, 24}}},
		// No keyword: pairs, as 88492c1 reads them.
		{"no keyword", "4539=7036 9258=1474", nil},
		{"a port map", "ports 3569=0310 8420=2086", nil},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
