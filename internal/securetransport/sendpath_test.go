package securetransport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// answerClient answers every request with resp and err, and records the
// request it was given.
type answerClient struct {
	resp *http.Response
	err  error
	got  *http.Request
}

func (c *answerClient) Do(r *http.Request) (*http.Response, error) {
	c.got = r
	return c.resp, c.err
}

// TestSendCheckedOutcomes: sendChecked's short path (no span, no Host)
// and sendTraced (a Host) answer every outcome of a send as smithy's
// ClientHandler does: the response as it came, or one with an empty header
// and body for the deserializers; a failed send wrapped for the retryer, a
// canceled context's as canceled; a bad Host refused before any send; and
// the request sent is the gate's own.
func TestSendCheckedOutcomes(t *testing.T) {
	ok := &http.Response{StatusCode: 200, Header: http.Header{"X": {"1"}}, Body: http.NoBody}
	sendErr := errors.New("reset")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	type outcome struct {
		Status      int
		EmptyAnswer bool
		Err         string
		Sent        bool
	}
	for _, host := range []string{"", "personalize.us-east-1.amazonaws.com"} {
		for _, tc := range []struct {
			name string
			ctx  context.Context
			resp *http.Response
			err  error
			want outcome
		}{
			{"answered", context.Background(), ok, nil, outcome{Status: 200, Sent: true}},
			{"no response", context.Background(), nil, nil, outcome{EmptyAnswer: true, Sent: true}},
			{"failed", context.Background(), nil, sendErr, outcome{EmptyAnswer: true, Err: fmt.Sprintf("%T", &smithyhttp.RequestSendError{}), Sent: true}},
			{"failed with a response", context.Background(), ok, sendErr, outcome{Status: 200, Err: fmt.Sprintf("%T", &smithyhttp.RequestSendError{}), Sent: true}},
			{"canceled", canceled, nil, sendErr, outcome{EmptyAnswer: true, Err: fmt.Sprintf("%T", &smithy.CanceledError{}), Sent: true}},
		} {
			t.Run(tc.name+"/host="+host, func(t *testing.T) {
				c := &answerClient{resp: tc.resp, err: tc.err}
				sent := (&http.Request{Method: http.MethodPost, URL: &url.URL{Scheme: "https", Host: "personalize.us-east-1.amazonaws.com", Path: "/"}, Host: host}).WithContext(tc.ctx)
				var raw smithyhttp.Response
				out, err := sendChecked(tc.ctx, c, sent, &raw)
				got := outcome{Sent: c.got == sent}
				if err != nil {
					got.Err = fmt.Sprintf("%T", err)
					if !errors.Is(err, sendErr) && !errors.Is(err, context.Canceled) {
						t.Errorf("error %v wraps neither the send's nor the context's", err)
					}
				}
				if out.RawResponse != &raw || raw.Response == nil {
					t.Fatalf("RawResponse %v, want the gate's with a response", out.RawResponse)
				}
				if raw.Response == tc.resp {
					got.Status = raw.Response.StatusCode
				} else {
					got.EmptyAnswer = raw.Response.Header != nil && len(raw.Response.Header) == 0 && raw.Response.Body == http.NoBody
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
	// A Host smithy refuses is refused before the send.
	c := &answerClient{resp: ok}
	sent := &http.Request{Method: http.MethodPost, URL: &url.URL{Scheme: "https", Host: "a.example", Path: "/"}, Host: "bad host!"}
	if _, err := sendChecked(context.Background(), c, sent, new(smithyhttp.Response)); err == nil || c.got != nil {
		t.Fatalf("bad Host: error %v, sent %v; want refused unsent", err, c.got != nil)
	}
}
