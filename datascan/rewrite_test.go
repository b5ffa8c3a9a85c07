package datascan

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

func testPseudonymizer(t testing.TB) *pseudonym.Pseudonymizer {
	t.Helper()
	raw := sha256.Sum256([]byte("datascan test key"))
	key, err := pseudonym.NewKey(3, raw[:])
	if err != nil {
		t.Fatal(err)
	}
	p, err := pseudonym.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stdRecords parses CSV with the standard library, the independent reader
// against which the rewriter's output is checked.
func stdRecords(t *testing.T, in string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(in, "\xef\xbb\xbf")))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv: %v", err)
	}
	return recs
}

// TestRewriteRoundTrip rewrites a file and reads both with encoding/csv: the
// same rows, only the identifier cells changed, each to the pseudonym the
// data-plane clients send for it.
func TestRewriteRoundTrip(t *testing.T) {
	p := testPseudonymizer(t)
	tests := []struct {
		name string
		in   string
	}{
		{name: "interactions with raw e-mails and phones", in: "USER_ID,ITEM_ID,SESSION_ID,TIMESTAMP,EVENT_TYPE\n" +
			"jane.doe@example.com,-3953814578718096702,+44 20 7946 0958,1700000000,click\n" +
			"bob@example.org,5521339841007652318,,1700000060,purchase\n" +
			"\"quoted, user\",i3,s3,1700000120,\"view\"\n" +
			",i4,s4,1700000180,click\n"},
		{name: "CRLF, BOM and multi-line text", in: "\xef\xbb\xbfITEM_ID,USER_ID,DESCRIPTION\r\n" +
			"i1,u1,\"Brass lamp, 40 cm.\r\nSays \"\"hello\"\".\"\r\n" +
			"i2,u1,plain\r\n"},
		{name: "generated items", in: readString(t, newItems(7, 256<<10))},
		{name: "generated interactions", in: readString(t, newInteractions(7, 256<<10))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if _, err := Rewrite(context.Background(), &out, strings.NewReader(tt.in), p); err != nil {
				t.Fatal(err)
			}
			in, got := stdRecords(t, tt.in), stdRecords(t, out.String())
			want := make([][]string, len(in))
			for i, rec := range in {
				want[i] = slices.Clone(rec)
				if i == 0 {
					continue
				}
				for j, name := range in[0] {
					if rec[j] == "" {
						continue
					}
					var err error
					switch name {
					case "USER_ID":
						want[i][j], err = p.UserID(rec[j])
					case "SESSION_ID":
						want[i][j], err = p.SessionID(rec[j])
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Rewrite mismatch (-want +got):\n%s", diff)
			}
			if crlf := strings.Contains(tt.in, "\r\n"); crlf != strings.HasSuffix(out.String(), "\r\n") {
				t.Errorf("input ends lines with CRLF: %v; output: %v", crlf, !crlf)
			}
		})
	}
}

func readString(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRewriteRefusesAndDrops(t *testing.T) {
	p := testPseudonymizer(t)
	const in = "USER_ID,ITEM_ID,NOTES,EMAIL\n" +
		"u1,i1,\"pay with 4111 1111 1111 1111\",jane@example.com\n" +
		"u2,i2,fine,bob@example.org\n"
	var out bytes.Buffer
	rep, err := Rewrite(context.Background(), &out, strings.NewReader(in), p)
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *RefusedError", err)
	}
	if diff := cmp.Diff([]string{"NOTES", "EMAIL"}, re.Columns); diff != "" {
		t.Errorf("refused columns mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(rep.FlaggedColumns(), re.Columns); diff != "" {
		t.Errorf("FlaggedColumns and the refusal disagree (-want +got):\n%s", diff)
	}
	noValueIn(t, err.Error(), in)

	out.Reset()
	rep, err = Rewrite(context.Background(), &out, strings.NewReader(in), p, func(o *Options) { o.Drop = rep.FlaggedColumns() })
	if err != nil {
		t.Fatal(err)
	}
	u1, _ := p.UserID("u1")
	u2, _ := p.UserID("u2")
	if want := "USER_ID,ITEM_ID\n" + u1 + ",i1\n" + u2 + ",i2\n"; out.String() != want {
		t.Errorf("Rewrite with Drop = %q, want %q", out.String(), want)
	}
	var dropped, pseudonymized []string
	for _, c := range rep.Columns {
		if c.Dropped {
			dropped = append(dropped, c.Name)
		}
		if c.Pseudonymized {
			pseudonymized = append(pseudonymized, c.Name)
		}
	}
	if diff := cmp.Diff([]string{"NOTES", "EMAIL"}, dropped); diff != "" {
		t.Errorf("dropped columns mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"USER_ID"}, pseudonymized); diff != "" {
		t.Errorf("pseudonymized columns mismatch (-want +got):\n%s", diff)
	}
}

// TestRewriteRefusesItemIDs: an ITEM_ID column of e-mail addresses cannot
// be dropped (the dataset needs it) nor pseudonymised (it is not a person's):
// Rewrite refuses it and FlaggedColumns leaves it out.
func TestRewriteRefusesItemIDs(t *testing.T) {
	const in = "USER_ID,ITEM_ID\nu1,jane@example.com\nu2,bob@example.org\n"
	rep, err := Rewrite(context.Background(), io.Discard, strings.NewReader(in), testPseudonymizer(t))
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *RefusedError", err)
	}
	if diff := cmp.Diff([]string{"ITEM_ID"}, re.Columns); diff != "" {
		t.Errorf("refused columns mismatch (-want +got):\n%s", diff)
	}
	if got := rep.FlaggedColumns(); len(got) != 0 {
		t.Errorf("FlaggedColumns() = %q, want none", got)
	}
}

func TestRewriteErrors(t *testing.T) {
	p := testPseudonymizer(t)
	u1, _ := p.UserID("u1")
	tests := []struct {
		name string
		in   string
		drop []string
		is   error
		as   any
	}{
		{name: "already pseudonymised", in: "USER_ID,ITEM_ID\nu0,i0\n" + u1 + ",i1\n", is: ErrPseudonym, as: new(*ParseError)},
		{name: "unknown column to drop", in: "USER_ID,ITEM_ID\nu1,i1\n", drop: []string{"ITEM"}, as: new(*SchemaError)},
		{name: "every column dropped", in: "USER_ID\nu1\n", drop: []string{"USER_ID"}, as: new(*SchemaError)},
		{name: "ragged", in: "USER_ID,ITEM_ID\nu1\n", is: ErrFieldCount, as: new(*ParseError)},
		{name: "identifier dropped", in: "USER_ID,ITEM_ID\nu1,i1\n", drop: []string{"user_id"}, as: new(*SchemaError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Rewrite(context.Background(), io.Discard, strings.NewReader(tt.in), p,
				func(o *Options) { o.Drop = tt.drop })
			if err == nil {
				t.Fatal("Rewrite succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			if !errors.As(err, tt.as) {
				t.Errorf("err = %v (%T), want %T", err, err, tt.as)
			}
			noValueIn(t, err.Error(), tt.in)
		})
	}
	if _, err := Rewrite(context.Background(), io.Discard, strings.NewReader("USER_ID\nu\n"), nil); err == nil {
		t.Error("Rewrite with a nil Pseudonymizer succeeded")
	}
}

// TestRewriteQuoting: fields are written back as they were, quoted only
// where RFC 4180 needs it.
func TestRewriteQuoting(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "plain", in: "ITEM_ID,X\ni1,a b\n", want: "ITEM_ID,X\ni1,a b\n"},
		{name: "needless quotes dropped", in: "ITEM_ID,X\n\"i1\",\"a\"\n", want: "ITEM_ID,X\ni1,a\n"},
		{name: "comma", in: "ITEM_ID,X\ni1,\"a,b\"\n", want: "ITEM_ID,X\ni1,\"a,b\"\n"},
		{name: "quote", in: "ITEM_ID,X\ni1,\"say \"\"hi\"\"\"\n", want: "ITEM_ID,X\ni1,\"say \"\"hi\"\"\"\n"},
		{name: "newline", in: "ITEM_ID,X\ni1,\"a\nb\"\n", want: "ITEM_ID,X\ni1,\"a\nb\"\n"},
		{name: "lone CR gets quotes", in: "ITEM_ID,X\ni\r1,x\n", want: "ITEM_ID,X\n\"i\r1\",x\n"},
		{name: "CRLF kept", in: "ITEM_ID,X\r\ni1,x\r\n", want: "ITEM_ID,X\r\ni1,x\r\n"},
		{name: "one empty column", in: "ITEM_ID\ni1\n\ni2\n", want: "ITEM_ID\ni1\n\"\"\ni2\n"},
		// The reader searches ahead of plain lines for the next quote or
		// CR: those after plain lines, near and past its buffer's end.
		{name: "lone CR after plain lines", in: "ITEM_ID,X\ni1,x\ni2,x\ni\r3,x\ni4,x\n", want: "ITEM_ID,X\ni1,x\ni2,x\n\"i\r3\",x\ni4,x\n"},
		{name: "quote after plain lines", in: "ITEM_ID,X\ni1,x\ni2,x\ni3,\"a,b\"\ni4,x\n", want: "ITEM_ID,X\ni1,x\ni2,x\ni3,\"a,b\"\ni4,x\n"},
		{name: "CRLF then lone CR", in: "ITEM_ID,X\r\ni1,x\r\ni2,x\r\ni\r3,x\r\ni4,x\r\n", want: "ITEM_ID,X\r\ni1,x\r\ni2,x\r\n\"i\r3\",x\r\ni4,x\r\n"},
		{name: "lone CR and quote past the buffer", in: "ITEM_ID,X\n" + strings.Repeat("i1,x\n", 20000) + "i\r2,x\n" + strings.Repeat("i1,x\n", 20000) + "i3,\"a,b\"\ni\r4,x\n",
			want: "ITEM_ID,X\n" + strings.Repeat("i1,x\n", 20000) + "\"i\r2\",x\n" + strings.Repeat("i1,x\n", 20000) + "i3,\"a,b\"\n\"i\r4\",x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if _, err := Rewrite(context.Background(), &out, strings.NewReader(tt.in), testPseudonymizer(t)); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("Rewrite(%.100q) mismatch (-want +got):\n%s", tt.in, cmp.Diff(tt.want, out.String()))
			}
		})
	}
}

