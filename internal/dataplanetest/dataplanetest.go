// Package dataplanetest trains a campaign on a personalizetest Server, the
// fixture the data-plane clients' end-to-end tests, examples and benchmarks
// share.
package dataplanetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// Campaign is what a data-plane test needs: a campaign trained on the
// scene's interactions and an event tracker of the same dataset group.
type Campaign struct {
	DatasetGroupARN string
	CampaignARN     string
	TrackingID      string
	ItemsARN        string // an Items dataset of ItemsSchema
	UsersARN        string // a Users dataset of UsersSchema
}

// The schemas of the Campaign's Items and Users datasets: PutItems takes
// the properties "genres" and "description", PutUsers "membership".
const (
	ItemsSchema = `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[` +
		`{"name":"ITEM_ID","type":"string"},{"name":"GENRES","type":"string","categorical":true},` +
		`{"name":"DESCRIPTION","type":"string","textual":true}],"version":"1.0"}`
	UsersSchema = `{"type":"record","name":"Users","namespace":"com.amazonaws.personalize.schema","fields":[` +
		`{"name":"USER_ID","type":"string"},{"name":"MEMBERSHIP","type":"string","categorical":true}],"version":"1.0"}`
)

// Train seeds a scene on s, trains a USER_PERSONALIZATION campaign on its
// interactions and adds Items and Users datasets, through the bare SDK
// client. The Server's request log is
// reset afterwards, so a test's Seen and Requests see only its own calls.
func Train(ctx context.Context, s *personalizetest.Server) (Campaign, error) {
	sc, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "shop" })
	if err != nil {
		return Campaign{}, err
	}
	pz := personalize.NewFromConfig(s.Config())
	schema, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String("interactions"), Schema: aws.String(personalizetest.InteractionsSchema)})
	if err != nil {
		return Campaign{}, err
	}
	ds, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String("interactions"), DatasetGroupArn: &sc.DatasetGroupARN,
		DatasetType: aws.String("Interactions"), SchemaArn: schema.SchemaArn})
	if err != nil {
		return Campaign{}, err
	}
	if _, err := pz.CreateDatasetImportJob(ctx, &personalize.CreateDatasetImportJobInput{JobName: aws.String("import"), DatasetArn: ds.DatasetArn,
		DataSource: &ptypes.DataSource{DataLocation: &sc.DataLocation}, RoleArn: &sc.RoleARN}); err != nil {
		return Campaign{}, err
	}
	sol, err := pz.CreateSolution(ctx, &personalize.CreateSolutionInput{Name: aws.String("for-you"), DatasetGroupArn: &sc.DatasetGroupARN,
		RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-user-personalization")})
	if err != nil {
		return Campaign{}, err
	}
	sv, err := pz.CreateSolutionVersion(ctx, &personalize.CreateSolutionVersionInput{SolutionArn: sol.SolutionArn})
	if err != nil {
		return Campaign{}, err
	}
	campaign, err := pz.CreateCampaign(ctx, &personalize.CreateCampaignInput{Name: aws.String("for-you"), SolutionVersionArn: sv.SolutionVersionArn})
	if err != nil {
		return Campaign{}, err
	}
	tracker, err := pz.CreateEventTracker(ctx, &personalize.CreateEventTrackerInput{Name: aws.String("web"), DatasetGroupArn: &sc.DatasetGroupARN})
	if err != nil {
		return Campaign{}, err
	}
	c := Campaign{DatasetGroupARN: sc.DatasetGroupARN, CampaignARN: *campaign.CampaignArn, TrackingID: *tracker.TrackingId}
	for _, d := range []struct {
		typ, schema string
		arn         *string
	}{{"Items", ItemsSchema, &c.ItemsARN}, {"Users", UsersSchema, &c.UsersARN}} {
		schema, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String(strings.ToLower(d.typ)), Schema: aws.String(d.schema)})
		if err != nil {
			return Campaign{}, err
		}
		ds, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String(strings.ToLower(d.typ)), DatasetGroupArn: &sc.DatasetGroupARN,
			DatasetType: aws.String(d.typ), SchemaArn: schema.SchemaArn})
		if err != nil {
			return Campaign{}, err
		}
		*d.arn = *ds.DatasetArn
	}
	s.ResetRequests()
	return c, nil
}

