package personalize

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// fieldRule says how the content safeguard treats one string field.
type fieldRule uint8

const (
	// ruleFreeForm is the default: any string the guard does not know to be
	// an ARN, a token, an enum or a location is free-form text and goes
	// through the detector. A field added by a newer SDK is therefore
	// checked, not skipped.
	ruleFreeForm     fieldRule = iota
	ruleSkip                   // ARNs, pagination tokens, enums
	ruleResourceName           // a Create* input's Name or JobName
	ruleTagKey
	ruleTagValue
	ruleFilterExpression
	ruleSchema     // CreateSchema's Avro JSON
	ruleS3Location // checked by the S3 location safeguard
	ruleKMSKey     // checked by the KMS safeguard
)

var ruleNames = [...]string{
	ruleFreeForm: "free-form", ruleSkip: "skip", ruleResourceName: "resource-name", ruleTagKey: "tag-key",
	ruleTagValue: "tag-value", ruleFilterExpression: "filter-expression", ruleSchema: "schema",
	ruleS3Location: "s3-location", ruleKMSKey: "kms-key",
}

func (r fieldRule) String() string { return ruleNames[r] }

// Model limits the SDK does not check (its validators only check required
// fields); from the Personalize API model.
const (
	maxNameLen             = 63
	maxTags                = 200
	maxTagKeyLen           = 128
	maxTagValueLen         = 256
	maxFilterExpressionLen = 2500
)

type nodeKind uint8

const (
	kindString nodeKind = iota
	kindPtr
	kindStruct
	kindSlice
	kindMap
)

// node is a compiled walk of one type: only the parts that hold strings.
type node struct {
	kind    nodeKind
	name    string // path segment: the Go field name of a struct field
	index   int    // struct field index
	rule    fieldRule
	keyRule fieldRule // for maps
	maxLen  int       // for slices: the model's limit on the number of elements (0: none)
	elem    *node     // ptr, slice and map element
	fields  []*node   // struct fields that hold strings
}

// plans compiles and remembers one node per input type. Plans are derived
// from types alone, so sharing them is safe; they live in the guard rather
// than in a package variable.
type plans struct{ m sync.Map } // reflect.Type -> *node (nil when the type holds no strings)

func (p *plans) get(t reflect.Type) *node {
	if n, ok := p.m.Load(t); ok {
		return n.(*node)
	}
	n := compile(t, "", 0, true, false, map[reflect.Type]bool{})
	p.m.Store(t, n)
	return n
}

// compile builds the node for t reached through field name, or nil when t
// holds no strings. top is true for the operation input struct itself; keep
// retains fields the walk would skip, for the golden listing.
func compile(t reflect.Type, name string, index int, top, keep bool, onPath map[reflect.Type]bool) *node {
	switch t.Kind() {
	case reflect.String:
		if t.PkgPath() != "" {
			// A named string type in the SDK is an enum.
			return &node{kind: kindString, name: name, index: index, rule: ruleSkip}
		}
		return &node{kind: kindString, name: name, index: index, rule: ruleFreeForm}
	case reflect.Pointer:
		elem := compile(t.Elem(), name, index, top, keep, onPath)
		if elem == nil {
			return nil
		}
		return &node{kind: kindPtr, name: name, index: index, rule: elem.rule, elem: elem}
	case reflect.Slice:
		elem := compile(t.Elem(), name, index, false, keep, onPath)
		if elem == nil {
			return nil
		}
		return &node{kind: kindSlice, name: name, index: index, rule: elem.rule, elem: elem}
	case reflect.Map:
		key := compile(t.Key(), name, index, false, keep, onPath)
		elem := compile(t.Elem(), name, index, false, keep, onPath)
		if key == nil && elem == nil {
			return nil
		}
		n := &node{kind: kindMap, name: name, index: index, elem: elem, keyRule: ruleSkip}
		if key != nil {
			n.keyRule = key.rule
		}
		return n
	case reflect.Struct:
		if onPath[t] {
			return nil // no recursive shapes in this API; stop rather than loop
		}
		onPath[t] = true
		defer delete(onPath, t)
		n := &node{kind: kindStruct, name: name, index: index}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			c := compile(f.Type, f.Name, i, false, keep, onPath)
			if c == nil {
				continue
			}
			classify(c, t, f.Name, top)
			if keep || checksSomething(c) {
				n.fields = append(n.fields, c)
			}
		}
		if len(n.fields) == 0 {
			return nil
		}
		return n
	}
	return nil
}

