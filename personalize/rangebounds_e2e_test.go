package personalize_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRangeBoundsReadAfterTheirName: an integer or continuous
// hyperparameter range named account_number whose bound is an account
// number is refused, as a categorical range's value is (review of the
// control plane: the bounds were not read after the name, and went out).
// A range of an ordinary name and bound goes out.
func TestRangeBoundsReadAfterTheirName(t *testing.T) {
	call := func(e *env, ranges *types.HyperParameterRanges) error {
		return e.createSolution(&types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: ranges}})
	}
	for _, tt := range []struct {
		name, field, value string
		ranges             *types.HyperParameterRanges
	}{
		{"categorical", "SolutionConfig.HpoConfig.AlgorithmHyperParameterRanges.CategoricalHyperParameterRanges[0].Values[0]", "912803456",
			&types.HyperParameterRanges{CategoricalHyperParameterRanges: []types.CategoricalHyperParameterRange{{Name: aws.String("account_number"), Values: []string{"912803456"}}}}},
		{"continuous", "SolutionConfig.HpoConfig.AlgorithmHyperParameterRanges.ContinuousHyperParameterRanges[0].MaxValue", "912803456",
			&types.HyperParameterRanges{ContinuousHyperParameterRanges: []types.ContinuousHyperParameterRange{{Name: aws.String("account_number"), MinValue: 1, MaxValue: 912803456}}}},
		{"integer", "SolutionConfig.HpoConfig.AlgorithmHyperParameterRanges.IntegerHyperParameterRanges[0].MinValue", "912803",
			&types.HyperParameterRanges{IntegerHyperParameterRanges: []types.IntegerHyperParameterRange{{Name: aws.String("account_number"), MinValue: 912803, MaxValue: 999}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			e.requireRefusedAt(t, call(e, tt.ranges), "sensitive.account-number", tt.field, tt.value)
		})
	}
	// On the wire too: a hook that writes the bound after the checks.
	t.Run("written by a hook", func(t *testing.T) {
		e := newEnvWith(t, personalize.Policy{}, func(cfg *aws.Config) {
			cfg.APIOptions = append(cfg.APIOptions, rewriteBody("CreateSolution", func(b string) string {
				return strings.Replace(b, `"maxValue":999`, `"maxValue":912803456`, 1)
			}))
		})
		err := call(e, &types.HyperParameterRanges{IntegerHyperParameterRanges: []types.IntegerHyperParameterRange{{Name: aws.String("account_number"), MinValue: 1, MaxValue: 999}}})
		e.requireRefusedAt(t, err, "sensitive.account-number", "SolutionConfig.HpoConfig.AlgorithmHyperParameterRanges.IntegerHyperParameterRanges[0].MaxValue", "912803456")
	})
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	err := call(e, &types.HyperParameterRanges{
		IntegerHyperParameterRanges:    []types.IntegerHyperParameterRange{{Name: aws.String("hidden_dimension"), MinValue: 32, MaxValue: 256}},
		ContinuousHyperParameterRanges: []types.ContinuousHyperParameterRange{{Name: aws.String("learning_rate"), MinValue: 0.0001, MaxValue: 0.1}}})
	var sg *personalize.SafeguardError
	if errors.As(err, &sg) {
		t.Errorf("ordinary ranges = %v, want them sent", err)
	}
}
