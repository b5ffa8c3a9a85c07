package sensitive

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDet20DEL: DEL (0x7f) is no part of a value, as the C0 controls are
// not: a reader that drops it joins what it split (red19). Layout controls
// still split; text with DELs and no value stays clean.
func TestDet20DEL(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"e-mail split by DEL", "jane.doe\x7f@example.com", []Finding{{Email, 0, 21}}},
		{"card split by DELs", "4111\x7f1111\x7f1111\x7f1111", []Finding{{CreditCard, 0, 19}}},
		{"account keyword split by DEL", "ac\x7fct 912803456", []Finding{{AccountNumber, 6, 15}}},
		{"DELs around an e-mail stay outside it", "\x7fjane@example.com\x7f\x7f", []Finding{{Email, 1, 17}}},
		{"DEL and NUL mixed", "4111\x7f\x001111\x00\x7f1111\x7f1111", []Finding{{CreditCard, 0, 21}}},
		{"a run of DELs", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", nil},
		{"DEL beside a line feed still splits", "4111\x7f\n1111\n1111\n1111", nil},
		{"DEL in plain text", "press \x7f to delete", nil},
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
