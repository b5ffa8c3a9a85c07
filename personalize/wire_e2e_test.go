package personalize_test

// The wire gate, end to end: whatever runs after the guard's Initialize
// checks — interceptors, config-level and per-call middleware at every step
// and position, a per-call HTTP client — the request that leaves is the
// request that was checked, or nothing leaves.

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

const canaryEmail = "jane.doe@example.com"

// mutation is what a hook does to a CreateDatasetGroup call, at the level of
// the input struct or of the serialized request.
type mutation struct {
	name    string
	params  func(*sdk.CreateDatasetGroupInput)
	body    func(map[string]any)
	request func(*smithyhttp.Request) // for URL changes
	// rawBody, when set, is put on the request's embedded *http.Request,
	// outside the stream the SDK serializes into.
	rawBody string
	// What the guard answers when it sees the change, and when the change
	// comes after the gate (RuleRequestChanged).
	rule, field string
}

var mutations = []mutation{
	{
		name: "auto-tagger adds an owner e-mail",
		params: func(in *sdk.CreateDatasetGroupInput) {
			in.Tags = append(in.Tags, types.Tag{TagKey: aws.String("owner"), TagValue: aws.String(canaryEmail)})
		},
		body: func(m map[string]any) {
			m["tags"] = []any{map[string]any{"tagKey": "owner", "tagValue": canaryEmail}}
		},
		rule: "sensitive.email", field: "Tags[0].TagValue",
	},
	{
		name:   "hook clears the injected key",
		params: func(in *sdk.CreateDatasetGroupInput) { in.KmsKeyArn = nil },
		body:   func(m map[string]any) { delete(m, "kmsKeyArn") },
		rule:   personalize.RuleKMSKeyMissing, field: "KmsKeyArn",
	},
	{
		name:    "hook rewrites the URL to http",
		request: func(r *smithyhttp.Request) { r.URL.Scheme = "http" },
		rule:    personalize.RuleHTTPSOnly,
	},
	{
		// net/http sends a name as the map has it: a second signature
		// beside the one the signer check reads.
		name: "hook adds a lower-case authorization header",
		request: func(r *smithyhttp.Request) {
			r.Header["authorization"] = []string{"AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261130/us-east-1/personalize/aws4_request, " +
				"SignedHeaders=host, Signature=" + strings.Repeat("0", 64)}
		},
		rule: personalize.RuleRequestChanged, field: "header",
	},
	{
		name:    "hook puts a body beside the stream",
		rawBody: `{"name":"movies","tags":[{"tagKey":"owner","tagValue":"` + canaryEmail + `"}]}`,
		rule:    personalize.RuleBodyUnchecked,
	},
}

// apply runs m on whatever a hook point holds: the input or the request. It
// acts on CreateDatasetGroup only, as a tagger acting on Create* calls would.
func (m mutation) apply(ctx context.Context, params any, req *smithyhttp.Request) (*smithyhttp.Request, error) {
	if middleware.GetOperationName(ctx) != "CreateDatasetGroup" {
		return req, nil
	}
	if req == nil {
		if in, ok := params.(*sdk.CreateDatasetGroupInput); ok && m.params != nil {
			m.params(in)
		}
		return nil, nil
	}
	if m.request != nil {
		m.request(req)
		return req, nil
	}
	if m.rawBody != "" {
		req.Request.Body = io.NopCloser(strings.NewReader(m.rawBody))
		return req, nil
	}
	b, err := io.ReadAll(req.GetStream())
	if err != nil {
		return nil, err
	}
	// Leave the original as found: at some hook points it is not the
	// request the attempt sends, but it shares the body stream.
	if err := req.RewindStream(); err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	m.body(doc)
	nb, _ := json.Marshal(doc)
	out, err := req.SetStream(bytes.NewReader(nb))
	if err != nil {
		return nil, err
	}
	out.ContentLength = int64(len(nb))
	return out, nil
}

