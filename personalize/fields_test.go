package personalize

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// sdkOperation is one method of the SDK client and its input type.
type sdkOperation struct {
	name string
	in   reflect.Type // *XxxInput
}

// operations lists every sdkOperation of the pinned SDK client by reflection, so
// the tests cover operations nobody remembered to list.
func operations(t testing.TB) []sdkOperation {
	t.Helper()
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	var ops []sdkOperation
	ct := reflect.TypeOf(&sdk.Client{})
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		mt := m.Type
		if mt.NumIn() != 4 || mt.In(1) != ctxType || mt.In(2).Kind() != reflect.Pointer || !strings.HasSuffix(mt.In(2).Elem().Name(), "Input") {
			continue
		}
		ops = append(ops, sdkOperation{name: m.Name, in: mt.In(2)})
	}
	if len(ops) != 71 {
		t.Fatalf("found %d operations on *personalize.Client, want the 71 of v1.50.5", len(ops))
	}
	return ops
}

// walkStep is one move from a type to the next on the way to a string leaf.
type walkStep struct {
	kind  nodeKind
	index int  // struct field
	key   bool // map: the key rather than the value
}

type leaf struct {
	path  string
	rule  fieldRule
	shape *shape
	steps []walkStep
}

func leaves(n *node, path string, steps []walkStep, out *[]leaf) {
	with := func(s walkStep) []walkStep { return append(steps[:len(steps):len(steps)], s) }
	switch n.kind {
	case kindString:
		*out = append(*out, leaf{path: path, rule: n.rule, shape: n.shape, steps: steps})
	case kindStruct:
		for _, f := range n.fields {
			p := f.name
			if path != "" {
				p = path + "." + f.name
			}
			leaves(f, p, with(walkStep{kind: kindStruct, index: f.index}), out)
		}
	case kindSlice:
		leaves(n.elem, path+"[0]", with(walkStep{kind: kindSlice}), out)
	case kindMap:
		*out = append(*out, leaf{path: path + "[#0].Key", rule: n.keyRule, shape: n.keyShape, steps: with(walkStep{kind: kindMap, key: true})})
		if n.elem != nil {
			leaves(n.elem, path+"[#0].Value", with(walkStep{kind: kindMap}), out)
		}
	}
}

// build makes a value of type t holding s at the end of steps, allocating
// the pointers on the way.
func build(t reflect.Type, steps []walkStep, s string) reflect.Value {
	if t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		p.Elem().Set(build(t.Elem(), steps, s))
		return p
	}
	if len(steps) == 0 {
		return reflect.ValueOf(s).Convert(t)
	}
	st, rest := steps[0], steps[1:]
	switch st.kind {
	case kindStruct:
		v := reflect.New(t).Elem()
		v.Field(st.index).Set(build(t.Field(st.index).Type, rest, s))
		return v
	case kindSlice:
		v := reflect.MakeSlice(t, 1, 1)
		v.Index(0).Set(build(t.Elem(), rest, s))
		return v
	case kindMap:
		m := reflect.MakeMap(t)
		if st.key {
			m.SetMapIndex(build(t.Key(), rest, s), reflect.Zero(t.Elem()))
		} else {
			m.SetMapIndex(reflect.ValueOf("k").Convert(t.Key()), build(t.Elem(), rest, s))
		}
		return m
	}
	panic("unreachable")
}

// TestFieldRulesGolden pins how the guard treats every string field of every
// sdkOperation. A security reviewer reads testdata/fieldrules.golden to see what
// is checked; an SDK upgrade that adds a field shows up as a diff here.
func TestFieldRulesGolden(t *testing.T) {
	var b strings.Builder
	table := boundTable(t)
	for _, op := range operations(t) {
		var ls []leaf
		leaves(table[op.name].input, "", nil, &ls)
		for _, l := range ls {
			sh := "-"
			if l.shape != nil {
				sh = l.shape.name
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", op.name, l.path, l.rule, sh)
		}
	}
	got := b.String()
	const golden = "testdata/fieldrules.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestFieldRulesGolden -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("field rules mismatch (-want +got); if the change is intended, rerun with -update:\n%s", diff)
	}
}

