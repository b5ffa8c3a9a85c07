package datascan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// numericSchema is a users schema whose identifying columns are numbers,
// as a export from a data frame writes them.
var numericSchema = &Schema{Fields: []Field{
	{"USER_ID", RoleUser}, {"SSN", RoleNumeric}, {"PHONE", RoleNumeric}, {"CARD_NUMBER", RoleNumeric}, {"NOTE", RoleString},
}}

// numericKinds scans one row against numericSchema, the cell under test
// in column col, and returns that column's kinds.
func numericKinds(t *testing.T, col, cell string) map[sensitive.Kind]int64 {
	t.Helper()
	return rowKinds(t, numericSchema, map[string]string{"USER_ID": "u1", "SSN": "1", "PHONE": "1", "CARD_NUMBER": "1", "NOTE": "x"}, col, cell)
}

// TestNumericCellAsStored (review of the import scan): Personalize stores a
// numeric field's value as the number it reads, so a cell is judged as that
// number too, its keyword's read included: 123456789.0 in an SSN column
// (what a data frame writes for an integer column with gaps) is the SSN
// 123456789, 0123456789 in it the same, and 4539703692581473.99999999 in a
// double column the card ...474 once a float64 holds it. They passed as
// written. A string column keeps the text as written; a price or a short
// decimal is no value.
func TestNumericCellAsStored(t *testing.T) {
	ssn := map[sensitive.Kind]int64{sensitive.SSN: 1}
	phone := map[sensitive.Kind]int64{sensitive.Phone: 1}
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	for _, tt := range []struct {
		name, col, cell string
		want            map[sensitive.Kind]int64
	}{
		{"an SSN as an integer", "SSN", "123456789", ssn},
		{"an SSN as a double", "SSN", "123456789.0", ssn},
		{"an SSN with a leading zero", "SSN", "0123456789", ssn},
		{"an SSN in exponent form", "SSN", "1.23456789e8", ssn},
		{"a phone as a double", "PHONE", "2125550187.0", phone},
		{"a card as a double", "CARD_NUMBER", "4539703692581474.0", card},
		{"a card a float64 rounds to", "CARD_NUMBER", "4539703692581473.99999999", card},
		{"a card in exponent form", "CARD_NUMBER", "45397036925814740e-1", card},
		{"a card with a fraction", "CARD_NUMBER", "4539703692581474.4", card},
		{"an SSN after a point", "SSN", ".123456789e9", ssn},
		{"a card after a point", "CARD_NUMBER", ".4539703692581474e16", card},
		{"an SSN with a plus, as a double", "SSN", "+123456789.0", ssn},
		{"a negative double, as a negative integer is read", "SSN", "-123456789.5", ssn},
		{"a negative integer", "SSN", "-123456789", ssn},
		{"a price", "CARD_NUMBER", "19.99", nil},
		{"a large amount", "CARD_NUMBER", "100013.45", nil},
		{"a short decimal", "SSN", "12345.5", nil},
		{"a string column keeps the text", "NOTE", "4539703692581473.99999999", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, numericKinds(t, tt.col, tt.cell)); diff != "" {
				t.Errorf("Kinds of %s %q (-want +got):\n%s", tt.col, tt.cell, diff)
			}
		})
	}
}

// TestDecimalForms: which forms a numeric cell's reading takes; a cell with
// a second point is no number, and takes none (a review found a cell of one
// number and thousands of points read once per point, in quadratic time).
func TestDecimalForms(t *testing.T) {
	var s scanner
	plain, keyword := &colStats{}, &colStats{keyword: true}
	for _, tt := range []struct {
		name string
		c    *colStats
		cell string
		want int
	}{
		{"a price", plain, "19.99", noForms},
		{"a time as a double", plain, "1700000123.0", noForms},
		{"an SSN as a double, after its keyword", keyword, "123456789.0", 9},
		{"a card as a double", plain, "4539703692581474.0", -1},
		{"fourteen integer digits", plain, "30569309025904.5", 14},
		{"an exponent", plain, "1.2e8", -1},
		{"two points", keyword, "123456789..", noForms},
		{"many points", keyword, "123456789" + strings.Repeat(".", 1000), noForms},
		{"no number", keyword, "123456789.0x", noForms},
	} {
		if got := s.decimalForms(tt.c, []byte(tt.cell)); got != tt.want {
			t.Errorf("%s: decimalForms(%.20q) = %d, want %d", tt.name, tt.cell, got, tt.want)
		}
	}
}
