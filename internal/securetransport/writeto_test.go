package securetransport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// TestWithoutWriteToSurvivesClose: what TLSClient hands net/http for each
// body, written as net/http writes a body of known length: the body up to
// Content-Length, then, after smithy closed the request's body on the
// response, a copy of what is left to io.Discard, looking through
// io.NopCloser as net/http does, to the body's WriteTo when it has one. An
// error there is aws/aws-sdk-go-v2#2737: net/http closes the connection
// under the response. The wire gate's checked string goes as it is (net/http
// writes it with the headers); every other body must come through the
// close.
func TestWithoutWriteToSurvivesClose(t *testing.T) {
	const body = `{"name":"movies"}`
	smithyBody := func() io.ReadCloser {
		req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
		req.Method = http.MethodPost
		req, err := req.SetStream(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = int64(len(body))
		return req.Build(context.Background()).Body
	}
	type result struct {
		AsItIs bool   // the body net/http gets is the request's own
		Sent   string // what net/http wrote
		Extra  string // the error of net/http's look past Content-Length
	}
	tests := []struct {
		name string
		body io.ReadCloser
		bare bool // the control: sent without WithoutWriteTo
		want result
	}{
		{name: "smithy's body, bare (the control)", body: smithyBody(), bare: true, want: result{AsItIs: true, Sent: body, Extra: "EOF"}},
		{name: "the wire gate's checked string", body: io.NopCloser(strings.NewReader(body)), want: result{AsItIs: true, Sent: body}},
		{name: "smithy's body", body: smithyBody(), want: result{Sent: body}},
		// Not a body the SDK makes today: smithy closes the body inside,
		// whose WriteTo then fails, whatever the NopCloser's Close does.
		{name: "io.NopCloser around smithy's body", body: io.NopCloser(smithyBody()), want: result{Sent: body}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodPost, "https://personalize.us-east-1.amazonaws.com/", nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Body, r.ContentLength = tt.body, int64(len(body))
			sent := r.Body
			if !tt.bare {
				sent = WithoutWriteTo(r).Body
			}
			got := result{AsItIs: sent == tt.body}
			w := asNetHTTPWrites(sent)
			var out strings.Builder
			if _, err := io.Copy(&out, io.LimitReader(w, int64(len(body)))); err != nil {
				t.Fatal(err)
			}
			got.Sent = out.String()
			closeInside(tt.body) // smithy, on the response
			if _, err := io.Copy(io.Discard, w); err != nil {
				got.Extra = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// asNetHTTPWrites is the reader net/http writes body from: what an
// io.NopCloser holds, or body itself (transfer.go, unwrapBody).
func asNetHTTPWrites(body io.ReadCloser) io.Reader {
	if t := reflect.TypeOf(body); t == reflect.TypeOf(io.NopCloser(nil)) || t == nopCloserWriterTo {
		return reflect.ValueOf(body).Field(0).Interface().(io.Reader)
	}
	return body
}

// closeInside closes body as smithy closes the body it built: the one
// inside an io.NopCloser the test put around it, or body itself.
func closeInside(body io.ReadCloser) {
	if reflect.TypeOf(body) == nopCloserWriterTo {
		if rc, ok := reflect.ValueOf(body).Field(0).Interface().(io.ReadCloser); ok {
			rc.Close()
			return
		}
	}
	if err := body.Close(); err != nil {
		panic(fmt.Sprint("close: ", err))
	}
}
