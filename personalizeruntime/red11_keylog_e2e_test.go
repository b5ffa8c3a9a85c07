package personalizeruntime_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// keyLog is a TLS key log: whoever holds it and a capture of the traffic
// reads every request, identifiers and tokens included.
type keyLog struct {
	mu sync.Mutex
	n  int
}

func (l *keyLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n += len(p)
	return len(p), nil
}

func (l *keyLog) written() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// TestRed11TLSKeyLogRefused: an HTTP client whose TLS config writes the
// session keys (tls.Config.KeyLogWriter, a debugging aid Go documents as
// compromising security) makes the TLS the guard requires worthless to
// whoever reads the file. The guard refuses it as it refuses
// InsecureSkipVerify, and no key is written.
func TestRed11TLSKeyLogRefused(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log keyLog
	cfg := s.Config()
	cfg.HTTPClient = cfg.HTTPClient.(*awshttp.BuildableClient).WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = tr.TLSClientConfig.Clone()
		tr.TLSClientConfig.KeyLogWriter = &log
	})
	client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{})
	var ce *personalizeruntime.ConfigError
	if !errors.As(err, &ce) || ce.Field != "HTTPClient" {
		t.Errorf("New with a TLS key log = %v, want a *ConfigError for HTTPClient", err)
	}
	if err == nil {
		_, _ = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")})
	}
	// The same client secured with NewGuard and Option sends nothing.
	g, err := personalizeruntime.NewGuard(cfg, personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sdk.NewFromConfig(cfg, g.Option()).GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")})
	if err == nil {
		t.Errorf("GetRecommendations through Option on a client with a TLS key log = nil, want a refusal")
	}
	if n := log.written(); n != 0 {
		t.Errorf("the TLS key log holds %d bytes of session keys, want none", n)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("the endpoint got %d requests, want 0", n)
	}
}
