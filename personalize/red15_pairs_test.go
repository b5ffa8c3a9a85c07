package personalize_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// red15Refusal is the rule of err's SafeguardError ("" for none) and
// whether secret reached the endpoint.
type red15Refusal struct {
	Rule    string
	Reached bool
}

func red15Outcome(e *env, err error, secret string) red15Refusal {
	got := red15Refusal{Reached: e.srv.Seen(secret)}
	if sg := (*personalize.SafeguardError)(nil); errors.As(err, &sg) {
		got.Rule = sg.Rule
	}
	return got
}

// TestRed15ValueAfterItsStructName: a structure that names a value in one
// member and holds it in another is read as two strings, each alone, not
// as "name = value" as a map entry or a tag is: a categorical
// hyperparameter range named account_number with the value 912803456, or
// a metric named account whose expression is 912803456, reaches the
// endpoint. Low: both names are the caller's to choose but Personalize
// accepts only a recipe's hyperparameter names and metric expressions of
// the form SUM(Items.PRICE), so a careless caller rarely writes either; the
// service refuses them, after logging the request.
//
// Fix (not small): tagPair's rule extended to these two structures
// (CategoricalHyperParameterRange name + each of values; MetricAttribute
// metricName + expression), in walk and, where the members may come in
// any order, in walkWireStruct (remember the name member's text and the
// values' offsets, and pair them when the object ends), with the
// generator marking the pairs so a newer model's like structures are
// found too.
func TestRed15ValueAfterItsStructName(t *testing.T) {
	const group = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"
	ctx := context.Background()
	tests := []struct {
		name string
		call func(*sdk.Client) error
	}{
		{"categorical range", func(c *sdk.Client) error {
			_, err := c.CreateSolution(ctx, &sdk.CreateSolutionInput{Name: aws.String("s1"), DatasetGroupArn: aws.String(group),
				SolutionConfig: &types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: &types.HyperParameterRanges{
					CategoricalHyperParameterRanges: []types.CategoricalHyperParameterRange{{Name: aws.String("account_number"), Values: []string{"912803456"}}}}}}})
			return err
		}},
		{"metric", func(c *sdk.Client) error {
			_, err := c.CreateMetricAttribution(ctx, &sdk.CreateMetricAttributionInput{Name: aws.String("m1"), DatasetGroupArn: aws.String(group),
				Metrics:             []types.MetricAttribute{{EventType: aws.String("click"), MetricName: aws.String("account"), Expression: aws.String("912803456")}},
				MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String("arn:aws:iam::111122223333:role/PersonalizeMetrics")}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			got := red15Outcome(e, tt.call(e.client), "912803456")
			if diff := cmp.Diff(red15Refusal{Rule: "sensitive.account-number"}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed15DetectorTagMisses: what the detector (package sensitive) did
// not find in values the tag pattern allows: a card number grouped by '=',
// and an account number under a key whose keyword is followed by '@' and
// another word. Fixed in package sensitive: a lone '=' joins a card's
// groups, and a keyword may be qualified by '@' and a word.
func TestRed15DetectorTagMisses(t *testing.T) {
	tests := []struct{ key, value, secret, rule string }{
		{"note", "4539=7036=9258=1474", "4539=7036=9258=1474", "sensitive.credit-card"},
		{"acct@bank", "912803456", "912803456", "sensitive.account-number"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.TagResource(context.Background(), &sdk.TagResourceInput{
				ResourceArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"),
				Tags:        []types.Tag{{TagKey: aws.String(tt.key), TagValue: aws.String(tt.value)}}})
			if diff := cmp.Diff(red15Refusal{Rule: tt.rule}, red15Outcome(e, err, tt.secret)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestNamedValuesOnTheWire: the values of TestRed15ValueAfterItsStructName
// set by a hook after the guard's Initialize checks, so that only the wire
// gate reads them, in the serialized body's member order (a metric's
// expression comes before its metricName there): refused at the value's
// path, nothing sent. The same structures with a name that is no keyword
// go out.
func TestNamedValuesOnTheWire(t *testing.T) {
	const group = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"
	after := func(set func(any)) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("Test:SetAfterChecks", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				set(in.Parameters)
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		}
	}
	rangeCall := func(name string) func(context.Context, *sdk.Client) error {
		return func(ctx context.Context, c *sdk.Client) error {
			r := &types.CategoricalHyperParameterRange{Name: aws.String("tier"), Values: []string{"gold"}}
			_, err := c.CreateSolution(ctx, &sdk.CreateSolutionInput{Name: aws.String("s1"), DatasetGroupArn: aws.String(group),
				SolutionConfig: &types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: &types.HyperParameterRanges{
					CategoricalHyperParameterRanges: []types.CategoricalHyperParameterRange{*r}}}}},
				func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, after(func(p any) {
						in := p.(*sdk.CreateSolutionInput)
						rs := in.SolutionConfig.HpoConfig.AlgorithmHyperParameterRanges.CategoricalHyperParameterRanges
						rs[0].Name, rs[0].Values = aws.String(name), []string{"low", "912803456"}
					}))
				})
			return err
		}
	}
	metricCall := func(name string) func(context.Context, *sdk.Client) error {
		return func(ctx context.Context, c *sdk.Client) error {
			_, err := c.CreateMetricAttribution(ctx, &sdk.CreateMetricAttributionInput{Name: aws.String("m1"), DatasetGroupArn: aws.String(group),
				Metrics:             []types.MetricAttribute{{EventType: aws.String("click"), MetricName: aws.String("clicks"), Expression: aws.String("SUM(Items.PRICE)")}},
				MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String("arn:aws:iam::111122223333:role/PersonalizeMetrics")}},
				func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, after(func(p any) {
						m := &p.(*sdk.CreateMetricAttributionInput).Metrics[0]
						m.MetricName, m.Expression = aws.String(name), aws.String("912803456")
					}))
				})
			return err
		}
	}
	type outcome struct {
		Rule, Field string
		Reached     bool
	}
	tests := []struct {
		name string
		call func(context.Context, *sdk.Client) error
		want outcome
	}{
		{"categorical range named account_number", rangeCall("account_number"),
			outcome{"sensitive.account-number", "SolutionConfig.HpoConfig.AlgorithmHyperParameterRanges.CategoricalHyperParameterRanges[0].Values[1]", false}},
		{"categorical range named batch_size", rangeCall("batch_size"), outcome{Reached: true}},
		{"metric named account", metricCall("account"), outcome{"sensitive.account-number", "Metrics[0].Expression", false}},
		{"metric named revenue", metricCall("revenue"), outcome{Reached: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			err := tt.call(context.Background(), e.client)
			got := outcome{Reached: e.srv.Seen("912803456")}
			if sg := (*personalize.SafeguardError)(nil); errors.As(err, &sg) {
				got.Rule, got.Field = sg.Rule, sg.Field
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s(err = %v)", diff, err)
			}
		})
	}
}
