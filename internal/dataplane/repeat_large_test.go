package dataplane

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// TestWalkRepeatedMemberEverySize: a repeated member is refused in a
// structure of every size around the bound of the scanned ones (found by
// position below it, through the name buffer above it) and in a Node
// literal, whichever member repeats, early or past the buffer's sixteen
// names; without a repeat the body passes.
func TestWalkRepeatedMemberEverySize(t *testing.T) {
	g := testGuard(t, Policy{})
	walk := func(n *Node, body string) error {
		ctx := middleware.WithOperationName(context.Background(), "Put")
		w := &walker{g: g, ctx: ctx, op: "Put", st: &callState{}}
		var sc jsonscan.Scanner
		sc.Reset(body)
		k, err := sc.Next()
		if err != nil {
			return err
		}
		return w.walk(n, &sc, k)
	}
	for size := 1; size <= maxScannedMembers+4; size++ {
		members := map[string]*Node{}
		var parts []string
		for i := range size {
			name := "m" + strconv.Itoa(i)
			members[name] = Scalar
			parts = append(parts, `"`+name+`":1`)
		}
		nodes := map[string]*Node{"Struct": Struct(members), "literal": {Members: members}}
		for kind, n := range nodes {
			if err := walk(n, "{"+strings.Join(parts, ",")+"}"); err != nil {
				t.Errorf("%s of %d members, none repeated: %v", kind, size, err)
			}
			for _, rep := range []int{0, size / 2, size - 1} {
				body := "{" + strings.Join(parts, ",") + `,"m` + strconv.Itoa(rep) + `":2}`
				var sg *guarderr.SafeguardError
				err := walk(n, body)
				got := ""
				if errors.As(err, &sg) {
					got = sg.Rule
				}
				if diff := cmp.Diff(guarderr.RuleBodyUnchecked, got); diff != "" {
					t.Errorf("%s of %d members, m%d repeated: err %v (-want +got):\n%s", kind, size, rep, err, diff)
				}
			}
		}
	}
}
