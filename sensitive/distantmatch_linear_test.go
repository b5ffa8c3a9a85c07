package sensitive

import (
	"fmt"
	"testing"
)

// TestFindLinearBeforeDistantMatches times Find on text whose findings of
// several kinds fill their queues while another kind, which has read ahead,
// has its next gated run only at the text's end: a walk that leaves that
// kind pending must not read on to that run at every request. Like
// FuzzLinearTime, the verdict is the growth from 32 KiB to 256 KiB per
// region (superlinear above 4x the size ratio), taken three times in a row.
func TestFindLinearBeforeDistantMatches(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("timings: not under the race detector or -short")
	}
	mixed := "4111 1111 1111 1111, 123-45-6789, +1 415 555 0132; "
	tests := []struct {
		name             string
		head, body, tail string
	}{
		{"iban-then-mixed", "DE89370400440532013000 ", mixed, " DE89370400440532013000 GB82WEST12345698765432"},
		{"account-then-mixed", "acct 912803456 ", mixed, " acct 912803456 account 12345678"},
		{"iban-then-plain", "DE89370400440532013000 ", "4111111111111111 123-45-6789 +14155550132 ", " DE89370400440532013000 GB82WEST12345698765432"},
	}
	d := Default()
	const small, big = linearSmall, linearBig
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := func(n int) string { return repeatTo(tt.head, n) + " " + repeatTo(tt.body, n) + tt.tail }
			smallIn, bigIn := text(small), text(big)
			var msg string
			for range 3 {
				ts, tb := fastestFind(d, smallIn), fastestFind(d, bigIn)
				if !superlinear(ts, tb) {
					return
				}
				msg = fmt.Sprintf("%v for 2x%d KiB but %v for 2x%d KiB: superlinear", ts, small>>10, tb, big>>10)
			}
			t.Error(msg)
		})
	}
}
