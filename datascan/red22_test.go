package datascan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestRed22MarkupCustomElements (red22 defect, medium): 68fb5c7's blockTag
// read a tag's name only up to its first character other than a letter or
// digit, so a custom element ("<p-x>", "<td-card>", "<br-x>"), which a
// browser shows inline, read as the block it starts with: a supplier's card
// or address split by them passed, though shown (and stripped) whole. A
// tag's name runs to a blank, '/' or '>', as HTML reads it.
func TestRed22MarkupCustomElements(t *testing.T) {
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	email := map[sensitive.Kind]int64{sensitive.Email: 1}
	tests := []struct {
		name, cell string
		want       map[sensitive.Kind]int64
	}{
		{"custom element p-x", "4111<p-x>1111</p-x>1111<p-x>1111</p-x>", card},
		{"custom elements td-card, li-x", "4111<td-card>1111</td-card>1111<li-x>1111</li-x>", card},
		{"custom element br-x", "4111<br-x>1111<br-x>1111<br-x>1111", card},
		{"custom element h1-x", "4111<h1-x>1111<h1-x>1111<h1-x>1111", card},
		{"namespaced p:x", "4111<p:x>1111<p:x>1111<p:x>1111", card},
		{"p_x", "4111<p_x>1111<p_x>1111<p_x>1111", card},
		{"custom element in an address", "john<p-x>@</p-x>example.com", email},
		{"br-x in an address", "john<br-x>@example.com", email},
		// Still breaks: the name ends at a blank, '/' or '>'.
		{"td with a blank and attributes", "4111<td >1111<td class=x>1111<TD>1111", nil},
		{"tr with a newline, a tab, a slash", "4111<tr\n>1111<tr\t>1111<tr/>1111", nil},
		{"br/", "4111<br/>1111<br />1111<BR>1111", nil},
		{"wbr is inline", "4111<wbr>1111<wbr>1111<wbr>1111", card},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, red20Kinds(t, "DESCRIPTION", tt.cell)); diff != "" {
				t.Errorf("Kinds of %q (-want +got):\n%s", tt.cell, diff)
			}
		})
	}
}

// TestRed22MarkupCommentWithGT (red22 defect, medium; older than 68fb5c7):
// the markup read ends a comment at its first '>', as a tag, where HTML
// (and a browser) ends it at "-->": a supplier's "<!-- > -->" between a
// card's groups or inside an address left "-->" in the text read, and the
// card or address passed, though shown whole.
func TestRed22MarkupCommentWithGT(t *testing.T) {
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	email := map[sensitive.Kind]int64{sensitive.Email: 1}
	tests := []struct {
		name, cell string
		want       map[sensitive.Kind]int64
	}{
		{"'>' in comments in a card", "4111<!-- > -->1111<!-- > -->1111<!-- > -->1111", card},
		{"a <br> in comments in a card", "4111<!--<br>-->1111<!--<br>-->1111<!--<br>-->1111", card},
		{"'>' in a comment in an address", "john<!-- > -->@example.com", email},
		{"an empty comment", "4111<!---->1111<!---->1111<!---->1111", card},
		// Not comments: a declaration or "<!x>" ends at '>', as before.
		{"a bogus comment", "4111<!x>1111<!x>1111<!x>1111", card},
		{"a comment never closed keeps the text", "4111 1111 1111 1111 <!-- x", card},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, red20Kinds(t, "DESCRIPTION", tt.cell)); diff != "" {
				t.Errorf("Kinds of %q (-want +got):\n%s", tt.cell, diff)
			}
		})
	}
}

// TestRed22MarkupBlockTagsJoined (red22, open, medium, unverified): 68fb5c7
// reads a block tag as a line break, as a browser shows it. What
// Personalize's own markup removal does with a textual field is not
// documented: a remover that drops tags without a break turns
// "4111<br>1111<br>1111<br>1111" into one 16-digit card that a model
// trains on, and fail-closed reading would flag it. Flagging both readings
// brings back the 1 in 27 tables of four-digit values (red21), so this is
// left for a decision, skipped.
func TestRed22MarkupBlockTagsJoined(t *testing.T) {
	t.Skip("defect (open, unverified): a card split by block tags passes if Personalize's markup removal joins them; flagging it costs red21's 1 in 27 tables")
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	for _, cell := range []string{"4111<br>1111<br>1111<br>1111", "<td>4111</td><td>1111</td><td>1111</td><td>1111</td>"} {
		if diff := cmp.Diff(card, red20Kinds(t, "DESCRIPTION", cell)); diff != "" {
			t.Errorf("Kinds of %q (-want +got):\n%s", cell, diff)
		}
	}
}
