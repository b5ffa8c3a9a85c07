package personalizeruntime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRequestLineIsTheOperation: AWS runs the runtime operation the
// request's method and path name; the guard checks the body by the rules
// of the operation the SDK serialized. A hook that rewrites the path (or
// the URL's Opaque, which net/http sends in its place) to another
// operation's, or the method, at any step up to the wire gate, is refused
// under the operation's own name, in report-only mode too, with nothing
// sent and one audit event; a path that carries a value is not echoed.
// Each operation with no hook goes out to the path written here, which is
// the SDK serializer's (the endpoint runs it by that path).
func TestRequestLineIsTheOperation(t *testing.T) {
	s, c := dataplanetest.Start(t)
	paths := map[string]string{
		"GetRecommendations":       "/recommendations",
		"GetPersonalizedRanking":   "/personalize-ranking",
		"GetActionRecommendations": "/action-recommendations",
	}
	calls := map[string]func(context.Context, *sdk.Client, func(*sdk.Options)) error{
		"GetRecommendations": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, o)
			return err
		},
		"GetPersonalizedRanking": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.GetPersonalizedRanking(ctx, &sdk.GetPersonalizedRankingInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"),
				InputList: []string{"i1", "i2"}}, o)
			return err
		},
		"GetActionRecommendations": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.GetActionRecommendations(ctx, &sdk.GetActionRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, o)
			return err
		},
	}
	// The scene's campaign is a USER_PERSONALIZATION one: the endpoint
	// answers these operations with an error, once the guard let them
	// through.
	answers := map[string]string{"GetPersonalizedRanking": "InvalidInputException", "GetActionRecommendations": "InvalidInputException"}
	for _, tt := range dataplanetest.RequestLineCases(paths, answers) {
		t.Run(tt.Name, func(t *testing.T) {
			log := new(dataplanetest.AuditLog)
			client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{InsecureReportOnly: tt.ReportOnly, Logger: log.Logger()})
			if err != nil {
				t.Fatal(err)
			}
			s.ResetRequests()
			err = calls[tt.Op](context.Background(), client, func(o *sdk.Options) {
				if tt.Step != "" {
					o.APIOptions = append(o.APIOptions, dataplanetest.RewriteRequestLine(tt.Step, personalizeruntime.IDWireGate, tt.Line))
				}
			})
			if diff := cmp.Diff(tt.Want, dataplanetest.RequestLineResult(t, s, log, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err != nil && strings.Contains(err.Error(), dataplanetest.PathSecret) || strings.Contains(log.String(), dataplanetest.PathSecret) || s.Seen(dataplanetest.PathSecret) {
				t.Errorf("the path's value is in the error, the audit log or at the endpoint")
			}
		})
	}
}

// retryable is an error the SDK's retryer retries.
type retryable struct{}

func (retryable) Error() string        { return "test: try again" }
func (retryable) RetryableError() bool { return true }

// TestRequestLineOnRetry: the gate holds the request line on every
// attempt. A hook that lets the first attempt out as it is, answers it
// with a retryable error, and rewrites the path of the next has the retry
// refused: one request reaches the endpoint, the first, to its own path.
func TestRequestLineOnRetry(t *testing.T) {
	s, c := dataplanetest.Start(t)
	log := new(dataplanetest.AuditLog)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	s.ResetRequests()
	attempt := 0
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, func(o *sdk.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Finalize.Insert(middleware.FinalizeMiddlewareFunc("Test:Retry", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
				middleware.FinalizeOutput, middleware.Metadata, error,
			) {
				if attempt++; attempt == 1 {
					out, md, err := next.HandleFinalize(ctx, in)
					if err == nil {
						err = retryable{}
					}
					return out, md, err
				}
				req := in.Request.(*smithyhttp.Request)
				req.URL.Path, req.URL.RawPath = "/personalize-ranking", "/personalize-ranking"
				return next.HandleFinalize(ctx, in)
			}), "Signing", middleware.Before)
		})
	})
	want := dataplanetest.RequestLineOutcome{Rule: guarderr.RuleRequestChanged, Field: "path", Operation: "GetRecommendations",
		Sent:  []string{"POST /recommendations GetRecommendations"},
		Audit: []string{"GetRecommendations rejected " + guarderr.RuleRequestChanged + " path"}}
	if diff := cmp.Diff(want, dataplanetest.RequestLineResult(t, s, log, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if attempt != 2 {
		t.Errorf("%d attempts, want 2", attempt)
	}
}
