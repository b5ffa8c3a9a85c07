package personalize_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestGate22PassedInWalkOrder: the wire walk takes a string member as
// passed when it is the Initialize check's next passed string under the
// member's rule and shape (walker.passedNext), without calling check. A
// hook after signing rewrites a warm client's body so that a member holds
// the next passed string under another rule, a string of the same length
// as the passed one, or the passed strings out of walk order. What passed
// under another rule, or never passed, is checked in full and refused;
// passed strings out of order still pass.
func TestGate22PassedInWalkOrder(t *testing.T) {
	const canary = canaryEmail
	sameLen := strings.Repeat("x", len("aws:my team")-len("a@b.co")) + "a@b.co" // an e-mail address as long as the tag value
	const tags = `"tags":[{"tagKey":"team","tagValue":"aws:my team"},{"tagKey":"env","tagValue":"prod"}]`
	tests := []struct {
		name, old, new string
		want           red24Outcome
	}{
		{name: "unchanged",
			old: tags, new: tags,
			want: red24Outcome{Rule: "sent"}},
		{name: "a tag value's text, which passed as a tag value, as the name",
			old: `"name":"movies"`, new: `"name":"aws:my team"`,
			want: red24Outcome{Rule: "model.name-pattern", Field: "Name"}},
		{name: "the name's text, which passed as a name, as the first tag key",
			old: tags, new: `"tags":[{"tagKey":"movies","tagValue":"aws:my team"},{"tagKey":"env","tagValue":"prod"}]`,
			want: red24Outcome{Rule: "sent"}}, // checked in full as a tag key, which it may be
		{name: "a tag key's text as its value, where the value passed",
			old: tags, new: `"tags":[{"tagKey":"team","tagValue":"team"},{"tagKey":"env","tagValue":"prod"}]`,
			want: red24Outcome{Rule: "sent"}},
		{name: "an e-mail address as long as the passed tag value",
			old: tags, new: `"tags":[{"tagKey":"team","tagValue":"` + sameLen + `"},{"tagKey":"env","tagValue":"prod"}]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "the passed tag value, which a tag key may not be, as the next tag key",
			old: tags, new: `"tags":[{"tagKey":"team"},{"tagKey":"aws:my team","tagValue":"prod"}]`,
			want: red24Outcome{Rule: personalize.RuleTagLimits, Field: "Tags[1].TagKey"}},
		{name: "the role the guard put in, noted last, as the name",
			old: `"name":"movies"`, new: `"name":"arn:aws:iam::111122223333:role/PersonalizeTestServiceRole"`,
			want: red24Outcome{Rule: "model.name-pattern", Field: "Name"}},
		{name: "the role the guard put in as the first tag value, where it may be",
			old: tags, new: `"tags":[{"tagKey":"team","tagValue":"arn:aws:iam::111122223333:role/PersonalizeTestServiceRole"},{"tagKey":"env","tagValue":"prod"}]`,
			want: red24Outcome{Rule: "sent"}},
		{name: "the tag values swapped",
			old: tags, new: `"tags":[{"tagKey":"team","tagValue":"prod"},{"tagKey":"env","tagValue":"aws:my team"}]`,
			want: red24Outcome{Rule: "sent"}},
		{name: "the tags in reverse and a third with the canary",
			old: tags, new: `"tags":[{"tagKey":"env","tagValue":"prod"},{"tagKey":"team","tagValue":"aws:my team"},{"tagKey":"owner","tagValue":"` + canary + `"}]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[2].TagValue"}},
		{name: "the first tag twice, the second with the canary",
			old: tags, new: `"tags":[{"tagKey":"team","tagValue":"aws:my team"},{"tagKey":"team","tagValue":"` + canary + `"}]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[1].TagValue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := createAfterWarmRewrite(t, func(name string) *sdk.CreateDatasetGroupInput {
				return &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{
					{TagKey: aws.String("team"), TagValue: aws.String("aws:my team")},
					{TagKey: aws.String("env"), TagValue: aws.String("prod")}}}
			}, tt.old, tt.new)
			got := red24Result(t, e, "CreateDatasetGroup", err, canary)
			got2 := red24Result(t, e, "CreateDatasetGroup", err, "a@b.co")
			got.Leaked = append(got.Leaked, got2.Leaked...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
