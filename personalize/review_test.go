package personalize_test

// Hostile review of the wire gate (issue #9). Each test here asserts the safe
// outcome the package documentation promises; a failing test is a finding.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// rewriteBody returns a config-level APIOptions function whose Build
// middleware (which runs after the guard's Initialize checks and before the
// wire gate) rewrites the serialized body of op (every operation when op is
// "") with f. An instrumentation
// or auto-tagging layer working on the serialized request has this shape.
func rewriteBody(op string, f func(string) string) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Build.Add(middleware.BuildMiddlewareFunc("Review:Rewrite", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			if op != "" && middleware.GetOperationName(ctx) != op {
				return next.HandleBuild(ctx, in)
			}
			req := in.Request.(*smithyhttp.Request)
			b, err := io.ReadAll(req.GetStream())
			if err != nil {
				return middleware.BuildOutput{}, middleware.Metadata{}, err
			}
			nb := []byte(f(string(b)))
			out, err := req.SetStream(bytes.NewReader(nb))
			if err != nil {
				return middleware.BuildOutput{}, middleware.Metadata{}, err
			}
			out.ContentLength = int64(len(nb))
			in.Request = out
			return next.HandleBuild(ctx, in)
		}), middleware.After)
	}
}

// addMember inserts `"name":value` as the last member of a JSON object body.
func addMember(body, name, value string) string {
	i := strings.LastIndexByte(body, '}')
	return body[:i] + `,"` + name + `":` + value + body[i:]
}

