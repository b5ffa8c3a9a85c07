package personalize

import (
	"reflect"
	"strings"
)

// typedWalk is a generated walk of one operation's input (walk_gen.go):
// walker.walk's checks, in its order and with its paths, reading the SDK's
// struct by its Go fields instead of by reflect.Value. sig is the signature
// (walkSig) of the table it was written for: bindTable gives it to the
// operation only when the bound table has that very signature, so a table
// or SDK it does not describe, a newer SDK's member among them, leaves the
// operation to the reflective walk, which refuses that member.
type typedWalk struct {
	sig  string
	walk func(w *walker, n *node, params any) (bool, error)
}

// walkOf makes a typed walk of f, which walks a *T; it reports false, having
// done nothing, for params of another type.
func walkOf[T any](f func(w *walker, n *node, in *T) error) func(*walker, *node, any) (bool, error) {
	return func(w *walker, n *node, params any) (bool, error) {
		in, ok := params.(*T)
		if !ok {
			return false, nil
		}
		if in == nil {
			return true, nil
		}
		return true, f(w, n, in)
	}
}

// walkInput checks params along op's input plan: by the operation's typed
// walk when it has one, else by reflection.
func (w *walker) walkInput(op *boundOp, params any) error {
	if op.walkTyped != nil && op.typedInput == op.input {
		if done, err := op.walkTyped(w, op.input, params); done {
			return err
		}
	}
	return w.walk(op.input, reflect.ValueOf(params))
}

// strOf is the string p points to, "" for nil, as stringOf reads a
// pointer member.
func strOf[S ~string](p *S) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// walkSig is the signature of a bound node: the Go field names and kinds of
// its members, and the pairs walker.walk reads (tag pairs, named values,
// paired map values). A structure with a member the table does not know
// has a signature no typed walk has.
func walkSig(n *node) string {
	var b strings.Builder
	writeSig(&b, n)
	return b.String()
}

func writeSig(b *strings.Builder, n *node) {
	switch n.kind {
	case kindString:
		b.WriteByte('s')
	case kindStruct:
		b.WriteByte('{')
		for _, f := range n.fields {
			b.WriteString(f.name)
			b.WriteByte(':')
			writeSig(b, f)
			b.WriteByte(',')
		}
		b.WriteByte('}')
		if len(n.unknown) > 0 {
			b.WriteByte('?')
		}
		if k, _ := tagPair(n); k != nil {
			b.WriteByte('t')
		}
		if n.valueName != nil {
			b.WriteString("n(" + n.valueName.name)
			for _, v := range n.namedValues {
				b.WriteString("," + v.name)
			}
			b.WriteByte(')')
		}
	case kindSlice:
		b.WriteByte('[')
		writeElemSig(b, n.elem)
		b.WriteByte(']')
	case kindMap:
		b.WriteString("m[")
		writeElemSig(b, n.elem)
		b.WriteByte(']')
		if n.elem != nil && pairedValue(n.elem) {
			b.WriteByte('p')
		}
	default:
		b.WriteByte('o')
	}
}

func writeElemSig(b *strings.Builder, n *node) {
	if n == nil {
		b.WriteByte('-')
		return
	}
	writeSig(b, n)
}

// typedLookup is a generated accessor of one place of an operation's input
// (walk_gen.go): lookup's results without reflection. ok is false, and
// nothing read, for params of another type.
type typedLookup func(params any) (s string, parent, set, ok bool)

// read is lookup(params, at), by f when it has one for params.
func (f typedLookup) read(params any, at []int) (s string, parent, set bool) {
	if f != nil {
		if s, parent, set, ok := f(params); ok {
			return s, parent, set
		}
	}
	return lookup(params, at)
}

// typedSetter is a generated setter of one key place (or its role) of an
// operation's input (walk_gen.go): setIn without reflection, on the input
// itself. It reports false, having set nothing, for params of another type.
type typedSetter func(params any, p *string) bool

// setterOf makes a typedSetter of f, which sets a member of a *T.
func setterOf[T any](f func(in *T, p *string)) typedSetter {
	return func(params any, p *string) bool {
		in, ok := params.(*T)
		if !ok || in == nil {
			return false
		}
		f(in, p)
		return true
	}
}

// typedSetterFor returns the generated setter of the member path of op,
// nil for none.
func typedSetterFor(op string, path []string) typedSetter {
	return typedSetters[op][strings.Join(path, ".")]
}

// typedLookupFor returns the generated accessor of the member path of op,
// nil for none.
func typedLookupFor(op string, path []string) typedLookup {
	return typedLookups[op][strings.Join(path, ".")]
}
