package personalizetest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// wireRecorder records each attempt as the HTTP client gets it: method,
// path, Content-Length, the headers that do not change with the clock,
// and the body bytes; failFirst answers the first attempt of each call
// with a 503 after reading its whole body, so that the retry sends it again.
type wireRecorder struct {
	next      aws.HTTPClient
	failFirst bool
	mu        sync.Mutex
	attempts  []string
}

var clockHeaders = map[string]bool{"Authorization": true, "X-Amz-Date": true, "Amz-Sdk-Invocation-Id": true, "Amz-Sdk-Request": true, "User-Agent": true, "X-Amz-User-Agent": true}

func (w *wireRecorder) Do(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body.Close()
	}
	var hs []string
	for k, v := range r.Header {
		if !clockHeaders[k] {
			hs = append(hs, k+": "+strings.Join(v, ","))
		}
	}
	for k, v := range r.Trailer {
		hs = append(hs, "trailer "+k+": "+strings.Join(v, ","))
	}
	sort.Strings(hs)
	rec := r.Method + " " + r.URL.Path + " len " + itoa(r.ContentLength) + " te " + strings.Join(r.TransferEncoding, ",") + "\n" + strings.Join(hs, "\n") + "\n\n" + string(body)
	w.mu.Lock()
	first := w.failFirst && len(w.attempts)%2 == 0
	w.attempts = append(w.attempts, rec)
	w.mu.Unlock()
	if first {
		return &http.Response{StatusCode: 503, Status: "503 Service Unavailable", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.GetBody = nil
	return w.next.Do(r2)
}

func itoa(n int64) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestReviewFinal6StreamWithoutWriteToSameWire: with and without
// IDStreamWithoutWriteTo, every attempt of the same calls sends the same
// method, path, Content-Length, headers (but the clock's) and body: JSON
// bodies, S3 PutObject with checksums from several kinds of body, and
// retried attempts (RetryMaxAttempts 3, the first answered 503).
func TestReviewFinal6StreamWithoutWriteToSameWire(t *testing.T) {
	s := personalizetest.New(t)
	ctx := t.Context()
	if _, err := s3.NewFromConfig(s.Config()).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("wire")}); err != nil {
		t.Fatal(err)
	}
	calls := func(t *testing.T, cfg aws.Config, retried bool) {
		pz := sdk.NewFromConfig(cfg)
		if _, err := pz.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{MaxResults: aws.Int32(5)}); err != nil {
			t.Fatal(err)
		}
		if _, err := pz.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:123456789012:dataset-group/none")}); err == nil {
			t.Fatal("DescribeDatasetGroup of a missing group succeeded")
		}
		c := s3.NewFromConfig(cfg)
		for i, in := range []*s3.PutObjectInput{
			{Body: bytes.NewReader([]byte("a,b\n1,2\n"))},
			{Body: strings.NewReader("a,b\n1,2\n"), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256},
			{Body: strings.NewReader("")},
			{Body: bytes.NewReader(bytes.Repeat([]byte("x"), 70<<10)), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32c},
			{Body: io.MultiReader(strings.NewReader("unseekable\n")), ContentLength: aws.Int64(11)},
		} {
			if retried && i == 4 {
				continue // the SDK cannot rewind an unseekable body, with or without the middleware
			}
			in.Bucket, in.Key = aws.String("wire"), aws.String("k"+itoa(int64(i)))
			if _, err := c.PutObject(ctx, in); err != nil {
				t.Fatalf("PutObject %d: %v", i, err)
			}
		}
	}
	for _, failFirst := range []bool{false, true} {
		var got [2][]string
		for i, keep := range []bool{true, false} {
			cfg := s.Config()
			if !keep {
				cfg.APIOptions = nil
			}
			rec := &wireRecorder{next: cfg.HTTPClient, failFirst: failFirst}
			cfg.HTTPClient = rec
			if failFirst {
				cfg.RetryMaxAttempts = 3
				cfg.Retryer = func() aws.Retryer {
					return retry.NewStandard(func(o *retry.StandardOptions) {
						o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
						o.RateLimiter = noLimit{}
					})
				}
			}
			calls(t, cfg, failFirst)
			got[i] = rec.attempts
		}
		if diff := cmp.Diff(got[1], got[0]); diff != "" {
			t.Errorf("failFirst %v: attempts with the middleware differ from without (-without +with):\n%s", failFirst, diff)
		}
		if failFirst {
			for i := 0; i+1 < len(got[0]); i += 2 {
				if a, b := got[0][i], got[0][i+1]; a != b {
					t.Errorf("the retried attempt %d differs from the first (-first +retry):\n%s", i/2, cmp.Diff(a, b))
				}
			}
		}
		t.Logf("failFirst %v: %d attempts; e.g. %.400q", failFirst, len(got[0]), got[0][len(got[0])-1])
		if len(got[0]) == 0 {
			t.Fatal("no attempt recorded")
		}
	}
}

type noLimit struct{}

func (noLimit) GetToken(context.Context, uint) (func() error, error) {
	return func() error { return nil }, nil
}
func (noLimit) AddTokens(uint) error { return nil }

// TestReviewFinal6GuardedGateSameBody: a guarded client built from Config
// (its middleware in place) and one built from Config without it send the
// same bodies, and refuse the same e-mail before anything is sent.
func TestReviewFinal6GuardedGateSameBody(t *testing.T) {
	s := personalizetest.New(t)
	ctx := t.Context()
	var got [2][]string
	for i, keep := range []bool{true, false} {
		cfg := s.Config()
		if !keep {
			cfg.APIOptions = nil
		}
		rec := &wireRecorder{next: cfg.HTTPClient}
		cfg.HTTPClient = rec
		pz, err := personalize.New(cfg, personalize.Policy{InsecureAllowUnverifiableHTTPClient: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pz.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{MaxResults: aws.Int32(5)}); err != nil {
			t.Fatal(err)
		}
		if _, err := pz.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("jane.doe@example.com")}); err == nil {
			t.Fatal("the guard sent an e-mail as a name")
		}
		got[i] = rec.attempts
	}
	if diff := cmp.Diff(got[1], got[0]); diff != "" {
		t.Errorf("guarded attempts with the middleware differ from without (-without +with):\n%s", diff)
	}
	for _, a := range got[0] {
		if strings.Contains(a, "jane.doe") {
			t.Errorf("an attempt carried the e-mail: %q", a)
		}
	}
}
