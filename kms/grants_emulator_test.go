package kms_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// listGrantsOnlyPolicy lets the account administer the key and lets
// Personalize and its role list grants, which no grant can give: everything
// else Personalize needs must come from grants.
func listGrantsOnlyPolicy(extra ...string) string {
	stmts := append([]string{
		`{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + personalizetest.AccountID + `:root"},"Action":"kms:*","Resource":"*"}`,
		`{"Sid":"ServiceListGrants","Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:ListGrants","Resource":"*",` +
			`"Condition":{"StringEquals":{"aws:SourceAccount":"` + personalizetest.AccountID + `"}}}`,
		`{"Sid":"RoleListGrants","Effect":"Allow","Principal":{"AWS":"` + personalizetest.RoleARN + `"},"Action":"kms:ListGrants","Resource":"*"}`,
	}, extra...)
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// personalizeOps are the grant operations behind RequiredActions(false),
// all but kms:ListGrants.
var personalizeOps = []types.GrantOperation{types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey, types.GrantOperationDescribeKey, types.GrantOperationCreateGrant}

func TestCheckGrantsEmulator(t *testing.T) {
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	ctx := context.Background()
	newKey := func(policy string) string {
		out, err := c.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(policy)})
		if err != nil {
			t.Fatal(err)
		}
		arn := aws.ToString(out.KeyMetadata.Arn)
		if _, err := c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: &arn}); err != nil {
			t.Fatal(err)
		}
		return arn
	}
	grant := func(in awskms.CreateGrantInput) func(arn string) {
		return func(arn string) {
			in.KeyId = &arn
			if _, err := c.CreateGrant(ctx, &in); err != nil {
				t.Fatalf("CreateGrant: %v", err)
			}
		}
	}
	toRole := grant(awskms.CreateGrantInput{GranteePrincipal: aws.String(personalizetest.RoleARN), Operations: personalizeOps})
	toService := func(sourceARN string, ops ...types.GrantOperation) func(string) {
		if ops == nil {
			ops = personalizeOps
		}
		return grant(awskms.CreateGrantInput{GranteeServicePrincipal: aws.String("personalize.amazonaws.com"), RetiringServicePrincipal: aws.String("personalize.amazonaws.com"),
			Operations: ops, Constraints: &types.GrantConstraints{SourceArn: aws.String(sourceARN)}})
	}
	const stranger = "arn:aws:iam::444455556666:role/Stranger"

	tests := []struct {
		name   string
		policy string // default: the policy kms.PersonalizeKeyPolicy writes
		grants []func(arn string)
		input  func(*kms.CheckInput)
		want   []string
		reason string
	}{
		{
			name:   "only grants give Personalize the key",
			policy: listGrantsOnlyPolicy(),
			grants: []func(string){toRole, toService(localSourceARN)},
			reason: "grants to the role and to the service for this dataset group count as the policy's Allow does",
		},
		{
			name:   "without grants the same policy fails",
			policy: listGrantsOnlyPolicy(),
			want:   []string{kms.FindingServiceNotAllowed, kms.FindingRoleViaIAM},
			reason: "the control case: the policy alone gives the service only ListGrants",
		},
		{
			name:   "grant to the service principal by GranteePrincipal",
			policy: listGrantsOnlyPolicy(),
			grants: []func(string){toRole, grant(awskms.CreateGrantInput{GranteePrincipal: aws.String("personalize.amazonaws.com"), Operations: personalizeOps})},
			reason: "the older form of a service grant, without constraints",
		},
		{
			name:   "grant to the Regional service principal",
			policy: listGrantsOnlyPolicy(),
			grants: []func(string){toRole, grant(awskms.CreateGrantInput{GranteePrincipal: aws.String("personalize." + personalizetest.Region + ".amazonaws.com"), Operations: personalizeOps})},
			reason: "services create grants for their Regional principal",
		},
		{
			name:   "service grant for another dataset group",
			policy: listGrantsOnlyPolicy(),
			grants: []func(string){toRole, toService(strings.Replace(localSourceARN, "movies", "books", 1))},
			want:   []string{kms.FindingServiceNotAllowed},
			reason: "a SourceArn constraint for another resource does not apply",
		},
		{
			name:   "service grant without CheckInput.SourceARN",
			policy: listGrantsOnlyPolicy(),
			grants: []func(string){toRole, toService(localSourceARN)},
			input:  func(in *kms.CheckInput) { in.SourceARN = "" },
			want:   []string{kms.FindingServiceUncertain},
			reason: "the SourceArn constraint cannot be decided, so it is reported, not assumed",
		},
		{
			name:   "grant with an encryption context constraint",
			policy: listGrantsOnlyPolicy(),
			grants: []func(string){toRole, grant(awskms.CreateGrantInput{GranteePrincipal: aws.String("personalize.amazonaws.com"), Operations: personalizeOps,
				Constraints: &types.GrantConstraints{EncryptionContextSubset: map[string]string{"purpose": "personalize"}}})},
			want:   []string{kms.FindingServiceUncertain},
			reason: "the guard cannot know the encryption context Personalize sends",
		},
		{
			name:   "grant lacks an operation",
			policy: listGrantsOnlyPolicy(),
			grants: []func(string){toRole, toService(localSourceARN, types.GrantOperationDecrypt, types.GrantOperationDescribeKey, types.GrantOperationCreateGrant)},
			want:   []string{kms.FindingServiceNotAllowed},
			reason: "GenerateDataKey is neither granted nor allowed",
		},
		{
			name:   "Deny in the key policy beats a grant",
			policy: listGrantsOnlyPolicy(`{"Effect":"Deny","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}`),
			grants: []func(string){toRole, toService(localSourceARN)},
			want:   []string{kms.FindingServiceDenied},
			reason: "an explicit Deny overrides every Allow, grants included",
		},
		{
			name:   "grant to another principal that can decrypt",
			grants: []func(string){grant(awskms.CreateGrantInput{GranteePrincipal: aws.String(stranger), Operations: []types.GrantOperation{types.GrantOperationDecrypt}})},
			want:   []string{kms.FindingGrantUnexpected},
			reason: "the grant exposes what the key protects beyond Personalize",
		},
		{
			name:   "grant to another principal that can create grants",
			grants: []func(string){grant(awskms.CreateGrantInput{GranteePrincipal: aws.String(stranger), Operations: []types.GrantOperation{types.GrantOperationCreateGrant}})},
			want:   []string{kms.FindingGrantUnexpected},
			reason: "CreateGrant lets the grantee give itself Decrypt",
		},
		{
			name:   "grant to another principal that cannot decrypt",
			grants: []func(string){grant(awskms.CreateGrantInput{GranteePrincipal: aws.String(stranger), Operations: []types.GrantOperation{types.GrantOperationEncrypt, types.GrantOperationDescribeKey}})},
			want:   []string{kms.FindingGrantUnexpectedNoDecrypt},
			reason: "Encrypt and DescribeKey reveal no plaintext",
		},
		{
			name:   "grant to another service",
			grants: []func(string){grant(awskms.CreateGrantInput{GranteePrincipal: aws.String("s3.amazonaws.com"), Operations: []types.GrantOperation{types.GrantOperationGenerateDataKey}})},
			want:   []string{kms.FindingGrantUnexpected},
			reason: "only Personalize is expected",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := tt.policy
			if pol == "" {
				pol = mustGeneratedPolicy(t)
			}
			arn := newKey(pol)
			for _, g := range tt.grants {
				g(arn)
			}
			in := localInput(arn)
			if tt.input != nil {
				tt.input(&in)
			}
			rep, err := kms.Check(ctx, c, in)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, rep.IDs(), cmp.Comparer(sameStrings)); diff != "" {
				var b strings.Builder
				_ = rep.WriteTable(&b)
				t.Errorf("Check finding IDs mismatch (-want +got) (%s):\n%s\n%s", tt.reason, diff, b.String())
			}
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.ID, "kms.grant-") && (!strings.Contains(f.Message, "Grant[") || !strings.Contains(f.Remediation, "revoke-grant --grant-id ")) {
					t.Errorf("finding %s = %q / %q; want the grant named and a revoke-grant remedy", f.ID, f.Message, f.Remediation)
				}
			}
		})
	}
}

