package personalize

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

//go:generate go run ../internal/guardgen -o table_gen.go
//go:generate go run ../internal/guardgen -walks -o walk_gen.go

// operation is the table's description of one API operation, generated from
// the official model (table_gen.go): its members and their rules, where it
// takes KMS keys and S3 locations, the resource it names and the posture
// checks it needs. The middleware reads only this.
type operation struct {
	input     *node
	keys      []keyPlace
	locations []locationPlace
	// resource is the ARN resource type the operation creates or updates
	// ("dataset-group"); its name is in member resourceName (Create*) or
	// its ARN in member resourceARN (Update*).
	resource, resourceName, resourceARN string
	groupKey                            groupKeyKind
}

// groupKeyKind says how an operation uses a dataset group's key without
// naming it.
type groupKeyKind uint8

const (
	groupKeyNone   groupKeyKind = iota
	groupKeyImport              // writes into the group: its key must be the configured one, when one is set
	groupKeyExport              // reads the group: its key must also allow kms:GenerateDataKeyWithoutPlaintext
)

// keyPlace is where an operation takes a KMS key, and the role Personalize
// uses it through.
type keyPlace struct {
	path, role       []string    // member names from the input
	at, roleAt       []int       // Go field indices, once bound
	field, roleField string      // "JobInput.S3DataSource.KmsKeyArn", "RoleArn"
	node             *node       // the key's member, once bound
	roleNode         *node       // the role's member, once bound
	get, roleGet     typedLookup // the generated accessors of at and roleAt (nil: none)
	set, roleSet     typedSetter // the generated setters of at and roleAt (nil: none)
	// rolePassed, set by the guard once bound (see Guard.precheckRoles),
	// is the configured role under the rule and shape of the role's
	// member, when the role passes them: injectKeys records it as passed,
	// so the wire gate does not check the role it put in again.
	rolePassed *passedCheck
}

// locationPlace is where an operation takes an S3 location.
type locationPlace struct {
	path    []string
	dir     s3guard.Direction
	objects bool // an input whose objects' encryption the guard samples
	at      []int
	field   string
	node    *node       // the member, once bound: the wire gate holds a location to it
	get     typedLookup // the generated accessor of at (nil: none)
}

// boundOp is an operation bound to the SDK's Go input type: the table's
// nodes with the Go field of each member, the places with their field
// indices.
type boundOp struct {
	name string
	operation
	resourceNameAt, resourceARNAt, datasetAt, roleAt []int
	// The generated accessors of those four (nil: none, or no such member).
	resourceNameGet, resourceARNGet, datasetGet, roleGet typedLookup
	// walkTyped is the operation's generated walk of its input (see
	// typedWalk), nil where the bound table is not the one it was written
	// for: walker.walk does the check then.
	walkTyped func(w *walker, n *node, params any) (bool, error)
	// typedInput is the input plan walkTyped was matched to: a plan put
	// in its place afterwards is walked by reflection.
	typedInput *node
	// audit is the audit step bound to the operation, which addMiddleware
	// puts first on a stack of it (see Guard.auditCall); set by newGuard,
	// whose table this is.
	audit *step
	// stages is the set of the guard's steps a call of the operation
	// passes (see steps); set by newGuard.
	stages stage
	// front is the operation's steps before the SDK's validation: its
	// audit step, then those of the guard's front steps in stages; set by
	// newGuard, so that registering them on each call's stack picks none.
	front []*step
	// params is the type of the input the SDK passes (a pointer to the
	// operation's input struct): the steps read it by field index.
	params reflect.Type
	// copyInput, for an operation with key places, copies the input
	// without reflect.New, with room for the strings withStrings sets (see
	// inputCopiers); nil for the others.
	copyInput func(params any) (cp any, in reflect.Value, strs []string, ok bool)
}