// checksSomething reports whether the content walk has anything to do in n:
// a string that is not skipped, or a slice with a length limit.
func checksSomething(n *node) bool {
	switch n.kind {
	case kindString:
		return n.rule != ruleSkip
	case kindMap:
		return n.keyRule != ruleSkip || n.elem != nil && checksSomething(n.elem)
	case kindSlice:
		return n.maxLen > 0 || checksSomething(n.elem)
	case kindPtr:
		return checksSomething(n.elem)
	}
	return len(n.fields) > 0
}

// classify sets the rule of a string-holding field from its name and place.
// Only fields whose meaning is certain leave ruleFreeForm.
func classify(n *node, parent reflect.Type, field string, top bool) {
	rule := ruleFreeForm
	switch {
	case field == "KmsKeyArn":
		rule = ruleKMSKey
	case strings.HasSuffix(field, "Arn"), strings.HasSuffix(field, "Arns"), field == "RecipeList", field == "NextToken":
		rule = ruleSkip
	case parent.Name() == "S3DataConfig" && field == "Path", parent.Name() == "DataSource" && field == "DataLocation":
		rule = ruleS3Location
	case top && (field == "Name" || field == "JobName"):
		rule = ruleResourceName
	case top && field == "Schema":
		rule = ruleSchema
	case top && field == "FilterExpression":
		rule = ruleFilterExpression
	case parent.Name() == "Tag" && field == "TagKey", top && field == "TagKeys":
		rule = ruleTagKey
	case parent.Name() == "Tag" && field == "TagValue":
		rule = ruleTagValue
	}
	if top && (field == "Tags" || field == "TagKeys") {
		n.maxLen = maxTags
	}
	setRule(n, rule)
}

// setRule applies rule to n's strings, keeping the enum skips compile found.
func setRule(n *node, rule fieldRule) {
	if rule == ruleFreeForm {
		return
	}
	switch n.kind {
	case kindString:
		if n.rule != ruleSkip {
			n.rule = rule
		}
	case kindPtr, kindSlice:
		n.rule = rule
		setRule(n.elem, rule)
	case kindMap:
		n.keyRule = rule
		if n.elem != nil {
			setRule(n.elem, rule)
		}
	}
}

// segment is one step of a field path. It is kept unformatted so the walk
// allocates nothing unless a field fails.
type segment struct {
	name  string
	index int // slice index, or -1
	key   int // 0: not a map; 1: map key; 2: map value
	mapV  reflect.Value
	mapK  reflect.Value
}

// fieldPath formats segs as "SolutionConfig.AlgorithmHyperParameters[#1].Value":
// map entries are named by the rank of their key in sorted order, never by
// the key, which is caller data.
func fieldPath(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		if s.name != "" {
			if i > 0 && b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		}
		if s.key != 0 {
			b.WriteString("[#")
			b.WriteString(strconv.Itoa(mapRank(s.mapV, s.mapK)))
			b.WriteByte(']')
			if s.key == 1 {
				b.WriteString(".Key")
			} else {
				b.WriteString(".Value")
			}
		}
	}
	return b.String()
}

func mapRank(m, k reflect.Value) int {
	key := k.String()
	rank := 0
	for _, other := range m.MapKeys() {
		if other.String() < key {
			rank++
		}
	}
	return rank
}

// validName reports whether s matches the model's resource name pattern,
// anchored: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*$, 1 to 63 bytes.
func validName(s string) bool {
	if len(s) == 0 || len(s) > maxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_') {
			return false
		}
	}
	return true
}

// validTagText reports whether s matches ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$.
func validTagText(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false
		case unicode.IsLetter(r), unicode.Is(unicode.Z, r), unicode.IsNumber(r):
		case strings.ContainsRune("_.:/=+-@", r):
		default:
			return false
		}
	}
	return true
}
