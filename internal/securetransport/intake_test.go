package securetransport

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// headerPool are the header names and values random requests are drawn
// from: the SDK's, the tracers', and values the detector finds something in.
var headerPool = []struct {
	name   string
	values []string
}{
	{"Content-Type", []string{"application/json", "application/x-amz-json-1.1", "4111 1111 1111 1111"}},
	{"User-Agent", []string{"aws-sdk-go-v2/1.48.0 ua/2.1 os/linux lang/go#1.26.8 api/personalizeruntime#1.36.4 m/e", "jane.doe@example.com"}},
	{"X-Amz-Date", []string{"20261129T233136Z", "2026112xT233136Z"}},
	{"Amz-Sdk-Invocation-Id", []string{"61adcc5a-41d8-4eea-becf-8402850e6e53", "4111111111111111"}},
	{"Amz-Sdk-Request", []string{"attempt=1; max=3", "attempt=1; max=3; ttl=20261129T233136Z", "attempt=4111111111111111"}},
	{"Authorization", []string{
		"AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261129/us-east-1/personalize/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date, Signature=14a4de10a33362d50f1efc83d9128d490a1464dfb9508bfd9ddb23635319be4f",
		"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/personalize/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
		"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/4111-1111-1111-1111/personalize/aws4_request, SignedHeaders=host, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
		"Bearer jane.doe@example.com",
	}},
	{"X-Amz-Content-Sha256", []string{"UNSIGNED-PAYLOAD", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "not a hash"}},
	{"X-Amz-Security-Token", []string{"FwoGZXIvYXdzEBYaDH7token", "jane.doe@example.com"}},
	{"Content-Length", []string{"155", "4111111111111111"}},
	{"X-Amzn-Trace-Id", []string{"Root=1-46105bdf-04c13a9504458ebc539f5fba;Parent=240a548a42a88af4;Sampled=0", "Root=1-46105bdf-04c13a9504458ebc539f5fba;User=jane.doe@example.com"}},
	{"Traceparent", []string{"00-619a4d5ea942b46f2bac10071cb6b3b4-4111111111111111-01", "00-619a4d5ea942b46f2bac10071cb6b3b4-b7ad6b7169203331-01"}},
	{"Tracestate", []string{"dd=s:1;p:00f067aa0ba902b7,ot=th:8;rv:0123456789abcd", "vendor=4111111111111111"}},
	{"X-B3-Spanid", []string{"4111111111111111", "0123456789abcdef"}},
	{"B3", []string{"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1", "4111111111111111"}},
	{"X-Datadog-Tags", []string{"_dd.p.dm=-4,_dd.p.tid=640cfd8d00000000"}},
	{"X-Customer", []string{"gold", "jane.doe@example.com", ""}},
	{"X-Jane.doe@example.com", []string{"1"}},
	{"Accept", []string{"application/json"}},
	// Names out of canonical form, which net/http sends as written.
	{"authorization", []string{"Bearer x"}},
	{"X-amz-date", []string{"20261129T233136Z"}},
	{"content-length", []string{"155"}},
	{"X-Amz-Meta-1a", []string{"1"}},
	{"Bad Name", []string{"1"}},
	{"X_Custom", []string{"1"}},
	{"x_custom", []string{"1"}},
	{"Ünicode", []string{"1"}},
}

// randomRequest returns a request as it reaches the gate, drawn from
// headerPool: some headers given twice, some with a nil or an empty value, and at times
// more headers than a headerList holds.
func randomRequest(t *testing.T, r *rand.Rand) *smithyhttp.Request {
	t.Helper()
	paths := []string{"/recommendations", "/events", "/", "/users/jane.doe@example.com", "/a%2Fb"}
	u := &url.URL{Scheme: "https", Host: "personalize-runtime.us-east-1.amazonaws.com", Path: paths[r.IntN(len(paths))]}
	if r.IntN(5) == 0 {
		u.RawQuery = "x=" + []string{"1", "4111111111111111"}[r.IntN(2)]
	}
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	req.Method = []string{http.MethodPost, http.MethodGet, "PATCH", "4111111111111111"}[r.IntN(4)]
	req.URL = u
	req.Host = []string{"", u.Host, u.Host, "jane.doe@example.com"}[r.IntN(4)]
	h := http.Header{}
	for _, i := range r.Perm(len(headerPool))[:r.IntN(len(headerPool)+1)] {
		p := headerPool[i]
		switch r.IntN(12) {
		case 0:
			h[p.name] = nil
		case 2:
			h[p.name] = []string{}
		case 1:
			h[p.name] = []string{p.values[r.IntN(len(p.values))], p.values[r.IntN(len(p.values))]}
		default:
			h[p.name] = []string{p.values[r.IntN(len(p.values))]}
		}
	}
	for i := range r.IntN(3) * 8 { // past maxListedHeaders at times
		h[fmt.Sprintf("X-Extra-%d", i)] = []string{"v"}
	}
	req.Header = h
	if r.IntN(4) > 0 {
		var err error
		if req, err = req.SetStream(bytes.NewReader([]byte(`{"userId":"u-1"}`))); err != nil {
			t.Fatal(err)
		}
	}
	return req
}

