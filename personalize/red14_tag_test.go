package personalize_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed14TagNumberAfterText: a tag whose key is an account keyword is
// read after its key from each run of digits in its value on, as the data
// plane reads a property (jsontext.EachNamed): a number after other text is
// found too.
func TestRed14TagNumberAfterText(t *testing.T) {
	for _, value := range []string{"gold 912803456", "x:912803456"} {
		e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
		_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("g1"),
			Tags: []types.Tag{{TagKey: aws.String("acct"), TagValue: aws.String(value)}}})
		var sg *personalize.SafeguardError
		got := ""
		if errors.As(err, &sg) {
			got = sg.Rule
		}
		if got != "sensitive.account-number" {
			t.Errorf("CreateDatasetGroup(tag acct=%q) refused with %q, want sensitive.account-number", value, got)
		}
	}
}
