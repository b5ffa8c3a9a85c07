package kms

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/personalizeguard/personalizeguard/posture"
)

// Statements used by the policy table.
const (
	rootAdmin   = `{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`
	srcCond     = `"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"}}`
	svcFive     = `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey","kms:DescribeKey","kms:CreateGrant","kms:ListGrants"],"Resource":"*",` + srcCond + `}`
	roleFive    = `{"Effect":"Allow","Principal":{"AWS":"` + testRole + `"},"Action":["kms:Decrypt","kms:GenerateDataKey","kms:DescribeKey","kms:CreateGrant","kms:ListGrants"],"Resource":"*"}`
	allActions  = `["kms:Decrypt","kms:GenerateDataKey","kms:DescribeKey","kms:CreateGrant","kms:ListGrants"]`
	svcAndRole  = `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com","AWS":"` + testRole + `"},"Action":` + allActions + `,"Resource":"*",` + srcCond + `}`
	otherRole   = "arn:aws:iam::111122223333:role/Other"
	otherAcctRt = "arn:aws:iam::999999999999:root"
)

// svc and role build statements for the service principal and the role
// with the given Action/NotAction JSON and extra members.
func svc(actions, extra string) string {
	return `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},` + actions + `,"Resource":"*",` + srcCond + extra + `}`
}

func role(actions, extra string) string {
	return `{"Effect":"Allow","Principal":{"AWS":"` + testRole + `"},` + actions + `,"Resource":"*"` + extra + `}`
}

