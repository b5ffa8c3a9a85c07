package personalize

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestRed29bMemberLookupAgrees: imp25's wire walk finds a member written
// as it is among those before the last one found by an exact comparison
// (jsonscan.NextKeyIn), where it read the name and looked it up before
// (memberAt, then memberFold, which takes the first member equal ignoring
// case). Both find the same member only if no two members of a structure
// are equal ignoring case; and every way to a member, from every position,
// in any case, must find that member and no other.
func TestRed29bMemberLookupAgrees(t *testing.T) {
	g := testGuard(t, Policy{})
	structs := 0
	for name, op := range g.ops {
		seen := map[*node]bool{}
		var walk func(n *node)
		walk = func(n *node) {
			if n == nil || seen[n] {
				return
			}
			seen[n] = true
			if len(n.fields) > 0 {
				structs++
				if len(n.keyFields) != len(n.fields) {
					t.Errorf("%s: %d keyFields for %d fields", name, len(n.keyFields), len(n.fields))
				}
				folded := map[string]string{}
				for _, f := range n.fields {
					if other, ok := folded[strings.ToLower(f.member)]; ok {
						t.Errorf("%s: members %s and %s are equal ignoring case", name, other, f.member)
					}
					folded[strings.ToLower(f.member)] = f.member
					for from := 0; from <= len(n.keyFields); from++ {
						for _, written := range []string{f.member, strings.ToUpper(f.member), strings.ToLower(f.member)} {
							if got := n.wireMember(written, from); got != f {
								t.Errorf("%s: wireMember(%q, %d) is not member %s", name, written, from, f.member)
							}
						}
					}
					if n.keyFields[f.pos] != f {
						t.Errorf("%s: member %s's pos %d is another's", name, f.member, f.pos)
					}
				}
			}
			for _, f := range n.fields {
				walk(f)
			}
			walk(n.elem)
		}
		walk(op.input)
	}
	if structs < 50 {
		t.Errorf("checked %d structures, want the tables' many", structs)
	}
}

// TestRed29bPostureRefusalsOutOfLine: imp25 moved the posture steps'
// refusals out of line (refuse, postureBypassed). The bucket posture step
// of every operation with S3 locations, run without the S3 location step
// (no parse in the call state or the stack), refuses with RuleBypassed and
// the operation's name, in report-only mode too, and calls nothing after
// it; refuse names the operation, field, rule and reason it is given,
// keeps the cause for errors.Is, and in report-only mode reports instead.
func TestRed29bPostureRefusalsOutOfLine(t *testing.T) {
	type outcome struct{ Operation, Field, Rule string }
	for _, reportOnly := range []bool{false, true} {
		p := Policy{InsecureReportOnly: reportOnly}
		if reportOnly {
			p.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		}
		g := testGuard(t, p)
		ops := 0
		for name, op := range g.ops {
			if len(op.locations) == 0 {
				continue
			}
			ops++
			ctx := middleware.WithOperationName(context.Background(), name)
			called := false
			next := middleware.InitializeHandlerFunc(func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
				called = true
				return middleware.InitializeOutput{}, middleware.Metadata{}, nil
			})
			params := reflect.New(op.params.Elem()).Interface()
			_, _, err := g.handleBucketPosture(ctx, nil, middleware.InitializeInput{Parameters: params}, next)
			var sg *SafeguardError
			var got outcome
			if errors.As(err, &sg) {
				got = outcome{sg.Operation, sg.Field, sg.Rule}
			}
			if diff := cmp.Diff(outcome{name, "", RuleBypassed}, got); diff != "" || called {
				t.Errorf("report-only %v, %s without the S3 location step: next called %v, (-want +got):\n%s", reportOnly, name, called, diff)
			}
		}
		if ops < 5 {
			t.Errorf("%d operations with S3 locations, want the jobs' five or more", ops)
		}
		cause := errors.New("cause")
		ctx := middleware.WithOperationName(context.Background(), "CreateDatasetImportJob")
		err := g.refuse(ctx, nil, "DataSource.DataLocation", RuleS3CheckFailed, bucketUncheckedReason, cause, nil)
		if reportOnly {
			if err != nil {
				t.Errorf("report-only refuse = %v, want nil (reported)", err)
			}
			continue
		}
		var sg *SafeguardError
		if !errors.As(err, &sg) || !errors.Is(err, cause) {
			t.Fatalf("refuse = %v, want a SafeguardError wrapping its cause", err)
		}
		if diff := cmp.Diff([]string{"CreateDatasetImportJob", "DataSource.DataLocation", RuleS3CheckFailed, bucketUncheckedReason},
			[]string{sg.Operation, sg.Field, sg.Rule, sg.Reason}); diff != "" {
			t.Errorf("refuse (-want +got):\n%s", diff)
		}
	}
}
