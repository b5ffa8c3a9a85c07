package personalize

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestWireTagPairGateAsEachNamed holds the wire walk's test before a tag's
// pair scan (mayNeedName) to the scan itself: for every key and value, with
// the default detector and with a caller rule (which may match any value),
// skipping the scan where the test says so gives the scan's own answer.
// A hook's tag on the wire is what this guards: "acct" with an account
// number must still be read as "acct = 912803456".
func TestWireTagPairGateAsEachNamed(t *testing.T) {
	withRule, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "internal-code", Pattern: regexp.MustCompile(`ZZ-[0-9]{2}`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	pairs := []struct{ key, value string }{
		{"team", "recs"},
		{"acct", "912803456"},
		{"account", "No. 912803456"},
		{"acct", "12345"},
		{"acct", "123456"},
		{"ssn", "123-45-6789"},
		{"aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
		{"secret", strings.Repeat("x", 40)},
		{"note", "ZZ-12"},
		{"note", "gold 912803456"},
		{"acct", "９１２８０３４５６"}, // full-width digits
		{"", "912803456"},
		{"acct", ""},
	}
	for _, det := range []struct {
		name string
		d    *sensitive.Detector
	}{{"default detector", nil}, {"caller rule", withRule}} {
		g := testGuard(t, Policy{Detector: det.d})
		for _, p := range pairs {
			ctx, st := newStateCtx()
			w := newWalkerState(g, ctx, st, true, "")
			want := ""
			if err := w.scanPair(p.key, p.value); err != nil {
				want = err.Error()
			}
			got := ""
			if w.mayNeedName(p.value) {
				if err := w.scanPair(p.key, p.value); err != nil {
					got = err.Error()
				}
			}
			w.release()
			if p.key == "acct" && p.value == "912803456" && want == "" {
				t.Errorf("%s: the account number after its keyword was not refused", det.name)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %q = %q (-want +got):\n%s", det.name, p.key, p.value, diff)
			}
		}
	}
}
