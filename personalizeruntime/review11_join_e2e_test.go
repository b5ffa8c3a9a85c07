package personalizeruntime_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestReview11HeaderValueStartingWithKeywordSuffix: "X-Account: Number
// 912803456" is on the wire as the detector finds it; the gate read it as
// "X-Account is Number 912803456", which it does not, and sent it. The
// same for a context value under ACCOUNT.
func TestReview11HeaderValueStartingWithKeywordSuffix(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	const account = "912803456"
	t.Run("header", func(t *testing.T) {
		_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")},
			func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
					return stack.Build.Add(middleware.BuildMiddlewareFunc("review11:Header", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
						middleware.BuildOutput, middleware.Metadata, error,
					) {
						in.Request.(*smithyhttp.Request).Header.Set("X-Account", "Number "+account)
						return next.HandleBuild(ctx, in)
					}), middleware.After)
				})
			})
		dataplanetest.RequireRefused(t, s, &log, err, "header", personalize.RuleRequestChanged+".sensitive", account)
	})
	t.Run("context", func(t *testing.T) {
		_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"),
			Context: map[string]string{"ACCOUNT": "no. " + account}})
		dataplanetest.RequireRefused(t, s, &log, err, "Context.Value", "sensitive.account-number", account)
	})
}
