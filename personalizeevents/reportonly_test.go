package personalizeevents_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// TestReportOnlyIdentifierPastLength: report-only mode reports a field
// outside the model's length limits instead of refusing it, but that must
// not end the field's checks: with a Pseudonymizer an identifier that is
// not the guard's pseudonym is refused in every mode, however long.
func TestReportOnlyIdentifierPastLength(t *testing.T) {
	long := email + strings.Repeat(" ", 300) // past userId's and sessionId's 256 characters
	tests := []struct {
		name, field string
		set         func(*sdk.PutEventsInput)
	}{
		{"userId", "UserId", func(in *sdk.PutEventsInput) { in.UserId = aws.String(long) }},
		{"sessionId", "SessionId", func(in *sdk.PutEventsInput) { in.SessionId = aws.String(long) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			var log dataplanetest.AuditLog
			client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t),
				InsecureReportOnly: true, Logger: log.Logger()})
			if err != nil {
				t.Fatal(err)
			}
			// A hook after the identifiers step puts the raw value back.
			hook := func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
					return stack.Initialize.Insert(middleware.InitializeMiddlewareFunc("SetRaw", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
						middleware.InitializeOutput, middleware.Metadata, error,
					) {
						tt.set(in.Parameters.(*sdk.PutEventsInput))
						return next.HandleInitialize(ctx, in)
					}), personalizeevents.IDIdentifiers, middleware.After)
				})
			}
			_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}}, hook)
			dataplanetest.RequireRefused(t, s, &log, err, tt.field, "transport.request-changed", email)
		})
	}
}
