package personalize

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"unsafe"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// checkOutcome is what one check of a string leaves: its error, the notes
// for the wire gate and the report-only reports.
type checkOutcome struct {
	Err      string
	Passed   []string // rule/shape/string of each passed note
	Clean    []string
	Reported []string
}

// refused reports whether o is a refusal (enforcing) or a report
// (report-only mode).
func (o checkOutcome) refused() bool { return o.Err != "" || len(o.Reported) != 0 }

// checkOnce runs the Initialize check of s under rule and sh on a call
// state of g's own, as handleContent does.
func checkOnce(g *Guard, rule fieldRule, sh *shape, s string) checkOutcome {
	st := &callState{g: g}
	ctx := withState(middleware.WithOperationName(context.Background(), "TagResource"), st)
	w := &st.walker
	w.g, w.ctx, w.st, w.wire, w.body, w.depth = g, ctx, st, false, "", 0
	err := w.check(rule, sh, nil, s)
	w.drop()
	var out checkOutcome
	if err != nil {
		out.Err = err.Error()
	}
	for _, p := range st.passed {
		out.Passed = append(out.Passed, ruleNames[p.rule]+"/"+p.sh.name+"/"+p.s)
	}
	out.Clean = append(out.Clean, st.clean...)
	for _, r := range st.reported {
		out.Reported = append(out.Reported, r.Rule+" at "+r.Field)
	}
	return out
}

// TestPassedMemoAnswersAsCheck holds the memo's answers to check's own: the
// first check of each value is check in full (the memo cannot hold it yet),
// the second keeps a passing value, the third is answered by the memo. All
// three must leave the same error, notes and reports; only a value that
// passed is kept, and only under rules the memo takes.
func TestPassedMemoAnswersAsCheck(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	cases := []struct {
		name string
		rule fieldRule
		sh   *shape
		s    string
		kept bool // kept by the memo; else refused, but for the two marked
	}{
		{"tag key", ruleTagKey, shapeTagKey, "team", true},
		{"tag value", ruleTagValue, shapeTagValue, "recommendations", true},
		{"empty tag value", ruleTagValue, shapeTagValue, "", true},
		{"role ARN", ruleARN, shapeRoleArn, testRoleARN, true},
		{"reserved tag key", ruleTagKey, shapeTagKey, "aws:team", false},
		{"card number in a tag value", ruleTagValue, shapeTagValue, "4111111111111111", false},
		{"email in a tag key", ruleTagKey, shapeTagKey, "jane.doe@example.com", false},
		{"empty tag key", ruleTagKey, shapeTagKey, "", false},
		{"tag value out of pattern", ruleTagValue, shapeTagValue, "a<b", false},
		{"role ARN out of shape", ruleARN, shapeRoleArn, "arn:aws:iam::1:role/x", false},
		{"resource name (new each call)", ruleResourceName, shapeUnknown, "movies", false},
		{"free-form text over the memo's length", ruleFreeForm, shapeUnknown, longTagText(maxPassedMemoText + 1), false},
	}
	for _, mode := range []struct {
		name string
		p    Policy
	}{
		{"enforcing", Policy{}},
		{"report-only", Policy{InsecureReportOnly: true, Logger: logger}},
	} {
		for _, tt := range cases {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				g := testGuard(t, mode.p)
				first := checkOnce(g, tt.rule, tt.sh, tt.s)
				for i := 2; i <= 3; i++ {
					if diff := cmp.Diff(first, checkOnce(g, tt.rule, tt.sh, tt.s)); diff != "" {
						t.Errorf("check #%d differs from the first (-want +got):\n%s", i, diff)
					}
				}
				// Not taken on trust: a value the table calls refused is.
				passes := !first.refused()
				if mayPass := tt.kept || tt.rule == ruleResourceName || len(tt.s) > maxPassedMemoText; passes != mayPass {
					t.Errorf("the value passes: %v, want %v (%+v)", passes, mayPass, first)
				}
				if got := g.passed.find(tt.rule, tt.sh, tt.s) != nil; got != tt.kept {
					t.Errorf("memo keeps the value: %v, want %v", got, tt.kept)
				}
			})
		}
	}
}

