package datascan

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestKeywordColumn: a column whose name is a keyword for the detector has
// its cells read after that name, as the guards read a value after the
// name it is sent under. In an ACCOUNT_NUMBER or SSN column, bare digits
// are identifying; under other names the same digits are not (found by
// red11: TestRed11ImportColumnNamedForItsValues in package personalize).
func TestKeywordColumn(t *testing.T) {
	tests := []struct {
		column string
		cells  []string
		want   map[sensitive.Kind]int64 // the column's Kinds
	}{
		{"ACCOUNT_NUMBER", []string{"912803456", "912803457", "100234"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 3}},
		{"ACCT_NO", []string{"912803456"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 1}},
		// A number after other text is read after the name too, as the
		// guards read a value (jsontext.EachNamed); once per cell.
		{"ACCOUNT_NUMBER", []string{"gold 912803456", "gold|912803456", "no. 912803456 and 912803457", "tier 2"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 3}},
		{"SSN", []string{"123456789", "123456780"}, map[sensitive.Kind]int64{sensitive.SSN: 2}},
		{"PHONE", []string{"212 555 0187"}, map[sensitive.Kind]int64{sensitive.Phone: 1}},
		{"AWS_SECRET_ACCESS_KEY", []string{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, map[sensitive.Kind]int64{sensitive.AWSSecretKey: 1}},
		// Found alone too: counted once.
		{"ACCOUNT_EMAIL", []string{"jane.doe@example.com"}, map[sensitive.Kind]int64{sensitive.Email: 1}},
		// Cards keep the column's own judgement: a CARD_ID column of
		// numeric IDs is not cards because of its name.
		{"CARD_ID", []string{"4222222222222", "912803456123"}, nil},
		// Names that are no keyword: the digits are what they are alone.
		{"PRICE", []string{"123456", "912803456"}, nil},
		{"CREATION_TIMESTAMP", []string{"1732800000", "1732800000123"}, nil},
		{"ZIP", []string{"941030000"}, nil},
		{"SKU", []string{"912803456"}, nil},
		// A keyword column's short values and words: nothing after the name.
		{"ACCOUNT_TYPE", []string{"premium", "12345"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.column, func(t *testing.T) {
			r := scanColumn(t, tt.column, tt.cells)
			got := r.Columns[1].Kinds
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Kinds of %s (-want +got):\n%s", tt.column, diff)
			}
			if u := r.Columns[0].Kinds; u != nil {
				t.Errorf("USER_ID has findings %v", u)
			}
		})
	}
}

// scanColumn scans a CSV of a USER_ID column and one named column whose
// cells are cells, a row each.
func scanColumn(t *testing.T, column string, cells []string) *Report {
	t.Helper()
	csv := "USER_ID," + column + "\n"
	for i, c := range cells {
		csv += "u" + string(rune('a'+i)) + "," + quoteCell(c) + "\n"
	}
	r, err := Scan(context.Background(), strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func quoteCell(s string) string {
	if strings.ContainsAny(s, ",\"\n ") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// TestKeywordColumnDetectorKinds: a detector that looks for none of the
// kinds a keyword makes (e-mail only) reads no column after its name.
func TestKeywordColumnDetectorKinds(t *testing.T) {
	d, err := sensitive.New(func(o *sensitive.Options) { o.Kinds = []sensitive.Kind{sensitive.Email} })
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ACCOUNT_NUMBER", "SSN", "PHONE", "PRICE"} {
		if keywordColumn(d, name) {
			t.Errorf("keywordColumn(e-mail detector, %q) = true, want false", name)
		}
	}
	if !keywordColumn(sensitive.Default(), "ACCOUNT_NUMBER") {
		t.Errorf("keywordColumn(Default, ACCOUNT_NUMBER) = false, want true")
	}
}

// FuzzKeywordColumn: reading a column's cells after its name only adds
// findings; a column that is identifying under a neutral name stays so
// under a keyword name, and no cell makes Scan fail for its column's name.
func FuzzKeywordColumn(f *testing.F) {
	for _, s := range []string{"912803456", "4111111111111111", "jane.doe@example.com", "123-45-6789", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "１２３４５６７８９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		if strings.ContainsAny(cell, "\r\n") {
			return // one record per cell
		}
		body := ""
		for i := range 3 {
			body += "u" + string(rune('a'+i)) + "," + quoteCell(cell) + "\n"
		}
		scan := func(column string) *Report {
			r, err := Scan(context.Background(), strings.NewReader("USER_ID,"+column+"\n"+body))
			if err != nil {
				t.Skip() // not a cell this CSV can hold (a bare quote): the same for both names
			}
			return r
		}
		neutral, keyword := scan("NOTE"), scan("ACCOUNT_NUMBER")
		if neutral.Columns[1].Verdict.Blocking() && !keyword.Columns[1].Verdict.Blocking() {
			t.Errorf("identifying under NOTE (%v), not under ACCOUNT_NUMBER (%v)", neutral.Columns[1].Kinds, keyword.Columns[1].Kinds)
		}
	})
}