// TestIntakeMatchesReference holds the gate's copy of a request, with and
// without the list of its headers, and its scan of the request's text read
// from that list, to the code they replaced (reference_test.go): the same
// request sent, the same part refused, the same signer, and a copy that
// shares nothing the SDK's request can still change.
func TestIntakeMatchesReference(t *testing.T) {
	det := sensitive.Default()
	r := rand.New(rand.NewPCG(7, 11))
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	var newClean, refClean CleanTexts // each side's memo, warmed as the calls go
	listed := 0
	for i := range 3000 {
		req := randomRequest(t, r)
		ctx := ctx
		if callRegion := []string{"", "us-east-1", "eu-west-1"}[r.IntN(3)]; callRegion != "" {
			ctx = awsmiddleware.SetRegion(ctx, callRegion)
		}
		want, wantBody, wantErr := referenceIntake(ctx, "GetRecommendations", req, "us-east-1")
		var headers headerList
		gotOwn, gotBody, gotErr := intake(ctx, "GetRecommendations", req, awsmiddleware.GetRegion(ctx), "us-east-1", &headers)
		plainOwn, plainBody, plainErr := intake(ctx, "GetRecommendations", req, awsmiddleware.GetRegion(ctx), "us-east-1", nil)
		if diff := cmp.Diff(fmt.Sprint(wantErr), fmt.Sprint(gotErr)); diff != "" || fmt.Sprint(plainErr) != fmt.Sprint(wantErr) {
			t.Fatalf("request %d: error (-reference +intake):\n%s(unlisted: %v)", i, diff, plainErr)
		}
		if wantErr != nil {
			continue
		}
		got, plain := &gotOwn.req, &plainOwn.req
		for _, s := range []struct {
			name string
			req  *http.Request
			body string
		}{{"intake, listed", got, gotBody}, {"intake, unlisted", plain, plainBody}} {
			if diff := cmp.Diff(sentView(t, want, wantBody), sentView(t, s.req, s.body)); diff != "" {
				t.Fatalf("request %d: %s's copy (-reference +got):\n%s", i, s.name, diff)
			}
			if s.req.Context() != ctx {
				t.Fatalf("request %d: %s's copy does not carry the call's context", i, s.name)
			}
		}
		if headers.complete {
			listed++
			m := http.Header{}
			for _, f := range headers.fields[:headers.n] {
				m[f.name] = f.values
			}
			if diff := cmp.Diff(got.Header, m); diff != "" || len(m) != headers.n {
				t.Fatalf("request %d: the list is not the copy's headers (-copy +list):\n%s", i, diff)
			}
		} else if len(req.Header) <= maxListedHeaders {
			t.Fatalf("request %d: %d headers not listed", i, len(req.Header))
		}
		// The copy shares nothing the SDK's request can change.
		for k, vs := range req.Header {
			for j := range vs {
				vs[j] = "changed"
			}
			req.Header[k+"-Added"] = []string{"4111111111111111"}
		}
		req.URL.Path = "/changed"
		if diff := cmp.Diff(sentView(t, want, wantBody).Header, got.Header); diff != "" || got.URL.Path == "/changed" {
			t.Fatalf("request %d: changing the SDK's request changed the gate's copy (-before +after):\n%s", i, diff)
		}
		if w := referenceCanonicalNames(want.Header); canonicalNames(got.Header, &headers) != w || canonicalNames(got.Header, &headerList{}) != w {
			t.Fatalf("request %d: canonical names %v (listed) and %v (from the map), want %v (headers %q)", i,
				canonicalNames(got.Header, &headers), canonicalNames(got.Header, &headerList{}), w, got.Header)
		}
		if w, g := referenceSignerAccessKeyID(want), signerKeyID(headers.authorization); headers.complete && w != g {
			t.Fatalf("request %d: signer %q, want %q", i, g, w)
		}
		if w, g := referenceSignerAccessKeyID(want), signerKeyID(got.Header.Values("Authorization")); w != g {
			t.Fatalf("request %d: signerKeyID %q, want %q", i, g, w)
		}
		w := referenceFirstIdentifyingPart(want, det, &refClean)
		if g := firstIdentifyingPart(got, &headers, det, &newClean); g != w {
			t.Fatalf("request %d: refused part %q, want %q (headers %q)", i, g, w, got.Header)
		}
		if g := firstIdentifyingPart(got, nil, det, &newClean); g != w {
			t.Fatalf("request %d: refused part from the map %q, want %q", i, g, w)
		}
	}
	if listed < 600 {
		t.Fatalf("only %d requests had their headers listed: the test proves little", listed)
	}
}