// bindTable binds every operation of the table to its input type in
// inputs. An operation the table does not describe is absent from the
// result, and refused at run time.
func bindTable(inputs map[string]reflect.Type) (map[string]*boundOp, error) {
	out := make(map[string]*boundOp, len(operationTable))
	for name, op := range operationTable {
		t, ok := inputs[name]
		if !ok {
			continue // the model has it, this SDK version does not
		}
		b := &boundOp{name: name, operation: *op, params: t}
		var err error
		if b.input, err = bindNode(op.input, t); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if tw, ok := typedWalks[name]; ok && tw.sig == walkSig(b.input) {
			b.walkTyped, b.typedInput = tw.walk, b.input
		}
		b.keys = make([]keyPlace, len(op.keys))
		for i, k := range op.keys {
			k.at, k.field, k.node, err = resolve(b.input, k.path)
			k.get, k.set = typedLookupFor(name, k.path), typedSetterFor(name, k.path)
			if err == nil && k.role != nil {
				k.roleAt, k.roleField, k.roleNode, err = resolve(b.input, k.role)
				k.roleGet, k.roleSet = typedLookupFor(name, k.role), typedSetterFor(name, k.role)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			b.keys[i] = k
		}
		if len(b.keys) > 0 {
			b.copyInput = inputCopiers[name]
		}
		b.locations = make([]locationPlace, len(op.locations))
		for i, l := range op.locations {
			if l.at, l.field, l.node, err = resolve(b.input, l.path); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			l.get = typedLookupFor(name, l.path)
			b.locations[i] = l
		}
		for _, f := range []struct {
			member string
			at     *[]int
			get    *typedLookup
		}{{op.resourceName, &b.resourceNameAt, &b.resourceNameGet}, {op.resourceARN, &b.resourceARNAt, &b.resourceARNGet}, {"datasetArn", &b.datasetAt, &b.datasetGet}, {"roleArn", &b.roleAt, &b.roleGet}} {
			if f.member != "" && b.input.byMember[f.member] != nil {
				*f.at, _, _, _ = resolve(b.input, []string{f.member})
				*f.get = typedLookupFor(name, []string{f.member})
			}
		}
		out[name] = b
	}
	return out, nil
}

// namedValues returns, for a structure that gives a value a name in one
// member and holds the value in others, the naming member and the named
// ones: a categorical hyperparameter range's name and values, a metric's
// metricName and expression. The walks read each named value after its
// name, as a tag's value after its key (see walker.scanPair): a range
// named account_number with the value 912803456 is an account number
// that neither string shows alone, and so is an integer or continuous
// range of that name with that bound. The naming member is a free-form
// string member called name or ending in Name; the named are the
// structure's other free-form strings, lists of them and numbers. Read
// from the table, so a newer model's structures of that form are found
// too; nil for any other structure (a tag's pair is tagPair's).
func namedValues(fields []*node) (name *node, values []*node) {
	for _, f := range fields {
		if f.kind == kindString && f.rule == ruleFreeForm && (f.member == "name" || strings.HasSuffix(f.member, "Name")) {
			name = f
			break
		}
	}
	if name == nil {
		return nil, nil
	}
	for _, f := range fields {
		if f != name && (freeFormText(f) || f.number != numberNone) {
			values = append(values, f)
		}
	}
	if len(values) == 0 {
		return nil, nil
	}
	return name, values
}

// freeFormText reports whether n holds free-form text: a string, or a list
// of strings.
func freeFormText(n *node) bool {
	if n.kind == kindSlice && n.elem != nil {
		n = n.elem
	}
	return n.kind == kindString && n.rule == ruleFreeForm
}

// bindNode copies n with the Go fields of type t filled in.
func bindNode(n *node, t reflect.Type) (*node, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	cp := *n
	switch n.kind {
	case kindStruct:
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("member %s: the table has a structure, the SDK a %s", n.member, t)
		}
		cp.fields = make([]*node, len(n.fields))
		cp.byMember = make(map[string]*node, len(n.fields))
		matched := map[int]bool{}
		for i, f := range n.fields {
			sf, ok := goField(t, f.member)
			if !ok {
				return nil, fmt.Errorf("member %s has no field in %s", f.member, t)
			}
			child, err := bindNode(f, sf.Type)
			if err != nil {
				return nil, err
			}
			child.name, child.index, child.pos = sf.Name, sf.Index[0], i
			if child.kind == kindOther {
				child.number = numberKindOf(sf.Type)
			}
			switch f.member {
			case "roleArn":
				child.bound = boundRole
			case "datasetArn":
				child.bound = boundDataset
			}
			cp.fields[i] = child
			if cp.byMember[f.member] != nil {
				// memberAt finds a member by scanning fields first: it must
				// name one field only.
				return nil, fmt.Errorf("member %s twice in one structure", f.member)
			}
			cp.byMember[f.member] = child
			matched[sf.Index[0]] = true
			cp.keyHolder = cp.keyHolder || f.member == "kmsKeyArn"
			cp.roleHolder = cp.roleHolder || f.member == "roleArn"
		}
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !matched[i] {
				cp.unknown = append(cp.unknown, i)
			}
		}
		cp.valueName, cp.namedValues = namedValues(cp.fields)
		cp.keyFields = wireOrder(cp.fields)
		for i, f := range cp.keyFields {
			f.pos = i
		}
		cp.keys = plainKeys(cp.keyFields)
	case kindSlice, kindMap:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Map {
			return nil, fmt.Errorf("member %s: the table has a list or map, the SDK a %s", n.member, t)
		}
		if n.elem != nil {
			elem, err := bindNode(n.elem, t.Elem())
			if err != nil {
				return nil, err
			}
			cp.elem = elem
		}
	case kindString:
		if t.Kind() != reflect.String {
			return nil, fmt.Errorf("member %s: the table has a string, the SDK a %s", n.member, t)
		}
	}
	return &cp, nil
}

