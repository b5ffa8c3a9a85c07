package guarderr

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
)

// TestSummaryIdentityCheck: the summary of a failed identity check says
// why and what the guard needs, never AWS's message, which quotes the
// caller's ARN.
func TestSummaryIdentityCheck(t *testing.T) {
	const quoted = "arn:aws:iam::111122223333:user/jane"
	_, noKey := callerid.NewChecker(nil).Check(context.Background(), aws.Credentials{})
	check := func(err error) error {
		return &callerid.CheckError{Operation: "GetCallerIdentity", Permission: "sts:GetCallerIdentity", Err: err}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"denied", check(&smithy.GenericAPIError{Code: "AccessDenied", Message: "User: " + quoted + " is not authorized"}),
			"STS GetCallerIdentity was denied; the guard needs sts:GetCallerIdentity"},
		{"credentials refused", check(&smithy.GenericAPIError{Code: "InvalidClientTokenId", Message: quoted}),
			"STS GetCallerIdentity did not accept the credentials"},
		{"no access key", noKey, "the credentials have no access key ID, so the guard cannot tell who signs"},
		{"the guard's own transport rule", check(&SafeguardError{Operation: "GetCallerIdentity", Rule: RuleTLSVersion}),
			"STS GetCallerIdentity was refused by the guard's own rule " + RuleTLSVersion},
		{"a client the guard refused", check(&ConfigError{Field: "BaseEndpoint", Reason: "is not an https URL"}),
			"the guard's STS client is refused: BaseEndpoint is not an https URL"},
		{"unreachable", check(context.DeadlineExceeded),
			"STS GetCallerIdentity failed; the guard needs sts:GetCallerIdentity and a reachable STS"},
	}
	for _, tt := range tests {
		got := Summary(tt.err)
		if got != tt.want {
			t.Errorf("%s: Summary(%v) = %q, want %q", tt.name, tt.err, got, tt.want)
		}
		if strings.Contains(got, quoted) {
			t.Errorf("%s: Summary = %q quotes AWS's message", tt.name, got)
		}
	}
}
