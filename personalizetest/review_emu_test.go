package personalizetest_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

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
