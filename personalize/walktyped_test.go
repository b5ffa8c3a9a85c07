package personalize

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestEveryOperationHasTypedWalk: every operation of the bound table has a
// generated walk of its input (its table's signature is the generated
// one's) and a generated accessor of every place its steps read.
func TestEveryOperationHasTypedWalk(t *testing.T) {
	ops := boundTable(t)
	if len(ops) < 50 {
		t.Fatalf("the bound table has %d operations, want the API's", len(ops))
	}
	for name, op := range ops {
		if op.walkTyped == nil {
			tw, ok := typedWalks[name]
			t.Errorf("%s: no typed walk (generated: %t; signature matches: %t); run go generate ./personalize", name, ok, ok && tw.sig == walkSig(op.input))
		}
		for _, k := range op.keys {
			if k.get == nil || k.roleAt != nil && k.roleGet == nil {
				t.Errorf("%s: key place %s has no typed accessor (or its role)", name, k.field)
			}
			if k.set == nil || k.roleAt != nil && k.roleSet == nil {
				t.Errorf("%s: key place %s has no typed setter (or its role)", name, k.field)
			}
		}
		for _, l := range op.locations {
			if l.get == nil {
				t.Errorf("%s: location %s has no typed accessor", name, l.field)
			}
		}
		for _, f := range []struct {
			what string
			at   []int
			get  typedLookup
		}{{"resource name", op.resourceNameAt, op.resourceNameGet}, {"resource ARN", op.resourceARNAt, op.resourceARNGet}, {"datasetArn", op.datasetAt, op.datasetGet}, {"roleArn", op.roleAt, op.roleGet}} {
			if f.at != nil && f.get == nil {
				t.Errorf("%s: %s has no typed accessor", name, f.what)
			}
		}
	}
}

// TestTypedWalkRefusesUnknownMember: a structure with a member the table
// does not describe (a newer SDK's) has a signature no typed walk has, so
// the operation keeps the reflective walk, which refuses the member.
func TestTypedWalkRefusesUnknownMember(t *testing.T) {
	// CreateDatasetGroupInput as a newer SDK might declare it: one member more.
	var fields []reflect.StructField
	for _, f := range reflect.VisibleFields(reflect.TypeFor[sdk.CreateDatasetGroupInput]()) {
		if f.IsExported() {
			fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		}
	}
	fields = append(fields, reflect.StructField{Name: "Novelty", Type: reflect.TypeFor[*string]()})
	newer := reflect.StructOf(fields)
	ops, err := bindTable(map[string]reflect.Type{"CreateDatasetGroup": reflect.PointerTo(newer)})
	if err != nil {
		t.Fatal(err)
	}
	b := ops["CreateDatasetGroup"]
	if b.walkTyped != nil {
		t.Fatalf("an input with a member the table lacks got a typed walk")
	}
	in := reflect.New(newer)
	in.Elem().FieldByName("Name").Set(reflect.ValueOf(ptr("movies")))
	in.Elem().FieldByName("Novelty").Set(reflect.ValueOf(ptr("x")))
	g := testGuard(t, Policy{})
	st := &callState{op: b}
	ctx := withState(middleware.WithOperationName(context.Background(), "CreateDatasetGroup"), st)
	w := newWalkerState(g, ctx, st, false, "")
	err = w.walkInput(b, in.Interface())
	w.release()
	var sg *SafeguardError
	if !errors.As(err, &sg) || sg.Rule != RuleUnknownMember {
		t.Errorf("walkInput of an input with an unknown member set = %v, want %s", err, RuleUnknownMember)
	}
}

func ptr(s string) *string { return &s }

// walkCorpus is the values the differential tests put in string members.
var walkCorpus = []string{
	"", "movies", "team recs", "g1", "-starts-with-dash", "has space!", "ｘ全角",
	"jane.doe@example.com", "123-45-6789", "4539703692581474", "912803456", "+1 415 555 0100",
	strings.Repeat("a", 64), strings.Repeat("b", 300), strings.Repeat("c", 2100),
	testRoleARN, "arn:aws:iam::1:role/x", "arn:aws:personalize:us-west-2:111122223333:dataset-group/movies",
	"arn:aws:personalize:us-west-2:111122223333:dataset-group/jane.doe@example.com",
	"arn:aws:personalize:bad region:111122223333:solution/s", testKeyARN,
	"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"s3://bucket/prefix/", "http://x", "rate(1 day)", "rate(7 days)",
	`INCLUDE ItemID WHERE Items.SSN IN ("123456789")`, `EXCLUDE ItemID WHERE Items.GENRE IN ("comedy")`,
	"aws:reserved", "AWS:Reserved", "acct", "ssn", "email", "employee_id", "40417",
	"USER_ID", "Items", "ECOMMERCE", "VIDEO_ON_DEMAND", "bogus",
	`{"type":"record","name":"Interactions","fields":[{"name":"USER_ID","type":"string"}]}`,
	`{"type":"record","name":"jane.doe@example.com"`,
}

