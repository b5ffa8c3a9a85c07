package pseudonym_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// TestKMSTransportRules: GenerateDataKey's and Decrypt's responses carry the
// plaintext pseudonym key, so GenerateKey and LoadKey hold their KMS calls
// to the guarded clients' transport rules, whatever the caller's KMS
// client or per-call options say: an http endpoint or a TLS version below
// 1.2 is refused before a request byte is sent.
func TestKMSTransportRules(t *testing.T) {
	ctx := context.Background()
	var plainRequests atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		plainRequests.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(plain.Close)
	old := personalizetest.New(t, func(o *personalizetest.Options) {
		o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
	})
	env := newKMSEnv(t)
	sealed, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 1)
	if err != nil {
		t.Fatal(err)
	}
	httpEndpoint := func(o *kms.Options) { o.BaseEndpoint = aws.String(plain.URL) }
	tests := []struct {
		name   string
		client *kms.Client
		optFns []func(*kms.Options)
		field  string // the ArgumentError's refused field, or "" for a TLS refusal
	}{
		{"client with an http endpoint", kms.NewFromConfig(env.srv.Config(), httpEndpoint), nil, "BaseEndpoint"},
		{"per-call http endpoint", env.client, []func(*kms.Options){httpEndpoint}, "BaseEndpoint"},
		{"per-call DisableHTTPS", env.client, []func(*kms.Options){func(o *kms.Options) { o.EndpointOptions.DisableHTTPS = true }}, "EndpointOptions.DisableHTTPS"},
		{"per-call HTTP client that skips verification", env.client, []func(*kms.Options){func(o *kms.Options) {
			o.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		}}, "HTTPClient"},
		{"client allowing TLS 1.0, endpoint offering TLS 1.1 only", kms.NewFromConfig(old.Config(), func(o *kms.Options) {
			o.HTTPClient = o.HTTPClient.(*awshttp.BuildableClient).WithTransportOptions(func(tr *http.Transport) { tr.TLSClientConfig.MinVersion = tls.VersionTLS10 })
		}), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.srv.ResetRequests()
			old.ResetRequests()
			plainRequests.Store(0)
			gen, genErr := pseudonym.GenerateKey(ctx, tt.client, env.keyA, 2, tt.optFns...)
			key, loadErr := pseudonym.LoadKey(ctx, tt.client, env.keyA, 1, sealed, tt.optFns...)
			if gen != nil || key != nil {
				t.Errorf("GenerateKey = %v, LoadKey = %v; want no key from either", gen, key)
			}
			for name, err := range map[string]error{"GenerateKey": genErr, "LoadKey": loadErr} {
				if tt.field != "" {
					var ae *pseudonym.ArgumentError
					var ce *guarderr.ConfigError
					if !errors.As(err, &ae) || ae.Field != "client" || !errors.As(err, &ce) || ce.Field != tt.field {
						t.Errorf("%s = %v, want an *ArgumentError for the client wrapping a *ConfigError for %s", name, err, tt.field)
					}
				} else if sg := (*guarderr.SafeguardError)(nil); !errors.As(err, &sg) || sg.Rule != guarderr.RuleTLSVersion {
					t.Errorf("%s = %v, want a refusal with rule %s", name, err, guarderr.RuleTLSVersion)
				}
				if err != nil && strings.Contains(err.Error(), plain.URL) {
					t.Errorf("%s's error quotes the endpoint: %v", name, err)
				}
			}
			if n := plainRequests.Load() + int32(len(env.srv.Requests())+len(old.Requests())); n != 0 {
				t.Errorf("%d KMS requests were sent, want 0", n)
			}
		})
	}
}

// TestKMSCallsSkipCallerHooks: the caller's middleware and interceptors,
// on the KMS client or per call, do not run on GenerateKey's and LoadKey's
// calls, whose responses carry the plaintext key; the calls still succeed.
func TestKMSCallsSkipCallerHooks(t *testing.T) {
	ctx := context.Background()
	env := newKMSEnv(t)
	var ran atomic.Int32
	hook := func(o *kms.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("Test:SeesResponses", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
				middleware.DeserializeOutput, middleware.Metadata, error,
			) {
				ran.Add(1)
				return next.HandleDeserialize(ctx, in)
			}), middleware.Before)
		})
		o.Interceptors.AddAfterDeserialization(afterDeserialization(func() { ran.Add(1) }))
	}
	hooked := kms.NewFromConfig(env.srv.Config(), hook)
	for _, tt := range []struct {
		name   string
		client *kms.Client
		optFns []func(*kms.Options)
	}{
		{"hooks on the client", hooked, nil},
		{"hooks per call", env.client, []func(*kms.Options){hook}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ran.Store(0)
			sealed, err := pseudonym.GenerateKey(ctx, tt.client, env.keyA, 1, tt.optFns...)
			if err != nil {
				t.Fatalf("GenerateKey = %v", err)
			}
			if _, err := pseudonym.LoadKey(ctx, tt.client, env.keyA, 1, sealed, tt.optFns...); err != nil {
				t.Fatalf("LoadKey = %v", err)
			}
			if n := ran.Load(); n != 0 {
				t.Errorf("the caller's hooks ran %d times on the key calls, want 0", n)
			}
		})
	}
	// The same hooks do run on the client's other calls.
	ran.Store(0)
	if _, err := hooked.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(env.keyA)}); err != nil {
		t.Fatal(err)
	}
	if ran.Load() == 0 {
		t.Error("the hooks did not run on DescribeKey: the test does not test them")
	}
}

type afterDeserialization func()

func (f afterDeserialization) AfterDeserialization(context.Context, *smithyhttp.InterceptorContext) error {
	f()
	return nil
}
