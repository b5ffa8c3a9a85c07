package datascan

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestRed23MarkupProcessingInstruction (red23 defect, medium; older than
// 68fb5c7): HTML reads "<?" to the next '>' as a (bogus) comment, which a
// browser hides, but the markup read kept "<?x?>" as text, so a card or
// address split by them passed, though shown whole.
func TestRed23MarkupProcessingInstruction(t *testing.T) {
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	email := map[sensitive.Kind]int64{sensitive.Email: 1}
	tests := []struct {
		name, cell string
		want       map[sensitive.Kind]int64
	}{
		{"in a card", "4111<?x?>1111<?x?>1111<?x?>1111", card},
		{"without '?' before '>'", "4111<?x>1111<?x>1111<?x>1111", card},
		{"an XML declaration", "john<?xml version=\"1.0\"?>@example.com", email},
		// A '<' before another character is text, as before.
		{"'<' before a blank", "4111 <= 4112", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, red20Kinds(t, "DESCRIPTION", tt.cell)); diff != "" {
				t.Errorf("Kinds of %q (-want +got):\n%s", tt.cell, diff)
			}
		})
	}
}

// TestRed23MarkupQuotedGT (red23 defect, medium; older than 68fb5c7): the
// markup read ended a tag at its first '>', where HTML ends it at the
// first '>' outside a quoted attribute value: "<span title=">">" left
// '">' in the text read, and a card or address split by such tags
// passed, though shown whole.
func TestRed23MarkupQuotedGT(t *testing.T) {
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	email := map[sensitive.Kind]int64{sensitive.Email: 1}
	tests := []struct {
		name, cell string
		want       map[sensitive.Kind]int64
	}{
		{"double quotes in a card", `4111<span title=">">1111</span><span title=">">1111</span><b title=">">1111</b>`, card},
		{"single quotes in an address", `john<b title='>'>@example.com</b>`, email},
		{"blanks around '='", `john<b title = ">">@example.com</b>`, email},
		{"after another attribute", `4111<i a=1 b=">x">1111<i c d=">">1111<i e="" f='>'>1111`, card},
		{"an end tag's", `4111</b x=">">1111</b x=">">1111</b x=">">1111`, card},
		// A quote not after '=' is part of a name or value, as HTML reads
		// it: the tag ends at the first '>'.
		{"a quote in a name", `4111<b x">1111<b x">1111<b x">1111`, card},
		{"a quote in an unquoted value", `4111<b x=a">1111<b x=a">1111<b x=a">1111`, card},
		{"'=' starting a name", `4111<b =">1111<b =">1111<b =">1111`, card},
		// A bogus comment or declaration ends at its first '>'.
		{"a quote in a declaration", `4111<!x ">1111<!x ">1111<!x ">1111`, card},
		// A quote never closed: HTML hides the rest; the read keeps it.
		{"a quote never closed", `4111 1111 1111 1111<b title=">`, card},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, red20Kinds(t, "DESCRIPTION", tt.cell)); diff != "" {
				t.Errorf("Kinds of %q (-want +got):\n%s", tt.cell, diff)
			}
		})
	}
}

// TestRed23StripTagsMatchesReference holds stripTags to refStripTags on
// random strings of markup's own pieces (N = 300000, seed PCG(23, 1)),
// where the fuzzer's inputs rarely put a quote in a tag.
func TestRed23StripTagsMatchesReference(t *testing.T) {
	pieces := []string{"<b", "</p", "<i x", "=\"", "='", "<", ">", "/", "\"", "'", "=", " ", "\t", "x", "1", "<!", "<?", "<!--", "-->", "-"}
	r := rand.New(rand.NewPCG(23, 1))
	var b []byte
	for range 300000 {
		b = b[:0]
		for n := r.IntN(16); n > 0; n-- {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		if diff := cmp.Diff(refStripTags(string(b)), string(stripTags(nil, b))); diff != "" {
			t.Fatalf("stripTags(%q) (-want +got):\n%s", b, diff)
		}
	}
}

// TestRed23MarkupRawTextElements (red23, open, low): a browser shows
// nothing of a <script>, <style> or <template> element's content, and the
// markup read keeps it, so "4111<script>x</script>1111..." reads as
// "4111x1111..." where a page shows one card. Removing the content would
// follow the browser, but what Personalize's own markup removal keeps is
// not documented (red22's open question), so it is left, skipped.
func TestRed23MarkupRawTextElements(t *testing.T) {
	t.Skip("defect (open, low): a card or address split by <script>/<style>/<template> elements passes the markup read")
	card := map[sensitive.Kind]int64{sensitive.CreditCard: 1}
	for _, cell := range []string{
		"4111<script>x</script>1111<script>x</script>1111<script>x</script>1111",
		"4111<style>x</style>1111<style>x</style>1111<style>x</style>1111",
		"4111<template>x</template>1111<template>x</template>1111<template>x</template>1111",
	} {
		if diff := cmp.Diff(card, red20Kinds(t, "DESCRIPTION", cell)); diff != "" {
			t.Errorf("Kinds of %q (-want +got):\n%s", cell, diff)
		}
	}
}