// wireOrder returns fields in the order the SDK's serializers write them:
// sorted by member name ignoring case (datasetArn before dataSource), where
// the table sorts them by their bytes. The wire walk looks for each name
// among the members after the last one found first: in the SDK's order,
// that is the next one. (Any other order is read all the same, only
// slower; TestWireOrderIsTheSDKsSerializer holds it to the SDK's
// serializers.)
func wireOrder(fields []*node) []*node {
	out := slices.Clone(fields)
	slices.SortStableFunc(out, func(a, b *node) int {
		return strings.Compare(strings.ToLower(a.member), strings.ToLower(b.member))
	})
	return out
}

// plainKeys returns the member names of fields for jsonscan.NextKeyIn, in
// their order, or nil when one needs an escape in JSON.
func plainKeys(fields []*node) []jsonscan.PlainKey {
	keys := make([]jsonscan.PlainKey, len(fields))
	for i, f := range fields {
		k, ok := jsonscan.NewPlainKey(f.member)
		if !ok {
			return nil
		}
		keys[i] = k
	}
	return keys
}

// goField finds the Go field of a model member: the SDK's generator
// capitalises member names.
func goField(t reflect.Type, member string) (reflect.StructField, bool) {
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

// resolve turns a member path into Go field indices and a field path.
func resolve(root *node, path []string) ([]int, string, *node, error) {
	n := root
	at := make([]int, 0, len(path))
	names := make([]string, 0, len(path))
	for _, m := range path {
		child := n.byMember[m]
		if child == nil {
			return nil, "", nil, fmt.Errorf("no member %s on the path %v", m, path)
		}
		at = append(at, child.index)
		names = append(names, child.name)
		n = child
	}
	return at, strings.Join(names, "."), n, nil
}

// lookup reads the string field at the path at of params (a pointer to an
// input struct): parent is false when a structure on the way is absent, set
// is false when the field itself is nil.
func lookup(params any, at []int) (s string, parent, set bool) {
	v := reflect.ValueOf(params)
	for _, i := range at {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return "", false, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", true, false
		}
		v = v.Elem()
	}
	return v.String(), true, true
}

// fieldSet is a string to put at a field path.
type fieldSet struct {
	at    []int
	value string
	set   typedSetter // the generated setter of at, for a copy (nil: setIn)
}

