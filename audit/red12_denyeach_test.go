package audit

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12EveryReadDeniedIsReported (red12): every operation the audit
// calls on a good account, denied alone, leaves a read-denied or
// read-failed finding: no read that is refused is taken for a pass. The
// operations come from the audit's own requests, so a read added later is
// swept too.
func TestRed12EveryReadDeniedIsReported(t *testing.T) {
	a := newAccount(t)
	if res := a.run(t); len(res.Report.Findings) != 0 {
		t.Fatalf("the good account has findings: %v", res.Report.Findings)
	}
	type op struct{ service, operation string }
	var ops []op
	for _, r := range a.s.Requests() {
		if o := (op{r.Service, r.Operation}); r.Operation != "" && !slices.Contains(ops, o) {
			ops = append(ops, o)
		}
	}
	if len(ops) < 10 {
		t.Fatalf("only %d operations seen: %v", len(ops), ops)
	}
	for _, o := range ops {
		t.Run(fmt.Sprintf("%s:%s", o.service, o.operation), func(t *testing.T) {
			a.s.Deny(o.service, o.operation)
			defer a.s.Allow(o.service, o.operation)
			res := a.run(t)
			reported := res.Report.Has(FindingReadDenied) || res.Report.Has(FindingReadFailed)
			if diff := cmp.Diff(true, reported); diff != "" {
				t.Errorf("%s:%s denied, a read-denied finding (-want +got):\n%s\nfindings: %v", o.service, o.operation, diff, res.Report.IDs())
			}
		})
	}
}
