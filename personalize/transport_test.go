package personalize

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/internal/securetransport"
)

type doFunc func(*http.Request) (*http.Response, error)

func (f doFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestHardenHTTPClient(t *testing.T) {
	pool := x509.NewCertPool()
	proxy := func(*http.Request) (*url.URL, error) { return url.Parse("http://proxy.internal:3128") }
	callerTransport := &http.Transport{Proxy: proxy, TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10}}

	tests := []struct {
		name        string
		client      aws.HTTPClient
		min         uint16
		allowOpaque bool
		wantErr     bool
		reason      string
	}{
		{name: "nil", client: nil, min: tls.VersionTLS12, reason: "the SDK's default client gets the floor"},
		{name: "buildable", client: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = &tls.Config{RootCAs: pool}
			tr.Proxy = proxy
		}), min: tls.VersionTLS13, reason: "a BuildableClient keeps its CAs and proxy and gets the floor"},
		{name: "http.Client", client: &http.Client{Transport: callerTransport}, min: tls.VersionTLS12, reason: "an *http.Client over *http.Transport is cloned and raised"},
		{name: "http.Client default transport", client: &http.Client{}, min: tls.VersionTLS12, reason: "a nil Transport means http.DefaultTransport, cloned"},
		{name: "opaque round tripper", client: &http.Client{Transport: roundTripFunc(nil)}, min: tls.VersionTLS12, wantErr: true,
			reason: "the floor of an unknown RoundTripper cannot be enforced"},
		{name: "opaque round tripper allowed", client: &http.Client{Transport: roundTripFunc(nil)}, min: tls.VersionTLS12, allowOpaque: true,
			reason: "the Insecure opt-out accepts it"},
		{name: "custom Do", client: doFunc(nil), min: tls.VersionTLS12, wantErr: true, reason: "a custom HTTPClient cannot be inspected"},
		{name: "max below floor", client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MaxVersion: tls.VersionTLS11}}},
			min: tls.VersionTLS12, wantErr: true, reason: "a client capped at TLS 1.1 can never meet the floor"},
		{name: "custom TLS dialer", client: &http.Client{Transport: &http.Transport{DialTLSContext: func(context.Context, string, string) (net.Conn, error) { return nil, nil }}},
			min: tls.VersionTLS12, wantErr: true, reason: "a transport that dials TLS itself ignores TLSClientConfig, floor included"},
		{name: "skip verify", client: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
		}), min: tls.VersionTLS12, wantErr: true, reason: "TLS without certificate verification is not TLS the guard can vouch for"},
		{name: "key log", client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{KeyLogWriter: io.Discard}}},
			min: tls.VersionTLS12, wantErr: true, reason: "TLS whose session keys are written out protects nothing from whoever reads them"},
		{name: "own randomness", client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{Rand: zeroReader{}}}},
			min: tls.VersionTLS12, wantErr: true, reason: "TLS whose keys come from a reader the caller chose is as secret as that reader (review11)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := securetransport.HardenHTTPClient(tt.client, tt.min, tt.allowOpaque)
			if tt.wantErr {
				var ce *ConfigError
				if !errors.As(err, &ce) {
					t.Fatalf("hardenHTTPClient = %v, want *ConfigError (%s)", err, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("hardenHTTPClient: %v (%s)", err, tt.reason)
			}
			if tt.allowOpaque {
				return
			}
			var tr *http.Transport
			switch c := got.(type) {
			case *awshttp.BuildableClient:
				tr = c.GetTransport()
			case *http.Client:
				tr = c.Transport.(*http.Transport)
			default:
				t.Fatalf("hardened client is %T", got)
			}
			if tr.TLSClientConfig.MinVersion != tt.min {
				t.Errorf("MinVersion = %x, want %x (%s)", tr.TLSClientConfig.MinVersion, tt.min, tt.reason)
			}
			if tt.name == "http.Client" || tt.name == "buildable" {
				if tr.TLSClientConfig.RootCAs != pool || tr.Proxy == nil {
					t.Errorf("RootCAs or Proxy lost (%s)", tt.reason)
				}
			}
		})
	}
	if callerTransport.TLSClientConfig.MinVersion != tls.VersionTLS10 {
		t.Error("hardenHTTPClient modified the caller's transport")
	}
}

