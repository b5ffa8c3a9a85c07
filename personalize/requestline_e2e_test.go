package personalize_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// wire20Outcome is red17's outcome with the request line of every
// Personalize request the endpoint received.
type wire20Outcome struct {
	Red17 red17Outcome
	Lines []string
}

func wire20Result(t *testing.T, e *env, err error) wire20Outcome {
	t.Helper()
	got := wire20Outcome{Red17: red17Result(t, e, err)}
	for _, r := range e.srv.Requests() {
		if r.Service == personalizetest.ServicePersonalize {
			got.Lines = append(got.Lines, r.Method+" "+r.URL)
		}
	}
	return got
}

// TestControlPlaneRequestLine: on awsJson1_1 every operation goes out as
// "POST /" and AWS runs the one X-Amz-Target names. A hook that rewrites
// the path (or the URL's Opaque, which net/http sends in its place) or the
// method, at any step up to the wire gate, is refused, in report-only mode
// too, with nothing sent and one audit event; a path that carries a value
// is not echoed. The call with no hook goes out as POST /.
func TestControlPlaneRequestLine(t *testing.T) {
	const secret = "jane.doe@example.com"
	refused := func(field string) wire20Outcome {
		return wire20Outcome{Red17: red17Outcome{Rule: personalize.RuleRequestChanged, Field: field, Operation: "DescribeDatasetGroup",
			Audit: []string{"DescribeDatasetGroup rejected " + personalize.RuleRequestChanged}}}
	}
	type tc struct {
		name       string
		step       string
		line       dataplanetest.RequestLine
		reportOnly bool
		want       wire20Outcome
	}
	tests := []tc{{name: "as it is", want: wire20Outcome{
		Red17: red17Outcome{Sent: []string{"DescribeDatasetGroup"}, Audit: []string{"DescribeDatasetGroup allowed "}},
		Lines: []string{"POST /"},
	}}}
	for _, step := range dataplanetest.RequestLineSteps {
		for _, l := range []struct {
			name  string
			line  dataplanetest.RequestLine
			field string
		}{
			{"a path", dataplanetest.RequestLine{Path: "/DeleteDatasetGroup"}, "path"},
			{"a path with a value", dataplanetest.RequestLine{Path: "/" + secret}, "path"},
			{"the Path alone", dataplanetest.RequestLine{PathOnly: "/DeleteDatasetGroup"}, "path"},
			{"an Opaque", dataplanetest.RequestLine{Opaque: "/DeleteDatasetGroup"}, "path"},
			{"method PUT", dataplanetest.RequestLine{Method: http.MethodPut}, "method"},
			{"method GET", dataplanetest.RequestLine{Method: http.MethodGet}, "method"},
			{"another endpoint's Host", dataplanetest.RequestLine{Host: "personalize-runtime.us-east-1.amazonaws.com"}, "host"},
		} {
			tests = append(tests, tc{name: step + "/" + l.name, step: step, line: l.line, want: refused(l.field)})
		}
	}
	tests = append(tests, tc{name: "report-only mode", step: dataplanetest.AtFinalizeAfterSigning,
		line: dataplanetest.RequestLine{Path: "/DeleteDatasetGroup"}, reportOnly: true, want: refused("path")})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: tt.reportOnly}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			err := callNoPanic(func() error {
				_, err := e.client.DescribeDatasetGroup(context.Background(), &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String(e.scene.DatasetGroupARN)},
					func(o *sdk.Options) {
						if tt.step != "" {
							o.APIOptions = append(o.APIOptions, dataplanetest.RewriteRequestLine(tt.step, personalize.IDWireGate, tt.line))
						}
					})
				return err
			})
			if diff := cmp.Diff(tt.want, wire20Result(t, e, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err != nil && strings.Contains(err.Error(), secret) || strings.Contains(e.auditLog(), secret) || e.srv.Seen(secret) {
				t.Error("the path's value is in the error, the audit log or at the endpoint")
			}
		})
	}
}

// targetOnRead is a request body whose Read (and WriteTo) sets the
// X-Amz-Target of the request it was put on: code the wire gate runs (it
// reads the body to check it) that changes the request the gate was
// given.
type targetOnRead struct {
	r      *bytes.Reader
	header http.Header
	target string
}

func (r *targetOnRead) Read(p []byte) (int, error) {
	r.header.Set("X-Amz-Target", r.target)
	return r.r.Read(p)
}

func (r *targetOnRead) WriteTo(w io.Writer) (int64, error) {
	r.header.Set("X-Amz-Target", r.target)
	return r.r.WriteTo(w)
}

func (r *targetOnRead) Seek(offset int64, whence int) (int64, error) { return r.r.Seek(offset, whence) }

// TestControlPlaneTargetFromTheCopy: the gate holds X-Amz-Target on its own
// copy of the request, the one it sends, made after it read the body: a
// body whose reading sets another operation's target on the request is
// refused, nothing sent; one that sets the operation's own goes out with
// it. (Another goroutine that changes the SDK's request after the copy
// changes nothing that goes out: securetransport's
// TestGateChecksTheRequestItSends holds the check to the very request
// sent.)
func TestControlPlaneTargetFromTheCopy(t *testing.T) {
	onRead := func(target string) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error {
			return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Wire20:Body", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				req := in.Request.(*smithyhttp.Request)
				b, err := io.ReadAll(req.GetStream())
				if err != nil {
					return middleware.DeserializeOutput{}, middleware.Metadata{}, err
				}
				body := &targetOnRead{r: bytes.NewReader(b), target: target}
				sent, err := req.SetStream(body)
				if err != nil {
					return middleware.DeserializeOutput{}, middleware.Metadata{}, err
				}
				body.header, in.Request = sent.Header, sent // SetStream's copy: the request the gate is given
				return next.HandleDeserialize(ctx, in)
			}), personalize.IDWireGate, middleware.Before)
		}
	}
	tests := []struct {
		name, target string
		want         wire20Outcome
	}{
		{"another operation's", "AmazonPersonalize.DeleteDatasetGroup", wire20Outcome{Red17: red17Outcome{Rule: personalize.RuleRequestChanged, Field: "header",
			Operation: "DescribeDatasetGroup", Audit: []string{"DescribeDatasetGroup rejected " + personalize.RuleRequestChanged}}}},
		{"the operation's own", "AmazonPersonalize.DescribeDatasetGroup", wire20Outcome{Red17: red17Outcome{Sent: []string{"DescribeDatasetGroup"},
			Audit: []string{"DescribeDatasetGroup allowed "}}, Lines: []string{"POST /"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			err := callNoPanic(func() error {
				_, err := e.client.DescribeDatasetGroup(context.Background(), &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String(e.scene.DatasetGroupARN)},
					func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, onRead(tt.target)) })
				return err
			})
			if diff := cmp.Diff(tt.want, wire20Result(t, e, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
