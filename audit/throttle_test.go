package audit

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// throttled answers the first n ListDatasetGroups attempts with
// Personalize's throttling error, as AWS does under load, from the innermost
// step of the stack: each attempt of the retry loop reaches it.
func throttled(cfg aws.Config, n int64, attempts *atomic.Int64) aws.Config {
	cfg = retrying(cfg)
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), func(st *middleware.Stack) error {
		return st.Deserialize.Add(middleware.DeserializeMiddlewareFunc("Throttle", func(ctx context.Context, in middleware.DeserializeInput,
			next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			if middleware.GetOperationName(ctx) == "ListDatasetGroups" && attempts.Add(1) <= n {
				return middleware.DeserializeOutput{}, middleware.Metadata{}, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
			}
			return next.HandleDeserialize(ctx, in)
		}), middleware.After)
	})
	return cfg
}

// TestThrottling: the SDK's retryer backs off and retries a throttled read;
// one throttled past the retries is a finding, not a pass.
func TestThrottling(t *testing.T) {
	e := newEnv(t)
	var attempts atomic.Int64
	c := mustClients(t, throttled(e.s.Config(), 1, &attempts))
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
	e.clients.Personalize = mustClients(t, cfg).Personalize
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

func mustClients(t testing.TB, cfg aws.Config) Clients {
	t.Helper()
	c, err := NewClients(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewClientsTransportRules(t *testing.T) {
	e := newEnv(t)
	cfg := e.s.Config()
	cfg.BaseEndpoint = aws.String(strings.Replace(e.s.URL(), "https://", "http://", 1))
	if _, err := NewClients(cfg); err == nil {
		t.Error("NewClients(plain-http endpoint) = nil error, want a refusal")
	}
	cfg = e.s.Config()
	cfg.ClientLogMode = aws.LogRequestWithBody | aws.LogResponseWithBody
	if _, err := NewClients(cfg); err != nil {
		t.Errorf("NewClients(with wire dumps) = %v, want them switched off, not refused", err)
	}
}
