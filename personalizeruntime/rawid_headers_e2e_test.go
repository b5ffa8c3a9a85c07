package personalizeruntime_test

import (
	"cmp"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRawIDInHeadersAndURL: with a Pseudonymizer, a user ID the call gives
// is refused in a header or the URL that a hook wrote, as in a field of the
// body: a tracing baggage carrying user.id went out beside the pseudonym
// (review of the data plane). Nothing is sent, and the error and audit name
// the part and the rule, never the ID; a header without it goes out.
func TestRawIDInHeadersAndURL(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t), Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	const user = "cust-889123"
	// withRequest is a per-call option whose Build hook changes the request.
	withRequest := func(change func(*smithyhttp.Request)) func(*sdk.Options) {
		return func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
				return st.Build.Add(middleware.BuildMiddlewareFunc("test:change", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
					middleware.BuildOutput, middleware.Metadata, error) {
					change(in.Request.(*smithyhttp.Request))
					return next.HandleBuild(ctx, in)
				}), middleware.After)
			})
		}
	}
	call := func(opt func(*sdk.Options), id string) error {
		_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String(id)}, opt)
		return err
	}
	for _, tt := range []struct {
		name, part string
		change     func(*smithyhttp.Request)
		user       string // when not the usual ID
	}{
		{"a baggage header", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", "user.id="+user) }, ""},
		{"a percent-encoded header", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", "user.id=cust%2D889123") }, ""},
		{"a header of its own", "header", func(r *smithyhttp.Request) { r.Header.Set("X-Customer", user) }, ""},
		{"the query", "URL", func(r *smithyhttp.Request) { r.URL.RawQuery = "u=" + user }, ""},
		// Second review: headers skipped by name, a name, a stray '%'.
		{"the content type", "header", func(r *smithyhttp.Request) { r.Header.Set("Content-Type", "application/json; user="+user) }, ""},
		{"the session token", "header", func(r *smithyhttp.Request) { r.Header.Set("X-Amz-Security-Token", user) }, ""},
		{"a header's name", "header", func(r *smithyhttp.Request) { r.Header.Set("X-"+user, "1") }, ""},
		{"an encoded value beside a stray percent", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", "user.id=cust%2D889123,share=100%") }, ""},
		{"a JSON escape, percent-encoded", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", `user.id=cust%5Cu002D889123`) }, ""},
		// Third review: percent-encoded twice, and a form's '+' for a space.
		{"a header percent-encoded twice", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", "user.id=cust%252D889123") }, ""},
		{"the query percent-encoded twice", "URL", func(r *smithyhttp.Request) { r.URL.RawQuery = "u=cust%252D889123" }, ""},
		{"the query as url.QueryEscape writes a space", "URL", func(r *smithyhttp.Request) { r.URL.RawQuery = "u=jane+doe+77" }, "jane doe 77"},
		{"a header as a form writes a space, then escaped", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", "user.id=jane%2Bdoe%2B77") }, "jane doe 77"},
		// Fourth review: a percent escape or a form's '+' inside a JSON escape.
		{"a percent escape, JSON-escaped", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", `user.id=cust\u00252D889123`) }, ""},
		{"a form's plus, JSON-escaped", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", `user.id=jane\u002Bdoe\u002B77`) }, "jane doe 77"},
		{"percent, JSON, percent", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", `user.id=cust%5Cu00252D889123`) }, ""},
		{"percent, JSON, a form's plus", "header", func(r *smithyhttp.Request) { r.Header.Set("Baggage", `user.id=jane%5Cu002Bdoe%5Cu002B77`) }, "jane doe 77"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := cmp.Or(tt.user, user)
			err := call(withRequest(tt.change), id)
			dataplanetest.RequireRefused(t, s, &log, err, tt.part, personalizeruntime.RuleRawIdentifier, id)
		})
	}
	// An ID with a '+' of its own is not a form's space: only the ID as
	// given, or decoded, is refused.
	if err := call(withRequest(func(r *smithyhttp.Request) { r.Header.Set("Baggage", "user.id=jane doe") }), "jane+doe"); err != nil {
		t.Errorf("user ID jane+doe beside the header jane doe = %v, want it sent", err)
	}
	if err := call(withRequest(func(r *smithyhttp.Request) { r.Header.Set("Baggage", "tenant=acme") }), user); err != nil {
		t.Errorf("a header without the ID = %v, want it sent", err)
	}
	// User IDs that are words of the SDK's own headers go out.
	for _, id := range []string{"application", "content"} {
		if _, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String(id)}); err != nil {
			t.Errorf("user ID %q = %v, want it sent", id, err)
		}
	}
}

// TestNumericRawIDAsFloatText: with a Pseudonymizer, a numeric user ID
// written into a text value as a float prints it (fmt.Sprint(float64(id)),
// 1.2345678e+07) is refused as the ID (review of the data plane: it was
// sent); another number with an exponent, or one inside a word, goes out.
func TestNumericRawIDAsFloatText(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t), Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	const user = "12345678"
	call := func(ref string) error {
		_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String(user),
			Context: map[string]string{"REF": ref}})
		return err
	}
	for _, ref := range []string{"1.2345678e7", "1.2345678e+07", "ref 1.2345678E7", `1.2345678\u0065+07`, ".12345678e8"} {
		t.Run(ref, func(t *testing.T) {
			dataplanetest.RequireRefused(t, s, &log, call(ref), "Context.Value", personalizeruntime.RuleRawIdentifier, user)
		})
	}
	for _, ref := range []string{"2.5e3", "x1.2345678e7", "1.2345679e7"} {
		if err := call(ref); err != nil {
			t.Errorf("context value %q = %v, want it sent", ref, err)
		}
	}
	// In a header a hook wrote, as in the body.
	_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String(user)},
		func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
				return st.Build.Add(middleware.BuildMiddlewareFunc("test:baggage", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
					middleware.BuildOutput, middleware.Metadata, error) {
					in.Request.(*smithyhttp.Request).Header.Set("Baggage", "user.id=1.2345678e+07")
					return next.HandleBuild(ctx, in)
				}), middleware.After)
			})
		})
	dataplanetest.RequireRefused(t, s, &log, err, "header", personalizeruntime.RuleRawIdentifier, user)
}
