package personalize_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// red29cKey matches a kmsKeyArn member as the SDK writes it, with its comma.
var red29cKey = regexp.MustCompile(`"kmsKeyArn":"[^"]*",?`)

// red29cTidy drops the comma a removed last member leaves.
func red29cTidy(b string) string { return strings.ReplaceAll(b, ",}", "}") }

// red29cCall is one call of a red29c case, with the per-call options o.
type red29cCall func(e *env, o func(*sdk.Options)) error

func red29cCDG(callerKey bool) red29cCall {
	return func(e *env, o func(*sdk.Options)) error {
		in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}}
		if callerKey {
			in.KmsKeyArn, in.RoleArn = aws.String(e.scene.KeyARN), aws.String(e.scene.RoleARN)
		}
		_, err := e.client.CreateDatasetGroup(context.Background(), in, o)
		return err
	}
}

// red29cBatch is a batch inference job; with inKey, the caller names the
// scene's key at the input's S3DataConfig only.
func red29cBatch(inKey bool) red29cCall {
	return func(e *env, o func(*sdk.Options)) error {
		in := &sdk.CreateBatchInferenceJobInput{
			JobName: aws.String("j"), RoleArn: aws.String(e.scene.RoleARN),
			SolutionVersionArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":solution/x/1"),
			JobInput:           &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String("s3://" + e.scene.Bucket + "/in.json")}},
			JobOutput:          &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation)}},
		}
		if inKey {
			in.JobInput.S3DataSource.KmsKeyArn = aws.String(e.scene.KeyARN)
		}
		_, err := e.client.CreateBatchInferenceJob(context.Background(), in, o)
		return err
	}
}

func red29cExport(e *env, o func(*sdk.Options)) error {
	_, err := e.client.CreateDatasetExportJob(context.Background(), &sdk.CreateDatasetExportJobInput{
		JobName: aws.String("x"), DatasetArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":dataset/g/INTERACTIONS"),
		RoleArn:   aws.String(e.scene.RoleARN),
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation)}}}, o)
	return err
}

// red29cRun makes the call with rewrite (nil: none) after signing and
// returns its outcome; it fails t on an ARN in the error or audit log, or
// on a refused call whose operation reached the emulated Personalize.
func red29cRun(t *testing.T, e *env, op string, call red29cCall, rewrite func(string) string) red24Outcome {
	t.Helper()
	err := call(e, func(o *sdk.Options) {
		if rewrite != nil {
			o.APIOptions = append(o.APIOptions, red29bRewrite(t, rewrite))
		}
	})
	got := red24Result(t, e, op, err, "red29c-canary")
	for _, arn := range []string{e.scene.KeyARN, e.scene.RoleARN} {
		if strings.Contains(errText(err), arn) || strings.Contains(e.auditLog(), arn) {
			t.Errorf("the error or the audit log holds an ARN of the request")
		}
	}
	return got
}