// boundTable is the generated table bound to the pinned SDK's types.
func boundTable(t testing.TB) map[string]*boundOp {
	t.Helper()
	ops, err := bindTable(inputTypes())
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// TestKeyAndLocationPlaces checks the table's key and location places
// against its member rules: every member ruled a KMS key or an S3 location
// is found by keysInUse or locationsOf, under the same path, and the counts
// are the API's.
func TestKeyAndLocationPlaces(t *testing.T) {
	table := boundTable(t)
	var keys, locs int
	for _, op := range operations(t) {
		bop := table[op.name]
		var ls []leaf
		leaves(bop.input, "", nil, &ls)
		for _, l := range ls {
			const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
			switch l.rule {
			case ruleKMSKey:
				keys++
				var found bool
				var buf [2]keyUse
				for _, u := range keysInUse(build(op.in, l.steps, key).Interface(), bop, &buf) {
					found = found || u.field == l.path && u.key == key
				}
				if !found {
					t.Errorf("%s.%s is a key field, but keysInUse does not return it", op.name, l.path)
				}
			case ruleS3Location:
				locs++
				var found bool
				for _, loc := range locationsOf(build(op.in, l.steps, "s3://b/k").Interface(), bop, new([maxLocations]location)) {
					found = found || loc.field == l.path && loc.value == "s3://b/k"
				}
				if !found {
					t.Errorf("%s.%s is an S3 location, but locationsOf does not return it", op.name, l.path)
				}
			}
		}
	}
	// DESIGN.md: KmsKeyArn at CreateDatasetGroup and 7 S3DataConfig places;
	// 9 locations (7 S3DataConfig paths and 2 DataSource locations).
	if keys != 8 || locs != 9 {
		t.Errorf("found %d key places and %d location places, want 8 and 9", keys, locs)
	}
}

// TestNoUncheckableShapes fails when an SDK upgrade brings an input shape
// the plan compiler cannot walk (document interfaces, recursive types):
// the guard would otherwise skip it without saying so.
func TestNoUncheckableShapes(t *testing.T) {
	var visit func(reflect.Type, string, map[reflect.Type]bool)
	visit = func(ty reflect.Type, path string, onPath map[reflect.Type]bool) {
		switch ty.Kind() {
		case reflect.Interface:
			t.Errorf("%s is an interface (%s): the content check cannot see inside it", path, ty)
		case reflect.Pointer, reflect.Slice:
			visit(ty.Elem(), path, onPath)
		case reflect.Map:
			visit(ty.Key(), path+"{key}", onPath)
			visit(ty.Elem(), path+"{value}", onPath)
		case reflect.Struct:
			if onPath[ty] {
				t.Errorf("%s is recursive (%s): the content check stops there", path, ty)
				return
			}
			onPath[ty] = true
			defer delete(onPath, ty)
			for i := range ty.NumField() {
				if f := ty.Field(i); f.IsExported() {
					visit(f.Type, path+"."+f.Name, onPath)
				}
			}
		}
	}
	for _, op := range operations(t) {
		visit(op.in, op.name, map[reflect.Type]bool{})
	}
}

// TestEveryFreeFormFieldRejectsCanary plants an account number in every
// checked string field of every sdkOperation, one at a time, and expects the
// content safeguard to refuse it, naming that exact field and never the value.
func TestEveryFreeFormFieldRejectsCanary(t *testing.T) {
	const canary = "acct-12345678"
	g := testGuard(t, Policy{})
	var checked int
	for _, op := range operations(t) {
		var ls []leaf
		leaves(g.ops[op.name].input, "", nil, &ls)
		for _, l := range ls {
			value, wantField := canary, l.path
			switch l.rule {
			case ruleEnum, ruleToken, ruleS3Location, ruleKMSKey:
				continue // pattern-checked (below) or owned by their safeguards
			case ruleARN:
				value = "arn:aws:personalize:us-east-1:111122223333:dataset-group/" + canary
				if l.shape == shapeRoleArn {
					value = "arn:aws:iam::111122223333:role/" + canary
				}
			case ruleSchema:
				value = `{"type":"record","name":"Interactions","fields":[{"name":"USER_ID","type":"string","doc":"` + canary + `"}]}`
				wantField = l.path + ".fields[0].doc"
			}
			checked++
			t.Run(op.name+"/"+l.path, func(t *testing.T) {
				in := build(op.in, l.steps, value).Interface()
				err := runInitialize(t, g.stepByID(IDFieldContent), op.name, in)
				var sg *SafeguardError
				if !errors.As(err, &sg) {
					t.Fatalf("content check = %v, want *SafeguardError", err)
				}
				want := SafeguardError{Operation: op.name, Field: wantField, Rule: "sensitive.account-number", Reason: sensitiveReason}
				if diff := cmp.Diff(want, *sg); diff != "" {
					t.Errorf("SafeguardError mismatch (-want +got):\n%s", diff)
				}
				if strings.Contains(err.Error(), "12345678") {
					t.Errorf("error %q echoes the value", err)
				}
			})
		}
	}
	if checked < 100 {
		t.Errorf("checked %d free-form fields, want at least 100 across the API", checked)
	}
}

// TestZeroInputsPass makes sure no sdkOperation's empty input trips a rule: the
// SDK's validator, not the guard, reports missing required fields.
func TestZeroInputsPass(t *testing.T) {
	g := testGuard(t, Policy{})
	for _, op := range operations(t) {
		in := reflect.New(op.in.Elem()).Interface()
		if err := runInitialize(t, g.stepByID(IDFieldContent), op.name, in); err != nil {
			t.Errorf("%s with an empty input: %v", op.name, err)
		}
	}
}

// runInitialize runs one Initialize middleware with a terminal handler and
// returns its error.
func runInitialize(t testing.TB, m middleware.InitializeMiddleware, op string, params any) error {
	t.Helper()
	_, err := runInitializeNext(m, op, params)
	return err
}

// runInitializeNext returns the parameters next saw (nil when next did not
// run) and the error; a middleware that errs and still calls next is a bug.
func runInitializeNext(m middleware.InitializeMiddleware, op string, params any) (any, error) {
	return runInitializeNextCtx(context.Background(), m, op, params)
}

func runInitializeNextCtx(ctx context.Context, m middleware.InitializeMiddleware, op string, params any) (any, error) {
	ctx = middleware.WithOperationName(ctx, op)
	var seen any
	next := middleware.InitializeHandlerFunc(func(ctx context.Context, in middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
		seen = in.Parameters
		return middleware.InitializeOutput{}, middleware.Metadata{}, nil
	})
	_, _, err := m.HandleInitialize(ctx, middleware.InitializeInput{Parameters: params}, next)
	if err != nil && seen != nil {
		return seen, fmt.Errorf("middleware returned %v but also called next", err)
	}
	return seen, err
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"movies", true},
		{"movies-2024_11", true},
		{"0movies", true},
		{"", false},
		{"-movies", false},
		{"_movies", false},
		{"movies.v1", false},
		{"movies v1", false},
		{"movies\n", false},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a", 64), false},
		{"mövies", false},
	}
	for _, tt := range tests {
		if got := validName(tt.name); got != tt.want {
			t.Errorf("validName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidTagText(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"team", true},
		{"cost-center:retail/eu=1+2@x_y.z", true},
		{"Équipe 42", true},
		{"", true},
		{"a\tb", false},
		{"a;b", false},
		{"a\xffb", false},
		{"<script>", false},
	}
	for _, tt := range tests {
		if got := validTagText(tt.s); got != tt.want {
			t.Errorf("validTagText(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestStructsFitTheMemberSet: the wire gate tracks the members of one
// object in a 64-bit set, to refuse a member sent twice.
func TestStructsFitTheMemberSet(t *testing.T) {
	var visit func(n *node, path string)
	visit = func(n *node, path string) {
		if n == nil {
			return
		}
		if n.kind == kindStruct && len(n.fields) > 64 {
			t.Errorf("%s has %d string-holding members; the wire gate's member set holds 64", path, len(n.fields))
		}
		visit(n.elem, path)
		for _, f := range n.fields {
			visit(f, path+"."+f.name)
		}
	}
	for name, op := range boundTable(t) {
		visit(op.input, name)
	}
}

// TestWirePassedMemo: the wire gate takes a string as passed only when the
// Initialize check passed that very string under the same rule and shape. A
// string that passed as a tag value, moved into a name by a hook, is
// checked as a name; one that failed, or was never seen, is checked in full.
func TestWirePassedMemo(t *testing.T) {
	g := testGuard(t, Policy{})
	tests := []struct {
		name     string
		initial  []string // tag values the Initialize check saw
		rule     fieldRule
		sh       *shape
		sent     string
		wantRule string
	}{
		{"tag value passed, sent as the same tag value", []string{"team recs"}, ruleTagValue, shapeTagValue, "team recs", ""},
		{"tag value passed, sent as a name", []string{"team recs"}, ruleResourceName, shapeName, "team recs", RuleNamePattern},
		{"tag value refused, sent again", []string{"jane.doe@example.com"}, ruleTagValue, shapeTagValue, "jane.doe@example.com", RuleSensitivePrefix + "email"},
		{"never seen", nil, ruleTagValue, shapeTagValue, "jane.doe@example.com", RuleSensitivePrefix + "email"},
	}
	for _, tt := range tests {
		st := &callState{}
		ctx := withState(middleware.WithOperationName(context.Background(), "CreateDatasetGroup"), st)
		w := newWalkerState(g, ctx, st, false, "")
		for _, v := range tt.initial {
			_ = w.check(ruleTagValue, shapeTagValue, nil, v)
		}
		w.release()
		w = newWalkerState(g, ctx, st, true, "{}")
		err := w.check(tt.rule, tt.sh, nil, tt.sent)
		w.release()
		gotRule := ""
		var sg *SafeguardError
		if errors.As(err, &sg) {
			gotRule = sg.Rule
		}
		if diff := cmp.Diff(tt.wantRule, gotRule); diff != "" {
			t.Errorf("%s: rule (-want +got):\n%s", tt.name, diff)
		}
	}
}

// keysInUse returns the keys the table places in params (after
// injection), as handleKeyReadiness reads them one by one with keyUseAt.
func keysInUse(params any, op *boundOp, buf *[2]keyUse) []keyUse {
	out := buf[:0]
	var u keyUse
	for i := range op.keys {
		if op.keyUseAt(params, &op.keys[i], &u) {
			out = append(out, u)
		}
	}
	return out
}
