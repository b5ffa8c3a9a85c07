package iampolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed13PublicAllowsConditionValues: a condition's values are ORed, so
// one value that matches every caller leaves the statement public, and a
// Like pattern restricts the caller only if it fixes the account.
func TestRed13PublicAllowsConditionValues(t *testing.T) {
	stmt := func(cond string) string {
		return `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":` + cond + `}`
	}
	tests := []struct {
		name   string
		cond   string
		public bool
	}{
		{"one account", `{"StringEquals":{"kms:CallerAccount":"111122223333"}}`, false},
		{"two accounts", `{"StringEquals":{"kms:CallerAccount":["111122223333","444455556666"]}}`, false},
		{"an account or anything", `{"StringLike":{"kms:CallerAccount":["111122223333","*"]}}`, true},
		{"an org or anything", `{"StringLike":{"aws:PrincipalOrgID":["o-abc","*"]}}`, true},
		{"account prefix", `{"StringLike":{"aws:PrincipalAccount":"1*"}}`, true},
		{"any org", `{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`, true},
		{"any VPC endpoint", `{"StringLike":{"aws:SourceVpce":"vpce-*"}}`, true},
		{"role name in any account", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Reader"}}`, true},
		{"roles of one account", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app-*"}}`, false},
		{"one account's resources", `{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"}}`, false},
		{"any account's resources", `{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:*:*"}}`, true},
		{"ArnEquals, any account", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/Reader"}}`, true},
		{"one org's OU path", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc/r-ab12/ou-ab12-11111111/*"}}`, false},
		{"any org's path", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-*/*"}}`, true},
		{"one role's sessions by unique ID", `{"StringLike":{"aws:userid":"AROAEXAMPLEID:*"}}`, false},
		{"any role's sessions", `{"StringLike":{"aws:userid":"*:*"}}`, true},
		{"ARN without an account part", `{"StringLike":{"aws:PrincipalArn":"arn:*"}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := len(mustParse(t, stmt(tt.cond)).PublicAllows()) > 0
			if diff := cmp.Diff(tt.public, got); diff != "" {
				t.Errorf("PublicAllows() non-empty (-want +got):\n%s", diff)
			}
		})
	}
}