// hookPoint installs a mutation at one place the SDK offers.
type hookPoint struct {
	name string
	// install changes cfg (interceptors, config-level APIOptions) or
	// returns per-call options.
	install func(cfg *aws.Config, m mutation) []func(*sdk.Options)
	// params is true where the hook holds the input struct, not a request.
	params bool
	// before is true where the hook runs before the guard's Initialize
	// checks, which then see (and repair or refuse) the change.
	before bool
	// beforeEndpoint is true where the SDK sets the URL after the hook, so
	// a URL change there has no effect.
	beforeEndpoint bool
	// inert is true where a change cannot reach the request: interceptors
	// after the retry loop hold the request as it was before the attempt's
	// copy (smithy-go v1.28.9).
	inert bool
}

// interceptor adapts one function to every interceptor interface.
type interceptor func(ctx context.Context, in *smithyhttp.InterceptorContext) error

func (f interceptor) BeforeExecution(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}
func (f interceptor) BeforeSerialization(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}
func (f interceptor) AfterSerialization(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}
func (f interceptor) BeforeRetryLoop(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}
func (f interceptor) BeforeAttempt(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}
func (f interceptor) BeforeSigning(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}
func (f interceptor) AfterSigning(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}
func (f interceptor) BeforeTransmit(ctx context.Context, in *smithyhttp.InterceptorContext) error {
	return f(ctx, in)
}

func mutating(m mutation) interceptor {
	return func(ctx context.Context, in *smithyhttp.InterceptorContext) error {
		if in.Request == nil {
			_, err := m.apply(ctx, in.Input, nil)
			return err
		}
		out, err := m.apply(ctx, nil, in.Request)
		if err == nil {
			*in.Request = *out
		}
		return err
	}
}

func interceptorPoint(name string, add func(*smithyhttp.InterceptorRegistry, interceptor), params bool) hookPoint {
	inert := name == "BeforeAttempt" || name == "BeforeSigning" || name == "AfterSigning" || name == "BeforeTransmit"
	before := name == "AfterSerialization" || name == "BeforeRetryLoop"
	return hookPoint{name: "Interceptors." + name, params: params, inert: inert, beforeEndpoint: before, install: func(cfg *aws.Config, m mutation) []func(*sdk.Options) {
		add(&cfg.Interceptors, mutating(m))
		return nil
	}}
}

// stepMiddleware returns an APIOptions function adding a middleware that
// applies m at step, at pos.
func stepMiddleware(step string, pos middleware.RelativePosition, m mutation) func(*middleware.Stack) error {
	const id = "Test:Mutate"
	return func(s *middleware.Stack) error {
		switch step {
		case "Initialize":
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc(id, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if _, err := m.apply(ctx, in.Parameters, nil); err != nil {
					return middleware.InitializeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleInitialize(ctx, in)
			}), pos)
		case "Serialize":
			return s.Serialize.Add(middleware.SerializeMiddlewareFunc(id, func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
				req, _ := in.Request.(*smithyhttp.Request)
				if pos == middleware.Before {
					req = nil // the body is not written yet: change the input
				}
				out, err := m.apply(ctx, in.Parameters, req)
				if err != nil {
					return middleware.SerializeOutput{}, middleware.Metadata{}, err
				}
				if out != nil {
					in.Request = out
				}
				return next.HandleSerialize(ctx, in)
			}), pos)
		case "Build":
			return s.Build.Add(middleware.BuildMiddlewareFunc(id, func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				out, err := m.apply(ctx, nil, in.Request.(*smithyhttp.Request))
				if err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, err
				}
				in.Request = out
				return next.HandleBuild(ctx, in)
			}), pos)
		case "Finalize":
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc(id, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				out, err := m.apply(ctx, nil, in.Request.(*smithyhttp.Request))
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				in.Request = out
				return next.HandleFinalize(ctx, in)
			}), pos)
		default:
			return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc(id, func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, err := m.apply(ctx, nil, in.Request.(*smithyhttp.Request))
				if err != nil {
					return middleware.DeserializeOutput{}, middleware.Metadata{}, err
				}
				in.Request = out
				return next.HandleDeserialize(ctx, in)
			}), pos)
		}
	}
}

