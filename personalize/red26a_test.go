package personalize

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// red26aWarm checks s under rule and sh until the guard's passed memo
// keeps it (the second pass keeps it), failing the test if it does not.
func red26aWarm(t *testing.T, g *Guard, rule fieldRule, sh *shape, s string) {
	t.Helper()
	for range 3 {
		if got := checkOnce(g, rule, sh, s); got.refused() {
			t.Fatalf("warming value refused under %s/%s: %+v", ruleNames[rule], sh.name, got)
		}
	}
	if g.passed.find(rule, sh, s) == nil {
		t.Fatalf("warming value not kept by the memo under %s/%s", ruleNames[rule], sh.name)
	}
}

// TestRed26aMemoReplayUnderStricterRule: a value the memo keeps under one
// rule and shape (it passed there twice) replayed under a rule or shape
// that refuses it: a tag value as a tag key (aws: prefix, length), a
// parameter value as a name or a schedule (model patterns), free text as a
// role ARN. The warmed guard must answer as a guard that never saw the
// value (differential), the answer must be a refusal or a report, and no
// error or report may hold the value. Enforcing and report-only.
func TestRed26aMemoReplayUnderStricterRule(t *testing.T) {
	type place struct {
		rule fieldRule
		sh   *shape
	}
	tagKey, tagValue := place{ruleTagKey, shapeTagKey}, place{ruleTagValue, shapeTagValue}
	long := strings.Repeat("a", shapeTagKey.max+1) // a tag value's length, over a key's
	cases := []struct {
		name       string
		s          string
		warm, play place
	}{
		{"reserved prefix: tag value as tag key", "aws:cloudformation", tagValue, tagKey},
		{"reserved prefix in upper case: tag value as tag key", "AWS:team", tagValue, tagKey},
		{"length: 129-byte tag value as tag key", long, tagValue, tagKey},
		{"empty: tag value as tag key", "", tagValue, tagKey},
		{"pattern: parameter value as a tag value", "a<b>c", place{ruleFreeForm, shapeParameterValue}, tagValue},
		{"pattern: parameter name as a Name-shaped member", "-starts-with-dash", place{ruleFreeForm, shapeParameterName}, place{ruleFreeForm, shapeName}},
		{"pattern: parameter value as a schedule", "rate(1 dayz)", place{ruleFreeForm, shapeParameterValue}, place{ruleFreeForm, shapeSchedulingExpression}},
		{"length: parameter value as a schedule", "rate(100000000 days)", place{ruleFreeForm, shapeParameterValue}, place{ruleFreeForm, shapeSchedulingExpression}},
		{"shape: free text as a role ARN", "arn:aws:iam::1:role/x", place{ruleFreeForm, shapeParameterValue}, place{ruleARN, shapeRoleArn}},
		{"pattern: ARN with a byte out of the role pattern as a role", "arn:aws:iam::111122223333:role/a<b", place{ruleFreeForm, shapeParameterValue}, place{ruleARN, shapeRoleArn}},
	}
	for _, mode := range []struct {
		name string
		p    Policy
	}{
		{"enforcing", Policy{}},
		{"report-only", Policy{InsecureReportOnly: true, Logger: slog.New(slog.DiscardHandler)}},
	} {
		for _, tt := range cases {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				if tt.s == "" && tt.warm == tagValue {
					// "" is no value the memo needs: it passes a tag value
					// and must still be refused as a key.
					g := testGuard(t, mode.p)
					for range 3 {
						checkOnce(g, tagValue.rule, tagValue.sh, "")
					}
					if got := checkOnce(g, tagKey.rule, tagKey.sh, ""); !got.refused() {
						t.Fatalf("empty tag key passed after empty tag values: %+v", got)
					}
					return
				}
				cold := checkOnce(testGuard(t, mode.p), tt.play.rule, tt.play.sh, tt.s)
				if !cold.refused() {
					t.Fatalf("the case is wrong: a cold guard passes %q under the stricter rule: %+v", tt.s, cold)
				}
				g := testGuard(t, mode.p)
				red26aWarm(t, g, tt.warm.rule, tt.warm.sh, tt.s)
				got := checkOnce(g, tt.play.rule, tt.play.sh, tt.s)
				if diff := cmp.Diff(cold, got); diff != "" {
					t.Errorf("warmed guard answers otherwise than a cold one (-want +got):\n%s", diff)
				}
				if g.passed.find(tt.play.rule, tt.play.sh, tt.s) != nil {
					t.Errorf("the memo keeps the value under the rule that refuses it")
				}
				if strings.Contains(got.Err, tt.s) || strings.Contains(fmt.Sprint(got.Reported), tt.s) {
					t.Errorf("the refusal echoes the value: %+v", got)
				}
			})
		}
	}
}