// TestReviewCaseFoldedMemberSmugglesKey: the wire gate matches member names
// exactly, and checks a member it does not know as free text only. A reader
// that folds case (encoding/json, which personalizetest uses; the later of
// two members wins) takes "KmsKeyArn" for kmsKeyArn. A hook after the
// guard's checks that appends "KmsKeyArn" with another key keeps the
// configured key on the wire, so the gate's "configured key present" check
// passes, while the dataset group is created with a key the guard never
// checked. The same works for roleArn and S3 locations ("DataLocation").
func TestReviewCaseFoldedMemberSmugglesKey(t *testing.T) {
	srv := personalizetest.New(t)
	scene, err := srv.SeedScene(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A second, perfectly usable key that the policy does not allow.
	kc := awskms.NewFromConfig(srv.Config())
	ko, err := kc.CreateKey(context.Background(), &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	unchecked := aws.ToString(ko.KeyMetadata.Arn)

	e := &env{srv: srv, scene: scene, audit: &strings.Builder{}, mu: &sync.Mutex{}}
	cfg := srv.Config()
	cfg.APIOptions = append(cfg.APIOptions, rewriteBody("CreateDatasetGroup", func(b string) string {
		return addMember(b, "KmsKeyArn", `"`+unchecked+`"`)
	}))
	client, err := personalize.New(cfg, personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN,
		Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	_, err = client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("smuggled")})
	if srv.Seen(unchecked) {
		t.Errorf("a KMS key the guard never checked reached the wire (call error: %v)", err)
	}
	if err == nil {
		out, derr := client.DescribeDatasetGroup(context.Background(), &sdk.DescribeDatasetGroupInput{
			DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/smuggled")})
		if derr == nil && aws.ToString(out.DatasetGroup.KmsKeyArn) != scene.KeyARN {
			t.Errorf("the dataset group was created with key %s, not the configured %s", aws.ToString(out.DatasetGroup.KmsKeyArn), scene.KeyARN)
		}
	}
}

// TestReviewCaseFoldedMemberSmugglesLocation: same hole for an S3 location:
// an http URL the S3 location safeguard never parsed goes out as
// "DataLocation" next to the checked "dataLocation".
func TestReviewCaseFoldedMemberSmugglesLocation(t *testing.T) {
	const evil = "http://exfil.example.com/interactions.csv"
	e := newEnvWith(t, personalize.Policy{KMSKeyARN: "keyed"}, func(cfg *aws.Config) {
		cfg.APIOptions = append(cfg.APIOptions, rewriteBody("CreateDatasetImportJob", func(b string) string {
			// After the checked member, so a last-wins reader keeps it.
			i := strings.Index(b, `"dataSource":{`)
			j := strings.IndexByte(b[i:], '}') + i
			return b[:j] + `,"DataLocation":"` + evil + `"` + b[j:]
		}))
	}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
	if _, err := createDatasetAndSchema(context.Background(), e.client, "movies"); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	_, err := e.client.CreateDatasetImportJob(context.Background(), importInput(e, "import-smuggled"))
	if e.srv.Seen("exfil.example.com") {
		t.Errorf("an http S3 location the guard never parsed reached the wire (call error: %v)", err)
	}
}

// TestReviewSchemaNumberHidesCard: issue #9 reproduction 6 is fixed for
// 4539703692581474.0 and 4.539703692581474e15, but not for a number whose
// digits sit after the point or are scaled down by the exponent. The schema
// is a string: AWS stores and logs its text, which then holds the card
// number's sixteen digits verbatim. IntegerDigits sees no integer part, and
// the detector misses the digits next to "." or "e".
func TestReviewSchemaNumberHidesCard(t *testing.T) {
	const card = "4111111111111111"
	for _, num := range []string{card + "e-16", "0." + card, card + "E-20"} {
		t.Run(num, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			schema := strings.Replace(personalizetest.InteractionsSchema, `"version":"1.0"`, `"version":"1.0","x-weight":`+num, 1)
			_, err := e.client.CreateSchema(context.Background(), &sdk.CreateSchemaInput{Name: aws.String("interactions"), Schema: aws.String(schema)})
			if e.srv.Seen(card) {
				t.Errorf("the card number's digits reached the wire in the schema (call error: %v)", err)
			}
			if err == nil {
				t.Errorf("CreateSchema with a card number in a schema number succeeded")
			}
		})
	}
}

// TestReviewPerCallClientRewritingSchemeSends: the doc says a per-call
// HTTPClient "cannot send at all" because net/http refuses the sealed
// scheme. A client that builds its own URL — an egress proxy or sidecar
// router, a signing forwarder, a recorder — does not care about the scheme
// it was handed: here it sends to a TLS 1.1-only endpoint, exactly issue #9
// reproduction 9. The guard then reports RuleBypassed as a rejection with
// Sent false, though the request left.
func TestReviewPerCallClientRewritingSchemeSends(t *testing.T) {
	legacy := personalizetest.New(t, func(o *personalizetest.Options) {
		o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
	})
	legacyClient := &http.Client{Transport: &http.Transport{TLSClientConfig: legacyTLS(legacy)}}
	router := smithyhttp.ClientDoFunc(func(r *http.Request) (*http.Response, error) {
		// Route every call through the service's egress endpoint.
		r.URL.Scheme = "https"
		return legacyClient.Do(r)
	})
	e := newEnv(t, personalize.Policy{})
	legacy.ResetRequests()
	_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{},
		func(o *sdk.Options) { o.HTTPClient = router; o.BaseEndpoint = aws.String(legacy.URL()) })
	if n := len(legacy.Requests()); n != 0 {
		t.Errorf("the TLS 1.1 endpoint received %d requests through a per-call HTTPClient (call error: %v)", n, err)
	}
	var sg *personalize.SafeguardError
	if errors.As(err, &sg) && len(legacy.Requests()) != 0 && !sg.Sent {
		t.Errorf("refused as %s with Sent=false, but the request was sent", sg.Rule)
	}
}

// removeMiddleware is a per-call option that removes one guard middleware
// by its exported, stable ID: a single step, with no client replacement.
func removeMiddleware(id string) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			_, err := s.Initialize.Remove(id)
			return err
		})
	}
}

// TestReviewRemovedPostureCheckNotNoticed: the issue puts only "remove the
// guard's middleware *and* replace the client in the same call" out of
// scope. Removing the bucket posture middleware alone (a team "speeding up"
// imports, with the exported ID) is not noticed by the wire gate, which only
// asks whether the S3 location safeguard parsed the location: an import
// from a bucket nobody checked is sent.
func TestReviewRemovedPostureCheckNotNoticed(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		id     string
		change func(*testing.T, *env, *sdk.CreateDatasetImportJobInput)
	}{
		{personalize.IDBucketPosture, func(_ *testing.T, _ *env, in *sdk.CreateDatasetImportJobInput) {
			in.DataSource.DataLocation = aws.String("s3://never-checked-bucket/interactions.csv")
		}},
		{personalize.IDDatasetGroupKey, func(t *testing.T, e *env, in *sdk.CreateDatasetImportJobInput) {
			// A dataset group created without any customer managed key,
			// by a client without the guard.
			bare := sdk.NewFromConfig(e.srv.Config())
			if _, err := bare.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("plain")}); err != nil {
				t.Fatal(err)
			}
			waitActiveGroup(t, bare, "plain")
			arn, err := createDatasetAndSchema(ctx, bare, "plain")
			if err != nil {
				t.Fatal(err)
			}
			in.DatasetArn = aws.String(arn)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			if _, err := createDatasetAndSchema(ctx, e.client, "movies"); err != nil {
				t.Fatal(err)
			}
			in := importInput(e, "import-unchecked")
			tt.change(t, e, in)
			if _, err := e.client.CreateDatasetImportJob(ctx, in); err == nil {
				t.Fatal("with every safeguard in place the import went through; the case tests nothing")
			}
			e.srv.ResetRequests()
			_, err := e.client.CreateDatasetImportJob(ctx, in, removeMiddleware(tt.id))
			for _, op := range e.personalizeCalls() {
				if op == "CreateDatasetImportJob" {
					t.Errorf("with %s removed per call, the import was sent unchecked (call error: %v)", tt.id, err)
				}
			}
		})
	}
}

