package personalize

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/document"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

var ignoreSDK = cmpopts.IgnoreTypes(document.NoSerde{})

func s3cfg(path, key string) *types.S3DataConfig {
	c := &types.S3DataConfig{Path: aws.String(path)}
	if key != "" {
		c.KmsKeyArn = aws.String(key)
	}
	return c
}

func TestKeyInjection(t *testing.T) {
	keyed := Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN, AllowedKMSKeyARNs: []string{otherKeyARN}}
	const aliasARN = "arn:aws:kms:us-east-1:111122223333:alias/personalize"
	tests := []struct {
		name      string
		policy    Policy
		op        string
		in        func() any // built twice: once to send, once to prove the first was not changed
		want      any        // what next sees; nil when refused
		wantRule  string
		wantField string
		reason    string
	}{
		{
			name: "dataset group gets key and role", policy: keyed, op: "CreateDatasetGroup",
			in:     func() any { return &sdk.CreateDatasetGroupInput{Name: aws.String("movies")} },
			want:   &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(testKeyARN), RoleArn: aws.String(testRoleARN)},
			reason: "an empty key field receives the configured key, and the role that goes with it",
		},
		{
			name: "explicit configured key gets the role", policy: keyed, op: "CreateDatasetGroup",
			in: func() any {
				return &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(testKeyARN)}
			},
			want:   &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(testKeyARN), RoleArn: aws.String(testRoleARN)},
			reason: "AWS requires RoleArn with KmsKeyArn",
		},
		{
			name: "caller's role is kept", policy: keyed, op: "CreateDatasetGroup",
			in: func() any {
				return &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), RoleArn: aws.String("arn:aws:iam::111122223333:role/Other")}
			},
			want:   &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(testKeyARN), RoleArn: aws.String("arn:aws:iam::111122223333:role/Other")},
			reason: "injection fills gaps and never overrides",
		},
		{
			name: "allow-listed key", policy: keyed, op: "CreateDatasetGroup",
			in: func() any {
				return &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(otherKeyARN)}
			},
			want:   &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(otherKeyARN), RoleArn: aws.String(testRoleARN)},
			reason: "AllowedKMSKeyARNs may be named explicitly",
		},
		{
			name: "foreign key refused", policy: keyed, op: "CreateDatasetGroup",
			in: func() any {
				return &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String("arn:aws:kms:us-east-1:444455556666:key/11111111-2222-3333-4444-555555555555")}
			},
			wantRule: RuleKMSKeyNotAllowed, wantField: "KmsKeyArn", reason: "a key outside the policy is refused",
		},
		{
			name: "alias refused", policy: keyed, op: "CreateDatasetGroup",
			in: func() any {
				return &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(aliasARN)}
			},
			wantRule: RuleKMSKeyARN, wantField: "KmsKeyArn", reason: "Personalize's model takes a key ARN, not an alias",
		},
		{
			name: "role without key", policy: Policy{InsecureAllowUnencryptedDatasetGroups: true}, op: "CreateDatasetGroup",
			in: func() any {
				return &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), RoleArn: aws.String(testRoleARN)}
			},
			wantRule: RuleKMSRoleWithoutKey, wantField: "RoleArn", reason: "AWS would accept the call and fail later",
		},
		{
			name: "caller's key without any role", policy: Policy{AllowedKMSKeyARNs: []string{otherKeyARN}}, op: "CreateDatasetGroup",
			in: func() any {
				return &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(otherKeyARN)}
			},
			wantRule: RuleKMSKeyWithoutRole, wantField: "RoleArn", reason: "Personalize needs a role to use the key; refused before any network check",
		},
		{
			name: "no key configured, none given", policy: Policy{}, op: "CreateDatasetGroup",
			in:       func() any { return &sdk.CreateDatasetGroupInput{Name: aws.String("movies")} },
			wantRule: RuleKMSKeyRequired, wantField: "KmsKeyArn", reason: "the zero Policy creates no dataset group without a customer managed key",
		},
		{
			name: "no key configured, none given, unencrypted allowed", policy: Policy{InsecureAllowUnencryptedDatasetGroups: true}, op: "CreateDatasetGroup",
			in:     func() any { return &sdk.CreateDatasetGroupInput{Name: aws.String("movies")} },
			want:   &sdk.CreateDatasetGroupInput{Name: aws.String("movies")},
			reason: "with the Insecure field, SSE with AWS's key is the caller's choice",
		},
		{
			name: "batch inference both places", policy: keyed, op: "CreateBatchInferenceJob",
			in: func() any {
				return &sdk.CreateBatchInferenceJobInput{JobName: aws.String("nightly"),
					JobInput:  &types.BatchInferenceJobInput{S3DataSource: s3cfg("s3://in-bucket/users.json", "")},
					JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: s3cfg("s3://out-bucket/recs/", "")}}
			},
			want: &sdk.CreateBatchInferenceJobInput{JobName: aws.String("nightly"),
				JobInput:  &types.BatchInferenceJobInput{S3DataSource: s3cfg("s3://in-bucket/users.json", testKeyARN)},
				JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: s3cfg("s3://out-bucket/recs/", testKeyARN)}},
			reason: "both S3DataConfig places of a batch job",
		},
		{
			name: "batch segment keeps caller's allowed key", policy: keyed, op: "CreateBatchSegmentJob",
			in: func() any {
				return &sdk.CreateBatchSegmentJobInput{
					JobInput:  &types.BatchSegmentJobInput{S3DataSource: s3cfg("s3://in-bucket/items.json", otherKeyARN)},
					JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: s3cfg("s3://out-bucket/segments/", "")}}
			},
			want: &sdk.CreateBatchSegmentJobInput{
				JobInput:  &types.BatchSegmentJobInput{S3DataSource: s3cfg("s3://in-bucket/items.json", otherKeyARN)},
				JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: s3cfg("s3://out-bucket/segments/", testKeyARN)}},
			reason: "only the empty place is filled",
		},
		{
			name: "export output", policy: keyed, op: "CreateDatasetExportJob",
			in: func() any {
				return &sdk.CreateDatasetExportJobInput{JobOutput: &types.DatasetExportJobOutput{S3DataDestination: s3cfg("s3://out-bucket/export/", "")}}
			},
			want:   &sdk.CreateDatasetExportJobInput{JobOutput: &types.DatasetExportJobOutput{S3DataDestination: s3cfg("s3://out-bucket/export/", testKeyARN)}},
			reason: "exports are written with the customer's key",
		},
		{
			name: "metric attribution create", policy: keyed, op: "CreateMetricAttribution",
			in: func() any {
				return &sdk.CreateMetricAttributionInput{MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String(testRoleARN), S3DataDestination: s3cfg("s3://out-bucket/metrics/", "")}}
			},
			want: &sdk.CreateMetricAttributionInput{MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String(testRoleARN),
				S3DataDestination: s3cfg("s3://out-bucket/metrics/", testKeyARN)}},
			reason: "metric reports are written with the customer's key",
		},
		{
			name: "metric attribution update refuses foreign key", policy: keyed, op: "UpdateMetricAttribution",
			in: func() any {
				return &sdk.UpdateMetricAttributionInput{MetricsOutputConfig: &types.MetricAttributionOutput{
					S3DataDestination: s3cfg("s3://out-bucket/metrics/", "arn:aws:kms:us-east-1:444455556666:key/11111111-2222-3333-4444-555555555555")}}
			},
			wantRule: RuleKMSKeyNotAllowed, wantField: "MetricsOutputConfig.S3DataDestination.KmsKeyArn", reason: "the field path names the nested place",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := testGuard(t, tt.policy)
			in := tt.in()
			seen, err := runInitializeNext(g.stepByID(IDKMSKey), tt.op, in)
			if tt.wantRule != "" {
				var sg *SafeguardError
				if !errors.As(err, &sg) || sg.Rule != tt.wantRule || sg.Field != tt.wantField {
					t.Fatalf("got %v, want rule %s at %s (%s)", err, tt.wantRule, tt.wantField, tt.reason)
				}
				if seen != nil {
					t.Errorf("next ran after a refusal")
				}
			} else {
				if err != nil {
					t.Fatalf("unexpected error %v (%s)", err, tt.reason)
				}
				if diff := cmp.Diff(tt.want, seen, ignoreSDK); diff != "" {
					t.Errorf("parameters next saw mismatch (-want +got) (%s):\n%s", tt.reason, diff)
				}
			}
			if diff := cmp.Diff(tt.in(), in, ignoreSDK); diff != "" {
				t.Errorf("the caller's input was modified (-want +got):\n%s", diff)
			}
		})
	}
}

