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
	t.Skip("defect (open, low, precision): '='-pairs after 'discard', 'wildcard', 'scorecard', 'credited' pass as a card, 0.035-0.038 of lists")
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