// TestReviewRemovedAuditWritesNothing: "one audit event per call, every
// call". Removing the audit middleware per call leaves the call working and
// unrecorded: the guard's HTTP client audits only calls without a stamp.
func TestReviewRemovedAuditWritesNothing(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, removeMiddleware(personalize.IDAudit))
	if events := parseAudit(t, e.auditLog()); len(events) != 1 {
		t.Errorf("call error %v; audit events = %+v, want exactly one", err, events)
	}
}

// TestReviewRedirectToHTTPFollowed: the guard hardens a caller's
// *http.Client by copying it with a new Transport, but keeps its
// CheckRedirect, whose nil default follows redirects — unlike the SDK's
// BuildableClient, which follows none. An https endpoint (an API gateway, a
// proxy, a misconfigured VPC endpoint) that answers 302 to an http URL gets
// the request repeated in plaintext, with X-Amz-Target, X-Amz-Date and the
// session token. The guard notices only afterwards, on the response.
func TestReviewRedirectToHTTPFollowed(t *testing.T) {
	const token = "SESSION-TOKEN-CANARY"
	var plainHits atomic.Int32
	var plainToken atomic.Bool
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plainHits.Add(1)
		plainToken.Store(r.Header.Get("X-Amz-Security-Token") == token)
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{}`))
	}))
	defer plain.Close()
	gateway := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		http.Redirect(w, r, plain.URL+"/", http.StatusFound)
	}))
	defer gateway.Close()

	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", token),
		HTTPClient:   gateway.Client(), // an *http.Client with an *http.Transport: accepted and hardened
		BaseEndpoint: aws.String(gateway.URL),
	}
	client, err := personalize.New(cfg, personalize.Policy{InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{},
		func(o *sdk.Options) { o.RetryMaxAttempts = 1 })
	if n := plainHits.Load(); n != 0 {
		t.Errorf("the request was repeated over plain http %d time(s), session token included: %v (call error: %v)", n, plainToken.Load(), err)
	}
}

// TestReviewNoFalseRefusals: valid, real-world inputs of many operations
// must not be refused by a safeguard. Errors from the emulated AWS (a
// resource that does not exist) are fine; a *SafeguardError is not.
func TestReviewNoFalseRefusals(t *testing.T) {
	e := newEnv(t, personalize.Policy{InsecureSkipPostureChecks: true, InsecureAllowUnencryptedDatasetGroups: true})
	ctx := context.Background()
	bigSchema := func() string {
		var b strings.Builder
		b.WriteString(`{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"ITEM_ID","type":"string"}`)
		for i := 0; b.Len() < 19000; i++ {
			b.WriteString(`,{"name":"F` + strconv.Itoa(i) + `","type":["null","string"],"categorical":true,"doc":"Größe – 商品"}`)
		}
		b.WriteString(`],"version":"1.0"}`)
		return b.String()
	}()
	tests := []struct {
		name string
		call func() error
	}{
		{"aws-cn ARN", func() error {
			_, err := e.client.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws-cn:personalize:cn-north-1:111122223333:dataset-group/movies")})
			return err
		}},
		{"aws-us-gov ARN", func() error {
			_, err := e.client.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws-us-gov:personalize:us-gov-west-1:111122223333:dataset-group/movies")})
			return err
		}},
		{"recipe ARN without Region and account", func() error {
			_, err := e.client.DescribeRecipe(ctx, &sdk.DescribeRecipeInput{RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-user-personalization-v2")})
			return err
		}},
		{"solution version ARN with an all-digit ID", func() error {
			_, err := e.client.DescribeSolutionVersion(ctx, &sdk.DescribeSolutionVersionInput{SolutionVersionArn: aws.String("arn:aws:personalize:us-east-1:111122223333:solution/movies/20251129")})
			return err
		}},
		{"unicode tags", func() error {
			_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("tagged"), Tags: []types.Tag{
				{TagKey: aws.String("équipe"), TagValue: aws.String("Zürich São Paulo 東京")},
				{TagKey: aws.String("cost-center"), TagValue: aws.String("CC-1234")},
				{TagKey: aws.String("empty"), TagValue: aws.String("")},
			}})
			return err
		}},
		{"schema near the 20,000-character limit, unicode docs", func() error {
			_, err := e.client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String("items"), Schema: aws.String(bigSchema)})
			return err
		}},
		{"filter expression", func() error {
			_, err := e.client.CreateFilter(ctx, &sdk.CreateFilterInput{Name: aws.String("genre"),
				DatasetGroupArn:  aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"),
				FilterExpression: aws.String(`INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")`)})
			return err
		}},
		{"solution config", func() error {
			_, err := e.client.CreateSolution(ctx, &sdk.CreateSolutionInput{Name: aws.String("sol"),
				DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"),
				RecipeArn:       aws.String("arn:aws:personalize:::recipe/aws-user-personalization-v2"),
				SolutionConfig: &types.SolutionConfig{
					AlgorithmHyperParameters:        map[string]string{"hidden_dimension": "100", "bptt": "32"},
					FeatureTransformationParameters: map[string]string{"max_hist_length_percentile": "0.99"},
					EventValueThreshold:             aws.String("0.5"),
					HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: &types.HyperParameterRanges{
						CategoricalHyperParameterRanges: []types.CategoricalHyperParameterRange{{Name: aws.String("recency_mask"), Values: []string{"true", "false"}}},
					}},
				}})
			return err
		}},
		{"campaign config", func() error {
			_, err := e.client.CreateCampaign(ctx, &sdk.CreateCampaignInput{Name: aws.String("camp"),
				SolutionVersionArn: aws.String("arn:aws:personalize:us-east-1:111122223333:solution/sol/abcdef12"),
				CampaignConfig: &types.CampaignConfig{ItemExplorationConfig: map[string]string{"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"},
					RankingInfluence: map[string]float64{"FRESHNESS": 0.5}}})
			return err
		}},
		{"metric attribution", func() error {
			_, err := e.client.CreateMetricAttribution(ctx, &sdk.CreateMetricAttributionInput{Name: aws.String("metrics"),
				DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"),
				Metrics: []types.MetricAttribute{{EventType: aws.String("click"), MetricName: aws.String("CLICK_COUNT"),
					Expression: aws.String("SAMPLECOUNT()")}},
				MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String(personalizetest.RoleARN)}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sg *personalize.SafeguardError
			if err := tt.call(); errors.As(err, &sg) {
				t.Errorf("a valid input was refused: %v", err)
			}
		})
	}
}

