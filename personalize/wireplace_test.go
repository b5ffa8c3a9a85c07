package personalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWirePlaceShortcutAsCheck holds the wire walk's direct call of
// checkWirePlace for a KMS key or an S3 location to the path it replaces
// (the passed notes' tests, then checkMissed and check): a hook's key or
// location, moved, swapped or malformed, gets the same answer either way,
// and so does the one the Initialize checks noted at its member.
func TestWirePlaceShortcutAsCheck(t *testing.T) {
	g := testGuard(t, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN})
	keyAt := g.ops["CreateDatasetGroup"].keys[0].node
	job := g.ops["CreateBatchInferenceJob"]
	in, out := job.locations[0].node, job.locations[1].node
	const otherKey = "arn:aws:kms:us-east-1:111122223333:key/0b8f2c1e-0000-4000-8000-000000000000"
	cases := []struct {
		name  string
		at    *node
		value string
	}{
		{"the noted key at its member", keyAt, testKeyARN},
		{"another well-formed key", keyAt, otherKey},
		{"a malformed key", keyAt, "not-a-key"},
		{"the noted location at its member", in, "s3://bucket/in/"},
		{"the noted location at another member", out, "s3://bucket/in/"},
		{"a location never noted", out, "s3://elsewhere/out/"},
		{"a location over the model's length", in, "s3://" + longTagText(300)},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			result := func(direct bool) string {
				ctx, st := newStateCtx()
				st.sawKey(testKeyARN, keyAt)
				st.sawLocation("s3://bucket/in/", in)
				st.passed = append(st.passed, passedCheck{ruleResourceName, shapeUnknown, "movies"})
				w := newWalkerState(g, ctx, st, true, "")
				defer w.release()
				w.place = tt.at
				var err error
				if direct {
					err = w.checkWirePlace(tt.at.rule, tt.value)
				} else if !w.passedNext(tt.at, tt.value) && !w.passedLast(tt.at, tt.value) {
					err = w.checkMissed(tt.at, tt.value)
				}
				if err != nil {
					return err.Error()
				}
				return ""
			}
			want := result(false)
			if accepted := tt.at.rule == ruleKMSKey && tt.value == testKeyARN || tt.at == in && tt.value == "s3://bucket/in/"; accepted != (want == "") {
				t.Fatalf("the reference path's answer %q is not the expected one (accepted %v): the case tests nothing", want, accepted)
			}
			if diff := cmp.Diff(want, result(true)); diff != "" {
				t.Errorf("direct call differs (-want +got):\n%s", diff)
			}
		})
	}
}
