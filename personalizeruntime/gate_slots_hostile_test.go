package personalizeruntime_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestHeaderSlots: the gate's "last clean value" per SDK header and
// its word-wise shapes of the computed headers, attacked through the real
// SDK after signing. Each hostile edit runs after a clean call has filled
// the slots, then again after another clean call: a slot never answers for
// a value other than its own, whatever it shares with it (a prefix longer
// than a word, its length), and a name spelled in another case never
// reaches the switch that classifies the SDK's names.
func TestHeaderSlots(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		sensitiveRule = "transport.request-changed.sensitive"
		changedRule   = "transport.request-changed"
	)
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	set := func(name, v string) func(http.Header) { return func(h http.Header) { h[name] = []string{v} } }
	// appended keeps the SDK's value and adds to it, past its first words.
	appended := func(name, tail string) func(http.Header) {
		return func(h http.Header) { h[name] = []string{h.Get(name) + tail} }
	}
	// swap puts c at byte i of the SDK's value: same length, same words
	// but one.
	swap := func(name string, i int, c byte) func(http.Header) {
		return func(h http.Header) {
			b := []byte(h.Get(name))
			if i < 0 {
				i += len(b)
			}
			b[i] = c
			h[name] = []string{string(b)}
		}
	}
	const card = "4111111111111111"
	tests := []struct {
		name string
		edit func(http.Header)
		rule string
	}{
		{"User-Agent replaced by an e-mail", set("User-Agent", email), sensitiveRule},
		{"User-Agent with an e-mail after it", appended("User-Agent", " "+email), sensitiveRule},
		{"X-Amz-User-Agent replaced by an e-mail", set("X-Amz-User-Agent", email), sensitiveRule},
		{"X-Amz-User-Agent with a card after it", appended("X-Amz-User-Agent", " "+card), sensitiveRule},
		{"Content-Type replaced by an e-mail", set("Content-Type", email), sensitiveRule},
		{"X-Amz-Target holding an e-mail", set("X-Amz-Target", email), sensitiveRule},
		{"Host header with an e-mail", set("Host", email), sensitiveRule},
		{"X-Amz-Date as a card number", set("X-Amz-Date", card), sensitiveRule},
		{"X-Amz-Date with a byte past ASCII in the date", swap("X-Amz-Date", 7, 0xb9), sensitiveRule},
		{"X-Amz-Date with a byte past ASCII in the time", swap("X-Amz-Date", 14, 0xb0+9), sensitiveRule},
		{"X-Amz-Date with 'Z' for 'T'", swap("X-Amz-Date", 8, 'Z'), sensitiveRule},
		{"X-Amz-Date a digit longer", appended("X-Amz-Date", "1"), sensitiveRule},
		{"X-Amz-Date with an e-mail after it", appended("X-Amz-Date", email), sensitiveRule},
		{"invocation ID with a byte past ASCII at its end", swap("Amz-Sdk-Invocation-Id", -1, 0xe1), sensitiveRule},
		{"invocation ID with a digit for a dash", swap("Amz-Sdk-Invocation-Id", 23, '4'), sensitiveRule},
		{"invocation ID as a card and digits", set("Amz-Sdk-Invocation-Id", "4111-1111-1111-1111-111111111111111"), sensitiveRule},
		{"invocation ID with an e-mail after it", appended("Amz-Sdk-Invocation-Id", email), sensitiveRule},
		{"retry metrics with an e-mail part", appended("Amz-Sdk-Request", "; x="+email), sensitiveRule},
		{"retry metrics with a card for a count", set("Amz-Sdk-Request", "attempt="+card+"; max=3"), sensitiveRule},
		{"retry metrics with 7 digits", set("Amz-Sdk-Request", "attempt=1234567; max=3"), sensitiveRule},
		{"signature with a byte past ASCII", swap("Authorization", -1, 0xe6), sensitiveRule},
		{"signature with an upper-case hex digit", swap("Authorization", -9, 'A'), sensitiveRule},
		{"signature a byte longer", appended("Authorization", "0"), sensitiveRule},
		{"payload hash with an e-mail", set("X-Amz-Content-Sha256", email), sensitiveRule},
		{"X-AMZ-DATE beside the signer's", set("X-AMZ-DATE", "20200101T000000Z"), changedRule},
		{"X-amz-Date beside the signer's", set("X-amz-Date", "20200101T000000Z"), changedRule},
		{"amz-sdk-invocation-id beside the SDK's", set("amz-sdk-invocation-id", "00000000-0000-0000-0000-000000000000"), changedRule},
		{"X-Amz-Security-token with an e-mail", set("X-Amz-Security-token", email), changedRule},
		{"USER-AGENT with an e-mail", set("USER-AGENT", email), changedRule},
		{"X-Amz-user-Agent with an e-mail", set("X-Amz-user-Agent", email), changedRule},
		// After a digit, net/http keeps a letter's case: X-1note is
		// canonical, X-1Note is not.
		{"a canonical name with a digit then lower case", set("X-1note", email), sensitiveRule},
		{"a name with a digit then upper case", set("X-1Note", email), changedRule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 {
				if _, err := client.GetRecommendations(context.Background(), in); err != nil {
					t.Fatalf("clean call: %v", err)
				}
				before := len(dataplanetest.APIRequests(s))
				_, err := client.GetRecommendations(context.Background(), in, afterSigning(tt.edit))
				dataplanetest.RequireRefused(t, s, nil, err, "header", tt.rule, email, card)
				if n := len(dataplanetest.APIRequests(s)) - before; n != 0 {
					t.Fatalf("the endpoint got %d requests, want 0", n)
				}
			}
		})
	}
}