func TestCheckKeyPolicies(t *testing.T) {
	tests := []struct {
		name   string
		stmts  []string
		input  func(*CheckInput)
		want   []string
		check  func(*testing.T, posture.Report)
		reason string
	}{
		{
			name:   "five actions each",
			stmts:  []string{rootAdmin, svcFive, roleFive},
			reason: "AWS's documented statements grant everything",
		},
		{
			name:   "one statement, both principals",
			stmts:  []string{svcAndRole},
			want:   []string{FindingRoleUncertain},
			check:  wantMessage(FindingRoleUncertain, "ArnLike aws:SourceArn; StringEquals aws:SourceAccount"),
			reason: "the service's source conditions also bind the role, whose source account and ARN are unknown",
		},
		{
			name:   "kms:* wildcard",
			stmts:  []string{svc(`"Action":"kms:*"`, ""), role(`"Action":"kms:*"`, "")},
			reason: "kms:* covers every action",
		},
		{
			name:   "bare * action",
			stmts:  []string{svc(`"Action":"*"`, ""), role(`"Action":"*"`, "")},
			reason: "* covers every action",
		},
		{
			name:   "prefix wildcards",
			stmts:  []string{svc(`"Action":["kms:Generate*","kms:Decrypt","kms:Describe*","kms:*Grant*"]`, ""), role(`"Action":["KMS:generate*","kms:decrypt","kms:describekey","kms:CreateGrant","kms:List*"]`, "")},
			reason: "wildcards anywhere, and actions compare case-insensitively",
		},
		{
			name:   "kms:Generate* alone",
			stmts:  []string{svc(`"Action":"kms:Generate*"`, ""), roleFive},
			want:   []string{FindingServiceNotAllowed},
			check:  wantMessage(FindingServiceNotAllowed, "kms:Decrypt, kms:DescribeKey, kms:CreateGrant, kms:ListGrants;"),
			reason: "a wildcard does not over-match; the missing actions are listed",
		},
		{
			name:   "NotAction allow",
			stmts:  []string{svc(`"NotAction":["kms:ScheduleKeyDeletion","kms:Disable*","kms:PutKeyPolicy"]`, ""), roleFive},
			reason: "NotAction allows everything it does not list",
		},
		{
			name:   "NotAction excluding a needed action",
			stmts:  []string{svcFive, role(`"NotAction":["kms:CreateGrant","kms:List*"]`, "")},
			want:   []string{FindingRoleNotAllowed},
			check:  wantMessage(FindingRoleNotAllowed, "kms:CreateGrant, kms:ListGrants;"),
			reason: "NotAction with a wildcard excludes what it matches",
		},
		{
			name:   "Deny overrides Allow",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}`},
			want:   []string{FindingServiceDenied, FindingRoleDenied},
			check:  wantMessage(FindingServiceDenied, "denies personalize.amazonaws.com kms:Decrypt (Statement[2])"),
			reason: "an explicit Deny to everyone wins over both grants",
		},
		{
			name:   "Deny of the role only",
			stmts:  []string{svcFive, role(`"Action":"kms:*"`, ""), `{"Effect":"Deny","Principal":{"AWS":"` + testRole + `"},"Action":["kms:CreateGrant","kms:ListGrants"],"Resource":"*"}`},
			want:   []string{FindingRoleDenied},
			reason: "a Deny naming the role leaves the service alone",
		},
		{
			name:   "Deny of the account covers the role",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"kms:Decrypt","Resource":"*"}`},
			want:   []string{FindingRoleDenied},
			reason: "a Deny naming the account covers every principal in it",
		},
		{
			name:   "Deny that does not apply",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`},
			reason: "KMS is HTTPS only, so a plain-HTTP Deny never applies",
		},
		{
			name:   "Deny of other source accounts",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Deny","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`},
			reason: "the confused-deputy Deny does not hit our own account",
		},
		{
			name:   "Deny of our source account",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Deny","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"999999999999"}}}`},
			want:   []string{FindingServiceDenied},
			reason: "a Deny for every account but another one hits ours",
		},
		{
			name:   "Deny with a condition it cannot evaluate",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`},
			want:   []string{FindingServiceUncertain, FindingRoleUncertain},
			check:  wantMessage(FindingServiceUncertain, "(NotIpAddress aws:SourceIp)"),
			reason: "a Deny that might apply makes the grant uncertain; it is never taken as a pass",
		},
		{
			name:   "VPC-only Deny locks Personalize out",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`},
			want:   []string{FindingServiceDenied, FindingRoleUncertain},
			reason: "the service never calls through a VPC endpoint; for the role it depends on how Personalize calls",
		},
		{
			name:   "Principal *",
			stmts:  []string{rootAdmin, `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`},
			want:   []string{FindingPolicyPublic},
			check:  wantMessage(FindingPolicyPublic, "Statement[1] of the key policy allows every principal"),
			reason: "a public grant is Critical, and it grants both principals",
		},
		{
			name:   `{"AWS":"*"}`,
			stmts:  []string{rootAdmin, svcFive, `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt"],"Resource":"*"}`},
			want:   []string{FindingPolicyPublic, FindingRoleViaIAM},
			reason: `{"AWS":"*"} is public too; the role gets Decrypt from it directly and the rest through the account`,
		},
		{
			name:   "public NotPrincipal",
			stmts:  []string{svcFive, roleFive, `{"Effect":"Allow","NotPrincipal":{"AWS":"` + otherRole + `"},"Action":"kms:Decrypt","Resource":"*"}`},
			want:   []string{FindingPolicyPublic},
			reason: "an Allow with NotPrincipal is open to everyone else",
		},
		{
			name:   "public from every address",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}`},
			want:   []string{FindingPolicyPublic},
			check:  wantMessage(FindingPolicyPublic, "Statement[3] of the key policy allows every principal"),
			reason: "fourth review: a range that holds every address restricts nobody",
		},
		{
			name:   "public through a service",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":"*","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}`},
			want:   []string{FindingPolicyPublic},
			reason: "fourth review: kms:ViaService names the service a request comes through, and any account can call S3",
		},
		{
			name:   "public from one network",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`},
			reason: "a network's range restricts the caller",
		},
		{
			name:   "public but restricted by caller account",
			stmts:  []string{svcFive, `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}`},
			reason: "kms:CallerAccount restricts a * principal; the role's caller account is known and matches",
		},
		{
			name:   "AWS managed key style: caller account and via service",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"personalize.us-east-1.amazonaws.com"}}}`},
			want:   []string{FindingServiceUncertain, FindingRoleUncertain},
			check:  wantMessage(FindingRoleUncertain, "(StringEquals kms:ViaService)"),
			reason: "kms:ViaService is unknown for both; kms:CallerAccount is unknown for the service principal",
		},
		{
			name: "uncertain direct grant beside the account's",
			stmts: []string{`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"personalize.us-east-1.amazonaws.com"}}}`,
				rootAdmin, svcFive},
			want:   []string{FindingRoleViaIAM},
			reason: "the account statement grants for sure (through IAM); the uncertain one cannot take that away",
		},
		{
			name:   "default key policy",
			stmts:  []string{rootAdmin},
			want:   []string{FindingServiceNotAllowed, FindingRoleViaIAM},
			check:  wantRemedy(FindingServiceNotAllowed, `"Principal":{"Service":"personalize.amazonaws.com"}`),
			reason: "the account root delegates to IAM, which the check cannot see; the service has nothing",
		},
		{
			name:   "bare account ID principal",
			stmts:  []string{svcFive, `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}`},
			want:   []string{FindingRoleViaIAM},
			reason: "an account ID is the account root",
		},
		{
			name:   "another account's root",
			stmts:  []string{svcFive, `{"Effect":"Allow","Principal":{"AWS":"` + otherAcctRt + `"},"Action":"kms:*","Resource":"*"}`},
			want:   []string{FindingPolicyForeignAccount, FindingRoleNotAllowed},
			reason: "another account grants our role nothing, and may decrypt itself",
		},
		// Fourth review: a key policy that lets another account decrypt
		// was silent, where a grant that did the same was High.
		{
			name:   "another account may decrypt",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":{"AWS":"` + otherAcctRt + `"},"Action":["kms:Decrypt","kms:CreateGrant"],"Resource":"*"}`},
			want:   []string{FindingPolicyForeignAccount},
			check:  wantMessage(FindingPolicyForeignAccount, "Statement[3] of the key policy lets a principal of another account"),
			reason: "data encrypted for Personalize is readable by another account",
		},
		{
			name:   "another account's role, by its bare ID too",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999999999999:role/Reader","999999999999"]},"Action":"kms:GenerateDataKey*","Resource":"*"}`},
			want:   []string{FindingPolicyForeignAccount},
			reason: "any principal of another account counts",
		},
		{
			name:   "every principal of another account",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"999999999999"}}}`},
			want:   []string{FindingPolicyForeignAccount},
			reason: "a public principal restricted to another account is that account",
		},
		{
			name:   "another account's roles by ARN pattern",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::999999999999:role/*"}}}`},
			want:   []string{FindingPolicyForeignAccount},
			reason: "aws:PrincipalArn names the account its roles are in",
		},
		{
			name: "everyone but one in another account may decrypt",
			stmts: []string{rootAdmin, svcFive, roleFive,
				`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"999999999999"}}}`},
			want:   []string{FindingPolicyForeignAccount},
			reason: "fifth review: NotPrincipal narrowed to another account is that account",
		},
		{
			name: "a key shared with the role's account, no account in the input",
			stmts: []string{rootAdmin,
				`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}`,
				`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/service-role/PersonalizeRole"},"Action":` + allActions + `,"Resource":"*"}`},
			input: func(in *CheckInput) {
				in.RoleARN, in.AccountID, in.SourceARN = "arn:aws:iam::444455556666:role/service-role/PersonalizeRole", "", ""
			},
			want:   []string{FindingServiceUncertain},
			reason: "fifth review: the role the check asks about is trusted whatever its account; the service's source account is unknown without the input's",
		},
		{
			name:   "another account may only encrypt",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":{"AWS":"` + otherAcctRt + `"},"Action":["kms:Encrypt","kms:DescribeKey","kms:GenerateDataKeyWithoutPlaintext"],"Resource":"*"}`},
			reason: "a producer that writes data for us learns nothing it did not have",
		},
		{
			name:   "another account denied",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Deny","Principal":{"AWS":"` + otherAcctRt + `"},"Action":"kms:*","Resource":"*"}`},
			reason: "a Deny gives nothing",
		},
		{
			name:   "our own account's other role",
			stmts:  []string{rootAdmin, svcFive, roleFive, `{"Effect":"Allow","Principal":{"AWS":"` + otherRole + `"},"Action":"kms:Decrypt","Resource":"*"}`},
			reason: "the account's own principals are the account's to manage",
		},
		{
			name:   "another role",
			stmts:  []string{svcFive, `{"Effect":"Allow","Principal":{"AWS":["` + otherRole + `"]},"Action":"kms:*","Resource":"*"}`},
			want:   []string{FindingRoleNotAllowed},
			reason: "a role is named by its full ARN, path included",
		},
		{
			name:   "service as a list",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":["s3.amazonaws.com","personalize.amazonaws.com"]},"Action":` + allActions + `,"Resource":"*",` + srcCond + `}`, roleFive},
			reason: "Service may be a list",
		},
		{
			name:   "another service",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"kms:*","Resource":"*"}`, roleFive},
			want:   []string{FindingServiceNotAllowed},
			reason: "another service principal is not Personalize",
		},
		{
			name:   "resource is the key ARN",
			stmts:  []string{strings.Replace(svcFive, `"Resource":"*"`, `"Resource":"`+testKeyARN+`"`, 1), strings.Replace(roleFive, `"Resource":"*"`, `"Resource":"arn:aws:kms:us-east-1:111122223333:key/*"`, 1)},
			reason: "naming the key, or a pattern that matches it, is as good as *",
		},
		{
			name:   "resource is another key",
			stmts:  []string{svcFive, strings.Replace(roleFive, `"Resource":"*"`, `"Resource":"arn:aws:kms:us-east-1:111122223333:key/other"`, 1)},
			want:   []string{FindingRoleNotAllowed},
			reason: "a statement about another key grants nothing here",
		},
		{
			name:   "no source conditions",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*"}`, roleFive},
			want:   []string{FindingServiceNoSource},
			check:  wantRemedy(FindingServiceNoSource, `"Condition": {"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"},"StringEquals":{"aws:SourceAccount":"111122223333"}}`),
			reason: "the confused-deputy recommendation is Low",
		},
		{
			name:   "negated source condition is no restriction",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"999999999999"}}}`, roleFive},
			want:   []string{FindingServiceNoSource},
			reason: "allowing every source account but one does not prevent the confused deputy",
		},
		{
			name:   "source condition only if the key is there",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}}`, roleFive},
			want:   []string{FindingServiceNoSource},
			reason: "fourth review: IfExists passes a request that carries no aws:SourceAccount",
		},
		{
			name:   "source condition over all values",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:SourceAccount":"111122223333"}}}`, roleFive},
			want:   []string{FindingServiceNoSource},
			reason: "fourth review: ForAllValues passes a request that carries no aws:SourceAccount",
		},
		{
			name:   "source account of another account",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"999999999999"}}}`, roleFive},
			want:   []string{FindingPolicyForeignAccount, FindingServiceNotAllowed},
			reason: "a grant for another account's resources does not help ours, and lets that account's Personalize use the key (review: the service's source account was not read)",
		},
		{
			name:   "source ARN of another dataset group",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/other"}}}`, roleFive},
			want:   []string{FindingServiceNotAllowed},
			reason: "the dataset group named in the input is not the one allowed",
		},
		{
			name:   "source conditions without the account in the input",
			stmts:  []string{svcFive, roleFive},
			input:  func(in *CheckInput) { in.AccountID, in.SourceARN = "", "" },
			want:   []string{FindingServiceUncertain},
			check:  wantRemedy(FindingServiceUncertain, "set CheckInput.AccountID and set CheckInput.SourceARN"),
			reason: "unknown source keys are reported with how to make them known",
		},
		{
			name:   "encryption context condition",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","kms:EncryptionContext:aws:personalize:datasetgroup":"x"}}}`, roleFive},
			want:   []string{FindingServiceUncertain},
			check:  wantMessage(FindingServiceUncertain, "(StringEquals kms:EncryptionContext:aws:personalize:datasetgroup)"),
			reason: "encryption context is per request: unknown, reported by name",
		},
		{
			name: "grant only for AWS resources",
			stmts: []string{svcFive, role(`"Action":["kms:Decrypt","kms:GenerateDataKey","kms:DescribeKey"]`, ""),
				role(`"Action":["kms:CreateGrant","kms:ListGrants"]`, `,"Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}`)},
			want:   []string{FindingRoleUncertain},
			check:  wantMessage(FindingRoleUncertain, "allows the role "+testRole+" kms:CreateGrant, kms:ListGrants depends on conditions the guard cannot evaluate (Bool kms:GrantIsForAWSResource)"),
			reason: "the console's key-user statement: only the grant actions are uncertain",
		},
		{
			name:   "role principal condition it can evaluate",
			stmts:  []string{svcFive, `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":` + allActions + `,"Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/service-role/*"}}}`},
			want:   []string{FindingRoleViaIAM},
			reason: "aws:PrincipalArn is known for the role; the grant still goes through the account",
		},
		{
			name:   "condition operator it does not know",
			stmts:  []string{svcFive, role(`"Action":`+allActions, `,"Condition":{"DateLessThan":{"aws:CurrentTime":"2099-01-01T00:00:00Z"}}`)},
			want:   []string{FindingRoleUncertain},
			check:  wantMessage(FindingRoleUncertain, "DateLessThan aws:CurrentTime"),
			reason: "an operator the evaluator lacks is unevaluated, not assumed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFake(t)
			f.policy = policy(tt.stmts...)
			in := goodInput()
			if tt.input != nil {
				tt.input(&in)
			}
			rep, err := Check(context.Background(), f, in)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, rep.IDs(), cmpEmpty); diff != "" {
				t.Errorf("Check finding IDs mismatch (-want +got) (%s):\n%s\n%s", tt.reason, diff, table(rep))
			}
			checkFindings(t, rep, in.KeyARN)
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func TestFindingMessagesDoNotEchoPolicyValues(t *testing.T) {
	const marker = "s3cr3t-value-in-policy"
	f := goodFake(t)
	f.policy = policy(
		`{"Sid":"`+marker+`","Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":`+allActions+`,"Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:project":"`+marker+`"}}}`,
		`{"Effect":"Deny","Principal":{"AWS":"`+testRole+`"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":"`+testRole+`"},"StringNotEquals":{"aws:userid":"`+marker+`"}}}`,
	)
	rep, err := Check(context.Background(), f, goodInput())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		t.Fatalf("expected findings")
	}
	for _, fi := range rep.Findings {
		if strings.Contains(fi.Message, marker) || strings.Contains(fi.Remediation, marker) {
			t.Errorf("finding %s repeats a policy value or Sid:\n%s\n%s", fi.ID, fi.Message, fi.Remediation)
		}
	}
}
