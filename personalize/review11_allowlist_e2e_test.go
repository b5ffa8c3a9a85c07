package personalize_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestReview11AccountIDTagAllowList: a tag {AccountId: 123456789012} is
// refused as an account number since tag values are read after their keys
// (the detector's rule: an AWS account ID after an account keyword is one);
// the documented escape hatch, the detector's AllowList, lets the
// organisation's reviewed account IDs through, and only those, because it
// compares the finding (the digits), not the joined text.
func TestReview11AccountIDTagAllowList(t *testing.T) {
	const own = "123456789012"
	allow, err := sensitive.New(func(o *sensitive.Options) { o.AllowList = []string{own} })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		det        *sensitive.Detector
		key, value string
		wantRule   string // "" for not refused by the guard
	}{
		{nil, "AccountId", own, "sensitive.account-number"},
		{nil, "aws-account", own, "sensitive.account-number"},
		{nil, "CostCenter", "123456", ""},
		{nil, "account", "premium", ""},
		{allow, "AccountId", own, ""},
		{allow, "aws-account", own, ""},
		{allow, "AccountId", "210987654321", "sensitive.account-number"},
		{allow, "acct", "912803456", "sensitive.account-number"},
		// Without a Detector, the configured key's and role's account
		// is allowed: it is in every ARN of the call.
		{nil, "AccountId", personalizetest.AccountID, ""},
		{nil, "aws-account", personalizetest.AccountID, ""},
	}
	for i, tt := range tests {
		e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", Detector: tt.det})
		_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("g1"),
			Tags: []types.Tag{{TagKey: aws.String(tt.key), TagValue: aws.String(tt.value)}}})
		var sg *personalize.SafeguardError
		got := ""
		if errors.As(err, &sg) {
			got = sg.Rule
		} else if err != nil {
			t.Errorf("%d: CreateDatasetGroup(tag %s=%s) = %v, want no other error", i, tt.key, tt.value, err)
		}
		if got != tt.wantRule {
			t.Errorf("%d: CreateDatasetGroup(tag %s=%s, allow list %v) refused with %q, want %q", i, tt.key, tt.value, tt.det != nil, got, tt.wantRule)
		}
	}
}
