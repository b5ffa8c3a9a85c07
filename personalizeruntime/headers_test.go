package personalizeruntime_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// afterSigning is a per-call option whose Finalize middleware, after the
// SDK signed the request, edits its header map: what a buggy or hostile
// middleware can do after the guard's checks but before the wire gate.
func afterSigning(edit func(h http.Header)) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("EditHeaders", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
				middleware.FinalizeOutput, middleware.Metadata, error,
			) {
				edit(in.Request.(*smithyhttp.Request).Header)
				return next.HandleFinalize(ctx, in)
			}), "Signing", middleware.After)
		})
	}
}

// padTo adds clean headers to h until it has n.
func padTo(h http.Header, n int) {
	for i := 0; len(h) < n; i++ {
		h.Set("X-Pad-"+strconv.Itoa(i), "pad-"+strconv.Itoa(i))
	}
}

// TestHeadersAfterSigning: whatever a middleware after the signer does to
// the header map (more headers than the gate lists, several values, empty
// ones, a Host header, names not in canonical form, a second Authorization),
// an identifying value never reaches the endpoint, no second signature or
// framing header goes out beside the ones the gate checked, and a clean
// header arrives as it was checked. Each case runs several times: the gate
// reads the map in its random order.
func TestHeadersAfterSigning(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		sensitiveRule = "transport.request-changed.sensitive"
		changedRule   = "transport.request-changed"
	)
	refused := []struct {
		name string
		edit func(h http.Header)
		rule string
	}{
		{"an e-mail in an added header", func(h http.Header) { h.Set("X-Note", email) }, sensitiveRule},
		{"an e-mail as an SDK header's second value", func(h http.Header) { h.Add("Content-Type", email) }, sensitiveRule},
		{"an e-mail after an empty value", func(h http.Header) { h["X-Note"] = []string{"", email} }, sensitiveRule},
		{"an e-mail in a header name", func(h http.Header) { h["X-"+email] = []string{"x"} }, sensitiveRule},
		{"an e-mail in a Host header", func(h http.Header) { h.Set("Host", email) }, sensitiveRule},
		{"an e-mail in the session token header", func(h http.Header) { h.Set("X-Amz-Security-Token", email) }, sensitiveRule},
		{"an e-mail in the 16th header", func(h http.Header) { padTo(h, 15); h.Set("X-Note", email) }, sensitiveRule},
		{"an e-mail in the 17th header", func(h http.Header) { padTo(h, 16); h.Set("X-Note", email) }, sensitiveRule},
		{"an e-mail among 40 headers", func(h http.Header) { padTo(h, 39); h.Set("X-Note", email) }, sensitiveRule},
		{"an e-mail in a non-canonical name's value", func(h http.Header) { h["x-note"] = []string{email} }, changedRule},
		{"a second Authorization value", func(h http.Header) { h.Add("Authorization", h.Get("Authorization")) }, changedRule},
		{"a second Authorization value past 16 headers", func(h http.Header) { padTo(h, 20); h.Add("Authorization", h.Get("Authorization")) }, changedRule},
		{"a lower-case authorization beside the signer's", func(h http.Header) { h["authorization"] = []string{h.Get("Authorization")} }, changedRule},
		{"a lower-case authorization beside the signer's past 16 headers", func(h http.Header) {
			padTo(h, 20)
			h["authorization"] = []string{h.Get("Authorization")}
		}, changedRule},
		{"the Authorization moved to a lower-case name", func(h http.Header) {
			h["authorization"] = []string{h.Get("Authorization")}
			h.Del("Authorization")
		}, changedRule},
		{"a lower-case x-amz-date beside the signer's", func(h http.Header) { h["x-amz-date"] = []string{"20200101T000000Z"} }, changedRule},
		{"a lower-case content-length", func(h http.Header) { h["content-length"] = []string{"1"} }, changedRule},
		{"a lower-case transfer-encoding", func(h http.Header) { h["transfer-encoding"] = []string{"chunked"} }, changedRule},
		{"a lower-case host", func(h http.Header) { h["host"] = []string{"example.com"} }, changedRule},
		{"a lower-case user-agent", func(h http.Header) { h["user-agent"] = []string{"x"} }, changedRule},
	}
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 {
				before := len(dataplanetest.APIRequests(s))
				// A deadline: a smuggled transfer-encoding would hang the call.
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				_, err := client.GetRecommendations(ctx, in, afterSigning(tt.edit))
				cancel()
				dataplanetest.RequireRefused(t, s, nil, err, "header", tt.rule, email)
				if n := len(dataplanetest.APIRequests(s)) - before; n != 0 {
					t.Fatalf("the endpoint got %d requests, want 0", n)
				}
			}
		})
	}

	// padded is the want of a padded request: the pads the edit made.
	padded := func(checked http.Header, _ []byte) http.Header {
		want := http.Header{"X-Last": {"last"}}
		for k, v := range checked {
			if strings.HasPrefix(k, "X-Pad-") {
				want[k] = v
			}
		}
		return want
	}
	sent := []struct {
		name string
		edit func(h http.Header)
		// want is the headers of interest as the endpoint gets them, from
		// those the gate checked and the body the endpoint got.
		want func(checked http.Header, body []byte) http.Header
	}{
		{"a multi-valued header", func(h http.Header) { h["X-Multi"] = []string{"a", "b"} },
			func(http.Header, []byte) http.Header { return http.Header{"X-Multi": {"a", "b"}} }},
		{"an empty value", func(h http.Header) { h["X-Empty"] = []string{""} },
			func(http.Header, []byte) http.Header { return http.Header{"X-Empty": {""}} }},
		{"16 headers", func(h http.Header) { padTo(h, 15); h.Set("X-Last", "last") }, padded},
		{"17 headers", func(h http.Header) { padTo(h, 16); h.Set("X-Last", "last") }, padded},
		{"40 headers", func(h http.Header) { padTo(h, 39); h.Set("X-Last", "last") }, padded},
		// net/http writes the body's own length, never the map's.
		{"a wrong Content-Length", func(h http.Header) { h.Set("Content-Length", "1") },
			func(_ http.Header, body []byte) http.Header {
				return http.Header{"Content-Length": {strconv.Itoa(len(body))}}
			}},
	}
	for _, tt := range sent {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 {
				var checked http.Header
				_, err := client.GetRecommendations(context.Background(), in, afterSigning(func(h http.Header) {
					tt.edit(h)
					checked = h.Clone()
				}))
				if err != nil {
					t.Fatal(err)
				}
				reqs := dataplanetest.APIRequests(s)
				got := reqs[len(reqs)-1].Header.Clone()
				want := tt.want(checked, reqs[len(reqs)-1].Body)
				for k := range got {
					if _, ok := want[k]; !ok {
						delete(got, k) // the SDK's own headers
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("added headers as the endpoint got them (-want +got):\n%s", diff)
				}
			}
		})
	}
}