// TestRed29cKeyGoneRewrites (red29c, hostile review of e7330d5; held):
// with a configured key, a hook after signing that empties, nulls, renames,
// nests or repeats the key the guard put in, or removes it behind an
// unknown or repeated member that stops report-only mode's walk of the
// structure, or removes the key of a batch job's input or output or of an
// export job, is refused in report-only mode too: with kms.key-missing at
// the key's field where the walk reaches the structure's end, else with
// the rule that stopped it (its report-only refusal of a body it did not
// read whole). Nothing of the call reaches the emulated Personalize; no
// ARN is in the error or the audit log.
func TestRed29cKeyGoneRewrites(t *testing.T) {
	rename := func(to string) func(string) string {
		return func(b string) string {
			return red29cKey.ReplaceAllStringFunc(b, func(m string) string { return strings.Replace(m, `"kmsKeyArn"`, to, 1) })
		}
	}
	missing := func(field string) red24Outcome {
		return red24Outcome{Rule: personalize.RuleKMSKeyMissing, Field: field}
	}
	unread := red24Outcome{Rule: personalize.RuleBodyUnchecked}
	unknown := red24Outcome{Rule: personalize.RuleUnknownMember, Field: "(unknown member)"}
	for _, tt := range []struct {
		name, op string
		call     red29cCall
		rewrite  func(string) string
		// strict and reportOnly: the outcome in each mode.
		strict, reportOnly red24Outcome
	}{
		{"CDG key emptied", "CreateDatasetGroup", red29cCDG(false), func(b string) string { return red29cKey.ReplaceAllString(b, `"kmsKeyArn":"",`) },
			red24Outcome{Rule: personalize.RuleKMSKeyARN, Field: "KmsKeyArn"}, missing("KmsKeyArn")},
		{"CDG key null", "CreateDatasetGroup", red29cCDG(false), func(b string) string { return red29cKey.ReplaceAllString(b, `"kmsKeyArn":null,`) },
			missing("KmsKeyArn"), missing("KmsKeyArn")},
		{"CDG key renamed", "CreateDatasetGroup", red29cCDG(false), rename(`"kmsKeyArnX"`), unknown, unread},
		// The member in another case is the member (memberFold), its value the
		// caller's checked key: sent as is.
		{"CDG key in another case", "CreateDatasetGroup", red29cCDG(true), rename(`"KmsKeyArn"`), red24Outcome{Rule: "sent"}, red24Outcome{Rule: "sent"}},
		{"CDG key nested", "CreateDatasetGroup", red29cCDG(false), func(b string) string {
			return red29cKey.ReplaceAllStringFunc(b, func(m string) string { return `"x":{` + strings.TrimSuffix(m, ",") + `},` })
		}, unknown, unread},
		{"CDG key repeated empty", "CreateDatasetGroup", red29cCDG(false), func(b string) string {
			return red29cKey.ReplaceAllStringFunc(b, func(m string) string { return m + `"kmsKeyArn":"",` })
		}, red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "KmsKeyArn"}, unread},
		{"CDG key removed behind an unknown member", "CreateDatasetGroup", red29cCDG(false), func(b string) string {
			return strings.Replace(red29cKey.ReplaceAllString(b, ""), "{", `{"zz":1,`, 1)
		}, unknown, unread},
		{"CDG key removed behind a repeated member", "CreateDatasetGroup", red29cCDG(false), func(b string) string {
			return strings.Replace(red29cKey.ReplaceAllString(b, ""), `"name":"movies",`, `"name":"movies","name":"movies",`, 1)
		}, red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "Name"}, unread},
		{"CDG caller's key removed, unknown member after", "CreateDatasetGroup", red29cCDG(true), func(b string) string {
			b = red29cKey.ReplaceAllString(b, "")
			return b[:len(b)-1] + `,"zz":1}`
		}, unknown, unread},
		{"batch output key removed", "CreateBatchInferenceJob", red29cBatch(false), func(b string) string {
			all := red29cKey.FindAllStringIndex(b, -1)
			return red29cTidy(b[:all[1][0]] + b[all[1][1]:])
		}, missing("JobOutput.S3DataDestination.KmsKeyArn"), missing("JobOutput.S3DataDestination.KmsKeyArn")},
		{"batch input key removed", "CreateBatchInferenceJob", red29cBatch(false), func(b string) string {
			loc := red29cKey.FindStringIndex(b)
			return red29cTidy(b[:loc[0]] + b[loc[1]:])
		}, missing("JobInput.S3DataSource.KmsKeyArn"), missing("JobInput.S3DataSource.KmsKeyArn")},
		{"export key removed", "CreateDatasetExportJob", red29cExport, func(b string) string { return red29cTidy(red29cKey.ReplaceAllString(b, "")) },
			missing("JobOutput.S3DataDestination.KmsKeyArn"), missing("JobOutput.S3DataDestination.KmsKeyArn")},
	} {
		for _, reportOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/reportOnly=%t", tt.name, reportOnly), func(t *testing.T) {
				// Report-only's posture findings on the emulator's empty
				// bucket are logged; strict skips them to reach the wire.
				e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: reportOnly, InsecureSkipPostureChecks: !reportOnly})
				want := tt.strict
				if reportOnly {
					want = tt.reportOnly
				}
				if diff := cmp.Diff(want, red29cRun(t, e, tt.op, tt.call, tt.rewrite)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}
