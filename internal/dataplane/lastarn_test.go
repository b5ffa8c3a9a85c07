package dataplane

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestLastARNAnswersOnlyForItself: the last clean ARN, compared before the
// memo's lookup, passes that ARN alone: an ARN of the same length, one it
// starts, or one that starts it, each with an identifying value in its
// resource, is refused right after it, and the clean one passes again.
func TestLastARNAnswersOnlyForItself(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Get": Struct(map[string]*Node{"campaignArn": String(RuleARN, 0, 256)})}}
	g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{}, api)
	if err != nil {
		t.Fatal(err)
	}
	walk := func(arn string) string {
		ctx := middleware.WithOperationName(context.Background(), "Get")
		st := &callState{passes: stepIdentifiers}
		return fmt.Sprint(g.checkBody(ctx, "Get", st, `{"campaignArn":`+strconv.Quote(arn)+`}`))
	}
	const clean = "arn:aws:personalize:us-east-1:123456789012:campaign/for-you-4111"
	const refused = "personalizeguard: Get: CampaignArn: sensitive.credit-card: holds an identifying value; the guard never sends it"
	for _, tt := range []struct{ arn, want string }{
		{clean, "<nil>"},
		{"arn:aws:personalize:us-east-1:123456789012:campaign/4111111111111111", refused},
		{clean + "111111111111", refused},
		{"arn:aws:personalize:us-east-1:123456789012:campaign/4111111111111111" + "-for-you", refused},
		{clean, "<nil>"},
	} {
		if diff := cmp.Diff(tt.want, walk(tt.arn)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.arn, diff)
		}
		if p := g.lastARN.Load(); p == nil || *p != clean {
			t.Fatalf("after %s, the last clean ARN is %v, want the clean one", tt.arn, p)
		}
	}
}
