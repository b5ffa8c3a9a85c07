package personalizeevents_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed18CardNumberForms: a number whose value any JSON reader takes for
// a card number is refused however it is written: negative, with zeros
// before its digits, with a large exponent, upper-case E with a sign.
func TestRed18CardNumberForms(t *testing.T) {
	tests := []struct{ name, props string }{
		{"negative", `{"p":-4539703692581474}`},
		{"negative decimal", `{"p":-4539703692581474.0}`},
		{"negative exponent", `{"p":-4.539703692581474E+15}`},
		{"upper E plus", `{"p":4.539703692581474E+15}`},
		{"zeros after the point, large exponent", `{"p":0.0000000000000000000000000004539703692581474e43}`},
		{"zeros after the point, exponent 40", `{"p":0.000000000000000000000000004539703692581474e42}`},
		{"small mantissa, exponent", `{"p":0.4539703692581474e16}`},
		{"trailing digits past the point", `{"p":4539703692581474.9}`},
		{"in an array", `{"p":[1,4539703692581474e0]}`},
		{"nested", `{"a":{"b":{"c":45397036925814740e-1}}}`},
		{"rounds up to a card", `{"p":4539703692581473.99999999}`},
		{"a tie rounds to the even card", `{"p":4539703692581473.5}`},
		{"a tie with an exponent", `{"p":45397036925814735e-1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := putProperties(t, tt.props)
			if got == "" && err != nil {
				t.Fatalf("PutEvents: %v", err)
			}
			if diff := cmp.Diff("sensitive.credit-card", got); diff != "" {
				t.Errorf("PutEvents with properties %s: rule (-want +got):\n%s", tt.props, diff)
			}
		})
	}
}