func TestS3Locations(t *testing.T) {
	const canary = "wJalrXUtnFEMI-K7MDENG-hunter2"
	tests := []struct {
		name      string
		policy    Policy
		op        string
		in        any
		wantRule  string
		wantField string
	}{
		{"s3 url", Policy{}, "CreateDatasetImportJob",
			&sdk.CreateDatasetImportJobInput{DataSource: &types.DataSource{DataLocation: aws.String("s3://data-bucket/interactions.csv")}}, "", ""},
		{"https virtual-hosted", Policy{}, "CreateDatasetImportJob",
			&sdk.CreateDatasetImportJobInput{DataSource: &types.DataSource{DataLocation: aws.String("https://data-bucket.s3.us-east-1.amazonaws.com/interactions.csv")}}, "", ""},
		{"plain http", Policy{}, "CreateDatasetImportJob",
			&sdk.CreateDatasetImportJobInput{DataSource: &types.DataSource{DataLocation: aws.String("http://data-bucket.s3.amazonaws.com/x.csv")}},
			s3guard.RuleLocationInsecureScheme, "DataSource.DataLocation"},
		{"userinfo", Policy{}, "CreateDataDeletionJob",
			&sdk.CreateDataDeletionJobInput{DataSource: &types.DataSource{DataLocation: aws.String("https://AKIAIOSFODNN7EXAMPLE:" + canary + "@data-bucket.s3.amazonaws.com/x.csv")}},
			s3guard.RuleLocationCredentials, "DataSource.DataLocation"},
		{"presigned", Policy{}, "CreateDatasetExportJob",
			&sdk.CreateDatasetExportJobInput{JobOutput: &types.DatasetExportJobOutput{S3DataDestination: s3cfg(
				"https://out-bucket.s3.amazonaws.com/export/?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE&X-Amz-Signature="+canary, "")}},
			s3guard.RuleLocationQuery, "JobOutput.S3DataDestination.Path"},
		{"output bucket allow-list", Policy{AllowedOutputBuckets: []string{"approved-bucket"}}, "CreateBatchInferenceJob",
			&sdk.CreateBatchInferenceJobInput{
				JobInput:  &types.BatchInferenceJobInput{S3DataSource: s3cfg("s3://any-input-bucket/in.json", "")},
				JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: s3cfg("s3://elsewhere-bucket/out/", "")}},
			RuleBucketNotAllowed, "JobOutput.S3DataDestination.Path"},
		{"card number in the object key", Policy{}, "CreateDatasetImportJob",
			&sdk.CreateDatasetImportJobInput{DataSource: &types.DataSource{DataLocation: aws.String("s3://data-bucket/customers/4111111111111111.csv")}},
			"sensitive.credit-card", "DataSource.DataLocation"},
		{"allow-listed output", Policy{AllowedOutputBuckets: []string{"approved-bucket"}}, "CreateMetricAttribution",
			&sdk.CreateMetricAttributionInput{MetricsOutputConfig: &types.MetricAttributionOutput{S3DataDestination: s3cfg("s3://approved-bucket/metrics/", "")}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := testGuard(t, tt.policy)
			seen, err := runInitializeNext(g.stepByID(IDS3Location), tt.op, tt.in)
			if tt.wantRule == "" {
				if err != nil || seen == nil {
					t.Fatalf("got %v, want the request to pass", err)
				}
				return
			}
			var sg *SafeguardError
			if !errors.As(err, &sg) || sg.Rule != tt.wantRule || sg.Field != tt.wantField {
				t.Fatalf("got %v, want rule %s at %s", err, tt.wantRule, tt.wantField)
			}
			if containsAnyOf(err.Error(), canary, "AKIAIOSFODNN7EXAMPLE", "elsewhere-bucket", "4111111111111111") {
				t.Errorf("error %q echoes part of the location", err)
			}
		})
	}
}