func hookPoints() []hookPoint {
	points := []hookPoint{
		interceptorPoint("BeforeExecution", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddBeforeExecution(f) }, true),
		interceptorPoint("BeforeSerialization", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddBeforeSerialization(f) }, true),
		interceptorPoint("AfterSerialization", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddAfterSerialization(f) }, false),
		interceptorPoint("BeforeRetryLoop", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddBeforeRetryLoop(f) }, false),
		interceptorPoint("BeforeAttempt", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddBeforeAttempt(f) }, false),
		interceptorPoint("BeforeSigning", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddBeforeSigning(f) }, false),
		interceptorPoint("AfterSigning", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddAfterSigning(f) }, false),
		interceptorPoint("BeforeTransmit", func(r *smithyhttp.InterceptorRegistry, f interceptor) { r.AddBeforeTransmit(f) }, false),
	}
	for _, step := range []string{"Initialize", "Serialize", "Build", "Finalize", "Deserialize"} {
		for _, pos := range []middleware.RelativePosition{middleware.Before, middleware.After} {
			posName := map[middleware.RelativePosition]string{middleware.Before: "Before", middleware.After: "After"}[pos]
			params := step == "Initialize" || step == "Serialize" && pos == middleware.Before
			beforeEndpoint := step != "Deserialize" && !(step == "Finalize" && pos == middleware.After)
			points = append(points,
				hookPoint{name: "config APIOptions " + step + "/" + posName, params: params, beforeEndpoint: beforeEndpoint,
					install: func(cfg *aws.Config, m mutation) []func(*sdk.Options) {
						cfg.APIOptions = append(cfg.APIOptions, stepMiddleware(step, pos, m))
						return nil
					}},
				hookPoint{name: "per-call APIOptions " + step + "/" + posName, params: params, beforeEndpoint: beforeEndpoint,
					// Per-call options come after the guard's: Add(Before)
					// on Initialize puts the hook before the guard's checks;
					// Add(After) on Deserialize puts it after the gate, which
					// sends the request itself: the hook never runs.
					before: step == "Initialize" && pos == middleware.Before,
					inert:  step == "Deserialize" && pos == middleware.After,
					install: func(_ *aws.Config, m mutation) []func(*sdk.Options) {
						return []func(*sdk.Options){func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, stepMiddleware(step, pos, m)) }}
					}},
			)
		}
	}
	return points
}

// newEnvWith is newEnv with the aws.Config changed first.
func newEnvWith(t *testing.T, p personalize.Policy, change func(*aws.Config), sceneOpts ...func(*personalizetest.SceneOptions)) *env {
	t.Helper()
	e := newEnv(t, p, sceneOpts...)
	cfg := guardedConfig(e.srv)
	change(&cfg)
	p.Logger = newAuditLogger(lockedBuilder{e.mu, e.audit})
	p.KMSKeyARN, p.RoleARN = e.scene.KeyARN, e.scene.RoleARN
	client, err := personalize.New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	e.client = client
	e.srv.ResetRequests()
	return e
}

// TestWireGateEveryHook: a hook at every point the SDK offers applies each
// mutation to a CreateDatasetGroup. Either the guard refuses the call with
// the rule and field, nothing reaching the emulated AWS and no value echoed,
// or the mutation had no effect on the wire (the SDK rebuilds the URL after
// some hook points, and a BeforeAttempt interceptor sees a request the
// attempt no longer uses): the request then carries the injected key, no
// canary, and went over TLS.
func TestWireGateEveryHook(t *testing.T) {
	var cases, refused int
	for _, hp := range hookPoints() {
		for _, m := range mutations {
			if hp.params && m.params == nil {
				continue // a URL exists only once the request is built
			}
			cases++
			name := fmt.Sprintf("movies-%d", cases)
			t.Run(hp.name+"/"+m.name, func(t *testing.T) {
				var callOpts []func(*sdk.Options)
				e := newEnvWith(t, personalize.Policy{}, func(cfg *aws.Config) { callOpts = hp.install(cfg, m) })
				_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String(name)}, callOpts...)
				if err == nil {
					if e.srv.Seen(canaryEmail) || !e.srv.Seen(e.scene.KeyARN) || !e.srv.Seen(name) {
						t.Fatalf("the call went through changed: canary seen %v, key on the wire %v", e.srv.Seen(canaryEmail), e.srv.Seen(e.scene.KeyARN))
					}
					if !hp.inert && !(m.request != nil && hp.beforeEndpoint) && !(hp.before && m.name == "hook clears the injected key") {
						t.Fatalf("the mutation had no effect here, but it should have (and been refused)")
					}
					return
				}
				refused++
				e.requireRefused(t, err, m.field, m.rule, canaryEmail)
				if e.srv.Seen(name) {
					t.Errorf("the emulated AWS received the refused request")
				}
				events := parseAudit(t, e.auditLog())
				if len(events) != 1 || events[0].Outcome != personalize.OutcomeRejected {
					t.Errorf("audit events = %+v, want one rejection", events)
				}
			})
		}
	}
	t.Logf("%d hook cases, %d refused, the rest had no effect on the wire", cases, refused)
	if cases < 60 || refused < 45 {
		t.Errorf("%d hook cases, %d refused: want every hook point with every mutation, most of them effective", cases, refused)
	}
}

