package datascan

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

func TestMerge(t *testing.T) {
	scan := func(csv string) *Report {
		t.Helper()
		r, err := Scan(context.Background(), strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	clean := scan("USER_ID,ITEM_ID\nu1,i1\nu2,i2\n")
	emails := scan("USER_ID,ITEM_ID\nu1,i1\njane@example.com,i2\n")
	reordered := scan("item_id,USER_ID,NOTES\ni3,u3,fine\n")
	// 40 random 16-digit IDs, 4 of which pass for cards (VerdictChance),
	// and a part of nothing but cards: merged, they would be chance again.
	var idCSV strings.Builder
	idCSV.WriteString("USER_ID,ITEM_ID\n")
	for i, pass, fail := 0, 0, 0; pass+fail < 40; i++ {
		id := fmt.Sprintf("4%015d", 7919*i+104729)
		switch {
		case luhn(id) && pass < 4:
			pass++
		case !luhn(id) && fail < 36:
			fail++
		default:
			continue
		}
		fmt.Fprintf(&idCSV, "u,%s\n", id)
	}
	ids := scan(idCSV.String())
	cards := scan("USER_ID,ITEM_ID\nu,4242424242424242\n")

	tests := []struct {
		name   string
		parts  []*Report
		want   []Column
		rows   int64
		reason string
	}{
		{name: "none", parts: nil, want: []Column{}, reason: "no part, no column"},
		{name: "clean twice", parts: []*Report{clean, nil, clean}, rows: 4, reason: "nil parts are skipped, counts summed",
			want: []Column{
				{Index: 1, Name: "USER_ID", Role: RoleUser, Rows: 4, Values: 4, Verdict: VerdictClean},
				{Index: 2, Name: "ITEM_ID", Role: RoleItem, Rows: 4, Values: 4, Verdict: VerdictClean},
			}},
		{name: "one dirty part", parts: []*Report{clean, emails, reordered}, rows: 5,
			reason: "columns match by name in any case and order; a new column joins at the end; the worst verdict wins; no positions",
			want: []Column{
				{Index: 1, Name: "USER_ID", Role: RoleUser, Rows: 5, Values: 5, Verdict: VerdictPseudonymize,
					Kinds: map[sensitive.Kind]int64{sensitive.Email: 1}},
				{Index: 2, Name: "ITEM_ID", Role: RoleItem, Rows: 5, Values: 5, Verdict: VerdictClean},
				{Index: 3, Name: "NOTES", Role: RoleString, Rows: 1, Values: 1, Verdict: VerdictClean},
			}},
		{name: "cards among IDs", parts: []*Report{ids, cards}, rows: 41,
			reason: "one part of cards is not weighed again against the other parts' IDs",
			want: []Column{
				{Index: 1, Name: "USER_ID", Role: RoleUser, Rows: 41, Values: 41, Verdict: VerdictClean},
				{Index: 2, Name: "ITEM_ID", Role: RoleItem, Rows: 41, Values: 41, Verdict: cards.Columns[1].Verdict,
					Kinds: map[sensitive.Kind]int64{sensitive.CreditCard: ids.Columns[1].Kinds[sensitive.CreditCard] + 1}, CardCandidates: 41},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge("s3://b/p/", tt.parts...)
			if got.Resource != "s3://b/p/" || got.Rows != tt.rows {
				t.Errorf("Merge: Resource %q, Rows %d; want s3://b/p/, %d", got.Resource, got.Rows, tt.rows)
			}
			if diff := cmp.Diff(tt.want, got.Columns); diff != "" {
				t.Errorf("Merge columns mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
	if ids.Columns[1].Verdict != VerdictChance || !cards.Columns[1].Verdict.Blocking() {
		t.Fatalf("the parts' verdicts are %s and %s, want chance and a blocking one", ids.Columns[1].Verdict, cards.Columns[1].Verdict)
	}
	if emails.Columns[0].Positions == nil {
		t.Error("Merge changed a part's positions")
	}
}