// TestReviewPaginationNotRefused: pagination tokens the API returns are
// accepted, page after page.
func TestReviewPaginationNotRefused(t *testing.T) {
	e := newEnv(t, personalize.Policy{InsecureSkipPostureChecks: true, InsecureAllowUnencryptedDatasetGroups: true})
	ctx := context.Background()
	for i := range 5 {
		if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("page-" + strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
	}
	p := sdk.NewListDatasetGroupsPaginator(e.client, &sdk.ListDatasetGroupsInput{MaxResults: aws.Int32(2)})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
		n += len(out.DatasetGroups)
	}
	if n < 5 {
		t.Errorf("paginated %d dataset groups, want at least 5", n)
	}
}

// TestReviewConcurrentCalls: many goroutines share one guarded client, with
// allowed and refused calls interleaved, so pooled walkers and call states
// and the stamps are reused under load. Run with -race.
func TestReviewConcurrentCalls(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan string, 256)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 6 {
				name := "c-" + strconv.Itoa(g) + "-" + strconv.Itoa(i)
				if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name)}); err != nil {
					errs <- "allowed call failed: " + err.Error()
				}
				_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name + "-x"),
					Tags: []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String(canaryEmail)}}})
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) || sg.Field != "Tags[0].TagValue" {
					errs <- fmt.Sprintf("refusal wrong: %v", err)
				}
				if _, err := e.client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}); err != nil {
					errs <- "list failed: " + err.Error()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Error(s)
	}
	if e.srv.Seen(canaryEmail) {
		t.Error("the canary reached the wire")
	}
	if n := strings.Count(e.auditLog(), `"msg":"personalize call"`); n != 8*6*3 {
		t.Errorf("%d audit events, want %d", n, 8*6*3)
	}
}