// TestWireGateSafeRequestOnTheWire: with hooks that change nothing, the
// request goes through, and the emulator receives the injected key and role.
func TestWireGateSafeRequestOnTheWire(t *testing.T) {
	noop := mutation{params: func(*sdk.CreateDatasetGroupInput) {}, body: func(map[string]any) {}}
	for _, hp := range hookPoints() {
		t.Run(hp.name, func(t *testing.T) {
			var callOpts []func(*sdk.Options)
			e := newEnvWith(t, personalize.Policy{}, func(cfg *aws.Config) { callOpts = hp.install(cfg, noop) })
			if _, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, callOpts...); err != nil {
				t.Fatalf("CreateDatasetGroup through a hook that changes nothing = %v", err)
			}
			if !e.srv.Seen(e.scene.KeyARN) || !e.srv.Seen(e.scene.RoleARN) {
				t.Error("the injected key and role are not on the wire")
			}
		})
	}
}

// TestPerCallHTTPClientIsNeverUsed: the gate sends each checked request
// through the client the guard hardened at construction, so a per-call
// HTTPClient — one that allows TLS 1.1, skips certificate checks, rewrites
// URLs, or fakes answers — is never handed a request. Against a TLS 1.1
// endpoint the call is refused with nothing sent; against the emulator it
// goes through the guard's transport.
func TestPerCallHTTPClientIsNeverUsed(t *testing.T) {
	legacy := personalizetest.New(t, func(o *personalizetest.Options) {
		o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
	})
	var used atomic.Int32
	clients := []struct {
		name   string
		client func() aws.HTTPClient
	}{
		{"allows TLS 1.1", func() aws.HTTPClient {
			return countingClient(&used, &http.Client{Transport: &http.Transport{TLSClientConfig: legacyTLS(legacy)}})
		}},
		{"skips verification", func() aws.HTTPClient {
			return countingClient(&used, &http.Client{Transport: &http.Transport{TLSClientConfig: insecureTLS()}})
		}},
		{"a fake that answers without the network", func() aws.HTTPClient {
			return countingClient(&used, smithyhttp.ClientDoFunc(func(*http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}"))}, nil
			}))
		}},
	}
	for _, c := range clients {
		t.Run(c.name+"/TLS 1.1 endpoint", func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			legacy.ResetRequests()
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")},
				func(o *sdk.Options) { o.HTTPClient = c.client(); o.BaseEndpoint = aws.String(legacy.URL()) })
			e.requireRefused(t, err, "", personalize.RuleTLSVersion)
			if n := len(legacy.Requests()); n != 0 {
				t.Errorf("the TLS 1.1 endpoint received %d requests", n)
			}
		})
		t.Run(c.name+"/the emulator", func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			if _, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")},
				func(o *sdk.Options) { o.HTTPClient = c.client() }); err != nil {
				t.Fatalf("CreateDatasetGroup = %v, want it sent through the guard's transport", err)
			}
			for _, r := range e.srv.Requests() {
				if r.TLSVersion < tls.VersionTLS12 {
					t.Errorf("%s %s arrived over %s", r.Service, r.Operation, tls.VersionName(r.TLSVersion))
				}
			}
		})
	}
	if n := used.Load(); n != 0 {
		t.Errorf("per-call HTTP clients were handed %d requests, want none", n)
	}
}

