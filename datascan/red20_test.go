package datascan

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// red20Schema is an interactions schema with a numeric field of its own.
var red20Schema = &Schema{Fields: []Field{
	{"USER_ID", RoleUser}, {"ITEM_ID", RoleItem}, {"TIMESTAMP", RoleTimestamp}, {"PRICE", RoleNumeric},
	{"DESCRIPTION", RoleTextual}, {"NOTE", RoleString},
}}

// red20Kinds scans one row against red20Schema, the cell under test in
// column col, and returns that column's kinds.
func red20Kinds(t *testing.T, col, cell string) map[sensitive.Kind]int64 {
	t.Helper()
	row := map[string]string{"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": "1700000000", "PRICE": "9.99", "DESCRIPTION": "x", "NOTE": "x"}
	row[col] = cell
	var cells []string
	for _, f := range red20Schema.Fields {
		cells = append(cells, quoteCell(row[f.Name]))
	}
	in := "USER_ID,ITEM_ID,TIMESTAMP,PRICE,DESCRIPTION,NOTE\n" + strings.Join(cells, ",") + "\n"
	r, err := Scan(context.Background(), strings.NewReader(in), func(o *Options) { o.Schema = red20Schema })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Columns {
		if c.Name == col {
			return c.Kinds
		}
	}
	t.Fatalf("no column %s", col)
	return nil
}

// TestRed20NumberLeadingZeros (red20 defect, low): Personalize reads an
// int, long, float or double field, TIMESTAMP among them, as a number, so
// "04111111111111111" in it is stored as 4111111111111111, a card. The
// scanner read the digits as written: 17 of them, starting with 0, which
// no network issues, so a card padded with zeros (or after "+0") passed as
// a clean number. In a numeric column it must be judged as the number the
// importer makes of it; in a string column it stays as written.
func TestRed20NumberLeadingZeros(t *testing.T) {
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	tests := []struct {
		name, col, cell string
		want            map[sensitive.Kind]int64
	}{
		{"long field, one zero", "PRICE", "04111111111111111", card},
		{"long field, three zeros", "PRICE", "0004111111111111111", card},
		{"long field, plus and zero", "PRICE", "+04111111111111111", card},
		{"long field, plus", "PRICE", "+4111111111111111", card},
		{"timestamp field, zeros", "TIMESTAMP", "004111111111111111", card},
		{"long field, as written", "PRICE", "4111111111111111", card},
		{"long field, zeros before a number that is no card", "PRICE", "0004111111111111112", nil},
		{"long field, zeros before a short number", "PRICE", "000000000000000001999", nil},
		{"long field, negative", "PRICE", "-04111111111111111", nil},
		{"timestamp field, zero-padded time", "TIMESTAMP", "00000001700000000", nil},
		{"string field keeps the zero", "NOTE", "04111111111111111", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, red20Kinds(t, tt.col, tt.cell)); diff != "" {
				t.Errorf("Kinds of %s %q (-want +got):\n%s", tt.col, tt.cell, diff)
			}
		})
	}
}
