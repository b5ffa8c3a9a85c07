package personalize_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// red19Metric sets a metric's name and expression, either as the caller's
// input (onWire false: the guard's input checks read them) or by a hook
// after those checks (onWire true: only the wire gate reads them, and the
// serialized body puts the expression before the name, escaping controls
// as \u00XX).
func red19Metric(name, expr string, onWire bool) func(context.Context, *sdk.Client) error {
	return func(ctx context.Context, c *sdk.Client) error {
		m := types.MetricAttribute{EventType: aws.String("click"), MetricName: aws.String(name), Expression: aws.String(expr)}
		var opts []func(*sdk.Options)
		if onWire {
			m.MetricName, m.Expression = aws.String("clicks"), aws.String("SUM(Items.PRICE)")
			opts = append(opts, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
					return s.Initialize.Add(middleware.InitializeMiddlewareFunc("Test:Red19", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
						mm := &in.Parameters.(*sdk.CreateMetricAttributionInput).Metrics[0]
						mm.MetricName, mm.Expression = aws.String(name), aws.String(expr)
						return next.HandleInitialize(ctx, in)
					}), middleware.After)
				})
			})
		}
		_, err := c.CreateMetricAttribution(ctx, &sdk.CreateMetricAttributionInput{Name: aws.String("m1"),
			DatasetGroupArn:     aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"),
			Metrics:             []types.MetricAttribute{m},
			MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String("arn:aws:iam::111122223333:role/PersonalizeMetrics")}}, opts...)
		return err
	}
}

// red19Range is red19Metric for a categorical hyperparameter range given
// as the caller's input.
func red19Range(name string, values ...string) func(context.Context, *sdk.Client) error {
	return func(ctx context.Context, c *sdk.Client) error {
		_, err := c.CreateSolution(ctx, &sdk.CreateSolutionInput{Name: aws.String("s1"),
			DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"),
			SolutionConfig: &types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: &types.HyperParameterRanges{
				CategoricalHyperParameterRanges: []types.CategoricalHyperParameterRange{{Name: aws.String(name), Values: values}}}}}})
		return err
	}
}

// TestRed19StructNames: de8d553 reads a metric's expression and a
// categorical range's values after the structure's name. A name with a
// control inside the keyword (escaped on the wire) still names them, on
// both gates; a keyword name with ordinary values goes out (precision).
func TestRed19StructNames(t *testing.T) {
	tests := []struct {
		name   string
		call   func(context.Context, *sdk.Client) error
		secret string
		want   red15Refusal
	}{
		{"metric named with a NUL in the keyword", red19Metric("acc\x00ount", "912803456", false), "912803456", red15Refusal{Rule: "sensitive.account-number"}},
		{"metric named with a NUL in the keyword, on the wire", red19Metric("acc\x00ount", "912803456", true), "912803456", red15Refusal{Rule: "sensitive.account-number"}},
		{"metric named with a C1 control in the keyword, on the wire", red19Metric("acc\u0090ount", "912803456", true), "912803456", red15Refusal{Rule: "sensitive.account-number"}},
		{"metric named account with a space-grouped number, on the wire", red19Metric("account", "912 803 456", true), "912 803 456", red15Refusal{Rule: "sensitive.account-number"}},
		// Precision: keyword names, ordinary values.
		{"metric named account_revenue", red19Metric("account_revenue", "SUM(Items.PRICE)", false), "SUM(Items.PRICE)", red15Refusal{Reached: true}},
		{"range named accounts, counts", red19Range("accounts", "128", "256", "512"), "512", red15Refusal{Reached: true}},
		{"range named account, a date", red19Range("account", "2024 11 30"), "2024 11 30", red15Refusal{Reached: true}},
		{"range named account_tier, words and a count", red19Range("account_tier", "gold 3", "silver 12"), "silver 12", red15Refusal{Reached: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			got := red15Outcome(e, tt.call(context.Background(), e.client), tt.secret)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed19ValueSplitOverElements: a categorical range's values are read
// each alone after the range's name, so a card split over two elements
// goes out. Joining a list's elements with a blank, the one join that
// rebuilds "4111 1111", "1111 1111", would refuse ordinary lists of
// four-digit values at the checksum's rate: TestRed19JoinedListCost
// measures it (det20), so this is left as a limit.
func TestRed19ValueSplitOverElements(t *testing.T) {
	t.Skip("defect (low, left for precision): a value split over list elements is not joined (\"4111 1111\", \"1111 1111\"); joined by blanks, 4.1% of generated lists of four 4-digit values, and as many of pairs of \"dddd dddd\" values, would be refused (TestRed19JoinedListCost, N = 20000)")
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	got := red15Outcome(e, red19Range("note", "4111 1111", "1111 1111")(context.Background(), e.client), "1111 1111")
	if diff := cmp.Diff(red15Refusal{Rule: "sensitive.credit-card"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRed19JoinedListCost is the measured reason TestRed19ValueSplitOverElements
// stays skipped: the detector's rate on list elements joined by a blank, for
// generated lists that hold no card (N = 20000 each, seed PCG(20, 24)):
// four-digit codes or years, and pairs of values grouped "dddd dddd". Each
// element alone is never flagged; joined, 0.0413 of each (826 lists, the
// same count by chance on different values), bounded here at 2%.
func TestRed19JoinedListCost(t *testing.T) {
	const n = 20000
	d := sensitive.Default()
	r := rand.New(rand.NewPCG(20, 24))
	four := func() string { return fmt.Sprintf("%04d", 1000+r.IntN(9000)) }
	tests := []struct {
		name string
		gen  func() []string
	}{
		{"four four-digit values", func() []string { return []string{four(), four(), four(), four()} }},
		{"two values of two groups", func() []string { return []string{four() + " " + four(), four() + " " + four()} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alone, joined := 0, 0
			for range n {
				vs := tt.gen()
				for _, v := range vs {
					if d.Contains(v) {
						alone++
						break
					}
				}
				if d.Contains(strings.Join(vs, " ")) {
					joined++
				}
			}
			t.Logf("flagged alone %.4f, joined %.4f", float64(alone)/n, float64(joined)/n)
			if alone != 0 || float64(joined)/n < 0.02 {
				t.Errorf("flagged alone %.4f, joined %.4f over %d lists; want 0 alone and at least 0.02 joined (the skip's reason)", float64(alone)/n, float64(joined)/n, n)
			}
		})
	}
}
