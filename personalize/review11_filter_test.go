package personalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReview11FilterLiteralOfOtherDigits: a bare number written in
// full-width or other scripts' digits, which the detector reads as digits,
// is a literal too. eachFilterValue read only ASCII digits, so
// `Users.ACCT IN (９１２８０３４５６)` reached the endpoint (and CloudTrail,
// which keeps CreateFilter's expression even when the service refuses it).
func TestReview11FilterLiteralOfOtherDigits(t *testing.T) {
	tests := []struct {
		expr string
		want []string // "column|value"
	}{
		{`EXCLUDE ItemID WHERE Users.ACCT IN (９１２８０３４５６)`, []string{"Users.ACCT|９１２８０３４５６"}},
		{`EXCLUDE ItemID WHERE Users.SSN = ١٢٣٤٥٦٧٨٩`, []string{"Users.SSN|١٢٣٤٥٦٧٨٩"}},
		{`EXCLUDE ItemID WHERE Users.ACCT IN (1, ９１２８０３４５６)`, []string{"Users.ACCT|1", "Users.ACCT|９１２８０３４５６"}},
	}
	for _, tt := range tests {
		var got []string
		if err := eachFilterValue(tt.expr, func(column, value string) error {
			got = append(got, column+"|"+value)
			return nil
		}); err != nil {
			t.Errorf("eachFilterValue(%q) = %v", tt.expr, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("eachFilterValue(%q) mismatch (-want +got):\n%s", tt.expr, diff)
		}
	}
}
