package personalize_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed29cAddedKeyHolderAndCallersOwnKey (red29c, held): a key-holding
// structure a hook adds after the checks, where no key was noted, is
// refused in both modes: with a path, at the path (a location nothing
// checked); without one, with kms.key-missing in strict mode while
// report-only mode logs it and sends it (nothing there was checked or put
// in, and AWS needs the path). In report-only mode the caller's own key
// the policy does not allow is sent as the caller asked, and logged.
func TestRed29cAddedKeyHolderAndCallersOwnKey(t *testing.T) {
	group := "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":dataset-group/g"
	metric := func(e *env, o func(*sdk.Options)) error {
		_, err := e.client.CreateMetricAttribution(context.Background(), &sdk.CreateMetricAttributionInput{
			Name: aws.String("m"), DatasetGroupArn: aws.String(group),
			Metrics:             []types.MetricAttribute{{EventType: aws.String("click"), Expression: aws.String("SUM(DatasetType.INTERACTIONS.EVENT_VALUE)"), MetricName: aws.String("c")}},
			MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String(e.scene.RoleARN)}}, o)
		return err
	}
	add := func(s string) func(string) string {
		return func(b string) string {
			return strings.Replace(b, `"metricsOutputConfig":{`, `"metricsOutputConfig":{`+s+`,`, 1)
		}
	}
	otherKey := func(e *env, o func(*sdk.Options)) error {
		_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
			KmsKeyArn: aws.String("arn:aws:kms:" + personalizetest.Region + ":" + personalizetest.AccountID + ":key/11111111-2222-3333-4444-555555555555"),
			RoleArn:   aws.String(e.scene.RoleARN)}, o)
		return err
	}
	sent := red24Outcome{Rule: "sent"}
	for _, tt := range []struct {
		name, op           string
		call               red29cCall
		rewrite            func(string) string
		strict, reportOnly red24Outcome
		logged             string // in report-only mode's audit log
	}{
		{"S3DataConfig with a path added", "CreateMetricAttribution", metric, add(`"s3DataDestination":{"path":"s3://elsewhere/out/"}`),
			red24Outcome{Rule: personalize.RuleRequestChanged, Field: "MetricsOutputConfig.S3DataDestination.Path"},
			red24Outcome{Rule: personalize.RuleRequestChanged, Field: "MetricsOutputConfig.S3DataDestination.Path"}, ""},
		{"empty S3DataConfig added", "CreateMetricAttribution", metric, add(`"s3DataDestination":{}`),
			red24Outcome{Rule: personalize.RuleKMSKeyMissing, Field: "MetricsOutputConfig.S3DataDestination.KmsKeyArn"}, sent,
			"kms.key-missing at MetricsOutputConfig.S3DataDestination.KmsKeyArn"},
		{"caller's key not allowed", "CreateDatasetGroup", otherKey, nil,
			red24Outcome{Rule: personalize.RuleKMSKeyNotAllowed, Field: "KmsKeyArn"}, sent, "kms.key-not-allowed at KmsKeyArn"},
	} {
		for _, reportOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/reportOnly=%t", tt.name, reportOnly), func(t *testing.T) {
				e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: reportOnly, InsecureSkipPostureChecks: true})
				got := red29cRun(t, e, tt.op, tt.call, tt.rewrite)
				if strings.HasPrefix(got.Rule, "not a refusal: ") && slices.Contains(e.personalizeCalls(), tt.op) {
					got.Rule = "sent" // answered by the emulated Personalize
				}
				want := tt.strict
				if reportOnly {
					want = tt.reportOnly
					if !strings.Contains(e.auditLog(), tt.logged) {
						t.Errorf("report-only mode's audit log lacks %q", tt.logged)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}
