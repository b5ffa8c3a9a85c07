package kms

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

func grantTo(id int, grantee string, ops ...types.GrantOperation) types.GrantListEntry {
	return types.GrantListEntry{GrantId: aws.String(fmt.Sprintf("%064x", id)), KeyId: aws.String(testKeyARN), GranteePrincipal: aws.String(grantee), Operations: ops}
}

func TestCheckGrantsFake(t *testing.T) {
	const stranger = "arn:aws:iam::444455556666:role/Stranger"
	many := func(n int, grantee string) []types.GrantListEntry {
		var gs []types.GrantListEntry
		for i := range n {
			gs = append(gs, grantTo(i, grantee, types.GrantOperationDecrypt))
		}
		return gs
	}
	tests := []struct {
		name      string
		setup     func(f *fakeKMS)
		want      []string
		wantCalls int64 // ListGrants
		check     func(t *testing.T, rep posture.Report)
		reason    string
	}{
		{
			name:      "no grants",
			setup:     func(*fakeKMS) {},
			wantCalls: 1,
			reason:    "the good key has nothing to report",
		},
		{
			name: "grants to Personalize and the role",
			setup: func(f *fakeKMS) {
				f.grants = []types.GrantListEntry{grantTo(1, testRole, types.GrantOperationDecrypt), grantTo(2, "personalize.amazonaws.com", types.GrantOperationDecrypt),
					grantTo(3, "personalize.us-east-1.amazonaws.com", types.GrantOperationRetireGrant)}
			},
			wantCalls: 1,
			reason:    "expected grantees are not exposure",
		},
		{
			name: "a session of the role is the role",
			setup: func(f *fakeKMS) {
				f.policy = policy(rootAdmin, svcFive)
				f.grants = []types.GrantListEntry{grantTo(1, "arn:aws:sts::111122223333:assumed-role/PersonalizeRole/personalize-session", types.GrantOperationDecrypt,
					types.GrantOperationGenerateDataKey, types.GrantOperationDescribeKey, types.GrantOperationCreateGrant)}
			},
			want:      []string{FindingRoleViaIAM},
			wantCalls: 1,
			check:     wantMessage(FindingRoleViaIAM, "use kms:ListGrants only through the account"),
			reason:    "the session's grant covers four actions; ListGrants still comes through the account",
		},
		{
			name: "a session of another role is not",
			setup: func(f *fakeKMS) {
				f.grants = []types.GrantListEntry{grantTo(1, "arn:aws:sts::111122223333:assumed-role/OtherRole/PersonalizeRole", types.GrantOperationDecrypt)}
			},
			want:      []string{FindingGrantUnexpected},
			wantCalls: 1,
			reason:    "only the role's own sessions count",
		},
		{
			name:      "pages are followed",
			setup:     func(f *fakeKMS) { f.grants, f.grantPage = many(3, stranger), 1 },
			want:      []string{FindingGrantUnexpected},
			wantCalls: 3,
			check:     wantMessage(FindingGrantUnexpected, "Grant[000000000000…] to "+stranger+" (Decrypt); Grant["),
			reason:    "every page is read; the grants are listed",
		},
		{
			name:      "long lists are cut",
			setup:     func(f *fakeKMS) { f.grants = many(8, stranger) },
			want:      []string{FindingGrantUnexpected},
			wantCalls: 1,
			check:     wantMessage(FindingGrantUnexpected, "; and 3 more let a principal"),
			reason:    "at most five grants are named",
		},
		{
			name: "a grantee of another Region's Personalize",
			setup: func(f *fakeKMS) {
				f.grants = []types.GrantListEntry{grantTo(1, "personalize.eu-west-1.amazonaws.com", types.GrantOperationEncrypt)}
			},
			want:      []string{FindingGrantUnexpectedNoDecrypt},
			wantCalls: 1,
			check:     wantRemedy(FindingGrantUnexpectedNoDecrypt, "revoke-grant --grant-id "+fmt.Sprintf("%064x", 1)),
			reason:    "a key is Regional; only this Region's principal is expected",
		},
		{
			name:      "an operation this package does not know",
			setup:     func(f *fakeKMS) { f.grants = []types.GrantListEntry{grantTo(1, stranger, "FutureOperation")} },
			want:      []string{FindingGrantUnexpected},
			wantCalls: 1,
			reason:    "unknown operations count as revealing: fail closed",
		},
		{
			name: "grant name and odd principal text are not echoed raw",
			setup: func(f *fakeKMS) {
				g := grantTo(1, "arn:aws:iam::444455556666:role/x\nFAKE LINE", types.GrantOperationDecrypt)
				g.Name = aws.String("customer-4111111111111111")
				f.grants = []types.GrantListEntry{g}
			},
			want:      []string{FindingGrantUnexpected},
			wantCalls: 1,
			check: func(t *testing.T, rep posture.Report) {
				f, _ := find(rep, FindingGrantUnexpected)
				if strings.Contains(f.Message, "4111") || strings.Contains(f.Message, "\n") {
					t.Errorf("message %q echoes the grant name or a control character", f.Message)
				}
			},
			reason: "grant names are free text; principals are printed safely",
		},
		{
			name: "a grant does not hide a statement without source conditions",
			setup: func(f *fakeKMS) {
				f.policy = policy(rootAdmin, svcFive, roleFive,
					`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}`)
				f.grants = []types.GrantListEntry{grantTo(1, "personalize.amazonaws.com", types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey)}
			},
			want:      []string{FindingServiceNoSource},
			wantCalls: 1,
			reason:    "the confused-deputy statement is there whatever the grants say",
		},
		{
			name: "a role grant without CreateGrant leaves it to IAM",
			setup: func(f *fakeKMS) {
				f.policy = policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`,
					`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`)
				f.grants = []types.GrantListEntry{grantTo(1, testRole, types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey, types.GrantOperationDescribeKey)}
			},
			want:      []string{FindingRoleViaIAM},
			wantCalls: 1,
			check:     wantMessage(FindingRoleViaIAM, "use kms:CreateGrant, kms:ListGrants only through the account"),
			reason:    "the grant covers three actions directly; the other two still depend on IAM",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, in := goodFake(t), goodInput()
			tt.setup(f)
			rep, err := Check(context.Background(), f, in)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, rep.IDs(), cmpEmpty); diff != "" {
				t.Errorf("Check finding IDs mismatch (-want +got) (%s):\n%s\n%s", tt.reason, diff, table(rep))
			}
			if got := f.listGrants.Load(); got != tt.wantCalls {
				t.Errorf("ListGrants calls = %d, want %d (%s)", got, tt.wantCalls, tt.reason)
			}
			checkFindings(t, rep, in.KeyARN)
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func TestCheckGrantsErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(f *fakeKMS)
		wantDenied bool
		wantErr    error
	}{
		{"denied", func(f *fakeKMS) { f.grantsErr = apiError("AccessDeniedException") }, true, nil},
		{"throttled", func(f *fakeKMS) { f.grantsErr = apiError("ThrottlingException") }, false, nil},
		{"more grants than the check reads", func(f *fakeKMS) {
			for i := range maxGrantPages + 1 {
				f.grants = append(f.grants, grantTo(i, testRole, types.GrantOperationDecrypt))
			}
			f.grantPage = 1
		}, false, errTooManyGrants},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFake(t)
			tt.setup(f)
			rep, err := Check(context.Background(), f, goodInput())
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check = %v, %v; want a *CheckError", rep.IDs(), err)
			}
			if ce.Operation != "ListGrants" || ce.Permission != "kms:ListGrants" || ce.AccessDenied() != tt.wantDenied {
				t.Errorf("CheckError = {%s %s denied=%v}, want {ListGrants kms:ListGrants denied=%v}", ce.Operation, ce.Permission, ce.AccessDenied(), tt.wantDenied)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Check error = %v, want it to wrap %v", err, tt.wantErr)
			}
		})
	}
}

// TestCheckerReplaysGrantPages: a second input on the same key is evaluated
// against the recorded pages, without another ListGrants call.
func TestCheckerReplaysGrantPages(t *testing.T) {
	f := goodFake(t)
	f.grants = []types.GrantListEntry{grantTo(1, testRole, types.GrantOperationDecrypt), grantTo(2, testRole, types.GrantOperationDecrypt),
		grantTo(3, "arn:aws:iam::444455556666:root", types.GrantOperationDecrypt)}
	f.grantPage = 1
	c := NewChecker(f)
	first := goodInput()
	second := goodInput()
	second.Exports = true
	for _, in := range []CheckInput{first, second} {
		rep, err := c.Check(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := find(rep, FindingGrantUnexpected); !ok {
			t.Errorf("Check(Exports=%v) = %v, want %s from the third page", in.Exports, rep.IDs(), FindingGrantUnexpected)
		}
	}
	if got := f.listGrants.Load(); got != 3 {
		t.Errorf("ListGrants calls = %d, want 3 (one round of three pages)", got)
	}
}
