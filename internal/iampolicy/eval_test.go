package iampolicy

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	role    = "arn:aws:iam::111122223333:role/PersonalizeRole"
	svc     = "personalize.amazonaws.com"
	tlsDeny = `{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
)

func mustParse(t *testing.T, stmts ...string) *Document {
	t.Helper()
	d, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func TestEvaluate(t *testing.T) {
	plainHTTP := map[string][]string{"aws:SecureTransport": {"false"}}
	tests := []struct {
		name   string
		stmts  []string
		req    Request
		want   Result
		reason string
	}{
		{
			name:   "service principal exact",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "the simplest grant",
		},
		{
			name:   "action wildcard, case-insensitive",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":["x.amazonaws.com","personalize.amazonaws.com"]},"Action":"KMS:Generate*","Resource":"*"}`},
			req:    Request{Actor: Service(svc), Action: "kms:GenerateDataKey", Resource: "*"},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "action names compare case-insensitively and kms:Generate* covers GenerateDataKey",
		},
		{
			name:   "wildcard does not over-match",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Generate*","Resource":"*"}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: NotAllowed},
			reason: "kms:Generate* does not cover Decrypt",
		},
		{
			name:   "NotAction allow",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"` + role + `"},"NotAction":["kms:ScheduleKeyDeletion","kms:Disable*"],"Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "NotAction allows everything not listed",
		},
		{
			name:   "NotAction excludes",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"` + role + `"},"NotAction":"kms:Decrypt","Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:decrypt", Resource: "*"},
			want:   Result{Decision: NotAllowed},
			reason: "NotAction excludes the listed action, case-insensitively",
		},
		{
			name: "deny overrides allow",
			stmts: []string{`{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`,
				`{"Effect":"Deny","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: Denied, Allows: []int{0}, Denies: []int{1}},
			reason: "an explicit Deny wins",
		},
		{
			name:   "account root delegates",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: Allowed, ViaAccount: true, Allows: []int{0}},
			reason: "the default key policy delegates to IAM; the role needs an IAM policy too",
		},
		{
			name:   "bare account id delegates",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: Allowed, ViaAccount: true, Allows: []int{0}},
			reason: "an account ID is the account root",
		},
		{
			name:   "other account",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:*","Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: NotAllowed},
			reason: "another account's root grants nothing to our role",
		},
		{
			name:   "resource wildcard is case-sensitive",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}`},
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/data.csv"},
			want:   Result{Decision: NotAllowed},
			reason: "resource ARNs compare case-sensitively",
		},
		{
			name:   "tls deny covers plain http",
			stmts:  []string{tlsDeny},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: plainHTTP},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "the Security Hub S3.5 remediation policy",
		},
		{
			name:   "tls deny does not hit https",
			stmts:  []string{tlsDeny},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: map[string][]string{"aws:SecureTransport": {"true"}}},
			want:   Result{Decision: NotAllowed},
			reason: "the condition is false over TLS",
		},
		{
			name:   "narrowed deny does not cover anyone",
			stmts:  []string{strings.Replace(tlsDeny, `"Principal":"*"`, `"Principal":{"AWS":"arn:aws:iam::111122223333:root"}`, 1)},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: plainHTTP},
			want:   Result{Decision: NotAllowed},
			reason: "a Deny for one account leaves other principals free to use plain HTTP",
		},
		{
			name:   "NotPrincipal deny does not cover anyone",
			stmts:  []string{strings.Replace(tlsDeny, `"Principal":"*"`, `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`, 1)},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: plainHTTP},
			want:   Result{Decision: NotAllowed},
			reason: "an arbitrary principal may be the excepted one",
		},
		{
			name:   "unknown condition key on allow",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:aws:personalize":"x"}}}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: NotAllowed, Uncertain: true, Unevaluated: []string{"StringEquals kms:EncryptionContext:aws:personalize"}},
			reason: "a condition that cannot be evaluated is never assumed to pass",
		},
		{
			name: "unknown condition key on deny",
			stmts: []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}`,
				`{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: "*"},
			want:   Result{Decision: Allowed, Uncertain: true, MaybeDenied: true, Unevaluated: []string{"IpAddress aws:SourceIp"}, Allows: []int{0}},
			reason: "a Deny that might apply makes the Allow uncertain",
		},
		{
			name: "vpc-only deny locks personalize out",
			stmts: []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`},
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Absent: []string{"aws:SourceVpce", "aws:SourceVpc"}},
			want:   Result{Decision: Denied, Allows: []int{0}, Denies: []int{1}},
			reason: "a negated operator on a missing key matches, so the Deny applies to Personalize",
		},
		{
			name:   "IfExists on missing key",
			stmts:  []string{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}`},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "x", Absent: []string{"aws:SecureTransport"}},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "IfExists matches when the key is missing",
		},
		{
			name:   "plain operator on missing key",
			stmts:  []string{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "x", Absent: []string{"aws:SecureTransport"}},
			want:   Result{Decision: NotAllowed},
			reason: "without IfExists a missing key does not match",
		},
		{
			name:   "numeric tls version",
			stmts:  []string{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}`},
			req:    Request{Actor: Anyone(), Action: "s3:PutObject", Resource: "x", Context: map[string][]string{"s3:TlsVersion": {"1.1"}}},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "NumericLessThan on s3:TlsVersion",
		},
		{
			name:   "condition key case-insensitive, several values",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"AWS:SOURCEACCOUNT":["222233334444","111122223333"]}}}`},
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: "*", Context: map[string][]string{"aws:SourceAccount": {"111122223333"}}},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "condition keys fold case; a key matches any listed value",
		},
		{
			name:   "Null condition",
			stmts:  []string{`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}`},
			req:    Request{Actor: Anyone(), Action: "s3:PutObject", Resource: "*", Absent: []string{"s3:x-amz-server-side-encryption"}},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "Null true matches a missing key",
		},
		{
			name:   "ForAllValues on missing key",
			stmts:  []string{`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}}`},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "*", Absent: []string{"aws:TagKeys"}},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "ForAllValues is vacuously true on a missing key",
		},
		{
			name:   "unsupported operator",
			stmts:  []string{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`},
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "*", Context: map[string][]string{"aws:CurrentTime": {"2026-01-01T00:00:00Z"}}},
			want:   Result{Decision: NotAllowed, Uncertain: true, MaybeDenied: true, Unevaluated: []string{"DateLessThan aws:CurrentTime"}},
			reason: "an operator the evaluator does not know is unevaluated, not assumed: the Deny may apply",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.stmts...).Evaluate(tt.req)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Evaluate mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestPublicAllows(t *testing.T) {
	tests := []struct {
		name   string
		stmt   string
		public bool
	}{
		{"star principal", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`, true},
		{"AWS star", `{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"kms:Decrypt","Resource":"*"}`, true},
		{"NotPrincipal allow", `{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"kms:Decrypt","Resource":"*"}`, true},
		{"star with non-restricting condition", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, true},
		{"star restricted by account", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}`, false},
		{"star restricted by org", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`, false},
		{"service principal", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:*","Resource":"*"}`, false},
		{"public deny", `{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}`, false},
		// An address range restricts the caller only when it is a network
		// someone owns, not a share of the Internet (fourth review).
		{"star restricted by a /24", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/48"]}}}`, false},
		{"star restricted by one address", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}}`, false},
		{"star restricted by a /8", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, false},
		{"every address", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}`, true},
		{"every address in two halves", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/1","128.0.0.0/1"]}}}`, true},
		{"a /7", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/7"}}}`, true},
		{"an IPv6 /31", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/31"}}}`, true},
		{"every IPv4 address written as IPv6", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"::ffff:0.0.0.0/96"}}}`, true},
		{"one narrow range beside a wide one", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","0.0.0.0/0"]}}}`, true},
		{"every IPv4 address in 256 /8 blocks", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":` + everyEight() + `}}}`, true},
		{"two private /9 blocks", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/9","10.128.0.0/9"]}}}`, false},
		// The bound is a /8 of public addresses, all values together;
		// private blocks count for nothing (seventh review: a /16 bound
		// called a /16 beside an office's /24 public).
		{"a public /16 and a /24", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["198.51.0.0/16","203.0.113.0/24"]}}}`, false},
		{"a public /8", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"52.0.0.0/8"}}}`, false},
		{"a /8 and an office's /24", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["17.0.0.0/8","203.0.113.0/24"]}}}`, false},
		{"two public /8 blocks", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["52.0.0.0/8","54.0.0.0/8"]}}}`, true},
		{"four public /9 blocks", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["52.0.0.0/9","52.128.0.0/9","54.0.0.0/9","54.128.0.0/9"]}}}`, true},
		{"a /8 and a /16 beside it", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["17.0.0.0/8","198.51.0.0/16"]}}}`, false},
		{"a /8, a /16, an office's /24 and a host", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["17.0.0.0/8","198.51.0.0/16","203.0.113.0/24","192.0.2.7"]}}}`, false},
		{"a /8 and a /9", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["17.0.0.0/8","52.0.0.0/9"]}}}`, true},
		{"an IPv6 /32, a /48 and a /56", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["2001:db8::/32","2001:dba::/48","2001:dbb::/56"]}}}`, false},
		{"a /8 and an IPv6 /32", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["17.0.0.0/8","2001:db8::/32"]}}}`, false},
		{"three public /8 blocks", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["52.0.0.0/8","54.0.0.0/8","3.0.0.0/8"]}}}`, true},
		{"a private /8 beside a public /8", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","52.0.0.0/8"]}}}`, false},
		// Eighth review: a block inside another counted twice, IPv6 blocks
		// that hold every IPv4 address, and a sum rounded away.
		{"a /8 with a /16 inside it", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["52.0.0.0/8","52.10.0.0/16"]}}}`, false},
		{"an IPv6 block holding every mapped IPv4 address", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"::/80"}}}`, true},
		{"the block below the mapped ones, and them", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"::fffe:0:0/95"}}}`, true},
		{"an IPv6 /32, a /44 and a thousand /86 blocks", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":` + ipv6Blocks() + `}}}`, true},
		{"an IPv6 /32", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}}`, false},
		{"a mapped IPv4 /16", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"::ffff:198.51.0.0/112"}}}`, false},
		{"a user name", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"admin"}}}`, true},
		{"a range that does not parse", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"anywhere"}}}`, true},
		{"kms:ViaService", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}`, true},
		{"kms:ViaService with the caller's account", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com","kms:CallerAccount":"111122223333"}}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := len(mustParse(t, tt.stmt).PublicAllows()) > 0
			if got != tt.public {
				t.Errorf("PublicAllows() non-empty = %v, want %v", got, tt.public)
			}
		})
	}
}

// TestFixesCaller: only a condition that every request must meet fixes the
// caller; one a request without the key passes (…IfExists, ForAllValues:…)
// does not, as in restricted (fourth review).
func TestFixesCaller(t *testing.T) {
	tests := []struct {
		name string
		cond string
		want bool
	}{
		{"StringEquals", `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`, true},
		{"key in another case", `{"StringEquals":{"AWS:SOURCEACCOUNT":"111122223333"}}`, true},
		{"ArnLike with a fixed account", `{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"}}`, true},
		{"IfExists", `{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}`, false},
		{"ForAllValues", `{"ForAllValues:StringEquals":{"aws:SourceAccount":"111122223333"}}`, false},
		{"ForAnyValue", `{"ForAnyValue:StringEquals":{"aws:SourceAccount":"111122223333"}}`, true},
		{"negated", `{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}`, false},
		{"Null", `{"Null":{"aws:SourceAccount":"false"}}`, false},
		{"wildcard account", `{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:*:*"}}`, false},
		{"another key", `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`, false},
		{"a numeric comparison", `{"NumericGreaterThan":{"aws:SourceAccount":"0"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":`+tt.cond+`}`)
			if got := d.Statement[0].FixesCaller("aws:SourceAccount", "aws:SourceArn"); got != tt.want {
				t.Errorf("FixesCaller = %v, want %v", got, tt.want)
			}
		})
	}
}

