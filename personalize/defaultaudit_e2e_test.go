package personalize_test

import (
	"bytes"
	"context"
	"encoding/json"
	stdlog "log"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	sdkevents "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	evtypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	sdkruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestZeroPolicyAudits: the audit is a safeguard, on in the zero-value
// Policy of all three clients: with no Logger, each call writes its one
// event through slog.Default() as it is at the call, though the program set
// it after building the clients; InsecureNoAuditLog, the opt-out, writes
// none. (Not parallel: it swaps the process's default logger, and puts it
// and the log package's output back.)
func TestZeroPolicyAudits(t *testing.T) {
	srv := personalizetest.New(t)
	ctx := context.Background()
	type calls struct{ control, events, runtime func() error }
	build := func(t *testing.T, off bool) calls {
		control, err := personalize.New(srv.Config(), personalize.Policy{InsecureNoAuditLog: off})
		if err != nil {
			t.Fatal(err)
		}
		events, err := personalizeevents.New(srv.Config(), personalizeevents.Policy{InsecureNoAuditLog: off})
		if err != nil {
			t.Fatal(err)
		}
		runtime, err := personalizeruntime.New(srv.Config(), personalizeruntime.Policy{InsecureNoAuditLog: off})
		if err != nil {
			t.Fatal(err)
		}
		return calls{
			control: func() error { _, err := control.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}); return err },
			events: func() error {
				_, err := events.PutEvents(ctx, &sdkevents.PutEventsInput{TrackingId: aws.String("tracker"), SessionId: aws.String("s1"),
					EventList: []evtypes.Event{{EventType: aws.String("view"), SentAt: aws.Time(time.Unix(1700000000, 0))}}})
				return err
			},
			runtime: func() error {
				_, err := runtime.GetRecommendations(ctx, &sdkruntime.GetRecommendationsInput{
					CampaignArn: aws.String("arn:aws:personalize:us-east-1:111122223333:campaign/c"), UserId: aws.String("u1")})
				return err
			},
		}
	}
	for _, tt := range []struct {
		name string
		off  bool
		want []string // the operations of the events written, in order
	}{
		{"zero Policy", false, []string{"ListDatasetGroups", "PutEvents", "GetRecommendations"}},
		{"InsecureNoAuditLog", true, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, tt.off) // built before the program sets its default logger
			var log bytes.Buffer
			restoreDefaultLogger(t)
			slog.SetDefault(slog.New(slog.NewJSONHandler(&log, nil)))
			for _, call := range []func() error{c.control, c.events, c.runtime} {
				_ = call() // the emulator may refuse an unknown tracker or campaign: the call is audited either way
			}
			var got []string
			for dec := json.NewDecoder(&log); dec.More(); {
				var ev struct{ Operation string }
				if err := dec.Decode(&ev); err != nil {
					t.Fatalf("audit log is not JSON lines: %v", err)
				}
				got = append(got, ev.Operation)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("audited operations (-want +got):\n%s", diff)
			}
		})
	}
}

// restoreDefaultLogger puts back, when t ends, slog's default logger and
// the log package's output and flags, which slog.SetDefault redirects and
// setting the default back does not undo.
func restoreDefaultLogger(t *testing.T) {
	l, w, flags := slog.Default(), stdlog.Writer(), stdlog.Flags()
	t.Cleanup(func() {
		slog.SetDefault(l)
		stdlog.SetOutput(w)
		stdlog.SetFlags(flags)
	})
}
