package dataplane

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// TestPropertiesMemoPerMember holds the walker's hold on the last
// properties member's memo to the memo of each member: a document that
// passed in a member whose length limit it fits is checked again in a
// member whose limit it breaks, whichever comes first in a body, in the
// list's elements one after the other and across calls.
func TestPropertiesMemoPerMember(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Put": Struct(map[string]*Node{
		"items": List(Struct(map[string]*Node{
			"wide":   String(RuleProperties, 1, 1000),
			"narrow": String(RuleProperties, 1, 20),
		}), 0, 0),
	})}}
	const doc = `"{\"color\":\"blue\",\"size\":\"large\"}"` // 31 characters once decoded
	for _, tc := range []struct {
		body, field string
		wideFirst   bool // the document passes in wide before the refusal
	}{
		{`{"items":[{"wide":` + doc + `,"narrow":` + doc + `}]}`, "Items[0].Narrow", true},
		{`{"items":[{"wide":` + doc + `},{"narrow":` + doc + `}]}`, "Items[1].Narrow", true},
		{`{"items":[{"wide":` + doc + `},{"wide":` + doc + `},{"wide":` + doc + `,"narrow":` + doc + `}]}`, "Items[2].Narrow", true},
		{`{"items":[{"narrow":` + doc + `,"wide":` + doc + `}]}`, "Items[0].Narrow", false},
	} {
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{}, api)
		if err != nil {
			t.Fatal(err)
		}
		for call := range 3 { // the memo of wide fills on the first call
			ctx := middleware.WithOperationName(context.Background(), "Put")
			st := &callState{passes: stepIdentifiers}
			err := g.checkBody(ctx, "Put", st, tc.body)
			var sg *guarderr.SafeguardError
			if !errors.As(err, &sg) {
				t.Fatalf("call %d, body %s: err = %v, want a *SafeguardError", call, tc.body, err)
			}
			if diff := cmp.Diff([2]string{tc.field, guarderr.RuleFieldLength}, [2]string{sg.Field, sg.Rule}); diff != "" {
				t.Errorf("call %d, body %s: refusal (-want +got):\n%s", call, tc.body, diff)
			}
		}
		if tc.wideFirst && !g.props[api.Operations["Put"].Members["items"].Elem.Members["wide"]][0].Has(doc[1:len(doc)-1]) {
			t.Errorf("body %s: the document is not in wide's memo", tc.body)
		}
	}
}