// TestReviewHeadersNotChecked: the gate stamps the headers and URL (so a
// change after it is caught) but never reads the headers, nor the URL's
// path and query. Headers leave too, and the
// User-Agent is recorded by CloudTrail (userAgent). An instrumentation hook
// adding an owner header, or an AppID naming a customer account, puts the
// value on the wire of a call the guard allows.
func TestReviewHeadersNotChecked(t *testing.T) {
	tests := []struct {
		name   string
		canary string
		change func(*aws.Config)
	}{
		{"AppID in the User-Agent", "acct-12345678", func(cfg *aws.Config) { cfg.AppID = "acct-12345678" }},
		{"instrumentation header", canaryEmail, func(cfg *aws.Config) {
			cfg.APIOptions = append(cfg.APIOptions, smithyhttp.AddHeaderValue("X-Request-Owner", canaryEmail))
		}},
		{"instrumentation query parameter", canaryEmail, func(cfg *aws.Config) {
			cfg.APIOptions = append(cfg.APIOptions, func(s *middleware.Stack) error {
				return s.Build.Add(middleware.BuildMiddlewareFunc("Review:Query", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
					in.Request.(*smithyhttp.Request).URL.RawQuery = "owner=" + canaryEmail
					return next.HandleBuild(ctx, in)
				}), middleware.After)
			})
		}},
		// Withstood: a BeforeTransmit interceptor holds a request the
		// attempt no longer sends (smithy-go v1.28.9).
		{"BeforeTransmit interceptor header", "4111111111111111", func(cfg *aws.Config) {
			cfg.Interceptors.AddBeforeTransmit(interceptor(func(_ context.Context, in *smithyhttp.InterceptorContext) error {
				in.Request.Header.Set("X-Customer", "4111111111111111")
				return nil
			}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnvWith(t, personalize.Policy{}, tt.change)
			_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
			if e.srv.Seen(tt.canary) {
				t.Errorf("%q reached the wire in a header or the URL (call error: %v)", tt.canary, err)
			}
		})
	}
}

// TestReviewEncodedS3KeyWithLiteralPercent: s3guard.DecodeKey gives up on
// the whole key when any escape is invalid, and then checks only the key as
// written. One literal '%' anywhere (S3 keys may hold one: "100%") and
// issue #9 reproduction 5 is back: the encoded e-mail is not seen, and the
// encoded presigned query is carried to S3 by the guard's own checks.
func TestReviewEncodedS3KeyWithLiteralPercent(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
	ctx := context.Background()
	if _, err := createDatasetAndSchema(ctx, e.client, "movies"); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	_, err := e.client.CreateDatasetExportJob(ctx, &sdk.CreateDatasetExportJobInput{
		JobName:    aws.String("export-pct"),
		DatasetArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/movies/INTERACTIONS"),
		RoleArn:    aws.String(e.scene.RoleARN),
		JobOutput:  &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://" + e.scene.Bucket + "/users/jane.doe%40example.com/100%/")}},
	})
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != "sensitive.email" {
		t.Errorf("export to an encoded e-mail path: error = %v, want sensitive.email", err)
	}
	if e.srv.Seen("jane.doe%40example.com") {
		t.Error("the encoded e-mail reached the wire")
	}

	e.srv.ResetRequests()
	in := importInput(e, "import-pct")
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/interactions.csv%3FX-Amz-Signature%3Dhunter2hunter2%")
	_, err = e.client.CreateDatasetImportJob(ctx, in)
	if !errors.As(err, &sg) || sg.Rule != "s3.location.query" {
		t.Errorf("import from an encoded presigned URL: error = %v, want s3.location.query", err)
	}
	if e.srv.Seen("hunter2hunter2") {
		t.Error("the encoded signature reached the wire (the guard's own S3 checks, or Personalize)")
	}
}

// TestReviewARNRegionAndAccountNotScanned: an ARN field is matched against
// the model's pattern, arn:([a-z\d-]+):personalize:.*:.*:.+, and only the
// resource part (after the fifth colon) goes through the detector. The
// Region and account parts are ".*" in the pattern, so any text without a
// colon fits there, and the partition takes digits: each carries a value
// to AWS unseen — on the caller's call and on the guard's own
// DescribeDataset.
func TestReviewARNRegionAndAccountNotScanned(t *testing.T) {
	tests := []struct{ canary, arn string }{
		{canaryEmail, "arn:aws:personalize:" + canaryEmail + ":111122223333:dataset-group/movies"},
		{"acct-12345678", "arn:aws:personalize:us-east-1:acct-12345678:dataset-group/movies"},
		{"4111111111111111", "arn:4111111111111111:personalize:us-east-1:111122223333:dataset-group/movies"},
	}
	for _, tt := range tests {
		t.Run(tt.canary, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.DescribeDatasetGroup(context.Background(), &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String(tt.arn)})
			if e.srv.Seen(tt.canary) {
				t.Errorf("%q reached the wire in an ARN (call error: %v)", tt.canary, err)
			}
		})
	}
	t.Run("the guard's own DescribeDataset", func(t *testing.T) {
		e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
		in := importInput(e, "import-arn")
		in.DatasetArn = aws.String("arn:aws:personalize:" + canaryEmail + ":111122223333:dataset/movies/INTERACTIONS")
		_, err := e.client.CreateDatasetImportJob(context.Background(), in)
		if e.srv.Seen(canaryEmail) {
			t.Errorf("the guard's own calls carried an e-mail in an ARN: %v (call error: %v)", e.personalizeCalls(), err)
		}
	})
}

