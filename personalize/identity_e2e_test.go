package personalize_test

// The root-credentials check end to end, on all three guarded clients:
// the real SDK clients against personalizetest's Personalize, events,
// runtime and STS endpoints.

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	eventsdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventtypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	runtimesdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// identityPolicy is what the tests vary of each client's Policy.
type identityPolicy struct {
	allowRoot  bool
	reportOnly bool
	logger     *slog.Logger
}

// perCall is what a call's own options change: its credentials, and a
// guard middleware removed by ID.
type perCall struct {
	creds  aws.CredentialsProvider
	remove string
	stack  func(*middleware.Stack) error // a change of the call's own stack
}

// apply sets what pc asks of a call's credentials and APIOptions.
func (pc perCall) apply(creds *aws.CredentialsProvider, apiOptions *[]func(*middleware.Stack) error) {
	if pc.creds != nil {
		*creds = pc.creds
	}
	if pc.remove != "" {
		*apiOptions = append(*apiOptions, func(s *middleware.Stack) error {
			_, err := s.Initialize.Remove(pc.remove)
			return err
		})
	}
	if pc.stack != nil {
		*apiOptions = append(*apiOptions, pc.stack)
	}
}

// guardedClient builds one guarded client from cfg and returns a call that
// makes one request through it, with its own options.
type guardedClient struct {
	name    string
	service string // the personalizetest service the call goes to
	build   func(t *testing.T, cfg aws.Config, c dataplanetest.Campaign, p identityPolicy) func(ctx context.Context, perCall perCall) error
}

var guardedClients = []guardedClient{
	{"personalize", personalizetest.ServicePersonalize, func(t *testing.T, cfg aws.Config, _ dataplanetest.Campaign, p identityPolicy) func(context.Context, perCall) error {
		client, err := personalize.New(cfg, personalize.Policy{InsecureAllowRootCredentials: p.allowRoot, InsecureReportOnly: p.reportOnly, Logger: p.logger})
		if err != nil {
			t.Fatal(err)
		}
		return func(ctx context.Context, perCall perCall) error {
			_, err := client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) { perCall.apply(&o.Credentials, &o.APIOptions) })
			return err
		}
	}},
	{"personalizeevents", personalizetest.ServiceEvents, func(t *testing.T, cfg aws.Config, c dataplanetest.Campaign, p identityPolicy) func(context.Context, perCall) error {
		client, err := personalizeevents.New(cfg, personalizeevents.Policy{InsecureAllowRootCredentials: p.allowRoot, InsecureReportOnly: p.reportOnly, Logger: p.logger})
		if err != nil {
			t.Fatal(err)
		}
		return func(ctx context.Context, perCall perCall) error {
			_, err := client.PutEvents(ctx, &eventsdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []eventtypes.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: aws.Time(time.Now())}}},
				func(o *eventsdk.Options) { perCall.apply(&o.Credentials, &o.APIOptions) })
			return err
		}
	}},
	{"personalizeruntime", personalizetest.ServiceRuntime, func(t *testing.T, cfg aws.Config, c dataplanetest.Campaign, p identityPolicy) func(context.Context, perCall) error {
		client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{InsecureAllowRootCredentials: p.allowRoot, InsecureReportOnly: p.reportOnly, Logger: p.logger})
		if err != nil {
			t.Fatal(err)
		}
		return func(ctx context.Context, perCall perCall) error {
			_, err := client.GetRecommendations(ctx, &runtimesdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")},
				func(o *runtimesdk.Options) { perCall.apply(&o.Credentials, &o.APIOptions) })
			return err
		}
	}},
}

// requestsTo counts the requests s got for service.
func requestsTo(s *personalizetest.Server, service string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Service == service {
			n++
		}
	}
	return n
}

func staticAs(accessKeyID string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(accessKeyID, personalizetest.SecretAccessKey, "")
}

