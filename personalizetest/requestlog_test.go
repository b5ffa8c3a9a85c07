package personalizetest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func TestRequestLogRecordsWhatArrived(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	before := time.Now()
	_, err := personalize.NewFromConfig(s.Config()).CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{
		Name: aws.String("logged"), Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}},
	})
	if err != nil {
		t.Fatalf("CreateDatasetGroup() = %v", err)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("Requests() has %d entries, want 1", len(reqs))
	}
	r := reqs[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"Service", r.Service, personalizetest.ServicePersonalize},
		{"Operation", r.Operation, "CreateDatasetGroup"},
		{"Target", r.Target, "AmazonPersonalize.CreateDatasetGroup"},
		{"Method", r.Method, http.MethodPost},
		{"URL", r.URL, "/"},
		{"TLSVersion", r.TLSVersion, uint16(tls.VersionTLS13)},
		{"body has the name", bytes.Contains(r.Body, []byte(`"name":"logged"`)), true},
		{"body has the tag", bytes.Contains(r.Body, []byte(`"tagValue":"recs"`)), true},
		{"content type", r.Header.Get("Content-Type"), "application/x-amz-json-1.1"},
		{"time", !r.Time.Before(before) && !r.Time.After(time.Now()), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Request.%s = %v, want %v", c.what, c.got, c.want)
		}
	}

	// Requests returns copies.
	reqs[0].Body[0] = 'X'
	reqs[0].Header.Set("Content-Type", "changed")
	if again := s.Requests()[0]; again.Body[0] == 'X' || again.Header.Get("Content-Type") == "changed" {
		t.Errorf("Requests() exposes the server's own log")
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("after ResetRequests, Requests() has %d entries", n)
	}
}

func TestS3RequestsAreNamed(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := s3.NewFromConfig(s.Config())
	b := aws.String("named-ops")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("a b.csv"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); err == nil {
		t.Fatal("GetBucketPolicy on a bare bucket succeeded")
	}
	var got []string
	for _, r := range s.Requests() {
		got = append(got, r.Operation+" "+r.Target)
	}
	want := []string{"CreateBucket /named-ops", "PutObject /named-ops/a%20b.csv?x-id=PutObject", "GetBucketPolicy /named-ops?policy="}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("S3 requests =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestContains(t *testing.T) {
	r := personalizetest.Request{
		URL:    "/bucket/some%20key%2Bplus.csv?prefix=a%26b",
		Target: "AmazonPersonalize.CreateFilter",
		Header: http.Header{"X-Amz-Meta-Owner": {"alice@example.com"}},
		Body:   []byte(`{"filterExpression":"INCLUDE ItemID WHERE Items.GENRE IN (\"a\u003cb\")","name":"f\\1"} <Tag>x &amp; y</Tag>`),
	}
	tests := []struct {
		reason string
		v      string
		want   bool
	}{
		{"plain body text", "Items.GENRE", true},
		{"value with quotes, JSON-escaped", `IN ("a<b")`, true},
		{"backslash, JSON-escaped", `f\1`, true},
		{"ampersand, XML-escaped", "x & y", true},
		{"space in the path, percent-encoded", "some key+plus", true},
		{"ampersand in the query", "a&b", true},
		{"header value", "alice@example.com", true},
		{"target", "CreateFilter", true},
		{"absent", "4111111111111111", false},
		{"empty is never contained", "", false},
	}
	for _, tt := range tests {
		if got := r.Contains(tt.v); got != tt.want {
			t.Errorf("%s: Contains(%q) = %v, want %v", tt.reason, tt.v, got, tt.want)
		}
	}
}

func TestSeen(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	const secret = "acct-9876543210"
	pz := personalize.NewFromConfig(s.Config())
	_, _ = pz.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("seen"), Tags: []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String(secret)}}})
	if !s.Seen(secret) {
		t.Errorf("Seen(%q) = false after it was sent in a tag", secret)
	}
	if s.Seen("never-sent") {
		t.Errorf("Seen(never-sent) = true")
	}
	s.ResetRequests()
	if s.Seen(secret) {
		t.Errorf("Seen after ResetRequests = true")
	}
}

func TestRequestLogUnderConcurrency(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	pz := personalize.NewFromConfig(s.Config())
	var wg sync.WaitGroup
	const workers, calls = 4, 5
	for range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range calls {
				if _, err := pz.ListSchemas(ctx, &personalize.ListSchemasInput{}); err != nil {
					t.Error(err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range calls {
				_ = s.Requests()
				_ = s.Seen("x")
			}
		}()
	}
	wg.Wait()
	if n := len(s.Requests()); n != workers*calls {
		t.Errorf("Requests() has %d entries, want %d", n, workers*calls)
	}
}

func FuzzContains(f *testing.F) {
	for _, seed := range []string{"a", `"q"`, "<&>", "%2F", "ü", "\x00"} {
		f.Add(seed, "prefix"+seed+"suffix")
	}
	f.Fuzz(func(t *testing.T, v, body string) {
		r := personalizetest.Request{Body: []byte(body), URL: "/"}
		got := r.Contains(v)
		if got != r.Contains(v) {
			t.Fatalf("Contains(%q) is not deterministic", v)
		}
		if v != "" && strings.Contains(body, v) && !got {
			t.Fatalf("Contains(%q) = false for a body holding it verbatim", v)
		}
		if v == "" && got {
			t.Fatalf("Contains(\"\") = true")
		}
	})
}
