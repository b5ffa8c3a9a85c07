package personalizetest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// operations returns "service operation" for each logged request.
func operations(s *personalizetest.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Service+" "+r.Operation)
	}
	return out
}

func TestOneEndpointServesThreeServices(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	cfg := s.Config()
	if _, err := kms.NewFromConfig(cfg).ListKeys(ctx, &kms.ListKeysInput{}); err != nil {
		t.Fatalf("KMS ListKeys() = %v", err)
	}
	if _, err := s3.NewFromConfig(cfg).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("routing")}); err != nil {
		t.Fatalf("S3 CreateBucket() = %v", err)
	}
	if _, err := personalize.NewFromConfig(cfg).ListDatasetGroups(ctx, &personalize.ListDatasetGroupsInput{}); err != nil {
		t.Fatalf("Personalize ListDatasetGroups() = %v", err)
	}
	want := []string{"kms ListKeys", "s3 CreateBucket", "personalize ListDatasetGroups"}
	if diff := cmp.Diff(want, operations(s)); diff != "" {
		t.Errorf("request log mismatch (-want +got):\n%s", diff)
	}
}

func TestConfig(t *testing.T) {
	s := personalizetest.New(t)
	cfg := s.Config()
	if cfg.Region != personalizetest.Region || aws.ToString(cfg.BaseEndpoint) != s.URL() || cfg.RetryMaxAttempts != 1 {
		t.Errorf("Config() = Region %q, BaseEndpoint %q, RetryMaxAttempts %d; want %q, %q, 1", cfg.Region, aws.ToString(cfg.BaseEndpoint), cfg.RetryMaxAttempts, personalizetest.Region, s.URL())
	}
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") {
		t.Errorf("URL() = %q, want https://127.0.0.1:PORT", s.URL())
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != personalizetest.AccessKeyID {
		t.Errorf("Config().Credentials = %v, %v; want the static test credentials", creds.AccessKeyID, err)
	}
	// Each Config is independent: changing one does not change the next.
	cfg.Region = "eu-west-1"
	if s.Config().Region != personalizetest.Region {
		t.Errorf("Config() shares state between calls")
	}
}

func TestS3UsesPathStyle(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := s3.NewFromConfig(s.Config())
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("paths")}); err != nil {
		t.Fatalf("CreateBucket() = %v", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("paths"), Key: aws.String("dir/obj.csv"), Body: strings.NewReader("a,b\n")}); err != nil {
		t.Fatalf("PutObject() = %v", err)
	}
	host := strings.TrimPrefix(s.URL(), "https://")
	for _, r := range s.Requests() {
		if !strings.HasPrefix(r.URL, "/paths") || r.Host != host {
			t.Errorf("%s went to host %q path %q, want path-style %s/paths/...", r.Operation, r.Host, r.URL, host)
		}
	}
}

func TestCertificates(t *testing.T) {
	s := personalizetest.New(t)
	block, _ := pem.Decode(s.CACertPEM())
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("CACertPEM() is not a PEM certificate")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !ca.IsCA {
		t.Fatalf("CACertPEM() = %v, %v; want a CA certificate", ca, err)
	}
	pem := s.CACertPEM()
	pem[0] = 'X' // the caller's copy only
	if _, err := tls.Dial("tcp", strings.TrimPrefix(s.URL(), "https://"), &tls.Config{RootCAs: s.CertPool()}); err != nil {
		t.Errorf("a client trusting CertPool() cannot connect: %v", err)
	}
	if _, err := tls.Dial("tcp", strings.TrimPrefix(s.URL(), "https://"), &tls.Config{}); err == nil {
		t.Errorf("a client trusting only system roots connected; want a verification error")
	}
	other := personalizetest.New(t)
	if _, err := tls.Dial("tcp", strings.TrimPrefix(s.URL(), "https://"), &tls.Config{RootCAs: other.CertPool()}); err == nil {
		t.Errorf("another Server's CA is trusted; each Server must have its own")
	}
}

// permissiveClient accepts every TLS version and secure suite Go has.
func permissiveClient(s *personalizetest.Server) *http.Client {
	var suites []uint16
	for _, cs := range tls.CipherSuites() {
		suites = append(suites, cs.ID)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: s.CertPool(), MinVersion: tls.VersionTLS10, CipherSuites: suites,
	}}}
}

