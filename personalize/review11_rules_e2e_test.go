package personalize_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestReview11CallerRuleAfterTagKey: a tag {employee_id: 40417} under a
// caller Rule for five digits after that name went out: the tag's value
// was joined to its key only when it had six digits (see the data plane's
// TestReview11CallerRuleAfterName).
func TestReview11CallerRuleAfterTagKey(t *testing.T) {
	det, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "employee-id", Pattern: regexp.MustCompile(`(?i)employee_id\W+\d{5}\b`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", Detector: det})
	_, err = e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("g1"),
		Tags: []types.Tag{{TagKey: aws.String("employee_id"), TagValue: aws.String("40417")}}})
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != "sensitive.employee-id" || sg.Field != "Tags[0].TagValue" {
		t.Errorf("CreateDatasetGroup = %v, want rule sensitive.employee-id at Tags[0].TagValue", err)
	}
	if e.srv.Seen("40417") {
		t.Errorf("the endpoint saw the value")
	}
}