// Start starts a Server whose resources are ACTIVE at once and trains a
// Campaign on it; the Server closes when the test ends.
func Start(tb testing.TB) (*personalizetest.Server, Campaign) {
	tb.Helper()
	s := personalizetest.New(tb, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	c, err := Train(context.Background(), s)
	if err != nil {
		tb.Fatal(err)
	}
	return s, c
}

// Pseudonymizer returns a Pseudonymizer under a random key of version 1.
func Pseudonymizer(tb testing.TB) *pseudonym.Pseudonymizer {
	tb.Helper()
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		tb.Fatal(err)
	}
	key, err := pseudonym.NewKey(1, raw)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := pseudonym.New(key)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// AuditLog is a slog.Logger whose JSON records a test can read.
type AuditLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *AuditLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns every record written so far.
func (l *AuditLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Logger returns a logger that writes JSON records to l.
func (l *AuditLog) Logger() *slog.Logger { return slog.New(slog.NewJSONHandler(l, nil)) }

// RequireRefused checks a refusal: its rule and field, and that none of
// secrets is in the error, in log (when not nil) or anywhere the endpoint
// s received.
func RequireRefused(t *testing.T, s *personalizetest.Server, log *AuditLog, err error, field, rule string, secrets ...string) {
	t.Helper()
	var sg *guarderr.SafeguardError
	if !errors.As(err, &sg) {
		t.Fatalf("err = %v, want a *SafeguardError", err)
	}
	if sg.Field != field || sg.Rule != rule {
		t.Errorf("refused at %q with rule %q, want %q and %q", sg.Field, sg.Rule, field, rule)
	}
	for _, v := range secrets {
		if strings.Contains(err.Error(), v) {
			t.Errorf("the error repeats the value: %v", err)
		}
		if log != nil && strings.Contains(log.String(), v) {
			t.Errorf("the audit log repeats the value: %s", log)
		}
		if s.Seen(v) {
			t.Errorf("the endpoint saw the value")
		}
	}
}

// StartTrained is Start for programs and examples: the caller closes the
// Server.
func StartTrained(ctx context.Context) (*personalizetest.Server, Campaign, error) {
	s, err := personalizetest.Start(ctx, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	if err != nil {
		return nil, Campaign{}, err
	}
	c, err := Train(ctx, s)
	if err != nil {
		s.Close()
		return nil, Campaign{}, err
	}
	return s, c, nil
}

// RequireTLS11Refused calls call with the config of an endpoint that offers
// only TLS 1.1 and requires a refusal for the TLS floor that the endpoint
// never saw.
func RequireTLS11Refused(t *testing.T, call func(aws.Config) error) {
	t.Helper()
	old := personalizetest.New(t, func(o *personalizetest.Options) {
		o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
	})
	// With the default Policy the guard's own STS call is the first to
	// meet the endpoint: the call fails with the identity check's rule,
	// wrapping the transport rule that refused the STS call.
	if err := call(old.Config()); !hasRule(err, guarderr.RuleTLSVersion) {
		t.Fatalf("a call over TLS 1.1 = %v, want rule %s", err, guarderr.RuleTLSVersion)
	}
	if reqs := old.Requests(); len(reqs) != 0 {
		t.Errorf("the TLS 1.1 endpoint's handler ran %d times, want 0", len(reqs))
	}
}

// hasRule reports whether a *SafeguardError with rule is in err's chain,
// outermost first.
func hasRule(err error, rule string) bool {
	var sg *guarderr.SafeguardError
	for errors.As(err, &sg) {
		if sg.Rule == rule {
			return true
		}
		err = errors.Unwrap(sg)
	}
	return false
}

// RequireHTTPRefused gives newClient a config whose endpoint is http, and
// one whose endpoint has a path (which the wire gate would refuse call by
// call: it holds each request's path to its operation's), and requires the
// *ConfigError for BaseEndpoint of each.
func RequireHTTPRefused(t *testing.T, newClient func(aws.Config) error) {
	t.Helper()
	s := personalizetest.New(t)
	for _, base := range []string{strings.Replace(s.URL(), "https://", "http://", 1), s.URL() + "/personalize"} {
		cfg := s.Config()
		cfg.BaseEndpoint = aws.String(base)
		var ce *guarderr.ConfigError
		if err := newClient(cfg); !errors.As(err, &ce) || ce.Field != "BaseEndpoint" {
			t.Fatalf("a client with the endpoint %s = %v, want *ConfigError for BaseEndpoint", base, err)
		}
	}
}

// ExamplePseudonymizer is the Pseudonymizer the examples use: a fixed key,
// so that their output shows stable pseudonyms. Never a production key.
func ExamplePseudonymizer() (*pseudonym.Pseudonymizer, error) {
	raw := sha256.Sum256([]byte("example key, not for production"))
	key, err := pseudonym.NewKey(1, raw[:])
	if err != nil {
		return nil, err
	}
	return pseudonym.New(key)
}

// APIRequests returns the requests s got, less the guard's own STS calls
// (one per credential identity: the root-credentials check): what a test
// of a safeguard counts to show that nothing was sent.
func APIRequests(s *personalizetest.Server) []personalizetest.Request {
	var out []personalizetest.Request
	for _, r := range s.Requests() {
		if r.Service != personalizetest.ServiceSTS {
			out = append(out, r)
		}
	}
	return out
}

// Events returns each audit event in l as "operation outcome rule field",
// in order: what a test compares with cmp.Diff.
func (l *AuditLog) Events(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		if line == "" {
			continue
		}
		var e struct{ Operation, Outcome, Rule, Field string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			tb.Fatalf("audit line %q: %v", line, err)
		}
		out = append(out, strings.TrimRight(e.Operation+" "+e.Outcome+" "+e.Rule+" "+e.Field, " "))
	}
	return out
}
