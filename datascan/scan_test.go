package datascan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// Real-shaped values. Hashed IDs are what many datasets use for USER_ID and
// ITEM_ID: signed 64-bit hashes (-3953814578718096702) or their unsigned
// 18–20-digit forms.
func signedHash(rng *rand.Rand) string   { return strconv.FormatInt(int64(rng.Uint64()), 10) }
func unsignedHash(rng *rand.Rand) string { return strconv.FormatUint(rng.Uint64()%9e18+1e17, 10) }

// randomDigits is a 16-digit number without leading zero: about one in ten
// passes Luhn, and most fall into some card issuer's range.
func randomDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	b[0] = byte('1' + rng.IntN(9))
	for i := 1; i < n; i++ {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// visa is a valid Visa number: 4, 14 random digits and the Luhn check digit.
func visa(rng *rand.Rand) string {
	s := "4" + randomDigits(rng, 15)[1:]
	return s + luhnDigit(s)
}

func luhnDigit(s string) string {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return strconv.Itoa((10 - sum%10) % 10)
}

// withLuhn appends the Luhn check digit to digits.
func withLuhn(digits string) string { return digits + luhnDigit(digits) }

func email(rng *rand.Rand) string { return fmt.Sprintf("customer.%d@example.com", rng.IntN(1e6)) }

// table builds a CSV with a header and n rows, each cell from its column's
// generator.
func table(n int, header string, cols ...func(*rand.Rand, int) string) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := range n {
		for j, c := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c(rng, i))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func gen(f func(*rand.Rand) string) func(*rand.Rand, int) string {
	return func(rng *rand.Rand, _ int) string { return f(rng) }
}

func constant(s string) func(*rand.Rand, int) string {
	return func(*rand.Rand, int) string { return s }
}

func timestamp(_ *rand.Rand, i int) string { return strconv.Itoa(1700000000 + i) }

func TestScanVerdicts(t *testing.T) {
	tests := []struct {
		name   string
		csv    string
		schema string
		want   map[string]Verdict // by column name
		// kinds found in the blocking columns; a chance column's are cards.
		kinds map[string][]sensitive.Kind
	}{
		{
			name: "hashed signed 64-bit IDs are IDs",
			csv:  table(2000, "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE", gen(signedHash), gen(signedHash), timestamp, constant("click")),
			want: map[string]Verdict{"USER_ID": VerdictChance, "ITEM_ID": VerdictChance, "TIMESTAMP": VerdictClean, "EVENT_TYPE": VerdictClean},
		},
		{
			name: "18–19-digit unsigned IDs are IDs",
			csv:  table(2000, "USER_ID,ITEM_ID", gen(unsignedHash), gen(unsignedHash)),
			want: map[string]Verdict{"USER_ID": VerdictChance, "ITEM_ID": VerdictChance},
		},
		{
			name: "random 16-digit IDs pass Luhn by chance",
			csv:  table(2000, "USER_ID,ITEM_ID", gen(func(r *rand.Rand) string { return randomDigits(r, 16) }), gen(signedHash)),
			want: map[string]Verdict{"USER_ID": VerdictChance, "ITEM_ID": VerdictChance},
		},
		{
			name: "19-digit cards are cards without a keyword",
			csv: table(300, "USER_ID,PAYMENT", gen(signedHash), gen(func(r *rand.Rand) string {
				s := "4" + randomDigits(r, 18)[1:]
				return s + luhnDigit(s)
			})),
			want:  map[string]Verdict{"USER_ID": VerdictChance, "PAYMENT": VerdictIdentifying},
			kinds: map[string][]sensitive.Kind{"PAYMENT": {sensitive.CreditCard}},
		},
		{
			name: "one 19-digit number that passes is an ID",
			csv:  "USER_ID,ITEM_ID\n" + withLuhn("411111111111111111") + ",i1\n",
			want: map[string]Verdict{"USER_ID": VerdictChance, "ITEM_ID": VerdictClean},
		},
		{
			name: "three 19-digit numbers that pass are cards",
			csv: "USER_ID,ITEM_ID\n" + withLuhn("411111111111111111") + ",i1\n" +
				withLuhn("411111111111111112") + ",i2\n" + withLuhn("411111111111111113") + ",i3\n",
			want:  map[string]Verdict{"USER_ID": VerdictPseudonymize, "ITEM_ID": VerdictClean},
			kinds: map[string][]sensitive.Kind{"USER_ID": {sensitive.CreditCard}},
		},
		{
			name: "a card among few numbers is a card",
			csv: table(10, "USER_ID,NOTE", gen(signedHash), func(r *rand.Rand, i int) string {
				if i == 3 {
					return "4111111111111111"
				}
				return randomDigits(r, 16)
			}),
			want:  map[string]Verdict{"USER_ID": VerdictClean, "NOTE": VerdictIdentifying},
			kinds: map[string][]sensitive.Kind{"NOTE": {sensitive.CreditCard}},
		},
		{
			name:  "a column of cards is cards",
			csv:   table(500, "USER_ID,PAYMENT", gen(signedHash), gen(visa)),
			want:  map[string]Verdict{"USER_ID": VerdictChance, "PAYMENT": VerdictIdentifying},
			kinds: map[string][]sensitive.Kind{"PAYMENT": {sensitive.CreditCard}},
		},
		{
			name:  "cards as user IDs are pseudonymised",
			csv:   table(500, "USER_ID,ITEM_ID", gen(visa), gen(signedHash)),
			want:  map[string]Verdict{"USER_ID": VerdictPseudonymize, "ITEM_ID": VerdictChance},
			kinds: map[string][]sensitive.Kind{"USER_ID": {sensitive.CreditCard}},
		},
		{
			name:  "one card in a short column is a card",
			csv:   "USER_ID,NOTE\nu1,4111111111111111\nu2,\n",
			want:  map[string]Verdict{"USER_ID": VerdictClean, "NOTE": VerdictIdentifying},
			kinds: map[string][]sensitive.Kind{"NOTE": {sensitive.CreditCard}},
		},
		{
			name:  "e-mail addresses as USER_ID",
			csv:   table(300, "USER_ID,ITEM_ID,TIMESTAMP", gen(email), gen(signedHash), timestamp),
			want:  map[string]Verdict{"USER_ID": VerdictPseudonymize, "ITEM_ID": VerdictChance, "TIMESTAMP": VerdictClean},
			kinds: map[string][]sensitive.Kind{"USER_ID": {sensitive.Email}},
		},
		{
			name:  "E.164 phones without separators",
			csv:   "USER_ID,PHONE\nu1,+442079460958\nu2,+12125550187\n",
			want:  map[string]Verdict{"USER_ID": VerdictClean, "PHONE": VerdictIdentifying},
			kinds: map[string][]sensitive.Kind{"PHONE": {sensitive.Phone}},
		},
		{
			name:  "phones in a session column",
			csv:   "USER_ID,SESSION_ID\nu1,+44 20 7946 0958\nu2,s2\n",
			want:  map[string]Verdict{"USER_ID": VerdictClean, "SESSION_ID": VerdictPseudonymize},
			kinds: map[string][]sensitive.Kind{"SESSION_ID": {sensitive.Phone}},
		},
		{
			name: "a card in a quoted, multi-line description",
			csv: "ITEM_ID,DESCRIPTION,PRICE\n" +
				"i1,\"A fine lamp.\nBrass, 40 cm.\",19.99\n" +
				"i2,\"Call \"\"us\"\"; pay with 4111 1111 1111 1111\",5\n",
			schema: `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[
				{"name":"ITEM_ID","type":"string"},
				{"name":"DESCRIPTION","type":["null","string"],"textual":true},
				{"name":"PRICE","type":"float"}],"version":"1.0"}`,
			want:  map[string]Verdict{"ITEM_ID": VerdictClean, "DESCRIPTION": VerdictIdentifying, "PRICE": VerdictClean},
			kinds: map[string][]sensitive.Kind{"DESCRIPTION": {sensitive.CreditCard}},
		},
		{
			name:  "an AWS key in a categorical column",
			csv:   "ITEM_ID,GENRE\ni1,drama\ni2,AKIAQWERTYUIOPASDF23\n",
			want:  map[string]Verdict{"ITEM_ID": VerdictClean, "GENRE": VerdictIdentifying},
			kinds: map[string][]sensitive.Kind{"GENRE": {sensitive.AWSAccessKey}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := mustSchema(t, tt.schema)
			rep, err := Scan(context.Background(), strings.NewReader(tt.csv), func(o *Options) { o.Schema = schema })
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Verdict{}
			gotKinds := map[string][]sensitive.Kind{}
			for _, c := range rep.Columns {
				got[c.Name] = c.Verdict
				if c.Verdict == VerdictChance {
					if diff := cmp.Diff(map[sensitive.Kind]int64{sensitive.CreditCard: c.Kinds[sensitive.CreditCard]}, c.Kinds); diff != "" {
						t.Errorf("chance column %s has other kinds (-want +got):\n%s", c.Name, diff)
					}
					// Hashed IDs pass by chance: about one in ten, the
					// issuer ranges taking some away.
					if rate := float64(c.Kinds[sensitive.CreditCard]) / float64(c.CardCandidates); c.CardCandidates >= minChanceSample && rate > 0.12 {
						t.Errorf("column %s: %.3f of the bare numbers pass as cards, want at most 0.12", c.Name, rate)
					}
					continue
				}
				if len(c.Kinds) > 0 {
					gotKinds[c.Name] = sortedKinds(c.Kinds)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("verdicts mismatch (-want +got):\n%s", diff)
			}
			if tt.kinds == nil {
				tt.kinds = map[string][]sensitive.Kind{}
			}
			if diff := cmp.Diff(tt.kinds, gotKinds); diff != "" {
				t.Errorf("kinds mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanReport(t *testing.T) {
	in := "USER_ID,ITEM_ID,TIMESTAMP\r\n" +
		"jane@example.com,i1,1700000000\r\n" +
		"u2,i2,1700000001\r\n" +
		"\"bob@example.org\",i3,1700000002\r\n"
	rep, err := Scan(context.Background(), strings.NewReader(in), func(o *Options) { o.Resource = "interactions.csv" })
	if err != nil {
		t.Fatal(err)
	}
	want := &Report{
		Resource: "interactions.csv", Rows: 3, Bytes: int64(len(in)),
		Columns: []Column{
			{Index: 1, Name: "USER_ID", Role: RoleUser, Rows: 3, Values: 3, Verdict: VerdictPseudonymize,
				Kinds:     map[sensitive.Kind]int64{sensitive.Email: 2},
				Positions: []Position{{Row: 2, Column: 1, Kind: sensitive.Email}, {Row: 4, Column: 1, Kind: sensitive.Email}}},
			{Index: 2, Name: "ITEM_ID", Role: RoleItem, Rows: 3, Values: 3, Verdict: VerdictClean},
			{Index: 3, Name: "TIMESTAMP", Role: RoleTimestamp, Rows: 3, Values: 3, Verdict: VerdictClean},
		},
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("Scan mismatch (-want +got):\n%s", diff)
	}
	if !rep.Blocking() {
		t.Error("Blocking() = false, want true")
	}
	p := rep.Posture()
	if diff := cmp.Diff([]string{"datascan.identifier.email"}, p.IDs()); diff != "" {
		t.Errorf("posture IDs mismatch (-want +got):\n%s", diff)
	}
	if got := p.Findings[0]; got.Severity != posture.High || got.Resource != "interactions.csv column 1 (USER_ID)" {
		t.Errorf("finding = %v, want a high finding on interactions.csv column 1 (USER_ID)", got)
	}
	for _, f := range p.Findings {
		if err := f.Validate(); err != nil {
			t.Errorf("finding %s: %v", f.ID, err)
		}
	}
}

func TestScanPostureIDs(t *testing.T) {
	in := table(400, "USER_ID,SESSION_ID,ITEM_ID,NOTES",
		gen(func(r *rand.Rand) string { return randomDigits(r, 16) }),
		func(r *rand.Rand, i int) string {
			if i == 9 {
				return "AKIAQWERTYUIOPASDF23"
			}
			return email(r)
		},
		gen(signedHash),
		func(r *rand.Rand, i int) string {
			if i == 7 {
				return "https://admin:hunter2hunter2@example.com/x"
			}
			return "ok"
		})
	rep, err := Scan(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	type finding struct {
		ID       string
		Severity posture.Severity
	}
	want := []finding{
		{"datascan.column.url-credentials", posture.Critical},
		{"datascan.identifier.aws-access-key", posture.Critical},
		{"datascan.identifier.email", posture.High},
		{"datascan.column.luhn-chance", posture.Info},
		{"datascan.column.luhn-chance", posture.Info},
	}
	var got []finding
	for _, f := range rep.Posture().Sorted().Findings {
		got = append(got, finding{f.ID, f.Severity})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("posture findings mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"NOTES"}, rep.FlaggedColumns()); diff != "" {
		t.Errorf("FlaggedColumns mismatch (-want +got):\n%s", diff)
	}
}

// TestScanNeverEchoesValues renders every output of a dirty scan and checks
// that no six bytes of any sensitive value appear in it.
func TestScanNeverEchoesValues(t *testing.T) {
	values := []string{
		"jane.doe@example.com", "4111111111111111", "+44 20 7946 0958", "GB82WEST12345698765432",
		"AKIAQWERTYUIOPASDF23", "123-45-6789", "https://admin:hunter2hunter2@example.com/x", "acct 912803456",
	}
	var b strings.Builder
	b.WriteString("USER_ID,ITEM_ID,NOTES\n")
	for i, v := range values {
		fmt.Fprintf(&b, "%q,item%d,%q\n", v, i, "note: "+v)
	}
	rep, err := Scan(context.Background(), strings.NewReader(b.String()), func(o *Options) { o.MaxPositions = 100 })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.NewEncoder(&out).Encode(rep); err != nil {
		t.Fatal(err)
	}
	p := rep.Posture()
	if err := p.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(&out, rep, p)
	if len(p.Findings) < len(values)-1 {
		t.Errorf("%d findings, want one per kind in each column", len(p.Findings))
	}
	for _, v := range values {
		for i := 0; i+6 <= len(v); i++ {
			if w := v[i : i+6]; strings.Contains(out.String(), w) {
				t.Errorf("output holds %q, part of a scanned value", w)
			}
		}
	}

	// Errors too: a malformed row after a dirty one.
	_, err = Scan(context.Background(), strings.NewReader("USER_ID,ITEM_ID\njane.doe@example.com,x\n4111111111111111,\"a\"b\n"))
	if err == nil {
		t.Fatal("Scan accepted a malformed row")
	}
	noValueIn(t, err.Error(), "jane.doe@example.com,4111111111111111")
}

func TestScanErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		schema string
		want   error // errors.Is target, or nil for a *SchemaError
		row    int64
		col    int
	}{
		{name: "empty input", in: "", want: ErrHeader, row: 1},
		{name: "no header: first row is data", in: "jane@example.com,1\nbob@example.com,2\n", want: ErrHeader, row: 1, col: 1},
		{name: "header with a blank name", in: "USER_ID,,X\n", want: ErrHeader, row: 1, col: 2},
		{name: "too many columns", in: strings.Repeat("C,", MaxColumns) + "C\n", want: ErrHeader, row: 1},
		{name: "repeated header name", in: "USER_ID,user_id\n", want: ErrHeader, row: 1, col: 2},
		{name: "ragged: too few", in: "USER_ID,ITEM_ID\nu1,i1\nu2\n", want: ErrFieldCount, row: 3},
		{name: "ragged: too many", in: "USER_ID,ITEM_ID\nu1,i1,x\n", want: ErrFieldCount, row: 2},
		{name: "blank line", in: "USER_ID,ITEM_ID\nu1,i1\n\nu2,i2\n", want: ErrFieldCount, row: 3},
		{name: "bare quote", in: "USER_ID,ITEM_ID\nu1,i\"1\n", want: ErrBareQuote, row: 2, col: 2},
		{name: "column not in schema", in: "USER_ID,EXTRA\nu1,x\n",
			schema: `{"type":"record","name":"I","fields":[{"name":"USER_ID","type":"string"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := mustSchema(t, tt.schema)
			rep, err := Scan(context.Background(), strings.NewReader(tt.in), func(o *Options) { o.Schema = schema })
			if rep != nil {
				t.Errorf("Scan returned a report with error %v", err)
			}
			if tt.want == nil {
				var se *SchemaError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want a *SchemaError", err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want a *ParseError wrapping %v", err, tt.want)
			}
			if pe.Row != tt.row || pe.Column != tt.col {
				t.Errorf("error at row %d column %d, want row %d column %d", pe.Row, pe.Column, tt.row, tt.col)
			}
			noValueIn(t, err.Error(), tt.in)
		})
	}
}

func TestScanCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Scan(ctx, newInteractions(1, 8<<20))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestParseSchema(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *Schema
		wantErr bool
	}{
		{
			name: "interactions",
			in: `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema","fields":[
				{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},
				{"name":"SESSION_ID","type":["null","string"]},{"name":"EVENT_TYPE","type":"string"},
				{"name":"EVENT_VALUE","type":["null","float"]},{"name":"TIMESTAMP","type":"long"},
				{"name":"DEVICE","type":["null","string"],"categorical":true},
				{"name":"REVIEW","type":{"type":"string"},"textual":true},{"name":"OTHER","type":"string"},
				{"name":"RATING","type":"int"},{"name":"PREMIUM","type":"boolean"},
				{"name":"IMPRESSION","type":["null","string"]}],"version":"1.0"}`,
			want: &Schema{Fields: []Field{
				{"USER_ID", RoleUser}, {"ITEM_ID", RoleItem}, {"SESSION_ID", RoleSession}, {"EVENT_TYPE", RoleEventType},
				{"EVENT_VALUE", RoleNumeric}, {"TIMESTAMP", RoleTimestamp}, {"DEVICE", RoleCategorical},
				{"REVIEW", RoleTextual}, {"OTHER", RoleString}, {"RATING", RoleNumeric}, {"PREMIUM", RoleCategorical},
				{"IMPRESSION", RoleItem},
			}},
		},
		{name: "not JSON", in: `{"type":`, wantErr: true},
		{name: "not a record", in: `{"type":"string"}`, wantErr: true},
		{name: "no fields", in: `{"type":"record","fields":[]}`, wantErr: true},
		{name: "bad name", in: `{"type":"record","fields":[{"name":"a b","type":"string"}]}`, wantErr: true},
		{name: "repeated name", in: `{"type":"record","fields":[{"name":"A","type":"string"},{"name":"A","type":"long"}]}`, wantErr: true},
		{name: "two-type union", in: `{"type":"record","fields":[{"name":"A","type":["string","long"]}]}`, wantErr: true},
		{name: "no type", in: `{"type":"record","fields":[{"name":"A"}]}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSchema([]byte(tt.in))
			if tt.wantErr {
				var se *SchemaError
				if !errors.As(err, &se) {
					t.Fatalf("ParseSchema(%q) err = %v, want a *SchemaError", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSchema mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBareNumberShortcuts holds the scanner's shortcuts to the detector's
// own answers: negative numbers and bare runs of up to 13 digits are not given
// to it, and 17–19-digit runs only after a keyword.
func TestBareNumberShortcuts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	d := sensitive.Default()
	for range 50000 {
		n := 1 + rng.IntN(25)
		s := randomDigits(rng, n)
		switch {
		case rng.IntN(2) == 0:
			s = "-" + s
		case n > 13 && (n < 17 || n > 19):
			continue
		case n >= 17 && n <= 19 && rng.IntN(2) == 0:
			s = visa(rng)[:1] + s[1:n-1]
			s += luhnDigit(s) // a card but for the keyword
		}
		if f, ok := d.First(s); ok {
			t.Fatalf("the detector finds %s in a bare number of %d digits; the scanner would miss it", f.Kind, n)
		}
	}
}

// TestConstantMemory measures what Scan and Rewrite allocate at two sizes:
// the larger input must not cost more. BenchmarkScanMemory runs Scan up to
// 1 GiB.
func TestConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	p := testPseudonymizer(t)
	for _, tt := range []struct {
		name   string
		run    func(io.Reader) error
		pooled bool // allocates through sync.Pool
	}{
		{"Scan", func(r io.Reader) error { _, err := Scan(context.Background(), r); return err }, false},
		{"Rewrite", func(r io.Reader) error { _, err := Rewrite(context.Background(), io.Discard, r, p); return err }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.pooled && raceEnabled {
				t.Skip("the race detector empties sync.Pool at random")
			}
			allocated := func(size int64) uint64 {
				in := newInteractions(5, size)
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				if err := tt.run(in); err != nil {
					t.Fatal(err)
				}
				runtime.ReadMemStats(&after)
				return after.TotalAlloc - before.TotalAlloc
			}
			small, large := allocated(1<<20), allocated(32<<20)
			t.Logf("allocated %d bytes for 1 MiB, %d bytes for 32 MiB", small, large)
			if large > small+64<<10 {
				t.Errorf("32 MiB allocated %d bytes, 1 MiB %d: memory grows with the input", large, small)
			}
		})
	}
}

func TestBareNumber(t *testing.T) {
	tests := []struct {
		in     string
		digits int
		ok     bool
	}{
		{"0", 1, true}, {"-1", 1, true}, {"+44", 2, true}, {"-", 0, false}, {"+", 0, false},
		{"1234567890123456789", 19, true}, {"-3953814578718096702", 19, true},
		{"12345678", 8, true}, {"1234567/", 0, false}, {"1234567:", 0, false}, {"/2345678", 0, false},
		{"123456789012345a", 0, false}, {"12345678901234\xb9", 0, false}, {"1234 5678", 0, false},
		{"--1", 0, false}, {"1-2", 0, false}, {"١٢٣", 0, false},
	}
	for _, tt := range tests {
		if digits, ok := bareNumber([]byte(tt.in)); digits != tt.digits || ok != tt.ok {
			t.Errorf("bareNumber(%q) = %d, %v, want %d, %v", tt.in, digits, ok, tt.digits, tt.ok)
		}
	}
	// Every byte value at every position of numbers of 1 to 24 digits,
	// signed or not: whole words, overlapping last words and short runs,
	// against a byte at a time.
	slow := func(b []byte) (int, bool) {
		d := b
		if b[0] == '-' || b[0] == '+' {
			d = b[1:]
		}
		if len(d) == 0 {
			return 0, false
		}
		for _, c := range d {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		return len(d), true
	}
	for n := 1; n <= 24; n++ {
		for _, sign := range []string{"", "-"} {
			num := sign + "123456789012345678901234"[:n]
			for pos := range len(num) {
				for c := range 256 {
					b := []byte(num)
					b[pos] = byte(c)
					digits, ok := bareNumber(b)
					if wantDigits, wantOK := slow(b); digits != wantDigits || ok != wantOK {
						t.Fatalf("bareNumber(%q) = %d, %v, want %d, %v", b, digits, ok, wantDigits, wantOK)
					}
				}
			}
		}
	}
}

func TestLuhn(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		s := randomDigits(rng, 13+rng.IntN(7))
		valid := s + luhnDigit(s)
		if !luhn(valid) {
			t.Fatalf("luhn(%q) = false, want true", valid)
		}
		wrong := valid[:len(valid)-1] + string('0'+(valid[len(valid)-1]-'0'+1)%10)
		if luhn(wrong) {
			t.Fatalf("luhn(%q) = true, want false", wrong)
		}
	}
}

// mustSchema parses an Avro schema, or returns nil for "".
func mustSchema(t *testing.T, avro string) *Schema {
	t.Helper()
	if avro == "" {
		return nil
	}
	s, err := ParseSchema([]byte(avro))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScanOptions(t *testing.T) {
	const in = "USER_ID,NOTES\njane@example.com,\"call +44 20 7946 0958\"\n"
	emailOnly, err := sensitive.New(func(o *sensitive.Options) { o.Kinds = []sensitive.Kind{sensitive.Email} })
	if err != nil {
		t.Fatal(err)
	}
	allowed, err := sensitive.New(func(o *sensitive.Options) { o.AllowList = []string{"jane@example.com"} })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  func(*Options)
		want map[string]Verdict
	}{
		{name: "default detector", opt: func(*Options) {},
			want: map[string]Verdict{"USER_ID": VerdictPseudonymize, "NOTES": VerdictIdentifying}},
		{name: "detector limited to e-mail", opt: func(o *Options) { o.Detector = emailOnly },
			want: map[string]Verdict{"USER_ID": VerdictPseudonymize, "NOTES": VerdictClean}},
		{name: "allow-listed address", opt: func(o *Options) { o.Detector = allowed },
			want: map[string]Verdict{"USER_ID": VerdictClean, "NOTES": VerdictIdentifying}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Scan(context.Background(), strings.NewReader(in), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Verdict{}
			for _, c := range rep.Columns {
				got[c.Name] = c.Verdict
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("verdicts mismatch (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("MaxRecordBytes", func(t *testing.T) {
		_, err := Scan(context.Background(), strings.NewReader(in), func(o *Options) { o.MaxRecordBytes = 20 })
		if !errors.Is(err, ErrRecordTooLong) {
			t.Errorf("err = %v, want ErrRecordTooLong", err)
		}
	})
	t.Run("MaxPositions", func(t *testing.T) {
		rep, err := Scan(context.Background(), strings.NewReader(table(50, "USER_ID", gen(email))), func(o *Options) { o.MaxPositions = 2 })
		if err != nil {
			t.Fatal(err)
		}
		want := []Position{{Row: 2, Column: 1, Kind: sensitive.Email}, {Row: 3, Column: 1, Kind: sensitive.Email}}
		if diff := cmp.Diff(want, rep.Columns[0].Positions); diff != "" {
			t.Errorf("positions mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("Progress", func(t *testing.T) {
		var got []Progress
		const size = 10 << 20
		rep, err := Scan(context.Background(), newInteractions(1, size), func(o *Options) {
			o.Progress = func(p Progress) { got = append(got, p) }
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 2 {
			t.Fatalf("Progress called %d times for %d bytes, want one per 4 MiB and one at the end", len(got), size)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Bytes <= got[i-1].Bytes || got[i].Rows <= got[i-1].Rows {
				t.Errorf("progress went backwards: %+v after %+v", got[i], got[i-1])
			}
		}
		if last := got[len(got)-1]; last.Bytes != rep.Bytes || last.Rows != rep.Rows {
			t.Errorf("last progress %+v, want the report's %d bytes and %d rows", last, rep.Bytes, rep.Rows)
		}
	})
}

// TestMemo: a categorical column's memo knows exactly the values it was
// given, however alike others are (zero bytes where the word is padded,
// long values with the same first eight bytes).
func TestMemo(t *testing.T) {
	given := []string{"click", "view", "add-to-cart", "add-to-wishlist", "ab", "12345678", "\x00"}
	probes := append([]string{"", "clic", "clicks", "click\x00", "ab\x00", "a", "\x00\x00", "add-to-car", "add-to-cartx",
		"add-to-wishlisT", "12345678\x00", "1234567", strings.Repeat("x", memoLen), strings.Repeat("x", memoLen+1)}, given...)
	c := colStats{memo: true}
	for _, v := range given {
		c.remember([]byte(v))
	}
	for _, p := range probes {
		if got, want := c.known([]byte(p)), slices.Contains(given, p); got != want {
			t.Errorf("known(%q) = %v, want %v", p, got, want)
		}
	}
	// Only categorical columns keep a memo, and only of short values.
	long := colStats{memo: true}
	long.remember([]byte(strings.Repeat("x", memoLen+1)))
	off := colStats{}
	off.remember([]byte("click"))
	if long.known([]byte(strings.Repeat("x", memoLen+1))) || off.known([]byte("click")) {
		t.Error("a memo kept a long value or one of a column that keeps none")
	}
}
