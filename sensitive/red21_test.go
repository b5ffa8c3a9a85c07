package sensitive

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// red21UTF16 is s (ASCII) as UTF-16 little-endian bytes: a NUL after every
// byte, what a Windows "Unicode" export or a PowerShell 5 redirect writes.
func red21UTF16(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		b.WriteByte(0)
	}
	return b.String()
}

// TestRed21UTF16Cards: det20 read a control inside a card's digits only
// where its groups break, so a card in UTF-16 text, a NUL after every
// digit, went from found to missed (recall 1.000 -> 0.000 at f627971 ->
// 040aac3). A NUL after every digit is no join of two fields: it is how
// the text is encoded.
func TestRed21UTF16Cards(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"UTF-16LE card", red21UTF16("4111111111111111"), []Finding{{CreditCard, 0, 31}}},
		{"UTF-16LE grouped card", red21UTF16("4111 1111 1111 1111"), []Finding{{CreditCard, 0, 37}}},
		{"UTF-16BE card", "\x00" + red21UTF16("4111111111111111")[:31], []Finding{{CreditCard, 1, 32}}},
		{"UTF-16LE e-mail, as before", red21UTF16("jane@example.com"), []Finding{{Email, 0, 31}}},
		// Near misses stay: one control inside a group, no keyword.
		{"two IDs joined by a NUL", "id 2368349\x00605919151", nil},
		{"a digit pair a NUL splits", "41\x0011111111111111", nil},
		{"UTF-16LE card, one digit's NUL missing", "4\x001\x0011\x001\x001\x001\x001\x001\x001\x001\x001\x001\x001\x001\x001\x00", nil},
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

// TestRed21UTF16Recall: generated cards (N = 5000, seed PCG(21, 1)) in
// UTF-16LE text, plain, grouped and in a CSV row, are each found.
func TestRed21UTF16Recall(t *testing.T) {
	const n = 5000
	d := Default()
	r := rand.New(rand.NewPCG(21, 1))
	tests := []struct {
		name string
		gen  func(c string) string
	}{
		{"plain", func(c string) string { return red21UTF16(c) }},
		{"grouped by spaces", func(c string) string { return red21UTF16(det20Grouped(c, " ")) }},
		{"grouped by dashes", func(c string) string { return red21UTF16(det20Grouped(c, "-")) }},
		{"a CSV row's cell", func(c string) string { return red21UTF16("u-123;" + c + ";2024-01-01\r\n") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			missed := 0
			for range n {
				s := tt.gen(det20Card(r))
				if fs := d.Find(s); len(fs) != 1 || fs[0].Kind != CreditCard {
					if missed++; missed == 1 {
						t.Logf("first miss: %q", s)
					}
				}
			}
			if diff := cmp.Diff(1.0, 1-float64(missed)/n); diff != "" {
				t.Errorf("recall over %d cards (-want +got):\n%s", n, diff)
			}
		})
	}
}

// TestRed21EqualsPairLists (red21 defect, low): c27eba4 reads '=' as a
// card's join among the usual separators, so a list of four-digit pairs a
// blank separates, "3569=0310 8420=2086" (a port or size map, a tag value
// of mappings), or "ports: 6049=1081 / 3090=5426", read as one card's four
// groups: flagged 0.0381 and 0.0348 (N = 20000 each, seed PCG(21, 4)), 0
// at f627971. A blank between two '='-joined pairs separates pairs; a dash
// there ("4539=7036-9258=1474") and every other mix det20 reads stay cards.
func TestRed21EqualsPairLists(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"pairs a blank separates", "4539=7036 9258=1474", nil},
		{"pairs ' / ' separates", "ports: 4539=7036 / 9258=1474", nil},
		{"pairs a tab separates", "4539=7036\t9258=1474", nil},
		{"'=' and '-', as det20", "4539=7036-9258=1474", []Finding{{CreditCard, 0, 19}}},
		{"'=', a blank, '-', as det20", "4539=7036 9258-1474", []Finding{{CreditCard, 0, 19}}},
		{"a blank, then '=' twice, as det20", "4539 7036=9258=1474", []Finding{{CreditCard, 0, 19}}},
		{"all '=', as det20", "4539=7036=9258=1474", []Finding{{CreditCard, 0, 19}}},
		{"Amex, '=' and a blank, as det20", "3782 822463=10005", []Finding{{CreditCard, 0, 17}}},
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

// TestRed21EqualsPairListRates: generated lines (N = 20000 each, seed
// PCG(21, 4)) of four-digit pairs, flagged as cards: 0.0381 (a blank
// between the pairs) and 0.0348 (" / ") at 3ba1537, 0 at f627971; a ','
// between them 0 throughout.
func TestRed21EqualsPairListRates(t *testing.T) {
	const n = 20000
	d := Default()
	r := rand.New(rand.NewPCG(21, 4))
	d4 := func() string { return fmt.Sprintf("%04d", r.IntN(10000)) }
	tests := []struct {
		name string
		gen  func() string
	}{
		{"pairs a blank separates", func() string { return d4() + "=" + d4() + " " + d4() + "=" + d4() }},
		{"pairs ' / ' separates", func() string { return "ports: " + d4() + "=" + d4() + " / " + d4() + "=" + d4() }},
		{"pairs ',' separates, as before", func() string { return d4() + "=" + d4() + "," + d4() + "=" + d4() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flagged := 0
			for range n {
				if s := tt.gen(); len(d.Find(s)) > 0 {
					if flagged++; flagged == 1 {
						t.Logf("first flagged: %q", s)
					}
				}
			}
			if diff := cmp.Diff(0.0, float64(flagged)/n); diff != "" {
				t.Errorf("rate flagged over %d lines (-want +got):\n%s", n, diff)
			}
		})
	}
}

// TestRed21EqualsRanges: two ranges an '=' joins, "3856-3104=2355-9956",
// read as a card since c27eba4: 0.0365 of generated lines (N = 20000,
// seed PCG(21, 5)), 0 at f627971. Left: the same joins as det20's
// "4539-7036=9258-1474"-like mixes, told apart by no rule yet.
func TestRed21EqualsRanges(t *testing.T) {
	t.Skip("defect (low, precision): two four-digit ranges an '=' joins pass as a card, 0.0365 of generated lines (0 before c27eba4)")
	const n = 20000
	d := Default()
	r := rand.New(rand.NewPCG(21, 5))
	d4 := func() string { return fmt.Sprintf("%04d", r.IntN(10000)) }
	flagged := 0
	for range n {
		if len(d.Find("range "+d4()+"-"+d4()+"="+d4()+"-"+d4())) > 0 {
			flagged++
		}
	}
	if diff := cmp.Diff(0.0, float64(flagged)/n); diff != "" {
		t.Errorf("rate flagged over %d lines (-want +got):\n%s", n, diff)
	}
}
