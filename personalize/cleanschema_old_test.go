package personalize

import (
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// oldCleanSchema is cleanSchema before jsonscan.Document: a loop over the
// Scanner's tokens with the same key filter. The reference the new one is
// held to.
func oldCleanSchema(s string, det *sensitive.Detector) bool {
	var sc jsonscan.Scanner
	sc.Reset(s)
	var digits [48]byte
	var start [jsonscan.MaxDepth + 1]int32
	var seen [jsonscan.MaxDepth + 1]uint64
	var keyBuf [32]string
	keys := keyBuf[:0]
	for {
		k, err := sc.Next()
		if err != nil {
			return false
		}
		switch k {
		case jsonscan.End:
			return true
		case jsonscan.BeginObject:
			d := sc.Depth()
			start[d], seen[d] = int32(len(keys)), 0
		case jsonscan.EndObject:
			keys = keys[:start[sc.Depth()+1]]
		case jsonscan.Key:
			key := sc.Raw()
			if sc.Escaped() {
				key = sc.Text()
				if _, found := det.First(key); found {
					return false
				}
			}
			d := sc.Depth()
			bit := uint64(1) << (oldKeyHash(key) & 63)
			if seen[d]&bit != 0 && hasKey(keys[start[d]:], key) {
				return false
			}
			seen[d] |= bit
			keys = append(keys, key)
		case jsonscan.String:
			if sc.Escaped() {
				if _, found := det.First(sc.Text()); found {
					return false
				}
			}
		case jsonscan.Number:
			for _, form := range jsontext.NumberForms(sc.Raw(), &digits) {
				if _, found := det.First(form); found {
					return false
				}
			}
		}
	}
}

func oldKeyHash(key string) uint {
	if key == "" {
		return 0
	}
	return uint(len(key))*7 + uint(key[0])*3 + uint(key[len(key)-1])
}

// schemaSeeds are schemas clean and not: repeated keys at each depth,
// escaped identifying text in keys and values, numbers that spell a card,
// broken syntax, text after the document, deep nesting.
var schemaSeeds = []string{
	`{"type":"record","name":"I","fields":[{"name":"A","type":["null","string"],"default":null,"doc":"x"}]}`,
	`{"type":"record","name":"I","name":"J"}`,
	`{"a":{"b":1},"a":2}`,
	`{"a":{"b":1},"b":2}`,
	`{"a":{"b":1,"b":2}}`,
	`{"d\u006fc":"\u0061cct-12345678"}`,
	`{"doc":"jane.doe\u0040example.com"}`,
	`{"jane.doe\u0040example.com":1}`,
	`{"x":4.539703692581474e15,"y":0.4111111111111111}`,
	`{"x":4539703692581474.0}`,
	`{"type":"enum","symbols":["A","B"]} x`,
	`[[[[{"":1,"":2}]]]]`,
	`{"a":1,"\u0061":2}`,
	`{"a":[1,2,{"a":3}],"b":{"a":{"a":4}}}`,
	`{"a":1,}`, `{"a" 1}`, `["\x"]`, "[\"\xff\"]", ``, `  `,
	strings.Repeat("[", 65) + strings.Repeat("]", 65),
}

// TestCleanSchemaMatchesOld holds cleanSchema to oldCleanSchema on the
// seeds and on the benchmarks' schemas.
func TestCleanSchemaMatchesOld(t *testing.T) {
	g := testGuard(t, Policy{})
	for _, s := range append(schemaSeeds, schemaOfSize(10<<10), schemaOfSize(19<<10)) {
		if got, want := cleanSchema(s, g.s.Detector, nil), oldCleanSchema(s, g.s.Detector); got != want {
			t.Errorf("cleanSchema(%.80q) = %v, the old loop over Next says %v", s, got, want)
		}
		if _, _, got := cleanSchemaQuoted(nil, s, g.s.Detector, nil); got != cleanSchema(s, g.s.Detector, nil) {
			t.Errorf("cleanSchemaQuoted(%.80q) = %v, cleanSchema says the opposite", s, got)
		}
	}
}

// FuzzCleanSchemaMatchesOld is TestCleanSchemaMatchesOld on any text.
func FuzzCleanSchemaMatchesOld(f *testing.F) {
	for _, s := range schemaSeeds {
		f.Add(s)
	}
	g := testGuard(f, Policy{})
	f.Fuzz(func(t *testing.T, s string) {
		want := oldCleanSchema(s, g.s.Detector)
		if got := cleanSchema(s, g.s.Detector, nil); got != want {
			t.Fatalf("cleanSchema(%q) = %v, the old loop over Next says %v", s, got, want)
		}
		if _, _, got := cleanSchemaQuoted(nil, s, g.s.Detector, nil); got != want {
			t.Fatalf("cleanSchemaQuoted(%q) = %v, the old loop over Next says %v", s, got, want)
		}
	})
}
