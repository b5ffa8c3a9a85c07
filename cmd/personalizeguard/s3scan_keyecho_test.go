package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// TestS3TransportErrorNamesNoKey: a request that fails in transport (a
// reset connection, a proxy that hangs up) is an *url.Error that quotes
// the request's URL, whose path is the listed object's key, escaped
// ("jane.doe%40example.com.csv") but whole. scan prints the error, so it
// must not carry the URL; the operation and the cause remain.
func TestS3TransportErrorNamesNoKey(t *testing.T) {
	const key = "data/jane.doe@example.com.csv"
	client := s3.New(s3.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String("https://s3.example.test"),
		UsePathStyle:     true,
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: 1,
		HTTPClient: smithyhttp.ClientDoFunc(func(r *http.Request) (*http.Response, error) {
			// What net/http returns for a connection closed mid-response.
			return nil, &url.Error{Op: r.Method[:1] + strings.ToLower(r.Method[1:]), URL: r.URL.String(), Err: io.ErrUnexpectedEOF}
		}),
	})
	ctx := context.Background()
	loc := s3guardLocation(t, "s3://bucket-a/data/")
	tests := []struct {
		name string
		call func() error
		op   string
	}{
		{"GetObject of a listed object", func() error {
			_, err := openS3(ctx, client, "bucket-a", s3Object{key: key, etag: `"e"`, size: 10}, defaultTimeout)
			return err
		}, "GetObject"},
		{"ListObjectsV2 after a token", func() error {
			_, err := listS3(ctx, &tokenS3{Client: client}, loc, 0, 0)
			return err
		}, "ListObjectsV2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error, want a transport error")
			}
			type result struct {
				Op, Unescaped bool
				EOF           bool
			}
			msg := err.Error()
			unescaped, _ := url.PathUnescape(msg)
			got := result{Op: strings.HasPrefix(msg, tt.op+": "), Unescaped: strings.Contains(unescaped, "jane.doe"), EOF: errors.Is(err, io.ErrUnexpectedEOF)}
			want := result{Op: true, Unescaped: false, EOF: true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error %q mismatch (-want +got):\n%s", msg, diff)
			}
		})
	}
}

// tokenS3 answers the first ListObjectsV2 itself, truncated, with a token
// that holds a key (an S3-compatible store's tokens are its own), and sends
// the next one through Client.
type tokenS3 struct {
	*s3.Client
	asked bool
}

func (p *tokenS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if !p.asked {
		p.asked = true
		return &s3.ListObjectsV2Output{IsTruncated: aws.Bool(true), NextContinuationToken: aws.String("after:data/jane.doe@example.com.csv")}, nil
	}
	return p.Client.ListObjectsV2(ctx, in, o...)
}
