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
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// red29bRewrite returns an APIOptions entry whose Finalize middleware,
// after signing, replaces the serialized body with f's rewrite of it
// (dataplanetest.RewriteBodyWith): a hostile hook that reorders, repeats or
// renames members. The test fails if f leaves the body as it was.
func red29bRewrite(t *testing.T, f func(body string) string) func(*middleware.Stack) error {
	return dataplanetest.RewriteBodyWith(t, func(b string) string {
		nb := f(b)
		if nb == b {
			t.Errorf("the rewrite left the body %s as it was", b)
		}
		return nb
	})
}

// TestRed29bImportBodyRewrites (red29b, no defect in imp25's lookup):
// imp25 compares a body's member names in the SDK's order (datasetArn
// before dataSource) and then among the members before the last one found.
// A hook after signing rewrites a checked CreateDatasetImportJob body: a
// member repeated in another case, moved before or after the last member
// found with another value, an unknown member before the last found, a
// location moved into a case-folded twin, a credential or escape in the
// body's last bytes (NextPlainString's read of the input's last word).
// Each is refused with its rule at its field, by errors.As, nothing of the
// call reaches the emulated AWS, and neither the error nor the audit log
// nor the wire holds the hook's value; in report-only mode the hook's
// dataset, location or repeat are refused all the same.
func TestRed29bImportBodyRewrites(t *testing.T) {
	const canary = "evil29b"
	evilDataset := "arn:aws:personalize:us-east-1:111122223333:dataset/evil29b/INTERACTIONS"
	const evilLocation = "s3://evil29b-bucket/x.csv"
	const credential = "AKIAIOSFODNN7EXAMPLE"
	type rewrite func(b, dataset, location, role string) string
	// cut removes s from b; the test fails later if b has no s (the body
	// unchanged).
	cut := func(b, s string) string { return strings.Replace(b, s, "", 1) }
	last := func(b, member string) string { return strings.TrimSuffix(b, "}") + "," + member + "}" }
	tests := []struct {
		name    string
		rewrite rewrite
		want    red24Outcome
		// reportOnly is the outcome in report-only mode; "" Rule: as want.
		// A repeated or unknown member ends the structure's walk there, and
		// the body is refused as one the walk did not read whole (see
		// TestWireMemberRefusalsReportOnly); a value the hook put in that
		// only content rules refuse is "reported": logged by its rule and
		// field, without the value, and sent, as the caller's own would be.
		reportOnly red24Outcome
		canary     string
	}{
		{"dataset twice, other case, after the last", func(b, d, l, r string) string {
			return last(b, `"DatasetArn":"`+evilDataset+`"`)
		}, red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "DatasetArn"}, red24Outcome{Rule: personalize.RuleBodyUnchecked}, canary},
		{"dataset twice, exact, after the last", func(b, d, l, r string) string {
			return last(b, `"datasetArn":"`+evilDataset+`"`)
		}, red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "DatasetArn"}, red24Outcome{Rule: personalize.RuleBodyUnchecked}, canary},
		{"dataset moved after the last, changed", func(b, d, l, r string) string {
			return last(cut(b, `"datasetArn":"`+d+`",`), `"datasetArn":"`+evilDataset+`"`)
		}, red24Outcome{Rule: personalize.RuleRequestChanged, Field: "DatasetArn"}, red24Outcome{}, canary},
		{"dataset moved after the last, other case, changed", func(b, d, l, r string) string {
			return last(cut(b, `"datasetArn":"`+d+`",`), `"DATASETARN":"`+evilDataset+`"`)
		}, red24Outcome{Rule: personalize.RuleRequestChanged, Field: "DatasetArn"}, red24Outcome{}, canary},
		{"location twice, a case-folded twin", func(b, d, l, r string) string {
			return strings.Replace(b, `"dataLocation":"`+l+`"`, `"dataLocation":"`+l+`","DataLocation":"`+evilLocation+`"`, 1)
		}, red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "DataSource.DataLocation"}, red24Outcome{Rule: personalize.RuleBodyUnchecked}, canary},
		{"location moved after the last, changed", func(b, d, l, r string) string {
			return last(cut(b, `"dataSource":{"dataLocation":"`+l+`"},`), `"dataSource":{"dataLocation":"`+evilLocation+`"}`)
		}, red24Outcome{Rule: personalize.RuleRequestChanged, Field: "DataSource.DataLocation"}, red24Outcome{}, canary},
		{"data source twice, folded, after the last", func(b, d, l, r string) string {
			return last(b, `"DATASOURCE":{"dataLocation":"`+evilLocation+`"}`)
		}, red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "DataSource"}, red24Outcome{Rule: personalize.RuleBodyUnchecked}, canary},
		{"unknown member before the last found", func(b, d, l, r string) string {
			return strings.Replace(b, `"roleArn"`, `"datasetArX":"`+evilDataset+`","roleArn"`, 1)
		}, red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}, red24Outcome{Rule: personalize.RuleBodyUnchecked}, canary},
		{"unknown member after the last found", func(b, d, l, r string) string {
			return last(b, `"datasetArnz":"`+evilDataset+`"`)
		}, red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}, red24Outcome{Rule: personalize.RuleBodyUnchecked}, canary},
		{"role moved first, changed", func(b, d, l, r string) string {
			return "{" + `"roleArn":"arn:aws:iam::111122223333:role/evil29b",` + strings.TrimPrefix(cut(b, `,"roleArn":"`+r+`"`), "{")
		}, red24Outcome{Rule: personalize.RuleRequestChanged, Field: "RoleArn"}, red24Outcome{}, canary},
		{"a credential as the last member", func(b, d, l, r string) string {
			return last(b, `"tags":[{"tagKey":"k","tagValue":"`+credential+`"}]`)
		}, red24Outcome{Rule: "sensitive.aws-access-key", Field: "Tags[0].TagValue"}, red24Outcome{Rule: "reported"}, credential},
		{"a credential ending in the body's last word", func(b, d, l, r string) string {
			return last(cut(b, `"jobName":"import-1",`), `"jobName":"`+credential+`"`)
		}, red24Outcome{Rule: "sensitive.aws-access-key", Field: "JobName"}, red24Outcome{Rule: "reported"}, credential},
		{"an escaped credential ending in the body's last word", func(b, d, l, r string) string {
			return last(cut(b, `"jobName":"import-1",`), `"jobName":"`+credential[:len(credential)-1]+`\u0045"`)
		}, red24Outcome{Rule: "sensitive.aws-access-key", Field: "JobName"}, red24Outcome{Rule: "reported"}, credential},
	}
	for _, reportOnly := range []bool{false, true} {
		e, interactions, _ := newScanEnv(t, personalize.Policy{InsecureReportOnly: reportOnly})
		for _, tt := range tests {
			name := tt.name
			if reportOnly {
				name = "report-only/" + name
			}
			t.Run(name, func(t *testing.T) {
				e.srv.ResetRequests()
				e.audit.Reset()
				in := importInput(e, "import-1")
				in.DatasetArn = aws.String(interactions)
				_, err := e.client.CreateDatasetImportJob(context.Background(), in, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, red29bRewrite(t, func(b string) string {
						return tt.rewrite(b, interactions, e.scene.DataLocation, e.scene.RoleARN)
					}))
				})
				want := tt.want
				if reportOnly && tt.reportOnly.Rule != "" {
					want = tt.reportOnly
				}
				if want.Rule == "reported" {
					var sg *personalize.SafeguardError
					if errors.As(err, &sg) {
						t.Fatalf("refused by %s at %s, want reported and sent", sg.Rule, sg.Field)
					}
					if log := e.auditLog(); !strings.Contains(log, tt.want.Rule+" at "+tt.want.Field) || strings.Contains(log, tt.canary) {
						t.Errorf("the audit log does not report %s at %s, or holds the value:\n%s", tt.want.Rule, tt.want.Field, log)
					}
					if err != nil && strings.Contains(err.Error(), tt.canary) {
						t.Errorf("error %q echoes the value", err)
					}
					return
				}
				if diff := cmp.Diff(want, red24Result(t, e, "CreateDatasetImportJob", err, tt.canary)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				var sg *personalize.SafeguardError
				if errors.As(err, &sg) && sg.Operation != "CreateDatasetImportJob" {
					t.Errorf("refused as %q, want CreateDatasetImportJob", sg.Operation)
				}
			})
		}
		if reportOnly {
			continue // the report-only runs above sent imports of the dataset
		}
		// The same body moved about, every value as checked: read all
		// the same, and sent.
		t.Run("control", func(t *testing.T) {
			e.srv.ResetRequests()
			in := importInput(e, "import-2")
			in.DatasetArn = aws.String(interactions)
			_, err := e.client.CreateDatasetImportJob(context.Background(), in, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, red29bRewrite(t, func(b string) string {
					return last(cut(b, `"datasetArn":"`+interactions+`",`), `"datasetArn":"`+interactions+`"`)
				}))
			})
			if err != nil {
				t.Fatalf("the checked members in another order: %v", err)
			}
		})
	}
}

