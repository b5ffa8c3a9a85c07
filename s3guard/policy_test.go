package s3guard

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/posture"
)

// Statements of real-world bucket policies, for bucket amzn-personalize-data.
const (
	// The remediation policy of Security Hub S3.5 / Config
	// s3-bucket-ssl-requests-only.
	stSecurityHubTLS = `{"Sid":"AllowSSLRequestsOnly","Action":"s3:*","Effect":"Deny","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Principal":"*"}`
	// The grant in the Personalize developer guide, with the
	// confused-deputy condition it recommends.
	stGrantRead  = `{"Sid":"PersonalizeS3BucketAccessPolicy","Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`
	stGrantWrite = `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":["s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`
)

// A least-privilege grant split in two, as AWS's examples write it.
const (
	stPrefixGet  = `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-personalize-data/imports/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`
	stPrefixList = `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-personalize-data","Condition":{"StringLike":{"s3:prefix":"imports/*"},"StringEquals":{"aws:SourceAccount":"111122223333"}}}`
)

func policyOf(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// tlsWith returns the Security Hub TLS statement with old replaced by new.
func tlsWith(old, new string) string { return strings.Replace(stSecurityHubTLS, old, new, 1) }

func grantWith(old, new string) string { return strings.Replace(stGrantRead, old, new, 1) }

func TestPolicyFindings(t *testing.T) {
	req := testReq()
	noAcct := req
	noAcct.AccountID = ""
	keyAcct := req
	keyAcct.TrustedAccountIDs = []string{"999999999999"}
	tests := []struct {
		name   string
		policy string
		dir    Direction
		loc    *Location
		req    *Requirements
		want   []string
		// wantIn lists substrings the findings' messages must contain.
		wantIn []string
		reason string
	}{
		{
			name:   "security hub remediation and documented grant",
			policy: policyOf(stSecurityHubTLS, stGrantRead),
			dir:    Read,
			reason: "the reference configuration passes",
		},
		{
			name:   "another account's principal reads the data",
			policy: policyOf(stSecurityHubTLS, stGrantRead, `{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]}`),
			dir:    Read,
			want:   []string{FindingPolicyForeignAccount},
			wantIn: []string{"another account than 111122223333", "PartnerRead"},
			reason: "third review: a grant to account 999999999999 passed the bucket check, though the key check reports the same on the key",
		},
		{
			name:   "every principal narrowed to another account",
			policy: policyOf(stSecurityHubTLS, stGrantRead, `{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::amzn-personalize-data/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"999999999999"}}}`),
			dir:    Read,
			want:   []string{FindingPolicyForeignAccount},
			reason: "a condition that narrows every principal to another account names that account",
		},
		{
			name: "the account's own role, and another account writing nothing of the data",
			policy: policyOf(stSecurityHubTLS, stGrantRead, strings.Replace(`{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]}`, "999999999999:root", "111122223333:role/DataEngineer", 1),
				`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"s3:GetBucketLocation","Resource":"arn:aws:s3:::amzn-personalize-data"}`),
			dir:    Read,
			reason: "the account's own principals, and actions that expose no object, are no finding",
		},
		{
			name:   "a trusted account's principal reads the data",
			policy: policyOf(stSecurityHubTLS, stGrantRead, `{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]}`),
			dir:    Read,
			req:    &keyAcct,
			reason: "an account of TrustedAccountIDs (the guard's key account, when not the role's) is no other account",
		},
		{
			name:   "another account's principal, no account to compare with",
			policy: policyOf(stSecurityHubTLS, stGrantRead, `{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]}`),
			dir:    Read,
			req:    &noAcct,
			want:   []string{FindingGrantSourceUnverified},
			reason: "without Requirements.AccountID the check cannot tell an account foreign (nor judge the grant's aws:SourceAccount)",
		},
		{
			name:   "BoolIfExists",
			policy: policyOf(tlsWith(`"Bool"`, `"BoolIfExists"`), stGrantRead),
			dir:    Read,
			reason: "BoolIfExists also matches requests without the key",
		},
		{
			name:   "JSON false",
			policy: policyOf(tlsWith(`"aws:SecureTransport":"false"`, `"aws:SecureTransport":false`), stGrantRead),
			dir:    Read,
			reason: "an unquoted boolean is the same condition",
		},
		{
			name:   "Principal AWS star",
			policy: policyOf(tlsWith(`"Principal":"*"`, `"Principal":{"AWS":"*"}`), stGrantRead),
			dir:    Read,
			reason: `{"AWS": "*"} is every principal`,
		},
		{
			name:   "bucket wildcard resource",
			policy: policyOf(tlsWith(`["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]`, `"arn:aws:s3:::amzn-personalize-data*"`), stGrantRead),
			dir:    Read,
			reason: "B* covers the bucket and its objects",
		},
		{
			name: "TLS floor as well",
			policy: policyOf(stSecurityHubTLS, stGrantRead,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}`),
			dir:    Read,
			reason: "a 1.2 floor does not stop Personalize, which uses TLS 1.2 or later",
		},
		{
			name: "TlsVersion only",
			policy: policyOf(stGrantRead,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{"does not stop plain HTTP", "carry no s3:TlsVersion"},
			reason: "plain-HTTP requests have no s3:TlsVersion, so NumericLessThan does not match them",
		},
		{
			name: "TlsVersion IfExists",
			policy: policyOf(stGrantRead,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"NumericLessThanIfExists":{"s3:TlsVersion":"1.2"}}}`),
			dir:    Read,
			reason: "the IfExists form matches requests without the key, so it denies plain HTTP",
		},
		{
			name: "TLS floor 1.3",
			policy: policyOf(stSecurityHubTLS, stGrantRead,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}}`),
			dir:    Read,
			want:   []string{FindingGrantUncertain},
			wantIn: []string{"NumericLessThan s3:TlsVersion"},
			reason: "whether Personalize negotiates TLS 1.3 is unknown",
		},
		{
			name:   "narrowed principal",
			policy: policyOf(tlsWith(`"Principal":"*"`, `"Principal":{"AWS":"arn:aws:iam::111122223333:root"}`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{"narrowed principals"},
			reason: "a Deny for one account leaves every other principal free to use plain HTTP",
		},
		{
			name:   "NotPrincipal",
			policy: policyOf(tlsWith(`"Principal":"*"`, `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/Admin"}`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			reason: "the excepted principal may use plain HTTP (Security Hub S3.5 rejects NotPrincipal)",
		},
		{
			name:   "deny only on objects",
			policy: policyOf(tlsWith(`["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]`, `"arn:aws:s3:::amzn-personalize-data/*"`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{"for every S3 action on arn:aws:s3:::amzn-personalize-data."},
			reason: "looks right but isn't: listing the bucket over plain HTTP is still allowed",
		},
		{
			name: "every action on objects, only listing on the bucket",
			policy: policyOf(tlsWith(`["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]`, `"arn:aws:s3:::amzn-personalize-data/*"`),
				strings.NewReplacer(`"s3:*"`, `["s3:ListBucket","s3:ListBucketVersions"]`, `"AllowSSLRequestsOnly"`, `"ListOnlyTLS"`).Replace(tlsWith(`["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]`, `"arn:aws:s3:::amzn-personalize-data"`)),
				stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{"for s3:GetBucketPolicy, s3:PutBucketPolicy, s3:DeleteBucket and every other S3 action on arn:aws:s3:::amzn-personalize-data."},
			reason: "fifth review: the bucket's policy and the bucket itself stay open over plain HTTP",
		},
		{
			name:   "deny by a NotAction that leaves S3 actions out",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":["s3:GetObjectTagging","s3:PutBucketAcl"]`, 1), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{`denies plain-HTTP requests through NotAction, which leaves the actions of "s3:GetObjectTagging" and "s3:PutBucketAcl" open to them.`},
			reason: "sixth review: the probes match a NotAction Deny, and every action it names stays open",
		},
		{
			name: "a TLS floor by a NotAction that leaves S3 actions out",
			policy: policyOf(`{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObjectTorrent","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"NumericLessThanIfExists":{"s3:TlsVersion":"1.2"}}}`,
				stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{`leaves the actions of "s3:GetObjectTorrent" open to them.`},
			reason: "seventh review: a NotAction deny of another form than aws:SecureTransport is probed too",
		},
		{
			name: "two NotAction denies that both leave GetObjectTorrent out",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"s3:Get*"`, 1),
				strings.NewReplacer(`"Action":"s3:*"`, `"NotAction":"s3:*Torrent"`, `AllowSSLRequestsOnly`, `Second`).Replace(stSecurityHubTLS), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{`leaves the actions of "s3:Get*" and "s3:*Torrent" open to them.`},
			reason: "eighth review: what two NotAction denies leave open is what both name, which one sample of a pattern does not show",
		},
		{
			name: "a NotAction deny beside a narrower Action deny",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"s3:PutObject*"`, 1),
				strings.NewReplacer(`"Action":"s3:*"`, `"Action":["s3:PutObject","s3:PutObjectAcl"]`, `AllowSSLRequestsOnly`, `Second`).Replace(stSecurityHubTLS), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{`leaves the actions of "s3:PutObject*" open to them.`},
			reason: "eighth review: PutObjectRetention and PutObjectTagging stay open; a sample with a NUL no Deny names shows it",
		},
		{
			name:   "a NotAction pattern that names no action, before one that does",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":["s3","s3:GetObjectTorrent"]`, 1), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{`leaves the actions of "s3:GetObjectTorrent" open to them.`},
			reason: "eighth review: a pattern that cannot be sampled is passed over, not the end of the look",
		},
		{
			name: "two NotAction denies that cover every action together",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"s3:Get*"`, 1),
				strings.NewReplacer(`"Action":"s3:*"`, `"NotAction":"s3:Put*"`, `AllowSSLRequestsOnly`, `Second`).Replace(stSecurityHubTLS), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			reason: "refused on purpose: NotAction denies are judged one by one against the Action denies; an Action s3:* deny says it plainly",
		},
		{
			name: "a NotAction deny beside Action denies that hold its sample, not all it names",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"s3:GetObject*"`, 1),
				strings.NewReplacer(`"Action":"s3:*"`, `"Action":["s3:GetObject","s3:GetObject?","s3:GetObjectVersion","s3:GetObjectAttributes"]`, `AllowSSLRequestsOnly`, `Second`).Replace(stSecurityHubTLS), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{`leaves the actions of "s3:GetObject*" open to them.`},
			reason: "ninth review: GetObjectTorrent, GetObjectAcl and GetObjectTagging stay open",
		},
		{
			name: "a NotAction deny with a leading wildcard beside a narrower deny",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"*Object"`, 1),
				strings.NewReplacer(`"Action":"s3:*"`, `"Action":["s3:Object","s3:GetObject","s3:PutObject","s3:DeleteObject"]`, `AllowSSLRequestsOnly`, `Second`).Replace(stSecurityHubTLS), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{`leaves the actions of "*Object" open to them.`},
			reason: "ninth review: RestoreObject stays open",
		},
		{
			name: "a NotAction deny beside a wider Action deny",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"s3:GetObject*"`, 1),
				strings.NewReplacer(`"Action":"s3:*"`, `"Action":"s3:Get*"`, `AllowSSLRequestsOnly`, `Second`).Replace(stSecurityHubTLS), stGrantRead),
			dir:    Read,
			reason: "s3:Get* holds every action s3:GetObject* names",
		},
		{
			name:   "every action denied, and a NotAction deny beside",
			policy: policyOf(stSecurityHubTLS, strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"s3:GetObjectTagging"`, 1), stGrantRead),
			dir:    Read,
			reason: "seventh review: the s3:* deny covers what the NotAction leaves out",
		},
		{
			name: "a NotAction deny on TLS requests, beside the S3.5 deny",
			policy: policyOf(stSecurityHubTLS, strings.NewReplacer(`"Action":"s3:*"`, `"NotAction":["s3:GetObject","s3:ListBucket"]`, `"false"`, `"true"`).Replace(stSecurityHubTLS),
				stGrantRead),
			dir:    Read,
			reason: "seventh review: a deny for another purpose leaves nothing open over plain HTTP",
		},
		{
			name:   "deny by a NotAction that leaves out only another service's actions",
			policy: policyOf(strings.Replace(stSecurityHubTLS, `"Action":"s3:*"`, `"NotAction":"kms:*"`, 1), stGrantRead),
			dir:    Read,
			reason: "every S3 action is denied over plain HTTP",
		},
		{
			name:   "deny only on bucket",
			policy: policyOf(tlsWith(`["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]`, `"arn:aws:s3:::amzn-personalize-data"`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{"for every S3 action on arn:aws:s3:::amzn-personalize-data/*."},
			reason: "looks right but isn't: objects are still readable over plain HTTP",
		},
		{
			name:   "deny only GetObject",
			policy: policyOf(tlsWith(`"Action":"s3:*"`, `"Action":"s3:GetObject"`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{"s3:PutObject"},
			reason: "writes over plain HTTP are still allowed",
		},
		{
			name:   "Allow instead of Deny",
			policy: policyOf(tlsWith(`"Effect":"Deny"`, `"Effect":"Allow"`), stGrantRead),
			dir:    Read,
			want:   []string{FindingPolicyPublic, FindingTLSOnlyIncomplete},
			reason: "looks right but isn't: it allows everybody plain-HTTP access",
		},
		{
			name:   "true instead of false",
			policy: policyOf(tlsWith(`"aws:SecureTransport":"false"`, `"aws:SecureTransport":"true"`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete, FindingGrantDenied},
			wantIn: []string{"statement 0 (AllowSSLRequestsOnly)"},
			reason: "looks right but isn't: it denies TLS and lets plain HTTP through, and locks Personalize out",
		},
		{
			name:   "wrong key name",
			policy: policyOf(tlsWith(`"aws:SecureTransport"`, `"aws:SecureTransports"`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyMissing, FindingGrantUncertain},
			wantIn: []string{"Bool aws:SecureTransports"},
			reason: "looks right but isn't: an unknown key is never assumed to match, for the TLS deny or against Personalize",
		},
		{
			name:   "extra condition",
			policy: policyOf(tlsWith(`"Condition":{"Bool":{"aws:SecureTransport":"false"}}`, `"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}`), stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyIncomplete},
			wantIn: []string{"StringNotEquals aws:PrincipalAccount"},
			reason: "a Deny with an extra condition does not cover every principal",
		},
		{
			name:   "no TLS statement",
			policy: policyOf(stGrantRead),
			dir:    Read,
			want:   []string{FindingTLSOnlyMissing},
			reason: "Security Hub S3.5 fails",
		},
		{
			name:   "read grant, write job",
			policy: policyOf(stSecurityHubTLS, stGrantRead),
			dir:    Write,
			want:   []string{FindingGrantMissing},
			wantIn: []string{"s3:PutObject on arn:aws:s3:::amzn-personalize-data/*"},
			reason: "exports need s3:PutObject",
		},
		{
			name:   "write grant, write job",
			policy: policyOf(stSecurityHubTLS, stGrantWrite),
			dir:    Write,
			reason: "exports need s3:PutObject and s3:ListBucket",
		},
		{
			name:   "no grant",
			policy: policyOf(stSecurityHubTLS),
			dir:    Read,
			want:   []string{FindingGrantMissing},
			wantIn: []string{"s3:GetObject on arn:aws:s3:::amzn-personalize-data/*, s3:ListBucket on arn:aws:s3:::amzn-personalize-data"},
			reason: "Personalize would fail",
		},
		{
			name: "no grant, and a Deny on an unknown condition",
			policy: policyOf(stSecurityHubTLS,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::amzn-personalize-data/*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"ml"}}}`),
			dir:    Read,
			want:   []string{FindingGrantMissing},
			reason: "an undecided Deny does not make a missing grant merely uncertain",
		},
		{
			name:   "grant without source condition",
			policy: policyOf(stSecurityHubTLS, grantWith(`,"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}`, ``)),
			dir:    Read,
			want:   []string{FindingConfusedDeputy},
			reason: "a Low recommendation, not a block",
		},
		{
			name:   "source account, account unknown",
			policy: policyOf(stSecurityHubTLS, stGrantRead),
			dir:    Read,
			req:    &noAcct,
			want:   []string{FindingGrantSourceUnverified},
			wantIn: []string{"StringEquals aws:SourceAccount"},
			reason: "without Requirements.AccountID the condition cannot be checked; it is AWS's own recommendation, so Low",
		},
		{
			name:   "source account of another account",
			policy: policyOf(stSecurityHubTLS, grantWith(`"aws:SourceAccount":"111122223333"`, `"aws:SourceAccount":"444455556666"`)),
			dir:    Read,
			want:   []string{FindingPolicyForeignAccount, FindingGrantMissing},
			reason: "the grant is for Personalize acting for another account, which can then read the data (review: the service's source account was not read)",
		},
		{
			name:   "source accounts ours and another",
			policy: policyOf(stSecurityHubTLS, grantWith(`"aws:SourceAccount":"111122223333"`, `"aws:SourceAccount":["111122223333","444455556666"]`)),
			dir:    Read,
			want:   []string{FindingPolicyForeignAccount},
			reason: "the grant serves ours, and another account's Personalize too",
		},
		{
			name:   "source ARN",
			policy: policyOf(stSecurityHubTLS, grantWith(`"StringEquals":{"aws:SourceAccount":"111122223333"}`, `"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"}`)),
			dir:    Read,
			want:   []string{FindingGrantSourceUnverified},
			wantIn: []string{"ArnLike aws:SourceArn"},
			reason: "aws:SourceArn is known only once the job runs",
		},
		{
			name:   "grant on another condition",
			policy: policyOf(stSecurityHubTLS, grantWith(`"StringEquals":{"aws:SourceAccount":"111122223333"}`, `"StringEquals":{"aws:PrincipalTag/team":"ml"}`)),
			dir:    Read,
			want:   []string{FindingGrantUncertain},
			wantIn: []string{"StringEquals aws:PrincipalTag/team"},
			reason: "an unevaluable condition blocks, naming the condition",
		},
		{
			name: "VPC endpoint only",
			policy: policyOf(stSecurityHubTLS, stGrantRead,
				`{"Sid":"VPCOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`),
			dir:    Read,
			want:   []string{FindingGrantVPCOnly},
			wantIn: []string{"cannot use buckets that allow only VPC access"},
			reason: "Personalize's requests do not come through the VPC endpoint",
		},
		{
			name: "VPC only",
			policy: policyOf(stSecurityHubTLS, stGrantRead,
				`{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-111bbb22"}}}`),
			dir:    Read,
			want:   []string{FindingGrantVPCOnly},
			reason: "aws:SourceVpc is absent from a service principal's request",
		},
		{
			name: "IP allow-list",
			policy: policyOf(stSecurityHubTLS, stGrantRead,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`),
			dir:    Read,
			want:   []string{FindingGrantVPCOnly},
			reason: "a service principal's request has no aws:SourceIp, so an IP allow-list locks Personalize out like a VPC-only deny",
		},
		{
			name: "data perimeter exempting AWS services",
			policy: policyOf(stSecurityHubTLS, stGrantRead,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}`),
			dir:    Read,
			reason: "AWS's data-perimeter pattern exempts service principals, so Personalize is not denied",
		},
		{
			name: "organization-only deny",
			policy: policyOf(stSecurityHubTLS, stGrantRead,
				`{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],"Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`),
			dir:    Read,
			want:   []string{FindingGrantDenied},
			wantIn: []string{"statement 2 (OrgOnly)"},
			reason: "a service principal has no aws:PrincipalOrgID, so the Deny applies to Personalize",
		},
		{
			name:   "public read",
			policy: policyOf(stSecurityHubTLS, `{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"]}`),
			dir:    Read,
			want:   []string{FindingPolicyPublic, FindingConfusedDeputy},
			wantIn: []string{"statement 1 (PublicRead)"},
			reason: "a public Allow is Critical; it also grants Personalize, without a source condition",
		},
		{
			name:   "public read from every address",
			policy: policyOf(stSecurityHubTLS, stGrantRead, `{"Sid":"AnyAddress","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-personalize-data/*","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}`),
			dir:    Read,
			want:   []string{FindingPolicyPublic},
			wantIn: []string{"statement 2 (AnyAddress)"},
			reason: "fourth review: a range that holds every address restricts nobody",
		},
		{
			name:   "public read from one network",
			policy: policyOf(stSecurityHubTLS, stGrantRead, `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-personalize-data/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`),
			dir:    Read,
			reason: "a network's range restricts the caller, as S3's own test of a public policy has it",
		},
		{
			name:   "public read restricted to the organization",
			policy: policyOf(stSecurityHubTLS, stGrantRead, `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-personalize-data/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`),
			dir:    Read,
			reason: "a condition on who the caller is makes it not public",
		},
		{
			name:   "grant scoped to a prefix, whole bucket checked",
			policy: policyOf(stSecurityHubTLS, grantWith(`"arn:aws:s3:::amzn-personalize-data/*"`, `"arn:aws:s3:::amzn-personalize-data/imports/*"`)),
			dir:    Read,
			want:   []string{FindingGrantMissing},
			reason: "the grant does not cover every object",
		},
		{
			name:   "grant scoped to a prefix, that prefix checked",
			policy: policyOf(stSecurityHubTLS, grantWith(`"arn:aws:s3:::amzn-personalize-data/*"`, `"arn:aws:s3:::amzn-personalize-data/imports/*"`)),
			dir:    Read,
			loc:    &Location{testBucket, "imports/2024/"},
			reason: "CheckLocation evaluates the grant for the location's objects",
		},
		{
			name:   "grant scoped to a prefix, object under it",
			policy: policyOf(stSecurityHubTLS, grantWith(`"arn:aws:s3:::amzn-personalize-data/*"`, `"arn:aws:s3:::amzn-personalize-data/imports/*"`)),
			dir:    Read,
			loc:    &Location{testBucket, "imports/items.csv"},
			reason: "an object under the granted prefix",
		},
		{
			name:   "grant scoped to a prefix, other prefix",
			policy: policyOf(stSecurityHubTLS, grantWith(`"arn:aws:s3:::amzn-personalize-data/*"`, `"arn:aws:s3:::amzn-personalize-data/imports/*"`)),
			dir:    Read,
			loc:    &Location{testBucket, "exports/items.csv"},
			want:   []string{FindingGrantMissing},
			reason: "an object outside the granted prefix",
		},
		{
			name:   "list scoped by s3:prefix",
			policy: policyOf(stSecurityHubTLS, stPrefixGet, stPrefixList),
			dir:    Read,
			loc:    &Location{testBucket, "imports/2024/"},
			reason: "s3:prefix is the location's prefix when a location is known",
		},
		{
			name:   "list scoped by s3:prefix, other location",
			policy: policyOf(stSecurityHubTLS, stPrefixGet, stPrefixList),
			dir:    Read,
			loc:    &Location{testBucket, "exports/"},
			want:   []string{FindingGrantMissing},
			wantIn: []string{"s3:GetObject on arn:aws:s3:::amzn-personalize-data/exports/*, s3:ListBucket on arn:aws:s3:::amzn-personalize-data"},
			reason: "neither the objects nor the listing are granted outside imports/",
		},
		{
			name:   "list scoped by s3:prefix, whole bucket",
			policy: policyOf(stSecurityHubTLS, stPrefixGet, stPrefixList),
			dir:    Read,
			want:   []string{FindingGrantMissing, FindingGrantUncertain},
			wantIn: []string{"StringLike s3:prefix"},
			reason: "without a location the listing prefix is unknown, and the objects are not all granted",
		},
		{
			name:   "s3:prefix on an object statement",
			policy: policyOf(stSecurityHubTLS, grantWith(`"Condition":{`, `"Condition":{"StringLike":{"s3:prefix":"imports/*"},`)),
			dir:    Read,
			loc:    &Location{testBucket, "imports/2024/"},
			want:   []string{FindingGrantMissing},
			wantIn: []string{"s3:GetObject on arn:aws:s3:::amzn-personalize-data/imports/2024/*"},
			reason: "looks right but isn't: GetObject requests carry no s3:prefix, so the statement never grants them",
		},
		{
			name: "upload encryption enforced",
			policy: policyOf(stSecurityHubTLS, stGrantWrite,
				`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::amzn-personalize-data/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`),
			dir:    Write,
			want:   []string{FindingGrantUncertain},
			wantIn: []string{"StringNotEquals s3:x-amz-server-side-encryption"},
			reason: "whether Personalize's PutObject carries that header is unknown; the finding names the condition",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := iampolicy.Parse([]byte(tt.policy))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			r := req
			if tt.req != nil {
				r = *tt.req
			}
			s := newScope(testBucket, r.Region, tt.dir)
			if tt.loc != nil {
				s = s.forLocation(*tt.loc)
			}
			got := policyFindings(doc, s, &r)
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("finding IDs mismatch (-want +got) (%s):\n%s\nfindings: %v", tt.reason, diff, got)
			}
			assertFindings(t, got, tt.wantIn)

			// The Checker, which evaluates a bucket's policy once for
			// its cache, reports the same of a bucket whose other
			// settings pass.
			fake := goodBucket()
			fake.policy = tt.policy
			c := NewChecker(fake, r)
			rep, err := c.CheckBucket(context.Background(), testBucket, tt.dir)
			if tt.loc != nil {
				rep, err = c.CheckLocation(context.Background(), *tt.loc, tt.dir)
			}
			if err != nil {
				t.Fatalf("Checker: %v", err)
			}
			if diff := cmp.Diff(tt.want, ids(rep.Findings)); diff != "" {
				t.Errorf("the Checker's finding IDs (-want +got):\n%s", diff)
			}
		})
	}
}

func ids(fs []posture.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

// wantSeverity is the severity every finding ID must carry.
var wantSeverity = map[string]posture.Severity{
	FindingBucketNotFound:              posture.Critical,
	FindingBucketRegionMismatch:        posture.High,
	FindingEncryptionMissing:           posture.High,
	FindingEncryptionSSES3:             posture.Medium,
	FindingEncryptionKeyNotAllowed:     posture.High,
	FindingEncryptionKeyUnverified:     posture.Medium,
	FindingPolicyMissing:               posture.High,
	FindingPolicyUnparsable:            posture.High,
	FindingPolicyPublic:                posture.Critical,
	FindingPolicyForeignAccount:        posture.High,
	FindingTLSOnlyMissing:              posture.High,
	FindingTLSOnlyIncomplete:           posture.High,
	FindingPublicAccessBlockMissing:    posture.High,
	FindingPublicAccessBlockIncomplete: posture.High,
	FindingACLsEnabled:                 posture.Medium,
	FindingGrantMissing:                posture.High,
	FindingGrantDenied:                 posture.High,
	FindingGrantVPCOnly:                posture.High,
	FindingGrantUncertain:              posture.Medium,
	FindingGrantSourceUnverified:       posture.Low,
	FindingConfusedDeputy:              posture.Low,
	FindingSourceEmpty:                 posture.High,
	FindingSourceUnsampled:             posture.Medium,
	FindingObjectNotFound:              posture.High,
	FindingObjectUnencrypted:           posture.High,
	FindingObjectSSES3:                 posture.Medium,
	FindingObjectKeyNotAllowed:         posture.High,
	FindingObjectSSEC:                  posture.High,
	FindingObjectUnrecognized:          posture.Medium,
}

// assertFindings checks what every finding must have, and that the
// messages together contain each of wantIn.
func assertFindings(t *testing.T, fs []posture.Finding, wantIn []string) {
	t.Helper()
	var all strings.Builder
	for _, f := range fs {
		if err := f.Validate(); err != nil {
			t.Errorf("invalid finding: %v", err)
		}
		if want, ok := wantSeverity[f.ID]; !ok || f.Severity != want {
			t.Errorf("finding %s has severity %v, want %v", f.ID, f.Severity, want)
		}
		if f.Remediation == "" {
			t.Errorf("finding %s has no remediation", f.ID)
		}
		if f.Resource == "" {
			t.Errorf("finding %s has no resource", f.ID)
		}
		all.WriteString(f.Message + "\n")
	}
	for _, w := range wantIn {
		if !strings.Contains(all.String(), w) {
			t.Errorf("messages do not contain %q:\n%s", w, all.String())
		}
	}
}

func TestSampleAction(t *testing.T) {
	tests := []struct {
		pattern, want string
		ok            bool
	}{
		{"s3:GetObjectTorrent", "s3:GetObjectTorrent", true},
		{"s3:Get*", "s3:Get", true},
		{"s3:*", "s3:X", true},
		{"*", "s3:X", true},
		{"s*", "s3:X", true},
		{"?3:Put*", "s3:Put", true},
		{"S3:?etObject", "S3:XetObject", true},
		{"s3?Get*", "s3:Get", true},
		{"kms:Decrypt", "kms:Decrypt", false},
		{"s3express:*", "s3express:", false},
	}
	for _, tt := range tests {
		got, ok := sampleAction(tt.pattern)
		if got != tt.want || ok != tt.ok {
			t.Errorf("sampleAction(%q) = %q, %v; want %q, %v", tt.pattern, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzSampleAction: a sample is an s3: action the pattern matches.
func FuzzSampleAction(f *testing.F) {
	f.Add("s3:Get*")
	f.Add("*")
	f.Add("?3:*a?")
	f.Fuzz(func(t *testing.T, p string) {
		a, ok := sampleAction(p)
		if ok && (!strings.EqualFold(a[:3], "s3:") || !iampolicy.Glob(p, a, true)) {
			t.Fatalf("sampleAction(%q) = %q, which it does not match or is no s3: action", p, a)
		}
	})
}

func TestActionIncludes(t *testing.T) {
	tests := []struct {
		q, p string
		want bool
	}{
		{"*", "s3:GetObject*", true},
		{"S3:*", "s3:GetObject*", true},
		{"s3:GetObject*", "S3:GETOBJECT*", true},
		{"s3:Get*", "s3:GetObject*", true},
		{"s3:Get*", "s3:GetObjectTorrent", true},
		{"s3:GetObject*", "s3:Get*", false},
		{"s3:GetObject?", "s3:GetObject*", false},
		{"s3:Get*", "s3:*Get", false},
		{"s3:*Object", "*Object", false},
		{"s3:G*t*", "s3:GetObject", false}, // holds it, but not by the conservative rule
	}
	for _, tt := range tests {
		if got := actionIncludes(tt.q, tt.p); got != tt.want {
			t.Errorf("actionIncludes(%q, %q) = %v, want %v", tt.q, tt.p, got, tt.want)
		}
	}
}
