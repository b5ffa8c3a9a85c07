package personalizeevents_test

import (
	"context"
	"errors"
	"strings"
	"sync"
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

// TestPropertiesMemoParallel: callers racing on one guard, with documents
// that differ in one member or one byte from one that passed, never get
// an identifying value onto the wire through the properties memo, in the
// catalogue or out of it.
func TestPropertiesMemoParallel(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{PublicProperties: []string{"description"}})
	if err != nil {
		t.Fatal(err)
	}
	clean := `{"description":"call ` + email + `","device":"mobile"}` // public in the catalogue only
	dirty := []string{
		`{"description":"call ` + email + `","device":"` + email + `"}`,
		`{"description":"call ` + email + `","device":"mobile","description":"x"}`,
		`{"description":"call ` + email + `","device":"mobile\u0020` + email + `"}`,
		`{"Description":"call ` + email + `","device":"mobile"}`,
	}
	var wg sync.WaitGroup
	var leaks, cleanSent atomic.Int32
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				props := clean
				if i%2 == 1 {
					props = dirty[(g+i)%len(dirty)]
				}
				_, itemsErr := client.PutItems(context.Background(), &sdk.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{
					{ItemId: aws.String("item-9"), Properties: aws.String(props)}}})
				_, eventsErr := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
					EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt, Properties: aws.String(props)}}})
				// The endpoint may refuse a property its schema lacks: what
				// counts is whether the guard refused.
				itemsRefused, eventsRefused := refusedByGuard(itemsErr), refusedByGuard(eventsErr)
				if props != clean && !itemsRefused || !eventsRefused {
					leaks.Add(1)
				}
				if props == clean && !itemsRefused {
					cleanSent.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := cleanSent.Load(); n != 40 {
		t.Errorf("%d of 40 PutItems calls with the public document passed the guard, want all: the memo was not exercised", n)
	}
	if n := leaks.Load(); n != 0 {
		t.Errorf("%d calls with an identifying value outside a public property were sent", n)
	}
	for _, r := range dataplanetest.APIRequests(s) {
		if r.Operation == "PutEvents" && r.Contains(email) {
			t.Errorf("PutEvents sent the e-mail address, which is public in the catalogue only")
		}
	}
}

func refusedByGuard(err error) bool {
	var sg *personalizeevents.SafeguardError
	return errors.As(err, &sg)
}