// TestRed29bBatchLocationRewrites (red29b, no defect): the bucket posture
// step walks the operation's location places since imp25, reading what
// the S3 location step parsed, not the caller's values again. A hook after
// signing moves a batch segment job's checked locations about: input and
// output swapped, the output moved before the input with another bucket,
// a case-folded twin of the output's path. Each is refused at its field,
// in report-only mode too, nothing reaches the emulated AWS, and no value
// is echoed.
func TestRed29bBatchLocationRewrites(t *testing.T) {
	solution := "arn:aws:personalize:us-east-1:111122223333:solution/movies/1"
	const evil = "s3://evil29b-bucket/out/"
	tests := []struct {
		name             string
		rewrite          func(b, in, out string) string
		want, reportOnly red24Outcome
		canary           string
	}{
		{"input and output swapped", func(b, in, out string) string {
			b = strings.Replace(b, `"`+in+`"`, `"\x00"`, 1)
			b = strings.Replace(b, `"`+out+`"`, `"`+in+`"`, 1)
			return strings.Replace(b, `"\x00"`, `"`+out+`"`, 1)
		}, red24Outcome{Rule: personalize.RuleRequestChanged, Field: "JobInput.S3DataSource.Path"},
			red24Outcome{Rule: personalize.RuleRequestChanged, Field: "JobInput.S3DataSource.Path"}, "evil29b"}, // no new value: "sent" is the test
		{"output moved first, another bucket", func(b, in, out string) string {
			i := strings.Index(b, `"jobOutput":`)
			j := strings.Index(b[i:], "}}") + i + 2
			b = b[:i] + b[j+1:] // the member and its comma
			return `{"jobOutput":{"s3DataDestination":{"path":"` + evil + `"}},` + b[1:]
		}, red24Outcome{Rule: personalize.RuleRequestChanged, Field: "JobOutput.S3DataDestination.Path"},
			red24Outcome{Rule: personalize.RuleRequestChanged, Field: "JobOutput.S3DataDestination.Path"}, "evil29b"},
		{"output path's folded twin", func(b, in, out string) string {
			return strings.Replace(b, `"path":"`+out+`"`, `"path":"`+out+`","PATH":"`+evil+`"`, 1)
		}, red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "JobOutput.S3DataDestination.Path"},
			red24Outcome{Rule: personalize.RuleBodyUnchecked}, "evil29b"},
	}
	for _, reportOnly := range []bool{false, true} {
		e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: reportOnly}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "red29b" })
		e.putEncrypted(t, "red29b/users.json", `{"userId":"u1"}`+"\n")
		in, out := "s3://"+e.scene.Bucket+"/red29b/users.json", e.scene.ExportLocation
		for _, tt := range tests {
			name := tt.name
			want := tt.want
			if reportOnly {
				name, want = "report-only/"+name, tt.reportOnly
			}
			t.Run(name, func(t *testing.T) {
				e.srv.ResetRequests()
				e.audit.Reset()
				_, err := e.client.CreateBatchSegmentJob(context.Background(), &sdk.CreateBatchSegmentJobInput{
					JobName: aws.String("red29b"), RoleArn: aws.String(e.scene.RoleARN), SolutionVersionArn: aws.String(solution),
					JobInput:  &types.BatchSegmentJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String(in)}},
					JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(out)}},
				}, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, red29bRewrite(t, func(b string) string { return tt.rewrite(b, in, out) }))
				})
				if diff := cmp.Diff(want, red24Result(t, e, "CreateBatchSegmentJob", err, tt.canary)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}
