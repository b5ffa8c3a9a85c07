package personalize

import (
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
