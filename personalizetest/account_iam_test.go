package personalizetest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// sdkOutput compares SDK outputs on what the server answered: it ignores
// unexported fields, ResultMetadata, and the members that vary from run to
// run (dates and IAM's random unique IDs), which the tests check apart.
var sdkOutput = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	if !ok {
		return false
	}
	switch sf.Name() {
	case "ResultMetadata", "CreateDate", "UpdateDate", "RoleId", "PolicyId", "CreatedAt", "UpdatedAt",
		"FirstEnabledAt", "LastUpdatedAt", "DisabledAt", "StartLoggingTime", "TimeLoggingStarted":
		return true
	}
	r := []rune(sf.Name())
	return len(r) > 0 && (r[0] < 'A' || r[0] > 'Z')
}, cmp.Ignore())

const (
	trustDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	inlineDoc  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	managedDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`
)

// encoded is a document as IAM answers it: every byte but RFC 3986's
// unreserved characters percent-encoded, as in the GetRole example of the
// IAM API reference ("%7B%22Version%22%3A%222008-10-17%22%2C...").
func encoded(doc string) *string {
	return aws.String(strings.ReplaceAll(url.QueryEscape(doc), "+", "%20"))
}

func TestIAMRoundTrip(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := iam.NewFromConfig(s.Config())
	arn, err := s.PutRole(personalizetest.Role{Name: "Svc", Path: "/service-role/", TrustPolicy: trustDoc,
		Inline: map[string]string{"read": inlineDoc}, Attached: map[string]string{"decrypt": managedDoc}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:iam::" + personalizetest.AccountID + ":role/service-role/Svc"; arn != want {
		t.Fatalf("PutRole = %s, want %s", arn, want)
	}
	policyARN := "arn:aws:iam::" + personalizetest.AccountID + ":policy/decrypt"
	tests := []struct {
		name string
		call func() (any, error)
		want any
	}{
		{"GetRole", func() (any, error) { return c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Svc")}) },
			&iam.GetRoleOutput{Role: &iamtypes.Role{Arn: &arn, Path: aws.String("/service-role/"), RoleName: aws.String("Svc"),
				AssumeRolePolicyDocument: encoded(trustDoc), MaxSessionDuration: aws.Int32(3600), RoleLastUsed: &iamtypes.RoleLastUsed{}}}},
		{"ListRolePolicies", func() (any, error) {
			return c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("Svc")})
		}, &iam.ListRolePoliciesOutput{PolicyNames: []string{"read"}}},
		{"GetRolePolicy", func() (any, error) {
			return c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("Svc"), PolicyName: aws.String("read")})
		}, &iam.GetRolePolicyOutput{RoleName: aws.String("Svc"), PolicyName: aws.String("read"), PolicyDocument: encoded(inlineDoc)}},
		{"ListAttachedRolePolicies", func() (any, error) {
			return c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("Svc")})
		}, &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyName: aws.String("decrypt"), PolicyArn: &policyARN}}}},
		{"GetPolicy", func() (any, error) { return c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &policyARN}) },
			&iam.GetPolicyOutput{Policy: &iamtypes.Policy{PolicyName: aws.String("decrypt"), Arn: &policyARN, Path: aws.String("/"),
				DefaultVersionId: aws.String("v1"), AttachmentCount: aws.Int32(1), PermissionsBoundaryUsageCount: aws.Int32(0), IsAttachable: true}}},
		{"GetPolicyVersion", func() (any, error) {
			return c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &policyARN, VersionId: aws.String("v1")})
		}, &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: encoded(managedDoc), VersionId: aws.String("v1"), IsDefaultVersion: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, sdkOutput); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		})
	}

	// What varies is still well formed.
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Svc")})
	if err != nil {
		t.Fatal(err)
	}
	if id := aws.ToString(role.Role.RoleId); len(id) != 21 || id[:4] != "AROA" || role.Role.CreateDate == nil || role.Role.CreateDate.IsZero() {
		t.Errorf("GetRole RoleId %q CreateDate %v: want AROA + 17 characters and a date", id, role.Role.CreateDate)
	}
	// The documents decode to what PutRole stored, as a reader unescapes them.
	if doc, err := url.PathUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument)); err != nil || doc != trustDoc {
		t.Errorf("unescaped trust policy = %q, %v; want %q", doc, err, trustDoc)
	}
}

func TestIAMAccountSummary(t *testing.T) {
	s := personalizetest.New(t)
	c := iam.NewFromConfig(s.Config())
	for _, tt := range []struct {
		set  bool
		want int32
	}{{true, 1}, {false, 0}} {
		s.SetRootMFA(tt.set)
		out, err := c.GetAccountSummary(context.Background(), &iam.GetAccountSummaryInput{})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := out.SummaryMap["AccountMFAEnabled"]; !ok || got != tt.want {
			t.Errorf("SetRootMFA(%v): AccountMFAEnabled = %d (present %v), want %d", tt.set, got, ok, tt.want)
		}
	}
	// The default is on, as in a good account.
	s2 := personalizetest.New(t)
	out, err := iam.NewFromConfig(s2.Config()).GetAccountSummary(context.Background(), &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	if out.SummaryMap["AccountMFAEnabled"] != 1 {
		t.Errorf("new Server: AccountMFAEnabled = %d, want 1", out.SummaryMap["AccountMFAEnabled"])
	}
}

func TestIAMPagination(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := iam.NewFromConfig(s.Config())
	inline, attached := map[string]string{}, map[string]string{}
	var wantInline, wantAttached []string
	for i := range 23 {
		name := fmt.Sprintf("p%02d", i)
		inline[name], attached[name] = inlineDoc, managedDoc
		wantInline, wantAttached = append(wantInline, name), append(wantAttached, name)
	}
	if _, err := s.PutRole(personalizetest.Role{Name: "Many", TrustPolicy: trustDoc, Inline: inline, Attached: attached}); err != nil {
		t.Fatal(err)
	}
	for _, maxItems := range []int32{1, 5, 23, 100} {
		t.Run(fmt.Sprint(maxItems), func(t *testing.T) {
			s.ResetRequests()
			var gotInline []string
			pages := iam.NewListRolePoliciesPaginator(c, &iam.ListRolePoliciesInput{RoleName: aws.String("Many"), MaxItems: &maxItems})
			for pages.HasMorePages() {
				out, err := pages.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if int32(len(out.PolicyNames)) > maxItems {
					t.Errorf("a page of %d names for MaxItems %d", len(out.PolicyNames), maxItems)
				}
				gotInline = append(gotInline, out.PolicyNames...)
			}
			var gotAttached []string
			apages := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("Many"), MaxItems: &maxItems})
			for apages.HasMorePages() {
				out, err := apages.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range out.AttachedPolicies {
					gotAttached = append(gotAttached, aws.ToString(p.PolicyName))
				}
			}
			if diff := cmp.Diff(wantInline, gotInline); diff != "" {
				t.Errorf("ListRolePolicies pages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantAttached, gotAttached); diff != "" {
				t.Errorf("ListAttachedRolePolicies pages (-want +got):\n%s", diff)
			}
			pagesEach := (23 + int(maxItems) - 1) / int(maxItems)
			if got := len(s.Requests()); got != 2*pagesEach {
				t.Errorf("%d requests, want %d pages of each listing", got, pagesEach)
			}
		})
	}
}

func TestIAMErrors(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := iam.NewFromConfig(s.Config())
	if _, err := s.PutRole(personalizetest.Role{Name: "Known", TrustPolicy: trustDoc, Attached: map[string]string{"known": managedDoc}}); err != nil {
		t.Fatal(err)
	}
	known := "arn:aws:iam::" + personalizetest.AccountID + ":policy/known"
	tests := []struct {
		name       string
		call       func() error
		wantCode   string
		wantStatus int
	}{
		{"GetRole unknown", func() error {
			_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Unknown")})
			return err
		}, "NoSuchEntity", http.StatusNotFound},
		{"ListRolePolicies unknown", func() error {
			_, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("Unknown")})
			return err
		}, "NoSuchEntity", http.StatusNotFound},
		{"ListAttachedRolePolicies unknown", func() error {
			_, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("Unknown")})
			return err
		}, "NoSuchEntity", http.StatusNotFound},
		{"GetRolePolicy unknown policy", func() error {
			_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("Known"), PolicyName: aws.String("none")})
			return err
		}, "NoSuchEntity", http.StatusNotFound},
		{"GetPolicy unknown", func() error {
			_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + personalizetest.AccountID + ":policy/none")})
			return err
		}, "NoSuchEntity", http.StatusNotFound},
		{"GetPolicy AWS managed", func() error {
			_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		}, "NoSuchEntity", http.StatusNotFound},
		{"GetPolicy malformed ARN", func() error {
			_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("not-an-arn-at-all-really")})
			return err
		}, "InvalidInput", http.StatusBadRequest},
		{"GetPolicyVersion unknown version", func() error {
			_, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &known, VersionId: aws.String("v2")})
			return err
		}, "NoSuchEntity", http.StatusNotFound},
		{"GetRole malformed name", func() error {
			_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("no spaces")})
			return err
		}, "ValidationError", http.StatusBadRequest},
		{"ListRolePolicies foreign marker", func() error {
			_, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("Known"), Marker: aws.String("forged")})
			return err
		}, "InvalidInput", http.StatusBadRequest},
		{"ListRolePolicies MaxItems 0", func() error {
			_, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("Known"), MaxItems: aws.Int32(1001)})
			return err
		}, "ValidationError", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, status := apiError(tt.call())
			if code != tt.wantCode || status != tt.wantStatus {
				t.Errorf("= %s %d, want %s %d", code, status, tt.wantCode, tt.wantStatus)
			}
		})
	}
	// NoSuchEntity is typed, for errors.As.
	_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Unknown")})
	var nse *iamtypes.NoSuchEntityException
	if !asError(err, &nse) {
		t.Errorf("GetRole unknown: %T %v, want *types.NoSuchEntityException", err, err)
	}
}

func TestPutRoleRefuses(t *testing.T) {
	s := personalizetest.New(t)
	tests := []struct {
		name string
		role personalizetest.Role
	}{
		{"empty name", personalizetest.Role{TrustPolicy: trustDoc}},
		{"name with a space", personalizetest.Role{Name: "a b", TrustPolicy: trustDoc}},
		{"path without slashes", personalizetest.Role{Name: "r", Path: "x", TrustPolicy: trustDoc}},
		{"trust policy not JSON", personalizetest.Role{Name: "r", TrustPolicy: "{"}},
		{"inline not an object", personalizetest.Role{Name: "r", TrustPolicy: trustDoc, Inline: map[string]string{"p": "[]"}}},
		{"attached name invalid", personalizetest.Role{Name: "r", TrustPolicy: trustDoc, Attached: map[string]string{"a/b": managedDoc}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if arn, err := s.PutRole(tt.role); err == nil {
				t.Errorf("PutRole = %s, want an error", arn)
			}
		})
	}
}

func TestPutRoleReplaces(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := iam.NewFromConfig(s.Config())
	if _, err := s.PutRole(personalizetest.Role{Name: "R", TrustPolicy: trustDoc, Inline: map[string]string{"old": inlineDoc}, Attached: map[string]string{"m": managedDoc}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRole(personalizetest.Role{Name: "R", TrustPolicy: trustDoc, Inline: map[string]string{"new": inlineDoc}}); err != nil {
		t.Fatal(err)
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"new"}, names.PolicyNames); diff != "" {
		t.Errorf("inline policies after replacing (-want +got):\n%s", diff)
	}
	attached, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("R")})
	if err != nil {
		t.Fatal(err)
	}
	if len(attached.AttachedPolicies) != 0 {
		t.Errorf("attached after replacing = %d policies, want 0", len(attached.AttachedPolicies))
	}
	// The managed policy stays, detached, as IAM keeps it.
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + personalizetest.AccountID + ":policy/m")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(p.Policy.AttachmentCount) != 0 {
		t.Errorf("AttachmentCount = %d, want 0", aws.ToInt32(p.Policy.AttachmentCount))
	}
}
