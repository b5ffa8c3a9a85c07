package personalize

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
)

// messageAlphabet holds every character of the guard's fixed message texts.
const messageAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;'()-_/[]#*=+@"

// FuzzFieldContent feeds arbitrary names, tags and schemas to the content
// safeguard: it must not panic, must decide the same way twice, and its error
// must never contain the input.
func FuzzFieldContent(f *testing.F) {
	for _, seed := range [][3]string{
		{"movies-2024-11-28", "team", "recs"},
		{"acct-12345678", "owner", "jane.doe@example.com"},
		{"", "aws:internal", "4111 1111 1111 1111"},
		{"x\xff\x00", "k\tv", `{"type":"record","name":"A","fields":[]}`},
		{strings.Repeat("9", 70), strings.Repeat("é", 130), "GB82WEST12345698765432"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	g := testGuard(f, Policy{})
	f.Fuzz(func(t *testing.T, name, key, value string) {
		inputs := []struct {
			op string
			in any
		}{
			{"CreateDatasetGroup", &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{{TagKey: aws.String(key), TagValue: aws.String(value)}}}},
			{"CreateSchema", &sdk.CreateSchemaInput{Name: aws.String(name), Schema: aws.String(value)}},
			{"CreateSolution", &sdk.CreateSolutionInput{SolutionConfig: &types.SolutionConfig{AlgorithmHyperParameters: map[string]string{key: value}}}},
		}
		for _, in := range inputs {
			err1 := runInitialize(t, g.stepByID(IDFieldContent), in.op, in.in)
			err2 := runInitialize(t, g.stepByID(IDFieldContent), in.op, in.in)
			if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
				t.Fatalf("%s: not deterministic: %v then %v", in.op, err1, err2)
			}
			if err1 == nil {
				continue
			}
			msg := err1.Error()
			for _, v := range []string{name, key, value} {
				// An input made only of characters the guard's own texts use
				// ("Name", "must be 1-63 letters") can occur in a message by
				// chance; any other input must not.
				if strings.Trim(v, messageAlphabet) != "" && strings.Contains(msg, v) {
					t.Fatalf("%s: error %q contains the input %q", in.op, msg, v)
				}
			}
		}
	})
}

// FuzzReportOnlyContent holds report-only mode to enforcing mode on the
// same inputs: it never refuses what enforcing sends, reports the rule and
// field enforcing refuses with among its reports (and nothing when
// enforcing sends), passes the call on, and never echoes an input in a
// report.
func FuzzReportOnlyContent(f *testing.F) {
	for _, seed := range [][3]string{
		{"movies-2024-11-28", "team", "recs"},
		{"movies jane.doe@example.com " + strings.Repeat("x", 64), "owner", "jane.doe@example.com"},
		{"acct-12345678", "aws:internal", "4111 1111 1111 1111"},
		{"x\xff\x00", "é jane.doe@example.com", "arn:aws:personalize:us-east-1:jane.doe@example.com:dataset-group/x"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	enforcing := testGuard(f, Policy{})
	logger, _ := jsonLogger()
	reporting := testGuard(f, Policy{InsecureReportOnly: true, Logger: logger})
	f.Fuzz(func(t *testing.T, name, key, value string) {
		inputs := []struct {
			op string
			in any
		}{
			{"CreateDatasetGroup", &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{{TagKey: aws.String(key), TagValue: aws.String(value)}}}},
			{"ListDatasetGroups", &sdk.ListDatasetGroupsInput{NextToken: aws.String(value)}},
			{"DescribeDatasetGroup", &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String(value)}},
			{"CreateSolution", &sdk.CreateSolutionInput{Name: aws.String(name), SolutionConfig: &types.SolutionConfig{AlgorithmHyperParameters: map[string]string{key: value}}}},
		}
		for _, in := range inputs {
			refusal := runInitialize(t, enforcing.stepByID(IDFieldContent), in.op, in.in)
			ctx, st := newStateCtx()
			if _, err := runInitializeNextCtx(ctx, reporting.stepByID(IDFieldContent), in.op, in.in); err != nil {
				t.Fatalf("%s: report-only refused: %v", in.op, err)
			}
			var sg *SafeguardError
			switch {
			case refusal == nil && len(st.reported) > 0:
				t.Fatalf("%s: enforcing sends, report-only reports %s at %s", in.op, st.reported[0].Rule, st.reported[0].Field)
			case refusal != nil && !errors.As(refusal, &sg):
				t.Fatalf("%s: enforcing refused with %v, not a *SafeguardError", in.op, refusal)
			case refusal != nil && !slices.ContainsFunc(st.reported, func(r *SafeguardError) bool { return r.Rule == sg.Rule && r.Field == sg.Field }):
				t.Fatalf("%s: enforcing refuses %s at %s, report-only did not report it", in.op, sg.Rule, sg.Field)
			}
			for _, r := range st.reported {
				for _, v := range []string{name, key, value} {
					if strings.Trim(v, messageAlphabet) != "" && strings.Contains(r.Error(), v) {
						t.Fatalf("%s: report %q contains the input %q", in.op, r.Error(), v)
					}
				}
			}
		}
	})
}
