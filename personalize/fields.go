package personalize

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
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

type nodeKind uint8

const (
	kindString nodeKind = iota
	kindStruct
	kindSlice
	kindMap
	kindOther // numbers, booleans, timestamps: nothing to check but their presence
)

// node is one member of an operation's input, from the generated table,
// bound to the SDK's Go type. The same tree serves the input struct (by Go
// field) and the serialized body (by model member name), so both checks
// apply the same rules and report the same field paths.
type node struct {
	// The fields each check reads per member come first, in 64 bytes (the
	// walks read a member's kind, rule, shape, enum, Go name and position,
	// and the wire walk its bound), so that a member costs the walks one or
	// two cache lines, not five; then a structure's or list's own.
	kind       nodeKind
	rule       fieldRule
	bound      boundMember // a member checkBound holds to a posture check's value
	keyHolder  bool        // a structure with a kmsKeyArn member: the configured key must be in it
	roleHolder bool        // a structure with a roleArn member
	pos        int         // position among the parent's members in the SDK's order (see wireOrder)
	shape      *shape      // length and pattern; nil: shapeUnknown
	name       string      // path segment: the Go field name
	enum       []string    // ruleEnum: the accepted values, sorted

	fields []*node // structure members
	// keys are the member names as the scanner compares them where the
	// body writes them as they are (jsonscan.NextKeyIn), in the order the
	// SDK writes them (see wireOrder): keys[i] is keyFields[i]'s, whose pos
	// is i. Nil when a name needs an escape.
	keys      []jsonscan.PlainKey
	keyFields []*node
	elem      *node // list element, map value
	maxLen    int   // lists and maps: the model's limit on the number of elements (0: none)

	member   string // the model's member name: the JSON key on the wire
	keyRule  fieldRule
	keyShape *shape
	keyEnum  []string

	// Set when the table is bound to the SDK's types: name, pos, bound,
	// keyHolder, roleHolder and keys above, and these.
	index    int              // Go field index
	byMember map[string]*node // structure members by member name, for the wire
	unknown  []int            // exported Go fields the table does not describe
	// A structure that names a value in one member and holds it in others
	// (see namedValues): the naming member and the named ones.
	valueName   *node
	namedValues []*node
	// A number member (kindOther) of a structure, by its Go type: what a
	// named value's text is made from (see namedValues).
	number numberKind

	_ [39]byte // to 320 bytes, five whole cache lines (TestNodeHotFieldsShareALine)
}

// numberKind is the Go kind of a number member: its text is written as the
// SDK's serializer writes it (numberText).
type numberKind uint8

const (
	numberNone numberKind = iota
	numberInt
	numberFloat32
	numberFloat64
)

// numberKindOf returns the numberKind of a member of Go type t.
func numberKindOf(t reflect.Type) numberKind {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numberInt
	case reflect.Float32:
		return numberFloat32
	case reflect.Float64:
		return numberFloat64
	}
	return numberNone
}

// boundMember names the members the posture checks were made for (see
// walker.checkBound), set when the table is bound so that the wire walk
// compares no member names.
type boundMember uint8

const (
	boundNone    boundMember = iota
	boundRole                // roleArn
	boundDataset             // datasetArn
)

// memberAt returns the field whose member name is name, or nil, as
// byMember does. The SDK writes members in keyFields' order, so the next
// member is most often at or shortly after from (the position after the
// last one found): those few fields are compared before the map is
// hashed. Member names are unique within a structure (bindNode), so both
// find the same field.
func (n *node) memberAt(name string, from int) *node {
	for i := from; i < len(n.keyFields) && i < from+memberScan; i++ {
		if f := n.keyFields[i]; f.member == name {
			return f
		}
	}
	return n.byMember[name]
}

// memberScan is how many fields memberAt compares before it hashes.
const memberScan = 4

// wireMember returns the field a body's member name stands for, looked
// for from the position from on (see memberAt), or nil. Readers that fold
// case (encoding/json among them) take "KmsKeyArn" for kmsKeyArn: such a
// member is that member, and checked as it.
func (n *node) wireMember(name string, from int) *node {
	if f := n.memberAt(name, from); f != nil {
		return f
	}
	return n.memberFold(name)
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

// segment is one step of a field path. It is kept unformatted so the walk
// allocates nothing unless a field fails.
type segment struct {
	name  string
	index int       // slice index, or -1
	key   int       // 0: not a map; 1: map key; 2: map value
	entry *mapEntry // the map entry, when key is not 0
}

// mapEntry is what names a map entry in a path: its rank among the map's
// keys, found only when a path is formatted. Kept apart from segment, in
// the walker, so that the segments pushed for every member stay small.
type mapEntry struct {
	mapV reflect.Value
	mapK reflect.Value
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
			if e := s.entry; e.body != "" {
				b.WriteString(strconv.Itoa(wireKeyRank(e.body, e.objAt, e.rawKey)))
			} else {
				b.WriteString(strconv.Itoa(mapRank(e.mapV, e.mapK)))
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
	if len(s) == 0 || len(s) > 63 || nameBytes[s[0]] != nameAlnum {
		return false
	}
	i := 1
	for i < len(s) && nameBytes[s[i]] != 0 {
		i++
	}
	return i == len(s)
}

// nameBytes classes the bytes of validName's pattern: one lookup a byte
// rather than three ranges and two comparisons (a name is checked on
// every Create call, twice).
var nameBytes = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			t[c] = nameAlnum
		case c == '-' || c == '_':
			t[c] = nameMark
		}
	}
	return t
}()

const (
	nameAlnum = 1 + iota
	nameMark
)

// validTagText reports whether s matches ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$.
// Its ASCII, all of nearly every tag, is looked up a byte at a time; from
// the first other byte on, runes are decoded and tested as the pattern
// says.
func validTagText(s string) bool {
	for i := 0; i < len(s); i++ {
		if !tagASCII[s[i]] {
			return tagTextFrom(s[i:])
		}
	}
	return true
}

// tagTextFrom is validTagText's test of each rune, apart so that the ASCII
// loop needs no frame.
func tagTextFrom(s string) bool {
	for _, r := range s {
		if !tagRune(r) {
			return false
		}
	}
	return true
}

// tagASCII is tagRune of each ASCII character, false from 0x80 up.
var tagASCII = func() (t [256]bool) {
	for c := range rune(utf8.RuneSelf) {
		t[c] = tagRune(c)
	}
	return t
}()

// tagRune reports whether the pattern of validTagText takes r; not
// utf8.RuneError, which stands for invalid UTF-8 too.
func tagRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case unicode.IsLetter(r), unicode.Is(unicode.Z, r), unicode.IsNumber(r):
		return true
	}
	return strings.ContainsRune("_.:/=+-@", r)
}
