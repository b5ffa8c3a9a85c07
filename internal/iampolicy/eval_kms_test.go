package iampolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Key-policy behaviour that package kms relies on, beyond eval_test.go.
func TestEvaluateKeyPolicies(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	roleCtx := map[string][]string{"kms:CallerAccount": {"111122223333"}, "aws:PrincipalArn": {role}}
	tests := []struct {
		name   string
		stmts  []string
		req    Request
		want   Result
		reason string
	}{
		{
			name:   `{"AWS":"*"} covers a service principal`,
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: key},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: `IAM treats {"AWS":"*"} like "*"`,
		},
		{
			name:   "Resource * is the key",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"` + role + `"},"Action":"kms:Decrypt","Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: key},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "key policies say * for the key they are attached to",
		},
		{
			name: "account Deny covers the role",
			stmts: []string{`{"Effect":"Allow","Principal":{"AWS":"` + role + `"},"Action":"kms:*","Resource":"*"}`,
				`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:CreateGrant","Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:CreateGrant", Resource: key},
			want:   Result{Decision: Denied, Allows: []int{0}, Denies: []int{1}},
			reason: "a Deny naming the account denies its principals",
		},
		{
			name:   "Deny NotPrincipal hits a service",
			stmts:  []string{`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: key},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "a service principal is not the excepted account",
		},
		{
			name:   "caller account known for the role",
			stmts:  []string{`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: key, Context: roleCtx},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "a * principal narrowed by a known key applies directly, not via the account",
		},
		{
			name: "definite account grant beside an uncertain direct one",
			stmts: []string{`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}`,
				`{"Effect":"Allow","Principal":{"AWS":"` + role + `"},"Action":"kms:*","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:CreateGrant", Resource: key, Context: roleCtx},
			want:   Result{Decision: Allowed, ViaAccount: true, Allows: []int{0}, Unevaluated: []string{"Bool kms:GrantIsForAWSResource"}},
			reason: "the definite grant decides; the unevaluated condition is still listed",
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

// IAM subtleties the kms check depends on: each was once a false pass.
func TestEvaluateIAMSubtleties(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	dsg := map[string][]string{"aws:SourceArn": {"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"}}
	evalTests := []struct {
		name   string
		stmts  []string
		req    Request
		want   Decision
		reason string
	}{
		{
			name: "ArnEquals takes wildcards",
			stmts: []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:*","Resource":"*"}`,
				`{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"}}}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: key, Context: dsg},
			want:   Denied,
			reason: "IAM's ArnEquals matches like ArnLike (segment-wise * and ?); compared literally, this Deny is missed: a false pass",
		},
		{
			name:   "ArnLike wildcards do not span segments",
			stmts:  []string{`{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"kms:*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:*"}}}`},
			req:    Request{Actor: Service(svc), Action: "kms:Decrypt", Resource: key, Context: dsg},
			want:   NotAllowed,
			reason: "an ARN pattern needs all six segments; a whole-string glob lets the last * swallow account and resource",
		},
		{
			name:   "Deny NotPrincipal naming the role alone",
			stmts:  []string{`{"Effect":"Deny","NotPrincipal":{"AWS":"` + role + `"},"Action":"kms:*","Resource":"*"}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: key},
			want:   Denied,
			reason: "IAM checks the account first; without the account ARN in NotPrincipal the role's session is denied (at least Uncertain, never exempt)",
		},
		{
			name:   "policy variable in a Deny condition",
			stmts:  []string{`{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"${aws:PrincipalAccount}"}}}`},
			req:    Request{Actor: AWSPrincipal(role), Action: "kms:Decrypt", Resource: key, Context: map[string][]string{"kms:CallerAccount": {"111122223333"}}},
			want:   Denied,
			reason: "${...} is substituted by IAM; compared literally the Deny is missed (it should at least be Uncertain)",
		},
	}
	for _, tt := range evalTests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.stmts...).Evaluate(tt.req)
			if got.Decision != tt.want && !got.Uncertain {
				t.Errorf("Evaluate = %v (uncertain %v), want %v or uncertain: %s", got.Decision, got.Uncertain, tt.want, tt.reason)
			}
		})
	}
	publicTests := []struct {
		name, stmt, reason string
	}{
		{"negated restricting key", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"kms:CallerAccount":"111122223333"}}}`,
			"every account but one may use the key: public (KMS.5), yet restricted() accepts any operator on a restricting key"},
		{"wildcard-only value", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"*"}}}`,
			"a pattern matching every principal restricts nothing"},
		{"IfExists on a restricting key", `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`,
			"requests without the key (any call not through a VPC endpoint) pass an IfExists condition"},
	}
	for _, tt := range publicTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustParse(t, tt.stmt).PublicAllows(); len(got) != 1 {
				t.Errorf("PublicAllows() = %v, want [0]: %s", got, tt.reason)
			}
		})
	}
}
