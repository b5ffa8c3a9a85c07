package personalizeevents_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

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
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{InsecurePublicProperties: []string{"description"}})
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

// TestAuditEventAtHandlerLevel: the guard builds the audit event only when
// the handler takes its level, and then writes it: a handler at WARN gets
// the refusals and the report-only reports, and no allowed call; one at
// INFO gets every call.
func TestAuditEventAtHandlerLevel(t *testing.T) {
	s, c := dataplanetest.Start(t)
	put := func(client *sdk.Client, userID string) error {
		_, err := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(userID), SessionId: aws.String("s1"),
			EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}})
		return err
	}
	tests := []struct {
		name       string
		level      slog.Level
		reportOnly bool
		want       []string // per call (clean, then identifying): the event's level and what it holds; "" for none
	}{
		{"WARN handler", slog.LevelWarn, false, []string{"", `"level":"WARN"` + "|" + `"rule":"sensitive.email"`}},
		{"INFO handler", slog.LevelInfo, false, []string{`"level":"INFO"` + "|" + `"outcome":"allowed"`, `"level":"WARN"` + "|" + `"rule":"sensitive.email"`}},
		{"WARN handler, report-only", slog.LevelWarn, true, []string{"", `"level":"WARN"` + "|" + `"report_only":["sensitive.email at UserId"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for i, userID := range []string{"u1", email} {
				var log dataplanetest.AuditLog
				logger := slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: tt.level}))
				client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{InsecureReportOnly: tt.reportOnly, Logger: logger})
				if err != nil {
					t.Fatal(err)
				}
				_ = put(client, userID)
				event := strings.TrimSpace(log.String())
				parts := strings.Split(tt.want[i], "|")
				if tt.want[i] == "" {
					parts = nil
				}
				for _, p := range parts {
					if !strings.Contains(event, p) {
						got = append(got, "call "+strconv.Itoa(i+1)+" lacks "+p)
					}
				}
				if len(parts) == 0 && event != "" {
					got = append(got, "call "+strconv.Itoa(i+1)+" logged at a level the handler does not take")
				}
				if strings.Contains(event, email) {
					got = append(got, "call "+strconv.Itoa(i+1)+" logged the value")
				}
			}
			if diff := cmp.Diff([]string(nil), got); diff != "" {
				t.Errorf("audit events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGuardsInParallel: callers racing on an enforcing, a report-only and
// a pseudonymising guard at once, whose calls share the pooled call
// states, each get their own guard's answer: a card as a JSON number in
// event properties, after the same clean numbers, is refused, or reported,
// every time; the caller's input stays as it was.
func TestGuardsInParallel(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	var clients [3]*sdk.Client
	for i, p := range []personalizeevents.Policy{
		{},
		{InsecureReportOnly: true, Logger: log.Logger()},
		{Pseudonymizer: dataplanetest.Pseudonymizer(t)},
	} {
		var err error
		if clients[i], err = personalizeevents.New(s.Config(), p); err != nil {
			t.Fatal(err)
		}
	}
	const card = "4111111111111111"
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []string
	var reportOnlyDirty atomic.Int32
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				kind, dirty := i%3, (g+i)%2 == 0
				props := `{"n":1700001000,"m":1700001000}`
				if dirty {
					props = `{"n":1700001000,"m":` + card + `}`
				}
				user := "u" + strconv.Itoa(g)
				in := &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(user), SessionId: aws.String("s1"),
					EventList: []types.Event{
						{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt, Properties: aws.String(`{"n":1700001000}`)},
						{EventType: aws.String("view"), ItemId: aws.String("item-2"), SentAt: sentAt, Properties: aws.String(props)},
					}}
				_, err := clients[kind].PutEvents(context.Background(), in)
				var problem string
				switch {
				case kind == 1 && err != nil:
					problem = "report-only guard refused: " + err.Error()
				case kind != 1 && dirty != refusedByGuard(err):
					problem = "guard " + strconv.Itoa(kind) + ", card " + strconv.FormatBool(dirty) + ": err " + strconv.Quote(fmt.Sprint(err))
				case *in.UserId != user || *in.EventList[1].Properties != props:
					problem = "the caller's input changed"
				}
				if kind == 1 && dirty {
					reportOnlyDirty.Add(1)
				}
				if problem != "" {
					mu.Lock()
					got = append(got, problem)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if diff := cmp.Diff([]string(nil), got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if n, want := strings.Count(log.String(), `"report_only":["sensitive.credit-card at EventList[1].Properties"]`), int(reportOnlyDirty.Load()); n != want || n == 0 {
		t.Errorf("%d report-only calls reported the card, want %d (and some)", n, want)
	}
}