// filler fills an input along its bound table at random, from walkCorpus
// and extra strings.
type filler struct {
	r     *rand.Rand
	extra []string
	// dense sets every pointer and fills every list and map, so that the
	// checks deep in an input are reached too.
	dense bool
	// multiMap is set once the input has a map of more than one entry,
	// whose walk order Go does not fix.
	multiMap bool
}

func (f *filler) str() string {
	if len(f.extra) > 0 && f.r.IntN(4) == 0 {
		return f.extra[f.r.IntN(len(f.extra))]
	}
	return walkCorpus[f.r.IntN(len(walkCorpus))]
}

// size draws the length of a list or map of node n, one of draws ways:
// two give none (nil, or empty; one when dense), one gives one more than
// the model's limit (unbounded when it has none, or a large one), the
// others 1 to spread. ok is false for nil.
func (f *filler) size(n *node, draws, unbounded, spread int) (size int, ok bool) {
	switch f.r.IntN(draws) {
	case 0, 1:
		switch {
		case f.dense:
			return 1, true
		case f.r.IntN(2) == 0:
			return 0, false
		}
		return 0, true
	case 2:
		if n.maxLen > 0 && n.maxLen <= 1000 {
			return n.maxLen + 1, true
		}
		return unbounded, true
	}
	return 1 + f.r.IntN(spread), true
}

func (f *filler) value(n *node, v reflect.Value, depth int) {
	if v.Kind() == reflect.Pointer {
		switch {
		case !f.dense && f.r.IntN(5) == 0 || depth > 10:
			return // nil
		case v.Type().Elem().Kind() == reflect.String && f.r.IntN(6) == 0:
			v.Set(reflect.New(v.Type().Elem())) // ""
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		v = v.Elem()
	}
	switch n.kind {
	case kindOther:
		if n.number != numberNone {
			f.number(v)
		}
	case kindString:
		s := f.str()
		if n.rule == ruleEnum && f.r.IntN(2) == 0 && len(n.enum) > 0 {
			s = n.enum[f.r.IntN(len(n.enum))]
		}
		v.SetString(s)
	case kindStruct:
		for _, c := range n.fields {
			f.value(c, v.Field(c.index), depth+1)
		}
	case kindSlice:
		size, ok := f.size(n, 8, 4, 3)
		if !ok {
			return // nil
		}
		s := reflect.MakeSlice(v.Type(), size, size)
		for i := range size {
			if n.elem != nil && (size < 8 || i%50 == 0) {
				f.value(n.elem, s.Index(i), depth+1)
			} else if n.elem != nil && n.elem.kind == kindStruct {
				f.cleanTag(n.elem, s.Index(i), i)
			}
		}
		v.Set(s)
	case kindMap:
		m := reflect.MakeMap(v.Type())
		size, ok := f.size(n, 6, 3, 2)
		if !ok {
			return // nil
		}
		for i := range size {
			k := reflect.New(v.Type().Key()).Elem()
			e := reflect.New(v.Type().Elem()).Elem()
			if i == 0 {
				// One entry of any value: a map entry's failure ends an
				// enforcing walk, and Go does not fix which entry comes
				// first.
				k.SetString(f.str())
				if n.keyRule == ruleEnum && f.r.IntN(2) == 0 {
					k.SetString(n.keyEnum[f.r.IntN(len(n.keyEnum))])
				}
				if n.elem != nil {
					f.value(n.elem, e, depth+1)
				}
			} else {
				k.SetString("key" + strings.Repeat("z", i)) // letters only: some keys are dataset types
				if n.keyRule == ruleEnum {
					k.SetString(n.keyEnum[i%len(n.keyEnum)])
				}
				if e.Kind() == reflect.String {
					e.SetString("v")
				}
			}
			m.SetMapIndex(k, e)
		}
		if m.Len() > 1 {
			f.multiMap = true
		}
		v.Set(m)
	}
}

// walkNumbers are the numbers a filler puts in number members: zero, which
// the SDK leaves out, small ones, an account number's and a card's
// digits, a fraction, one the serializer writes with an exponent.
var walkNumbers = []float64{0, 1, 40417, 912803, 912803456, -912803456, 4539703692581474, 0.25, 1e22}

// number sets v, an integer or a float, to one of walkNumbers that fits it.
func (f *filler) number(v reflect.Value) {
	x := walkNumbers[f.r.IntN(len(walkNumbers))]
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		v.SetFloat(x)
	default:
		if x == math.Trunc(x) && x < 1<<62 && x > -(1<<62) && !v.OverflowInt(int64(x)) {
			v.SetInt(int64(x))
		}
	}
}