func mustGeneratedPolicy(t *testing.T) string {
	t.Helper()
	pol, err := kms.PersonalizeKeyPolicy(kms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, Region: personalizetest.Region})
	if err != nil {
		t.Fatal(err)
	}
	return string(pol)
}

// TestCheckerGrantsEmulator revokes the grant a key depends on: the Checker
// keeps its answer until told to forget the key, then sees the change.
func TestCheckerGrantsEmulator(t *testing.T) {
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	ctx := context.Background()
	arn := createKey(t, c, &awskms.CreateKeyInput{Policy: aws.String(listGrantsOnlyPolicy())}, func(arn string) {
		if _, err := c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: &arn}); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String(personalizetest.RoleARN), Operations: personalizeOps}); err != nil {
		t.Fatal(err)
	}
	svc, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String("personalize.amazonaws.com"), Operations: personalizeOps})
	if err != nil {
		t.Fatal(err)
	}
	checker := kms.NewChecker(c)
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"granted", nil, nil},
		{"revoked, still cached", func() {
			if _, err := c.RevokeGrant(ctx, &awskms.RevokeGrantInput{KeyId: &arn, GrantId: svc.GrantId}); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"forgotten", func() { checker.Forget(localInput(arn)) }, []string{kms.FindingServiceNotAllowed}},
	}
	for _, st := range steps {
		if st.do != nil {
			st.do()
		}
		rep, err := checker.Check(ctx, localInput(arn))
		if err != nil {
			t.Fatalf("%s: Check: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, rep.IDs(), cmp.Comparer(sameStrings)); diff != "" {
			t.Errorf("%s: finding IDs mismatch (-want +got):\n%s", st.name, diff)
		}
	}
}

