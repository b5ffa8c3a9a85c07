package sensitive_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestUnconfiguredDetectorsDetect: the zero Detector and a nil *Detector
// find what the default one finds (safe by default), not nothing.
func TestUnconfiguredDetectorsDetect(t *testing.T) {
	var zero sensitive.Detector
	var nilDetector *sensitive.Detector
	inputs := []string{"jane.doe@example.com", "4111111111111111", "+14155550100", "acct 123456789012", "movies-2024"}
	for _, in := range inputs {
		want := sensitive.Default().Find(in)
		for name, d := range map[string]*sensitive.Detector{"zero": &zero, "nil": nilDetector} {
			if diff := cmp.Diff(want, d.Find(in)); diff != "" {
				t.Errorf("%s Detector, Find(%q) (-want +got):\n%s", name, in, diff)
			}
			if _, got := d.First(in); got != (len(want) > 0) {
				t.Errorf("%s Detector, First(%q) found = %v, want %v", name, in, got, len(want) > 0)
			}
		}
	}
}

func TestCardIssuer(t *testing.T) {
	tests := []struct {
		digits string
		want   bool
	}{
		{"4111111111111111", true},      // Visa, 16
		{"5500000000000004", true},      // Mastercard
		{"1111111111111111", false},     // no network issues numbers starting with 1
		{"0411111111111111", false},     // nor 0
		{"7111111111111111", false},     // nor 7
		{"411111111111", false},         // too short
		{"41111111111111111111", false}, // too long
		{"41111111111x1111", false},     // not digits
		{"6200000000000000005", true},   // UnionPay, 19
	}
	for _, tt := range tests {
		if got := sensitive.CardIssuer(tt.digits); got != tt.want {
			t.Errorf("CardIssuer(%q) = %v, want %v", tt.digits, got, tt.want)
		}
	}
}
