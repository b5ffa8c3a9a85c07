package personalize_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// red26bImport is CreateDatasetImportJob of loc into the scene's
// interactions dataset (or dataset, when not empty).
func red26bImport(e *env, ctx context.Context, name, dataset, loc string, opts ...func(*sdk.Options)) error {
	in := importInput(e, name)
	in.DatasetArn = aws.String(e.scene.InteractionsDatasetARN)
	if dataset != "" {
		in.DatasetArn = aws.String(dataset)
	}
	in.DataSource.DataLocation = aws.String(loc)
	_, err := e.client.CreateDatasetImportJob(ctx, in, opts...)
	return err
}

// red26bWarm runs one import of the scene's DataLocation, which must pass:
// the guard's location memo, bucket and object caches and dataset cache
// then hold it.
func red26bWarm(t *testing.T, e *env) {
	t.Helper()
	if err := red26bImport(e, t.Context(), "warm", "", e.scene.DataLocation); err != nil {
		t.Fatalf("warming import: %v", err)
	}
	e.srv.ResetRequests()
}

// TestRed26bMemoizedLocationNeighbours: after an import of the scene's
// DataLocation passed (so the one-entry location memo, the bucket state's
// location report, the object check and the dataset lookup hold it),
// locations that differ from it only late, by case, by percent-encoding,
// by a control or non-UTF-8 byte, by credentials or scheme, or in the
// bucket name's reserved forms are each refused with their own rule at the
// field, before anything is sent, and neither the error, the audit log nor
// the emulated AWS carries the value's distinctive part.
func TestRed26bMemoizedLocationNeighbours(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	red26bWarm(t, e)
	b := e.scene.Bucket
	const field = "DataSource.DataLocation"
	tests := []struct {
		name        string
		loc, canary string
		rule        string
	}{
		{"an encoded presigned query after the key", e.scene.DataLocation + "%3FX-Amz-Signature%3Dr26sig", "r26sig", s3guard.RuleLocationQuery},
		{"a raw presigned query after the key", e.scene.DataLocation + "?X-Amz-Credential=r26cred", "r26cred", s3guard.RuleLocationQuery},
		{"an encoded fragment after the key", e.scene.DataLocation + "%23r26frag", "r26frag", s3guard.RuleLocationKey},
		{"an encoded e-mail address late in the key", "s3://" + b + "/interactions-r26.doe%40example.com.csv", "r26.doe", "sensitive.email"},
		{"a doubly encoded e-mail address", "s3://" + b + "/interactions-r26.doe%2540example.com.csv", "r26.doe", "sensitive.email"},
		{"the scheme in upper case", "S3://" + b + "/interactions.csv", "S3://", s3guard.RuleLocationScheme},
		{"the bucket in upper case", "s3://" + strings.ToUpper(b) + "/interactions.csv", strings.ToUpper(b), s3guard.RuleLocationBucketName},
		{"a C1 control character at the end", e.scene.DataLocation + "\u0085", "\u0085", s3guard.RuleLocationControlChar},
		{"an encoded NUL at the end", e.scene.DataLocation + "%00r26nul", "r26nul", s3guard.RuleLocationControlChar},
		{"an overlong UTF-8 slash", "s3://" + b + "/r26\xc0\xafinteractions.csv", "r26\xc0\xaf", s3guard.RuleLocationEncoding},
		{"an encoded overlong UTF-8 slash", "s3://" + b + "/r26%C0%AFinteractions.csv", "r26%C0%AF", s3guard.RuleLocationEncoding},
		{"credentials in an https location", "https://r26user:r26pass@" + b + ".s3.us-east-1.amazonaws.com/interactions.csv", "r26pass", s3guard.RuleLocationCredentials},
		{"plain http", "http://" + b + ".s3.us-east-1.amazonaws.com/interactions.csv?r26", "r26", s3guard.RuleLocationInsecureScheme},
		{"an xn-- bucket", "s3://xn--r26" + b[len("xn--r26"):] + "/interactions.csv", "xn--r26", s3guard.RuleLocationBucketName},
		{"an access point alias", "s3://r26" + b[:len(b)-len("r26")-len("-s3alias")] + "-s3alias/interactions.csv", "r26" + b[:len(b)-len("r26")-len("-s3alias")], s3guard.RuleLocationBucketName},
		{"an object lambda alias", "s3://r26" + b + "--ol-s3/interactions.csv", "r26" + b + "--ol-s3", s3guard.RuleLocationBucketName},
		{"an IP address bucket", "s3://192.168.26.4/interactions.csv", "192.168.26.4", s3guard.RuleLocationBucketName},
		{"a 64-byte bucket", "s3://" + b + strings.Repeat("r", 64-len(b)) + "/interactions.csv", b + strings.Repeat("r", 64-len(b)), s3guard.RuleLocationBucketName},
		{"adjacent dots in the bucket", "s3://" + b + "..r26/interactions.csv", "..r26", s3guard.RuleLocationBucketName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.ResetRequests()
			err := red26bImport(e, t.Context(), "r26", "", tt.loc)
			got := red24Result(t, e, "CreateDatasetImportJob", err, tt.canary)
			if diff := cmp.Diff(red24Outcome{Rule: tt.rule, Field: field}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The memoized location still passes afterwards: a refusal
			// neither replaces nor spoils it.
		})
	}
}

