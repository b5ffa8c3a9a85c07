package personalize

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestNamedValueStructures lists the structures whose values the walks read
// after the name another member gives them (namedValues), by operation and
// path: read from the table, so a newer model changes this list, and the
// change is seen here.
func TestNamedValueStructures(t *testing.T) {
	ops, err := bindTable(inputTypes())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var visit func(op, path string, n *node)
	visit = func(op, path string, n *node) {
		if n == nil {
			return
		}
		if n.valueName != nil {
			entry := op + " " + path + ": " + n.valueName.member + " names"
			for _, v := range n.namedValues {
				entry += " " + v.member
			}
			got = append(got, entry)
		}
		for _, f := range n.fields {
			visit(op, path+"."+f.member, f)
		}
		if n.elem != nil {
			visit(op, path+"[]", n.elem)
		}
	}
	for name, op := range ops {
		visit(name, "", op.input)
	}
	slices.Sort(got)
	want := []string{
		"CreateMetricAttribution .metrics[]: metricName names eventType expression",
		"CreateSolution .solutionConfig.hpoConfig.algorithmHyperParameterRanges.categoricalHyperParameterRanges[]: name names values",
		"CreateSolution .solutionConfig.hpoConfig.algorithmHyperParameterRanges.continuousHyperParameterRanges[]: name names maxValue minValue",
		"CreateSolution .solutionConfig.hpoConfig.algorithmHyperParameterRanges.integerHyperParameterRanges[]: name names maxValue minValue",
		"CreateSolution .solutionConfig.hpoConfig.hpoObjective: metricName names metricRegex type",
		"UpdateMetricAttribution .addMetrics[]: metricName names eventType expression",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("structures with named values (-want +got):\n%s", diff)
	}
}

// FuzzNamedValuesWireMatchesInitialize holds the wire gate's reading of a
// structure's named values (scanWireNamedValues, on the serialized body,
// whose members come in another order) to the Initialize check's
// (scanNamedValues, on the input): for any name and value, in a metric and
// in a categorical hyperparameter range, both refuse by the same rule or
// both pass, neither panics, and no refusal echoes the input.
func FuzzNamedValuesWireMatchesInitialize(f *testing.F) {
	for _, seed := range [][2]string{
		{"account", "912803456"}, {"account_number", "912 803 456"}, {"revenue", "SUM(Items.PRICE)"},
		{"acct", "gold 912803456"}, {"ssn", "123-45-6789"}, {"", "912803456"}, {"a\"c\\ct", "\u00e9912803456"},
	} {
		f.Add(seed[0], seed[1])
	}
	g := testGuard(f, Policy{})
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	f.Fuzz(func(t *testing.T, name, value string) {
		cases := []struct {
			op   string
			in   any
			body string
		}{
			{"CreateMetricAttribution", &sdk.CreateMetricAttributionInput{Metrics: []types.MetricAttribute{{EventType: aws.String("click"), Expression: aws.String(value), MetricName: aws.String(name)}}},
				`{"metrics":[{"eventType":"click","expression":` + quote(value) + `,"metricName":` + quote(name) + `}]}`},
			{"CreateSolution", &sdk.CreateSolutionInput{SolutionConfig: &types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: &types.HyperParameterRanges{
				CategoricalHyperParameterRanges: []types.CategoricalHyperParameterRange{{Name: aws.String(name), Values: []string{"low", value}}}}}}},
				`{"solutionConfig":{"hpoConfig":{"algorithmHyperParameterRanges":{"categoricalHyperParameterRanges":[{"name":` + quote(name) + `,"values":["low",` + quote(value) + `]}]}}}}`},
		}
		for _, c := range cases {
			initErr := runInitialize(t, g.stepByID(IDFieldContent), c.op, c.in)
			wireErr := g.checkBody(middleware.WithOperationName(context.Background(), c.op), c.op, c.body)
			if diff := cmp.Diff(ruleOf(initErr), ruleOf(wireErr)); diff != "" {
				t.Fatalf("%s: Initialize and wire rules differ (-initialize +wire):\n%s\n(%v / %v)", c.op, diff, initErr, wireErr)
			}
			for _, err := range []error{initErr, wireErr} {
				if err == nil {
					continue
				}
				for _, v := range []string{name, value} {
					if strings.Trim(v, messageAlphabet) != "" && strings.Contains(err.Error(), v) {
						t.Fatalf("%s: error %q contains the input %q", c.op, err, v)
					}
				}
			}
		}
	})
}

// ruleOf is the rule of err's SafeguardError, "" for none, or err's text
// for another error.
func ruleOf(err error) string {
	var sg *SafeguardError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &sg):
		return sg.Rule
	}
	return err.Error()
}