// sent is what a request sends, for comparison.
type sent struct {
	Method, URL, Host, Body string
	Header                  http.Header
	ContentLength           int64
	Trailer                 http.Header
	TransferEncoding        []string
	HasGetBody              bool
}

func sentView(t *testing.T, r *http.Request, body string) sent {
	t.Helper()
	var got []byte
	if r.Body != nil {
		var err error
		if got, err = io.ReadAll(r.Body); err != nil {
			t.Fatal(err)
		}
		// Readable again for the next look: the body is io.NopCloser
		// around the gate's *strings.Reader.
		reflect.ValueOf(r.Body).Field(0).Interface().(*strings.Reader).Reset(body)
	}
	if string(got) != body {
		t.Fatalf("the copy's body reads %q, want %q", got, body)
	}
	return sent{Method: r.Method, URL: r.URL.String(), Host: r.Host, Body: string(got), Header: r.Header.Clone(), ContentLength: r.ContentLength,
		Trailer: r.Trailer, TransferEncoding: r.TransferEncoding, HasGetBody: r.GetBody != nil}
}

// recordingChecks are a client's checks that pass and record what the gate
// gave them.
type recordingChecks struct {
	passingChecks
	signer, body string
}

func (c *recordingChecks) CheckSigner(_ context.Context, _, accessKeyID string) error {
	c.signer = accessKeyID
	return nil
}

func (c *recordingChecks) CheckBody(_ context.Context, _, body string) error {
	c.body = body
	return nil
}

// TestGateSigner: the gate gives the client's signer check the access key
// ID of the request's Authorization header whether the gate's copy listed
// its headers or, past the headers a list holds, checks them from its map.
func TestGateSigner(t *testing.T) {
	const auth = "AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261129/us-east-1/personalize/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date, Signature=14a4de10a33362d50f1efc83d9128d490a1464dfb9508bfd9ddb23635319be4f"
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	for _, extra := range []int{0, maxListedHeaders - 3, maxListedHeaders, 3 * maxListedHeaders} {
		req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
		req.Method = http.MethodPost
		req.URL, _ = url.Parse("https://personalize-runtime.us-east-1.amazonaws.com/recommendations")
		req.Header.Set("Authorization", auth)
		req.Header.Set("X-Amz-Date", "20261129T233136Z")
		for i := range extra {
			req.Header.Set(fmt.Sprintf("X-Extra-%d", i), "v")
		}
		var err error
		if req, err = req.SetStream(bytes.NewReader([]byte(`{"userId":"u-1"}`))); err != nil {
			t.Fatal(err)
		}
		var c recordingChecks
		var clean CleanTexts
		if _, _, err := Gate(ctx, middleware.DeserializeInput{Request: req}, &c, "us-east-1", TLSClient{Min: tls.VersionTLS12, Next: answerAtOnce{}},
			sensitive.Default(), &clean); err != nil {
			t.Fatalf("%d headers: %v", len(req.Header), err)
		}
		if diff := cmp.Diff([2]string{"AKIDPERSONALIZETEST", `{"userId":"u-1"}`}, [2]string{c.signer, c.body}); diff != "" {
			t.Errorf("%d headers: signer and body checked (-want +got):\n%s", len(req.Header), diff)
		}
	}
}

// TestIntakeBodyInItsCopy: a body that fits in the copy's own array (see
// sentRequest.bodyBuf) costs intake no allocation beyond a one-byte body's
// (the body's io.NopCloser), and is read there; one longer costs one more
// (its Builder). The body is the stream's bytes either way (see
// TestReadBodyFastMatchesSlow).
func TestIntakeBodyInItsCopy(t *testing.T) {
	allocs := func(n int) (float64, bool) {
		data := []byte(strings.Repeat("a", n))
		req, err := smithyhttp.NewStackRequest().(*smithyhttp.Request).SetStream(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		req.URL, _ = url.Parse("https://personalize.us-east-1.amazonaws.com/")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		inBuf := true
		a := testing.AllocsPerRun(50, func() {
			var headers headerList
			own, body, err := intake(context.Background(), "Op", req, "", "us-east-1", &headers)
			if err != nil || body != string(data) {
				t.Fatalf("intake of %d bytes: body %d bytes, error %v", n, len(body), err)
			}
			if n > 0 && unsafe.StringData(body) != &own.bodyBuf[0] {
				inBuf = false
			}
		})
		return a, inBuf
	}
	one, _ := allocs(1)
	type got struct {
		Extra float64
		InBuf bool
	}
	for _, tc := range []struct {
		n    int
		want got
	}{
		{300, got{0, true}}, {inlineBody, got{0, true}}, {inlineBody + 1, got{1, false}}, {10 << 10, got{1, false}},
	} {
		a, in := allocs(tc.n)
		if diff := cmp.Diff(tc.want, got{a - one, in}); diff != "" {
			t.Errorf("a body of %d bytes (-want +got):\n%s", tc.n, diff)
		}
	}
}