// countingClient counts the requests a client is handed.
func countingClient(n *atomic.Int32, c aws.HTTPClient) aws.HTTPClient {
	return smithyhttp.ClientDoFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return c.Do(r)
	})
}

// TestRefusedClientStaysRefused: NewGuard + Option on a config the guard
// cannot secure fails every call; removing the guard's middleware per call
// does not turn it into a working, unsecured client, and the refusal is
// audited.
func TestRefusedClientStaysRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(*aws.Config)
		field  string
	}{
		{"certificate checks skipped", func(cfg *aws.Config) {
			cfg.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: insecureTLS()}}
		}, "HTTPClient"},
		{"another Region", func(cfg *aws.Config) { cfg.Region = "eu-west-1" }, "Region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			g, err := personalize.NewGuard(e.srv.Config(), personalize.Policy{Logger: newAuditLogger(lockedBuilder{e.mu, e.audit}), InsecureSkipPostureChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			cfg := e.srv.Config()
			tt.change(&cfg)
			client := sdk.NewFromConfig(cfg, g.Option())
			_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) { o.APIOptions = nil })
			sg := e.requireRefused(t, err, "", personalize.RuleClientRefused, "eu-west-1")
			var ce *personalize.ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Errorf("error = %v, want the *ConfigError for %s inside", err, tt.field)
			}
			if len(e.srv.Requests()) != 0 {
				t.Errorf("the emulator received %d requests", len(e.srv.Requests()))
			}
			events := parseAudit(t, e.auditLog())
			if len(events) != 1 || events[0].Rule != sg.Rule {
				t.Errorf("audit events = %+v, want one for rule %s", events, sg.Rule)
			}
		})
	}
}

// TestBypassIsAudited: a call whose APIOptions were replaced reaches the
// guard's HTTP client unchecked; it is refused and, though the audit
// middleware never ran, an audit event records it.
func TestBypassIsAudited(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) { o.APIOptions = nil })
	e.requireRefused(t, err, "", personalize.RuleBypassed)
	events := parseAudit(t, e.auditLog())
	if len(events) != 1 || events[0].Outcome != personalize.OutcomeRejected || events[0].Rule != personalize.RuleBypassed {
		t.Errorf("audit events = %+v, want one rejection for %s", events, personalize.RuleBypassed)
	}
}

// TestRegionMismatchNamesNoRegion: the per-call Region is refused without
// quoting it.
func TestRegionMismatchNamesNoRegion(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) { o.Region = "ap-southeast-7" })
	e.requireRefused(t, err, "", personalize.RuleRegionMismatch, "ap-southeast-7", e.srv.URL())
}

// legacyTLS is a client TLS config that accepts srv's TLS 1.1 and trusts it.
func legacyTLS(srv *personalizetest.Server) *tls.Config {
	return &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS11,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA}}
}

func insecureTLS() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the point of the test
}

// TestEncodedS3Locations: a percent-encoded e-mail in an s3:// key is read
// decoded; an encoded presigned query is refused before the guard's own S3
// checks could carry it to S3.
func TestEncodedS3Locations(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()
	_, err := e.client.CreateDatasetExportJob(ctx, &sdk.CreateDatasetExportJobInput{
		JobName:    aws.String("export-1"),
		DatasetArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/movies/INTERACTIONS"),
		RoleArn:    aws.String(e.scene.RoleARN),
		JobOutput:  &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://" + e.scene.Bucket + "/users/jane.doe%40example.com/")}},
	})
	e.requireRefused(t, err, "JobOutput.S3DataDestination.Path", "sensitive.email", "jane.doe")

	in := importInput(e, "import-1")
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/interactions.csv%3FX-Amz-Signature%3Dhunter2hunter2")
	_, err = e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DataSource.DataLocation", "s3.location.query", "hunter2")
	for _, r := range e.srv.Requests() {
		if r.Service == personalizetest.ServiceS3 {
			t.Errorf("the guard sent S3 %s for a refused location", r.Operation)
		}
	}
}

