package sensitive

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompatibilityDigits: the thirty runes outside Nd whose NFKC form is
// one ASCII digit (listed with golang.org/x/text/unicode/norm over all of
// Unicode) read as that digit, and a card or an account number written in
// them is found where its ASCII form is.
func TestCompatibilityDigits(t *testing.T) {
	const want = "231" + "0456789" + "0123456789" + "123456789" + "0"
	var got strings.Builder
	for _, r := range "²³¹" + "⁰⁴⁵⁶⁷⁸⁹" + "₀₁₂₃₄₅₆₇₈₉" + "①②③④⑤⑥⑦⑧⑨" + "⓪" {
		got.WriteString(newView(string(r)).s)
	}
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("compatibility digits read as (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		text string
		want Kind
	}{
		{"⁴¹¹¹¹¹¹¹¹¹¹¹¹¹¹¹", CreditCard},
		{"₄₁₁₁ ₁₁₁₁ ₁₁₁₁ ₁₁₁₁", CreditCard},
		{"④①①①①①①①①①①①①①①①", CreditCard},
		{"acct ⁹¹²⁸⁰³⁴⁵⁶", AccountNumber},
	} {
		f, ok := Default().First(tt.text)
		if !ok || f.Kind != tt.want {
			t.Errorf("First(%q) = %v, %v; want a %s", tt.text, f, ok, tt.want)
		}
	}
	// A circled ten is two digits to NFKC, not one: it stays as it is.
	for _, r := range "⑩⑳❶➀" {
		if v := newView(string(r)).s; v != string(r) {
			t.Errorf("newView(%q) = %q, want it kept", r, v)
		}
	}
}
