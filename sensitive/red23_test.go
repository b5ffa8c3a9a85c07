package sensitive

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed23EqualsPairsAfterKeywordInWord (red23, open, low, precision):
// 61d5893 reads '='-joined pairs as a card's groups after a card keyword,
// and cardKeywordBefore finds "card" or "credit" inside any word of the
// 32 bytes before: after "discard", "wildcard", "scorecard" or "credited"
// a list of four-digit pairs passes as a card again at red21's rate,
// 0.0346-0.0381 (N = 20000 each, seed PCG(23, 3); 0 with no keyword).
// A keyword only at a word's start keeps "credited"; a whole-word rule
// loses "creditcard=": left for a decision, skipped.
func TestRed23EqualsPairsAfterKeywordInWord(t *testing.T) {
	const n = 20000
	d := Default()
	r := rand.New(rand.NewPCG(23, 3))
	d4 := func() string { return fmt.Sprintf("%04d", r.IntN(10000)) }
	for _, pre := range []string{"discard ", "wildcard ports ", "scorecard: ", "credited "} {
		t.Run(pre, func(t *testing.T) {
			flagged := 0
			for range n {
				if s := pre + d4() + "=" + d4() + " " + d4() + "=" + d4(); len(d.Find(s)) > 0 {
					flagged++
				}
			}
			if diff := cmp.Diff(0.0, float64(flagged)/n); diff != "" {
				t.Errorf("rate flagged over %d lines (-want +got):\n%s", n, diff)
			}
		})
	}
}

// TestCardWordBeforePairs: '='-pair lists are a card's groups after a card
// keyword that is a word of its own or a card's name, and after no other
// word that merely holds one (red23's rates above).
func TestCardWordBeforePairs(t *testing.T) {
	const pairs = "4539=7036 9258=1474"
	tests := []struct {
		prefix string
		want   bool
	}{
		{"card ", true},
		{"Card: ", true},
		{"creditcard ", true},
		{"credit card ", true},
		{"cardNumber=", true},
		{"card_number: ", true},
		{"cc_no ", true},
		{"creditCardNumbers: ", true},
		{"debit cards ", true},
		{"discard ", false},
		{"wildcard ports ", false},
		{"scorecard: ", false},
		{"credited ", false},
		{"cardigan sizes ", false},
		{"visaApplication ", false},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			got := false
			for _, f := range d.Find(tt.prefix + pairs) {
				got = got || f.Kind == CreditCard
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("a card in %q (-want +got):\n%s", tt.prefix+pairs, diff)
			}
		})
	}
}

// TestCardAfterWordDigitsAndComma: a ',' after digits is a decimal comma,
// unless the digits end a word ("u1", "user_42"): then it separates fields,
// as in a CSV line, and the card after it is found (red21: recall on whole
// CSV lines was 0 when the cell before ended in a digit).
func TestCardAfterWordDigitsAndComma(t *testing.T) {
	const card = "4111111111111111"
	tests := []struct {
		text string
		want bool
	}{
		{"u1," + card, true},
		{"user_42," + card, true},
		{"row,u1," + card + ",view", true},
		{"A7," + card, true},
		{"0," + card, false},              // a decimal comma
		{"price 12," + card, false},       // a decimal comma after a number
		{"v2." + card, false},             // a point stays a decimal point
		{"x1234567890123," + card, false}, // more digits than an ID's: read as a number
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := false
			for _, f := range d.Find(tt.text) {
				got = got || f.Kind == CreditCard
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("a card in %q (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
