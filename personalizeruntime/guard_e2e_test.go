package personalizeruntime_test

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

const email = "jane.doe@example.com"

func TestTLS11EndpointRefused(t *testing.T) {
	dataplanetest.RequireTLS11Refused(t, func(cfg aws.Config) error {
		client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{})
		if err != nil {
			return err
		}
		_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{
			CampaignArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":campaign/c"), UserId: aws.String("u1")})
		return err
	})
}

func TestHTTPEndpointRefused(t *testing.T) {
	dataplanetest.RequireHTTPRefused(t, func(cfg aws.Config) error {
		_, err := personalizeruntime.New(cfg, personalizeruntime.Policy{})
		return err
	})
	s := personalizetest.New(t)
	cfg := s.Config()
	cfg.BaseEndpoint = aws.String(strings.Replace(s.URL(), "https://", "http://", 1))

	// A client built with the guard's Option refuses every call instead,
	// and sends nothing.
	g, err := personalizeruntime.NewGuard(cfg, personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	client := sdk.NewFromConfig(cfg, g.Option())
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{UserId: aws.String("u1")})
	var sg *personalizeruntime.SafeguardError
	var ce *personalizeruntime.ConfigError
	if !errors.As(err, &sg) || sg.Rule != personalize.RuleClientRefused || !errors.As(err, &ce) {
		t.Fatalf("GetRecommendations on an http client = %v, want rule %s wrapping the *ConfigError", err, personalize.RuleClientRefused)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("the endpoint got %d requests, want 0", n)
	}
}

func TestEmailUserIDWithoutPseudonymizer(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email)})
	dataplanetest.RequireRefused(t, s, &log, err, "UserId", "sensitive.email", email)
	var sg *personalize.SafeguardError // one type, whichever package names it
	if !errors.As(err, &sg) {
		t.Errorf("errors.As(%v, *personalize.SafeguardError) = false", err)
	}
	if !strings.Contains(log.String(), `"outcome":"rejected","rule":"sensitive.email","field":"UserId"`) {
		t.Errorf("audit log = %s, want the rejection with rule and field", log.String())
	}
}

func TestPseudonymOnTheWire(t *testing.T) {
	s, c := dataplanetest.Start(t)
	p := dataplanetest.Pseudonymizer(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: p, Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email), Context: map[string]string{"DEVICE": "mobile"}}
	want := &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String(email), Context: map[string]string{"DEVICE": "mobile"}}
	out, err := client.GetRecommendations(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, in, cmpopts.IgnoreUnexported(sdk.GetRecommendationsInput{})); diff != "" {
		t.Errorf("the caller's input changed (-want +got):\n%s", diff)
	}
	if len(out.ItemList) == 0 {
		t.Error("no recommendations came back")
	}
	pseudo, err := p.UserID(email)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Seen(pseudo) || s.Seen(email) {
		t.Errorf("Seen(pseudonym) = %v, Seen(email) = %v; want true, false", s.Seen(pseudo), s.Seen(email))
	}
	if got := log.String(); !strings.Contains(got, `"safeguards":["model.fields-checked","pseudonym.user-id","identity.caller-checked"]`) || strings.Contains(got, email) {
		t.Errorf("audit log = %s, want the pseudonymisation and no e-mail", got)
	}
}