// TestReviewTokenNotScanned: pagination tokens are matched against the
// model's pattern only, \p{ASCII}{0,1500}, which any e-mail fits. CloudTrail
// records List* request parameters, nextToken included.
func TestReviewTokenNotScanned(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{NextToken: aws.String("owner=" + canaryEmail)})
	if e.srv.Seen(canaryEmail) {
		t.Errorf("an e-mail reached the wire as a pagination token (call error: %v)", err)
	}
}

// TestReviewOwnDescribeGetsCallerHooks: the doc says the guard's own
// clients get "not the caller's interceptors or APIOptions". But the
// optFns of New also configure the guard's DescribeDataset client, whose
// gate checks the transport only. A client-level hook that stamps an owner
// into every request body is refused on the caller's call — after the
// guard's own DescribeDataset has carried it to Personalize.
func TestReviewOwnDescribeGetsCallerHooks(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
	ctx := context.Background()
	if _, err := createDatasetAndSchema(ctx, e.client, "movies"); err != nil {
		t.Fatal(err)
	}
	stampOwner := func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, rewriteBody("", func(b string) string { return addMember(b, "owner", `"`+canaryEmail+`"`) }))
	}
	client, err := personalize.New(e.srv.Config(), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN}, stampOwner)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	_, err = client.CreateDatasetImportJob(ctx, importInput(e, "import-hooked"))
	if e.srv.Seen(canaryEmail) {
		t.Errorf("the guard's own calls carried the caller's hook: %v (call error: %v)", e.personalizeCalls(), err)
	}
}

// TestReviewRefusedClientCallsNotAudited: a client the guard refused to
// secure (NewGuard + Option on a config it cannot enforce) fails every call
// with the *ConfigError — through the config middleware alone, without the
// audit middleware. Only the bypass path (APIOptions removed) is audited,
// so the ordinary calls of a misconfigured service leave no audit trail.
func TestReviewRefusedClientCallsNotAudited(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	g, err := personalize.NewGuard(e.srv.Config(), personalize.Policy{Logger: newAuditLogger(lockedBuilder{e.mu, e.audit}), InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.srv.Config()
	cfg.Region = "eu-west-1"
	client := sdk.NewFromConfig(cfg, g.Option())
	_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
	var ce *personalize.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want the *ConfigError", err)
	}
	if events := parseAudit(t, e.auditLog()); len(events) != 1 {
		t.Errorf("audit events = %+v, want one for the refused call", events)
	}
}

// negativeLen is a body stream reporting a negative length.
type negativeLen struct{ *bytes.Reader }

func (negativeLen) Len() int { return -1 }

// TestReviewOddRequestsDoNotPanic: a hook before the gate that hands it a
// typed-nil request, or a body stream whose Len is negative, gets an error
// or a checked send, never a panic in the gate (second review of the
// gate's body change).
func TestReviewOddRequestsDoNotPanic(t *testing.T) {
	tests := []struct {
		name     string
		change   func(*smithyhttp.Request) (any, error)
		wantRule string
	}{
		{"typed-nil request", func(*smithyhttp.Request) (any, error) { return (*smithyhttp.Request)(nil), nil }, personalize.RuleHTTPSOnly},
		{"negative body length", func(r *smithyhttp.Request) (any, error) {
			body, err := io.ReadAll(r.GetStream())
			if err != nil {
				return nil, err
			}
			return r.SetStream(negativeLen{bytes.NewReader(body)})
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnvWith(t, personalize.Policy{KMSKeyARN: "keyed"}, func(cfg *aws.Config) {
				cfg.APIOptions = append(cfg.APIOptions, func(s *middleware.Stack) error {
					return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("Odd", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
						middleware.DeserializeOutput, middleware.Metadata, error,
					) {
						out, err := tt.change(in.Request.(*smithyhttp.Request))
						if err != nil {
							return middleware.DeserializeOutput{}, middleware.Metadata{}, err
						}
						in.Request = out
						return next.HandleDeserialize(ctx, in)
					}), middleware.After)
				})
			})
			_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
			var sg *personalize.SafeguardError
			switch {
			case tt.wantRule == "" && err != nil:
				t.Fatalf("ListDatasetGroups: %v, want a checked send", err)
			case tt.wantRule != "" && (!errors.As(err, &sg) || sg.Rule != tt.wantRule):
				t.Fatalf("ListDatasetGroups: %v, want rule %s", err, tt.wantRule)
			}
		})
	}
}

