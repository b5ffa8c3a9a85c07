package personalizetest_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/internal/awserr"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestIAMPolicyVersions checks that changing a managed policy's document
// makes a new default version, as IAM does: a reader that asked for v1
// instead of DefaultVersionId would read a stale document.
func TestIAMPolicyVersions(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := iam.NewFromConfig(s.Config())
	const v2Doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`
	for _, doc := range []string{managedDoc, managedDoc, v2Doc} {
		if _, err := s.PutRole(personalizetest.Role{Name: "R", TrustPolicy: trustDoc, Attached: map[string]string{"m": doc}}); err != nil {
			t.Fatal(err)
		}
	}
	arn := aws.String("arn:aws:iam::" + personalizetest.AccountID + ":policy/m")
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("v2", aws.ToString(gp.Policy.DefaultVersionId)); diff != "" {
		t.Errorf("DefaultVersionId (-want +got):\n%s", diff)
	}
	type version struct {
		Doc     string
		Default bool
	}
	tests := []struct {
		id   string
		want version
		code string
	}{
		{"v1", version{managedDoc, false}, ""},
		{"v2", version{v2Doc, true}, ""},
		{"v3", version{}, "NoSuchEntity"},
		{"v02", version{}, "NoSuchEntity"},
	}
	for _, tt := range tests {
		out, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String(tt.id)})
		if diff := cmp.Diff(tt.code, awserr.Code(err)); diff != "" {
			t.Errorf("GetPolicyVersion(%s) code (-want +got):\n%s", tt.id, diff)
		}
		if err != nil {
			continue
		}
		doc, err := url.PathUnescape(aws.ToString(out.PolicyVersion.Document))
		if err != nil {
			t.Fatal(err)
		}
		got := version{doc, out.PolicyVersion.IsDefaultVersion}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("GetPolicyVersion(%s) (-want +got):\n%s", tt.id, diff)
		}
	}
}

// TestIAMAWSManagedPolicy checks that a role can have an AWS managed policy
// attached, listed and read as IAM answers it: its ARN in account "aws",
// its path, and its name.
func TestIAMAWSManagedPolicy(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := iam.NewFromConfig(s.Config())
	const awsARN = "arn:aws:iam::aws:policy/service-role/AmazonPersonalizeFullAccess"
	if _, err := s.PutRole(personalizetest.Role{Name: "R", TrustPolicy: trustDoc,
		Attached: map[string]string{awsARN: managedDoc, "mine": managedDoc}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRole(personalizetest.Role{Name: "Bad", TrustPolicy: trustDoc,
		Attached: map[string]string{"arn:aws:iam::aws:policy/": managedDoc}}); err == nil {
		t.Error("PutRole accepted an AWS managed policy ARN without a name")
	}
	l, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("R")})
	if err != nil {
		t.Fatal(err)
	}
	type attached struct{ Name, ARN string }
	var got []attached
	for _, p := range l.AttachedPolicies {
		got = append(got, attached{aws.ToString(p.PolicyName), aws.ToString(p.PolicyArn)})
	}
	want := []attached{
		{"mine", "arn:aws:iam::" + personalizetest.AccountID + ":policy/mine"},
		{"AmazonPersonalizeFullAccess", awsARN},
	}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b attached) bool { return a.ARN < b.ARN })); diff != "" {
		t.Errorf("ListAttachedRolePolicies (-want +got):\n%s", diff)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(awsARN)})
	if err != nil {
		t.Fatal(err)
	}
	type policy struct{ Name, Path, ARN, Default string }
	if diff := cmp.Diff(policy{"AmazonPersonalizeFullAccess", "/service-role/", awsARN, "v1"},
		policy{aws.ToString(gp.Policy.PolicyName), aws.ToString(gp.Policy.Path), aws.ToString(gp.Policy.Arn), aws.ToString(gp.Policy.DefaultVersionId)}); diff != "" {
		t.Errorf("GetPolicy (-want +got):\n%s", diff)
	}
	pv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(awsARN), VersionId: gp.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	if doc, err := url.PathUnescape(aws.ToString(pv.PolicyVersion.Document)); err != nil || doc != managedDoc {
		t.Errorf("GetPolicyVersion document = %q, %v; want %q", doc, err, managedDoc)
	}
	sum, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(int32(1), sum.SummaryMap["Policies"]); diff != "" {
		t.Errorf("SummaryMap[Policies], customer managed only (-want +got):\n%s", diff)
	}
}

// TestMacieSessionStatus checks GetMacieSession's status for an enabled and
// a suspended Macie, as the SDK reads it.
func TestMacieSessionStatus(t *testing.T) {
	s := personalizetest.New(t)
	c := macie2.NewFromConfig(s.Config())
	tests := []struct {
		paused bool
		want   macietypes.MacieStatus
	}{
		{false, macietypes.MacieStatusEnabled},
		{true, macietypes.MacieStatusPaused},
	}
	for _, tt := range tests {
		if err := s.SetMacie(personalizetest.Macie{Enabled: true, Paused: tt.paused}); err != nil {
			t.Fatal(err)
		}
		out, err := c.GetMacieSession(context.Background(), &macie2.GetMacieSessionInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, out.Status); diff != "" {
			t.Errorf("paused %v: status (-want +got):\n%s", tt.paused, diff)
		}
	}
}