// TestARNFieldsChecked: ARN fields match the model's pattern and their
// resource part goes through the detector, before any call — the caller's
// or the guard's own DescribeDataset.
func TestARNFieldsChecked(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()
	_, err := e.client.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/" + canaryEmail)})
	e.requireRefused(t, err, "DatasetGroupArn", "sensitive.email", canaryEmail)

	_, err = e.client.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("dataset-group/movies")})
	e.requireRefused(t, err, "DatasetGroupArn", personalize.RulePattern)

	in := importInput(e, "import-1")
	in.DatasetArn = aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/" + canaryEmail + "/INTERACTIONS")
	_, err = e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DatasetArn", "sensitive.email", canaryEmail)
	if calls := e.personalizeCalls(); len(calls) != 0 {
		t.Errorf("Personalize received %v; the guard must not describe an unchecked ARN", calls)
	}
}

// TestOversizedValueRefusedByLength: a 10 MiB e-mail-like Name is refused
// by the model's length before the detector reads it (the rule says so:
// the detector would have said sensitive.email).
func TestOversizedValueRefusedByLength(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	huge := strings.Repeat("a.", 5<<20) + "@example.com"
	_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String(huge)})
	e.requireRefused(t, err, "Name", personalize.RuleNamePattern)
}

// TestReportOnlyEndToEnd: in report-only mode the call goes on and the audit
// event lists each violation once (the Initialize check and the wire gate
// see the same field); the guard's own S3 and Personalize reads never carry
// a value that failed its checks, although the caller's request does.
func TestReportOnlyEndToEnd(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: true})
	ctx := context.Background()
	if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("acct-12345678")}); err != nil {
		t.Fatalf("report-only CreateDatasetGroup = %v, want it sent", err)
	}
	// A name both too long and holding an e-mail: both are reported (the
	// emulator may refuse the name; the guard must not).
	_, _ = e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies " + canaryEmail + " " + strings.Repeat("x", 64))})
	in := importInput(e, "import-1")
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/users/jane.doe%40example.com/interactions.csv")
	in.DatasetArn = aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/" + canaryEmail + "/INTERACTIONS")
	_, _ = e.client.CreateDatasetImportJob(ctx, in) // the emulator may refuse the unknown dataset; the guard must not
	var got [][]string
	for _, ev := range parseAudit(t, e.auditLog()) {
		got = append(got, ev.ReportOnly)
	}
	want := [][]string{
		{"sensitive.account-number at Name"},
		{personalize.RuleNamePattern + " at Name", "sensitive.email at Name"},
		{"sensitive.email at DatasetArn", "sensitive.email at DataSource.DataLocation", personalize.RuleDatasetGroupLookup + " at DatasetArn"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report_only of the audit events (-want +got):\n%s", diff)
	}
	for _, r := range e.srv.Requests() {
		if r.Service == personalizetest.ServicePersonalize && (r.Operation == "CreateDatasetImportJob" || r.Operation == "CreateDatasetGroup") {
			continue // the caller's own requests, sent as report-only promises
		}
		if strings.Contains(r.URL, "jane.doe") || bytes.Contains(r.Body, []byte(canaryEmail)) || strings.Contains(r.URL, "%40example") {
			t.Errorf("the guard's own %s %s carried the refused value", r.Service, r.Operation)
		}
	}
	if strings.Contains(e.auditLog(), "jane.doe") || strings.Contains(e.auditLog(), "12345678") {
		t.Errorf("the audit log echoes a value:\n%s", e.auditLog())
	}
}

// TestZeroPolicyRefusesUnencryptedDatasetGroup: the zero Policy creates no
// dataset group without a customer managed key — a group's key is fixed at
// creation — unless the request names one, or an Insecure field says so.
func TestZeroPolicyRefusesUnencryptedDatasetGroup(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	ctx := context.Background()
	_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("plain")})
	e.requireRefused(t, err, "KmsKeyArn", personalize.RuleKMSKeyRequired)
	if e.srv.Seen("plain") {
		t.Error("the refused request reached the emulator")
	}
	if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("named"),
		KmsKeyArn: aws.String(e.scene.KeyARN), RoleArn: aws.String(e.scene.RoleARN)}); err != nil {
		t.Errorf("a request naming its key and role = %v, want it sent", err)
	}
	loose := newEnv(t, personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
	if _, err := loose.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("plain")}); err != nil {
		t.Errorf("with InsecureAllowUnencryptedDatasetGroups = %v, want it sent", err)
	}
}