// TestRed26aMemoSameSlotLateDifference: values of one length with the same
// first and last byte share the memo's slot (passedSlot reads only those
// and the length). A clean one kept there, a value that differs from it
// only inside (a card number, an e-mail address, a key's last bytes) must
// be checked in full and refused, as a cold guard refuses it; the clean
// one is still answered by the memo afterwards.
func TestRed26aMemoSameSlotLateDifference(t *testing.T) {
	cases := []struct {
		name, clean, dirty string
		rule               fieldRule
		sh                 *shape
	}{
		{"e-mail address, one byte", "x-jane.doe-example.com", "x-jane.doe@example.com", ruleTagValue, shapeTagValue},
		{"card number", "ref aaaaaaaaaaaaaaaa z", "ref 4111111111111111 z", ruleTagValue, shapeTagValue},
		{"card number in a tag key", "k-aaaaaaaaaaaaaaaa-k", "k-4111111111111111-k", ruleTagKey, shapeTagKey},
		{"reserved prefix, second byte", "axs:team", "aws:team", ruleTagKey, shapeTagKey},
		{"e-mail in a parameter value, late", strings.Repeat("p", 200) + "-jane.doe-example.com.", strings.Repeat("p", 200) + " jane.doe@example.com.", ruleFreeForm, shapeParameterValue},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.clean) != len(tt.dirty) || passedSlot(tt.rule, tt.clean) != passedSlot(tt.rule, tt.dirty) {
				t.Fatalf("the case is wrong: the values do not share a slot")
			}
			cold := checkOnce(testGuard(t, Policy{}), tt.rule, tt.sh, tt.dirty)
			if cold.Err == "" {
				t.Fatalf("the case is wrong: a cold guard passes the dirty value")
			}
			g := testGuard(t, Policy{})
			red26aWarm(t, g, tt.rule, tt.sh, tt.clean)
			if diff := cmp.Diff(cold, checkOnce(g, tt.rule, tt.sh, tt.dirty)); diff != "" {
				t.Errorf("the dirty value after the clean one (-want +got):\n%s", diff)
			}
			if g.passed.find(tt.rule, tt.sh, tt.clean) == nil {
				t.Errorf("the refusal dropped the clean value from its slot")
			}
			if strings.Contains(cold.Err, tt.dirty) {
				t.Errorf("the refusal echoes the value")
			}
		})
	}
}

