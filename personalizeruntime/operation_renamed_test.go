package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestOperationRenamedAfterAudit: a hook that renames the operation in the
// call's context after the guard's audit step (the name the gate would
// read there) does not change what the gate checks the body against: the
// operation the SDK serialized, read by the audit step. A clean call goes
// out; an e-mail in a context value is refused under the operation's own
// name, whatever name the hook gave, and never reaches the endpoint.
func TestOperationRenamedAfterAudit(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	for _, renamed := range []string{"GetPersonalizedRanking", "PutEvents", ""} {
		rename := func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
				return st.Build.Add(middleware.BuildMiddlewareFunc("Rename", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
					middleware.BuildOutput, middleware.Metadata, error,
				) {
					return next.HandleBuild(middleware.WithOperationName(ctx, renamed), in)
				}), middleware.After)
			})
		}
		clean := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Context: map[string]string{"DEVICE": "mobile"}}
		if _, err := client.GetRecommendations(context.Background(), clean, rename); err != nil {
			t.Errorf("renamed %q, a clean call: %v", renamed, err)
		}
		dirty := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Context: map[string]string{"OWNER": email}}
		_, err := client.GetRecommendations(context.Background(), dirty, rename)
		var sg *guarderr.SafeguardError
		if !errors.As(err, &sg) {
			t.Fatalf("renamed %q, an e-mail in context: err = %v, want a *SafeguardError", renamed, err)
		}
		if diff := cmp.Diff([]string{"GetRecommendations", "sensitive.email"}, []string{sg.Operation, sg.Rule}); diff != "" {
			t.Errorf("renamed %q: refusal (-want +got):\n%s", renamed, diff)
		}
	}
	if s.Seen(email) {
		t.Errorf("the endpoint saw the e-mail")
	}
}
