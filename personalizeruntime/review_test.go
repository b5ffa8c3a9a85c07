package personalizeruntime_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/aws-sdk-go-v2/service/personalizeruntime/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

const reviewCard = "4111111111111111"

// TestReviewRuntimeFields: every place of a runtime request that takes
// text is scanned, with or without a Pseudonymizer, and nothing is sent.
func TestReviewRuntimeFields(t *testing.T) {
	s, c := dataplanetest.Start(t)
	for _, p := range []personalizeruntime.Policy{{}, {Pseudonymizer: dataplanetest.Pseudonymizer(t)}} {
		client, err := personalizeruntime.New(s.Config(), p)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		tests := []struct {
			name        string
			in          *sdk.GetRecommendationsInput
			field, rule string
		}{
			{"context value", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Context: map[string]string{"DEVICE": email}},
				"Context.Value", "sensitive.email"},
			{"context key", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Context: map[string]string{reviewCard: "x"}},
				"Context.Key", "sensitive.credit-card"},
			{"filter value", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), FilterArn: &c.CampaignARN,
				FilterValues: map[string]string{"OWNER": `"` + email + `"`}}, "FilterValues.Value", "sensitive.email"},
			{"promotion filter value", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"),
				Promotions: []types.Promotion{{Name: aws.String("p"), FilterArn: &c.CampaignARN, FilterValues: map[string]string{"X": `"` + reviewCard + `"`}}}},
				"Promotions[0].FilterValues.Value", "sensitive.credit-card"},
			{"item ID", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, ItemId: aws.String(email)}, "ItemId", "sensitive.email"},
			{"ARN resource", &sdk.GetRecommendationsInput{CampaignArn: aws.String("arn:aws:personalize:us-east-1:123456789012:campaign/" + email), UserId: aws.String("u1")},
				"CampaignArn", "sensitive.email"},
			{"metadata column", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), MetadataColumns: map[string][]string{"ITEMS": {email}}},
				"MetadataColumns.Value[0]", "sensitive.email"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := client.GetRecommendations(ctx, tt.in)
				dataplanetest.RequireRefused(t, s, nil, err, tt.field, tt.rule, email, reviewCard)
			})
		}
		_, err = client.GetPersonalizedRanking(ctx, &sdk.GetPersonalizedRankingInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), InputList: []string{"item-1", email}})
		dataplanetest.RequireRefused(t, s, nil, err, "InputList[1]", "sensitive.email", email)
	}
	if n := len(dataplanetest.APIRequests(s)); n != 0 {
		t.Errorf("the endpoint got %d requests, want 0", n)
	}
}

// TestReviewRuntimeHookAfterIdentifiers: a hook that sets userId back to
// the raw value after the identifiers step is refused; the caller's input
// is unchanged.
func TestReviewRuntimeHookAfterIdentifiers(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t)})
	if err != nil {
		t.Fatal(err)
	}
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email), Context: map[string]string{"DEVICE": "phone"}}
	want := &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String(email), Context: map[string]string{"DEVICE": "phone"}}
	for _, step := range []string{"Initialize", "Serialize", "Build", "Finalize"} {
		hook := func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
				switch step {
				case "Initialize":
					return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("Raw", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
						middleware.InitializeOutput, middleware.Metadata, error,
					) {
						cp := *in.Parameters.(*sdk.GetRecommendationsInput)
						cp.UserId = aws.String(email)
						in.Parameters = &cp
						return next.HandleInitialize(ctx, in)
					}), middleware.After)
				case "Serialize":
					return stack.Serialize.Insert(middleware.SerializeMiddlewareFunc("Raw", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
						middleware.SerializeOutput, middleware.Metadata, error,
					) {
						in.Parameters.(*sdk.GetRecommendationsInput).UserId = aws.String(email)
						return next.HandleSerialize(ctx, in)
					}), "OperationSerializer", middleware.Before)
				}
				return nil
			})
		}
		if step != "Initialize" && step != "Serialize" {
			continue
		}
		_, err := client.GetRecommendations(context.Background(), in, hook)
		dataplanetest.RequireRefused(t, s, nil, err, "UserId", "transport.request-changed", email)
	}
	if diff := cmp.Diff(want, in, cmpopts.IgnoreUnexported(sdk.GetRecommendationsInput{})); diff != "" {
		t.Errorf("the caller's input changed (-want +got):\n%s", diff)
	}
}

// TestReviewNumberOnTheWire: the wire gate reads numbers as the control
// plane's does: a hook that rewrites the body to carry a card number in a
// number member is refused.
func TestReviewNumberOnTheWire(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{reviewCard, "4111111111111111.0", "4.111111111111111e15"} {
		hook := func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
				return stack.Build.Add(middleware.BuildMiddlewareFunc("Rewrite", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
					middleware.BuildOutput, middleware.Metadata, error,
				) {
					req := in.Request.(*smithyhttp.Request)
					b, _ := io.ReadAll(req.GetStream())
					b = bytes.Replace(b, []byte(`"numResults":5`), []byte(`"numResults":`+form), 1)
					r, _ := req.SetStream(bytes.NewReader(b))
					in.Request = r
					return next.HandleBuild(ctx, in)
				}), middleware.After)
			})
		}
		_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), NumResults: 5}, hook)
		dataplanetest.RequireRefused(t, s, nil, err, "NumResults", "sensitive.credit-card", reviewCard)
	}
}

type rawUser struct{}

func (rawUser) BeforeSerialization(_ context.Context, in *smithyhttp.InterceptorContext) error {
	in.Input.(*sdk.GetRecommendationsInput).UserId = aws.String(email)
	return nil
}

func (rawUser) BeforeTransmit(_ context.Context, in *smithyhttp.InterceptorContext) error {
	in.Request.Header.Set("X-Customer", email)
	return nil
}

// TestReviewInterceptors: interceptors (client and per call) run before the
// wire gate: one that puts the raw userId back is refused, and an e-mail
// one writes in a header never reaches the endpoint.
func TestReviewInterceptors(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t)})
	if err != nil {
		t.Fatal(err)
	}
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("customer-1")}
	_, err = client.GetRecommendations(context.Background(), in, func(o *sdk.Options) {
		o.Interceptors.AddBeforeSerialization(rawUser{})
	})
	dataplanetest.RequireRefused(t, s, nil, err, "UserId", "transport.request-changed", email)
	_, err = client.GetRecommendations(context.Background(), in, func(o *sdk.Options) {
		o.Interceptors.AddBeforeTransmit(rawUser{})
	})
	if s.Seen(email) {
		t.Errorf("a BeforeTransmit interceptor's header reached the endpoint (err %v)", err)
	}
	if aws.ToString(in.UserId) != "customer-1" {
		t.Errorf("the caller's input changed: %q", aws.ToString(in.UserId))
	}
}
