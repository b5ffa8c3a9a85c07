package jsonscan

import (
	"strings"
	"testing"
)

// nextKeyInRef is what NextKeyIn replaces: Next, then the token's kind and
// raw text compared with each key from index from on (a name written with an escape, such as
// "\u0061" for "a", is not a key written exactly: the caller reads it with
// Next). It returns the scanner after the
// token and the index of the key it is, or -1. NextKeyIn reads only where a
// name starts at once, not past white space or a ',' Next would step over
// first.
func nextKeyInRef(s Scanner, keys []PlainKey, from int) (Scanner, int) {
	atKey := (s.state == stKey || s.state == stKeyOrEnd) && s.pos < len(s.data) && s.data[s.pos] == '"'
	k, err := s.Next()
	if !atKey || err != nil || k != Key {
		return s, -1
	}
	for i := max(from, 0); i < len(keys); i++ {
		if s.Raw() == keys[i].name {
			return s, i
		}
	}
	return s, -1
}

// checkNextKeyIn holds NextKeyIn on s to nextKeyInRef from each index of
// keys: the same answer and, on a match, the same scanner after it; on
// none, s as it was.
func checkNextKeyIn(t *testing.T, s Scanner, keys []PlainKey) {
	t.Helper()
	for from := -1; from <= len(keys)+1; from++ {
		refAfter, refAt := nextKeyInRef(s, keys, from)
		got := s
		at := got.NextKeyIn(keys, from)
		switch {
		case at != refAt:
			t.Fatalf("NextKeyIn(%v, %d) at offset %d of %q = %d, Next+Raw says %d", keys, from, s.pos, s.data, at, refAt)
		case at >= 0 && got != refAfter:
			t.Fatalf("NextKeyIn(%v, %d) at offset %d of %q left the scanner at %d (state %d), Next at %d (state %d)", keys, from, s.pos, s.data, got.pos, got.state, refAfter.pos, refAfter.state)
		case at < 0 && got != s:
			t.Fatalf("NextKeyIn(%v, %d) at offset %d of %q moved the scanner without a match", keys, from, s.pos, s.data)
		}
	}
}

// plainKeys returns the plain ones of names as keys.
func plainKeys(names ...string) []PlainKey {
	var keys []PlainKey
	for _, n := range names {
		if k, ok := NewPlainKey(n); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

func TestNewPlainKey(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"userId", true}, {"", true}, {"a b-c_d.e:f~", true}, {"\x7f", true},
		{`a"b`, false}, {`a\b`, false}, {"a\nb", false}, {"\x00", false}, {"é", false}, {"\xff", false},
	} {
		if _, ok := NewPlainKey(tt.name); ok != tt.want {
			t.Errorf("NewPlainKey(%q) ok = %v, want %v", tt.name, ok, tt.want)
		}
	}
}

func TestNextKeyIn(t *testing.T) {
	docs := []string{
		`{"k":"v","l":["w"]}`, `{"k" :1}`, `{ "k":1}`, `{"k":1 ,"l":2}`, `{}`, `{"":1}`, `{"k"}`, `{"k"`, `{"k`, `{"k":`,
		`{"eventType":"view","itemId":"item-1","properties":"{\"device\":\"mobile\"}","sentAt":1.7e9}`,
		`{"campaignArn":"arn","context":{"DEVICE":"mobile"},"numResults":10,"userId":"pu1_x"}`,
		`{"a\"b":1,"a\\b":2,"\u0061":3,"é":4,"a` + "\x01" + `":5}`,
		`{"` + strings.Repeat("abcdefgh", 7) + `":1}`, `[{"k":1},"k",{"k":{"k":"k"}}]`, `"k"`,
		// Names over 16 bytes, compared a word at a time between their
		// first and last words, and short ones at the end of the input.
		`{"publishAttributionMetricsToS3":true,"algorithmHyperParameterRanges":{}}`,
		`{"abcdefghijklmnopq":1,"abcdefghijklmnopqrstuvw":2,"abcdefghijklmnopqrstuvwx":3,"abcdefghijklmnopqrstuvwxy":4}`,
		`{"ab"`, `{"abcdefg"`, `{"abcdefgh"`, `{"a":1,"abcdefg"`,
	}
	keySets := [][]PlainKey{
		nil, plainKeys("k"), plainKeys("l", "k"), plainKeys("", "k"), plainKeys("ke", "k", "kk"),
		plainKeys("eventId", "eventType", "eventValue", "impression", "itemId", "metricAttribution", "properties", "recommendationId", "sentAt"),
		plainKeys("campaignArn", "context", "filterArn", "numResults", "userId", "DEVICE"),
		plainKeys("a", "ab", "a\\b", "a\"b", "é", strings.Repeat("abcdefgh", 7)),
	}
	for _, doc := range docs {
		eachPosition(doc, func(s Scanner, text string) {
			for _, keys := range append(keySets, plainKeys(nearMisses(text)...)) {
				checkNextKeyIn(t, s, keys)
			}
		})
	}
}

// FuzzNextKeyIn holds NextKeyIn to Next and Text at every token of any
// document, against the token's own text, near misses and other.
func FuzzNextKeyIn(f *testing.F) {
	for _, s := range []string{`{"k":"v"}`, `{"a\"b":1}`, `{"k" :1,"l":[{"m":2}]}`, ` { "k" : "v" } `, `{"é":1}`} {
		f.Add(s, "k")
	}
	f.Fuzz(func(t *testing.T, doc, other string) {
		eachPosition(doc, func(s Scanner, text string) {
			checkNextKeyIn(t, s, plainKeys(append(nearMisses(text), other, text+other)...))
			checkNextKeyIn(t, s, plainKeys(other, text))
		})
	})
}