// TestRed26bLocationReplayedElsewhere: the location memo holds a value and
// its parse, not where it passed. The scene's DataLocation, memoized by an
// import (a read, where the output allow-list does not apply), is refused
// as an output in every operation that writes (an export's, a batch job's,
// a metric attribution's) when its bucket is not in
// Policy.AllowedOutputBuckets, though a memo hit skips its parse; and a
// batch job reading it as input does not make it an allowed output.
func TestRed26bLocationReplayedElsewhere(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", AllowedOutputBuckets: []string{"r26-elsewhere"}},
		func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	red26bWarm(t, e)
	loc := e.scene.DataLocation
	dest := func() *types.S3DataConfig { return &types.S3DataConfig{Path: aws.String(loc)} }
	tests := []struct {
		name, op, field string
		call            func(ctx context.Context) error
	}{
		{"an export's output", "CreateDatasetExportJob", "JobOutput.S3DataDestination.Path", func(ctx context.Context) error {
			_, err := e.client.CreateDatasetExportJob(ctx, &sdk.CreateDatasetExportJobInput{JobName: aws.String("r26"),
				DatasetArn: aws.String(e.scene.InteractionsDatasetARN), RoleArn: aws.String(e.scene.RoleARN),
				JobOutput: &types.DatasetExportJobOutput{S3DataDestination: dest()}})
			return err
		}},
		{"a batch inference job's output, its input the same", "CreateBatchInferenceJob", "JobOutput.S3DataDestination.Path", func(ctx context.Context) error {
			_, err := e.client.CreateBatchInferenceJob(ctx, &sdk.CreateBatchInferenceJobInput{JobName: aws.String("r26"), RoleArn: aws.String(e.scene.RoleARN),
				SolutionVersionArn: aws.String(e.scene.SolutionVersionARN),
				JobInput:           &types.BatchInferenceJobInput{S3DataSource: dest()},
				JobOutput:          &types.BatchInferenceJobOutput{S3DataDestination: dest()}})
			return err
		}},
		{"a batch segment job's output, its input the same", "CreateBatchSegmentJob", "JobOutput.S3DataDestination.Path", func(ctx context.Context) error {
			_, err := e.client.CreateBatchSegmentJob(ctx, &sdk.CreateBatchSegmentJobInput{JobName: aws.String("r26"), RoleArn: aws.String(e.scene.RoleARN),
				SolutionVersionArn: aws.String(e.scene.SolutionVersionARN),
				JobInput:           &types.BatchSegmentJobInput{S3DataSource: dest()},
				JobOutput:          &types.BatchSegmentJobOutput{S3DataDestination: dest()}})
			return err
		}},
		{"a metric attribution's output", "CreateMetricAttribution", "MetricsOutputConfig.S3DataDestination.Path", func(ctx context.Context) error {
			_, err := e.client.CreateMetricAttribution(ctx, &sdk.CreateMetricAttributionInput{Name: aws.String("r26"),
				DatasetGroupArn:     aws.String(e.scene.DatasetGroupARN),
				Metrics:             []types.MetricAttribute{{EventType: aws.String("click"), Expression: aws.String("SUM(DatasetType.INTERACTIONS.EVENT_VALUE)"), MetricName: aws.String("r26")}},
				MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String(e.scene.RoleARN), S3DataDestination: dest()}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.ResetRequests()
			got := red24Result(t, e, tt.op, tt.call(t.Context()), "r26-elsewhere")
			if diff := cmp.Diff(red24Outcome{Rule: personalize.RuleBucketNotAllowed, Field: tt.field}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// red26bAfterStep is a call option whose Initialize middleware, named
// name, runs f on the import's input right after the guard's step id.
func red26bAfterStep(name, id string, f func(*sdk.CreateDatasetImportJobInput)) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Insert(middleware.InitializeMiddlewareFunc(name, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				if p, ok := in.Parameters.(*sdk.CreateDatasetImportJobInput); ok {
					f(p)
				}
				return next.HandleInitialize(ctx, in)
			}), id, middleware.After)
		})
	}
}

// red26bSwapAfterStep is a call option that, right after the guard's step
// id, sets the import's DataLocation to loc: the steps after it (the
// bucket posture check among them) see loc, the S3 location step saw the
// caller's value.
func red26bSwapAfterStep(id string, loc string) func(*sdk.Options) {
	return red26bAfterStep("Red26b:Swap", id, func(p *sdk.CreateDatasetImportJobInput) {
		if p.DataSource != nil {
			p.DataSource.DataLocation = aws.String(loc)
		}
	})
}

// TestRed26bLocationSwappedAfterCheck: a hook that changes an import's
// location after the S3 location step (before the bucket posture step,
// which takes the location step's parse from the call state, or after
// every Initialize step) to another location, one the guard memoized from
// an earlier call or one it never saw, is refused by the wire gate as a
// changed request, and nothing reaches Personalize.
func TestRed26bLocationSwappedAfterCheck(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	red26bWarm(t, e)
	dirty := e.scene.DirtyDataLocation
	if dirty == "" {
		dirty = "s3://" + e.scene.Bucket + "/dirty/interactions.csv"
	}
	// other is a second clean import source, so that a call asking for it
	// passes every Initialize check and reaches the wire gate.
	e.putEncrypted(t, "r26/interactions.csv", personalizetest.RecommendationsCSV)
	other := "s3://" + e.scene.Bucket + "/r26/interactions.csv"
	tests := []struct {
		name         string
		asked, after string
		at           string
	}{
		{"after the location step, to a location never checked", e.scene.DataLocation, "s3://" + e.scene.Bucket + "/r26/never.csv", personalize.IDS3Location},
		{"after the location step, to the dirty data", e.scene.DataLocation, dirty, personalize.IDS3Location},
		{"after the bucket posture step, to a location never checked", e.scene.DataLocation, "s3://" + e.scene.Bucket + "/r26/never.csv", personalize.IDBucketPosture},
		{"after the bucket posture step, to the memoized location", other, e.scene.DataLocation, personalize.IDBucketPosture},
		{"after the location step, to the memoized location", other, e.scene.DataLocation, personalize.IDS3Location},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.ResetRequests()
			err := red26bImport(e, t.Context(), "r26", "", tt.asked, red26bSwapAfterStep(tt.at, tt.after))
			got := red24Result(t, e, "CreateDatasetImportJob", err, tt.after)
			if diff := cmp.Diff(red24Outcome{Rule: personalize.RuleRequestChanged, Field: "DataSource.DataLocation"}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed26bCachedDatasetNeighbours: the dataset lookup cache is keyed by
// the ARN as written, and a hit skips the ARN's checks. ARNs that differ
// from the cached one in partition, Region, account, service or resource,
// by an empty part or an extra colon, are each refused at DatasetArn
// before the import is sent, their differing part in neither the error nor
// the audit log. (The guard's own DescribeDataset may carry a well-formed
// one: that is its lookup.)
func TestRed26bCachedDatasetNeighbours(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	red26bWarm(t, e)
	ds := e.scene.InteractionsDatasetARN
	head := "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":"
	rest := strings.TrimPrefix(ds, head)
	if rest == ds {
		t.Fatalf("the scene's dataset ARN does not start with %q", head)
	}
	tests := []struct {
		name, arn, canary, rule string
	}{
		{"another partition", "arn:aws-cn:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":" + rest, "aws-cn", personalize.RuleDatasetGroupLookup},
		{"another Region", "arn:aws:personalize:eu-west-1:" + personalizetest.AccountID + ":" + rest, "eu-west-1", personalize.RuleDatasetGroupLookup},
		{"another account", "arn:aws:personalize:" + personalizetest.Region + ":222233334444:" + rest, "222233334444", personalize.RuleDatasetGroupLookup},
		{"an empty Region", "arn:aws:personalize::" + personalizetest.AccountID + ":" + rest, "personalize::", personalize.RuleDatasetGroupLookup},
		{"an empty account", "arn:aws:personalize:" + personalizetest.Region + "::" + rest, "::dataset", personalize.RuleDatasetGroupLookup},
		{"an extra colon in the resource", ds[:len(ds)-len("/INTERACTIONS")] + ":r26x/INTERACTIONS", ":r26x", personalize.RuleDatasetGroupLookup},
		{"a bad Region", "arn:aws:personalize:us--r26-1:" + personalizetest.AccountID + ":" + rest, "us--r26", personalize.RulePattern},
		{"another service", "arn:aws:kms:" + personalizetest.Region + ":" + personalizetest.AccountID + ":" + rest, "aws:kms", personalize.RulePattern},
		{"the group renamed", strings.Replace(ds, "dataset/", "dataset/R26x", 1), "R26x", personalize.RuleDatasetGroupLookup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.ResetRequests()
			err := red26bImport(e, t.Context(), "r26", tt.arn, e.scene.DataLocation)
			got := red24Result(t, e, "CreateDatasetImportJob", err, tt.canary)
			got.Leaked = slices.DeleteFunc(got.Leaked, func(s string) bool { return s == "wire" }) // the lookup's own
			if len(got.Leaked) == 0 {
				got.Leaked = nil
			}
			if diff := cmp.Diff(red24Outcome{Rule: tt.rule, Field: "DatasetArn"}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// The cached dataset still passes the guard after its neighbours were
	// refused (the emulator then refuses a second import in progress).
	var sg *personalize.SafeguardError
	if err := red26bImport(e, t.Context(), "again", "", e.scene.DataLocation); errors.As(err, &sg) {
		t.Errorf("the warmed import again: %v", err)
	}
}

// TestRed26bConcurrentImportsOnOneGuard: calls on one guarded client at
// once, each with its own import source: the clean DataLocation, the
// scene's dirty data in the same bucket, and a location in a bucket that
// does not exist. The location memo and the call state's parsed locations
// are per guard and per call: every dirty or missing source is refused with
// its own rule at its field, whatever the others passed, and the clean one
// is never refused by the guard.
func TestRed26bConcurrentImportsOnOneGuard(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	red26bWarm(t, e)
	dirty := "s3://" + e.scene.Bucket + "/r26dirty/interactions.csv"
	e.putEncrypted(t, "r26dirty/interactions.csv", personalizetest.DirtyInteractionsCSV)
	missing := "s3://r26-missing-bucket/interactions.csv"
	outcome := func(err error) string {
		var sg *personalize.SafeguardError
		if !errors.As(err, &sg) {
			return "not refused by the guard"
		}
		return sg.Rule + " at " + sg.Field
	}
	// Each source's answer alone, on the warm guard.
	want := map[string]string{}
	for _, loc := range []string{e.scene.DataLocation, dirty, missing} {
		want[loc] = outcome(red26bImport(e, t.Context(), "r26", "", loc))
	}
	if want[e.scene.DataLocation] != "not refused by the guard" || !strings.HasPrefix(want[dirty], personalize.RuleImportScanPrefix) ||
		want[missing] == "not refused by the guard" {
		t.Fatalf("alone: %v; want the clean source passed, the dirty one refused by the scan, the missing bucket refused", want)
	}
	t.Logf("alone: %v", want)
	locs := []string{e.scene.DataLocation, dirty, missing}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var diffs []string
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 30 {
				loc := locs[(w+r)%len(locs)]
				if got := outcome(red26bImport(e, t.Context(), "r26", "", loc)); got != want[loc] {
					mu.Lock()
					diffs = append(diffs, loc+": want "+want[loc]+", got "+got)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, d := range diffs {
		t.Error(d)
	}
}

// red26bInPlaceAfterStep is a call option that, right after the guard's
// step id, overwrites the bytes of the import's DataLocation with with (as
// long): a caller whose input strings are made with unsafe over a buffer
// it reuses while the call runs (see rewriteInPlace).
func red26bInPlaceAfterStep(id, with string) func(*sdk.Options) {
	return red26bAfterStep("Red26b:InPlace"+id, id, func(p *sdk.CreateDatasetImportJobInput) {
		if p.DataSource != nil && p.DataSource.DataLocation != nil {
			overwrite(*p.DataSource.DataLocation, with)
		}
	})
}

// TestRed26bLocationBytesSwappedAroundPosture: the S3 location step hands
// its parse of a location to the bucket posture step. When the caller's
// bytes of the location change after the location step (to clean data)
// and change back after the posture step (to the dirty data the location
// step saw and noted), the posture check and the import scan must still
// have judged the location the body carries: the import of the dirty data
// is refused, not sent. The location is not the memoized one (a miss
// returns the parse of the caller's string).
func TestRed26bLocationBytesSwappedAroundPosture(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	red26bWarm(t, e)
	dirty := "s3://" + e.scene.Bucket + "/r26dirty/interactions.csv"
	clean := "s3://" + e.scene.Bucket + "/r26clean/interactions.csv"
	e.putEncrypted(t, "r26dirty/interactions.csv", personalizetest.DirtyInteractionsCSV)
	e.putEncrypted(t, "r26clean/interactions.csv", personalizetest.RecommendationsCSV)
	if err := red26bImport(e, t.Context(), "r26", "", clean); err != nil && errors.As(err, new(*personalize.SafeguardError)) {
		t.Fatalf("the clean source alone: %v", err)
	}
	e.srv.ResetRequests()
	in := importInput(e, "r26")
	in.DatasetArn = aws.String(e.scene.InteractionsDatasetARN)
	in.DataSource.DataLocation = red25Mutable(dirty)
	_, err := e.client.CreateDatasetImportJob(t.Context(), in,
		red26bInPlaceAfterStep(personalize.IDS3Location, clean), red26bInPlaceAfterStep(personalize.IDBucketPosture, dirty))
	got := red24Result(t, e, "CreateDatasetImportJob", err, "r26dirty")
	got.Leaked = slices.DeleteFunc(got.Leaked, func(s string) bool { return s == "wire" }) // the guard's own S3 calls name the object
	if len(got.Leaked) == 0 {
		got.Leaked = nil
	}
	if got.Rule == "sent" || strings.HasPrefix(got.Rule, "not a refusal") {
		t.Fatalf("the dirty import went out after its bytes were swapped around the posture step: %+v", got)
	}
	// The scan read the dirty data the location step saw and the body carries.
	if diff := cmp.Diff(red24Outcome{Rule: "datascan.identifier.email", Field: "DataSource.DataLocation"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRed26bDatasetBytesChangedAfterCheck: the dataset group key step notes
// the import's dataset for the wire gate, which refuses a body naming
// another. When the caller's bytes of DatasetArn change after the
// Initialize checks (to a dataset of another group, whose key nobody
// checked), the note must not change with them: the call is refused as
// changed, and nothing reaches Personalize.
func TestRed26bDatasetBytesChangedAfterCheck(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	red26bWarm(t, e)
	ds := e.scene.InteractionsDatasetARN
	i := strings.Index(ds, ":dataset/") + len(":dataset/")
	other := ds[:i] + "r26" + ds[i+3:] // another group's dataset, as long
	in := importInput(e, "r26")
	in.DatasetArn = red25Mutable(ds)
	in.DataSource.DataLocation = aws.String(e.scene.DataLocation)
	swap := red26bAfterStep("Red26b:Dataset", personalize.IDBucketPosture, func(p *sdk.CreateDatasetImportJobInput) {
		if p.DatasetArn != nil {
			overwrite(*p.DatasetArn, other)
		}
	})
	e.srv.ResetRequests()
	_, err := e.client.CreateDatasetImportJob(t.Context(), in, swap)
	got := red24Result(t, e, "CreateDatasetImportJob", err, other)
	if diff := cmp.Diff(red24Outcome{Rule: personalize.RuleRequestChanged, Field: "DatasetArn"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
