package main

import (
	"bytes"
	"fmt"
	"go/format"
	"reflect"
	"slices"
	"strconv"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

// The typed walks (walk_gen.go) do what the guard's reflective walk
// (walker.walk) does along an operation's table, reading the SDK's input
// struct by its Go fields: no reflect.Value per member. The generator
// learns the Go field names and types by reflecting on the SDK it is built
// with; each walk carries the signature of the table it was written for,
// and the guard uses it only where the bound table has that very signature
// (so a newer SDK's member, which the walk cannot see, sends the operation
// back to the reflective walk, which refuses it).

const (
	sdkPath   = "github.com/aws/aws-sdk-go-v2/service/personalize"
	typesPath = sdkPath + "/types"
)

// wnode is the generator's copy of a table node, with the Go type of the
// member that holds it.
type wnode struct {
	kind   string // "string", "struct", "slice", "map", "other"
	member string
	rule   string
	goName string       // the Go field, in the parent structure
	t      reflect.Type // the Go type of the member as declared (*string, []types.Tag)
	fields []*wnode
	elem   *wnode
}

// sdkInputs maps each operation of the SDK client to its input struct type.
func sdkInputs() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	ct := reflect.TypeFor[*sdk.Client]()
	for i := range ct.NumMethod() {
		mt := ct.Method(i).Type
		if mt.NumIn() == 4 && mt.In(2).Kind() == reflect.Pointer && strings.HasSuffix(mt.In(2).Elem().Name(), "Input") {
			out[ct.Method(i).Name] = mt.In(2).Elem()
		}
	}
	return out
}

// wtree builds the wnode of shapeName reached by p, as node builds the
// table's literal, bound to the Go type t.
func (g *gen) wtree(p apimodel.Path, shapeName, member string, t reflect.Type) (*wnode, error) {
	s := g.m.Shapes[shapeName]
	n := &wnode{member: member, t: t}
	bt := t
	for bt.Kind() == reflect.Pointer {
		bt = bt.Elem()
	}
	switch s.Type {
	case apimodel.TypeStructure:
		n.kind = "struct"
		if bt.Kind() != reflect.Struct {
			return nil, fmt.Errorf("member %s: the model has a structure, the SDK a %s", member, t)
		}
		for _, mn := range s.MemberNames {
			sf, ok := goFieldOf(bt, mn)
			if !ok {
				return nil, fmt.Errorf("member %s has no field in %s", mn, bt)
			}
			child, err := g.wtree(append(p[:len(p):len(p)], apimodel.Step{Kind: apimodel.StepMember, Name: mn}), s.Members[mn].Shape, mn, sf.Type)
			if err != nil {
				return nil, err
			}
			child.goName = sf.Name
			n.fields = append(n.fields, child)
		}
	case apimodel.TypeList, apimodel.TypeMap:
		n.kind = "slice"
		step, elemShape := apimodel.Step{Kind: apimodel.StepElement}, ""
		if s.Type == apimodel.TypeList {
			elemShape = s.Member.Shape
			if bt.Kind() != reflect.Slice {
				return nil, fmt.Errorf("member %s: the model has a list, the SDK a %s", member, t)
			}
		} else {
			n.kind, step, elemShape = "map", apimodel.Step{Kind: apimodel.StepValue}, s.Value.Shape
			if bt.Kind() != reflect.Map || bt.Key().Kind() != reflect.String {
				return nil, fmt.Errorf("member %s: the model has a map, the SDK a %s", member, t)
			}
		}
		if t.Kind() == reflect.Pointer {
			return nil, fmt.Errorf("member %s: a pointer to a list or map (%s)", member, t)
		}
		elem, err := g.wtree(append(p[:len(p):len(p)], step), elemShape, "", bt.Elem())
		if err != nil {
			return nil, err
		}
		n.elem = elem
	case apimodel.TypeString:
		n.kind, n.rule = "string", g.rule(p, shapeName, lastMember(p), len(p) == 1)
		if bt.Kind() != reflect.String || t.Kind() == reflect.Pointer && t.Elem().Kind() != reflect.String {
			return nil, fmt.Errorf("member %s: the model has a string, the SDK a %s", member, t)
		}
	default:
		n.kind = "other"
	}
	return n, nil
}