// cleanTag fills the element i of an over-long list with clean text.
func (f *filler) cleanTag(n *node, v reflect.Value, i int) {
	for _, c := range n.fields {
		fv := v.Field(c.index)
		if c.kind != kindString {
			continue
		}
		s := "t" + strconv.Itoa(i)
		if fv.Kind() == reflect.Pointer {
			fv.Set(reflect.New(fv.Type().Elem()))
			fv = fv.Elem()
		}
		fv.SetString(s)
	}
}

// walkOutcome is what one walk of an input leaves: its error and the
// call's state.
type walkOutcome struct {
	Err      *SafeguardError
	Other    string // an error that is not a SafeguardError
	Reported []SafeguardError
	Passed   []string
	Clean    []string
}

func outcome(err error, st *callState, unordered bool) walkOutcome {
	var o walkOutcome
	var sg *SafeguardError
	switch {
	case errors.As(err, &sg):
		o.Err = &SafeguardError{Operation: sg.Operation, Field: sg.Field, Rule: sg.Rule, Reason: sg.Reason}
	case err != nil:
		o.Other = err.Error()
	}
	for _, r := range st.reported {
		o.Reported = append(o.Reported, SafeguardError{Operation: r.Operation, Field: r.Field, Rule: r.Rule, Reason: r.Reason})
	}
	for _, p := range st.passed {
		name := ""
		if p.sh != nil {
			name = p.sh.name
		}
		o.Passed = append(o.Passed, strconv.Itoa(int(p.rule))+"/"+name+"/"+p.s)
	}
	o.Clean = append(o.Clean, st.clean...)
	if unordered && o.Err != nil {
		// Which entries came before the refusal is Go's choice.
		o.Passed, o.Clean = nil, nil
	}
	if unordered {
		// A map of several entries is walked in Go's order, which differs
		// from walk to walk: what was noted is compared as a set, and not
		// at all once the state's bound kept only some of it.
		slices.Sort(o.Passed)
		slices.Sort(o.Clean)
		if len(o.Passed) >= maxClean || len(o.Clean) >= maxClean {
			o.Passed, o.Clean = nil, nil
		}
		slices.SortFunc(o.Reported, func(a, b SafeguardError) int { return strings.Compare(a.Field+a.Rule, b.Field+b.Rule) })
	}
	return o
}

// walkBoth walks params by the reflective walk and by op's typed walk,
// each with a fresh state, and returns the two outcomes.
func walkBoth(t testing.TB, g *Guard, op *boundOp, params any, unordered bool) (ref, typed walkOutcome) {
	t.Helper()
	run := func(typedWalk bool) walkOutcome {
		st := &callState{op: op}
		ctx := withState(middleware.WithOperationName(context.Background(), op.name), st)
		w := newWalkerState(g, ctx, st, false, "")
		var err error
		if typedWalk {
			done := false
			done, err = op.walkTyped(w, op.input, params)
			if !done {
				t.Fatalf("%s: the typed walk did not take its own input type", op.name)
			}
		} else {
			err = w.walk(op.input, reflect.ValueOf(params))
		}
		w.release()
		return outcome(err, st, unordered)
	}
	return run(false), run(true)
}

// differentialGuards are the guards the differential tests walk with:
// enforcing and report-only, with and without a caller rule (which makes
// every tag pair be read joined).
func differentialGuards(t testing.TB) map[string]*Guard {
	det, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "employee-id", Pattern: regexp.MustCompile(`(?i)employee_id\W+\d{5}\b`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	logger, _ := jsonLogger()
	return map[string]*Guard{
		"enforcing":                testGuard(t, Policy{}),
		"report-only":              testGuard(t, Policy{InsecureReportOnly: true, Logger: logger}),
		"enforcing, caller rule":   testGuard(t, Policy{Detector: det}),
		"report-only, caller rule": testGuard(t, Policy{InsecureReportOnly: true, Logger: logger, Detector: det}),
	}
}

// TestTypedWalkMatchesReflective holds every operation's generated walk to
// the reflective walk, its reference: for many inputs of each (string
// members from walkCorpus, nil, empty and set pointers, empty and
// over-limit lists and maps, tags with keyword keys), enforcing and in
// report-only mode, the same error, the same findings reported, the same
// strings noted as passed and clean.
func TestTypedWalkMatchesReflective(t *testing.T) {
	ops := boundTable(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range ops {
			if !yield(n) {
				return
			}
		}
	})
	inputs := 240
	if testing.Short() {
		inputs = 20
	}
	for mode, g := range differentialGuards(t) {
		// The guard's own table, so that op.audit and the steps are its.
		for _, name := range names {
			op := g.ops[name]
			if op == nil || op.walkTyped == nil {
				t.Errorf("%s: no typed walk", name)
				continue
			}
			r := rand.New(rand.NewPCG(uint64(len(name)), 7))
			var nilIn = reflect.Zero(op.params).Interface()
			ref, typed := walkBoth(t, g, op, nilIn, false)
			if diff := cmp.Diff(ref, typed); diff != "" {
				t.Errorf("%s, %s, nil input: typed walk differs (-reflective +typed):\n%s", mode, name, diff)
			}
			for i := range inputs {
				f := &filler{r: r, dense: i%3 == 0}
				params := reflect.New(op.params.Elem())
				f.value(op.input, params.Elem(), 0)
				ref, typed := walkBoth(t, g, op, params.Interface(), f.multiMap)
				if diff := cmp.Diff(ref, typed); diff != "" {
					t.Errorf("%s, %s, input %d: typed walk differs (-reflective +typed):\n%s", mode, name, i, diff)
				}
			}
		}
	}
}

