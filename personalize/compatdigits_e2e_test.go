package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestCompatibilityDigitsInTags: a card or an account number written in
// superscript, subscript or circled digits (Unicode No, which the TagValue
// pattern admits as \p{N}, and which NFKC, a log indexer and a reader all
// read as ASCII digits) is refused as its ASCII form is (review of the
// control plane: it reached Personalize). Nothing is sent, and neither the
// error nor the audit repeats the value.
func TestCompatibilityDigitsInTags(t *testing.T) {
	for _, tt := range []struct{ name, key, value, rule string }{
		{"superscript card", "note", "⁴¹¹¹¹¹¹¹¹¹¹¹¹¹¹¹", "sensitive.credit-card"},
		{"subscript card", "note", "₄₁₁₁ ₁₁₁₁ ₁₁₁₁ ₁₁₁₁", "sensitive.credit-card"},
		{"circled card", "note", "④①①①①①①①①①①①①①①①", "sensitive.credit-card"},
		{"superscript account after its key", "acct", "⁹¹²⁸⁰³⁴⁵⁶", "sensitive.account-number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
				Tags: []types.Tag{{TagKey: aws.String(tt.key), TagValue: aws.String(tt.value)}}})
			e.requireRefusedAt(t, err, tt.rule, "Tags[0].TagValue", tt.value)
		})
	}
}