// TestReviewTracestateFieldNameCarriesValue: the wire gate sets aside the
// random IDs of a tracestate member's fields, "<name>:<16 or 32 hex>". The
// name is whatever the application wrote before the colon: setting it
// aside with the ID sent an e-mail there unread (3b7c1c0). Everything but
// the ID is scanned, as the whole header was before.
func TestReviewTracestateFieldNameCarriesValue(t *testing.T) {
	tests := []struct{ name, header, value string }{
		{"an e-mail as a field's name", "Tracestate", "app=" + canaryEmail + ":00f067aa0ba902b7"},
		{"an e-mail as a field's name, 128-bit ID", "Tracestate", "dd=s:1;" + canaryEmail + ":619a4d5ea942b46f2bac10071cb6b3b4"},
		{"an e-mail as a member's key", "Tracestate", canaryEmail + "=00f067aa0ba902b7"},
		{"an e-mail beside a Datadog trace ID half", "X-Datadog-Tags", "_dd.p.tid=619a4d5ea942b46f,_dd.p.usr=" + canaryEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnvWith(t, personalize.Policy{}, func(cfg *aws.Config) {
				cfg.APIOptions = append(cfg.APIOptions, smithyhttp.AddHeaderValue(tt.header, tt.value))
			})
			_, err := e.client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || sg.Field != "header" {
				t.Errorf("call not refused at the header: %v", err)
			}
			if e.srv.Seen(canaryEmail) {
				t.Error("the canary reached the wire")
			}
		})
	}
}

// initHook returns an APIOptions function that adds an Initialize
// middleware calling f on a CreateDatasetGroup input: at pos of the step
// when rel is "", else at pos relative to the middleware rel.
func initHook(id string, pos middleware.RelativePosition, rel string, f func(*sdk.CreateDatasetGroupInput)) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		m := middleware.InitializeMiddlewareFunc(id, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if p, ok := in.Parameters.(*sdk.CreateDatasetGroupInput); ok {
				f(p)
			}
			return next.HandleInitialize(ctx, in)
		})
		if rel == "" {
			return s.Initialize.Add(m, pos)
		}
		return s.Initialize.Insert(m, rel, pos)
	}
}

// TestReviewPrepassedRoleSwappedAfterChecks: NewGuard checks the
// configured role once and the wire gate takes it as passed (46feb3c).
// With the posture checks skipped, nothing else holds the role sent to the
// role checked, so a hook after the guard's checks that swaps in another
// role must meet the gate's full check: refused, or reported in
// report-only mode, as at bbf84d9.
func TestReviewPrepassedRoleSwappedAfterChecks(t *testing.T) {
	const emailRole = "arn:aws:iam::123456789012:role/" + canaryEmail
	swap := func(p *sdk.CreateDatasetGroupInput) { p.RoleArn = aws.String(emailRole) }
	hooks := []struct {
		name    string
		cfg     func(*aws.Config)
		callOpt func(*sdk.Options)
	}{
		{name: "per-call Initialize middleware after the guard's", callOpt: func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, initHook("Review:SwapRole", middleware.After, "", swap))
		}},
		{name: "per-call Initialize middleware right after KMSKey", callOpt: func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, initHook("Review:SwapRole", middleware.After, personalize.IDKMSKey, swap))
		}},
		{name: "Build middleware rewriting the body", cfg: func(c *aws.Config) {
			c.APIOptions = append(c.APIOptions, rewriteBody("CreateDatasetGroup", func(b string) string {
				return strings.Replace(b, personalizetest.RoleARN, emailRole, 1)
			}))
		}},
	}
	for _, h := range hooks {
		for _, reportOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/report-only=%v", h.name, reportOnly), func(t *testing.T) {
				cfg := h.cfg
				if cfg == nil {
					cfg = func(*aws.Config) {}
				}
				e := newEnvWith(t, personalize.Policy{InsecureSkipPostureChecks: true, InsecureReportOnly: reportOnly}, cfg)
				var opts []func(*sdk.Options)
				if h.callOpt != nil {
					opts = append(opts, h.callOpt)
				}
				_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, opts...)
				events := parseAudit(t, e.auditLog())
				if reportOnly {
					if err != nil || len(events) != 1 || !slices.Contains(events[0].ReportOnly, "sensitive.email at RoleArn") {
						t.Errorf("err %v, audit %+v: want the call through and the role reported", err, events)
					}
					return
				}
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) || sg.Rule != "sensitive.email" || sg.Field != "RoleArn" {
					t.Errorf("err %v: want sensitive.email at RoleArn", err)
				}
				if e.srv.Seen(canaryEmail) {
					t.Error("the swapped role reached the wire")
				}
			})
		}
	}
}

