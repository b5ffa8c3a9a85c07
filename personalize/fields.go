package personalize

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
)

// fieldRule says how the content safeguard treats one string field.
type fieldRule uint8

const (
	// ruleFreeForm is the default: any string the guard does not know to be
	// an ARN, a token, an enum or a location is free-form text and goes
	// through the detector. A field added by a newer SDK is therefore
	// checked, not skipped.
	ruleFreeForm     fieldRule = iota
	ruleEnum                   // one of the SDK's enum values
	ruleARN                    // the model's ARN pattern; the resource part goes through the detector
	ruleToken                  // a pagination token: the model's pattern (ASCII) only
	ruleResourceName           // a Create* input's Name or JobName
	ruleTagKey
	ruleTagValue
	ruleFilterExpression
	ruleSchema     // CreateSchema's Avro JSON
	ruleS3Location // checked by the S3 location safeguard
	ruleKMSKey     // checked by the KMS safeguard
)

var ruleNames = [...]string{
	ruleFreeForm: "free-form", ruleEnum: "enum", ruleARN: "arn", ruleToken: "token", ruleResourceName: "resource-name",
	ruleTagKey: "tag-key", ruleTagValue: "tag-value", ruleFilterExpression: "filter-expression", ruleSchema: "schema",
	ruleS3Location: "s3-location", ruleKMSKey: "kms-key",
}

func (r fieldRule) String() string { return ruleNames[r] }

// maxTags is the model's limit on the tags of one request.
const maxTags = 200

type nodeKind uint8

const (
	kindString nodeKind = iota
	kindPtr
	kindStruct
	kindSlice
	kindMap
)

// node is a compiled walk of one type: only the parts that hold strings. The
// same tree serves the input struct (by Go field) and the serialized body (by
// model member name), so both checks apply the same rules and report the same
// field paths.
type node struct {
	kind      nodeKind
	name      string // path segment: the Go field name of a struct field
	member    string // the model's member name: the JSON key on the wire
	index     int    // struct field index
	rule      fieldRule
	shape     *shape   // length and pattern; nil: shapeUnknown
	enum      []string // ruleEnum: the accepted values, sorted
	keyRule   fieldRule
	keyShape  *shape
	keyEnum   []string
	maxLen    int              // for slices: the model's limit on the number of elements (0: none)
	elem      *node            // ptr, slice and map element
	fields    []*node          // struct fields that hold strings
	byMember  map[string]*node // struct fields by member name, for the wire
	keyHolder bool             // a struct with a KmsKeyArn field: the configured key must be in it
	pos       int              // position among the parent struct's fields
}

// memberFold returns the field whose member name equals name ignoring case,
// or nil.
func (n *node) memberFold(name string) *node {
	for _, f := range n.fields {
		if strings.EqualFold(f.member, name) {
			return f
		}
	}
	return nil
}

// plans compiles and remembers one node per input type. Plans are derived
// from types alone, so sharing them is safe; they live in the guard rather
// than in a package variable.
type plans struct{ m sync.Map } // reflect.Type -> *node (nil when the type holds no strings)

func (p *plans) get(t reflect.Type) *node {
	if n, ok := p.m.Load(t); ok {
		return n.(*node)
	}
	n := compile(t, "", 0, true, map[reflect.Type]bool{})
	p.m.Store(t, n)
	return n
}

// memberName is the model's name for a Go field: the SDK's generator
// capitalises member names, so the first letter is lowered back.
// TestMemberNamesMatchModel checks this against the model.
func memberName(field string) string {
	if field == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(field)
	return string(unicode.ToLower(r)) + field[n:]
}

