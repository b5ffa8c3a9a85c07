package personalizeruntime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestLambdaTraceHeader: in AWS Lambda the SDK copies the function's X-Ray
// trace ID into an X-Amzn-Trace-Id header on every call (its
// RecursionDetection middleware). Its IDs are random hex, in which the
// detector finds a card or an account number about once in 10,000 headers
// (a Parent of 16 decimal digits that passes Luhn, "acc" and digits in a
// Root): the guard must not refuse those calls for it, and must still
// refuse an identifying value in any other field of the header.
func TestLambdaTraceHeader(t *testing.T) {
	const (
		root = "Root=1-6b0cb639-354eaba26c4692acc2008108" // "acc2008108" reads as an account number
		rest = ";Parent=4937590324425800;Sampled=1;Lineage=12326a9d:0"
	)
	if _, found := sensitive.Default().First(root + rest); !found {
		t.Fatal("the detector finds nothing in the trace header: the test proves nothing")
	}
	tests := []struct {
		name, traceID string
		refused       bool
	}{
		{"random IDs the detector misreads", root + rest, false},
		{"Lambda's fields only", root + ";Parent=4937590324425800;Sampled=0", false},
		{"an e-mail in another field", root + rest + ";Owner=" + email, true},
		{"an e-mail in place of the Parent ID", root + ";Parent=" + email, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "recommendations")
			t.Setenv("_X_AMZN_TRACE_ID", tt.traceID)
			s, c := dataplanetest.Start(t)
			client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")})
			if tt.refused {
				dataplanetest.RequireRefused(t, s, nil, err, "header", "transport.request-changed.sensitive", email)
				return
			}
			if err != nil {
				t.Fatalf("GetRecommendations with X-Amzn-Trace-Id %q = %v, want it sent", tt.traceID, err)
			}
			if !s.Seen(root) {
				t.Error("the endpoint did not get the trace header: the test proves nothing")
			}
		})
	}
}

// TestTraceparentHeader: OpenTelemetry's AWS SDK instrumentation (otelaws)
// injects a W3C traceparent header into every call. Its span ID is random
// hex, 16 decimal digits about once in 2,000 calls, which the detector reads
// as a card number when it passes Luhn and an issuer range (23 of 1,000,000
// random headers): a header of the standard's shape must be sent, and
// anything else in it still refused.
func TestTraceparentHeader(t *testing.T) {
	const traceparent = "00-619a4d5ea942b46f2bac10071cb6b3b4-2500011034896124-01"
	if _, found := sensitive.Default().First(traceparent); !found {
		t.Fatal("the detector finds nothing in the traceparent: the test proves nothing")
	}
	tests := []struct {
		name, value string
		refused     bool
	}{
		{"random IDs the detector misreads", traceparent, false},
		{"an e-mail in place of the span ID", "00-619a4d5ea942b46f2bac10071cb6b3b4-" + email + "-01", true},
		{"an e-mail after the fields", traceparent + "-" + email, true},
	}
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// As otelaws's Finalize middleware does, before signing.
			inject := func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
					return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("Propagate", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
						middleware.FinalizeOutput, middleware.Metadata, error,
					) {
						in.Request.(*smithyhttp.Request).Header.Set("traceparent", tt.value)
						return next.HandleFinalize(ctx, in)
					}), "Signing", middleware.Before)
				})
			}
			_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, inject)
			if tt.refused {
				dataplanetest.RequireRefused(t, s, nil, err, "header", "transport.request-changed.sensitive", email)
				return
			}
			if err != nil {
				t.Fatalf("GetRecommendations with traceparent %q = %v, want it sent", tt.value, err)
			}
			if !s.Seen(tt.value) {
				t.Error("the endpoint did not get the traceparent: the test proves nothing")
			}
		})
	}
}

// TestTracestateHeader: OpenTelemetry's propagators put a W3C tracestate
// beside the traceparent, Datadog's with its span and trace IDs in fields
// "p:<16 hex>" and "t.tid:<16 hex>". Those random IDs are set aside; the
// rest of the header, a field's name before its ID included, is what an
// application wrote, and is refused when it identifies someone.
func TestTracestateHeader(t *testing.T) {
	const span = "4111111111111111" // a random span ID that reads as a card
	tests := []struct {
		name, value string
		refused     bool
	}{
		{"Datadog's member, a span ID the detector misreads", "dd=s:1;o:rum;p:" + span + ";t.dm:-4;t.tid:619a4d5ea942b46f", false},
		{"an e-mail in a field", "dd=s:1;u:" + email, true},
		{"an e-mail as the name of an ID's field", "dd=s:1;" + email + ":619a4d5ea942b46f", true},
		{"a card as the name of an ID's field", "acme=" + span + ":00f067aa0ba902b7", true},
		{"an e-mail as a member's key", email + "=00f067aa0ba902b7", true},
		{"a card as an application's member, in an ID's shape", "acct=" + span + ",dd=p:" + span, true},
		{"OpenTelemetry's member", "ot=th:8;rv:" + span[:14] + ",dd=p:" + span, false},
		{"Datadog's span ID field twice", "dd=s:1;p:" + span + ";p:" + span, true},
		{"Datadog's member twice", "dd=p:" + span + ",dd=p:" + span, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t) // one each: what an endpoint saw is the subtest's
			client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			inject := func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
					return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("Propagate", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
						middleware.FinalizeOutput, middleware.Metadata, error,
					) {
						h := in.Request.(*smithyhttp.Request).Header
						h.Set("traceparent", "00-619a4d5ea942b46f2bac10071cb6b3b4-00f067aa0ba902b7-01")
						h.Set("tracestate", tt.value)
						return next.HandleFinalize(ctx, in)
					}), "Signing", middleware.Before)
				})
			}
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, inject)
			if tt.refused {
				dataplanetest.RequireRefused(t, s, nil, err, "header", "transport.request-changed.sensitive", email, span)
				return
			}
			if err != nil {
				t.Fatalf("GetRecommendations with tracestate %q = %v, want it sent", tt.value, err)
			}
			if !s.Seen(tt.value) {
				t.Error("the endpoint did not get the tracestate: the test proves nothing")
			}
		})
	}
}

// TestAuthorizationRewritten: a hook after signing that rewrites the
// Authorization header keeps to its shape and still puts an identifying
// value on the wire there: as the Region or the service, a grouped card
// read with the slash and the digit before it as one longer number. The
// call is refused and the endpoint sees nothing of it.
func TestAuthorizationRewritten(t *testing.T) {
	const card = "4111-1111-1111-1111"
	for _, tt := range []struct{ name, old, new string }{
		{"a card for the Region", "/us-east-1/", "/" + card + "/"},
		{"a card for the service", "/personalize/", "/" + card + "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			rewrite := func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
					return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("Rewrite", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
						middleware.FinalizeOutput, middleware.Metadata, error,
					) {
						h := in.Request.(*smithyhttp.Request).Header
						auth := h.Get("Authorization")
						if !strings.Contains(auth, tt.old) {
							t.Errorf("Authorization %q has no %q: the test proves nothing", auth, tt.old)
						}
						h.Set("Authorization", strings.Replace(auth, tt.old, tt.new, 1))
						return next.HandleFinalize(ctx, in)
					}), "Signing", middleware.After)
				})
			}
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, rewrite)
			dataplanetest.RequireRefused(t, s, nil, err, "header", "transport.request-changed.sensitive", card)
		})
	}
}
