package personalizeevents_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// TestRequestLineIsTheOperation: AWS runs the events operation the
// request's method and path name; the guard checks the body by the rules
// of the operation the SDK serialized (a PutEvents body sent to /users
// would be read as users). A hook that rewrites the path (or the URL's
// Opaque, which net/http sends in its place) to another operation's, or
// the method, at any step up to the wire gate, is refused under the
// operation's own name, in report-only mode too, with nothing sent and one
// audit event; a path that carries a value is not echoed. Each operation
// with no hook goes out to the path written here, which is the SDK
// serializer's (the endpoint runs it by that path).
func TestRequestLineIsTheOperation(t *testing.T) {
	s, c := dataplanetest.Start(t)
	paths := map[string]string{
		"PutEvents":             "/events",
		"PutItems":              "/items",
		"PutUsers":              "/users",
		"PutActions":            "/actions",
		"PutActionInteractions": "/action-interactions",
	}
	now := time.Unix(1_700_000_000, 0)
	calls := map[string]func(context.Context, *sdk.Client, func(*sdk.Options)) error{
		"PutEvents": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("click"), SentAt: &now, ItemId: aws.String("i1")}}}, o)
			return err
		},
		"PutItems": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.PutItems(ctx, &sdk.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{{ItemId: aws.String("i1")}}}, o)
			return err
		},
		"PutUsers": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String("u1")}}}, o)
			return err
		},
		"PutActions": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.PutActions(ctx, &sdk.PutActionsInput{DatasetArn: &c.ItemsARN, Actions: []types.Action{{ActionId: aws.String("a1")}}}, o)
			return err
		},
		"PutActionInteractions": func(ctx context.Context, cl *sdk.Client, o func(*sdk.Options)) error {
			_, err := cl.PutActionInteractions(ctx, &sdk.PutActionInteractionsInput{TrackingId: &c.TrackingID, ActionInteractions: []types.ActionInteraction{
				{ActionId: aws.String("a1"), EventType: aws.String("Taken"), SessionId: aws.String("s1"), Timestamp: &now, UserId: aws.String("u1")}}}, o)
			return err
		},
	}
	// The scene has no Actions dataset, nor an action tracker: the
	// endpoint answers these with an error, once the guard let them
	// through.
	answers := map[string]string{"PutActions": "InvalidInputException", "PutActionInteractions": "InvalidInputException"}
	for _, tt := range dataplanetest.RequestLineCases(paths, answers) {
		t.Run(tt.Name, func(t *testing.T) {
			log := new(dataplanetest.AuditLog)
			client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{InsecureReportOnly: tt.ReportOnly, Logger: log.Logger()})
			if err != nil {
				t.Fatal(err)
			}
			s.ResetRequests()
			err = calls[tt.Op](context.Background(), client, func(o *sdk.Options) {
				if tt.Step != "" {
					o.APIOptions = append(o.APIOptions, dataplanetest.RewriteRequestLine(tt.Step, personalizeevents.IDWireGate, tt.Line))
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
