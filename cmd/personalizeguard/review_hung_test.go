package main

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/audit"
)

// hungEndpoint starts a TLS server that accepts every request and never
// answers it, and makes AWS_CA_BUNDLE trust it beside the emulator whose CA
// is ca.
func hungEndpoint(t *testing.T, ca []byte) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	hung := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) }) // before Close, which waits for the handlers
	bundle := append(append([]byte(nil), ca...), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hung.Certificate().Raw})...)
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", file)
	return hung
}

// runWithin runs the command and fails the test when it has not returned
// within limit: a hung read must end at the command's -timeout.
func runWithin(t *testing.T, limit time.Duration, run func() int) int {
	t.Helper()
	done := make(chan int, 1)
	go func() { done <- run() }()
	select {
	case code := <-done:
		return code
	case <-time.After(limit):
		t.Fatalf("the command has not returned %s after one endpoint stopped answering", limit)
		return 0
	}
}

// TestReviewAuditHungEndpointFailsClosed (review, medium): the audit's
// STS, IAM, CloudTrail, Macie and Personalize reads carried only the
// command's context, which has no deadline, so one endpoint that accepted
// the connection and never answered held the audit for ever. Each read now
// ends at -timeout as audit.read-failed ("timed out"), exit status 1.
func TestReviewAuditHungEndpointFailsClosed(t *testing.T) {
	// AWS_ENDPOINT_URL_<service ID> sends one service to the hung server;
	// every other stays on the emulator.
	for _, service := range []string{"STS", "IAM", "CLOUDTRAIL", "MACIE2", "PERSONALIZE", "KMS", "S3"} {
		t.Run(service, func(t *testing.T) {
			e := newAWSEnv(t)
			hung := hungEndpoint(t, e.s.CACertPEM())
			t.Setenv("AWS_ENDPOINT_URL_"+service, hung.URL)
			start := time.Now()
			code := runWithin(t, 30*time.Second, func() int { return e.run("audit", "-timeout", "200ms") })
			type outcome struct {
				Code                 int
				ReadFailed, TimedOut bool
			}
			out := e.stdout.String()
			got := outcome{code, strings.Contains(out, audit.FindingReadFailed), strings.Contains(out, "timed out")}
			if diff := cmp.Diff(outcome{exitFindings, true, true}, got); diff != "" {
				t.Errorf("after %s (-want +got):\n%s\nstdout:\n%s\nstderr:\n%s", time.Since(start).Round(time.Millisecond), diff, out, &e.stderr)
			}
		})
	}
}

// TestReviewScanHungS3Fails: the same for scan of an S3 prefix, whose
// ListObjectsV2 hung: an error, exit status 3.
func TestReviewScanHungS3Fails(t *testing.T) {
	for _, arg := range []string{"s3://$BUCKET/clean/", "s3://$BUCKET/clean/part-0.csv"} {
		t.Run(arg, func(t *testing.T) {
			e := newS3Env(t)
			hung := hungEndpoint(t, e.srv.CACertPEM())
			t.Setenv("AWS_ENDPOINT_URL_S3", hung.URL)
			code := runWithin(t, 30*time.Second, func() int { return e.run("scan", "-timeout", "200ms", arg) })
			type outcome struct {
				Code     int
				TimedOut bool
			}
			got := outcome{code, strings.Contains(e.stderr.String(), "deadline exceeded") || strings.Contains(e.stderr.String(), "timed out")}
			if diff := cmp.Diff(outcome{exitError, true}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, e.output(true))
			}
		})
	}
}

// TestReviewOpenS3Stalls: an object's GetObject that is never answered,
// or whose body stops coming, ends after the timeout with an error that
// says so, however long the object.
func TestReviewOpenS3Stalls(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name string
		do   func(r *http.Request) (*http.Response, error)
	}{
		{"no answer", func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}},
		{"the body stops", func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"e"`}},
				Body: &stalledBody{ctx: r.Context(), data: []byte("USER_ID,ITEM_ID,TIMESTAMP\n")}}, nil
		}},
		{"the body trickles", func(r *http.Request) (*http.Response, error) {
			// A byte at half the timeout: never idle for long, so never
			// failed, though the whole takes four timeouts.
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {`"e"`}},
				Body: &stalledBody{ctx: r.Context(), data: []byte("a,b\n1,2\n"), every: timeout / 2}}, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := s3.New(s3.Options{
				Region: "us-east-1", BaseEndpoint: aws.String("https://s3.example.test"), UsePathStyle: true,
				Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1, HTTPClient: smithyhttp.ClientDoFunc(tt.do),
			})
			start := time.Now()
			code := runWithin(t, 10*time.Second, func() int {
				body, err := openS3(context.Background(), client, "bucket-a", s3Object{key: "k.csv", etag: `"e"`}, timeout)
				if err == nil {
					_, err = io.Copy(io.Discard, body)
					body.Close()
				}
				switch {
				case err == nil:
					return exitOK
				case errors.Is(err, context.DeadlineExceeded) && strings.HasPrefix(err.Error(), "GetObject: "):
					return exitError
				}
				t.Logf("error %v", err)
				return exitUsage
			})
			want := exitError
			if tt.name == "the body trickles" {
				want = exitOK
			}
			if code != want {
				t.Errorf("after %s: %d, want %d", time.Since(start).Round(time.Millisecond), code, want)
			}
		})
	}
}

// stalledBody sends data, a byte each every (all at once when zero), then
// blocks until the request's context ends, as net/http's body does when
// the server stops sending.
type stalledBody struct {
	ctx   context.Context
	data  []byte
	every time.Duration
}

func (b *stalledBody) Read(p []byte) (int, error) {
	if len(b.data) > 0 && b.every > 0 {
		select {
		case <-time.After(b.every):
		case <-b.ctx.Done():
			return 0, b.ctx.Err()
		}
		if len(p) > 1 {
			p = p[:1]
		}
	}
	if len(b.data) > 0 {
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	if b.every > 0 {
		return 0, io.EOF
	}
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (b *stalledBody) Close() error { return nil }
