package personalize

import (
	"strings"
	"testing"
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