// TestTypedLookupMatchesLookup holds every generated accessor to lookup on
// the inputs of the differential test, nil structures on the way included.
func TestTypedLookupMatchesLookup(t *testing.T) {
	type read struct {
		S           string
		Parent, Set bool
	}
	for name, op := range boundTable(t) {
		type place struct {
			what string
			at   []int
			get  typedLookup
		}
		var places []place
		for _, k := range op.keys {
			places = append(places, place{k.field, k.at, k.get})
			if k.roleAt != nil {
				places = append(places, place{k.roleField, k.roleAt, k.roleGet})
			}
		}
		for _, l := range op.locations {
			places = append(places, place{l.field, l.at, l.get})
		}
		for _, p := range []place{{"resource name", op.resourceNameAt, op.resourceNameGet}, {"resource ARN", op.resourceARNAt, op.resourceARNGet}, {"datasetArn", op.datasetAt, op.datasetGet}, {"roleArn", op.roleAt, op.roleGet}} {
			if p.at != nil {
				places = append(places, p)
			}
		}
		r := rand.New(rand.NewPCG(uint64(len(name)), 11))
		for i := range 60 {
			params := reflect.New(op.params.Elem())
			if i > 0 {
				(&filler{r: r}).value(op.input, params.Elem(), 0)
			}
			in := params.Interface()
			if i == 1 {
				in = reflect.Zero(op.params).Interface() // a nil *Input
			}
			for _, p := range places {
				if p.get == nil {
					t.Errorf("%s: %s has no accessor", name, p.what)
					continue
				}
				var want, got read
				want.S, want.Parent, want.Set = lookup(in, p.at)
				var ok bool
				got.S, got.Parent, got.Set, ok = p.get(in)
				if !ok {
					t.Fatalf("%s: %s: the accessor did not take its own input type", name, p.what)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: %s, input %d: accessor differs from lookup (-lookup +accessor):\n%s", name, p.what, i, diff)
				}
			}
		}
		for _, p := range places {
			if _, _, _, ok := p.get(&struct{}{}); ok {
				t.Errorf("%s: %s: the accessor took an input of another type", name, p.what)
			}
		}
	}
}

// FuzzTypedWalk holds the typed walks to the reflective one on inputs the
// fuzzer chooses: the operation, the seed of the filler and two strings it
// may put in any member.
func FuzzTypedWalk(f *testing.F) {
	f.Add(uint16(0), uint64(1), "movies", "jane.doe@example.com", false)
	f.Add(uint16(7), uint64(2), "acct", "912803456", true)
	f.Add(uint16(30), uint64(3), "aws:x", strings.Repeat("z", 257), true)
	logger, _ := jsonLogger()
	gs := map[bool]*Guard{false: testGuard(f, Policy{}), true: testGuard(f, Policy{InsecureReportOnly: true, Logger: logger})}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range gs[false].ops {
			if !yield(n) {
				return
			}
		}
	})
	f.Fuzz(func(t *testing.T, opIndex uint16, seed uint64, a, b string, reportOnly bool) {
		g := gs[reportOnly]
		op := g.ops[names[int(opIndex)%len(names)]]
		fl := &filler{r: rand.New(rand.NewPCG(seed, 0)), extra: []string{a, b}}
		params := reflect.New(op.params.Elem())
		fl.value(op.input, params.Elem(), 0)
		ref, typed := walkBoth(t, g, op, params.Interface(), fl.multiMap)
		if diff := cmp.Diff(ref, typed); diff != "" {
			t.Errorf("%s: typed walk differs (-reflective +typed):\n%s", op.name, diff)
		}
	})
}
