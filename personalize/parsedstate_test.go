package personalize

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestParsedLocationsHandOff: the bucket posture step takes the S3
// location step's parse from the call state when there is one, from the
// stack value otherwise, and refuses as bypassed when the S3 location step
// did not run on the call, with or without a state. With both steps, it
// goes on to the bucket check (here failing: the S3 client answers
// nothing) alike either way.
func TestParsedLocationsHandOff(t *testing.T) {
	const op = "CreateDatasetImportJob"
	g := testGuard(t, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN, KMSClient: newHealthyKMS(t), S3Client: nopS3{},
		PersonalizeClient: nopDescriber{}, InsecureSkipImportScan: true})
	in := &sdk.CreateDatasetImportJobInput{JobName: aws.String("j"), RoleArn: aws.String(testRoleARN),
		DatasetArn: aws.String("arn:aws:personalize:" + testRegion + ":" + testAccount + ":dataset/movies/INTERACTIONS"),
		DataSource: &types.DataSource{DataLocation: aws.String("s3://amzn-data/in/a.csv")}}
	rule := func(stated, withLocationStep bool) string {
		ctx := middleware.WithOperationName(context.Background(), op)
		if stated {
			st := g.states.Get().(*callState)
			defer func() { st.reset(); g.states.Put(st) }()
			st.ran, st.op = stageAudit, g.ops[op]
			ctx = withState(ctx, st)
		}
		steps := []middleware.InitializeMiddleware{g.stepByID(IDBucketPosture)}
		if withLocationStep {
			steps = append([]middleware.InitializeMiddleware{g.stepByID(IDS3Location)}, steps...)
		}
		_, _, err := chainInitialize(terminal(), steps...).HandleInitialize(ctx, middleware.InitializeInput{Parameters: in})
		if sg := (*SafeguardError)(nil); errors.As(err, &sg) {
			return sg.Rule
		}
		return fmt.Sprint(err)
	}
	got := map[string]string{}
	for _, stated := range []bool{false, true} {
		for _, withLocationStep := range []bool{false, true} {
			got[fmt.Sprintf("state=%v location-step=%v", stated, withLocationStep)] = rule(stated, withLocationStep)
		}
	}
	want := map[string]string{
		"state=false location-step=false": RuleBypassed,
		"state=true location-step=false":  RuleBypassed,
		"state=false location-step=true":  RuleS3CheckFailed,
		"state=true location-step=true":   RuleS3CheckFailed,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}
