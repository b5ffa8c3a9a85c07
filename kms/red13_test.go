package kms

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"
)

// TestRed13GrantDoesNotHideUncertainDeny: a grant gives the action only if
// no key policy Deny applies, since KMS lets an explicit Deny in the key
// policy override any grant. A Deny the evaluator cannot decide must keep
// the action uncertain, with or without a grant.
func TestRed13GrantDoesNotHideUncertainDeny(t *testing.T) {
	// A key whose data keys are VPC-only, AWS services exempt: decryption by an IAM principal
	// not through the given endpoint is denied. Whether the role's calls
	// (made by Personalize) come through it the guard cannot know.
	vpcDeny := `{"Effect":"Deny","Principal":"*","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}`
	allRoleOps := []types.GrantOperation{types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey,
		types.GrantOperationDescribeKey, types.GrantOperationCreateGrant}
	tests := []struct {
		name   string
		stmts  []string
		grants []types.GrantListEntry
		want   []string
		// wantDecrypt: the role's uncertain finding lists kms:Decrypt.
		wantDecrypt bool
	}{
		{
			name:        "policy allow, uncertain deny, no grant",
			stmts:       []string{rootAdmin, svcFive, roleFive, vpcDeny},
			want:        []string{FindingRoleUncertain},
			wantDecrypt: true,
		},
		{
			name:        "policy allow, uncertain deny, grant to the role",
			stmts:       []string{rootAdmin, svcFive, roleFive, vpcDeny},
			grants:      []types.GrantListEntry{grantTo(1, testRole, allRoleOps...)},
			want:        []string{FindingRoleUncertain},
			wantDecrypt: true,
		},
		{
			name:        "only the account allows, uncertain deny, grant to the role",
			stmts:       []string{rootAdmin, svcFive, vpcDeny},
			grants:      []types.GrantListEntry{grantTo(1, testRole, allRoleOps...)},
			want:        []string{FindingRoleUncertain, FindingRoleViaIAM},
			wantDecrypt: true,
		},
		{
			name:   "grant to the role, no deny",
			stmts:  []string{rootAdmin, svcFive},
			grants: []types.GrantListEntry{grantTo(1, testRole, allRoleOps...)},
			want:   []string{FindingRoleViaIAM}, // kms:ListGrants cannot be granted
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFake(t)
			f.policy, f.grants = policy(tt.stmts...), tt.grants
			rep, err := Check(context.Background(), f, goodInput())
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			type outcome struct {
				IDs     []string
				Decrypt bool
			}
			fnd, _ := find(rep, FindingRoleUncertain)
			got := outcome{rep.IDs(), strings.Contains(fnd.Message, "kms:Decrypt")}
			if diff := cmp.Diff(outcome{tt.want, tt.wantDecrypt}, got, cmpEmpty); diff != "" {
				t.Errorf("outcome (-want +got):\n%s\n%s", diff, table(rep))
			}
		})
	}
}

// TestRed13PublicKeyPolicyWildcardValue: a key policy that lets every
// principal decrypt when kms:CallerAccount is "111122223333" or anything
// at all is public (KMS.5): the values of a condition are ORed.
func TestRed13PublicKeyPolicyWildcardValue(t *testing.T) {
	tests := []struct {
		name string
		stmt string
		want []string
	}{
		{
			name: "own account only",
			stmt: `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}`,
		},
		{
			name: "own account or any",
			stmt: `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"kms:CallerAccount":["111122223333","*"]}}}`,
			want: []string{FindingPolicyPublic},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFake(t)
			f.policy = policy(rootAdmin, svcFive, roleFive, tt.stmt)
			rep, err := Check(context.Background(), f, goodInput())
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, rep.IDs(), cmpEmpty); diff != "" {
				t.Errorf("finding IDs (-want +got):\n%s\n%s", diff, table(rep))
			}
		})
	}
}

// markerless answers ListGrants with its first page only, saying it is
// truncated but giving no marker to read the rest with.
type markerless struct{ *fakeKMS }

func (m markerless) ListGrants(ctx context.Context, in *kms.ListGrantsInput, opts ...func(*kms.Options)) (*kms.ListGrantsOutput, error) {
	out, err := m.fakeKMS.ListGrants(ctx, in, opts...)
	if out != nil {
		out.NextMarker = nil
	}
	return out, err
}

// TestRed13GrantListingWithoutMarker: a truncated ListGrants page without
// a NextMarker leaves grants unread (a stranger's Decrypt grant among
// them); the check cannot run, so it must fail, not report on the first
// page.
func TestRed13GrantListingWithoutMarker(t *testing.T) {
	f := goodFake(t)
	f.grants = []types.GrantListEntry{grantTo(1, testRole, types.GrantOperationDecrypt),
		grantTo(2, "arn:aws:iam::444455556666:role/Stranger", types.GrantOperationDecrypt)}
	f.grantPage = 1
	rep, err := Check(context.Background(), markerless{f}, goodInput())
	var ce *CheckError
	got := struct {
		CheckError bool
		IDs        []string
	}{errors.As(err, &ce), rep.IDs()}
	want := got
	want.CheckError, want.IDs = true, nil
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
}

// TestRed13SourceConditionThatAdmitsAnyAccount: a source condition whose
// values include one that every account matches is no confused-deputy
// protection.
func TestRed13SourceConditionThatAdmitsAnyAccount(t *testing.T) {
	svcWith := func(cond string) string {
		return `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":` + cond + `}`
	}
	tests := []struct {
		name string
		cond string
		want []string
	}{
		{"own account", `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`, nil},
		{"own account's resources", `{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"}}`, nil},
		{"own account or any", `{"StringLike":{"aws:SourceAccount":["111122223333","*"]}}`, []string{FindingServiceNoSource}},
		{"any account's resources", `{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:*:*"}}`, []string{FindingServiceNoSource}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFake(t)
			f.policy = policy(rootAdmin, roleFive, svcWith(tt.cond))
			rep, err := Check(context.Background(), f, goodInput())
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, rep.IDs(), cmpEmpty); diff != "" {
				t.Errorf("finding IDs (-want +got):\n%s\n%s", diff, table(rep))
			}
		})
	}
}

// nilGrantPage answers ListGrants with no output and no error, as a
// wrapped or hand-written client may.
type nilGrantPage struct{ *fakeKMS }

func (nilGrantPage) ListGrants(context.Context, *kms.ListGrantsInput, ...func(*kms.Options)) (*kms.ListGrantsOutput, error) {
	return nil, nil
}

// TestRed13NilGrantPage: an answer that says nothing about the grants is
// not a listing without grants; DescribeKey's nil answer already fails the
// check, and ListGrants' must too.
func TestRed13NilGrantPage(t *testing.T) {
	_, err := Check(context.Background(), nilGrantPage{goodFake(t)}, goodInput())
	var ce *CheckError
	if diff := cmp.Diff(true, errors.As(err, &ce)); diff != "" {
		t.Errorf("Check error is a *CheckError (-want +got):\n%s(err = %v)", diff, err)
	}
}