// compile builds the node for t reached through field name, or nil when t
// holds no strings. top is true for the operation input struct itself.
func compile(t reflect.Type, name string, index int, top bool, onPath map[reflect.Type]bool) *node {
	switch t.Kind() {
	case reflect.String:
		n := &node{kind: kindString, name: name, index: index, rule: ruleFreeForm}
		if t.PkgPath() != "" {
			// A named string type in the SDK is an enum.
			n.rule, n.enum = ruleEnum, enumValues(t)
		}
		return n
	case reflect.Pointer:
		elem := compile(t.Elem(), name, index, top, onPath)
		if elem == nil {
			return nil
		}
		return &node{kind: kindPtr, name: name, index: index, rule: elem.rule, elem: elem}
	case reflect.Slice:
		elem := compile(t.Elem(), name, index, false, onPath)
		if elem == nil {
			return nil
		}
		return &node{kind: kindSlice, name: name, index: index, rule: elem.rule, elem: elem}
	case reflect.Map:
		key := compile(t.Key(), name, index, false, onPath)
		elem := compile(t.Elem(), name, index, false, onPath)
		n := &node{kind: kindMap, name: name, index: index, elem: elem, keyRule: key.rule, keyEnum: key.enum}
		return n
	case reflect.Struct:
		if onPath[t] {
			return nil // no recursive shapes in this API; stop rather than loop
		}
		onPath[t] = true
		defer delete(onPath, t)
		n := &node{kind: kindStruct, name: name, index: index, byMember: map[string]*node{}}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			c := compile(f.Type, f.Name, i, false, onPath)
			if c == nil {
				continue
			}
			c.member = memberName(f.Name)
			c.pos = len(n.fields)
			classify(c, t, c.member, top)
			n.fields = append(n.fields, c)
			n.byMember[c.member] = c
			if f.Name == "KmsKeyArn" {
				n.keyHolder = true
			}
		}
		if len(n.fields) == 0 {
			return nil
		}
		return n
	}
	return nil
}

// enumValues calls the SDK's Values method of an enum type.
func enumValues(t reflect.Type) []string {
	m, ok := t.MethodByName("Values")
	if !ok {
		return nil
	}
	vs := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	out := make([]string, vs.Len())
	for i := range out {
		out[i] = vs.Index(i).String()
	}
	slices.Sort(out)
	return out
}

// classify sets the rule and shape of a string-holding field from its
// member name and place. Only fields whose meaning is certain leave
// ruleFreeForm.
func classify(n *node, parent reflect.Type, member string, top bool) {
	rule := ruleFreeForm
	sh := memberShape(member, top)
	switch {
	case member == "kmsKeyArn":
		rule = ruleKMSKey
	case sh == shapeArn || sh == shapeRoleArn:
		rule = ruleARN
	case sh == shapeNextToken:
		rule = ruleToken
	case sh == shapeS3Location:
		rule = ruleS3Location
	case top && (member == "name" || member == "jobName"):
		rule = ruleResourceName
	case top && member == "schema":
		rule = ruleSchema
	case top && member == "filterExpression":
		rule = ruleFilterExpression
	case sh == shapeTagKey:
		rule = ruleTagKey
	case sh == shapeTagValue:
		rule = ruleTagValue
	}
	if top && (member == "tags" || member == "tagKeys") {
		n.maxLen = maxTags
	}
	if n.kind == kindMap || n.kind == kindPtr && n.elem.kind == kindMap {
		m := n
		if m.kind == kindPtr {
			m = m.elem
		}
		if ks, ok := mapShapes[member]; ok {
			m.keyShape = ks[0]
			setRule(m.elem, ruleFreeForm, ks[1])
		}
		if member == "rankingInfluence" {
			// Its keys are RankingInfluenceType values, typed as plain
			// strings in the SDK.
			m.keyRule, m.keyEnum = ruleEnum, rankingInfluenceTypes
		}
		return
	}
	setRule(n, rule, sh)
}

// rankingInfluenceTypes are the values of types.RankingInfluenceType, which
// the SDK does not use for RankingInfluence's keys.
var rankingInfluenceTypes = enumValues(reflect.TypeFor[types.RankingInfluenceType]())

// setRule applies rule and shape to n's strings, keeping the enums compile
// found.
func setRule(n *node, rule fieldRule, sh *shape) {
	if n == nil {
		return
	}
	switch n.kind {
	case kindString:
		if n.rule != ruleEnum {
			n.rule, n.shape = rule, sh
		}
	case kindPtr, kindSlice:
		if n.elem.rule != ruleEnum {
			n.rule = rule
		}
		setRule(n.elem, rule, sh)
	case kindMap:
		setRule(n.elem, rule, sh)
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
	// On the wire, a map is a JSON object: the body, the object's offset
	// and the key as written.
	body   string
	objAt  int
	rawKey string
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
			if s.body != "" {
				b.WriteString(strconv.Itoa(wireKeyRank(s.body, s.objAt, s.rawKey)))
			} else {
				b.WriteString(strconv.Itoa(mapRank(s.mapV, s.mapK)))
			}
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
// anchored, and its length: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*$, 1 to 63 bytes.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 63 {
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
