package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestShortFindingsRefusedThroughGuard sends the shortest findings of each
// kind, the texts sensitive's short path reads, as a CreateDatasetGroup
// name (what its pattern allows) and as tag values, alone and under a
// keyword tag key: each call is refused with the kind's rule and field,
// nothing reaches the emulated AWS and no value is echoed. Short clean
// names next to them go through, so the refusals are not the pattern's.
func TestShortFindingsRefusedThroughGuard(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, key, value, field, rule, canary string
	}{
		{name: "acct-912803456", field: "Name", rule: "sensitive.account-number", canary: "912803456"},
		{name: "acct912803456", field: "Name", rule: "sensitive.account-number", canary: "912803456"},
		{name: "AccountNumber_91280345", field: "Name", rule: "sensitive.account-number", canary: "91280345"},
		{name: "a-4111111111111111", field: "Name", rule: "sensitive.credit-card", canary: "4111111111111111"},
		{name: "4111-1111-1111-1111", field: "Name", rule: "sensitive.credit-card", canary: "4111-1111"},
		{name: "ssn-123456789", field: "Name", rule: "sensitive.ssn", canary: "123456789"},
		{name: "123-45-6789", field: "Name", rule: "sensitive.ssn", canary: "123-45-6789"},
		{name: "415-555-0123", field: "Name", rule: "sensitive.phone", canary: "555-0123"},
		{name: "DE89370400440532013000", field: "Name", rule: "sensitive.iban", canary: "370400440532013000"},
		{name: "AKIAIOSFODNN7EXAMPLE", field: "Name", rule: "sensitive.aws-access-key", canary: "IOSFODNN7EXAMPLE"},
		{name: "x_AKIAIOSFODNN7EXAMPLE_x", field: "Name", rule: "sensitive.aws-access-key", canary: "IOSFODNN7EXAMPLE"},
		{name: "aaaaaaaaaaaaaaaaaaaaaa-4111111111111111", field: "Name", rule: "sensitive.credit-card", canary: "4111111111111111"},
		{key: "owner", value: "+1 415 555 0123", field: "Tags[0].TagValue", rule: "sensitive.phone", canary: "555 0123"},
		{key: "owner", value: "+14155550123", field: "Tags[0].TagValue", rule: "sensitive.phone", canary: "4155550123"},
		{key: "owner", value: "4111 1111 1111 1111", field: "Tags[0].TagValue", rule: "sensitive.credit-card", canary: "4111 1111"},
		{key: "owner", value: "a@b.co", field: "Tags[0].TagValue", rule: "sensitive.email", canary: "a@b.co"},
		{key: "owner", value: "acct\u200b912803456", field: "Tags[0].TagValue", rule: "sensitive.account-number", canary: "912803456"},
		{key: "owner", value: "acct %39%31%32803456", field: "Tags[0].TagValue", rule: "sensitive.account-number", canary: "803456"},
		{key: "owner", value: "ssn \uff11\uff12\uff13-45-6789", field: "Tags[0].TagValue", rule: "sensitive.ssn", canary: "45-6789"},
		// A value the short path proves clean alone, that its key makes
		// a finding: the guard reads the two together.
		{key: "acct", value: "912803456", field: "Tags[0].TagValue", rule: "sensitive.account-number", canary: "912803456"},
		{key: "ssn", value: "123456789", field: "Tags[0].TagValue", rule: "sensitive.ssn", canary: "123456789"},
		{key: "phone", value: "415 555 0123", field: "Tags[0].TagValue", rule: "sensitive.phone", canary: "555 0123"},
	} {
		t.Run(tt.name+tt.key+"="+tt.value, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}
			if tt.name != "" {
				in.Name = aws.String(tt.name)
			} else {
				in.Tags = []types.Tag{{TagKey: aws.String(tt.key), TagValue: aws.String(tt.value)}}
			}
			_, err := e.client.CreateDatasetGroup(ctx, in)
			e.requireRefused(t, err, tt.field, tt.rule, tt.canary)
		})
	}
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	for _, name := range []string{"movies-12", "run-000123", "movies-2024-11-28", "AKIAIOSFODNN7EXAMPL", "INTERACTIONS-v1-2-3"} {
		if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name)}); err != nil {
			t.Errorf("CreateDatasetGroup %q: %v", name, err)
		}
	}
}