// inputCopiers copy the input of each operation with key places, the ones
// injectKeys sets strings in, with the strings set in the same allocation
// and without reflect.New. An operation missing here takes withStrings'
// reflective path, which does the same (TestInputCopiers holds the two to
// each other and finds an operation missing).
var inputCopiers = map[string]func(any) (any, reflect.Value, []string, bool){
	"CreateBatchInferenceJob": copyInput[sdk.CreateBatchInferenceJobInput],
	"CreateBatchSegmentJob":   copyInput[sdk.CreateBatchSegmentJobInput],
	"CreateDatasetExportJob":  copyInput[sdk.CreateDatasetExportJobInput],
	"CreateDatasetGroup":      copyInput[sdk.CreateDatasetGroupInput],
	"CreateMetricAttribution": copyInput[sdk.CreateMetricAttributionInput],
	"UpdateMetricAttribution": copyInput[sdk.UpdateMetricAttributionInput],
}

// inputCopy is an input and the strings set in it, allocated together.
type inputCopy[T any] struct {
	in   T
	strs [maxSets]string
}

// maxSets is the most strings injectKeys sets in one input: a key and a
// role at each of two key places.
const maxSets = 4

// copyInput copies params, an input of type *T, into a new inputCopy: it
// returns the copy, as a pointer and as the struct's reflect.Value, and the
// room for strings. ok is false for params of another type or a nil one.
func copyInput[T any](params any) (_ any, _ reflect.Value, _ []string, ok bool) {
	p, ok := params.(*T)
	if !ok || p == nil {
		return nil, reflect.Value{}, nil, false
	}
	c := &inputCopy[T]{in: *p}
	return &c.in, reflect.ValueOf(&c.in).Elem(), c.strs[:], true
}

// withStrings returns a copy of params (a pointer to an input struct) with
// each set applied, copying every struct on the way so that the caller's
// are never changed. The copy is op's copyInput's where it has one.
func withStrings(params any, sets []fieldSet, op *boundOp) any {
	// The strings set are the copy's own: a pointer to the guard's settings
	// would let a hook that writes through it change the key of later
	// calls.
	if op.copyInput != nil && len(sets) <= maxSets {
		if cp, v, strs, ok := op.copyInput(params); ok {
			for i, s := range sets {
				strs[i] = s.value
				if s.set == nil || !s.set(cp, &strs[i]) {
					setIn(v, s.at, &strs[i])
				}
			}
			return cp
		}
	}
	root := reflect.ValueOf(params)
	cp := reflect.New(root.Type().Elem())
	cp.Elem().Set(root.Elem())
	strs := make([]string, len(sets))
	for i, s := range sets {
		strs[i] = s.value
		setIn(cp.Elem(), s.at, &strs[i])
	}
	return cp.Interface()
}

// setIn sets the *string field at in the struct v to p, replacing each
// struct pointer on the way by a pointer to a copy.
func setIn(v reflect.Value, at []int, p *string) {
	f := v.Field(at[0])
	if len(at) == 1 {
		f.Set(reflect.ValueOf(p))
		return
	}
	cp := reflect.New(f.Type().Elem())
	cp.Elem().Set(f.Elem())
	f.Set(cp)
	setIn(cp.Elem(), at[1:], p)
}

// inputTypes maps each operation of the SDK client to its input type.
func inputTypes() map[string]reflect.Type {
	ctxType := reflect.TypeFor[context.Context]()
	out := map[string]reflect.Type{}
	ct := reflect.TypeFor[*sdk.Client]()
	for i := range ct.NumMethod() {
		mt := ct.Method(i).Type
		if mt.NumIn() == 4 && mt.In(1) == ctxType && mt.In(2).Kind() == reflect.Pointer && strings.HasSuffix(mt.In(2).Elem().Name(), "Input") {
			out[ct.Method(i).Name] = mt.In(2)
		}
	}
	return out
}

// steps returns the steps of all (the guard's) that act on a call of op:
// the key steps where the operation has a key place, the S3 steps where it
// has a location, the dataset group key step on an import or export, and
// the others on every call. A step a call does not get would pass it
// untouched: its handler looks at those places alone
// (TestOmittedStepsWouldPass).
func (op *boundOp) steps(all stage) stage {
	out := all
	if len(op.keys) == 0 {
		out &^= stageKMSKey | stageKeyReadiness
	}
	if len(op.locations) == 0 {
		out &^= stageS3Location | stageBucketPosture
	}
	if op.groupKey == groupKeyNone {
		out &^= stageDatasetGroupKey
	}
	return out
}