// TestRootCredentials: each client refuses, before anything but the
// guard's one STS call is sent, to run with the root user's credentials or
// with credentials it cannot check; opting out, or another principal,
// passes. No error or audit event names the key.
func TestRootCredentials(t *testing.T) {
	const unknownKey = "AKIDNOTKNOWNTOSTS0001"
	tests := []struct {
		name      string
		key       string // the config's access key ID
		deny      bool   // STS refuses GetCallerIdentity
		policy    identityPolicy
		wantRule  string // "" when the call goes out
		wantInErr string // in the error's text
		wantSTS   int    // STS requests made by the guard
		reason    string
	}{
		{name: "root refused", key: personalizetest.RootAccessKeyID, wantRule: personalize.RuleRootCredentials,
			wantInErr: "root user", wantSTS: 1, reason: "the root user has every permission and cannot be limited by IAM"},
		{name: "STS denied fails closed", key: personalizetest.AccessKeyID, deny: true, wantRule: personalize.RuleIdentityCheckFailed,
			wantInErr: "sts:GetCallerIdentity", wantSTS: 1, reason: "a check that cannot run never passes"},
		{name: "unknown key fails closed", key: unknownKey, wantRule: personalize.RuleIdentityCheckFailed,
			wantInErr: "did not accept the credentials", wantSTS: 1, reason: "STS refusing the credentials is no answer"},
		{name: "IAM user passes", key: personalizetest.AccessKeyID, wantSTS: 1, reason: "the default credentials are an IAM user's"},
		{name: "role session passes", key: personalizetest.AssumedRoleAccessKeyID, wantSTS: 1, reason: "assumed-role sessions are what the guard recommends"},
		{name: "root with InsecureAllowRootCredentials passes", key: personalizetest.RootAccessKeyID, policy: identityPolicy{allowRoot: true},
			wantSTS: 0, reason: "the opt-out skips the check and its STS call"},
		{name: "root in report-only mode is reported", key: personalizetest.RootAccessKeyID, policy: identityPolicy{reportOnly: true},
			wantSTS: 1, reason: "report-only mode reports the posture checks instead of refusing"},
	}
	s, c := dataplanetest.Start(t)
	for _, gc := range guardedClients {
		for _, tt := range tests {
			t.Run(gc.name+"/"+tt.name, func(t *testing.T) {
				if tt.deny {
					s.Deny(personalizetest.ServiceSTS, "GetCallerIdentity")
					defer s.Allow(personalizetest.ServiceSTS, "GetCallerIdentity")
				}
				s.ResetRequests()
				var log strings.Builder
				var mu sync.Mutex
				p := tt.policy
				p.logger = newAuditLogger(lockedBuilder{&mu, &log})
				call := gc.build(t, s.ConfigAs(tt.key), c, p)
				err := call(context.Background(), perCall{})

				if got := requestsTo(s, personalizetest.ServiceSTS); got != tt.wantSTS {
					t.Errorf("STS requests = %d, want %d (%s)", got, tt.wantSTS, tt.reason)
				}
				mu.Lock()
				audit := log.String()
				mu.Unlock()
				for _, secret := range []string{tt.key, personalizetest.SecretAccessKey} {
					if strings.Contains(audit, secret) || err != nil && strings.Contains(err.Error(), secret) {
						t.Errorf("the error or the audit log names the credentials (%q):\nerror: %v\naudit: %s", secret, err, audit)
					}
				}
				if tt.wantRule == "" {
					if err != nil {
						t.Fatalf("call = %v, want it to pass (%s)", err, tt.reason)
					}
					if got := requestsTo(s, gc.service); got != 1 {
						t.Errorf("%s requests = %d, want 1", gc.service, got)
					}
					if tt.policy.reportOnly && !strings.Contains(audit, personalize.RuleRootCredentials) {
						t.Errorf("audit log = %s, want the report of %s", audit, personalize.RuleRootCredentials)
					}
					return
				}
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) || sg.Rule != tt.wantRule {
					t.Fatalf("call = %v, want rule %s (%s)", err, tt.wantRule, tt.reason)
				}
				if sg.Field != "" {
					t.Errorf("Field = %q, want none: the rule is about the credentials", sg.Field)
				}
				if !strings.Contains(err.Error(), tt.wantInErr) {
					t.Errorf("error = %v, want it to say %q", err, tt.wantInErr)
				}
				if got := requestsTo(s, gc.service); got != 0 {
					t.Errorf("%s requests = %d, want 0: the refusal comes before anything is sent", gc.service, got)
				}
				events := parseAudit(t, audit)
				if len(events) != 1 || events[0].Outcome != personalize.OutcomeRejected || events[0].Rule != tt.wantRule {
					t.Errorf("audit events = %+v, want one rejection by %s", events, tt.wantRule)
				}
			})
		}
	}
}

