package jsonscan

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repeatDoc returns n copies of item in an array.
func repeatDoc(item string, n int) string {
	return "[" + strings.Repeat(item+",", n-1) + item + "]"
}

// keysDoc returns an object of n keys, each escaped (`"\u0061N"`) when
// escaped is set, else plain (`"aN"`), then tail.
func keysDoc(n int, escaped bool, tail string) string {
	var sb strings.Builder
	sb.WriteString("{")
	for i := range n {
		if i > 0 {
			sb.WriteString(",")
		}
		k := `"a` + strconv.Itoa(i) + `"`
		if escaped {
			k = `"\u0061` + strconv.Itoa(i) + `"`
		}
		sb.WriteString(k + ":" + strconv.Itoa(i))
	}
	return sb.String() + tail + "}"
}

// TestDocumentKeyAllocs counts what Document and DocumentQuoted allocate
// for objects' keys: the decoded text of an escaped key of two bytes or
// more (a string each), and a slice once more than 64 keys or 32 escaped
// ones are open, as the walk that kept its keys in a [32]string did. The
// merge of schema10 kept escaped keys' texts in a slice that grew from
// nothing and was never cut back when an object closed: an escaped key
// (`{"\u0061":1}`) cost an allocation where none was made before, and an
// array of small objects with one each cost more the longer it was.
func TestDocumentKeyAllocs(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want float64
	}{
		{"plain keys", `{"a":1,"b":{"c":2}}`, 0},
		{"one-byte escaped key", `{"\u0061":1}`, 0},
		{"one-byte escaped keys, nested", `{"\u0061":{"\u0062":1},"\u0063":2,"\u0062":3}`, 0},
		{"an escaped key per object, 40 objects", repeatDoc(`{"\u0061":1,"b":2}`, 40), 0},
		{"an escaped key per object, 200 objects", repeatDoc(`{"\u0061":1,"b":{"\u0062":[]}}`, 200), 0},
		{"two-byte escaped keys: their texts", `{"a\u0062":1,"c":{"\u0064e":2}}`, 2},
		{"32 open keys", keysDoc(32, false, ""), 0},
		{"70 open keys", keysDoc(70, false, ""), 1},
		{"40 two-byte escaped keys in turn: their texts", repeatDoc(keysDoc(1, true, ""), 40), 40},
	}
	visit := func(string, bool) bool { return true }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !DocumentDefaults(tt.doc, visit, nil) {
				t.Fatalf("Document(%.40q) = false, want true", tt.doc)
			}
			dst := make([]byte, 0, 2*len(tt.doc)+24)
			got := []float64{
				testing.AllocsPerRun(20, func() { DocumentDefaults(tt.doc, visit, nil) }),
				testing.AllocsPerRun(20, func() { DocumentQuotedDefaults(dst, tt.doc, visit, nil) }),
			}
			if diff := cmp.Diff([]float64{tt.want, tt.want}, got); diff != "" {
				t.Errorf("allocations of Document, DocumentQuoted mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDocumentDecodedKeysReused holds Document to a loop over Next on keys
// with escapes whose room is reused once their object closes: a repeat of
// a closed object's key is no repeat, one of an open object's is, at every
// count of escaped keys around the 32 kept in the array.
func TestDocumentDecodedKeysReused(t *testing.T) {
	docs := []string{
		`{"\u0061":{"\u0062":1},"\u0062":2}`,
		`{"\u0061":{"\u0062":1},"\u0061":2}`,
		`{"\u0061":{"\u0062":1},"a":2}`,
		`{"\u0061":{"b":{"\u0063":1}},"\u0063":2,"\u0062":3,"b":4}`,
		`[{"\u0061":1},{"\u0061":2,"a":3}]`,
	}
	for _, n := range []int{1, 31, 32, 33, 40, 64, 65, 70} {
		docs = append(docs,
			keysDoc(n, true, ""),
			keysDoc(n, true, `,"a0":0`),
			keysDoc(n, true, `,"a`+strconv.Itoa(n-1)+`":0`),
			keysDoc(n, true, `,"x":`+keysDoc(n, true, `,"\u0061`+strconv.Itoa(n-1)+`":0`)),
			keysDoc(n, true, `,"x":`+keysDoc(n, true, "")+`,"a`+strconv.Itoa(n/2)+`":0`),
			`{"y":`+keysDoc(n, true, "")+`,"x":`+keysDoc(n, false, `,"\u0061`+strconv.Itoa(n/2)+`":0`)+"}",
		)
	}
	for _, doc := range docs {
		checkDocument(t, doc)
	}
}

// TestDocumentHuge reads a document past 2 GiB, whose keys keyList cannot
// keep as spans: the merge of schema10 took a key whose closing quote was
// past 2^31 for a decoded one (the span's top bit) and panicked (index out
// of range) once another key of its object shared its filter bit, where
// 655df2b returned true. Such a document is refused instead, before
// DocumentQuoted takes a buffer for it. It needs 2 GiB of memory, so
// -short and the race detector skip it.
func TestDocumentHuge(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocates 2 GiB")
	}
	keys := `"kak":1,"kbk":2}` // the same filter bit
	var sb strings.Builder
	sb.Grow(maxDocument + len(keys) + 1)
	sb.WriteString("{")
	sb.WriteString(strings.Repeat(" ", maxDocument))
	sb.WriteString(keys)
	doc := sb.String()
	visit := func(string, bool) bool { return true }
	var got []bool
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("Document of %d bytes panicked: %v", len(doc), p)
			}
		}()
		got = append(got, DocumentDefaults(doc, visit, nil))
		_, buf, ok := DocumentQuotedDefaults(nil, doc, visit, nil)
		got = append(got, ok, buf == nil)
	}()
	if diff := cmp.Diff([]bool{false, false, true}, got); diff != "" {
		t.Errorf("Document, DocumentQuoted, DocumentQuoted's buffer nil, of %d bytes mismatch (-want +got):\n%s", len(doc), diff)
	}
}