// TestReviewConcurrentGuardsOwnRoles: two guards on one server, one whose
// configured role is clean and one whose role names an e-mail, called from
// many goroutines at once (run with -race). Each guard's role is checked
// under its own guard: the clean one passes, the other is refused on every
// call, and a clean role the caller names passes on the second guard.
func TestReviewConcurrentGuardsOwnRoles(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	mk := func(p personalize.Policy) *sdk.Client {
		p.KMSKeyARN = e.scene.KeyARN
		c, err := personalize.New(e.srv.Config(), p)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good := mk(personalize.Policy{RoleARN: e.scene.RoleARN})
	bad := mk(personalize.Policy{RoleARN: "arn:aws:iam::123456789012:role/" + canaryEmail, InsecureSkipPostureChecks: true})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan string, 8*6*3)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 6 {
				name := fmt.Sprintf("c-%d-%d", g, i)
				if _, err := good.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name)}); err != nil {
					errs <- "the clean role's guard refused: " + err.Error()
				}
				_, err := bad.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name + "-b")})
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) || sg.Rule != "sensitive.email" || sg.Field != "RoleArn" {
					errs <- fmt.Sprintf("the e-mail role's guard: %v, want sensitive.email at RoleArn", err)
				}
				in := &sdk.CreateDatasetGroupInput{Name: aws.String(name + "-c"), RoleArn: aws.String(e.scene.RoleARN), KmsKeyArn: aws.String(e.scene.KeyARN)}
				if _, err := bad.CreateDatasetGroup(ctx, in); err != nil {
					errs <- "a clean role the caller named was refused: " + err.Error()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Error(s)
	}
	if e.srv.Seen(canaryEmail) {
		t.Error("the canary reached the wire")
	}
}

// TestReviewPerCallMiddlewareAroundGuardSteps: per-call middleware placed
// relative to the guard's steps, or at either end of Initialize, ends up
// where it did at bbf84d9, before the guard's steps were added without
// Insert (b5b7d27): code that runs before or after a named guard step
// still does.
func TestReviewPerCallMiddlewareAroundGuardSteps(t *testing.T) {
	nop := func(*sdk.CreateDatasetGroupInput) {}
	var got []string
	e := newEnvWith(t, personalize.Policy{}, func(c *aws.Config) {
		c.APIOptions = append(c.APIOptions, initHook("Review:Config", middleware.Before, "", nop))
	})
	_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions,
			initHook("Review:A", middleware.Before, personalize.IDKMSKey, nop),
			initHook("Review:B", middleware.After, personalize.IDAudit, nop),
			initHook("Review:C", middleware.Before, "", nop),
			initHook("Review:D", middleware.After, "", nop),
			initHook("Review:E", middleware.Before, personalize.IDKeyReadiness, nop),
			initHook("Review:F", middleware.After, personalize.IDKeyReadiness, nop),
			func(s *middleware.Stack) error { got = s.Initialize.List(); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	// CreateDatasetGroup has no S3 location and is no import or export: its
	// stack has none of their steps (see TestStackOrder).
	want := []string{"Review:C", personalize.IDAudit, "Review:B", personalize.IDFieldContent, "Review:A", personalize.IDKMSKey,
		"Review:Config", "OperationInputValidation", personalize.IDCallerIdentity, "Review:E",
		personalize.IDKeyReadiness, "Review:F", "Review:D"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Initialize order (-want +got):\n%s", diff)
	}
}
