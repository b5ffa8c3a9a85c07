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

// TestRed11KeywordInHeaderName: a hook's header names what its value is
// ("X-Account-Number"); the value alone is nine bare digits, which the
// detector takes for an ID. The gate reads them as the request writes them,
// "name: value".
func TestRed11KeywordInHeaderName(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		header, value, rule string
	}{
		{"X-Account-Number", "912803456", "sensitive.account-number"},
		{"X-Ssn", "123456789", "sensitive.ssn"},
		{"X-Aws-Secret-Access-Key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sensitive.aws-secret-key"},
		// After other text, read from its run of digits on (jsontext.EachNamed).
		{"X-Account-Number", "gold 912803456", "sensitive.account-number"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")},
				func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
						return stack.Build.Add(middleware.BuildMiddlewareFunc("red11:Header", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
							middleware.BuildOutput, middleware.Metadata, error,
						) {
							in.Request.(*smithyhttp.Request).Header.Set(tt.header, tt.value)
							return next.HandleBuild(ctx, in)
						}), middleware.After)
					})
				})
			dataplanetest.RequireRefused(t, s, &log, err, "header", personalize.RuleRequestChanged+".sensitive", tt.value)
		})
	}
}
