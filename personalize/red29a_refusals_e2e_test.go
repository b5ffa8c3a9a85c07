package personalize_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// readOnly is a stream that cannot be rewound: only Read.
type readOnly struct{ r io.Reader }

func (s readOnly) Read(p []byte) (int, error) { return s.r.Read(p) }

// TestGateRefusalsOutOfLine holds the gate's refusals that 61c3f53 moved
// out of line (errNotCanonical, unlistedAuthorization, errBodyOutside,
// errBodyUnread, errTrailers) to their rule, field and reason as before,
// through the public client: a hook right before the gate puts an
// identifying value where the refusal is about, the call is refused with
// a *SafeguardError that errors.As finds, nothing of it reaches the
// emulated AWS, and neither the error nor the audit log holds the value.
// Around the inline buffer's length, as the body is read first.
func TestGateRefusalsOutOfLine(t *testing.T) {
	const secret = "123-45-6789"
	const (
		outside      = "the request carries a body outside its stream: something after the guard's checks put it there"
		unread       = "the request body could not be read for checking"
		trailers     = "the request carries trailers, which the guard does not check: something after the guard's checks put them there"
		otherSigner  = "the request is signed with other credentials than the ones the guard checked: set credentials on the client, not per call"
		notCanonical = "a header name is not in canonical form, which net/http sends beside the header the guard checks by that name (a second Authorization, Content-Length or Host): something after the guard's checks put it there"
	)
	pad := func(h http.Header, n int) {
		for i := range n {
			h.Set(fmt.Sprintf("X-Pad-%d", i), "p")
		}
	}
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	type refusal struct{ Field, Rule, Reason string }
	seq := 0
	for _, n := range []int{511, 512, 513} {
		for _, tt := range []struct {
			name string
			hook func(req *smithyhttp.Request, body []byte) *smithyhttp.Request
			want refusal
		}{
			{"a body beside the stream", func(req *smithyhttp.Request, body []byte) *smithyhttp.Request {
				req.Request.Body = io.NopCloser(strings.NewReader(`{"name":"` + secret + `"}`))
				return req
			}, refusal{"", personalize.RuleBodyUnchecked, outside}},
			{"a stream that cannot be rewound", func(req *smithyhttp.Request, body []byte) *smithyhttp.Request {
				out, err := req.SetStream(readOnly{strings.NewReader(strings.Replace(string(body), cleanSSN, secret, 1))})
				if err != nil {
					t.Fatal(err)
				}
				return out
			}, refusal{"", personalize.RuleBodyUnchecked, unread}},
			{"a trailer", func(req *smithyhttp.Request, body []byte) *smithyhttp.Request {
				req.Trailer = http.Header{"X-Owner": {secret}}
				return req
			}, refusal{"trailer", personalize.RuleRequestChanged, trailers}},
			{"a header name in lower case", func(req *smithyhttp.Request, body []byte) *smithyhttp.Request {
				req.Header["x-owner"] = []string{secret}
				return req
			}, refusal{"header", personalize.RuleRequestChanged, notCanonical}},
			{"a second authorization in lower case", func(req *smithyhttp.Request, body []byte) *smithyhttp.Request {
				req.Header["authorization"] = []string{"AWS4-HMAC-SHA256 Credential=" + secret}
				return req
			}, refusal{"header", personalize.RuleRequestChanged, notCanonical}},
			{"more headers than listed, one in lower case", func(req *smithyhttp.Request, body []byte) *smithyhttp.Request {
				pad(req.Header, 20)
				req.Header["x-owner"] = []string{secret}
				return req
			}, refusal{"header", personalize.RuleRequestChanged, notCanonical}},
			{"more headers than listed, a second authorization", func(req *smithyhttp.Request, body []byte) *smithyhttp.Request {
				pad(req.Header, 20)
				req.Header["Authorization"] = append(req.Header["Authorization"], "AWS4-HMAC-SHA256 Credential="+secret)
				return req
			}, refusal{"header", personalize.RuleRequestChanged, otherSigner}},
		} {
			seq++
			in := sizedInput(t, e.client, fmt.Sprintf("o%d", seq), cleanSSN, n)
			t.Run(fmt.Sprintf("%d/%s", n, tt.name), func(t *testing.T) {
				e.srv.ResetRequests()
				_, err := e.client.CreateDatasetGroup(context.Background(), in, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, beforeGate(func(ctx context.Context, req *smithyhttp.Request) (context.Context, *smithyhttp.Request) {
						b, rerr := io.ReadAll(req.GetStream())
						if rerr != nil {
							t.Fatal(rerr)
						}
						if err := req.RewindStream(); err != nil {
							t.Fatal(err)
						}
						return ctx, tt.hook(req, b)
					}))
				})
				sg := e.requireRefused(t, err, tt.want.Field, tt.want.Rule, secret)
				if diff := cmp.Diff(tt.want, refusal{sg.Field, sg.Rule, sg.Reason}); diff != "" {
					t.Errorf("refusal (-want +got):\n%s", diff)
				}
				if sg.Operation != "CreateDatasetGroup" {
					t.Errorf("refused as %q, want CreateDatasetGroup", sg.Operation)
				}
				if got := e.personalizeBodies("CreateDatasetGroup"); len(got) != 0 {
					t.Errorf("the emulated AWS received %d CreateDatasetGroup requests, want none", len(got))
				}
				var target *personalize.SafeguardError
				if !errors.As(err, &target) || target != sg {
					t.Errorf("errors.As does not find the refusal")
				}
			})
		}
	}
	// The same hooks with the headers past the list and nothing out of
	// form: a clean call still goes out (the refusals above are theirs).
	in := sizedInput(t, e.client, "o-clean", cleanSSN, 512)
	e.srv.ResetRequests()
	if _, err := e.client.CreateDatasetGroup(context.Background(), in, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, beforeGate(func(ctx context.Context, req *smithyhttp.Request) (context.Context, *smithyhttp.Request) {
			pad(req.Header, 20)
			return ctx, req
		}))
	}); err != nil {
		t.Fatalf("20 more headers, all canonical and clean: %v", err)
	}
	if got := e.personalizeBodies("CreateDatasetGroup"); len(got) != 1 {
		t.Errorf("the emulated AWS received %d CreateDatasetGroup requests, want 1", len(got))
	}
}