// tlsServer starts an httptest TLS server limited to [min, max] whose
// handler counts requests and answers every JSON 1.1 call with "{}".
func tlsServer(t testing.TB, min, max uint16) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		// Read the request as AWS does: a server that answers before the
		// body arrives makes clients drop connections at random, which
		// would skew the benchmarks.
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-RequestId", "req-1")
		w.Write([]byte(`{}`))
	}))
	srv.TLS = &tls.Config{MinVersion: min, MaxVersion: max}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	if min < tls.VersionTLS12 {
		// TLS 1.0/1.1 need CBC suites, which Go no longer offers by default.
		srv.TLS.CipherSuites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &hits
}

// configFor returns an aws.Config that trusts srv's certificate and sends to it.
func configFor(srv *httptest.Server) aws.Config {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "session-token-canary"),
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = &tls.Config{RootCAs: pool}
		}),
		RetryMaxAttempts: 1,
	}
}

func TestTransportTLSFloor(t *testing.T) {
	tests := []struct {
		name     string
		srvMin   uint16
		srvMax   uint16
		policy   uint16
		wantRule string
		wantHits int32
		reason   string
	}{
		{"tls1.1-only server refused", tls.VersionTLS11, tls.VersionTLS11, 0, RuleTLSVersion, 0,
			"the handshake fails before any request byte; the handler never runs"},
		{"tls1.2 server accepted", tls.VersionTLS12, tls.VersionTLS12, 0, "", 1, "TLS 1.2 meets the default floor"},
		{"tls1.3 server accepted", tls.VersionTLS13, tls.VersionTLS13, 0, "", 1, "TLS 1.3 is above the floor"},
		{"tls1.2 server refused by 1.3 floor", tls.VersionTLS12, tls.VersionTLS12, tls.VersionTLS13, RuleTLSVersion, 0,
			"a TLS 1.3 floor refuses a 1.2-only server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, hits := tlsServer(t, tt.srvMin, tt.srvMax)
			client, err := New(configFor(srv), Policy{MinTLSVersion: tt.policy, InsecureSkipPostureChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
			var sg *SafeguardError
			switch {
			case tt.wantRule == "" && err != nil:
				t.Errorf("ListDatasetGroups: %v (%s)", err, tt.reason)
			case tt.wantRule != "" && (!errors.As(err, &sg) || sg.Rule != tt.wantRule):
				t.Errorf("ListDatasetGroups error = %v, want rule %s (%s)", err, tt.wantRule, tt.reason)
			}
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("handler ran %d times, want %d (%s)", got, tt.wantHits, tt.reason)
			}
		})
	}
}

func TestTransportRefusesPlainHTTP(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}

	t.Run("at New", func(t *testing.T) {
		c := cfg.Copy()
		c.BaseEndpoint = aws.String(srv.URL)
		_, err := New(c, Policy{InsecureSkipPostureChecks: true})
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "BaseEndpoint" {
			t.Errorf("New with an http endpoint = %v, want *ConfigError for BaseEndpoint", err)
		}
	})
	t.Run("at New, an endpoint with a path", func(t *testing.T) {
		// Refused here, not call by call at the gate, which holds each
		// request's path to its operation's.
		c := cfg.Copy()
		c.BaseEndpoint = aws.String("https://proxy.example/personalize")
		_, err := New(c, Policy{InsecureSkipPostureChecks: true})
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "BaseEndpoint" {
			t.Errorf("New with an endpoint path = %v, want *ConfigError for BaseEndpoint", err)
		}
	})
	t.Run("per call", func(t *testing.T) {
		client, err := New(cfg, Policy{InsecureSkipPostureChecks: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) {
			o.BaseEndpoint = aws.String(srv.URL)
		})
		var sg *SafeguardError
		if !errors.As(err, &sg) || sg.Rule != RuleHTTPSOnly {
			t.Errorf("per-call http endpoint: %v, want rule %s", err, RuleHTTPSOnly)
		}
	})
	if hits.Load() != 0 {
		t.Errorf("plain-http server saw %d requests, want 0", hits.Load())
	}
}

