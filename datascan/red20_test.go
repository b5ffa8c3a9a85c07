package datascan

import (
	"context"
	"regexp"
	"strconv"
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
	return rowKinds(t, red20Schema, map[string]string{"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": "1700000000", "PRICE": "9.99",
		"DESCRIPTION": "x", "NOTE": "x"}, col, cell)
}

// rowKinds scans one row against schema, with a header of its fields'
// names, row's cells and cell in column col, and returns that column's
// kinds.
func rowKinds(t *testing.T, schema *Schema, row map[string]string, col, cell string) map[sensitive.Kind]int64 {
	t.Helper()
	row[col] = cell
	var names, cells []string
	for _, f := range schema.Fields {
		names = append(names, f.Name)
		cells = append(cells, quoteCell(row[f.Name]))
	}
	in := strings.Join(names, ",") + "\n" + strings.Join(cells, ",") + "\n"
	r, err := Scan(context.Background(), strings.NewReader(in), func(o *Options) { o.Schema = schema })
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

// textCell is a text cell and the kinds red20Kinds should find in it.
type textCell struct {
	name, cell string
	want       map[sensitive.Kind]int64
}

// checkTextCells holds red20Kinds to each case's kinds, with the cell in a
// DESCRIPTION and a NOTE column.
func checkTextCells(t *testing.T, tests []textCell) {
	t.Helper()
	for _, col := range []string{"DESCRIPTION", "NOTE"} {
		for _, tt := range tests {
			t.Run(col+"/"+tt.name, func(t *testing.T) {
				if diff := cmp.Diff(tt.want, red20Kinds(t, col, tt.cell)); diff != "" {
					t.Errorf("Kinds of %s %q (-want +got):\n%s", col, tt.cell, diff)
				}
			})
		}
	}
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

// TestRed20Markup (red20 defect, medium): a text column's cell reached the
// detector as written, so a supplier could write an identifying value in
// HTML — an entity for one character ("john&#64;example.com"), a
// non-breaking space between a card's groups, an empty tag inside an
// address — and pass the scan, though anyone who shows the text, and
// Personalize itself (which removes HTML and XML markup from textual fields
// before it uses them), reads the value. A cell holding '&' or '<' that the
// detector finds nothing in is read again as text: tags removed, entities
// decoded. Text that only looks like markup stays clean.
func TestRed20Markup(t *testing.T) {
	tests := []textCell{
		{"decimal entity for @", "contact john&#64;example.com", map[sensitive.Kind]int64{sensitive.Email: 1}},
		{"hex entity for @", "contact john&#x40;example.com", map[sensitive.Kind]int64{sensitive.Email: 1}},
		{"named entity for .", "john@example&period;com", map[sensitive.Kind]int64{sensitive.Email: 1}},
		{"empty tag in an address", "contact john<b></b>@example.com", map[sensitive.Kind]int64{sensitive.Email: 1}},
		{"comment in an address", "contact john<!-- x -->@example.com", map[sensitive.Kind]int64{sensitive.Email: 1}},
		{"no-break spaces between a card's groups", "card 4111&nbsp;1111&nbsp;1111&nbsp;1111", map[sensitive.Kind]int64{sensitive.CreditCard: 1}},
		// As shown, four lines, as the same text with line breaks in a
		// quoted cell is (red21: joining them flagged 1 in 27 tables).
		{"line breaks between a card's groups", "card 4111<br>1111<br/>1111<br>1111", nil},
		{"inline tags between a card's groups", "card 4111<span>1111</span>1111<b>1111</b>", map[sensitive.Kind]int64{sensitive.CreditCard: 1}},
		{"entities in an SSN", "ssn 123&#45;45&#45;6789", map[sensitive.Kind]int64{sensitive.SSN: 1}},
		{"no-break spaces in a phone", "call +1&nbsp;202&nbsp;555&nbsp;0143", map[sensitive.Kind]int64{sensitive.Phone: 1}},
		{"markup around nothing", "Tom &amp; Jerry <i>1940</i>, 4 &lt; 5 & 6 > 3", nil},
		{"a bare <", "sizes < 42 and 44 <", nil},
		{"found as written", "<p>john@example.com</p>", map[sensitive.Kind]int64{sensitive.Email: 1}},
		// A finding as written does not end the read: a policy that
		// accepts the column's e-mails must still see its card.
		{"a card in markup beside an e-mail", "mail help@example.com, card 4111&nbsp;1111&nbsp;1111&nbsp;1111",
			map[sensitive.Kind]int64{sensitive.Email: 1, sensitive.CreditCard: 1}},
		{"an e-mail as written and in markup", "help@example.com or jane&#64;example.com", map[sensitive.Kind]int64{sensitive.Email: 1}},
	}
	checkTextCells(t, tests)
}

// BenchmarkRed20Adversarial scans inputs a supplier can shape to make each
// byte cost most, 4 MiB each, against prose of the same size:
// digit-runs, text cells of single digits between blanks;
// keyword-digit-runs, the same in an ACCOUNT_NUMBER column (each run read
// again after the name, in a window of up to 96 bytes); markup-open, text cells of '<' and a letter never closed;
// markup-entities, text cells of entities that decode to nothing found.
func BenchmarkRed20Adversarial(b *testing.B) {
	const size = 4 << 20
	fill := func(header, unit string, cell int) string {
		var sb strings.Builder
		sb.WriteString(header + "\n")
		c := strings.Repeat(unit, cell/len(unit))
		for i := 0; sb.Len() < size; i++ {
			sb.WriteString("u" + strconv.Itoa(i) + `,"` + c + "\"\n")
		}
		return sb.String()
	}
	for _, tt := range []struct{ name, in string }{
		{"prose", fill("USER_ID,NOTE", "the quick brown fox jumps over the lazy dog ", 8<<10)},
		{"digit-runs", fill("USER_ID,NOTE", "1 ", 8<<10)},
		{"keyword-digit-runs", fill("USER_ID,ACCOUNT_NUMBER", "1 ", 8<<10)},
		{"markup-open", fill("USER_ID,NOTE", "<a", 8<<10)},
		{"markup-entities", fill("USER_ID,NOTE", "&#64;&amp;<b>", 8<<10)},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.in)))
			b.ReportAllocs()
			defer cpuThroughput(b, int64(len(tt.in)))()
			for b.Loop() {
				if _, err := Scan(context.Background(), strings.NewReader(tt.in)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRed20KeywordColumnReadCost (red20 defect, medium, cost): a cell of
// a keyword column (ACCOUNT_NUMBER, SSN, PHONE, ...) is read again after
// the column's name from each later run of digits, in a window of up to 96
// bytes (jsontext.LaterDigitRuns). A supplier who fills such a column with
// single digits between blanks ("1 1 1 1 ...") makes every second byte
// start a window: the detector reads about 55 bytes for each byte of the
// file, and the detector is slowest on exactly that text
// (BenchmarkRed20Adversarial/keyword-digit-runs: 1.0–1.5 MB per CPU-second
// against 2,900 for prose, so the guard's 8 MiB import sample costs several
// CPU-seconds and a 1 GiB file in the CLI a quarter of an hour). The test
// counts the bytes the detector is handed, through a caller rule that sees
// every text, and wants them bounded by a small multiple of the input.
//
// The fix is not small: a later run's value can span many runs ("1
// 912\x00803\x00456" after ACCOUNT_NUMBER is an account number, and the
// detector reads through control bytes), so shortening windows or skipping
// runs is unsound without knowing the detector's longest keyword value in
// runs. It needs an entry point in package sensitive that tests a keyword's
// value at many offsets of one text in one pass, or a bound on the windows
// that sensitive guarantees.
func TestRed20KeywordColumnReadCost(t *testing.T) {
	t.Skip("defect: a keyword column of dense digit runs makes the detector read ~55 bytes per input byte; see the comment")
	var handed int
	d, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "count", Pattern: regexp.MustCompile(`(?s)\A.+`), Validate: func(m string) bool {
			handed += len(m)
			return false
		}}}
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, header, unit string }{
		{"prose in a keyword column", "USER_ID,ACCOUNT_NUMBER", "opened at the branch on the corner "},
		{"digit runs in a plain column", "USER_ID,NOTE", "1 "},
		{"digit runs in a keyword column", "USER_ID,ACCOUNT_NUMBER", "1 "},
	}
	const maxRatio = 8
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.header + "\n"
			for i := range 64 {
				in += "u" + strconv.Itoa(i) + `,"` + strings.Repeat(tt.unit, 2048/len(tt.unit)) + "\"\n"
			}
			handed = 0
			if _, err := Scan(context.Background(), strings.NewReader(in), func(o *Options) { o.Detector = d }); err != nil {
				t.Fatal(err)
			}
			if ratio := handed / len(in); ratio > maxRatio {
				t.Errorf("the detector read %d bytes for %d of input, %d per byte; want at most %d", handed, len(in), ratio, maxRatio)
			}
		})
	}
}

