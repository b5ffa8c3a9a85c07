package personalizeruntime_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

var errStop = errors.New("stopped after the identifiers step")

// TestPseudonymizeMatchesReference holds the copy the identifiers step
// makes, with the pseudonym's string allocated beside it, to a copy made
// by hand with the Pseudonymizer, for every operation and nil, empty and
// raw user IDs; the caller's input stays as it was.
func TestPseudonymizeMatchesReference(t *testing.T) {
	p := dataplanetest.Pseudonymizer(t)
	client, err := personalizeruntime.New(dataplanetest.InstantConfig(""), personalizeruntime.Policy{Pseudonymizer: p,
		InsecureAllowUnverifiableHTTPClient: true, STSClient: dataplanetest.UserSTS{}})
	if err != nil {
		t.Fatal(err)
	}
	capture := func(got *any) func(*sdk.Options) {
		return func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
				return stack.Initialize.Insert(middleware.InitializeMiddlewareFunc("Capture", func(_ context.Context, in middleware.InitializeInput, _ middleware.InitializeHandler) (
					middleware.InitializeOutput, middleware.Metadata, error,
				) {
					*got = in.Parameters
					return middleware.InitializeOutput{}, middleware.Metadata{}, errStop
				}), personalizeruntime.IDIdentifiers, middleware.After)
			})
		}
	}
	ignore := cmpopts.IgnoreUnexported(sdk.GetRecommendationsInput{}, sdk.GetPersonalizedRankingInput{}, sdk.GetActionRecommendationsInput{})
	const campaign = "arn:aws:personalize:us-east-1:123456789012:campaign/for-you"
	r := rand.New(rand.NewPCG(5, 7))
	for i := range 300 {
		var user *string
		switch r.IntN(4) {
		case 0:
		case 1:
			user = aws.String("")
		case 2:
			user = aws.String(fmt.Sprintf("customer-%04d", r.IntN(10000)))
		default:
			user = aws.String(fmt.Sprintf("user%d@example.com", r.IntN(1000)))
		}
		want := user
		if user != nil && *user != "" {
			v, err := p.UserID(*user)
			if err != nil {
				t.Fatal(err)
			}
			want = &v
		}
		for _, tt := range []struct {
			name       string
			in         any
			call       func(any, func(*sdk.Options)) error
			withUserID func(any, *string) any // a copy of in with another user ID
		}{
			{"GetRecommendations", &sdk.GetRecommendationsInput{CampaignArn: aws.String(campaign), UserId: user, NumResults: 10, Context: map[string]string{"DEVICE": "mobile"}},
				func(in any, o func(*sdk.Options)) error {
					_, err := client.GetRecommendations(context.Background(), in.(*sdk.GetRecommendationsInput), o)
					return err
				},
				func(in any, id *string) any { cp := *in.(*sdk.GetRecommendationsInput); cp.UserId = id; return &cp }},
			{"GetPersonalizedRanking", &sdk.GetPersonalizedRankingInput{CampaignArn: aws.String(campaign), UserId: user, InputList: []string{"item-1", "item-2"}},
				func(in any, o func(*sdk.Options)) error {
					_, err := client.GetPersonalizedRanking(context.Background(), in.(*sdk.GetPersonalizedRankingInput), o)
					return err
				},
				func(in any, id *string) any { cp := *in.(*sdk.GetPersonalizedRankingInput); cp.UserId = id; return &cp }},
			{"GetActionRecommendations", &sdk.GetActionRecommendationsInput{CampaignArn: aws.String(campaign), UserId: user, NumResults: 5},
				func(in any, o func(*sdk.Options)) error {
					_, err := client.GetActionRecommendations(context.Background(), in.(*sdk.GetActionRecommendationsInput), o)
					return err
				},
				func(in any, id *string) any {
					cp := *in.(*sdk.GetActionRecommendationsInput)
					cp.UserId = id
					return &cp
				}},
		} {
			before := tt.withUserID(tt.in, user)
			var got any
			if err := tt.call(tt.in, capture(&got)); !errors.Is(err, errStop) {
				t.Fatalf("%s %d: %v, want the call stopped after the identifiers step", tt.name, i, err)
			}
			if diff := cmp.Diff(tt.withUserID(tt.in, want), got, ignore); diff != "" {
				t.Fatalf("%s %d: copy (-want +got):\n%s", tt.name, i, diff)
			}
			if got == tt.in {
				t.Fatalf("%s %d: the identifiers step handed on the caller's input", tt.name, i)
			}
			if diff := cmp.Diff(before, tt.in, ignore); diff != "" {
				t.Fatalf("%s %d: the caller's input changed (-before +after):\n%s", tt.name, i, diff)
			}
		}
	}
}