// TestRewriteIdentifierSpans: a record that quotes nothing is written as it
// was read but for its identifiers, wherever they sit and whether or not
// they are empty; with a column dropped, or quotes, it is written field by
// field. Both give the same bytes. U and S stand for the pseudonyms of u1
// and s1.
func TestRewriteIdentifierSpans(t *testing.T) {
	p := testPseudonymizer(t)
	u, err := p.UserID("u1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.SessionID("s1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
		drop           []string
	}{
		{name: "first", in: "USER_ID,ITEM_ID,X\nu1,i1,x\n", want: "USER_ID,ITEM_ID,X\n{U},i1,x\n"},
		{name: "middle", in: "ITEM_ID,USER_ID,X\ni1,u1,x\n", want: "ITEM_ID,USER_ID,X\ni1,{U},x\n"},
		{name: "last", in: "ITEM_ID,X,USER_ID\ni1,x,u1\n", want: "ITEM_ID,X,USER_ID\ni1,x,{U}\n"},
		{name: "two", in: "USER_ID,ITEM_ID,SESSION_ID\nu1,i1,s1\n", want: "USER_ID,ITEM_ID,SESSION_ID\n{U},i1,{S}\n"},
		{name: "adjacent", in: "ITEM_ID,USER_ID,SESSION_ID\ni1,u1,s1\n", want: "ITEM_ID,USER_ID,SESSION_ID\ni1,{U},{S}\n"},
		{name: "empty identifiers", in: "USER_ID,ITEM_ID,SESSION_ID\n,i1,\nu1,,s1\n", want: "USER_ID,ITEM_ID,SESSION_ID\n,i1,\n{U},,{S}\n"},
		{name: "CRLF", in: "USER_ID,ITEM_ID\r\nu1,i1\r\nu1,i2", want: "USER_ID,ITEM_ID\r\n{U},i1\r\n{U},i2\r\n"},
		{name: "eol of the header", in: "USER_ID,ITEM_ID\nu1,i1\r\n", want: "USER_ID,ITEM_ID\n{U},i1\n"},
		{name: "quoted", in: "USER_ID,ITEM_ID,X\n\"u1\",i1,\"a,b\"\n", want: "USER_ID,ITEM_ID,X\n{U},i1,\"a,b\"\n"},
		{name: "dropped", in: "USER_ID,ITEM_ID,X\nu1,i1,x\n", drop: []string{"X"}, want: "USER_ID,ITEM_ID\n{U},i1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			for _, workers := range []int{1, 2} {
				out.Reset()
				if _, err := Rewrite(context.Background(), &out, strings.NewReader(tt.in), p, func(o *Options) {
					o.Drop, o.Workers = tt.drop, workers
				}); err != nil {
					t.Fatal(err)
				}
				want := strings.NewReplacer("{U}", u, "{S}", s).Replace(tt.want)
				if diff := cmp.Diff(want, out.String()); diff != "" {
					t.Errorf("workers=%d: Rewrite(%q) mismatch (-want +got):\n%s", workers, tt.in, diff)
				}
			}
		})
	}
}
