package personalize_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed29cInjectedRoleGoneWithoutPosture (red29c's finding): the role
// the guard put into CreateDatasetGroup with the configured key, removed by
// a hook after signing, is refused in report-only mode too when the posture
// checks are skipped: e7330d5 took a role as noted only when the posture
// check had recorded one, so report-only mode logged the removal and sent
// the key without its role. Strict mode refused it before.
func TestRed29cInjectedRoleGoneWithoutPosture(t *testing.T) {
	dropRole := func(b string) string {
		return red29cTidy(regexp.MustCompile(`"roleArn":"[^"]*",?`).ReplaceAllString(b, ""))
	}
	for _, reportOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("reportOnly=%t", reportOnly), func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: reportOnly, InsecureSkipPostureChecks: true})
			want := red24Outcome{Rule: personalize.RuleKMSKeyWithoutRole, Field: "RoleArn"}
			if diff := cmp.Diff(want, red29cRun(t, e, "CreateDatasetGroup", red29cCDG(false), dropRole)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
