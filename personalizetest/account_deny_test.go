package personalizetest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// accountCalls makes one call of every account operation the Server serves,
// against what seedForCalls set up.
func accountCalls(s *personalizetest.Server, jobID string) []struct {
	service, operation string
	call               func(context.Context) error
} {
	cfg := s.Config()
	ic, ct, mc := iam.NewFromConfig(cfg), cloudtrail.NewFromConfig(cfg), macie2.NewFromConfig(cfg)
	policyARN := aws.String("arn:aws:iam::" + personalizetest.AccountID + ":policy/m")
	return []struct {
		service, operation string
		call               func(context.Context) error
	}{
		{personalizetest.ServiceIAM, "GetAccountSummary", func(ctx context.Context) error {
			_, err := ic.GetAccountSummary(ctx, nil)
			return err
		}},
		{personalizetest.ServiceIAM, "GetRole", func(ctx context.Context) error {
			_, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("R")})
			return err
		}},
		{personalizetest.ServiceIAM, "ListRolePolicies", func(ctx context.Context) error {
			_, err := ic.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R")})
			return err
		}},
		{personalizetest.ServiceIAM, "GetRolePolicy", func(ctx context.Context) error {
			_, err := ic.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("i")})
			return err
		}},
		{personalizetest.ServiceIAM, "ListAttachedRolePolicies", func(ctx context.Context) error {
			_, err := ic.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("R")})
			return err
		}},
		{personalizetest.ServiceIAM, "GetPolicy", func(ctx context.Context) error {
			_, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: policyARN})
			return err
		}},
		{personalizetest.ServiceIAM, "GetPolicyVersion", func(ctx context.Context) error {
			_, err := ic.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: policyARN, VersionId: aws.String("v1")})
			return err
		}},
		{personalizetest.ServiceCloudTrail, "DescribeTrails", func(ctx context.Context) error {
			_, err := ct.DescribeTrails(ctx, nil)
			return err
		}},
		{personalizetest.ServiceCloudTrail, "GetTrailStatus", func(ctx context.Context) error {
			_, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("trail-1")})
			return err
		}},
		{personalizetest.ServiceCloudTrail, "GetEventSelectors", func(ctx context.Context) error {
			_, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("trail-1")})
			return err
		}},
		{personalizetest.ServiceMacie, "GetMacieSession", func(ctx context.Context) error {
			_, err := mc.GetMacieSession(ctx, nil)
			return err
		}},
		{personalizetest.ServiceMacie, "GetAutomatedDiscoveryConfiguration", func(ctx context.Context) error {
			_, err := mc.GetAutomatedDiscoveryConfiguration(ctx, nil)
			return err
		}},
		{personalizetest.ServiceMacie, "ListClassificationJobs", func(ctx context.Context) error {
			_, err := mc.ListClassificationJobs(ctx, nil)
			return err
		}},
		{personalizetest.ServiceMacie, "DescribeClassificationJob", func(ctx context.Context) error {
			_, err := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: &jobID})
			return err
		}},
	}
}

// seedForCalls gives every call of accountCalls something to find, and
// returns the Macie job's ID.
func seedForCalls(t *testing.T, s *personalizetest.Server) string {
	t.Helper()
	if _, err := s.PutRole(personalizetest.Role{Name: "R", TrustPolicy: trustDoc, Inline: map[string]string{"i": inlineDoc}, Attached: map[string]string{"m": managedDoc}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutTrail(personalizetest.Trail{Name: "trail-1", S3BucketName: "logs", Logging: true, ManagementEvents: "All"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMacie(personalizetest.Macie{Enabled: true, Jobs: []personalizetest.MacieJob{{Name: "j", Buckets: []string{"data"}, Status: "RUNNING", JobType: "ONE_TIME"}}}); err != nil {
		t.Fatal(err)
	}
	out, err := macie2.NewFromConfig(s.Config()).ListClassificationJobs(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Items[0].JobId)
}

func TestDenyAccountServices(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	jobID := seedForCalls(t, s)
	// How each service answers a caller whose IAM policy lacks the
	// permission.
	want := map[string]struct {
		code   string
		status int
	}{
		personalizetest.ServiceIAM:        {"AccessDenied", http.StatusForbidden},
		personalizetest.ServiceCloudTrail: {"AccessDeniedException", http.StatusBadRequest},
		personalizetest.ServiceMacie:      {"AccessDeniedException", http.StatusForbidden},
	}
	for _, tt := range accountCalls(s, jobID) {
		t.Run(tt.service+" "+tt.operation, func(t *testing.T) {
			if err := tt.call(ctx); err != nil {
				t.Fatalf("before Deny: %v", err)
			}
			s.Deny(tt.service, tt.operation)
			s.ResetRequests()
			err := tt.call(ctx)
			code, status := apiError(err)
			if w := want[tt.service]; code != w.code || status != w.status {
				t.Errorf("denied = %s %d, want %s %d", code, status, w.code, w.status)
			}
			// The message names the IAM action that was missing.
			var apiErr smithy.APIError
			if action := tt.service + ":" + tt.operation; !asError(err, &apiErr) || !strings.Contains(apiErr.ErrorMessage(), action) {
				t.Errorf("denied message %v does not name %s", err, action)
			}
			if diff := cmp.Diff([]string{tt.service + " " + tt.operation}, operations(s)); diff != "" {
				t.Errorf("request log (-want +got):\n%s", diff)
			}
			s.Allow(tt.service, tt.operation)
			if err := tt.call(ctx); err != nil {
				t.Errorf("after Allow: %v", err)
			}
		})
	}
}

func TestAccountRequestLog(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	jobID := seedForCalls(t, s)
	calls := accountCalls(s, jobID)
	s.ResetRequests()
	var want []string
	for _, c := range calls {
		if err := c.call(ctx); err != nil {
			t.Fatalf("%s: %v", c.operation, err)
		}
		want = append(want, c.service+" "+c.operation)
	}
	if diff := cmp.Diff(want, operations(s)); diff != "" {
		t.Errorf("request log (-want +got):\n%s", diff)
	}
}

func TestDenyAnyAccountOperation(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	jobID := seedForCalls(t, s)
	for _, service := range []string{personalizetest.ServiceIAM, personalizetest.ServiceCloudTrail, personalizetest.ServiceMacie} {
		t.Run(service, func(t *testing.T) {
			s.Deny(service, personalizetest.AnyOperation)
			defer s.Allow(service, personalizetest.AnyOperation)
			for _, c := range accountCalls(s, jobID) {
				err := c.call(ctx)
				code, _ := apiError(err)
				denied := code == "AccessDenied" || code == "AccessDeniedException"
				if denied != (c.service == service) {
					t.Errorf("%s %s under Deny(%s, *): %v", c.service, c.operation, service, err)
				}
			}
		})
	}
}
