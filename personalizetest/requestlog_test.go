package personalizetest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

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
	for _, seed := range []struct{ v, body string }{
		{"jane@example.com", `{"email":"jane\u0040example.com"}`},
		{"jane@example.com", `{"properties":"{\"email\":\"jane\\u0040example.com\"}"}`},
		{"jane@example.com", `{"filterValues":{"E":"\"a\",\"jane\\u0040example.com\""}}`},
		{"jane@example.com", `{"note":"jane\\u0040example.com"}`},
		{"jane@example.com", `{"e":"jane\u004"}`},
		{"https://x/jane", `{"u":"https:\/\/x\/jane"}`},
		{"4111111111111111", `{"n":4.111111111111111e15}`},
		{"4111111111111111", `{"n":4111111111111111.0}`},
		{"4111111111111111", `{"n":4.111111111111111e-3}`},
		{"4111111111111111", `{"n":1e400}`},
		{"😀", `{"a":"\ud83d\ude00","b":"\ud83d"}`},
		{"x", `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`},
		{"x", `"\"\\\"\\\\\\\"x\\\\\\\"\\\"\""`},
	} {
		f.Add(seed.v, seed.body)
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
		if v == "" || !utf8.ValidString(v) {
			return
		}
		// v written with every rune \u-escaped, as a member of a body and
		// again inside a document held in a string, is still found.
		escaped := `{"k":"` + escapeEveryRune(v) + `"}`
		for _, b := range []string{escaped, `{"properties":` + quoteJSON(t, escaped) + `}`} {
			if !(personalizetest.Request{Body: []byte(b), URL: "/"}).Contains(v) {
				t.Fatalf("Contains(%q) = false for %#q", v, b)
			}
		}
	})
}

