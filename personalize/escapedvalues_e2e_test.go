package personalize_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestEscapedValuesRefused: an e-mail address written as the regular
// expression that matches it (its dots escaped) in HPOObjective.MetricRegex,
// or with a JSON escape in a hyperparameter's value, is refused as the
// address is (review of the control plane: both reached Personalize). A
// regex without a value goes out.
func TestEscapedValuesRefused(t *testing.T) {
	objective := func(re string) *types.SolutionConfig {
		return &types.SolutionConfig{HpoConfig: &types.HPOConfig{HpoObjective: &types.HPOObjective{
			MetricName: aws.String("m"), Type: aws.String("Maximize"), MetricRegex: aws.String(re)}}}
	}
	for _, tt := range []struct {
		name, value, field string
		config             *types.SolutionConfig
	}{
		{"a regex of the address", `jane\.doe@example\.com`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`jane\.doe@example\.com`)},
		{"an anchored regex of the address", `^jane\.doe@example\.com$`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`^jane\.doe@example\.com$`)},
		// Second review: escapes of letters, classes of one character, and
		// a JSON escape beside a regex one.
		{"hex escapes", `jane\x2edoe\x40example\x2ecom`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`jane\x2edoe\x40example\x2ecom`)},
		{"braced hex escapes", `jane\x{2e}doe\x{40}example\x{2e}com`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`jane\x{2e}doe\x{40}example\x{2e}com`)},
		{"classes of one character", `jane[.]doe[@]example[.]com`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`jane[.]doe[@]example[.]com`)},
		{"octal escapes", `jane\056doe\100example\056com`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`jane\056doe\100example\056com`)},
		{"an escape of eight hex digits", `jane\.doe\U00000040example\.com`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`jane\.doe\U00000040example\.com`)},
		{"a JSON escape beside a regex one", `jane\u0040example\.com`, "SolutionConfig.HpoConfig.HpoObjective.MetricRegex", objective(`jane\u0040example\.com`)},
		{"a JSON escape in a hyperparameter", `jane\u0040example.com`, "SolutionConfig.AlgorithmHyperParameters[#0].Value",
			&types.SolutionConfig{AlgorithmHyperParameters: map[string]string{"owner": `{"contact":"jane\u0040example.com"}`}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Each regex Go's regexp reads (it has no \u or \U) matches the
			// address.
			if hpo := tt.config.HpoConfig; hpo != nil {
				if re, err := regexp.Compile(`^(?:` + aws.ToString(hpo.HpoObjective.MetricRegex) + `)$`); err == nil && !re.MatchString("jane.doe@example.com") {
					t.Fatalf("%s does not match the address", tt.value)
				}
			}
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			e.requireRefusedAt(t, e.createSolution(tt.config), "sensitive.email", tt.field, "jane")
		})
	}
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	if err := e.createSolution(objective(`validation:precision_at_25=(\d+\.\d+)`)); err != nil {
		var sg *personalize.SafeguardError
		if errors.As(err, &sg) {
			t.Errorf("a metric regex without a value = %v, want it sent", err)
		}
	}
}