func longTagText(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}

// TestPassedMemoKeepsItsOwnBytes: a hostile caller passes a tag value made
// with unsafe over a buffer it rewrites after the check. The memo must keep
// the bytes that were checked, not the caller's: the rewritten value (a
// card number) is checked in full and refused, and a later call with the
// value first checked is still answered from the memo's unchanged copy.
func TestPassedMemoKeepsItsOwnBytes(t *testing.T) {
	g := testGuard(t, Policy{})
	const clean, dirty = "abcdefghijklmnop", "4111111111111111"
	buf := []byte(clean)
	s := unsafe.String(&buf[0], len(buf))
	for range 2 { // the second check keeps it
		if got := checkOnce(g, ruleTagValue, shapeTagValue, s); got.Err != "" {
			t.Fatalf("clean value refused: %s", got.Err)
		}
	}
	p := g.passed.find(ruleTagValue, shapeTagValue, clean)
	if p == nil {
		t.Fatal("the clean value was not kept")
	}
	copy(buf, dirty)
	if p.s != clean {
		t.Fatalf("the memo's entry changed with the caller's bytes")
	}
	got := checkOnce(g, ruleTagValue, shapeTagValue, s)
	if got.Err == "" {
		t.Fatal("the rewritten value (a card number) passed: the memo answered for bytes it did not check")
	}
	want := checkOutcome{Passed: []string{"tag-value/TagValue/" + clean}, Clean: []string{clean}}
	if diff := cmp.Diff(want, checkOnce(g, ruleTagValue, shapeTagValue, clean)); diff != "" {
		t.Errorf("the clean value after the rewrite (-want +got):\n%s", diff)
	}
}

// TestPassedMemoConcurrent: calls of one guard share the memo; its slots
// are replaced whole while others read them (go test -race). Clean values,
// more than the slots hold, keep passing, and a card number among them is
// refused every time.
func TestPassedMemoConcurrent(t *testing.T) {
	g := testGuard(t, Policy{})
	values := make([]string, 3*numPassedMemo)
	for i := range values {
		values[i] = longTagText(1 + i%40)[:1+i%40] + string(rune('a'+i%26))
	}
	done := make(chan error, 8)
	for range 8 {
		go func() {
			for i := range 4 * len(values) {
				if got := checkOnce(g, ruleTagValue, shapeTagValue, values[i%len(values)]); got.Err != "" {
					done <- fmt.Errorf("clean value %q refused: %s", values[i%len(values)], got.Err)
					return
				}
				if got := checkOnce(g, ruleTagValue, shapeTagValue, "4111111111111111"); got.Err == "" {
					done <- fmt.Errorf("card number passed")
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestMemoizableRules: the passed memo answers only under the rules check
// settles by length, detector, pattern and prefix, for values that recur;
// never for the rules with checks of their own (see memoizable).
func TestMemoizableRules(t *testing.T) {
	want := map[fieldRule]bool{
		ruleFreeForm: true, ruleEnum: false, ruleARN: false, ruleToken: false, ruleResourceName: false,
		ruleTagKey: true, ruleTagValue: true, ruleFilterExpression: false, ruleSchema: false,
		ruleS3Location: false, ruleKMSKey: false,
	}
	got := map[fieldRule]bool{}
	for rule := range fieldRule(len(ruleNames)) {
		got[rule] = memoizable(rule, shapeUnknown, "recs")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("memoizable by rule (-want +got):\n%s", diff)
	}
	if !memoizable(ruleARN, shapeRoleArn, "arn:aws:iam::111122223333:role/personalize") {
		t.Error("a role ARN is not memoizable; it recurs on every call")
	}
	if memoizable(ruleTagValue, shapeUnknown, string(make([]byte, maxPassedMemoText+1))) {
		t.Errorf("a value over %d bytes is memoizable", maxPassedMemoText)
	}
}
