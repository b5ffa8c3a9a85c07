package securetransport

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// sdkRequest is a request as the SDK signs a Personalize JSON call.
func sdkRequest() *http.Request {
	u, _ := url.Parse("https://personalize.us-east-1.amazonaws.com/")
	h := http.Header{}
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amz-Target", "AmazonPersonalize.CreateDatasetGroup")
	h.Set("User-Agent", "aws-sdk-go-v2/1.41.0 ua/2.1 os/linux lang/go#1.26.8 md/GOOS#linux md/GOARCH#amd64 api/personalize#1.47.0 m/E,g")
	h.Set("Amz-Sdk-Invocation-Id", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
	h.Set("Amz-Sdk-Request", "attempt=1; max=3")
	h.Set("X-Amz-Date", "20261129T170000Z")
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/personalize/aws4_request, "+
		"SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target, "+
		"Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024")
	return &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, Header: h}
}

// BenchmarkCheckRequestText is the wire gate's scan of a signed request's
// line and headers, once the memo of clean texts is warm: the per-call
// case.
func BenchmarkCheckRequestText(b *testing.B) {
	det, err := sensitive.New()
	if err != nil {
		b.Fatal(err)
	}
	var clean CleanTexts
	req := sdkRequest()
	if sg := checkRequestText("CreateDatasetGroup", req, nil, det, &clean); sg != nil {
		b.Fatal(sg)
	}
	b.ReportAllocs()
	for b.Loop() {
		if sg := checkRequestText("CreateDatasetGroup", req, nil, det, &clean); sg != nil {
			b.Fatal(sg)
		}
	}
}

// BenchmarkReadBody is the gate's read of a serialized body: one
// allocation, the body's, from the SDK's *bytes.Reader; a stream that
// writes itself out (strings.Reader) costs a copy more, and one with only
// Read and Seek a read buffer of the body's size.
func BenchmarkReadBody(b *testing.B) {
	body := []byte(`{"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","name":"movies-2024-11-28",` +
		`"roleArn":"arn:aws:iam::111122223333:role/personalize","tags":[{"tagKey":"team","tagValue":"recs"},{"tagKey":"env","tagValue":"prod"}]}`)
	for _, s := range []struct {
		name   string
		stream func() io.ReadSeeker
	}{
		{"bytes.Reader", func() io.ReadSeeker { return bytes.NewReader(body) }},
		{"strings.Reader", func() io.ReadSeeker { return strings.NewReader(string(body)) }},
		// A stream with only Read and Seek, as a wrapper that hides WriteTo
		// gives (personalizetest.IDStreamWithoutWriteTo).
		{"read-seeker", func() io.ReadSeeker { return struct{ io.ReadSeeker }{bytes.NewReader(body)} }},
	} {
		b.Run(s.name, func(b *testing.B) {
			stream := s.stream()
			req, err := smithyhttp.NewStackRequest().(*smithyhttp.Request).SetStream(stream)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadBody(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckRequestTextLambda is BenchmarkCheckRequestText in AWS
// Lambda, where every call carries the invocation's X-Ray trace header: a
// new value per invocation, so the memo of clean texts never answers for
// it.
func BenchmarkCheckRequestTextLambda(b *testing.B) {
	det, err := sensitive.New()
	if err != nil {
		b.Fatal(err)
	}
	var clean CleanTexts
	reqs := make([]*http.Request, 256)
	for i := range reqs {
		reqs[i] = sdkRequest()
		id := fmt.Sprintf("%08x%016x", i, uint64(i)*0x9e3779b97f4a7c15)
		reqs[i].Header.Set(traceHeader, "Root=1-6b0cb639-"+id+";Parent="+id[8:]+";Sampled=1;Lineage=12326a9d:0")
		if sg := checkRequestText("CreateDatasetGroup", reqs[i], nil, det, &clean); sg != nil {
			b.Fatal(sg)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if sg := checkRequestText("CreateDatasetGroup", reqs[i%len(reqs)], nil, det, &clean); sg != nil {
			b.Fatal(sg)
		}
		i++
	}
}

// BenchmarkGate is the wire gate's own work on a GetRecommendations call as
// the SDK hands it over, signed, with checks that pass and an HTTP client
// that answers at once: the request's copy, the scan of its line and
// headers (memo warm), the send. The client's field rules (CheckBody) are
// not in it.
func BenchmarkGate(b *testing.B) {
	det, err := sensitive.New()
	if err != nil {
		b.Fatal(err)
	}
	var clean CleanTexts
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	body := []byte(`{"campaignArn":"arn:aws:personalize:us-east-1:123456789012:campaign/for-you","context":{"DEVICE":"mobile"},"numResults":10,"userId":"p1u_0123456789abcdefghijklmn"}`)
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	req.Method = http.MethodPost
	req.URL, _ = url.Parse("https://personalize-runtime.us-east-1.amazonaws.com/recommendations")
	req.Host = req.URL.Host
	for k, v := range map[string]string{
		"X-Amz-Date":            "20261129T233136Z",
		"Content-Type":          "application/json",
		"Amz-Sdk-Invocation-Id": "61adcc5a-41d8-4eea-becf-8402850e6e53",
		"User-Agent":            "aws-sdk-go-v2/1.48.0 ua/2.1 os/linux lang/go#1.26.8 md/GOOS#linux md/GOARCH#amd64 api/personalizeruntime#1.36.4 m/e",
		"Amz-Sdk-Request":       "attempt=1; max=3",
		"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261129/us-east-1/personalize/aws4_request, " +
			"SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date, Signature=14a4de10a33362d50f1efc83d9128d490a1464dfb9508bfd9ddb23635319be4f",
	} {
		req.Header.Set(k, v)
	}
	if req, err = req.SetStream(bytes.NewReader(body)); err != nil {
		b.Fatal(err)
	}
	send := TLSClient{Min: tls.VersionTLS12, Next: answerAtOnce{}}
	in := middleware.DeserializeInput{Request: req}
	if _, _, err := Gate(ctx, in, passingChecks{}, "us-east-1", send, det, &clean); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Gate(ctx, in, passingChecks{}, "us-east-1", send, det, &clean); err != nil {
			b.Fatal(err)
		}
	}
}

// passingChecks are a client's checks that all pass.
type passingChecks struct{}

func (passingChecks) Ran(context.Context, string) error { return nil }
func (passingChecks) Violation(_ context.Context, err *guarderr.SafeguardError) error {
	return err
}
func (passingChecks) CheckBody(context.Context, string, string) error   { return nil }
func (passingChecks) CheckSigner(context.Context, string, string) error { return nil }
func (passingChecks) CheckSent(context.Context, string, *http.Request) error {
	return nil
}

// answerAtOnce answers every request with an empty 200 over TLS 1.3, after
// reading its body as net/http would.
type answerAtOnce struct{}

func (answerAtOnce) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	return &http.Response{StatusCode: 200, Body: http.NoBody, TLS: &tls.ConnectionState{Version: tls.VersionTLS13}}, nil
}
