package apimodel

import "strings"

// StepKind says how a [Step] descends from a shape to a nested one.
type StepKind uint8

const (
	StepMember  StepKind = iota // a structure member, named by Step.Name
	StepElement                 // a list's element
	StepKey                     // a map's key
	StepValue                   // a map's value
)

// Step is one edge of a [Path].
type Step struct {
	Kind StepKind
	Name string // the member name, for StepMember
	// Required is set on a StepMember to a required member.
	Required bool
}

// Path leads from an operation's input shape to a nested shape.
type Path []Step

// String renders a path as "solutionConfig.hpoConfig.hpoObjective.type",
// with "[]" after a list and "{key}" or "{value}" after a map.
func (p Path) String() string {
	var b strings.Builder
	for _, s := range p {
		switch s.Kind {
		case StepMember:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case StepElement:
			b.WriteString("[]")
		case StepKey:
			b.WriteString("{key}")
		case StepValue:
			b.WriteString("{value}")
		}
	}
	return b.String()
}

// Walk calls fn for root and every shape reachable from it, depth first and
// in member-name order, with the path that leads there. A shape already on
// the current path is not entered again, so recursive shapes terminate. fn
// returning false skips what lies below that shape.
func (m *Model) Walk(root string, fn func(p Path, s *Shape) bool) {
	m.walk(nil, root, map[string]bool{}, fn)
}

func (m *Model) walk(p Path, name string, onPath map[string]bool, fn func(Path, *Shape) bool) {
	s := m.Shapes[name]
	if s == nil || onPath[name] || !fn(p, s) {
		return
	}
	onPath[name] = true
	defer delete(onPath, name)
	next := func(st Step, shape string) {
		m.walk(append(p[:len(p):len(p)], st), shape, onPath, fn)
	}
	switch s.Type {
	case TypeStructure:
		for _, mn := range s.MemberNames {
			next(Step{Kind: StepMember, Name: mn, Required: s.IsRequired(mn)}, s.Members[mn].Shape)
		}
	case TypeList:
		next(Step{Kind: StepElement}, s.Member.Shape)
	case TypeMap:
		next(Step{Kind: StepKey}, s.Key.Shape)
		next(Step{Kind: StepValue}, s.Value.Shape)
	}
}
