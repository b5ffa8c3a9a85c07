package datascan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestRed23MarkupProcessingInstruction (red23 defect, medium; older than
// 68fb5c7): HTML reads "<?" to the next '>' as a (bogus) comment, which a
// browser hides, but the markup read kept "<?x?>" as text, so a card or
// address split by them passed, though shown whole.
func TestRed23MarkupProcessingInstruction(t *testing.T) {
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	email := map[sensitive.Kind]int64{sensitive.Email: 1}
	tests := []struct {
		name, cell string
		want       map[sensitive.Kind]int64
	}{
		{"in a card", "4111<?x?>1111<?x?>1111<?x?>1111", card},
		{"without '?' before '>'", "4111<?x>1111<?x>1111<?x>1111", card},
		{"an XML declaration", "john<?xml version=\"1.0\"?>@example.com", email},
		// A '<' before another character is text, as before.
		{"'<' before a blank", "4111 <= 4112", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, red20Kinds(t, "DESCRIPTION", tt.cell)); diff != "" {
				t.Errorf("Kinds of %q (-want +got):\n%s", tt.cell, diff)
			}
		})
	}
}