func TestReportOnly(t *testing.T) {
	logger, logs := jsonLogger()
	g := testGuard(t, Policy{InsecureReportOnly: true, Logger: logger})
	in := &sdk.CreateDatasetGroupInput{Name: aws.String("acct-12345678"), Tags: []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String("4111 1111 1111 1111")}}}
	ctx, st := newStateCtx()
	seen, err := runInitializeNextCtx(ctx, g.stepByID(IDFieldContent), "CreateDatasetGroup", in)
	if err != nil || seen == nil {
		t.Fatalf("report-only content check = %v, want the call to go on", err)
	}
	var got []string
	for _, r := range st.reported {
		got = append(got, r.Rule+"@"+r.Field)
	}
	want := []string{"sensitive.account-number@Name", "sensitive.credit-card@Tags[0].TagValue"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported violations mismatch (-want +got):\n%s", diff)
	}
	if strings.Contains(logs.String(), "12345678") {
		t.Errorf("log echoes the value: %s", logs)
	}
}

func TestNewRefusesBadPolicy(t *testing.T) {
	tests := []struct {
		name      string
		region    string
		policy    Policy
		wantField string
	}{
		{"alias instead of key", testRegion, Policy{KMSKeyARN: "arn:aws:kms:us-east-1:111122223333:alias/personalize", RoleARN: testRoleARN}, "KMSKeyARN"},
		{"alias name", testRegion, Policy{KMSKeyARN: "alias/personalize", RoleARN: testRoleARN}, "KMSKeyARN"},
		{"key in another Region", testRegion, Policy{KMSKeyARN: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", RoleARN: testRoleARN}, "KMSKeyARN"},
		{"key without role", testRegion, Policy{KMSKeyARN: testKeyARN}, "RoleARN"},
		{"role without key", testRegion, Policy{RoleARN: testRoleARN}, "RoleARN"},
		{"role not a role", testRegion, Policy{KMSKeyARN: testKeyARN, RoleARN: "arn:aws:iam::111122223333:user/bob"}, "RoleARN"},
		{"TLS 1.1", testRegion, Policy{MinTLSVersion: 0x0302}, "MinTLSVersion"},
		{"TLS 1.0", testRegion, Policy{MinTLSVersion: 0x0301}, "MinTLSVersion"},
		{"no Region", "", Policy{}, "aws.Config.Region"},
		{"bad allowed key", testRegion, Policy{AllowedKMSKeyARNs: []string{"1234abcd-12ab-34cd-56ef-1234567890ab"}}, "AllowedKMSKeyARNs[0]"},
		{"bad bucket", testRegion, Policy{AllowedOutputBuckets: []string{"Not_A_Bucket"}}, "AllowedOutputBuckets[0]"},
		{"report-only without the audit log", testRegion, Policy{InsecureReportOnly: true, InsecureNoAuditLog: true}, "InsecureReportOnly"},
		{"a Logger with no audit log", testRegion, Policy{Logger: slog.Default(), InsecureNoAuditLog: true}, "InsecureNoAuditLog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(aws.Config{Region: tt.region}, tt.policy)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.wantField {
				t.Fatalf("New = %v, want *ConfigError for %s", err, tt.wantField)
			}
		})
	}
}