// TestCheckGrantsPaginatedEmulator puts more grants on a key than one
// ListGrants page holds; the grant that exposes the key is on the second.
func TestCheckGrantsPaginatedEmulator(t *testing.T) {
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	ctx := context.Background()
	arn := createKey(t, c, nil)
	for i := range 120 {
		if _, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String(personalizetest.RoleARN),
			Operations: []types.GrantOperation{types.GrantOperationDecrypt}, Name: aws.String(fmt.Sprintf("g%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String("arn:aws:iam::444455556666:root"),
		Operations: []types.GrantOperation{types.GrantOperationDecrypt}}); err != nil {
		t.Fatal(err)
	}
	s.ResetRequests()
	rep, err := kms.Check(ctx, c, localInput(arn))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{kms.FindingGrantUnexpected}, rep.IDs(), cmp.Comparer(sameStrings)); diff != "" {
		t.Errorf("Check finding IDs mismatch (-want +got):\n%s", diff)
	}
	var pages int
	for _, r := range s.Requests() {
		if r.Service == personalizetest.ServiceKMS && r.Operation == "ListGrants" {
			pages++
		}
	}
	if pages != 2 {
		t.Errorf("Check sent %d ListGrants requests for 121 grants, want 2", pages)
	}
}

// TestCheckListGrantsDeniedEmulator: without kms:ListGrants the check fails
// closed, naming the permission, whatever the key policy says.
func TestCheckListGrantsDeniedEmulator(t *testing.T) {
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	ctx := context.Background()
	arn := createKey(t, c, nil)
	s.Deny(personalizetest.ServiceKMS, "ListGrants")
	for name, run := range map[string]func() error{
		"Check":         func() error { _, err := kms.Check(ctx, c, localInput(arn)); return err },
		"Checker.Check": func() error { _, err := kms.NewChecker(c).Check(ctx, localInput(arn)); return err },
	} {
		err := run()
		var ce *kms.CheckError
		if !errors.As(err, &ce) || ce.Operation != "ListGrants" || ce.Permission != "kms:ListGrants" || !ce.AccessDenied() {
			t.Fatalf("%s with ListGrants denied = %v; want a *CheckError for ListGrants, access denied", name, err)
		}
		if !strings.Contains(err.Error(), "the caller needs kms:ListGrants") {
			t.Errorf("%s error %q does not name kms:ListGrants", name, err)
		}
	}
}
