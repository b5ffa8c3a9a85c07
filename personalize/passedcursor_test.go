package personalize

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPassedBeforeCursorMatchesScan holds passedBefore and checkedClean,
// which look first after the entry they last found, to a plain scan of the
// noted entries: for lookups in the noted order, in reverse, shuffled, with
// repeats, and for strings, rules and shapes that were never noted, the
// answer is the scan's. A cursor past the end or left on an entry that
// does not match must fall back to the scan, not refuse or pass wrongly.
func TestPassedBeforeCursorMatchesScan(t *testing.T) {
	noted := []passedCheck{
		{ruleResourceName, shapeRoleArn, "movies"},
		{ruleTagKey, shapeRoleArn, "team"},
		{ruleTagValue, shapeRoleArn, "movies"}, // same text, another rule
		{ruleARN, shapeRoleArn, "arn:aws:iam::123456789012:role/p"},
		{ruleTagKey, nil, "team"}, // same text and rule, another shape
		{ruleTagValue, shapeRoleArn, ""},
	}
	probes := append(slices.Clone(noted),
		passedCheck{ruleTagKey, shapeRoleArn, "teams"},
		passedCheck{ruleTagKey, shapeRoleArn, "tean"},
		passedCheck{ruleToken, shapeRoleArn, "movies"},
		passedCheck{ruleTagValue, nil, ""},
		passedCheck{ruleResourceName, shapeRoleArn, "Movies"},
	)
	scanPassed := func(p passedCheck) bool {
		return slices.ContainsFunc(noted, func(q passedCheck) bool { return q.rule == p.rule && q.sh == p.sh && q.s == p.s })
	}
	var texts []string
	for _, p := range noted {
		texts = append(texts, p.s)
	}
	rng := rand.New(rand.NewPCG(21, 1))
	orders := [][]passedCheck{slices.Clone(noted), slices.Clone(probes)}
	rev := slices.Clone(probes)
	slices.Reverse(rev)
	orders = append(orders, rev)
	for range 200 {
		o := slices.Clone(probes)
		o = append(o, probes[rng.IntN(len(probes))], probes[rng.IntN(len(probes))])
		rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		orders = append(orders, o)
	}
	for n, order := range orders {
		st := &callState{}
		w := &walker{st: st}
		for _, p := range noted {
			w.notePassed(p.rule, p.sh, p.s)
			w.noteClean(p.s)
		}
		w.wire = true
		var want, got []bool
		for _, p := range order {
			want = append(want, scanPassed(p), slices.Contains(texts, p.s))
			got = append(got, w.passedBefore(p.rule, p.sh, p.s), w.checkedClean(p.s))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("order %d: lookups (-want +got):\n%s", n, diff)
		}
	}
	// Not on the wire, or with no state, nothing is taken as passed.
	w := &walker{st: &callState{passed: noted, clean: texts}}
	if w.passedBefore(noted[0].rule, noted[0].sh, noted[0].s) || w.checkedClean(texts[0]) {
		t.Error("the Initialize walk took a string as passed before")
	}
	w = &walker{wire: true}
	if w.passedBefore(noted[0].rule, noted[0].sh, noted[0].s) || w.checkedClean(texts[0]) {
		t.Error("a walk with no state took a string as passed before")
	}
}