// goFieldOf finds the Go field of a model member as the guard's bindNode
// does (goField).
func goFieldOf(t reflect.Type, member string) (reflect.StructField, bool) {
	if member == "" {
		return reflect.StructField{}, false
	}
	if f, ok := t.FieldByName(strings.ToUpper(member[:1]) + member[1:]); ok {
		return f, true
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && strings.EqualFold(f.Name, member) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tagPair, namedValues and paired are the table's tagPair, namedValues and
// pairedValue (personalize/content.go, table.go), on wnodes.
func (n *wnode) tagPair() bool {
	return len(n.fields) == 2 && n.fields[0].rule == "ruleTagKey" && n.fields[1].rule == "ruleTagValue"
}

func (n *wnode) namedValues() (name *wnode, values []*wnode) {
	for _, f := range n.fields {
		if f.kind == "string" && f.rule == "ruleFreeForm" && (f.member == "name" || strings.HasSuffix(f.member, "Name")) {
			name = f
			break
		}
	}
	if name == nil {
		return nil, nil
	}
	for _, f := range n.fields {
		if f == name {
			continue
		}
		e := f
		if e.kind == "slice" && e.elem != nil {
			e = e.elem
		}
		if e.kind == "string" && e.rule == "ruleFreeForm" || f.number() {
			values = append(values, f)
		}
	}
	if len(values) == 0 {
		return nil, nil
	}
	return name, values
}

func (n *wnode) paired() bool { return n.kind == "string" && n.rule == "ruleFreeForm" }

// number reports whether n is a number member (the table's numberKindOf).
func (n *wnode) number() bool {
	if n.kind != "other" || n.t == nil {
		return false
	}
	t := n.t
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// sig is the signature the guard computes of a bound node (walkSig in
// personalize/walktyped.go): what a typed walk assumes of its table.
func (n *wnode) sig() string {
	switch n.kind {
	case "string":
		return "s"
	case "struct":
		var b strings.Builder
		b.WriteByte('{')
		for _, f := range n.fields {
			b.WriteString(f.goName + ":" + f.sig() + ",")
		}
		b.WriteByte('}')
		if n.tagPair() {
			b.WriteByte('t')
		}
		if name, values := n.namedValues(); name != nil {
			b.WriteString("n(" + name.goName)
			for _, v := range values {
				b.WriteString("," + v.goName)
			}
			b.WriteByte(')')
		}
		return b.String()
	case "slice":
		return "[" + n.elem.sig() + "]"
	case "map":
		s := "m[" + n.elem.sig() + "]"
		if n.elem.paired() {
			s += "p"
		}
		return s
	}
	return "o"
}

// typeName is the Go spelling of the struct type t in the generated file.
func typeName(t reflect.Type) string {
	switch t.PkgPath() {
	case sdkPath:
		return "sdk." + t.Name()
	case typesPath:
		return "types." + t.Name()
	}
	panic("guardgen: a type outside the SDK: " + t.String())
}

// wemit writes the walk functions.
type wemit struct {
	funcs   map[string]string // struct type and signature -> function name
	names   map[string]bool
	src     []string
	reflect bool // a map walk names its entries by reflect.Value (mapEntry)
	types   bool
	tmp     int
}

func (e *wemit) v(prefix string) string {
	e.tmp++
	return prefix + strconv.Itoa(e.tmp)
}

// strExpr is the string held by x, of type t (a string or a pointer to
// one), as stringOf reads it.
func strExpr(x string, t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		return "strOf(" + x + ")"
	}
	return "string(" + x + ")"
}

// structFunc returns the function that walks n, of the struct type t,
// writing it first if it is new.
func (e *wemit) structFunc(n *wnode, t reflect.Type) string {
	key := t.String() + " " + n.sig()
	if name, ok := e.funcs[key]; ok {
		return name
	}
	base := "walk" + t.Name()
	name := base
	for i := 2; e.names[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	e.funcs[key], e.names[name] = name, true
	if t.PkgPath() == typesPath {
		e.types = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "func %s(w *walker, n *node, in *%s) error {\n", name, typeName(t))
	for i, f := range n.fields {
		nx := "n.fields[" + strconv.Itoa(i) + "]"
		e.value(&b, f, nx, "in."+f.goName, f.t, "segment{name: %s.name, index: -1}")
	}
	if name, values := n.namedValues(); name != nil {
		fmt.Fprintf(&b, "if name := %s; name != \"\" {\n", strExpr("in."+name.goName, name.t))
		for _, f := range values {
			fmt.Fprintf(&b, "w.push(segment{name: n.fields[%d].name, index: -1})\n", slices.Index(n.fields, f))
			switch {
			case f.number() && f.t.Kind() == reflect.Pointer:
				fmt.Fprintf(&b, "if p := in.%s; p != nil {\nif err := w.scanNumberNamed(name, numberText(*p)); err != nil {\nreturn err\n}\n}\n", f.goName)
			case f.number():
				fmt.Fprintf(&b, "if err := w.scanNumberNamed(name, numberText(in.%s)); err != nil {\nreturn err\n}\n", f.goName)
			case f.kind == "string":
				fmt.Fprintf(&b, "if err := w.scanValueNamed(name, %s); err != nil {\nreturn err\n}\n", strExpr("in."+f.goName, f.t))
			default:
				i, s := e.v("i"), e.v("s")
				fmt.Fprintf(&b, "for %s, %s := range in.%s {\nw.push(segment{index: %s})\n", i, s, f.goName, i)
				fmt.Fprintf(&b, "if err := w.scanValueNamed(name, %s); err != nil {\nreturn err\n}\nw.pop()\n}\n", strExpr(s, f.elem.t))
			}
			b.WriteString("w.pop()\n")
		}
		b.WriteString("}\n")
	}
	if n.tagPair() {
		k, val := n.fields[0], n.fields[1]
		fmt.Fprintf(&b, "if value := %s; w.mayNeedName(value) {\nw.push(segment{name: n.fields[1].name, index: -1})\n", strExpr("in."+val.goName, val.t))
		fmt.Fprintf(&b, "if err := w.scanPair(%s, value); err != nil {\nreturn err\n}\nw.pop()\n}\n", strExpr("in."+k.goName, k.t))
	}
	b.WriteString("return nil\n}\n\n")
	e.src = append(e.src, b.String())
	return name
}

// value writes the walk of the member x, of Go type t, along the node nx
// (an expression); seg, when not empty, is the member's path segment
// (pushed before, popped after; a %s in it is the node). Like walker.walk, it does nothing
// for a nil pointer, and its segment is pushed only when there is something
// to check, which changes no path a failure reports.
func (e *wemit) value(b *strings.Builder, n *wnode, nx, x string, t reflect.Type, seg string) {
	pop := ""
	if seg != "" {
		pop = "w.pop()\n"
	}
	// push is the push of seg with node, the expression of the node.
	push := func(node string) string {
		if seg == "" {
			return ""
		}
		if strings.Contains(seg, "%s") {
			return "w.push(" + fmt.Sprintf(seg, node) + ")\n"
		}
		return "w.push(" + seg + ")\n"
	}
	switch n.kind {
	case "string":
		nv := e.v("f")
		check := "if err := w.check(%[1]s.rule, %[1]s.shape, %[1]s.enum, %[2]s); err != nil {\nreturn err\n}\n"
		if t.Kind() == reflect.Pointer {
			p := e.v("p")
			fmt.Fprintf(b, "if %s := %s; %s != nil {\n%s := %s\n%s", p, x, p, nv, nx, push(nv))
			fmt.Fprintf(b, check, nv, "string(*"+p+")")
		} else {
			// An empty enum passes check at once: the SDK leaves it out
			// of the body. It costs no push, call and pop here.
			sv := e.v("s")
			fmt.Fprintf(b, "if %[1]s, %[2]s := string(%[3]s), %[4]s; %[1]s != \"\" || %[2]s.rule != ruleEnum {\n%[5]s", sv, nv, x, nx, push(nv))
			fmt.Fprintf(b, check, nv, sv)
		}
		b.WriteString(pop + "}\n")
	case "struct":
		st := t
		if st.Kind() == reflect.Pointer {
			st = st.Elem()
		}
		fn := e.structFunc(n, st)
		if t.Kind() == reflect.Pointer {
			p := e.v("p")
			fmt.Fprintf(b, "if %s := %s; %s != nil {\n%sif err := %s(w, %s, %s); err != nil {\nreturn err\n}\n%s}\n", p, x, p, push(nx), fn, nx, p, pop)
		} else {
			fmt.Fprintf(b, "{\n%sif err := %s(w, %s, &%s); err != nil {\nreturn err\n}\n%s}\n", push(nx), fn, nx, x, pop)
		}
	case "slice":
		s, nv, i := e.v("s"), e.v("l"), e.v("i")
		fmt.Fprintf(b, "if %s := %s; len(%s) > 0 {\n%s := %s\n%s", s, x, s, nv, nx, push(nv))
		fmt.Fprintf(b, "if %[1]s.maxLen > 0 && len(%[2]s) > %[1]s.maxLen {\nif err := w.fail(listRule(%[1]s), \"at most \"+strconv.Itoa(%[1]s.maxLen)+\" elements (API model)\"); err != nil {\nreturn err\n}\n}\n", nv, s)
		if n.elem.kind != "other" {
			fmt.Fprintf(b, "for %s := range %s {\n", i, s)
			e.value(b, n.elem, nv+".elem", s+"["+i+"]", t.Elem(), "segment{index: "+i+"}")
			b.WriteString("}\n")
		}
		b.WriteString(pop + "}\n")
	case "map":
		e.reflect = true
		m, nv, k, val, mv, en := e.v("m"), e.v("l"), e.v("k"), e.v("v"), e.v("mv"), e.v("e")
		fmt.Fprintf(b, "if %s := %s; len(%s) > 0 {\n%s := %s\n%s", m, x, m, nv, nx, push(nv))
		fmt.Fprintf(b, "if %[1]s.maxLen > 0 && len(%[2]s) > %[1]s.maxLen {\nif err := w.fail(RuleFieldLength, \"at most \"+strconv.Itoa(%[1]s.maxLen)+\" entries (API model)\"); err != nil {\nreturn err\n}\n}\n", nv, m)
		valName := val
		if n.elem.kind == "other" && !n.elem.paired() {
			valName = "_"
		}
		fmt.Fprintf(b, "%s := reflect.ValueOf(%s)\nfor %s, %s := range %s {\n", mv, m, k, valName, m)
		fmt.Fprintf(b, "%s := mapEntry{mapV: %s, mapK: reflect.ValueOf(%s)}\nw.pushEntry(1, %s)\n", en, mv, k, en)
		fmt.Fprintf(b, "if err := w.check(%[1]s.keyRule, %[1]s.keyShape, %[1]s.keyEnum, string(%[2]s)); err != nil {\nreturn err\n}\nw.pop()\n", nv, k)
		if n.elem.kind != "other" || n.elem.paired() {
			fmt.Fprintf(b, "w.pushEntry(2, %s)\n", en)
			e.value(b, n.elem, nv+".elem", val, t.Elem(), "")
			if n.elem.paired() {
				fmt.Fprintf(b, "if err := w.scanPair(string(%s), %s); err != nil {\nreturn err\n}\n", k, strExpr(val, t.Elem()))
			}
			b.WriteString("w.pop()\n")
		}
		b.WriteString("}\n" + pop + "}\n")
	}
}

// places returns the member paths bindTable resolves for op: its key places
// and their roles, its S3 locations, the member naming its resource, and
// its datasetArn and roleArn.
func (g *gen) places(name string, op *apimodel.Operation) ([][]string, error) {
	in := g.m.Shapes[op.Input]
	var out [][]string
	var bad error
	add := func(p apimodel.Path) {
		ms, ok := memberPath(p)
		if !ok {
			bad = fmt.Errorf("guardgen: %s: a place under a list or map: %s", name, p)
		}
		out = append(out, ms)
	}
	g.m.Walk(op.Input, func(p apimodel.Path, s *apimodel.Shape) bool {
		if len(p) == 0 || p[len(p)-1].Kind != apimodel.StepMember {
			return true
		}
		switch {
		case p[len(p)-1].Name == "kmsKeyArn":
			add(p)
			if r := rolePath(g.m, op.Input, p); r != nil {
				add(r)
			}
		case s.Name == "S3Location":
			add(p)
		}
		return true
	})
	if _, member, ok := resource(name, in); ok {
		out = append(out, []string{member})
	}
	if _, member, ok := updatedResource(name, in); ok {
		out = append(out, []string{member})
	}
	for _, m := range []string{"datasetArn", "roleArn"} {
		if _, has := in.Members[m]; has {
			out = append(out, []string{m})
		}
	}
	return uniquePaths(out), bad
}

// keyPaths returns the member paths injectKeys sets strings at: the key
// places and their roles.
func (g *gen) keyPaths(name string, op *apimodel.Operation) ([][]string, error) {
	var out [][]string
	var bad error
	add := func(p apimodel.Path) {
		ms, ok := memberPath(p)
		if !ok {
			bad = fmt.Errorf("guardgen: %s: a key place under a list or map: %s", name, p)
		}
		out = append(out, ms)
	}
	g.m.Walk(op.Input, func(p apimodel.Path, s *apimodel.Shape) bool {
		if len(p) > 0 && p[len(p)-1].Kind == apimodel.StepMember && p[len(p)-1].Name == "kmsKeyArn" {
			add(p)
			if r := rolePath(g.m, op.Input, p); r != nil {
				add(r)
			}
		}
		return true
	})
	return uniquePaths(out), bad
}

// memberPath returns the member names of p, and whether every step of p
// is a member (a place under a list or map has no one path).
func memberPath(p apimodel.Path) ([]string, bool) {
	ms := make([]string, 0, len(p))
	ok := true
	for _, s := range p {
		if s.Kind != apimodel.StepMember {
			ok = false
		}
		ms = append(ms, s.Name)
	}
	return ms, ok
}

// uniquePaths returns paths without repeats, each kept where it first
// stands; it reuses paths' array.
func uniquePaths(paths [][]string) [][]string {
	seen := map[string]bool{}
	uniq := paths[:0]
	for _, p := range paths {
		if k := strings.Join(p, "."); !seen[k] {
			seen[k] = true
			uniq = append(uniq, p)
		}
	}
	return uniq
}

// accessor writes the function reading the string at path (member names)
// of the input root, with lookup's results, as a typedLookup itself: its
// own type assertion, so that a read is one call, not a call through a
// generic wrapper.
func accessor(root *wnode, rootType reflect.Type, path []string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "typedLookup(func(params any) (string, bool, bool, bool) {\nin, ok := params.(*%s)\nif !ok {\nreturn \"\", false, false, false\n}\nif in == nil {\nreturn \"\", false, false, true\n}\n", typeName(rootType))
	cur, x := root, "in"
	for i, m := range path {
		f := memberOf(cur, m)
		if f == nil {
			return "", fmt.Errorf("no member %s on the path %v", m, path)
		}
		fx := x + "." + f.goName
		if i == len(path)-1 {
			if f.kind != "string" {
				return "", fmt.Errorf("the place %v is not a string", path)
			}
			if f.t.Kind() == reflect.Pointer {
				fmt.Fprintf(&b, "if %s == nil {\nreturn \"\", true, false, true\n}\nreturn string(*%s), true, true, true\n", fx, fx)
			} else {
				fmt.Fprintf(&b, "return string(%s), true, true, true\n", fx)
			}
			break
		}
		if f.kind != "struct" {
			return "", fmt.Errorf("the place %v goes through a %s", path, f.kind)
		}
		a := "a" + strconv.Itoa(i)
		if f.t.Kind() == reflect.Pointer {
			fmt.Fprintf(&b, "%s := %s\nif %s == nil {\nreturn \"\", false, false, true\n}\n", a, fx, a)
		} else {
			fmt.Fprintf(&b, "%s := &%s\n", a, fx)
		}
		cur, x = f, a
	}
	b.WriteString("})")
	return b.String(), nil
}

// memberOf returns the field of n named member, or nil.
func memberOf(n *wnode, member string) *wnode {
	for _, c := range n.fields {
		if c.member == member {
			return c
		}
	}
	return nil
}

// setter writes the function setting the *string member at path (member
// names) of the input root to p, copying each structure on the way, as
// the guard's setIn does.
func setter(root *wnode, rootType reflect.Type, path []string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "setterOf(func(in *%s, p *string) {\n", typeName(rootType))
	cur, x := root, "in"
	for i, m := range path {
		f := memberOf(cur, m)
		if f == nil {
			return "", fmt.Errorf("no member %s on the path %v", m, path)
		}
		if i == len(path)-1 {
			if f.t != reflect.TypeFor[*string]() {
				return "", fmt.Errorf("the key place %v is a %s, not a *string", path, f.t)
			}
			fmt.Fprintf(&b, "%s.%s = p\n", x, f.goName)
			break
		}
		if f.kind != "struct" || f.t.Kind() != reflect.Pointer {
			return "", fmt.Errorf("the key place %v goes through a %s", path, f.t)
		}
		a := "c" + strconv.Itoa(i)
		fmt.Fprintf(&b, "%s := *%s.%s\n%s.%s = &%s\n", a, x, f.goName, x, f.goName, a)
		cur, x = f, a
	}
	b.WriteString("})")
	return b.String(), nil
}

// GenerateWalks returns the formatted source of the typed walks and
// accessors of every operation the model and the SDK both have.
func GenerateWalks(m *apimodel.Model, modelName, pkg string) ([]byte, error) {
	g := &gen{m: m, shapes: map[string]bool{}}
	inputs := sdkInputs()
	e := &wemit{funcs: map[string]string{}, names: map[string]bool{}}
	var table, lookups, setters strings.Builder
	for _, name := range m.OperationNames() {
		op := m.Operations[name]
		t, ok := inputs[name]
		if !ok {
			continue // the model has it, this SDK does not: bindTable leaves it out
		}
		root, err := g.wtree(nil, op.Input, "", t)
		if err != nil {
			return nil, fmt.Errorf("guardgen: %s: %w", name, err)
		}
		fn := e.structFunc(root, t)
		fmt.Fprintf(&table, "%q: {sig: %q, walk: walkOf(%s)},\n", name, root.sig(), fn)
		places, err := g.places(name, op)
		if err != nil {
			return nil, err
		}
		keys, err := g.keyPaths(name, op)
		if err != nil {
			return nil, err
		}
		if len(keys) > 0 {
			fmt.Fprintf(&setters, "%q: {\n", name)
			for _, p := range keys {
				src, err := setter(root, t, p)
				if err != nil {
					return nil, fmt.Errorf("guardgen: %s: %w", name, err)
				}
				fmt.Fprintf(&setters, "%q: %s,\n", strings.Join(p, "."), src)
			}
			setters.WriteString("},\n")
		}
		if len(places) == 0 {
			continue
		}
		fmt.Fprintf(&lookups, "%q: {\n", name)
		for _, p := range places {
			src, err := accessor(root, t, p)
			if err != nil {
				return nil, fmt.Errorf("guardgen: %s: %w", name, err)
			}
			fmt.Fprintf(&lookups, "%q: %s,\n", strings.Join(p, "."), src)
		}
		lookups.WriteString("},\n")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by \"go run ../internal/guardgen -walks\" from internal/apimodel/models/%s and the SDK's input types; DO NOT EDIT.\n\n", modelName)
	fmt.Fprintf(&b, "package %s\n\nimport (\n", pkg)
	if e.reflect {
		b.WriteString("\"reflect\"\n")
	}
	b.WriteString("\"strconv\"\n\n")
	fmt.Fprintf(&b, "sdk %q\n", sdkPath)
	if e.types {
		fmt.Fprintf(&b, "%q\n", typesPath)
	}
	b.WriteString(")\n\n")
	b.WriteString("// typedWalks holds, per operation, the walk of its input and the signature\n// of the table it was generated for (see walkSig).\n")
	b.WriteString("var typedWalks = map[string]typedWalk{\n" + table.String() + "}\n\n")
	b.WriteString("// typedLookups holds, per operation, the accessors of the places its steps\n// read (see lookup), by member path.\n")
	b.WriteString("var typedLookups = map[string]map[string]typedLookup{\n" + lookups.String() + "}\n\n")
	b.WriteString("// typedSetters holds, per operation, the setters of its key places and\n// their roles (see setIn), by member path.\n")
	b.WriteString("var typedSetters = map[string]map[string]typedSetter{\n" + setters.String() + "}\n\n")
	for _, s := range e.src {
		b.WriteString(s)
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("guardgen: format walks: %w\n%s", err, b.Bytes())
	}
	return src, nil
}
