package personalize

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
)

// TestCleanMemoKeepsRecurringValues: pagination tokens and the ARNs of
// resources are new on almost every call. The guard's bounded memo of clean
// values must not fill with them, or the tag values and role ARNs that do
// recur stop being remembered and every call scans them again (a review
// finding). The calls fail at the connection (nothing listens); the content
// check has run by then.
func TestCleanMemoKeepsRecurringValues(t *testing.T) {
	g := testGuard(t, Policy{InsecureAllowRootCredentials: true})
	client := sdk.New(sdk.Options{Region: testRegion, BaseEndpoint: aws.String("https://127.0.0.1:1"),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}, g.Option())
	ctx := context.Background()
	for i := range 100 { // more than the memo holds (64)
		_, _ = client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{NextToken: aws.String(fmt.Sprintf("token%04d", i))})
		_, _ = client.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{
			DatasetGroupArn: aws.String(fmt.Sprintf("arn:aws:personalize:us-east-1:111122223333:dataset-group/group%04d", i))})
	}
	_, _ = client.TagResource(ctx, &sdk.TagResourceInput{ResourceArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g"),
		Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recommendations")}}})
	for _, tt := range []struct {
		value string
		want  bool
	}{
		{"team", true},
		{"recommendations", true},
		{"token0000", false},
		{"dataset-group/group0000", false},
	} {
		if got := g.cleanTexts.Has(tt.value); got != tt.want {
			t.Errorf("memo holds %q = %v, want %v", tt.value, got, tt.want)
		}
	}
}
