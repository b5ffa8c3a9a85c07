package personalize_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// red24Outcome is what a hostile call came to: the refusal's rule and
// field (or "sent"), and where, if anywhere, the canary showed.
type red24Outcome struct {
	Rule, Field string
	Leaked      []string
}

// red24Result reads err and e into an outcome; the operation the call made
// must not have reached the emulated Personalize when refused.
func red24Result(t *testing.T, e *env, op string, err error, canary string) red24Outcome {
	t.Helper()
	var got red24Outcome
	var sg *personalize.SafeguardError
	switch {
	case errors.As(err, &sg):
		got.Rule, got.Field = sg.Rule, sg.Field
		for _, sent := range e.personalizeCalls() {
			if sent == op {
				got.Leaked = append(got.Leaked, "sent")
			}
		}
	case err != nil:
		got.Rule = "not a refusal: " + err.Error()
	default:
		got.Rule = "sent"
	}
	if strings.Contains(errText(err), canary) {
		got.Leaked = append(got.Leaked, "error")
	}
	if strings.Contains(e.auditLog(), canary) {
		got.Leaked = append(got.Leaked, "audit")
	}
	if e.srv.Seen(canary) {
		got.Leaked = append(got.Leaked, "wire")
	}
	return got
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// afterSigning is a per-call option with a Finalize middleware after the
// signer's that changes the signed request.
func afterSigning(f func(r *smithyhttp.Request)) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("Red24:AfterSigning", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
				middleware.FinalizeOutput, middleware.Metadata, error,
			) {
				f(in.Request.(*smithyhttp.Request))
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
		})
	}
}

// listAfterWarmHook sends ListDatasetGroups through a new guarded client
// twice, to warm the gate's memo (the Authorization head, the headers' last
// values, the path), then once more with hook after signing, and returns
// that call's red24Result for canary.
func listAfterWarmHook(t *testing.T, hook func(r *smithyhttp.Request), canary string) red24Outcome {
	t.Helper()
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := t.Context()
	for range 2 {
		if _, err := e.client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	e.srv.ResetRequests()
	_, err := e.client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}, afterSigning(hook))
	return red24Result(t, e, "ListDatasetGroups", err, canary)
}

// createAfterWarmRewrite sends in("warm-1") and in("warm-2") through a new
// guarded client, so that its memo and passed lists are warm, then
// in("movies") with the body's old text replaced by new after signing
// (dataplanetest.RewriteBodyAfterSigning), and returns the client's env and
// that call's error.
func createAfterWarmRewrite(t *testing.T, in func(name string) *sdk.CreateDatasetGroupInput, old, new string) (*env, error) {
	t.Helper()
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := t.Context()
	for _, name := range []string{"warm-1", "warm-2"} {
		if _, err := e.client.CreateDatasetGroup(ctx, in(name)); err != nil {
			t.Fatal(err)
		}
	}
	e.srv.ResetRequests()
	_, err := e.client.CreateDatasetGroup(ctx, in("movies"), func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, old, new))
	})
	return e, err
}

