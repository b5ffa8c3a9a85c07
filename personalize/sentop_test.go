package personalize

import (
	"context"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
)

// TestCheckSentHoldsTheCheckedOperation: the gate holds X-Amz-Target to
// the operation it checks the body by (the one Ran held to the call's
// state), not to the state's operation read again: a hook that returns
// early while its request is in flight sends the state back to the pool,
// where another call, of DeleteDatasetGroup, can take it between Ran and
// this check. Were the target held to the state's, a DescribeDatasetGroup
// body retargeted to DeleteDatasetGroup would pass here and be checked by
// DescribeDatasetGroup's rules.
func TestCheckSentHoldsTheCheckedOperation(t *testing.T) {
	g := gateGuard(t, false, false)
	const op = "DescribeDatasetGroup"
	tests := []struct {
		name, stateOp, target string
		want                  string // the refusal's field, "" for none
	}{
		{"the state's own call", op, targetPrefix + op, ""},
		{"state taken by another call, target its operation", "DeleteDatasetGroup", targetPrefix + "DeleteDatasetGroup", "header"},
		{"state taken by another call, target the checked one", "DeleteDatasetGroup", targetPrefix + op, ""},
		{"the state's own call, target another", op, targetPrefix + "DeleteDatasetGroup", "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := g.states.Get().(*callState)
			defer g.states.Put(st)
			st.reset()
			st.op = g.ops[tt.stateOp]
			st.ran = g.stagesOf(st.op)
			ctx := withState(middleware.WithOperationName(context.Background(), op), st)
			c := (&wireGate{g: g, content: true}).checks(stateFrom(ctx))
			var got string
			if err := c.CheckSent(ctx, op, dataplanetest.SentRequest("POST", "/", tt.target)); err != nil {
				sg, _ := err.(*SafeguardError)
				if sg == nil || sg.Rule != RuleRequestChanged || sg.Operation != op {
					t.Fatalf("CheckSent = %v, want a %s refusal of %s", err, RuleRequestChanged, op)
				}
				got = sg.Field
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
