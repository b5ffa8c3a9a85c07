package datascan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// red12KeywordMisses are columns whose name says what their bare cells
// are, which the keyword-column reading did not find (red12): the
// detector did not read an account number in blank-separated groups. (Its
// PHONE, MOBILE_NUMBER, TAX_ID and TIN columns are found since the
// detector reads ten bare digits after a phone keyword and "TIN" and "tax
// ID" are SSN keywords: TestRed12TaxIDColumns.)
var red12KeywordMisses = []struct {
	column string
	cells  []string
	want   map[sensitive.Kind]int64
}{
	{"ACCOUNT_NUMBER", []string{"912 803 456"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 1}},
}

// TestRed12KeywordColumnMisses: see red12KeywordMisses. The fixes were in
// package sensitive (a phone keyword before 10–11 bare digits, tax-ID
// keywords for SSNs, and account digits grouped by spaces after an account
// keyword); README Limits says bare-digit phones pass the data-plane
// clients, not that a column named PHONE does.
func TestRed12KeywordColumnMisses(t *testing.T) {
	for _, tt := range red12KeywordMisses {
		t.Run(tt.column, func(t *testing.T) {
			r := scanColumn(t, tt.column, tt.cells)
			if diff := cmp.Diff(tt.want, r.Columns[1].Kinds); diff != "" {
				t.Errorf("Kinds of %s (-want +got):\n%s", tt.column, diff)
			}
		})
	}
}

// TestRed12TaxIDColumns: a TAX_ID or TIN column of SSNs, bare or dashed,
// and a PHONE or MOBILE_NUMBER column of bare ten-digit numbers are found
// (red12's misses, fixed in sensitive's keywords); a TAX column of amounts
// and a column of timestamps are not.
func TestRed12TaxIDColumns(t *testing.T) {
	tests := []struct {
		column string
		cells  []string
		want   map[sensitive.Kind]int64
	}{
		{"TAX_ID", []string{"123456789", "123-45-6789"}, map[sensitive.Kind]int64{sensitive.SSN: 2}},
		{"TIN", []string{"123456789"}, map[sensitive.Kind]int64{sensitive.SSN: 1}},
		{"TAX", []string{"123456789", "1234567"}, nil},
		{"PHONE", []string{"2125550187", "4155550100"}, map[sensitive.Kind]int64{sensitive.Phone: 2}},
		{"MOBILE_NUMBER", []string{"2125550187"}, map[sensitive.Kind]int64{sensitive.Phone: 1}},
		{"CREATED_AT", []string{"1732800000", "2125550187"}, nil},
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