// TestRootCredentialsOneSTSCall: one guard asks STS once per credential
// identity, however many calls and clients use it, concurrent or not.
func TestRootCredentialsOneSTSCall(t *testing.T) {
	s, c := dataplanetest.Start(t)
	for _, gc := range guardedClients {
		t.Run(gc.name, func(t *testing.T) {
			s.ResetRequests()
			call := gc.build(t, s.Config(), c, identityPolicy{})
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- call(context.Background(), perCall{})
				}()
			}
			wg.Wait()
			for range 20 {
				errs <- call(context.Background(), perCall{})
			}
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := requestsTo(s, personalizetest.ServiceSTS); got != 1 {
				t.Errorf("STS requests for 40 calls of one identity = %d, want 1", got)
			}
			if got := requestsTo(s, gc.service); got != 40 {
				t.Errorf("%s requests = %d, want 40", gc.service, got)
			}
		})
	}
}

// TestRootCredentialsPerCall: credentials given per call are not the ones
// the guard checked (it checks the client's provider), so the wire gate
// refuses the call — root credentials cannot slip in per call.
func TestRootCredentialsPerCall(t *testing.T) {
	s, c := dataplanetest.Start(t)
	for _, gc := range guardedClients {
		for _, tt := range []struct {
			name    string
			perCall aws.CredentialsProvider
		}{
			{"root per call", staticAs(personalizetest.RootAccessKeyID)},
			{"another user per call", staticAs(personalizetest.AssumedRoleAccessKeyID)},
		} {
			t.Run(gc.name+"/"+tt.name, func(t *testing.T) {
				s.ResetRequests()
				call := gc.build(t, s.Config(), c, identityPolicy{})
				err := call(context.Background(), perCall{creds: tt.perCall})
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) || sg.Rule != personalize.RuleRequestChanged {
					t.Fatalf("call with per-call credentials = %v, want rule %s", err, personalize.RuleRequestChanged)
				}
				if strings.Contains(err.Error(), personalizetest.RootAccessKeyID) || strings.Contains(err.Error(), personalizetest.AssumedRoleAccessKeyID) {
					t.Errorf("error names the key: %v", err)
				}
				if got := requestsTo(s, gc.service); got != 0 {
					t.Errorf("%s requests = %d, want 0", gc.service, got)
				}
				// The client's own credentials still work.
				if err := call(context.Background(), perCall{}); err != nil {
					t.Errorf("call with the client's credentials = %v", err)
				}
			})
		}
	}
}

// TestRootCredentialsStepRemoved: removing the identity step per call, by
// its exported ID, leaves a call the wire gate refuses.
func TestRootCredentialsStepRemoved(t *testing.T) {
	s, c := dataplanetest.Start(t)
	for _, gc := range guardedClients {
		t.Run(gc.name, func(t *testing.T) {
			s.ResetRequests()
			call := gc.build(t, s.ConfigAs(personalizetest.RootAccessKeyID), c, identityPolicy{})
			err := call(context.Background(), perCall{remove: personalize.IDCallerIdentity})
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || sg.Rule != personalize.RuleBypassed {
				t.Fatalf("call without the identity step = %v, want rule %s", err, personalize.RuleBypassed)
			}
			if n := len(s.Requests()); n != 0 {
				t.Errorf("the endpoints got %d requests, want 0", n)
			}
		})
	}
}

// TestRootCredentialsSkipPostureChecks: on the control plane,
// InsecureSkipPostureChecks skips every network check, this one included.
func TestRootCredentialsSkipPostureChecks(t *testing.T) {
	s := personalizetest.New(t)
	client, err := personalize.New(s.ConfigAs(personalizetest.RootAccessKeyID), personalize.Policy{InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}); err != nil {
		t.Fatalf("ListDatasetGroups = %v, want it to pass without the identity check", err)
	}
	if got := requestsTo(s, personalizetest.ServiceSTS); got != 0 {
		t.Errorf("STS requests = %d, want 0", got)
	}
}

// alternating is a credentials provider without a cache that returns its
// keys in turn, as a provider that fetches new credentials on each Retrieve
// does (an assume-role provider a caller did not wrap in a cache).
type alternating struct {
	mu   sync.Mutex
	n    int
	keys []string
}

func (a *alternating) Retrieve(context.Context) (aws.Credentials, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := a.keys[a.n%len(a.keys)]
	a.n++
	return aws.Credentials{AccessKeyID: k, SecretAccessKey: personalizetest.SecretAccessKey, Source: "alternating",
		CanExpire: true, Expires: time.Now().Add(time.Hour)}, nil
}