func TestReportOnlyKeepsTheCallGoing(t *testing.T) {
	logger, _ := jsonLogger()
	g := testGuard(t, Policy{InsecureReportOnly: true, Logger: logger, InsecureAllowUnencryptedDatasetGroups: true})
	in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), RoleArn: aws.String(testRoleARN)}
	ctx, st := newStateCtx()
	seen, err := runInitializeNextCtx(ctx, g.stepByID(IDKMSKey), "CreateDatasetGroup", in)
	if err != nil || seen != in {
		t.Fatalf("report-only RoleArn without key = %v, %v; want the caller's input passed on unchanged", seen, err)
	}
	if len(st.reported) != 1 || st.reported[0].Rule != RuleKMSRoleWithoutKey {
		t.Errorf("reported = %v, want one %s", st.reported, RuleKMSRoleWithoutKey)
	}
}

func TestSchemaCheck(t *testing.T) {
	const clean = `{"type":"record","name":"Interactions","fields":[{"name":"USER_ID","type":"string"},{"name":"TIMESTAMP","type":"long","default":1700000000}],"version":"1.0"}`
	tests := []struct {
		name      string
		schema    string
		wantRule  string
		wantField string
		reason    string
	}{
		{"clean", clean, "", "", "an ordinary Interactions schema"},
		{"doc", `{"type":"record","name":"I","doc":"owner jane.doe@example.com","fields":[]}`, "sensitive.email", "Schema.doc", "docs reach the logs"},
		{"custom attribute key", `{"type":"record","name":"I","acct-12345678":1,"fields":[]}`, "sensitive.account-number", "Schema.*",
			"a caller's own attribute is shown as *, never by name"},
		{"duplicate key", `{"type":"record","name":"I","doc":"acct-12345678","doc":"clean","fields":[]}`, "sensitive.account-number", "Schema.doc",
			"the first of two values is checked too, not only the one a map decoder keeps"},
		{"duplicate clean key", `{"type":"record","name":"I","name":"J","fields":[]}`, RuleSchemaJSON, "Schema.name",
			"readers disagree on which duplicate counts"},
		{"text after the document", clean + ` ] acct-12345678`, RuleSchemaJSON, "Schema", "only one JSON document is accepted"},
		{"brace after the document", clean + `}`, RuleSchemaJSON, "Schema", "a stray closing brace is not ignored"},
		{"number default", `{"type":"record","name":"I","fields":[{"name":"C","type":"long","default":4111111111111111}]}`,
			"sensitive.credit-card", "Schema.fields[0].default", "numbers are checked like strings"},
		{"decimal number default", `{"type":"record","name":"I","fields":[{"name":"C","type":"double","default":4539703692581474.0}]}`,
			"sensitive.credit-card", "Schema.fields[0].default", "a card written as a JSON decimal is still its digits"},
		{"exponent number default", `{"type":"record","name":"I","fields":[{"name":"C","type":"double","default":4.539703692581474e15}]}`,
			"sensitive.credit-card", "Schema.fields[0].default", "a card written with an exponent is still its digits"},
		{"ordinary numbers", `{"type":"record","name":"I","fields":[{"name":"C","type":"double","default":0.5},{"name":"S","type":{"type":"fixed","name":"F","size":16}}]}`,
			"", "", "defaults and sizes are not identifying"},
		{"escaped value", `{"type":"record","name":"I","doc":"\u0061cct-12345678","fields":[]}`, "sensitive.account-number", "Schema.doc",
			"escapes are decoded before the check"},
		{"not JSON", `record I { acct }`, RuleSchemaJSON, "Schema", "Avro IDL is not accepted"},
		{"too long", `{"type":"record","name":"I","doc":"` + strings.Repeat("a", 20000) + `","fields":[]}`, RuleFieldLength, "Schema", "the model allows 20000 characters"},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), RuleSchemaJSON, "Schema" + strings.Repeat("[0]", 64), "nesting is bounded: the 65th level is refused"},
	}
	g := testGuard(t, Policy{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runInitialize(t, g.stepByID(IDFieldContent), "CreateSchema", &sdk.CreateSchemaInput{Name: aws.String("interactions"), Schema: aws.String(tt.schema)})
			if tt.wantRule == "" {
				if err != nil {
					t.Fatalf("content check = %v, want none (%s)", err, tt.reason)
				}
				return
			}
			var sg *SafeguardError
			if !errors.As(err, &sg) || sg.Rule != tt.wantRule || sg.Field != tt.wantField {
				t.Fatalf("content check = %v, want %s at %s (%s)", err, tt.wantRule, tt.wantField, tt.reason)
			}
			if containsAnyOf(err.Error(), "12345678", "jane.doe", "4111111111111111") {
				t.Errorf("error %q echoes the value", err)
			}
		})
	}
}