// escapeEveryRune writes s as the content of a JSON string with every rune
// as a \u escape (a surrogate pair beyond the BMP).
func escapeEveryRune(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

func quoteJSON(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestContainsDecodesJSON(t *testing.T) {
	const (
		email = "jane@example.com"
		card  = "4111111111111111"
	)
	tests := []struct {
		reason string
		body   string
		v      string
		want   bool
	}{
		{"one \\u escape", `{"email":"jane\u0040example.com"}`, email, true},
		{"every rune \\u-escaped", `{"email":"\u006a\u0061\u006e\u0065\u0040\u0065\u0078\u0061\u006d\u0070\u006c\u0065\u002e\u0063\u006f\u006d"}`, email, true},
		{"escapes in upper-case hex, mixed with plain text", `{"email":"ja\u006Ee\u0040example\u002Ecom"}`, email, true},
		{"escaped solidus", `{"url":"https:\/\/x.example\/jane"}`, "https://x.example/jane", true},
		{"a surrogate pair", `{"a":"\ud83d\ude00 jane"}`, "😀 jane", true},
		{"a member name", `{"jane\u0040example.com":1}`, email, true},
		{"a properties document in a string", `{"properties":"{\"email\":\"jane\\u0040example.com\"}"}`, email, true},
		{"a document in a document in a string", `{"a":"{\"b\":\"{\\\"c\\\":\\\"jane\\\\u0040example.com\\\"}\"}"}`, email, true},
		{"a filterValues list", `{"filterValues":{"EMAIL":"\"comedy\",\"jane\\u0040example.com\""}}`, email, true},
		{"a number with an exponent", `{"n":4.111111111111111e15}`, card, true},
		{"a number with an upper-case, signed exponent", `{"n":41111111.11111111E+8}`, card, true},
		{"a number with a fraction", `{"n":4111111111111111.0}`, card, true},
		{"a number's significant digits", `{"n":4.111111111111111e-3}`, card, true},
		{"a number in an embedded document", `{"properties":"{\"card\":4.111111111111111e15}"}`, card, true},
		{"a number in a string", `{"itemId":"4.111111111111111e15"}`, card, true},
		{"a short number with an exponent", `{"n":1e3}`, "1000", true},
		{"a percent-encoded form once decoded", `{"u":"?e=jane%40example\u002ecom"}`, email, true},
		{"after invalid UTF-8", "{\"a\":\"\xff\",\"e\":\"jane\\u0040example.com\"}", email, true},
		{"nested deeper than most readers allow", strings.Repeat("[", 80) + `"jane\u0040example.com"` + strings.Repeat("]", 80), email, true},
		{"in a second top-level value", `{} {"e":"jane\u0040example.com"}`, email, true},
		{"before the body stops being JSON", `{"e":"jane\u0040example.com","f":`, email, true},
		{"malformed JSON, raw text", `{"e":jane@example.com}`, email, true},
		{"malformed JSON, JSON-escaped raw text", `{"e":"IN (\"a<b\")",,}`, `IN ("a<b")`, true},
		{"an escaped backslash is text, not an escape", `{"note":"jane\\u0040example.com"}`, email, false},
		{"a partial escape", `{"e":"jane\u004"}`, email, false},
		{"a partial escape in an embedded document", `{"p":"{\"e\":\"jane\\u004\"}"}`, email, false},
		{"split across strings", `{"a":"jane","b":"@example.com"}`, email, false},
		{"split between name and value", `{"jane":"@example.com"}`, email, false},
		{"another number", `{"n":4.111111111111112e15}`, card, false},
		{"a string that is not JSON is not decoded again", `{"note":"x \"jane\\u0040example.com\""}`, email, false},
	}
	for _, tt := range tests {
		r := personalizetest.Request{URL: "/", Body: []byte(tt.body)}
		if got := r.Contains(tt.v); got != tt.want {
			t.Errorf("%s: Request{Body: %#q}.Contains(%q) = %v, want %v", tt.reason, tt.body, tt.v, got, tt.want)
		}
	}
}

// nestJSON returns doc held as a string in a member of an object, levels
// times over.
func nestJSON(t *testing.T, doc string, levels int) string {
	t.Helper()
	for range levels {
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		doc = `{"properties":` + string(b) + `}`
	}
	return doc
}

func TestContainsDecodesEightEmbeddedLevels(t *testing.T) {
	body := nestJSON(t, `{"email":"jane\u0040example.com"}`, 8)
	r := personalizetest.Request{URL: "/", Body: []byte(body)}
	if !r.Contains("jane@example.com") {
		t.Errorf("Contains(jane@example.com) = false in a document embedded eight levels deep: %s", body)
	}
}

// TestSeenDecodesJSON sends values through the SDK in fields the SDK
// serializes as they are, escaped the way a client bent on hiding them could
// escape them, and checks Seen finds each, before and after its bodies are
// decoded and cached.
func TestSeenDecodesJSON(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	pz := personalize.NewFromConfig(s.Config())
	// A hostile client writes the body itself; the SDK's own serializer
	// would not \u-escape. The request still reaches the endpoint.
	c := s.Config()
	hc := c.HTTPClient.(interface {
		Do(*http.Request) (*http.Response, error)
	})
	send := func(body string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "AmazonPersonalize.ListSchemas")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	if _, err := pz.ListSchemas(ctx, &personalize.ListSchemasInput{}); err != nil {
		t.Fatal(err)
	}
	send(`{"nextToken":"jane\u0040example.com"}`)
	send(`{"nextToken":"{\"card\":4.111111111111111e15}"}`)

	values := []string{"jane@example.com", "4111111111111111", "never-sent", "4111111111111112"}
	want := map[string]bool{"jane@example.com": true, "4111111111111111": true, "never-sent": false, "4111111111111112": false}
	for round := range 2 { // the second round reads the cached texts
		got := map[string]bool{}
		for _, v := range values {
			got[v] = s.Seen(v)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round %d: Seen mismatch (-want +got):\n%s", round, diff)
		}
	}
	s.ResetRequests()
	if s.Seen("jane@example.com") {
		t.Errorf("Seen(jane@example.com) after ResetRequests = true")
	}
	send(`{"nextToken":"\u006aane@example.com"}`)
	if !s.Seen("jane@example.com") {
		t.Errorf("Seen(jane@example.com) = false for a request after ResetRequests")
	}
}
