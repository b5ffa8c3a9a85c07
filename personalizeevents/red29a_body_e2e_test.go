package personalizeevents_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// TestPutEventsBodyAroundInlineLength sends PutEvents bodies of every
// length around the gate's inline buffer (512 bytes, merge 61c3f53) and past
// it, whose userId, the body's last member, a hook after signing turns into
// an e-mail address: its bytes fall before, across and after byte 512 as the
// length grows. Each is refused at UserId by the e-mail rule with nothing
// sent and the address in neither the error nor the audit log; the same
// body left clean goes out byte for byte as the gate was handed it.
func TestPutEventsBodyAroundInlineLength(t *testing.T) {
	const placeholder = "u-placeholder-xxxxxx" // email's length
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	input := func(pad int) *sdk.PutEventsInput {
		return &sdk.PutEventsInput{TrackingId: &c.TrackingID, SessionId: aws.String("s1"), UserId: aws.String(placeholder),
			EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt,
				Properties: aws.String(`{"pad":"` + strings.Repeat("p", pad) + `"}`)}}}
	}
	// beforeGate runs f on the request right before the wire gate.
	beforeGate := func(f func(*smithyhttp.Request) error) func(*sdk.Options) {
		return func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, dataplanetest.BeforeGate(personalizeevents.IDWireGate, f))
		}
	}
	capture := dataplanetest.CaptureBody
	lengthOf := func(in *sdk.PutEventsInput) int {
		var body string
		if _, err := client.PutEvents(ctx, in, beforeGate(capture(&body, true))); !errors.Is(err, dataplanetest.ErrProbe) {
			t.Fatalf("probe: %v", err)
		}
		return len(body)
	}
	base := lengthOf(input(1)) - 1
	lengths := []int{base + 1}
	for n := 495; n <= 530; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1024, 1025, 1200)
	for _, n := range lengths {
		in := input(n - base)
		if got := lengthOf(in); got != n {
			t.Fatalf("the body is %d bytes, want %d", got, n)
		}
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s.ResetRequests()
			_, err := client.PutEvents(ctx, in, rewriteBody(t, `"`+placeholder+`"`, `"`+email+`"`))
			dataplanetest.RequireRefused(t, s, &log, err, "UserId", "sensitive.email", email)
			if got := dataplanetest.APIRequests(s); len(got) != 0 {
				t.Errorf("the endpoint got %d requests, want 0", len(got))
			}
			var seen string
			if _, err := client.PutEvents(ctx, in, beforeGate(capture(&seen, false))); err != nil {
				t.Fatalf("the clean body: %v", err)
			}
			var got []string
			for _, r := range dataplanetest.APIRequests(s) {
				got = append(got, string(r.Body))
			}
			if diff := cmp.Diff([]string{seen}, got); diff != "" || len(seen) != n {
				t.Errorf("%d bytes checked; sent bodies (-checked +received):\n%s", len(seen), diff)
			}
		})
	}
}
