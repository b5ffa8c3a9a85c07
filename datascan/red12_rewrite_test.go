package datascan

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12RewriteNeverWritesRawIDs (red12): hostile but well-formed CSVs.
// Whatever the quoting, line endings, byte order mark or header case, the
// output, read back with encoding/csv, has the input's rows with every
// non-empty USER_ID and SESSION_ID cell replaced by its pseudonym, and no
// raw identifier anywhere in its bytes, for one worker and for several.
func TestRed12RewriteNeverWritesRawIDs(t *testing.T) {
	p := testPseudonymizer(t)
	tests := []struct {
		name, in string
		raw      []string // identifiers that must not appear in the output
	}{
		{"newline inside a quoted ID", "USER_ID,ITEM_ID\n\"jane\n.doe@example.com\",i1\n", []string{"jane\n.doe@example.com", ".doe@example.com"}},
		{"doubled quotes inside an ID", "USER_ID,ITEM_ID\n\"jane\"\"doe\"\"@example.com\",i1\n", []string{"doe\"@example.com", "doe\"\"@example.com"}},
		{"comma inside an ID", "ITEM_ID,USER_ID\ni1,\"doe,jane@example.com\"\n", []string{"jane@example.com"}},
		{"BOM and CRLF", "\xef\xbb\xbfUSER_ID,SESSION_ID,ITEM_ID\r\njane.doe@example.com,sess-912803456,i1\r\n", []string{"jane.doe@example.com", "sess-912803456"}},
		{"BOM before a quoted header", "\xef\xbb\xbf\"USER_ID\",\"ITEM_ID\"\njane.doe@example.com,i1\n", []string{"jane.doe@example.com"}},
		{"lower-case header names", "user_id,session_id,item_id\njane.doe@example.com,s1,i1\n", []string{"jane.doe@example.com"}},
		{"mixed-case header names", "User_Id,Item_Id\njane.doe@example.com,i1\n", []string{"jane.doe@example.com"}},
		{"empty IDs stay empty", "USER_ID,SESSION_ID,ITEM_ID\n,,i1\njane.doe@example.com,,i2\n,s9,i3\n", []string{"jane.doe@example.com"}},
		{"quoted empty ID", "USER_ID,ITEM_ID\n\"\",i1\njane.doe@example.com,i2\n", []string{"jane.doe@example.com"}},
		{"ID of blanks", "USER_ID,ITEM_ID\n\" \",i1\n", nil},
		{"ID as the last field, no final newline", "ITEM_ID,USER_ID\ni1,jane.doe@example.com", []string{"jane.doe@example.com"}},
		{"ID as the last field, final CR cut short", "ITEM_ID,USER_ID\r\ni1,jane.doe@example.com\r", []string{"jane.doe@example.com"}},
		{"only an ID column", "USER_ID\njane.doe@example.com\n", []string{"jane.doe@example.com"}},
		{"pseudonym-shaped but not one", "USER_ID,ITEM_ID\npu1_notapseudonym,i1\n", []string{"pu1_notapseudonym"}},
		{"quoted and plain rows mixed", "USER_ID,ITEM_ID,PRICE\n\"a,b\",i1,1\nplainuser,i2,2\n\"q\"\"uote\",\"i,3\",3\n", []string{"plainuser", "q\"uote", "a,b"}},
		{"a lone CR inside an unquoted ID", "USER_ID,ITEM_ID\njane\r.doe@example.com,i1\n", []string{".doe@example.com"}},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				var out bytes.Buffer
				_, err := Rewrite(context.Background(), &out, strings.NewReader(tt.in), p, func(o *Options) { o.Workers = workers })
				if err != nil {
					t.Fatalf("Rewrite: %v", err)
				}
				for _, raw := range tt.raw {
					if bytes.Contains(out.Bytes(), []byte(raw)) {
						t.Errorf("output holds the raw identifier %q:\n%q", raw, out.String())
					}
				}
				want := stdRecords(t, strings.TrimSuffix(tt.in, "\r"))
				for j, name := range want[0] {
					role, _ := reservedRole(name)
					for _, rec := range want[1:] {
						if j >= len(rec) || rec[j] == "" {
							continue
						}
						switch role {
						case RoleUser:
							rec[j], _ = p.UserID(rec[j])
						case RoleSession:
							rec[j], _ = p.SessionID(rec[j])
						}
					}
				}
				r := csv.NewReader(bytes.NewReader(out.Bytes()))
				got, err := r.ReadAll()
				if err != nil {
					t.Fatalf("output is not CSV: %v\n%q", err, out.String())
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("records (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestRed12ErrorsHoldNoData (red12): every error Scan and Rewrite return
// for a hostile input, malformed or refused, names rows, columns and rules,
// never a cell of the data, a header cell that may be data, or a column
// name given in Options.Drop that the header lacks.
func TestRed12ErrorsHoldNoData(t *testing.T) {
	p := testPseudonymizer(t)
	const secret = "jane.doe@example.com"
	const acct = "912803456"
	pseudo, err := p.UserID("someone")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		drop     []string
		schema   string
		wantIs   error
	}{
		{"headerless, e-mail first", secret + ",i1\n", nil, "", ErrHeader},
		{"header repeats USER_ID in another case", "USER_ID,user_id\n" + secret + "," + secret + "\n", nil, "", ErrHeader},
		{"bare quote after an e-mail", "USER_ID,ITEM_ID\n" + secret + "\"x,i1\n", nil, "", ErrBareQuote},
		{"text after closing quote", "USER_ID,ITEM_ID\n\"" + secret + "\"x,i1\n", nil, "", ErrQuote},
		{"unterminated quote", "USER_ID,ITEM_ID\n\"" + secret + ",i1\n", nil, "", ErrUnterminatedQuote},
		{"too many fields", "USER_ID,ITEM_ID\n" + secret + ",i1," + acct + "\n", nil, "", ErrFieldCount},
		{"too few fields", "USER_ID,ITEM_ID\n" + secret + "\n", nil, "", ErrFieldCount},
		{"record too long", "USER_ID,ITEM_ID\n" + secret + "," + strings.Repeat(acct, 200_000) + "\n", nil, "", ErrRecordTooLong},
		{"quoted record too long", "USER_ID,ITEM_ID\n\"" + secret + strings.Repeat("\n"+acct, 200_000) + "\",i1\n", nil, "", ErrRecordTooLong},
		{"pseudonym already", "USER_ID,ITEM_ID\n" + pseudo + ",i1\n", nil, "", ErrPseudonym},
		{"drop names a column missing", "USER_ID,ITEM_ID\nu1,i1\n", []string{secret}, "", nil},
		{"header not in schema", "USER_ID,ITEM_ID,jdoe_" + acct + "\nu1,i1,x\n", nil,
			`{"type":"record","name":"I","fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"}]}`, nil},
		{"refused column", "USER_ID,ITEM_ID,NOTE\nu1,i1," + secret + "\n", nil, "", nil},
		{"refused account column", "USER_ID,ITEM_ID,ACCOUNT_NUMBER\nu1,i1," + acct + "\n", nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var schema *Schema
			if tt.schema != "" {
				var err error
				if schema, err = ParseSchema([]byte(tt.schema)); err != nil {
					t.Fatal(err)
				}
			}
			opt := func(o *Options) { o.Drop, o.Schema = tt.drop, schema }
			_, scanErr := Scan(context.Background(), strings.NewReader(tt.in), opt)
			_, rwErr := Rewrite(context.Background(), &bytes.Buffer{}, strings.NewReader(tt.in), p, opt)
			if rwErr == nil {
				t.Fatal("Rewrite accepted the input")
			}
			var echoed []string
			for _, err := range []error{scanErr, rwErr} {
				if err == nil {
					continue
				}
				for _, v := range []string{secret, "jane.doe", acct, pseudo, "jdoe_"} {
					if strings.Contains(err.Error(), v) || strings.Contains(fmt.Sprintf("%+v", err), v) {
						echoed = append(echoed, v)
					}
				}
			}
			if diff := cmp.Diff([]string(nil), echoed); diff != "" {
				t.Errorf("errors echo values (-want +got):\n%s\nScan: %v\nRewrite: %v", diff, scanErr, rwErr)
			}
			if tt.wantIs != nil && !errors.Is(rwErr, tt.wantIs) {
				t.Errorf("Rewrite: %v, want one wrapping %v", rwErr, tt.wantIs)
			}
		})
	}
}
