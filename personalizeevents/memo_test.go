package personalizeevents_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// failFirstAttempt is a per-call option whose Finalize middleware, after
// the retry loop, lets the first attempt go out and then fails it with a
// connection error the retryer retries: the wire gate walks the body
// twice in one call.
func failFirstAttempt() func(*sdk.Options) {
	var attempts atomic.Int32
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("Test:FailFirstAttempt", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
				middleware.FinalizeOutput, middleware.Metadata, error,
			) {
				out, md, err := next.HandleFinalize(ctx, in)
				if attempts.Add(1) == 1 && err == nil {
					return out, md, &smithyhttp.RequestSendError{Err: errors.New("connection reset")}
				}
				return out, md, err
			}), middleware.After)
		})
	}
}

// TestReportOnlyRetryDoesNotPoisonPropertiesMemo: in report-only mode, a
// properties document the gate reported is never remembered as passed,
// even when the gate walks it a second time in one call (a retried
// attempt), where the call's report list already holds that rule and
// field: every later call with the document reports it again.
func TestReportOnlyRetryDoesNotPoisonPropertiesMemo(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	cfg := s.Config()
	cfg.RetryMaxAttempts = 2
	client, err := personalizeevents.New(cfg, personalizeevents.Policy{InsecureReportOnly: true, Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	in := &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
		EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt,
			Properties: aws.String(`{"contact":"` + email + `"}`)}}}
	const want = `"report_only":["sensitive.email at EventList[0].Properties"]`
	if _, err := client.PutEvents(context.Background(), in, failFirstAttempt()); err != nil {
		t.Fatalf("retried call: %v", err)
	}
	for i := range 3 {
		if _, err := client.PutEvents(context.Background(), in); err != nil {
			t.Fatalf("call %d: %v", i+2, err)
		}
	}
	events := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(events) != 4 {
		t.Fatalf("%d audit events, want 4:\n%s", len(events), log.String())
	}
	for i, e := range events {
		if !strings.Contains(e, want) {
			t.Errorf("call %d: audit event %s, want it to hold %s", i+1, e, want)
		}
		if strings.Contains(e, email) {
			t.Errorf("call %d: the audit event repeats the value", i+1)
		}
	}
}
