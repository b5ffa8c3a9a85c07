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
)

// TestKeyRemovedAfterChecks (red29b's open low finding): a hook after
// signing that removes the key or role the guard put in, or the key or role
// the caller gave, is refused with the KMS rule of what is missing, in
// report-only mode too: a key changed after the checks is (checkWirePlace),
// and a key removed would create an unencrypted dataset group. What the
// caller left out and the guard did not put in stays a KMS rule's, which
// report-only mode only logs. Nothing of a refused call reaches the
// emulated Personalize; the error and audit log hold no ARN.
func TestKeyRemovedAfterChecks(t *testing.T) {
	member := func(name string) *regexp.Regexp {
		return regexp.MustCompile(`"` + name + `":"[^"]*",?`)
	}
	drop := func(names ...string) func(string) string {
		return func(b string) string {
			for _, n := range names {
				b = member(n).ReplaceAllString(b, "")
			}
			return regexp.MustCompile(`,}`).ReplaceAllString(b, "}")
		}
	}
	for _, tt := range []struct {
		name string
		// callerKey: the caller passes the configured key and role itself.
		callerKey bool
		rewrite   func(string) string
		want      red24Outcome
	}{
		{"nothing removed", false, nil, red24Outcome{Rule: "sent"}},
		{"injected key removed", false, drop("kmsKeyArn"), red24Outcome{Rule: personalize.RuleKMSKeyMissing, Field: "KmsKeyArn"}},
		{"injected key and role removed", false, drop("kmsKeyArn", "roleArn"), red24Outcome{Rule: personalize.RuleKMSKeyMissing, Field: "KmsKeyArn"}},
		{"injected role removed", false, drop("roleArn"), red24Outcome{Rule: personalize.RuleKMSKeyWithoutRole, Field: "RoleArn"}},
		{"caller's key removed", true, drop("kmsKeyArn"), red24Outcome{Rule: personalize.RuleKMSKeyMissing, Field: "KmsKeyArn"}},
		{"caller's role removed", true, drop("roleArn"), red24Outcome{Rule: personalize.RuleKMSKeyWithoutRole, Field: "RoleArn"}},
	} {
		for _, reportOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/reportOnly=%t", tt.name, reportOnly), func(t *testing.T) {
				e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: reportOnly})
				in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}}
				if tt.callerKey {
					in.KmsKeyArn, in.RoleArn = aws.String(e.scene.KeyARN), aws.String(e.scene.RoleARN)
				}
				_, err := e.client.CreateDatasetGroup(context.Background(), in, func(o *sdk.Options) {
					if tt.rewrite != nil {
						o.APIOptions = append(o.APIOptions, red29bRewrite(t, tt.rewrite))
					}
				})
				got := red24Result(t, e, "CreateDatasetGroup", err, "keygone-canary")
				for _, arn := range []string{e.scene.KeyARN, e.scene.RoleARN} {
					if strings.Contains(errText(err), arn) || strings.Contains(e.auditLog(), arn) {
						t.Errorf("the error or the audit log holds an ARN of the request")
					}
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}
