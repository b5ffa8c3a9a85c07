package personalizeevents_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	awsruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplane"
	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

var errCaptured = errors.New("middleware captured")

// foreignCall is one call through a guarded client of either data-plane
// API: user is the call's user ID, edit a per-call stack edit, creds (when
// not nil) per-call credentials.
type foreignCall func(ctx context.Context, user string, edit func(*middleware.Stack) error, creds aws.CredentialsProvider) error

// withEdit adds a call's stack edit to either client's Options, and sets
// its per-call credentials when it has them.
func withEdit(apiOptions *[]func(*middleware.Stack) error, credentials *aws.CredentialsProvider, edit func(*middleware.Stack) error, creds aws.CredentialsProvider) {
	*apiOptions = append(*apiOptions, edit)
	if creds != nil {
		*credentials = creds
	}
}

// foreignClient makes guarded clients of one data-plane API.
type foreignClient struct {
	name string
	// newCall returns the calls of a client of a Guard with p on cfg.
	newCall func(cfg aws.Config, p dataplane.Policy, c dataplanetest.Campaign) (foreignCall, error)
	// withUser returns a copy of the call's input with its user ID set to
	// user; the caller's input stays as it was.
	withUser func(params any, user string) any
}

var foreignClients = []foreignClient{
	{
		name: "personalizeevents",
		newCall: func(cfg aws.Config, p dataplane.Policy, c dataplanetest.Campaign) (foreignCall, error) {
			client, err := personalizeevents.New(cfg, p)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context, user string, edit func(*middleware.Stack) error, creds aws.CredentialsProvider) error {
				_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(user), SessionId: aws.String("s1"),
					EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}},
					func(o *sdk.Options) { withEdit(&o.APIOptions, &o.Credentials, edit, creds) })
				return err
			}, nil
		},
		withUser: func(params any, user string) any {
			cp := *params.(*sdk.PutEventsInput)
			cp.UserId = aws.String(user)
			return &cp
		},
	},
	{
		name: "personalizeruntime",
		newCall: func(cfg aws.Config, p dataplane.Policy, c dataplanetest.Campaign) (foreignCall, error) {
			client, err := personalizeruntime.New(cfg, p)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context, user string, edit func(*middleware.Stack) error, creds aws.CredentialsProvider) error {
				_, err := client.GetRecommendations(ctx, &awsruntime.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user)},
					func(o *awsruntime.Options) { withEdit(&o.APIOptions, &o.Credentials, edit, creds) })
				return err
			}, nil
		},
		withUser: func(params any, user string) any {
			cp := *params.(*awsruntime.GetRecommendationsInput)
			cp.UserId = aws.String(user)
			return &cp
		},
	},
}

// takeMiddleware returns the middleware that get finds on the stack of
// call's client, from a call that it stops before any I/O.
func takeMiddleware(t *testing.T, call foreignCall, get func(*middleware.Stack) (any, bool)) any {
	t.Helper()
	var got any
	err := call(t.Context(), "capture", func(s *middleware.Stack) error {
		got, _ = get(s)
		return errCaptured
	}, nil)
	if !errors.Is(err, errCaptured) || got == nil {
		t.Fatalf("no middleware on the second Guard's client: %v", err)
	}
	return got
}

// initializeStep and deserializeStep find, for takeMiddleware, the
// middleware id of one step of a stack.
func initializeStep(id string) func(*middleware.Stack) (any, bool) {
	return func(s *middleware.Stack) (any, bool) { return s.Initialize.Get(id) }
}

func deserializeStep(id string) func(*middleware.Stack) (any, bool) {
	return func(s *middleware.Stack) (any, bool) { return s.Deserialize.Get(id) }
}

