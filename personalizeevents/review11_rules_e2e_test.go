package personalizeevents_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestReview11CallerRuleAfterName: a caller's Rule may match anything
// (sensitive.Detector.HasRules: a scanner must not skip what the built-in
// kinds never match for a detector with rules). A rule for a five-digit
// employee ID after its name saw {"employee_id":"12345"} only as "12345":
// jsontext.Named joined only values of six digits or forty bytes, the
// built-in kinds' thresholds.
func TestReview11CallerRuleAfterName(t *testing.T) {
	det, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "employee-id", Pattern: regexp.MustCompile(`(?i)employee_id\W+\d{5}\b`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger(), Detector: det})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PutUsers(context.Background(), &sdk.PutUsersInput{DatasetArn: &c.UsersARN,
		Users: []types.User{{UserId: aws.String("u1"), Properties: aws.String(`{"employee_id":"40417"}`)}}})
	dataplanetest.RequireRefused(t, s, &log, err, "Users[0].Properties", "sensitive.employee-id", "40417")
}
