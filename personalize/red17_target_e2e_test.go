package personalize_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// setTarget returns a per-call option whose middleware sets the request's
// X-Amz-Target (the operation AWS runs) to target: in Build (before the
// retry loop and signing), in Finalize right before Signing (each attempt,
// signed), or in Deserialize right before the wire gate (after signing).
// With onRetry, the first attempt goes out untouched and answers a
// retryable error; the next attempt carries target.
func setTarget(step, target string, onRetry bool) func(*sdk.Options) {
	set := func(req any) {
		h := req.(*smithyhttp.Request).Header
		if target == "" {
			h.Del("X-Amz-Target")
		} else {
			h.Set("X-Amz-Target", target)
		}
	}
	return func(o *sdk.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
		attempt := 0
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			switch step {
			case "Build":
				return s.Build.Add(middleware.BuildMiddlewareFunc("Red17:Target", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
					set(in.Request)
					return next.HandleBuild(ctx, in)
				}), middleware.After)
			case "Finalize":
				return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("Red17:Target", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					if attempt++; onRetry && attempt == 1 {
						out, md, err := next.HandleFinalize(ctx, in)
						if err == nil {
							err = red17Retryable{}
						}
						return out, md, err
					}
					set(in.Request)
					return next.HandleFinalize(ctx, in)
				}), "Signing", middleware.Before)
			default:
				return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Red17:Target", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					set(in.Request)
					return next.HandleDeserialize(ctx, in)
				}), personalize.IDWireGate, middleware.Before)
			}
		})
	}
}

// red17Retryable is an error the SDK's retryer retries.
type red17Retryable struct{}

func (red17Retryable) Error() string        { return "red17: try again" }
func (red17Retryable) RetryableError() bool { return true }

// TestRed17WireTargetIsTheOperation: AWS runs the operation the request's
// X-Amz-Target names; the guard checks, and audits, the one the SDK built
// the call for. A hook that rewrites the header after the guard's checks
// (here a DescribeDatasetGroup turned into DeleteDatasetGroup, whose input
// is the same) had the group deleted under an audit event that says
// "DescribeDatasetGroup allowed". Refused wherever the hook runs, on every
// attempt, in report-only mode too; the header left as it is goes out.
func TestRed17WireTargetIsTheOperation(t *testing.T) {
	const describe, del = "AmazonPersonalize.DescribeDatasetGroup", "AmazonPersonalize.DeleteDatasetGroup"
	refused := red17Outcome{Rule: personalize.RuleRequestChanged, Field: "header", Operation: "DescribeDatasetGroup",
		Audit: []string{"DescribeDatasetGroup rejected " + personalize.RuleRequestChanged}}
	sent := red17Outcome{Sent: []string{"DescribeDatasetGroup"}, Audit: []string{"DescribeDatasetGroup allowed "}}
	tests := []struct {
		name       string
		step       string
		target     string
		onRetry    bool
		reportOnly bool
		want       red17Outcome
	}{
		{name: "Build, another operation", step: "Build", target: del, want: refused},
		{name: "Finalize before signing, another operation", step: "Finalize", target: del, want: refused},
		{name: "Deserialize before the gate, another operation", step: "Deserialize", target: del, want: refused},
		{name: "second attempt only", step: "Finalize", target: del, onRetry: true,
			want: red17Outcome{Rule: personalize.RuleRequestChanged, Field: "header", Operation: "DescribeDatasetGroup", Sent: []string{"DescribeDatasetGroup"},
				Audit: []string{"DescribeDatasetGroup rejected " + personalize.RuleRequestChanged}}},
		{name: "report-only mode", step: "Build", target: del, reportOnly: true, want: refused},
		{name: "another service's prefix", step: "Build", target: "TrentService.DescribeDatasetGroup", want: refused},
		{name: "header removed", step: "Build", target: "", want: refused},
		{name: "left as it is", step: "Build", target: describe, want: sent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: tt.reportOnly}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			err := callNoPanic(func() error {
				_, err := e.client.DescribeDatasetGroup(context.Background(), &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String(e.scene.DatasetGroupARN)},
					setTarget(tt.step, tt.target, tt.onRetry))
				return err
			})
			if diff := cmp.Diff(tt.want, red17Result(t, e, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed17SigningRegion: the wire gate holds a call to the guard's Region
// by the Region in the call's context, which a hook can set back after the
// endpoint was resolved and the request signed for another: a per-call
// Region of eu-west-1 went out signed for eu-west-1 (to
// personalize.eu-west-1.amazonaws.com without a BaseEndpoint), where no key
// or bucket was checked. Refused whatever the context says.
func TestRed17SigningRegion(t *testing.T) {
	resetRegion := func(s *middleware.Stack) error {
		return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Red17:Region", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			return next.HandleDeserialize(awsmiddleware.SetRegion(ctx, personalizetest.Region), in)
		}), personalize.IDWireGate, middleware.Before)
	}
	tests := []struct {
		name   string
		region string
		hook   bool
		want   red17Outcome
	}{
		{name: "another Region", region: "eu-west-1",
			want: red17Outcome{Rule: personalize.RuleRegionMismatch, Operation: "ListDatasetGroups", Audit: []string{"ListDatasetGroups rejected " + personalize.RuleRegionMismatch}}},
		{name: "another Region, the context's set back", region: "eu-west-1", hook: true,
			want: red17Outcome{Rule: personalize.RuleRegionMismatch, Operation: "ListDatasetGroups", Audit: []string{"ListDatasetGroups rejected " + personalize.RuleRegionMismatch}}},
		{name: "the guard's Region, the context's set to it", region: personalizetest.Region, hook: true,
			want: red17Outcome{Sent: []string{"ListDatasetGroups"}, Audit: []string{"ListDatasetGroups allowed "}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) {
				o.Region = tt.region
				if tt.hook {
					o.APIOptions = append(o.APIOptions, resetRegion)
				}
			})
			if diff := cmp.Diff(tt.want, red17Result(t, e, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
