package securetransport

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"

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
	if sg := CheckRequestText("CreateDatasetGroup", req, det, &clean); sg != nil {
		b.Fatal(sg)
	}
	b.ReportAllocs()
	for b.Loop() {
		if sg := CheckRequestText("CreateDatasetGroup", req, det, &clean); sg != nil {
			b.Fatal(sg)
		}
	}
}

// BenchmarkReadBody is the gate's read of a serialized body: one
// allocation, the body's, from the SDK's *bytes.Reader; a stream that
// writes itself out (strings.Reader) costs a copy more.
func BenchmarkReadBody(b *testing.B) {
	body := []byte(`{"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","name":"movies-2024-11-28",` +
		`"roleArn":"arn:aws:iam::111122223333:role/personalize","tags":[{"tagKey":"team","tagValue":"recs"},{"tagKey":"env","tagValue":"prod"}]}`)
	for _, s := range []struct {
		name   string
		stream func() io.ReadSeeker
	}{
		{"bytes.Reader", func() io.ReadSeeker { return bytes.NewReader(body) }},
		{"strings.Reader", func() io.ReadSeeker { return strings.NewReader(string(body)) }},
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
		if sg := CheckRequestText("CreateDatasetGroup", reqs[i], det, &clean); sg != nil {
			b.Fatal(sg)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if sg := CheckRequestText("CreateDatasetGroup", reqs[i%len(reqs)], det, &clean); sg != nil {
			b.Fatal(sg)
		}
		i++
	}
}
