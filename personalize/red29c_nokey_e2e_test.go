package personalize_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed29cCallerKeyGoneWithoutConfiguredKey (red29c's finding): with no
// configured key (Policy.KMSKeyARN empty, any key allowed), the caller's
// own key, allowed and checked, removed from CreateDatasetGroup by a hook
// after signing, with its role, must be refused in strict and report-only
// mode alike: the request would create an unencrypted dataset group, whose
// key is fixed at creation, that no check saw. What the caller asked for
// is sent as asked: a batch job whose caller named a key at its input only
// (the output's S3DataConfig, the same shape, has none), and a dataset
// group without a key under InsecureAllowUnencryptedDatasetGroups.
func TestRed29cCallerKeyGoneWithoutConfiguredKey(t *testing.T) {
	drop := func(b string) string {
		return red29cTidy(regexp.MustCompile(`"(kmsKeyArn|roleArn)":"[^"]*",?`).ReplaceAllString(b, ""))
	}
	dropKey := func(b string) string { return red29cTidy(red29cKey.ReplaceAllString(b, "")) }
	missing := red24Outcome{Rule: personalize.RuleKMSKeyMissing, Field: "KmsKeyArn"}
	sent := red24Outcome{Rule: "sent"}
	for _, tt := range []struct {
		name, op string
		call     red29cCall
		rewrite  func(string) string
		want     red24Outcome
	}{
		{"caller's key and role removed", "CreateDatasetGroup", red29cCDG(true), drop, missing},
		{"caller's key removed", "CreateDatasetGroup", red29cCDG(true), dropKey, missing},
		{"caller's key, nothing removed", "CreateDatasetGroup", red29cCDG(true), nil, sent},
		{"batch job, caller's key at its input only", "CreateBatchInferenceJob", red29cBatch(true), nil, sent},
	} {
		for _, reportOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/reportOnly=%t", tt.name, reportOnly), func(t *testing.T) {
				e := newEnv(t, personalize.Policy{InsecureReportOnly: reportOnly, InsecureSkipPostureChecks: true})
				got := red29cRun(t, e, tt.op, tt.call, tt.rewrite)
				if strings.HasPrefix(got.Rule, "not a refusal: ") && slices.Contains(e.personalizeCalls(), tt.op) {
					got.Rule = "sent" // answered by the emulated Personalize
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}
