package personalizeevents_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestComputedNumbersInProperties: an event's properties carry computed
// numbers, whose sixteen or seventeen significant digits pass Luhn and a
// card issuer's range for a few in a hundred (7/18 = 0.3888888888888889):
// they are sent, as any reader takes them for fractions. A number whose
// value is a card number, however written, is refused.
func TestComputedNumbersInProperties(t *testing.T) {
	tests := []struct {
		name, props, rule string
		digits            string // on the wire exactly when the event is sent
	}{
		{"fractions", `{"weight":0.3888888888888889,"score":0.4111111111111111,"ratio":0.4539703692581474}`, "", "4539703692581474"},
		{"a price times a rate", `{"price":12.100000000000001}`, "", "12100000000000001"},
		{"a fraction's digits with an exponent", `{"score":4111111111111111e-16}`, "", "4111111111111111"},
		{"a card number as a decimal", `{"price":4539703692581474.0}`, "sensitive.credit-card", "4539703692581474"},
		{"a card number with an exponent", `{"score":4.539703692581474e15}`, "sensitive.credit-card", "4539703692581474"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, got, err := putProperties(t, tt.props)
			if got == "" && err != nil {
				t.Fatalf("PutEvents: %v", err)
			}
			if diff := cmp.Diff([]any{tt.rule, tt.rule == ""}, []any{got, s.Seen(tt.digits)}); diff != "" {
				t.Errorf("PutEvents with properties %s: [rule, sent] (-want +got):\n%s", tt.props, diff)
			}
		})
	}
}
