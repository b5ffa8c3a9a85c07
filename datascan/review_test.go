package datascan

import (
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFieldsBoundedByHeader: a record of commas within MaxRecordBytes must
// not make the reader hold a field per comma (24 bytes of slice header and 8
// of offset each, many times the record): the reader stops at the header's
// count. Before the bound, a 1 MiB row of commas allocated over 100 MB.
func TestFieldsBoundedByHeader(t *testing.T) {
	for name, row := range map[string]string{
		"plain":  strings.Repeat(",", 1<<20-1),
		"quoted": strings.Repeat(`"",`, 1<<18),
	} {
		t.Run(name, func(t *testing.T) {
			in := "USER_ID,NOTE\nu1,n\n" + row + "\n"
			var err error
			allocs := testing.Benchmark(func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					_, err = Scan(t.Context(), strings.NewReader(in))
				}
			})
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrFieldCount) || pe.Row != 3 {
				t.Fatalf("Scan: %v, want a field count error at row 3", err)
			}
			if got := allocs.AllocedBytesPerOp(); got > 8<<20 {
				t.Errorf("Scan of a %d-byte row of commas allocated %d bytes", len(row), got)
			}
		})
	}
	// The header is bounded by MaxColumns the same way.
	_, err := Scan(t.Context(), strings.NewReader(strings.Repeat("C,", 1<<18)+"C\n"))
	if !errors.Is(err, ErrHeader) {
		t.Fatalf("Scan of a huge header: %v, want ErrHeader", err)
	}
}

// TestCardsHiddenAmongIDs: real card numbers mixed into a column of 16-digit
// IDs that no issuer range holds (so none of them passes the card checks by
// chance) were weighed against a 10% rate of all the column's numbers, which
// these IDs never reach: 8% real cards got VerdictChance. The allowance is
// now weighed against the numbers with an issuer prefix, here the cards
// alone.
func TestCardsHiddenAmongIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string { return randomDigits(r, n) }
	var b strings.Builder
	b.WriteString("ITEM_ID,NOTE\n")
	for i := range 2000 {
		if i%12 == 0 { // 167 real Visa numbers, 8% of the column
			s := "4" + digits(14)
			b.WriteString("x," + s + luhnDigit(s) + "\n")
			continue
		}
		b.WriteString("x,1" + digits(15) + "\n") // no issuer starts with 1
	}
	rep, err := Scan(t.Context(), strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Columns[1]; !c.Verdict.Blocking() {
		t.Errorf("NOTE: %d card findings among %d bare numbers, verdict %s; want blocking",
			c.Kinds["credit-card"], c.CardCandidates, c.Verdict)
	}
}

// TestHeaderlessFileRefused: without a schema, a file whose header is missing
// and whose first row's values happen to be Avro names ("jsmith,female,US")
// was taken for a header, and the values printed as column names in every
// report, JSON and table: the doc promised such a file is refused.
func TestHeaderlessFileRefused(t *testing.T) {
	in := "jsmith,female,US\nadoe,male,FR\n"
	rep, err := Scan(t.Context(), strings.NewReader(in))
	if !errors.Is(err, ErrHeader) {
		t.Fatalf("Scan: report %+v, error %v; want ErrHeader", rep, err)
	}
	noValueIn(t, err.Error(), in)
	_, err = Rewrite(t.Context(), io.Discard, strings.NewReader(in), testPseudonymizer(t))
	if !errors.Is(err, ErrHeader) {
		t.Fatalf("Rewrite: %v; want ErrHeader", err)
	}
}

// TestTrailingCRAtEOF: a file whose last line ends with "\r" and no "\n"
// (a CRLF file cut short) read the "\r" as part of the last field, so
// Rewrite gave that row's user the pseudonym of "u1\r", not of "u1", which
// the data plane sends: the user's history and live events no longer met.
func TestTrailingCRAtEOF(t *testing.T) {
	p := testPseudonymizer(t)
	want, err := p.UserID("u1")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"ITEM_ID,USER_ID\r\ni1,u1\r", "ITEM_ID,USER_ID\ni1,\"u1\"\r"} {
		var out strings.Builder
		if _, err := Rewrite(t.Context(), &out, strings.NewReader(in), p); err != nil {
			t.Fatalf("Rewrite(%q): %v", in, err)
		}
		if !strings.Contains(out.String(), ","+want+"\n") && !strings.Contains(out.String(), ","+want+"\r\n") {
			t.Errorf("Rewrite(%q) = %q; want the last USER_ID to be %s, the pseudonym of u1", in, out.String(), want)
		}
	}
}

// TestFewLongCardsNotChance: among fewer than 20 bare numbers, 17–19-digit
// card findings were always chance, however many: 9 real 19-digit cards
// among 19 numbers (47%, where chance gives about 2) got VerdictChance,
// though the documentation says three passing numbers make cards.
func TestFewLongCardsNotChance(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	digits := func(n int) string { return randomDigits(r, n) }
	for _, tt := range []struct {
		cards, ids int
		want       Verdict
	}{
		{cards: 9, ids: 10, want: VerdictIdentifying},
		{cards: 7, ids: 12, want: VerdictIdentifying},
		// The IDs start with 1, which no card network issues: five
		// Luhn-valid Visa numbers among them are not luck.
		{cards: 5, ids: 14, want: VerdictIdentifying},
		{cards: 2, ids: 17, want: VerdictChance},
		{cards: 2, ids: 0, want: VerdictChance},
	} {
		var b strings.Builder
		b.WriteString("ITEM_ID,NOTE\n")
		for range tt.cards {
			s := "4" + digits(17)
			b.WriteString("x," + s + luhnDigit(s) + "\n")
		}
		for i := 0; i < tt.ids; {
			if s := "1" + digits(18); !luhn(s) {
				b.WriteString("x," + s + "\n")
				i++
			}
		}
		rep, err := Scan(t.Context(), strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if c := rep.Columns[1]; c.Verdict != tt.want {
			t.Errorf("%d 19-digit cards among %d numbers: verdict %s, want %s", tt.cards, tt.cards+tt.ids, c.Verdict, tt.want)
		}
	}
}