func TestPolicySlicesAreCopied(t *testing.T) {
	buckets := []string{"approved-bucket"}
	g := testGuard(t, Policy{AllowedOutputBuckets: buckets})
	buckets[0] = "Not A Bucket" // a caller changing its slice after NewGuard
	in := &sdk.CreateDatasetExportJobInput{JobOutput: &types.DatasetExportJobOutput{S3DataDestination: s3cfg("s3://approved-bucket/export/", "")}}
	if _, err := runInitializeNext(g.stepByID(IDS3Location), "CreateDatasetExportJob", in); err != nil {
		t.Errorf("export to the allow-listed bucket after the caller changed its slice: %v", err)
	}
}

// TestReportOnlyReportsWhatABrokenValueHolds: in report-only mode a value
// that breaks its length or pattern goes out all the same, so the checks go
// on and an identifying value in it is reported too; enforcing, the first
// broken rule refuses the call.
func TestReportOnlyReportsWhatABrokenValueHolds(t *testing.T) {
	const email = "jane.doe@example.com"
	tests := []struct {
		name, op    string
		in          any
		wantReports []string
		wantRefusal string
	}{
		{"a name too long", "CreateDatasetGroup", &sdk.CreateDatasetGroupInput{Name: aws.String("movies " + email + " " + strings.Repeat("x", 64))},
			[]string{RuleNamePattern + "@Name", "sensitive.email@Name"}, RuleNamePattern + "@Name"},
		{"a token out of its pattern", "ListDatasetGroups", &sdk.ListDatasetGroupsInput{NextToken: aws.String("é " + email)},
			[]string{RulePattern + "@NextToken", "sensitive.email@NextToken"}, RulePattern + "@NextToken"},
		{"an ARN not well formed", "DescribeDatasetGroup", &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:" + email + ":dataset-group/movies")},
			[]string{RulePattern + "@DatasetGroupArn", "sensitive.email@DatasetGroupArn"}, RulePattern + "@DatasetGroupArn"},
		{"a clean name too long", "CreateDatasetGroup", &sdk.CreateDatasetGroupInput{Name: aws.String(strings.Repeat("m", 64))},
			[]string{RuleNamePattern + "@Name"}, RuleNamePattern + "@Name"},
		{"a tag value too long", "CreateDatasetGroup", &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
			Tags: []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String(email + " " + strings.Repeat("v", 256))}}},
			[]string{RuleTagLimits + "@Tags[0].TagValue", "sensitive.email@Tags[0].TagValue"}, RuleTagLimits + "@Tags[0].TagValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := jsonLogger()
			g := testGuard(t, Policy{InsecureReportOnly: true, Logger: logger})
			ctx, st := newStateCtx()
			if _, err := runInitializeNextCtx(ctx, g.stepByID(IDFieldContent), tt.op, tt.in); err != nil {
				t.Fatalf("report-only content check = %v, want the call to go on", err)
			}
			var got []string
			for _, r := range st.reported {
				got = append(got, r.Rule+"@"+r.Field)
			}
			if diff := cmp.Diff(tt.wantReports, got); diff != "" {
				t.Errorf("reported (-want +got):\n%s", diff)
			}
			if strings.Contains(logs.String(), "jane") {
				t.Errorf("the log echoes the value: %s", logs)
			}

			_, err := runInitializeNext(testGuard(t, Policy{}).stepByID(IDFieldContent), tt.op, tt.in)
			var sg *SafeguardError
			if !errors.As(err, &sg) {
				t.Fatalf("enforcing content check = %v, want a *SafeguardError", err)
			}
			if diff := cmp.Diff(tt.wantRefusal, sg.Rule+"@"+sg.Field); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
		})
	}
}
