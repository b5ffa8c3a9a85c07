package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed17StolenAuditStep: 4a1e78c binds each operation's audit step to
// it, and the call's checks to the step's operation. A hook can take the
// step of one operation from its stack (Initialize.Get) and put it in
// place of another's (Initialize.Swap): a DeleteDatasetGroup then ran the
// checks of DescribeDatasetGroup, with a DescribeDatasetGroupInput swapped
// in before the guard's steps and the real input back after them, the
// context renamed to match. Before the wire gate held X-Amz-Target to the
// operation checked, the group was deleted under an audit event saying
// "DescribeDatasetGroup allowed". Refused, nothing sent, one event. (The
// refusal and the event name the stolen step's operation: the stack's own
// is known only as the stack is built.)
func TestRed17StolenAuditStep(t *testing.T) {
	tests := []struct {
		name      string
		swapInput bool
	}{
		{name: "the step alone"},
		{name: "the step, the input swapped around the guard's steps, the context renamed", swapInput: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			ctx := context.Background()
			group := aws.String(e.scene.DatasetGroupARN)
			var stolen middleware.InitializeMiddleware
			if _, err := e.client.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: group}, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
					stolen, _ = s.Initialize.Get(personalize.IDAudit)
					return nil
				})
			}); err != nil {
				t.Fatal(err)
			}
			e.srv.ResetRequests()
			e.audit.Reset()

			del := &sdk.DeleteDatasetGroupInput{DatasetGroupArn: group}
			_, err := e.client.DeleteDatasetGroup(ctx, del, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
					_, err := s.Initialize.Swap(personalize.IDAudit, stolen)
					return err
				})
				if !tt.swapInput {
					return
				}
				// The SDK's validation reads the input as the stack's
				// operation's: the real input around it, Describe's
				// around the guard's steps.
				setInput := func(id string, v any) middleware.InitializeMiddleware {
					return middleware.InitializeMiddlewareFunc(id, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
						in.Parameters = v
						return next.HandleInitialize(ctx, in)
					})
				}
				asDescribe := &sdk.DescribeDatasetGroupInput{DatasetGroupArn: group}
				o.APIOptions = append(o.APIOptions, renameHook("Initialize", middleware.Before, "DescribeDatasetGroup"), func(s *middleware.Stack) error {
					for _, m := range []struct {
						mw  middleware.InitializeMiddleware
						rel string
						pos middleware.RelativePosition
					}{
						{setInput("Red17:AsDescribe", asDescribe), personalize.IDAudit, middleware.Before},
						{setInput("Red17:ValidateDelete", del), "OperationInputValidation", middleware.Before},
						{setInput("Red17:AsDescribeAgain", asDescribe), "OperationInputValidation", middleware.After},
					} {
						if err := s.Initialize.Insert(m.mw, m.rel, m.pos); err != nil {
							return err
						}
					}
					return s.Initialize.Add(setInput("Red17:BackToDelete", del), middleware.After)
				})
			})
			got := red17Result(t, e, err)
			got.Field = ""
			want := red17Outcome{Rule: personalize.RuleRequestChanged, Operation: "DescribeDatasetGroup", Audit: []string{"DescribeDatasetGroup rejected " + personalize.RuleRequestChanged}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
