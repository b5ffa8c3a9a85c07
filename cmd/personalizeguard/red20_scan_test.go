package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed20ScanHiddenForms (red20): values written in forms Personalize or
// a reader of the data turns back into them, through the command's run
// function. Each is a finding (exit 1), and no output holds it: an e-mail
// written with an HTML entity in a description, a card in a long field
// padded with a zero (stored as the number), a card written with &nbsp;
// beside a support address, a card beside an account number in a keyword
// column.
func TestRed20ScanHiddenForms(t *testing.T) {
	const schema = `{"type":"record","name":"Items","fields":[{"name":"ITEM_ID","type":"string"},` +
		`{"name":"DESCRIPTION","type":"string","textual":true},{"name":"PRICE_CENTS","type":"long"},{"name":"ACCOUNT_NUMBER","type":"string"}]}`
	tests := []struct {
		name, row string
		values    []string
		want      []string // the findings' IDs
	}{
		{"entity", `i1,"ask jane.roe&#64;example.com",100,x`, []string{"jane.roe"}, []string{"datascan.column.email"}},
		{"zero-padded long", `i1,plain,04111111111111111,x`, []string{"4111111111111111"}, []string{"datascan.column.credit-card"}},
		{"card in markup beside an address", `i1,"help@example.com or 4111&nbsp;1111&nbsp;1111&nbsp;1111",100,x`,
			[]string{"4111&nbsp;", "help@"}, []string{"datascan.column.credit-card", "datascan.column.email"}},
		{"card beside an account number", `i1,plain,100,"912803456 4111-1111-1111-1111"`, []string{"912803456", "4111-1111"},
			[]string{"datascan.column.account-number", "datascan.column.credit-card"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write(t, "schema.json", schema, 0o644)
			e.write(t, "items.csv", "ITEM_ID,DESCRIPTION,PRICE_CENTS,ACCOUNT_NUMBER\n"+tt.row+"\n", 0o644)
			code := e.run("scan", "-format", "json", "-schema", "$DIR/schema.json", "$DIR/items.csv")
			output := e.stdout.String() + e.stderr.String()
			var ids, echoed []string
			for _, id := range []string{"datascan.column.account-number", "datascan.column.credit-card", "datascan.column.email"} {
				if strings.Contains(output, `"`+id+`"`) {
					ids = append(ids, id)
				}
			}
			for _, v := range tt.values {
				if strings.Contains(output, v) {
					echoed = append(echoed, v)
				}
			}
			type outcome struct {
				Code        int
				IDs, Echoed []string
			}
			if diff := cmp.Diff(outcome{exitFindings, tt.want, nil}, outcome{code, ids, echoed}); diff != "" {
				t.Errorf("scan (-want +got):\n%s\noutput:\n%.2000s", diff, output)
			}
		})
	}
}
