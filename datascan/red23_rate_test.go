package datascan

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestRed23HTMLDescriptionRate measures the share of realistic HTML item
// descriptions (prices, SKUs, sizes, quoted attributes, some holding '>'),
// none holding a card or address, the scan flags (N = 4000, seed
// PCG(23, 2)). It fails above 0.5%.
func TestRed23HTMLDescriptionRate(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 2))
	const n = 4000
	flagged := 0
	for range n {
		d := fmt.Sprintf(`<div class="desc" data-sku="%d"><p>Size <b>%d</b> &ndash; SKU <span title="SKU &gt; %d">%d-%03d</span>, `+
			`price &#36;%d.%02d</p><ul><li>Weight %d.%d kg</li><li>Model %d-%c</li><li>%d x %d x %d mm</li></ul>`+
			`<a href="https://shop.example/p/%d?ref=%d&amp;v=%d" title='more > details'>more</a><img src="/i/%d.jpg" alt="%d"></div>`,
			r.IntN(1e8), 30+r.IntN(20), r.IntN(1e6), r.IntN(1e6), r.IntN(1000), r.IntN(500), r.IntN(100),
			r.IntN(50), r.IntN(10), 1990+r.IntN(40), 'A'+rune(r.IntN(26)), r.IntN(2000), r.IntN(2000), r.IntN(2000),
			r.IntN(1e7), r.IntN(1e4), r.IntN(100), r.IntN(1e9), r.IntN(1e4))
		if len(red20Kinds(t, "DESCRIPTION", d)) > 0 {
			flagged++
		}
	}
	rate := float64(flagged) / n
	t.Logf("flagged %d of %d HTML descriptions (%.4f)", flagged, n, rate)
	if rate > 0.005 {
		t.Errorf("flagged %d of %d realistic HTML descriptions (%.4f), want at most 0.5%%", flagged, n, rate)
	}
}
