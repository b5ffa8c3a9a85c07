package audit

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

// TestReview11TagPairContinuingKeyword: the audit reads a tag as the guard
// does (jsontext.Named): {Account: "No. 912803456"} is an account number,
// which it did not report while Named joined with " is ".
func TestReview11TagPairContinuingKeyword(t *testing.T) {
	a := newAccount(t)
	if _, err := personalize.NewFromConfig(a.s.Config()).TagResource(context.Background(), &personalize.TagResourceInput{
		ResourceArn: aws.String(a.as.DatasetGroupARN),
		Tags:        []ptypes.Tag{{TagKey: aws.String("Account"), TagValue: aws.String("No. 912803456")}}}); err != nil {
		t.Fatal(err)
	}
	res := a.run(t)
	var ids []string
	for _, f := range res.Report.Blocking(posture.Low) {
		ids = append(ids, f.ID)
	}
	if diff := cmp.Diff([]string{FindingTagIdentifying}, slices.Compact(ids)); diff != "" {
		t.Errorf("finding IDs mismatch (-want +got):\n%s", diff)
	}
}