// TestRootCredentialsUncachedProvider: the identity check retrieves the
// client's credentials, and the signer retrieves them again. From a bare
// provider that answers anew on each Retrieve the two differ: every call
// was refused as signed with other credentials than the ones checked,
// after an STS call of its own. The guard puts a cache around the
// provider, so that both read the same credentials.
func TestRootCredentialsUncachedProvider(t *testing.T) {
	s, c := dataplanetest.Start(t)
	for _, gc := range guardedClients {
		t.Run(gc.name, func(t *testing.T) {
			cfg := s.Config()
			cfg.Credentials = &alternating{keys: []string{personalizetest.AccessKeyID, personalizetest.AssumedRoleAccessKeyID}}
			call := gc.build(t, cfg, c, identityPolicy{})
			for i := range 3 {
				if err := call(context.Background(), perCall{}); err != nil {
					t.Fatalf("call %d: %v", i+1, err)
				}
			}
		})
	}
}

// TestRootCredentialsGuardOwnReads: a guard built from one configuration
// and installed on a client built from another checks both: the client's
// credentials sign the call, the guard's sign its own KMS, S3 and
// Personalize reads. Root credentials on either side refuse the call
// before any Personalize request; no error names a key.
func TestRootCredentialsGuardOwnReads(t *testing.T) {
	for _, tt := range []struct {
		name          string
		guard, client string // access key IDs
		rule          string // "" when the call goes through
	}{
		{"both an IAM user", personalizetest.AccessKeyID, personalizetest.AccessKeyID, ""},
		{"the guard's reads as root", personalizetest.RootAccessKeyID, personalizetest.AccessKeyID, personalize.RuleRootCredentials},
		{"the client as root", personalizetest.AccessKeyID, personalizetest.RootAccessKeyID, personalize.RuleRootCredentials},
		{"the guard's reads as a role session", personalizetest.AssumedRoleAccessKeyID, personalizetest.AccessKeyID, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := personalizetest.New(t)
			g, err := personalize.NewGuard(s.ConfigAs(tt.guard), personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
			if err != nil {
				t.Fatal(err)
			}
			client := sdk.NewFromConfig(s.ConfigAs(tt.client), g.Option())
			_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("ListDatasetGroups = %v, want success", err)
				}
				return
			}
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || sg.Rule != tt.rule {
				t.Fatalf("ListDatasetGroups = %v, want a *SafeguardError with rule %s", err, tt.rule)
			}
			if sg.Operation != "ListDatasetGroups" {
				t.Errorf("the refusal names operation %q, want ListDatasetGroups", sg.Operation)
			}
			if n := requestsTo(s, personalizetest.ServicePersonalize); n != 0 {
				t.Errorf("%d requests reached Personalize, want 0", n)
			}
			for _, key := range []string{tt.guard, tt.client} {
				if strings.Contains(err.Error(), key) {
					t.Errorf("the error names an access key: %v", err)
				}
			}
		})
	}
}

// TestReportOnlyReportsBothIdentities: in report-only mode, credentials of
// the client that STS does not know are reported, and the guard's own
// root credentials are reported beside them, not hidden behind the first
// report; the call goes through, and the audit event names neither key.
func TestReportOnlyReportsBothIdentities(t *testing.T) {
	const unknownKey = "AKIDPERSONALIZETESTNOBODY"
	s := personalizetest.New(t)
	var log strings.Builder
	var mu sync.Mutex
	g, err := personalize.NewGuard(s.ConfigAs(personalizetest.RootAccessKeyID), personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true,
		InsecureReportOnly: true, Logger: newAuditLogger(lockedBuilder{&mu, &log})})
	if err != nil {
		t.Fatal(err)
	}
	client := sdk.NewFromConfig(s.ConfigAs(unknownKey), g.Option())
	if _, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}); err != nil {
		t.Fatalf("ListDatasetGroups in report-only mode = %v, want success", err)
	}
	mu.Lock()
	audit := log.String()
	mu.Unlock()
	var got []string
	for _, rule := range []string{personalize.RuleIdentityCheckFailed, personalize.RuleRootCredentials} {
		if strings.Contains(audit, rule) {
			got = append(got, rule)
		}
	}
	if diff := cmp.Diff([]string{personalize.RuleIdentityCheckFailed, personalize.RuleRootCredentials}, got); diff != "" {
		t.Errorf("rules reported in the audit event (-want +got):\n%s\naudit: %s", diff, audit)
	}
	if strings.Contains(audit, personalize.ActionCallerChecked) {
		t.Errorf("the audit event says the identity check passed: %s", audit)
	}
	for _, key := range []string{unknownKey, personalizetest.RootAccessKeyID, personalizetest.SecretAccessKey} {
		if strings.Contains(audit, key) {
			t.Errorf("the audit event names a key (%q): %s", key, audit)
		}
	}
}