// TestRed24WarmMemoShortcuts: gate21's shortcuts (the Authorization memo,
// the headers answered from their place's last value, RawPath equal to Path
// not read again, an empty Host skipped) answer only once the memo is warm.
// Two clean calls warm it; then a hook after signing puts the canary in
// each place the shortcuts cover. Every one is refused, nothing reaches
// the endpoint, no value is echoed.
func TestRed24WarmMemoShortcuts(t *testing.T) {
	const canary = canaryEmail
	hexCanary := "deadbeef" + strings.Repeat("0", 56-len(canary)) + canary // 64 bytes, not hex
	tests := []struct {
		name string
		hook func(r *smithyhttp.Request)
		want red24Outcome
	}{
		{name: "signature of the memo's head replaced by 64 bytes holding the canary",
			hook: func(r *smithyhttp.Request) {
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:len(a)-64]+hexCanary)
			},
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}},
		{name: "signature upper-cased hex after the memo's head",
			hook: func(r *smithyhttp.Request) {
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:len(a)-64]+strings.ToUpper(a[len(a)-64:]))
			},
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}},
		{name: "a second Authorization value holding the canary",
			hook: func(r *smithyhttp.Request) {
				r.Header.Add("Authorization", "Bearer "+canary)
			},
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "header"}},
		{name: "memo's head with the canary in the signed header names",
			hook: func(r *smithyhttp.Request) {
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", strings.Replace(a, "SignedHeaders=", "SignedHeaders=x-ssn-123-45-6789;", 1))
			},
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}},
		{name: "User-Agent replaced",
			hook: func(r *smithyhttp.Request) { r.Header.Set("User-Agent", "app/"+canary) },
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}},
		{name: "User-Agent given a second value",
			hook: func(r *smithyhttp.Request) { r.Header.Add("User-Agent", canary) },
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}},
		{name: "Content-Type with the canary after the usual value",
			hook: func(r *smithyhttp.Request) {
				r.Header.Set("Content-Type", r.Header.Get("Content-Type")+"; owner="+canary)
			},
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}},
		{name: "X-Amz-Date given a second value",
			hook: func(r *smithyhttp.Request) { r.Header.Add("X-Amz-Date", canary) },
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}},
		{name: "RawPath differs from the clean Path",
			hook: func(r *smithyhttp.Request) { r.URL.RawPath = "/" + canary },
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "path"}},
		{name: "query after the clean Path",
			hook: func(r *smithyhttp.Request) { r.URL.RawQuery = "owner=" + canary },
			want: red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := listAfterWarmHook(t, tt.hook, canary)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed24WireBodyMembers: walk21's member lookup (jsonscan.NextKeyIn in
// table order, the fallback to Next and a lookup by name) against a hook
// after signing that rewrites a warm client's CreateDatasetGroup body:
// duplicates in every spelling, members out of order, whitespace, unknown
// members, long strings, escapes in names and values. Each is refused.
func TestRed24WireBodyMembers(t *testing.T) {
	const canary = canaryEmail
	long := strings.Repeat("a", 200)
	tests := []struct {
		name, new string
		want      red24Outcome
	}{
		{name: "the name twice, plain",
			new:  `"name":"movies","name":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "Name"}},
		{name: "the name twice, the second escaped",
			new:  `"name":"movies","n\u0061me":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "Name"}},
		{name: "the name twice, the second in another case",
			new:  `"name":"movies","NAME":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "Name"}},
		{name: "the name twice, the first escaped",
			new:  `"n\u0061me":"` + canary + `","name":"movies"`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Name"}},
		{name: "the name with whitespace around it",
			new:  ` "name" : "` + canary + `" `,
			want: red24Outcome{Rule: "sensitive.email", Field: "Name"}},
		{name: "the name as a long plain string",
			new:  `"name":"` + long + canary + long + `"`,
			want: red24Outcome{Rule: "model.name-pattern", Field: "Name"}},
		{name: "a tag value as a long plain string",
			new:  `"name":"movies","tags":[{"tagKey":"owner","tagValue":"` + long + " " + canary + `"}]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "a member before the ones already read",
			new:  `"name":"movies","domain":"` + canary + `"`,
			want: red24Outcome{Rule: "model.enum", Field: "Domain"}},
		{name: "a tag list before the name",
			new:  `"tags":[{"tagKey":"owner","tagValue":"` + canary + `"}],"name":"movies"`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "an unknown member with a plain name",
			new:  `"name":"movies","owner":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}},
		{name: "an unknown member whose name starts as a known one's",
			new:  `"name":"movies","nameX":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}},
		{name: "an unknown member whose name is a known one's prefix",
			new:  `"name":"movies","nam":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}},
		{name: "a long unknown member name",
			new:  `"name":"movies","` + long + `":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}},
		{name: "a tag with an escaped key name and an account number",
			new:  `"name":"movies","tags":[{"t\u0061gKey":"acct","tagValue":"912803456"}]`,
			want: red24Outcome{Rule: "sensitive.account-number", Field: "Tags[0].TagValue"}},
		{name: "a tag's value before its key",
			new:  `"name":"movies","tags":[{"tagValue":"912803456","tagKey":"acct"}]`,
			want: red24Outcome{Rule: "sensitive.account-number", Field: "Tags[0].TagValue"}},
		{name: "a tag's value as a number",
			new:  `"name":"movies","tags":[{"tagKey":"acct","tagValue":912803456}]`,
			want: red24Outcome{Rule: "sensitive.account-number", Field: "Tags[0].TagValue"}},
		{name: "deep arrays in an unknown member",
			new:  `"name":"movies","owner":[[[[[[[[{"x":"` + canary + `"}]]]]]]]]`,
			want: red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := createAfterWarmRewrite(t, func(name string) *sdk.CreateDatasetGroupInput {
				return &sdk.CreateDatasetGroupInput{Name: aws.String(name)}
			}, `"name":"movies"`, tt.new)
			got := red24Result(t, e, "CreateDatasetGroup", err, "912803456")
			got2 := red24Result(t, e, "CreateDatasetGroup", err, canary)
			got.Leaked = append(got.Leaked, got2.Leaked...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed24StepsOfOtherOperations: 206ff4c puts on each operation's stack
// only the steps that act on it. A hook that takes a guard's step off one
// operation's stack and puts it on another's (where it is not expected),
// or takes one off where it is, is refused as a bypass; nothing is sent.
func TestRed24StepsOfOtherOperations(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := t.Context()
	// A step of CreateDatasetGroup's stack (one with a key place), kept.
	var kmsStep, s3Step middleware.InitializeMiddleware
	grab := func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			if m, ok := stack.Initialize.Get(personalize.IDKMSKey); ok {
				kmsStep = m
			}
			if m, ok := stack.Initialize.Get(personalize.IDS3Location); ok {
				s3Step = m
			}
			return nil
		})
	}
	if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, grab); err != nil {
		t.Fatal(err)
	}
	solution := "arn:aws:personalize:us-east-1:111122223333:solution/s"
	if _, err := e.client.CreateBatchSegmentJob(ctx, &sdk.CreateBatchSegmentJobInput{JobName: aws.String("j"), RoleArn: aws.String(e.scene.RoleARN),
		SolutionVersionArn: aws.String(solution + "/1"),
		JobInput:           &types.BatchSegmentJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String("s3://" + e.scene.Bucket + "/in.json")}},
		JobOutput:          &types.BatchSegmentJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation)}},
	}, grab); err == nil && s3Step == nil {
		t.Fatal("no S3 location step on a batch job's stack")
	}
	if kmsStep == nil || s3Step == nil {
		t.Fatalf("steps grabbed: KMS %v, S3 %v", kmsStep != nil, s3Step != nil)
	}
	addStep := func(m middleware.InitializeMiddleware) func(*sdk.Options) {
		return func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
				return stack.Initialize.Add(m, middleware.After)
			})
		}
	}
	removeStep := func(id string) func(*sdk.Options) {
		return func(o *sdk.Options) {
			o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
				_, err := stack.Initialize.Remove(id)
				return err
			})
		}
	}
	tests := []struct {
		name string
		opt  func(*sdk.Options)
		call func(opt func(*sdk.Options)) error
		want red24Outcome
	}{
		{name: "the KMS key step added to CreateSchema's stack", opt: addStep(kmsStep),
			call: func(opt func(*sdk.Options)) error {
				_, err := e.client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String("s"), Schema: aws.String(`{"type":"record","name":"r","fields":[]}`)}, opt)
				return err
			},
			want: red24Outcome{Rule: personalize.RuleBypassed}},
		{name: "the S3 location step added to ListDatasetGroups' stack", opt: addStep(s3Step),
			call: func(opt func(*sdk.Options)) error {
				_, err := e.client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}, opt)
				return err
			},
			want: red24Outcome{Rule: personalize.RuleBypassed}},
		{name: "the field content step removed from a no-key operation's stack", opt: removeStep(personalize.IDFieldContent),
			call: func(opt func(*sdk.Options)) error {
				_, err := e.client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String("s"), Schema: aws.String(`{"type":"record","name":"r","fields":[]}`)}, opt)
				return err
			},
			want: red24Outcome{Rule: personalize.RuleBypassed}},
		{name: "the KMS key step removed from CreateDatasetGroup's stack", opt: removeStep(personalize.IDKMSKey),
			call: func(opt func(*sdk.Options)) error {
				_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, opt)
				return err
			},
			want: red24Outcome{Rule: personalize.RuleBypassed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.ResetRequests()
			err := tt.call(tt.opt)
			got := red24Result(t, e, "", err, "no canary")
			got.Field = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if sent := e.personalizeCalls(); len(sent) > 0 && !(len(sent) == 1 && sent[0] == "DescribeDataset") {
				t.Errorf("sent %v", sent)
			}
		})
	}
}