// TestForeignGuardMiddlewareRefused: the call state travels under one key
// for every Guard, so a second Guard's step or wire gate, taken from that
// Guard's client and added to a call of the first Guard's client under an
// ID of its own (which the check for a second Guard on a client does not
// see), read and wrote the first Guard's state:
//   - a report-only Guard's identifier step, after a hook that put an
//     e-mail address into the user ID, replaced it by its own pseudonym and
//     recorded it as the guard's, which the first Guard's wire gate then
//     sent as one of its own pseudonyms;
//   - a report-only Guard's identity step, on a client with the root
//     user's credentials, recorded the root key as the key the check saw,
//     and the first Guard's wire gate sent a request signed by the root
//     user (per-call credentials);
//   - a report-only Guard's wire gate, inserted before the first one's,
//     passed Ran (the first Guard's steps ran), checked the body by its own
//     policy and sent it itself.
//
// Each call is refused (RuleBypassed, though the other Guard reports
// only), and nothing of it reaches the endpoint.
func TestForeignGuardMiddlewareRefused(t *testing.T) {
	p1, p2 := dataplanetest.Pseudonymizer(t), dataplanetest.Pseudonymizer(t)
	// The second Guard's pseudonym of the address: neither it nor the
	// address may leave.
	otherPseudonym, err := p2.UserID(email)
	if err != nil {
		t.Fatal(err)
	}
	type attack struct {
		name string
		// this and other are the two Guards' Policies; other's client
		// signs with otherKey.
		this, other dataplane.Policy
		otherKey    string
		// user is the call's user ID; rootCreds gives the call the root
		// user's per-call credentials.
		user      string
		rootCreds bool
		// edit returns the per-call stack edit that puts other's
		// middleware, taken from its client, into the call.
		edit    func(t *testing.T, fc foreignClient, other foreignCall) func(*middleware.Stack) error
		secrets []string
	}
	attacks := []attack{
		{
			name:     "identifier step of a report-only Guard after a hook",
			this:     dataplane.Policy{Pseudonymizer: p1},
			other:    dataplane.Policy{Pseudonymizer: p2, InsecureReportOnly: true},
			otherKey: personalizetest.AccessKeyID,
			user:     "u1",
			edit: func(t *testing.T, fc foreignClient, other foreignCall) func(*middleware.Stack) error {
				ids := takeMiddleware(t, other, initializeStep(dataplane.IDIdentifiers)).(middleware.InitializeMiddleware)
				hook := middleware.InitializeMiddlewareFunc("put-address", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
					middleware.InitializeOutput, middleware.Metadata, error,
				) {
					in.Parameters = fc.withUser(in.Parameters, email)
					return next.HandleInitialize(ctx, in)
				})
				return func(s *middleware.Stack) error {
					if err := s.Initialize.Add(hook, middleware.After); err != nil {
						return err
					}
					return s.Initialize.Add(middleware.InitializeMiddlewareFunc("foreign-identifiers", ids.HandleInitialize), middleware.After)
				}
			},
			secrets: []string{email, otherPseudonym},
		},
		{
			name:      "identity step of a report-only Guard on root credentials",
			this:      dataplane.Policy{},
			other:     dataplane.Policy{InsecureReportOnly: true},
			otherKey:  personalizetest.RootAccessKeyID,
			user:      "u1",
			rootCreds: true,
			edit: func(t *testing.T, _ foreignClient, other foreignCall) func(*middleware.Stack) error {
				identity := takeMiddleware(t, other, initializeStep(dataplane.IDCallerIdentity)).(middleware.InitializeMiddleware)
				return func(s *middleware.Stack) error {
					return s.Initialize.Add(middleware.InitializeMiddlewareFunc("foreign-identity", identity.HandleInitialize), middleware.After)
				}
			},
			secrets: []string{personalizetest.RootAccessKeyID},
		},
		{
			name:     "wire gate of a report-only Guard before this one's",
			this:     dataplane.Policy{},
			other:    dataplane.Policy{InsecureReportOnly: true},
			otherKey: personalizetest.AccessKeyID,
			user:     email,
			edit: func(t *testing.T, _ foreignClient, other foreignCall) func(*middleware.Stack) error {
				gate := takeMiddleware(t, other, deserializeStep(dataplane.IDWireGate)).(middleware.DeserializeMiddleware)
				return func(s *middleware.Stack) error {
					return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("foreign-gate", gate.HandleDeserialize), dataplane.IDWireGate, middleware.Before)
				}
			},
			secrets: []string{email},
		},
	}
	type result struct {
		Rule string
		Sent []string // secrets that reached the endpoint's API
	}
	for _, fc := range foreignClients {
		for _, tt := range attacks {
			t.Run(fc.name+"/"+tt.name, func(t *testing.T) {
				s, c := dataplanetest.Start(t)
				var log dataplanetest.AuditLog
				this := tt.this
				this.Logger = log.Logger()
				call, err := fc.newCall(s.Config(), this, c)
				if err != nil {
					t.Fatal(err)
				}
				other := tt.other
				other.Logger = new(dataplanetest.AuditLog).Logger()
				otherCall, err := fc.newCall(s.ConfigAs(tt.otherKey), other, c)
				if err != nil {
					t.Fatal(err)
				}
				edit := tt.edit(t, fc, otherCall)
				var creds aws.CredentialsProvider
				if tt.rootCreds {
					creds = s.ConfigAs(personalizetest.RootAccessKeyID).Credentials
				}
				err = call(t.Context(), tt.user, edit, creds)
				var got result
				var sg *guarderr.SafeguardError
				if errors.As(err, &sg) {
					got.Rule = sg.Rule
				} else if err != nil {
					t.Fatalf("call: %v, want a *SafeguardError", err)
				}
				for _, v := range tt.secrets {
					for _, r := range dataplanetest.APIRequests(s) {
						if r.Contains(v) {
							got.Sent = append(got.Sent, v)
							break
						}
					}
					if err != nil && strings.Contains(err.Error(), v) {
						t.Errorf("the error repeats a value: %v", err)
					}
					if strings.Contains(log.String(), v) {
						t.Errorf("the audit log repeats a value: %s", log.String())
					}
				}
				if diff := cmp.Diff(result{Rule: guarderr.RuleBypassed}, got); diff != "" {
					t.Errorf("a call with another Guard's middleware (-want +got):\n%s", diff)
				}
			})
		}
	}
}
