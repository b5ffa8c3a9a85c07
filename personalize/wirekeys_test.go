package personalize

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestWireMemberLookup holds the wire walk's two ways to a member, the
// scanner's comparison of a name written as it is with the members after
// the last one found (jsonscan.NextKeyIn) and the name read and looked up,
// to the same rules: members out of order, escaped or in another case,
// twice by either way, unknown, and malformed around a name.
func TestWireMemberLookup(t *testing.T) {
	g := testGuard(t, Policy{})
	ctx := middleware.WithOperationName(context.Background(), "CreateDatasetGroup")
	type refusal struct{ Rule, Field string }
	tests := []struct {
		name, body string
		want       *refusal
	}{
		{"in order", `{"domain":"VIDEO_ON_DEMAND","name":"movies","tags":[{"tagKey":"team","tagValue":"recs"}]}`, nil},
		{"out of order", `{"tags":[{"tagValue":"recs","tagKey":"team"}],"name":"movies","domain":"ECOMMERCE"}`, nil},
		{"white space", "{ \"name\" : \"movies\" ,\n\"tags\":[ { \"tagKey\":\"team\" } ] }", nil},
		{"escaped name", `{"\u006eame":"movies"}`, nil},
		{"escaped name checked", `{"\u006eame":"bad name!"}`, &refusal{RuleNamePattern, "Name"}},
		{"other case checked", `{"Name":"bad name!"}`, &refusal{RuleNamePattern, "Name"}},
		{"checked in order", `{"domain":"ECOMMERCE","name":"bad name!"}`, &refusal{RuleNamePattern, "Name"}},
		{"enum in order", `{"domain":"BOOKS","name":"movies"}`, &refusal{RuleEnum, "Domain"}},
		{"tag key in order", `{"tags":[{"tagKey":"team","tagValue":"recs"},{"tagKey":"aws:x","tagValue":"v"}]}`, &refusal{RuleTagLimits, "Tags[1].TagKey"}},
		{"tag value in order", `{"tags":[{"tagKey":"team","tagValue":"a;b"}]}`, &refusal{RuleTagLimits, "Tags[0].TagValue"}},
		{"twice in a row", `{"name":"movies","name":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"twice, in order the second time", `{"name":"movies","domain":"ECOMMERCE","name":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"twice, escaped", `{"name":"movies","\u006eame":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"twice, other case", `{"name":"movies","NAME":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"tag key twice", `{"tags":[{"tagKey":"team","tagKey":"aws:x"}]}`, &refusal{RuleBodyUnchecked, "Tags[0].TagKey"}},
		{"unknown", `{"name":"movies","names":"x"}`, &refusal{RuleUnknownMember, "(unknown member)"}},
		{"unknown, a prefix", `{"nam":"movies"}`, &refusal{RuleUnknownMember, "(unknown member)"}},
		{"unknown, longer", `{"kmsKeyArnX":"movies"}`, &refusal{RuleUnknownMember, "(unknown member)"}},
		{"unknown in a tag", `{"tags":[{"tagKey":"team","tagValu":"recs"}]}`, &refusal{RuleUnknownMember, "Tags[0].(unknown member)"}},
		{"name without its colon", `{"name" "movies"}`, &refusal{RuleBodyUnchecked, ""}},
		{"name cut short", `{"name`, &refusal{RuleBodyUnchecked, ""}},
		{"name's quote cut", `{"name"`, &refusal{RuleBodyUnchecked, ""}},
		{"control character in a name", "{\"na\nme\":\"movies\"}", &refusal{RuleBodyUnchecked, ""}},
		{"text after", `{"name":"movies"} x`, &refusal{RuleBodyUnchecked, ""}},
		{"comma before the end", `{"name":"movies",}`, &refusal{RuleBodyUnchecked, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := g.checkBody(ctx, "CreateDatasetGroup", tt.body)
			var got *refusal
			var sg *SafeguardError
			if errors.As(err, &sg) {
				got = &refusal{sg.Rule, sg.Field}
			} else if err != nil {
				t.Fatalf("checkBody = %v, want nil or a SafeguardError", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checkBody(%s) (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}
