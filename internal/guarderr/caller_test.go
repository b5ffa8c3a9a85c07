package guarderr

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
)

type failingProvider struct{}

func (failingProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, errors.New("no credentials here")
}

// TestCheckCallerFailsClosed: credentials that are missing or cannot be
// retrieved refuse the call (RuleIdentityCheckFailed) before any STS call;
// the reasons name whose credentials, never a key.
func TestCheckCallerFailsClosed(t *testing.T) {
	c := callerid.NewChecker(nil) // never asked: both cases stop before STS
	for _, tt := range []struct {
		name  string
		creds aws.CredentialsProvider
		want  string
	}{
		{"missing", nil, "the guard's reads' credentials are missing"},
		{"cannot be retrieved", failingProvider{}, "the guard's reads' credentials could not be retrieved"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key, sg := CheckCaller(context.Background(), "ListDatasetGroups", c, tt.creds, "the guard's reads' credentials", nil)
			if key != "" || sg == nil || sg.Rule != RuleIdentityCheckFailed || !strings.HasPrefix(sg.Reason, tt.want) {
				t.Fatalf("CheckCaller = %q, %+v; want no key and a %s refusal starting %q", key, sg, RuleIdentityCheckFailed, tt.want)
			}
		})
	}
}
