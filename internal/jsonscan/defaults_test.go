package jsonscan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// defaultsRef lists, as a loop over Next reads them, the string (decoded)
// and number values of the members whose decoded key is "default", and
// whether Next reads the document.
func defaultsRef(data string) (bool, []string) {
	var s Scanner
	s.Reset(data)
	var got []string
	key := ""
	for {
		k, err := s.Next()
		if err != nil {
			return false, nil
		}
		switch {
		case k == End:
			return true, got
		case k == Key:
			key = s.Text()
			continue
		case key == "default" && k == String:
			got = append(got, "s:"+s.Text())
		case key == "default" && k == Number:
			got = append(got, "n:"+s.Raw())
		}
		key = ""
	}
}

// checkDefaults holds DocumentDefaults and DocumentQuotedDefaults to
// defaultsRef on a document they read, and to Document and DocumentQuoted
// on any input: the same verdict and visits, and the same writing.
func checkDefaults(t *testing.T, data string) {
	t.Helper()
	refOK, want := defaultsRef(data)
	wantOK, wantVisits := visitsOf(func(v func(string, bool) bool) bool { return DocumentDefaults(data, v, nil) })
	wantQ, _, _ := DocumentQuotedDefaults(nil, data, func(string, bool) bool { return true }, nil)
	for _, quoted := range []bool{false, true} {
		var got []string
		def := func(v string, number bool) {
			if number {
				got = append(got, "n:"+v)
			} else {
				got = append(got, "s:"+v)
			}
		}
		var q Quoted
		ok, visits := visitsOf(func(v func(string, bool) bool) bool {
			if !quoted {
				return DocumentDefaults(data, v, def)
			}
			var ok bool
			q, _, ok = DocumentQuotedDefaults(nil, data, v, def)
			return ok
		})
		// Next does not look for repeated keys: it reads every document.
		if ok != wantOK || ok && !refOK {
			t.Fatalf("DocumentDefaults(%q), quoted %v = %v, Document says %v, Next %v", data, quoted, ok, wantOK, refOK)
		}
		if diff := cmp.Diff(wantVisits, visits); diff != "" {
			t.Fatalf("DocumentDefaults(%q), quoted %v, visits (-want +got):\n%s", data, quoted, diff)
		}
		if !ok {
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("DocumentDefaults(%q), quoted %v, defaults (-want +got):\n%s", data, quoted, diff)
		}
		if quoted && string(q.raw) != string(wantQ.raw) {
			t.Fatalf("DocumentQuotedDefaults(%q) wrote %q, DocumentQuoted %q", data, q.raw, wantQ.raw)
		}
	}
}

func defaultDocs() []string {
	docs := append(quotedDocs(), benchSchema(),
		`{"default":"x"}`, `{"default":-12.5e3}`, `{"default":null,"x":"default"}`,
		`{"default" : "x"}`, "{\"default\"\t:\n1}", `{"def\u0061ult":"1\u00312345"}`,
		`[{"default":{"default":"9999999"}}]`, `{"default":[1,"2"],"a":{"default":true}}`,
		`{"default":"a","default":"b"}`, `{"default":"\ud800"}`, `{"default":01}`, `{"default":-}`,
		`{"default":"`, `{"default"`, `{"default":`, `{"default":1`, `{"default":"x"`,
		`{"defaults":"x","adefault":"y","Default":"z"}`, `{"default":"x"} x`,
	)
	// The key at every distance from the document's end, where the walk
	// reads it with readKey.
	for _, v := range []string{`"123456"`, `7`, `null`, `"é"`} {
		doc := `{"a":1,"default":` + v + `}`
		for n := 0; n <= 10; n++ {
			docs = append(docs, doc+strings.Repeat(" ", n))
		}
	}
	return docs
}

// TestDocumentDefaults holds the defaults a document reports to a loop
// over Next.
func TestDocumentDefaults(t *testing.T) {
	for _, doc := range defaultDocs() {
		checkDefaults(t, doc)
	}
}

// FuzzDocumentDefaults holds the defaults a document reports to a loop
// over Next on any input.
func FuzzDocumentDefaults(f *testing.F) {
	for _, doc := range defaultDocs() {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkDefaults(t, doc) })
}