// TestFieldRules: each string member gets its rule from the model; a
// refused value is never sent, never repeated.
func TestFieldRules(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	const card = "4111 1111 1111 1111"
	const phone = "+1 415 555 0100"
	filter := "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":filter/f"
	tests := []struct {
		name        string
		call        func(context.Context) error
		field, rule string
		secret      string
	}{
		{"card as item ID", func(ctx context.Context) error {
			_, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, ItemId: aws.String(card)})
			return err
		}, "ItemId", "sensitive.credit-card", card},
		{"e-mail in a context value", func(ctx context.Context) error {
			_, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"),
				Context: map[string]string{"DEVICE": "mobile", "OWNER": email}})
			return err
		}, "Context.Value", "sensitive.email", email},
		{"e-mail as a context key", func(ctx context.Context) error {
			_, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"),
				Context: map[string]string{email: "x"}})
			return err
		}, "Context.Key", "model.pattern", email},
		{"phone in a filter value", func(ctx context.Context) error {
			_, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"),
				FilterArn: &filter, FilterValues: map[string]string{"CALLER": `"` + phone + `"`}})
			return err
		}, "FilterValues.Value", "sensitive.phone", phone},
		{"ARN of another service", func(ctx context.Context) error {
			_, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: aws.String("arn:aws:s3:::bucket"), UserId: aws.String("u1")})
			return err
		}, "CampaignArn", "model.pattern", "arn:aws:s3:::bucket"},
		{"e-mail in an ARN", func(ctx context.Context) error {
			_, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN + email), UserId: aws.String("u1")})
			return err
		}, "CampaignArn", "sensitive.email", email},
		{"card in a ranking's input list", func(ctx context.Context) error {
			_, err := client.GetPersonalizedRanking(ctx, &sdk.GetPersonalizedRankingInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"),
				InputList: []string{"item-1", card}})
			return err
		}, "InputList[1]", "sensitive.credit-card", card},
		{"e-mail user ID of an action recommendation", func(ctx context.Context) error {
			_, err := client.GetActionRecommendations(ctx, &sdk.GetActionRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email)})
			return err
		}, "UserId", "sensitive.email", email},
		{"item ID longer than the model allows", func(ctx context.Context) error {
			_, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, ItemId: aws.String(strings.Repeat("i", 257))})
			return err
		}, "ItemId", "model.field-length", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(context.Background())
			var secrets []string
			if tt.secret != "" {
				secrets = append(secrets, tt.secret)
			}
			dataplanetest.RequireRefused(t, s, nil, err, tt.field, tt.rule, secrets...)
		})
	}
	if n := len(dataplanetest.APIRequests(s)); n != 0 {
		t.Errorf("the endpoint got %d requests, want 0", n)
	}
}

func TestReportOnly(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{InsecureReportOnly: true, Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email)}); err != nil {
		t.Fatal(err)
	}
	if !s.Seen(email) {
		t.Error("report-only mode did not send the request")
	}
	if got := log.String(); !strings.Contains(got, `"report_only":["sensitive.email at UserId"]`) || strings.Contains(got, email) {
		t.Errorf("audit log = %s, want the report and no e-mail", got)
	}
	if _, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{InsecureReportOnly: true, InsecureNoAuditLog: true}); err == nil {
		t.Error("report-only mode without the audit log was accepted")
	}
}

// TestRemovedSafeguardRefused: a per-call option that removes the guard's
// middleware leaves a call the wire gate refuses.
func TestRemovedSafeguardRefused(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t)})
	if err != nil {
		t.Fatal(err)
	}
	remove := func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			_, err := stack.Initialize.Remove(personalizeruntime.IDIdentifiers)
			return err
		})
	}
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email)}, remove)
	dataplanetest.RequireRefused(t, s, nil, err, "", personalize.RuleBypassed, email)

	replace := func(o *sdk.Options) { o.APIOptions = nil }
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email)}, replace)
	dataplanetest.RequireRefused(t, s, nil, err, "", personalize.RuleBypassed, email)
}

// TestSecondGuardRefused: two guards on one client would leave one policy
// silently unenforced.
func TestSecondGuardRefused(t *testing.T) {
	s := personalizetest.New(t)
	g1, err := personalizeruntime.NewGuard(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	g2, err := personalizeruntime.NewGuard(s.Config(), personalizeruntime.Policy{MinTLSVersion: tls.VersionTLS13})
	if err != nil {
		t.Fatal(err)
	}
	client := sdk.NewFromConfig(s.Config(), g1.Option(), g2.Option())
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{UserId: aws.String("u1")})
	var ce *personalizeruntime.ConfigError
	if !errors.As(err, &ce) || ce.Field != "APIOptions" {
		t.Errorf("two guards on one client: %v, want *ConfigError for APIOptions", err)
	}
}