// TestConcurrentSlots: calls on one client, some with an e-mail in
// an SDK header the gate keeps a last clean value for, others clean, run at
// once (go test -race): every dirty call is refused, every clean one sent,
// and the e-mail never reaches the endpoint, whatever value another call
// put in the slot in between.
func TestConcurrentSlots(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	headers := []string{"User-Agent", "X-Amz-User-Agent", "Content-Type"}
	const workers, calls = 6, 12
	type outcome struct{ sent, refused int }
	var (
		mu  sync.Mutex
		got outcome
		wg  sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				name := headers[(w+i)%len(headers)]
				dirty := (w+i)%2 == 1
				// Clean calls put a value of their own in the slot, one
				// that shares the e-mail's length and all but its last
				// word with it.
				v := strings.Replace(email, "@", "-", 1)
				if dirty {
					v = email
				}
				_, err := client.GetRecommendations(context.Background(), in, afterSigning(func(h http.Header) { h[name] = []string{v} }))
				var sg *guarderr.SafeguardError
				mu.Lock()
				switch {
				case err == nil && !dirty:
					got.sent++
				case dirty && errors.As(err, &sg):
					got.refused++
				default:
					t.Errorf("%s = %q: err %v", name, v, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	want := outcome{sent: workers * calls / 2, refused: workers * calls / 2}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(outcome{})); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if s.Seen(email) {
		t.Error("the endpoint saw the e-mail")
	}
}

// rewriteBody is a per-call option whose Build middleware replaces the
// serialized body with body(the SDK's body): a hook that rewrites it after
// the guard's checks, before the wire gate.
func rewriteBody(body func(sdkBody string) string) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Build.Add(middleware.BuildMiddlewareFunc("RewriteBody", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
				middleware.BuildOutput, middleware.Metadata, error,
			) {
				req := in.Request.(*smithyhttp.Request)
				b, _ := io.ReadAll(req.GetStream())
				r, err := req.SetStream(strings.NewReader(body(string(b))))
				if err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, err
				}
				in.Request = r
				return next.HandleBuild(ctx, in)
			}), middleware.After)
		})
	}
}

// TestBodyByPosition: the data-plane walk finds members by
// position after the last one found and tells repeats by position; a hook
// that writes the members in another order than the SDK's, repeats one
// (spelled the same or with an escape), or spells an identifier's name with
// an escape, is held to the same rules; values at a model limit in
// multi-byte UTF-8 pass, one character more is refused.
func TestBodyByPosition(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	arn := `"campaignArn":"` + c.CampaignARN + `"`
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	const (
		sensitive = "sensitive.email"
		unchecked = "transport.body-unchecked"
		length    = "model.field-length"
	)
	// A thousand characters of two bytes each: the context value's limit.
	at1000 := strings.Repeat("é", 1000)
	tests := []struct {
		name, body  string
		field, rule string // "" when sent
	}{
		{"members reversed, e-mail first", `{"userId":"` + email + `",` + arn + `,"numResults":5}`, "UserId", sensitive},
		{"e-mail last after every other member", `{"numResults":5,` + arn + `,"itemId":"i1","userId":"` + email + `"}`, "UserId", sensitive},
		{"members reversed, clean", `{"userId":"u1","numResults":5,` + arn + `}`, "", ""},
		{"userId repeated before campaignArn", `{"userId":"u1",` + arn + `,"userId":"` + email + `"}`, "", unchecked},
		{"userId repeated after a later member", `{` + arn + `,"userId":"u1","numResults":5,"userId":"u2"}`, "", unchecked},
		{"campaignArn repeated after userId", `{` + arn + `,"userId":"u1",` + arn + `}`, "", unchecked},
		{"userId spelled with an escape", `{` + arn + `,"user\u0049d":"` + email + `"}`, "UserId", sensitive},
		{"userId repeated through an escape", `{` + arn + `,"userId":"u1","\u0075serId":"u2"}`, "", unchecked},
		{"a context value at its limit in two-byte characters", `{` + arn + `,"context":{"DEVICE":"` + at1000 + `"},"userId":"u1"}`, "", ""},
		{"a context value one character past it", `{` + arn + `,"context":{"DEVICE":"` + at1000 + `é"},"userId":"u1"}`, "Context.Value", length},
		{"a context value at its limit in four-byte characters", `{` + arn + `,"context":{"DEVICE":"` + strings.Repeat("😀", 1000) + `"},"userId":"u1"}`, "", ""},
		{"a context value one four-byte character past it", `{` + arn + `,"context":{"DEVICE":"` + strings.Repeat("😀", 1001) + `"},"userId":"u1"}`, "Context.Value", length},
		{"an e-mail in a context value after the same clean value", `{` + arn + `,"context":{"A":"jane.doe-example.com","B":"` + email + `"},"userId":"u1"}`, "Context.Value", sensitive},
		{"an e-mail in userId after the same text as a context value", `{` + arn + `,"context":{"A":"x"},"userId":"` + email + `"}`, "UserId", sensitive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(dataplanetest.APIRequests(s))
			_, err := client.GetRecommendations(context.Background(), in, rewriteBody(func(string) string { return tt.body }))
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("a legitimate body was refused: %v", err)
				}
				reqs := dataplanetest.APIRequests(s)
				if diff := cmp.Diff(tt.body, string(reqs[len(reqs)-1].Body)); diff != "" {
					t.Errorf("body as the endpoint got it (-want +got):\n%s", diff)
				}
				return
			}
			dataplanetest.RequireRefused(t, s, nil, err, tt.field, tt.rule, email)
			if n := len(dataplanetest.APIRequests(s)) - before; n != 0 {
				t.Fatalf("the endpoint got %d requests, want 0", n)
			}
		})
	}
}
