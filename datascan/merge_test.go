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
					Kinds: map[sensitive.Kind]int64{sensitive.CreditCard: ids.Columns[1].Kinds[sensitive.CreditCard] + 1}, CardCandidates: 41, CardIssuerCandidates: 41},
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

// TestMergeSplitCards splits a column of cards over many small parts, each
// of which alone is chance: merged, the column is cards, as one scan of the
// parts together would say.
func TestMergeSplitCards(t *testing.T) {
	scan := func(csv string) *Report {
		t.Helper()
		r, err := Scan(context.Background(), strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Two 19-digit Visa cards a part: two long cards are chance.
	var long []*Report
	var all strings.Builder
	all.WriteString("USER_ID,ITEM_ID,NOTE\n")
	for i := range 10 {
		part := "USER_ID,ITEM_ID,NOTE\n"
		for j := range 2 {
			part += fmt.Sprintf("u,i,%s\n", withLuhn(fmt.Sprintf("4%017d", 1000003*(2*i+j)+12345)))
		}
		long = append(long, scan(part))
		all.WriteString(part[len("USER_ID,ITEM_ID,NOTE\n"):])
	}
	// 16-digit cards, 7 in each part of 20 numbers: chance in a part, not
	// in 200.
	var dense []*Report
	for i := range 10 {
		var part strings.Builder
		part.WriteString("USER_ID,ITEM_ID\n")
		for j := range 20 {
			id := withLuhn(fmt.Sprintf("4%014d", 7919*(20*i+j)+104729))
			if j >= 7 {
				id = id[:15] + string('0'+(id[15]-'0'+1)%10) // not a card
			}
			fmt.Fprintf(&part, "u,%s\n", id)
		}
		dense = append(dense, scan(part.String()))
	}
	tests := []struct {
		name  string
		parts []*Report
		col   int
		whole *Report // one scan of the parts together, when there is one
	}{
		{name: "long cards, two a part", parts: long, col: 2, whole: scan(all.String())},
		{name: "short cards, 7 in 20 a part", parts: dense, col: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, p := range tt.parts {
				if v := p.Columns[tt.col].Verdict; v != VerdictChance {
					t.Fatalf("part %d: verdict %s, want chance (the test's premise)", i, v)
				}
			}
			if tt.whole != nil && !tt.whole.Blocking() {
				t.Fatalf("one scan of all the parts is not blocking (the test's premise)")
			}
			got := Merge("s3://b/p/", tt.parts...)
			if diff := cmp.Diff(VerdictIdentifying, got.Columns[tt.col].Verdict); diff != "" {
				t.Errorf("merged verdict mismatch (-want +got):\n%s", diff)
			}
			if !got.Blocking() {
				t.Error("the merged report is not blocking")
			}
		})
	}
}
