package jsonscan

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// documentRef is what Document replaces: a loop over Next that refuses a
// key repeated in one object and records what Document visits ("s:" and
// the decoded text of an escaped key or string, "n:" and a number's text).
func documentRef(data string) (ok bool, visits []string) {
	var s Scanner
	s.Reset(data)
	var objects []map[string]bool
	for {
		k, err := s.Next()
		if err != nil {
			return false, visits
		}
		switch k {
		case End:
			return true, visits
		case BeginObject:
			objects = append(objects, map[string]bool{})
		case EndObject:
			objects = objects[:len(objects)-1]
		case Key:
			t := s.Text()
			if s.Escaped() {
				visits = append(visits, "s:"+t)
			}
			if objects[len(objects)-1][t] {
				return false, visits
			}
			objects[len(objects)-1][t] = true
		case String:
			if s.Escaped() {
				visits = append(visits, "s:"+s.Text())
			}
		case Number:
			visits = append(visits, "n:"+s.Raw())
		}
	}
}

// checkDocument holds Document to documentRef on doc: the same verdict and
// the same visits; and a visit that refuses the k-th text ends the read
// there with false.
func checkDocument(t *testing.T, doc string) {
	t.Helper()
	wantOK, wantVisits := documentRef(doc)
	var got []string
	gotOK := DocumentDefaults(doc, func(s string, number bool) bool {
		if number {
			got = append(got, "n:"+s)
		} else {
			got = append(got, "s:"+s)
		}
		return true
	}, nil)

	if gotOK != wantOK {
		t.Fatalf("Document(%q) = %v, a loop over Next says %v", doc, gotOK, wantOK)
	}
	if diff := cmp.Diff(wantVisits, got); diff != "" {
		t.Fatalf("Document(%q) visits mismatch (-Next +Document):\n%s", doc, diff)
	}
	for k := range got {
		calls := 0
		if DocumentDefaults(doc, func(string, bool) bool { calls++; return calls <= k }, nil) || calls != k+1 {
			t.Fatalf("Document(%q) with visit refusing call %d: read on (%d calls) or passed", doc, k+1, calls)
		}
	}
}

func TestDocument(t *testing.T) {
	docs := []string{
		``, ` `, `"a"`, `1`, `-0.5e+3`, `true`, `null`, `nul`, `[]`, `{}`, ` { } `, `[ ]`, `[1,]`, `{"a":1,}`, `{"a" : 1 , "b":[true,false,null]}`,
		`{"a":1,"a":2}`, `{"a":{"a":1},"b":{"a":2}}`, `{"a":1,"b":2,"\u0061":3}`, `[{"k":1},{"k":2}]`, `{"x":{"y":1},"y":2}`,
		`{"type":"record","name":"I","fields":[{"name":"A","type":["null","string"],"default":null,"doc":"x"}]}`,
		`{"d\u006fc":"\u0061cct-12345678"}`, `{"x":4.539703692581474e15,"y":0.4111111111111111}`, `{"type":"enum","symbols":["A","B"]} x`,
		`[[[[{"":1,"":2}]]]]`, `{"a":1}{}`, `{"a":1 "b":2}`, `{"a" 1}`, `{1:2}`, `["\x"]`, "[\"a\x01\"]", "[\"\xff\"]", `[1.]`, `[01]`, `[tru]`,
		`["abc`, `{"abc`, `{"abcdefghij":"klmnopqrst"}`, "\t{\n\"a\"\r:\n1\n}\n", "{\"a\":1\x01}", `[1 2]`, `{"a":[}`, `[}`, `{]`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
		strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth),
		// A repeat in the deepest object, and keys that repeat only
		// across depths (the filters are indexed by depth).
		strings.Repeat(`{"a":`, MaxDepth-1) + `{"b":1,"b":2}` + strings.Repeat("}", MaxDepth-1),
		strings.Repeat(`{"a":`, MaxDepth-1) + `{"b":1,"a":2}` + strings.Repeat("}", MaxDepth-1),
		strings.Repeat(`{"b":1,"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth),
	}
	var many strings.Builder
	many.WriteString("{")
	for i := range 100 {
		if i > 0 {
			many.WriteString(",")
		}
		many.WriteString(`"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i))
	}
	docs = append(docs, many.String()+"}", many.String()+`,"k57":1}`)
	for _, doc := range docs {
		checkDocument(t, doc)
	}
}

// FuzzDocument holds Document to a loop over Next on any input.
func FuzzDocument(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"d\u006fc":"\u0061"}`, `[1,-2.5e3,"x"]`, `{"a":{"b":[{}]}}`, `[1 2]`, "\"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkDocument(t, doc) })
}

// BenchmarkDocument reads the 10 KiB schema of BenchmarkScanner with
// Document and with the loop over Next it replaces in the schema check.
func BenchmarkDocument(b *testing.B) {
	doc := benchSchema()
	visit := func(string, bool) bool { return true }
	if !DocumentDefaults(doc, visit, nil) {
		b.Fatal("the schema is not one document")
	}
	b.Run("Document", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			DocumentDefaults(doc, visit, nil)
		}
	})
	b.Run("Next", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			var s Scanner
			s.Reset(doc)
			for {
				k, err := s.Next()
				if err != nil || k == End {
					break
				}
			}
		}
	})
}

// benchSchema is a 10 KiB Avro schema, BenchmarkScanner's with a name for
// each price field.
func benchSchema() string {
	var sb strings.Builder
	sb.WriteString(`{"type":"record","name":"Items","namespace":"com.example.catalog","fields":[{"name":"ITEM_ID","type":"string"}`)
	for i := 0; sb.Len() < 10<<10; i++ {
		sb.WriteString(`,{"name":"ATTR_` + strconv.Itoa(i) + `","type":["null","string"],"default":null,"categorical":true,"doc":"catalogue attribute of the storefront"}`)
		if i%5 == 0 {
			sb.WriteString(`,{"name":"PRICE_` + strconv.Itoa(i) + `","type":"double","default":19.99}`)
		}
	}
	sb.WriteString(`],"version":"1.0"}`)
	return sb.String()
}
