package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/sariftest"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed12AuditNamesNoValues (red12; defect found: the kms check's
// remediation for a role it can only judge through IAM quotes a statement
// naming the role's raw ARN, which the audit's JSON and SARIF printed
// although the finding's resource and message redact it): identifying values in every name
// and tag the audit reads and reports on: dataset group names (an account
// number after its keyword, an SSN), tag keys and values (an e-mail, a
// card, an account number under an account key), a service role named
// after a person's e-mail address, a trail named after an account. No
// format of the report, nor stderr, holds one of them.
func TestRed12AuditNamesNoValues(t *testing.T) {
	e := newAWSEnv(t)
	ctx := context.Background()
	pc := personalize.NewFromConfig(e.s.Config())
	roleARN, err := e.s.PutRole(personalizetest.Role{Name: "jane.doe@example.com",
		TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		name, role string
		tags       []types.Tag
	}{
		{"acct-912803456", personalizetest.RoleARN, nil},
		{"ssn-123-45-6789", personalizetest.RoleARN, nil},
		{"tagged", personalizetest.RoleARN, []types.Tag{
			{TagKey: aws.String("owner"), TagValue: aws.String("john.roe@example.org")},
			{TagKey: aws.String("acct"), TagValue: aws.String("847261935")},
			{TagKey: aws.String("4012888888881881"), TagValue: aws.String("x")},
		}},
		{"role-named-after-a-person", roleARN, nil},
	} {
		if _, err := pc.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String(g.name),
			KmsKeyArn: aws.String(e.as.KeyARN), RoleArn: aws.String(g.role), Tags: g.tags}); err != nil {
			t.Fatalf("CreateDatasetGroup %s: %v", g.name, err)
		}
	}
	if _, err := e.s.PutTrail(personalizetest.Trail{Name: "acct-558812734-trail", S3BucketName: e.as.TrailBucket}); err != nil {
		t.Fatal(err)
	}
	values := []string{"912803456", "123-45-6789", "jane.doe", "john.roe", "847261935", "4012888888881881", "558812734"}
	for _, format := range []string{"table", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			code := e.run("audit", "-format", format, "-fail-on", "critical")
			out := e.stdout.String() + e.stderr.String()
			var echoed []string
			for _, v := range values {
				if strings.Contains(out, v) {
					echoed = append(echoed, v)
				}
			}
			if diff := cmp.Diff([]string(nil), echoed); diff != "" {
				t.Errorf("exit %d; values in the output (-want +got):\n%s\n%.4000s", code, diff, out)
			}
			// The statement stays usable: only the role's name is redacted.
			if format == "json" && !strings.Contains(out, `arn:aws:iam::111122223333:role/[REDACTED:email]\"`) {
				t.Errorf("the role's statement is not in the remediation, redacted:\n%.3000s", out)
			}
			if format == "sarif" {
				if problems := sariftest.Check(e.stdout.Bytes()); len(problems) > 0 {
					t.Errorf("not a valid SARIF log:\n%s", strings.Join(problems, "\n"))
				}
			}
			if !strings.Contains(out, "audit.name-identifying") && !strings.Contains(out, "name-identifying") {
				t.Errorf("no name finding:\n%.3000s", out)
			}
		})
	}
}
