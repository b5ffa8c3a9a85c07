package personalize

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEachFilterValue(t *testing.T) {
	tests := []struct {
		expr   string
		want   []string // "column|value"
		reason string
	}{
		{`EXCLUDE ItemID WHERE Users.SSN IN ("123456789")`, []string{"Users.SSN|123456789"}, "a quoted literal after IN ("},
		{`INCLUDE ItemID WHERE Items.PRICE > 10 AND Users.ACCT NOT IN (1, "x y")`, []string{"Items.PRICE|10", "Users.ACCT|1", "Users.ACCT|x y"}, "each literal takes the last column before it"},
		{`EXCLUDE ItemID WHERE Items.ITEM_ID IN ($ITEMS)`, nil, "a parameter is no literal"},
		{`"912803456" IN Users.ACCT`, []string{"|912803456"}, "a literal before any column has none"},
		{`Items.X IN ("unterminated`, []string{"Items.X|unterminated"}, "an unterminated string runs to the end"},
		{`Items.X IN (1234567.50)`, []string{"Items.X|1234567.50"}, "a decimal is one number"},
		{``, nil, "empty"},
	}
	for _, tt := range tests {
		var got []string
		err := eachFilterValue(tt.expr, func(column, value string) error {
			got = append(got, column+"|"+value)
			return nil
		})
		if err != nil {
			t.Errorf("eachFilterValue(%q) = %v", tt.expr, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("eachFilterValue(%q) mismatch (-want +got): %s\n%s", tt.expr, tt.reason, diff)
		}
	}
}

// FuzzEachFilterValue: every value handed out is a substring of the
// expression, every column a dotted word of it, and the walk ends.
func FuzzEachFilterValue(f *testing.F) {
	f.Add(`EXCLUDE ItemID WHERE Users.SSN IN ("123456789")`)
	f.Add(`INCLUDE ItemID WHERE Items.PRICE > 10 AND Users.ACCT NOT IN (1, "x y") | EXCLUDE ItemID WHERE Items.A = "`)
	f.Add(`""""..1.2.3"`)
	f.Fuzz(func(t *testing.T, expr string) {
		_ = eachFilterValue(expr, func(column, value string) error {
			if !strings.Contains(expr, value) || column != "" && (!strings.Contains(expr, column) || !strings.Contains(column, ".")) {
				t.Fatalf("eachFilterValue(%q) gave column %q, value %q", expr, column, value)
			}
			return nil
		})
	})
}