// TestRed26aMemoSlotFlipConcurrent: goroutines of one guard check two clean
// values that share a slot, under two rules, so that the slot is replaced
// again and again while others read it, and the dirty value of the same
// slot and length among them. An entry is read whole or not at all (no
// length of one with the bytes of another: go test -race sees the slot's
// pointer, and the test sees the answers): the dirty value is refused
// every time, the clean ones always pass.
func TestRed26aMemoSlotFlipConcurrent(t *testing.T) {
	g := testGuard(t, Policy{})
	const a, b, dirty = "x-jane.doe-example.com", "x-john.roe-example.com", "x-jane.doe@example.com"
	if passedSlot(ruleTagValue, a) != passedSlot(ruleTagValue, b) || passedSlot(ruleTagValue, a) != passedSlot(ruleTagValue, dirty) {
		t.Fatal("the case is wrong: the values do not share a slot")
	}
	const workers = 6
	done := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range 400 {
				rule, sh := ruleTagValue, shapeTagValue
				if (i+w)%3 == 0 {
					rule, sh = ruleTagKey, shapeTagKey
				}
				for _, s := range []string{a, b} {
					if got := checkOnce(g, rule, sh, s); got.Err != "" {
						done <- fmt.Errorf("clean value refused: %s", got.Err)
						return
					}
				}
				if got := checkOnce(g, rule, sh, dirty); got.Err == "" || strings.Contains(got.Err, dirty) {
					done <- fmt.Errorf("dirty value passed or echoed under %s: %+v", ruleNames[rule], got)
					return
				}
			}
			done <- nil
		}()
	}
	for range workers {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestRed26aMemoPerGuard: two guards, one with a caller rule that the
// other lacks. The memo of the guard without the rule keeps a value; the
// guard with the rule must still refuse it, before and after.
func TestRed26aMemoPerGuard(t *testing.T) {
	det, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "project-code", Pattern: regexp.MustCompile(`PRJ-[0-9]{4}`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	const s = "team-PRJ-1234"
	plain, strict := testGuard(t, Policy{}), testGuard(t, Policy{Detector: det})
	red26aWarm(t, plain, ruleTagValue, shapeTagValue, s)
	want := "sensitive.project-code"
	for i := range 3 {
		got := checkOnce(strict, ruleTagValue, shapeTagValue, s)
		if !strings.Contains(got.Err, want) || strings.Contains(got.Err, "PRJ-1234") {
			t.Fatalf("check #%d of the guard with the rule: %+v, want %s without the value", i+1, got, want)
		}
		red26aWarm(t, plain, ruleTagValue, shapeTagValue, s)
	}
	if strict.passed.find(ruleTagValue, shapeTagValue, s) != nil {
		t.Error("the guard with the rule keeps the value it refuses")
	}
}

// red26aPlaces are the rules and shapes FuzzRed26aMemoReplay warms and
// replays a value under: memoizable ones, one next to the other.
var red26aPlaces = []struct {
	rule fieldRule
	sh   *shape
}{
	{ruleTagKey, shapeTagKey}, {ruleTagValue, shapeTagValue}, {ruleFreeForm, shapeParameterValue},
	{ruleFreeForm, shapeParameterName}, {ruleFreeForm, shapeName}, {ruleFreeForm, shapeSchedulingExpression},
	{ruleARN, shapeRoleArn}, {ruleFreeForm, shapeUnknown},
}

// FuzzRed26aMemoReplay: any string, checked under one place until the
// guard's memos are warm with it, then under another, must get the answer
// (error, notes, reports) a guard that never saw it gives.
func FuzzRed26aMemoReplay(f *testing.F) {
	for _, s := range []string{"aws:team", "team", "a<b>c", "-x", "rate(1 day)", testRoleARN, "x-jane.doe@example.com", "4111111111111111", ""} {
		for w := range len(red26aPlaces) {
			f.Add(uint8(w), uint8(w+1), s)
		}
	}
	g := testGuard(f, Policy{}) // shared: its memos fill up as a long-lived guard's do
	f.Fuzz(func(t *testing.T, warm, play uint8, s string) {
		wp, pp := red26aPlaces[int(warm)%len(red26aPlaces)], red26aPlaces[int(play)%len(red26aPlaces)]
		cold := checkOnce(testGuard(t, Policy{}), pp.rule, pp.sh, s)
		for range 3 {
			checkOnce(g, wp.rule, wp.sh, s)
		}
		if diff := cmp.Diff(cold, checkOnce(g, pp.rule, pp.sh, s)); diff != "" {
			t.Errorf("%s/%s after %s/%s (-cold +warm):\n%s", ruleNames[pp.rule], pp.sh.name, ruleNames[wp.rule], wp.sh.name, diff)
		}
	})
}

// TestRed26aMemoNamedValuesJoin: a name and a value the memo keeps, each
// having passed beside others (a metric named acct with a plain
// expression, a number under a plain name), then given together in a
// structure whose values are read after their name (a metric, a
// categorical hyperparameter range). The Initialize walk, run with a call
// state as the guard runs it (so the memo answers), must still read the
// join and refuse it by its rule, without the number in the error.
func TestRed26aMemoNamedValuesJoin(t *testing.T) {
	metric := func(name, expr string) *sdk.CreateMetricAttributionInput {
		return &sdk.CreateMetricAttributionInput{Metrics: []types.MetricAttribute{{EventType: aws.String("click"), Expression: aws.String(expr), MetricName: aws.String(name)}}}
	}
	hpo := func(name, value string) *sdk.CreateSolutionInput {
		return &sdk.CreateSolutionInput{SolutionConfig: &types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: &types.HyperParameterRanges{
			CategoricalHyperParameterRanges: []types.CategoricalHyperParameterRange{{Name: aws.String(name), Values: []string{"low", value}}}}}}}
	}
	tests := []struct {
		op         string
		clean      []any
		attack     any
		wantRule   string
		wantSecret string
	}{
		{"CreateMetricAttribution", []any{metric("acct", "prod"), metric("note", "912803456")}, metric("acct", "912803456"), "sensitive.account-number", "912803456"},
		{"CreateMetricAttribution", []any{metric("ssn", "low"), metric("note", "219099999")}, metric("ssn", "219099999"), "sensitive.ssn", "219099999"},
		{"CreateSolution", []any{hpo("acct", "prod"), hpo("note", "gold 912803456")}, hpo("acct", "gold 912803456"), "sensitive.account-number", "912803456"},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.wantRule, func(t *testing.T) {
			g := testGuard(t, Policy{})
			m := g.stepByID(IDFieldContent)
			run := func(in any) error {
				st := &callState{g: g}
				ctx := withState(context.Background(), st)
				_, err := runInitializeNextCtx(ctx, m, tt.op, in)
				return err
			}
			for range 3 {
				for _, in := range tt.clean {
					if err := run(in); err != nil {
						t.Fatalf("clean input refused: %v", err)
					}
				}
			}
			kept := 0
			for i := range g.passed.slots {
				if g.passed.slots[i].Load() != nil {
					kept++
				}
			}
			if kept == 0 {
				t.Fatal("the memo kept nothing: the test does not reach it")
			}
			err := run(tt.attack)
			if got := ruleOf(err); got != tt.wantRule {
				t.Errorf("rule = %q, want %q", got, tt.wantRule)
			}
			if err != nil && strings.Contains(err.Error(), tt.wantSecret) {
				t.Errorf("the refusal echoes the value: %v", err)
			}
		})
	}
}