// TestIdentifierChangedAfterCheck: a hook that sets userId after the
// guard's identifier step sends nothing.
func TestIdentifierChangedAfterCheck(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t)})
	if err != nil {
		t.Fatal(err)
	}
	hook := func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("SetUser", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				cp := *in.Parameters.(*sdk.GetRecommendationsInput)
				cp.UserId = aws.String(email)
				in.Parameters = &cp
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		})
	}
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, hook)
	dataplanetest.RequireRefused(t, s, nil, err, "UserId", personalize.RuleRequestChanged, email)
}

// TestStackOrder: the guard's steps run first in Initialize, the gate last
// in Deserialize, and applying the option twice adds nothing.
func TestStackOrder(t *testing.T) {
	s := personalizetest.New(t)
	g, err := personalizeruntime.NewGuard(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	var init, deser []string
	capture := func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			init, deser = stack.Initialize.List(), stack.Deserialize.List()
			return errors.New("captured")
		})
	}
	client := sdk.NewFromConfig(s.Config(), g.Option(), g.Option())
	_, _ = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{}, capture)
	if diff := cmp.Diff([]string{personalizeruntime.IDAudit, personalizeruntime.IDIdentifiers}, init[:2]); diff != "" {
		t.Errorf("Initialize starts (-want +got):\n%s", diff)
	}
	// The identity check calls STS: it runs last, after the SDK's
	// validation where the operation has one (GetRecommendations has none).
	if got := init[len(init)-1]; got != personalizeruntime.IDCallerIdentity {
		t.Errorf("Initialize = %v, want %s last", init, personalizeruntime.IDCallerIdentity)
	}
	if got := deser[len(deser)-1]; got != personalizeruntime.IDWireGate {
		t.Errorf("Deserialize ends with %q, want %q", got, personalizeruntime.IDWireGate)
	}
	for _, want := range []string{personalizeruntime.IDAudit, personalizeruntime.IDCallerIdentity} {
		n := 0
		for _, id := range init {
			if id == want {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is on the stack %d times, want 1", want, n)
		}
	}
}

// TestReportOnlyReportsWhatABrokenValueHolds: in report-only mode a value
// out of its pattern is sent all the same, so it is scanned too: an e-mail
// in a context key is reported with the broken pattern, not instead of it.
func TestReportOnlyReportsWhatABrokenValueHolds(t *testing.T) {
	tests := []struct {
		name string
		in   func(campaign string) *sdk.GetRecommendationsInput
		want string
	}{
		{"an e-mail as a context key", func(campaign string) *sdk.GetRecommendationsInput {
			return &sdk.GetRecommendationsInput{CampaignArn: &campaign, UserId: aws.String("u1"), Context: map[string]string{email: "mobile"}}
		}, `"report_only":["model.pattern at Context.Key","sensitive.email at Context.Key"]`},
		{"an e-mail in a filter ARN not well formed", func(campaign string) *sdk.GetRecommendationsInput {
			return &sdk.GetRecommendationsInput{CampaignArn: &campaign, UserId: aws.String("u1"),
				FilterArn: aws.String("arn:aws:personalize:us-east-1:" + email + ":filter/f")}
		}, `"report_only":["model.pattern at FilterArn","sensitive.email at FilterArn"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			var log dataplanetest.AuditLog
			client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{InsecureReportOnly: true, Logger: log.Logger()})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = client.GetRecommendations(context.Background(), tt.in(c.CampaignARN)) // the emulator may refuse it; the guard must not
			if !s.Seen(email) {
				t.Error("report-only mode did not send the request")
			}
			if got := log.String(); !strings.Contains(got, tt.want) || strings.Contains(got, email) {
				t.Errorf("audit log = %s, want %s and no e-mail", got, tt.want)
			}
		})
	}
}