// TestRed20KeywordColumnKeepsCards (red20 defect, medium): a cell of a
// keyword column that the read after the column's name found something in
// was not scanned alone, so its cards, which that read leaves to the
// column's own judgement, were never counted: "912803456 4111-1111-1111-1111"
// in ACCOUNT_NUMBER reported an account number and no card. A policy that
// accepts account numbers there (InsecureIgnoreFindings
// datascan.column.account-number) let the cards through unreported. Each
// kind still counts once per cell.
func TestRed20KeywordColumnKeepsCards(t *testing.T) {
	tests := []struct {
		column string
		cells  []string
		want   map[sensitive.Kind]int64
	}{
		{"ACCOUNT_NUMBER", []string{"912803456 4111-1111-1111-1111"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 1, sensitive.CreditCard: 1}},
		{"ACCOUNT_NUMBER", []string{"gold 912803456 card 4111111111111111"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 1, sensitive.CreditCard: 1}},
		{"ACCOUNT_NUMBER", []string{"912803456", "4111111111111111"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 1, sensitive.CreditCard: 1}},
		{"SSN", []string{"123456789 jane.roe@example.com 5500 0000 0000 0004"}, map[sensitive.Kind]int64{sensitive.SSN: 1, sensitive.Email: 1, sensitive.CreditCard: 1}},
		{"ACCOUNT_NUMBER", []string{"912803456 jane.roe@example.com", "912803457 x"}, map[sensitive.Kind]int64{sensitive.AccountNumber: 2, sensitive.Email: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.column+"/"+tt.cells[0], func(t *testing.T) {
			r := scanColumn(t, tt.column, tt.cells)
			if diff := cmp.Diff(tt.want, r.Columns[1].Kinds); diff != "" {
				t.Errorf("Kinds of %s (-want +got):\n%s", tt.column, diff)
			}
		})
	}
}

// TestRed20LoneCR: datascan reads a lone "\r" in an unquoted field as data
// (RFC 4180), where a reader that takes it for a line break (as Hadoop's
// line reader does) starts a new record after it. What follows it is still
// scanned, as part of the cell: a value there is found whichever column
// that reader would put it in, and the column the scanner sees judges it
// no more leniently (a card after "\r" is no bare card, so never chance).
func TestRed20LoneCR(t *testing.T) {
	tests := []struct {
		name, header, row string
		col               int
		want              map[sensitive.Kind]int64
		verdict           Verdict
	}{
		{"e-mail after CR", "USER_ID,ITEM_ID", "u1\rjane.roe@example.com,i1", 0, map[sensitive.Kind]int64{sensitive.Email: 1}, VerdictPseudonymize},
		{"account number after CR in a keyword column", "USER_ID,ACCOUNT_NUMBER", "u1,x\r912803456", 1, map[sensitive.Kind]int64{sensitive.AccountNumber: 1}, VerdictIdentifying},
		{"card after CR", "USER_ID,ITEM_ID", "x\r4111111111111111,i1", 0, map[sensitive.Kind]int64{sensitive.CreditCard: 1}, VerdictPseudonymize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Scan(context.Background(), strings.NewReader(tt.header+"\n"+tt.row+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			type got struct {
				Kinds   map[sensitive.Kind]int64
				Verdict Verdict
			}
			if diff := cmp.Diff(got{tt.want, tt.verdict}, got{r.Columns[tt.col].Kinds, r.Columns[tt.col].Verdict}); diff != "" {
				t.Errorf("column %d (-want +got):\n%s", tt.col+1, diff)
			}
		})
	}
}