// TestRed24InjectionLeavesCallerInput: typed21's generated setters put the
// configured key and role in a copy of the input. The caller's input,
// nested structures included, is as it was after the call; a hook that
// writes through the key pointer the guard put in one call's copy changes
// no later call's key (the call it ran in is refused at the wire).
func TestRed24InjectionLeavesCallerInput(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "red24" })
	ctx := t.Context()
	attribution := func() *sdk.CreateMetricAttributionInput {
		return &sdk.CreateMetricAttributionInput{Name: aws.String("red24"), DatasetGroupArn: aws.String(e.scene.DatasetGroupARN),
			Metrics:             []types.MetricAttribute{{EventType: aws.String("click"), Expression: aws.String("SUM(DatasetType.INTERACTIONS.EVENT_VALUE)"), MetricName: aws.String("revenue")}},
			MetricsOutputConfig: &types.MetricAttributionOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation)}}}
	}
	group := func() *sdk.CreateDatasetGroupInput { return &sdk.CreateDatasetGroupInput{Name: aws.String("red24")} }
	for _, tt := range []struct {
		name string
		call func() (in, want any, err error)
	}{
		{name: "metric attribution: key and role put in a nested structure", call: func() (any, any, error) {
			in := attribution()
			_, err := e.client.CreateMetricAttribution(ctx, in)
			return in, attribution(), err
		}},
		{name: "dataset group: key and role put in the input", call: func() (any, any, error) {
			in := group()
			_, err := e.client.CreateDatasetGroup(ctx, in)
			return in, group(), err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in, want, err := tt.call()
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				t.Fatalf("refused: %v", err)
			}
			if diff := cmp.Diff(want, in, cmpUnexported()); diff != "" {
				t.Errorf("the caller's input changed (-before +after):\n%s", diff)
			}
		})
	}

	// A hook after the guard's steps writes another key through the pointer
	// the guard put in; the next call must carry the configured key.
	other := "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
	overwrite := func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("Red24:Overwrite", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				if p, ok := in.Parameters.(*sdk.CreateDatasetGroupInput); ok && p.KmsKeyArn != nil {
					*p.KmsKeyArn = other
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		})
	}
	e.srv.ResetRequests()
	_, err := e.client.CreateDatasetGroup(ctx, group(), overwrite)
	if got := red24Result(t, e, "CreateDatasetGroup", err, other); got.Rule != personalize.RuleRequestChanged || len(got.Leaked) > 0 {
		t.Errorf("a key written through the injected pointer: %+v, want refused by %s, nothing leaked", got, personalize.RuleRequestChanged)
	}
	var sent string
	capture := func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("Red24:Capture", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				if p, ok := in.Parameters.(*sdk.CreateDatasetGroupInput); ok {
					sent = aws.ToString(p.KmsKeyArn)
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		})
	}
	if _, err := e.client.CreateDatasetGroup(ctx, group(), capture); err != nil {
		var sg *personalize.SafeguardError
		if errors.As(err, &sg) {
			t.Fatalf("the next call refused: %v", err)
		}
	}
	if sent != e.scene.KeyARN {
		t.Errorf("the next call's key = %q, want the configured key", sent)
	}
}

// cmpUnexported ignores the SDK types' unexported markers.
func cmpUnexported() cmp.Option {
	return cmpopts.IgnoreUnexported(sdk.CreateMetricAttributionInput{}, types.MetricAttribute{}, types.MetricAttributionOutput{},
		types.S3DataConfig{}, sdk.CreateDatasetGroupInput{})
}