func TestTLSVersions(t *testing.T) {
	tests := []struct {
		reason        string
		opts          []func(*personalizetest.Options)
		clientMin     uint16
		clientMax     uint16
		wantVersion   uint16
		wantHandshake bool
	}{
		{"default endpoint, TLS 1.3 client", nil, tls.VersionTLS12, tls.VersionTLS13, tls.VersionTLS13, true},
		{"default endpoint, TLS 1.2-only client", nil, tls.VersionTLS12, tls.VersionTLS12, tls.VersionTLS12, true},
		{"default endpoint refuses TLS 1.1", nil, tls.VersionTLS10, tls.VersionTLS11, 0, false},
		{"TLS 1.1 endpoint, permissive client", []func(*personalizetest.Options){func(o *personalizetest.Options) {
			o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
		}}, tls.VersionTLS10, tls.VersionTLS13, tls.VersionTLS11, true},
		{"TLS 1.1 endpoint, TLS 1.2+ client", []func(*personalizetest.Options){func(o *personalizetest.Options) {
			o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
		}}, tls.VersionTLS12, tls.VersionTLS13, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			s := personalizetest.New(t, tt.opts...)
			c := permissiveClient(s)
			tr := c.Transport.(*http.Transport)
			tr.TLSClientConfig.MinVersion, tr.TLSClientConfig.MaxVersion = tt.clientMin, tt.clientMax
			req, _ := http.NewRequest(http.MethodPost, s.URL(), strings.NewReader("{}"))
			req.Header.Set("X-Amz-Target", "AmazonPersonalize.ListSchemas")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			resp, err := c.Do(req)
			if !tt.wantHandshake {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("request succeeded with TLS %#x, want a handshake failure", resp.TLS.Version)
				}
				if n := len(s.Requests()); n != 0 {
					t.Errorf("handler ran %d times after a refused handshake, want 0", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("request failed: %v", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.TLS.Version != tt.wantVersion {
				t.Errorf("got %d over TLS %#x, want 200 over %#x", resp.StatusCode, resp.TLS.Version, tt.wantVersion)
			}
			if reqs := s.Requests(); len(reqs) != 1 || reqs[0].TLSVersion != tt.wantVersion {
				t.Errorf("request log = %+v, want one request with TLS %#x", reqs, tt.wantVersion)
			}
		})
	}
}

func TestSDKRefusesTLS11Endpoint(t *testing.T) {
	s := personalizetest.New(t, func(o *personalizetest.Options) {
		o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
	})
	_, err := personalize.NewFromConfig(s.Config()).ListDatasetGroups(context.Background(), &personalize.ListDatasetGroupsInput{})
	if err == nil {
		t.Fatalf("the SDK client reached a TLS 1.1-only endpoint")
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("handler ran %d times, want 0", n)
	}
}

func TestStartErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		reason string
		ctx    context.Context
		opts   []func(*personalizetest.Options)
	}{
		{"min above max", context.Background(), []func(*personalizetest.Options){func(o *personalizetest.Options) {
			o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS13, tls.VersionTLS12
		}}},
		{"not a TLS version", context.Background(), []func(*personalizetest.Options){func(o *personalizetest.Options) { o.MinTLSVersion, o.MaxTLSVersion = 0x0200, tls.VersionTLS12 }}},
		{"negative steps", context.Background(), []func(*personalizetest.Options){func(o *personalizetest.Options) { o.StatusSteps = -1 }}},
		{"canceled context", canceled, nil},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			s, err := personalizetest.Start(tt.ctx, tt.opts...)
			if err == nil {
				s.Close()
				t.Fatalf("Start() = nil error, want one")
			}
			if tt.ctx == canceled && !errors.Is(err, context.Canceled) {
				t.Errorf("Start() = %v, want context.Canceled", err)
			}
		})
	}
}

func TestClose(t *testing.T) {
	s, err := personalizetest.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := kms.NewFromConfig(s.Config())
	if _, err := c.ListKeys(context.Background(), &kms.ListKeysInput{}); err != nil {
		t.Fatalf("ListKeys() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	if _, err := c.ListKeys(context.Background(), &kms.ListKeysInput{}); err == nil {
		t.Errorf("ListKeys() after Close succeeded")
	}
}
