package personalize

import "testing"

// TestMemberAtMatchesMap holds memberAt and roleHolder to the byMember map
// they shortcut, for every structure of every operation, every member name
// (and a few that are not members) and every starting position.
func TestMemberAtMatchesMap(t *testing.T) {
	ops, err := bindTable(inputTypes())
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	var visit func(op string, n *node)
	visit = func(op string, n *node) {
		if n == nil {
			return
		}
		visit(op, n.elem)
		if n.kind != kindStruct {
			return
		}
		if n.roleHolder != (n.byMember["roleArn"] != nil) {
			t.Errorf("%s: roleHolder is %v, byMember disagrees", op, n.roleHolder)
		}
		names := []string{"", "KmsKeyArn", "unknownMember", "name "}
		for _, f := range n.fields {
			names = append(names, f.member)
			visit(op, f)
		}
		for _, name := range names {
			for from := 0; from <= len(n.fields)+1; from++ {
				if got, want := n.memberAt(name, from), n.byMember[name]; got != want {
					t.Errorf("%s: memberAt(%q, %d) = %v, byMember has %v", op, name, from, got, want)
				}
				checked++
			}
		}
	}
	for name, op := range ops {
		visit(name, op.input)
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
