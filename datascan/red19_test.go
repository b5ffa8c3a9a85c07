package datascan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestRed19AccountColumns: 29931ff reads a keyword column's cell after the
// column's name from each run of digits, and det17 joins account digits
// grouped by spaces. Columns named after an account that hold text, small
// numbers or dates stay clean (red19: a date such as "2024 11 30" after
// ACCOUNT was an account number until every group needed three digits);
// an account column's numbers are still found.
func TestRed19AccountColumns(t *testing.T) {
	tests := []struct {
		column string
		cells  []string
		want   map[sensitive.Kind]int64
	}{
		{"ACCOUNT_TYPE", []string{"checking", "savings 2", "tier 3 premium", "gold 100", "business 250 users", "retail 2024"}, nil},
		{"ACCOUNT_STATUS", []string{"active", "closed 2024-11-30", "suspended 3 days", "open since 2019", "dormant 365 days"}, nil},
		{"ACCOUNT_BALANCE", []string{"1234.56", "912803.00"}, nil},
		{"ACCOUNT", []string{"2024 11 30", "opened 2019 05 12", "524 47 39"}, nil},
		{"ACCOUNT_NUMBER", []string{"gold 912803456", "912 803 456", "9128\x0003456"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.column, func(t *testing.T) {
			r := scanColumn(t, tt.column, tt.cells)
			if diff := cmp.Diff(tt.want, r.Columns[1].Kinds); diff != "" {
				t.Errorf("Kinds of %s (-want +got):\n%s", tt.column, diff)
			}
		})
	}
}
