package audit

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// throttled answers the first n ListDatasetGroups requests with Personalize's
// throttling error, as AWS does under load, and passes everything else on.
func throttled(cfg aws.Config, n int64, attempts *atomic.Int64) aws.Config {
	cfg = retrying(cfg)
	next := cfg.HTTPClient
	cfg.HTTPClient = smithyhttp.ClientDoFunc(func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("X-Amz-Target") == "AmazonPersonalize.ListDatasetGroups" && attempts.Add(1) <= n {
			return &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}},
				Body: io.NopCloser(strings.NewReader(`{"__type":"ThrottlingException","message":"Rate exceeded"}`)), Request: r}, nil
		}
		return next.Do(r)
	})
	return cfg
}

// TestThrottling: the SDK's retryer backs off and retries a throttled read;
// one throttled past the retries is a finding, not a pass.
func TestThrottling(t *testing.T) {
	e := newEnv(t)
	var attempts atomic.Int64
	c := NewClients(throttled(e.s.Config(), 1, &attempts))
	e.clients.Personalize = c.Personalize
	res := e.run(t)
	if got := blocking(res.Report); len(got) != 0 {
		t.Errorf("with one throttled call, blocking findings %v", got)
	}
	if got := attempts.Load(); got != 2 {
		t.Errorf("ListDatasetGroups attempted %d times, want 2 (one retry)", got)
	}

	attempts.Store(0)
	cfg := throttled(e.s.Config(), 1<<30, &attempts)
	cfg.RetryMaxAttempts = 2
	e.clients.Personalize = NewClients(cfg).Personalize
	res = e.run(t)
	if diff := cmp.Diff([]string{FindingReadFailed}, blocking(res.Report)); diff != "" {
		t.Errorf("throttled past the retries: blocking findings mismatch (-want +got):\n%s", diff)
	}
	for _, f := range res.Report.Findings {
		if f.ID == FindingReadFailed && !strings.Contains(f.Message, "personalize:ListDatasetGroups") {
			t.Errorf("read failure %q does not name personalize:ListDatasetGroups", f.Message)
		}
	}
	if got := attempts.Load(); got != 2 {
		t.Errorf("ListDatasetGroups attempted %d times, want RetryMaxAttempts = 2", got)
	}
}

// retrying gives cfg the SDK's standard retryer, which personalizetest's
// Config leaves out so that its request log maps one-to-one to calls; the
// audit runs with it against AWS (config.LoadDefaultConfig sets it).
func retrying(cfg aws.Config) aws.Config {
	cfg.Retryer = func() aws.Retryer { return retry.NewStandard() }
	cfg.RetryMaxAttempts, cfg.RetryMode = 0, ""
	return cfg
}