func TestTransportSwitchesOffWireDumps(t *testing.T) {
	srv, _ := tlsServer(t, tls.VersionTLS12, tls.VersionTLS13)
	cfg := configFor(srv)
	cfg.ClientLogMode = aws.LogRequestWithBody | aws.LogResponseWithBody | aws.LogSigning | aws.LogRetries
	var logged []string
	cfg.Logger = loggerFunc(func(s string) { logged = append(logged, s) })
	client, err := New(cfg, Policy{InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := client.Options().ClientLogMode; got != aws.LogRetries {
		t.Errorf("ClientLogMode = %v, want only LogRetries kept", got)
	}
	// A per-call option turning dumps back on is neutralised too.
	_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) {
		o.ClientLogMode |= aws.LogRequestWithBody | aws.LogResponseWithBody
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logged {
		if containsAnyOf(l, "session-token-canary", "X-Amz-Security-Token", "Authorization") {
			t.Errorf("logged a header dump: %q", l)
		}
	}
	if len(logged) != 1 {
		t.Errorf("logged %d lines, want exactly the one warning: %q", len(logged), logged)
	}
}

// TestTLSRefusalIsNotRetried: a refused handshake is final, even with the
// SDK's default retryer, which retries connection errors.
func TestTLSRefusalIsNotRetried(t *testing.T) {
	srv, hits := tlsServer(t, tls.VersionTLS11, tls.VersionTLS11)
	var hellos atomic.Int32
	base := srv.TLS.Clone()
	srv.TLS.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { hellos.Add(1); return base, nil }
	cfg := configFor(srv)
	cfg.RetryMaxAttempts = 0 // the SDK default: three attempts
	client, err := New(cfg, Policy{InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
	var sg *SafeguardError
	if !errors.As(err, &sg) || sg.Rule != RuleTLSVersion {
		t.Fatalf("err = %v, want rule %s", err, RuleTLSVersion)
	}
	if got := hellos.Load(); got != 1 || hits.Load() != 0 {
		t.Errorf("handshakes = %d, requests = %d; want 1 and 0", got, hits.Load())
	}
}

// TestReplacedAPIOptionsStillRefused: a per-call option that replaces
// APIOptions instead of appending drops the guard's middleware; the guarded
// HTTP client refuses to send what the middleware did not see.
func TestReplacedAPIOptionsStillRefused(t *testing.T) {
	srv, hits := tlsServer(t, tls.VersionTLS12, tls.VersionTLS13)
	client, err := New(configFor(srv), Policy{InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("acct-12345678")},
		func(o *sdk.Options) { o.APIOptions = nil })
	var sg *SafeguardError
	if !errors.As(err, &sg) || sg.Rule != RuleBypassed {
		t.Fatalf("err = %v, want rule %s", err, RuleBypassed)
	}
	if hits.Load() != 0 {
		t.Errorf("the server received %d requests, want 0", hits.Load())
	}
}

func TestRegionMismatch(t *testing.T) {
	srv, hits := tlsServer(t, tls.VersionTLS12, tls.VersionTLS13)
	cfg := configFor(srv)
	g, err := NewGuard(cfg, Policy{InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("client in another Region", func(t *testing.T) {
		client := sdk.NewFromConfig(cfg, func(o *sdk.Options) { o.Region = "eu-west-1" }, g.Option())
		_, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "Region" {
			t.Errorf("err = %v, want *ConfigError for Region", err)
		}
	})
	t.Run("per-call Region", func(t *testing.T) {
		client := sdk.NewFromConfig(cfg, g.Option())
		_, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) { o.Region = "eu-west-1" })
		var sg *SafeguardError
		if !errors.As(err, &sg) || sg.Rule != RuleRegionMismatch {
			t.Errorf("err = %v, want rule %s", err, RuleRegionMismatch)
		}
	})
	if hits.Load() != 0 {
		t.Errorf("the server received %d requests, want 0", hits.Load())
	}
}

// TestDescriberIsHardened: the client the guard builds for its own
// DescribeDataset calls gets the caller's options and then the transport
// rules again, so an option cannot weaken it.
func TestDescriberIsHardened(t *testing.T) {
	weak := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}}
	g, err := newGuard(aws.Config{Region: testRegion}, Policy{KMSClient: nopKMS{}, S3Client: nopS3{}}, []func(*sdk.Options){
		func(o *sdk.Options) { o.HTTPClient = weak; o.ClientLogMode = aws.LogSigning | aws.LogRequestWithBody },
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := g.describer.(*sdk.Client).Options()
	tr := opts.HTTPClient.(securetransport.TLSClient).Next.(*http.Client).Transport.(*http.Transport)
	if tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || opts.ClientLogMode != 0 {
		t.Errorf("describer MinVersion = %#x, ClientLogMode = %v; want TLS 1.2 and no dumps", tr.TLSClientConfig.MinVersion, opts.ClientLogMode)
	}
}

func TestSecondGuardRefused(t *testing.T) {
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	g1 := testGuard(t, Policy{})
	g2 := testGuard(t, Policy{AllowedOutputBuckets: []string{"approved-bucket"}})
	client := sdk.NewFromConfig(cfg, g1.Option(), g2.Option())
	_, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "APIOptions" {
		t.Errorf("two guards on one client: %v, want *ConfigError for APIOptions", err)
	}
}

// zeroReader reads zeros: the predictable randomness a tls.Config.Rand may
// hold.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
