package personalize_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRangeBoundsReadAfterTheirName: an integer or continuous
// hyperparameter range named account_number whose bound is an account
// number is refused, as a categorical range's value is (review of the
// control plane: the bounds were not read after the name, and went out).
// A range of an ordinary name and bound goes out.
func TestRangeBoundsReadAfterTheirName(t *testing.T) {
	group := "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":dataset-group/g"
	call := func(e *env, ranges *types.HyperParameterRanges) error {
		_, err := e.client.CreateSolution(context.Background(), &sdk.CreateSolutionInput{Name: aws.String("s"), DatasetGroupArn: aws.String(group),
			RecipeArn:      aws.String("arn:aws:personalize:::recipe/aws-user-personalization"),
			SolutionConfig: &types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: ranges}}})
		return err
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
			err := call(e, tt.ranges)
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || sg.Rule != "sensitive.account-number" || sg.Field != tt.field {
				t.Errorf("CreateSolution = %v, want rule sensitive.account-number at %s", err, tt.field)
			}
			if calls := e.personalizeCalls(); len(calls) != 0 {
				t.Errorf("Personalize was called: %v", calls)
			}
			if err != nil && strings.Contains(err.Error(), tt.value) || strings.Contains(e.audit.String(), tt.value) {
				t.Errorf("the error or the audit log repeats the value")
			}
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
		var sg *personalize.SafeguardError
		const field = "SolutionConfig.HpoConfig.AlgorithmHyperParameterRanges.IntegerHyperParameterRanges[0].MaxValue"
		if !errors.As(err, &sg) || sg.Rule != "sensitive.account-number" || sg.Field != field {
			t.Errorf("CreateSolution = %v, want rule sensitive.account-number at %s", err, field)
		}
		if calls := e.personalizeCalls(); len(calls) != 0 {
			t.Errorf("Personalize was called: %v", calls)
		}
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