// ipv6Blocks is the JSON list of an IPv6 /32, a /44 and a thousand /86
// blocks outside them: a little more than narrowRanges admits, which a
// float64 sum rounds away.
func ipv6Blocks() string {
	blocks := []string{`"2001:db8::/32"`, `"2001:dba::/44"`}
	for i := range 1000 {
		blocks = append(blocks, `"2001:db9:0:`+strconv.FormatInt(int64(i), 16)+`::/86"`)
	}
	return "[" + strings.Join(blocks, ",") + "]"
}

// everyEight is the JSON list of the 256 /8 blocks: every IPv4 address.
func everyEight() string {
	blocks := make([]string, 256)
	for i := range blocks {
		blocks[i] = `"` + strconv.Itoa(i) + `.0.0.0/8"`
	}
	return "[" + strings.Join(blocks, ",") + "]"
}

// TestForeignAllows: Allow statements that let a principal of an account
// other than the trusted ones take one of the actions (fourth review).
func TestForeignAllows(t *testing.T) {
	trusted := []string{"111122223333", "444455556666"}
	tests := []struct {
		name string
		stmt string
		want bool
	}{
		{"another account's root", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:Decrypt","Resource":"*"}`, true},
		{"another account by ID", `{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"kms:*","Resource":"*"}`, true},
		{"one foreign among trusted", `{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::999999999999:role/R"]},"Action":"kms:Decrypt","Resource":"*"}`, true},
		{"a trusted account's role", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/R"},"Action":"kms:Decrypt","Resource":"*"}`, false},
		{"a service", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}`, false},
		{"a service acting for another account", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"999999999999"}}}`, true},
		{"a service acting for ours and another account", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":["111122223333","999999999999"]}}}`, true},
		{"a service acting for another account's resources", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:999999999999:dataset-group/*"}}}`, true},
		{"a service acting for a bucket's owner", `{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceOwner":"999999999999"}}}`, true},
		// Second review: a service's source in any operator's form, or
		// open to a wildcard; every account but ours.
		{"a service acting for another account if the key exists", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"999999999999"}}}`, true},
		{"a service acting for all values of another account", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:SourceAccount":"999999999999"}}}`, true},
		{"a service acting for an account pattern", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":"99999999999?"}}}`, true},
		{"a service acting for resources of any account", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:9999*:*"}}}`, true},
		{"a service acting for resources of another account, head open", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"*:999999999999:*"}}}`, true},
		{"a service acting for every account but ours, as a pattern", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotLike":{"aws:SourceAccount":"1111*"}}}`, true},
		{"a service acting for every resource but ours, as a pattern", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:personalize:*:1111*:*"}}}`, true},
		{"a service acting for any account", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":"*"}}}`, false},
		{"a service acting for every account but another", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"999999999999"}}}`, false},
		{"a service acting for every account but ours", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`, true},
		{"a service held to ours, one other resource left out", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnNotLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/old"}}}`, false},
		{"a service acting for our resources", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:111122223333:*"}}}`, false},
		{"a service acting for a bucket", `{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::logs-bucket"}}}`, false},
		{"a service acting for a trusted account", `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}`, false},
		{"our role, narrowed to another caller account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"999999999999"}}}`, false},
		{"another account, harmless actions", `{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"*"}`, false},
		{"another account, denied", `{"Effect":"Deny","Principal":{"AWS":"999999999999"},"Action":"kms:*","Resource":"*"}`, false},
		{"everyone in another account", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"999999999999"}}}`, true},
		{"everyone in another account, key in another case", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"KMS:CALLERACCOUNT":["111122223333","999999999999"]}}}`, true},
		{"everyone but one, in another account", `{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"999999999999"}}}`, true},
		{"another account's roles by pattern", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"ForAnyValue:ArnLike":{"aws:PrincipalArn":"arn:aws:iam::999999999999:role/*"}}}`, true},
		{"services acting for another account", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"999999999999"}}}`, true},
		{"another account's resources", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:999999999999:*"}}}`, true},
		{"another account's root user ID", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:userid":"999999999999"}}}`, true},
		{"our own resources", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`, false},
		{"every account but ours", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"kms:CallerAccount":"111122223333"}}}`, false},
		{"everyone in our account", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := len(mustParse(t, tt.stmt).ForeignAllows(trusted, "kms:Decrypt", "kms:CreateGrant")) > 0
			if got != tt.want {
				t.Errorf("ForeignAllows non-empty = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		p, s string
		fold bool
		want bool
	}{
		{"*", "", false, true},
		{"kms:*", "kms:Decrypt", false, true},
		{"kms:Generate*", "kms:GenerateDataKeyWithoutPlaintext", false, true},
		{"kms:?ecrypt", "kms:Decrypt", false, true},
		{"kms:?ecrypt", "kms:ReEncrypt", false, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false, false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b", false, true},
		{"a*b*c", "aXbYbZc", false, true},
		{"a*b*c", "aXbYbZ", false, false},
		{"S3:GETOBJECT", "s3:GetObject", true, true},
		{"S3:GETOBJECT", "s3:GetObject", false, false},
		// A '*' in s is still matched by a '*' of p, which may span more.
		{"a*b", "a*xb", false, true},
		{"b/*/x", "b/*a/x", false, true},
		{"b/*", "b/*", false, true},
	}
	for _, tt := range tests {
		if got := Glob(tt.p, tt.s, tt.fold); got != tt.want {
			t.Errorf("Glob(%q, %q, %v) = %v, want %v", tt.p, tt.s, tt.fold, got, tt.want)
		}
	}
}

func BenchmarkGlobPathological(b *testing.B) {
	p := strings.Repeat("*a", 50) + "b"
	s := strings.Repeat("a", 4096)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Glob(p, s, false)
	}
}

func TestEvaluateIPConditions(t *testing.T) {
	deny := `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}}`
	tests := []struct {
		name   string
		req    Request
		want   Decision
		reason string
	}{
		{"absent source IP", Request{Actor: Service(svc), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Absent: []string{"aws:SourceIp"}},
			Denied, "a service principal has no aws:SourceIp, and a negated operator matches a missing key: the IP allow-list locks Personalize out"},
		{"outside the block", Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: map[string][]string{"aws:SourceIp": {"203.0.113.7"}}},
			Denied, "an address outside every listed block is denied"},
		{"inside the v4 block", Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: map[string][]string{"aws:SourceIp": {"192.0.2.44"}}},
			NotAllowed, "an address inside a listed block is not denied"},
		{"inside the v6 block", Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: map[string][]string{"aws:SourceIp": {"2001:db8::1"}}},
			NotAllowed, "IPv6 blocks match too"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, deny).Evaluate(tt.req)
			if got.Decision != tt.want || got.Uncertain {
				t.Errorf("Evaluate = %v (uncertain %v), want %v: %s", got.Decision, got.Uncertain, tt.want, tt.reason)
			}
		})
	}
}
