package jsonscan

import (
	"strings"
	"testing"
)

// checkNextPlainString holds NextPlainString on s to Next: when it reads a
// token, Next reads a String there and leaves the scanner where
// NextPlainString does; when it does not, s is as it was.
func checkNextPlainString(t *testing.T, s Scanner) (read bool) {
	t.Helper()
	ref := s
	k, err := ref.Next()
	got := s
	switch ok := got.NextPlainString(); {
	case ok && (err != nil || k != String):
		t.Fatalf("NextPlainString at offset %d of %q read a string where Next reads %v, %v", s.pos, s.data, k, err)
	case ok && got != ref:
		t.Fatalf("NextPlainString at offset %d of %q left the scanner at %d (state %d), Next at %d (state %d)", s.pos, s.data, got.pos, got.state, ref.pos, ref.state)
	case !ok && got != s:
		t.Fatalf("NextPlainString at offset %d of %q moved the scanner without reading", s.pos, s.data)
	}
	// It reads where eight bytes or more follow the string's opening quote
	// (the closing quote may be among the input's last eight), and every
	// byte of it is plain.
	i := s.pos
	want := err == nil && k == String && s.data[i] == '"' && !ref.escaped &&
		len(s.data)-i-1 >= 8
	for _, c := range []byte(ref.Raw()) {
		want = want && c >= 0x20 && c < 0x80
	}
	if ok := got != s; ok != want {
		t.Fatalf("NextPlainString at offset %d of %q = %v, want %v", s.pos, s.data, ok, want)
	}
	return want
}

func TestNextPlainString(t *testing.T) {
	long := strings.Repeat("abcdefgh", 5)
	docs := []string{
		`{"k":"v","l":["w","x"]}`, `{"k": "v"}`, `{"k":"v" ,"l":"w"}`, `["a","b"]`, `"k"`, `""`, `["",""]`,
		`{"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","name":"movies-1"}`,
		`{"k":"` + long + `"}`, `{"k":"` + long + `"`, `{"k":"` + long, `{"k":"` + long + `\"x"}`,
		`{"k":"a\"b","l":"é","m":"a` + "\x01" + `","n":"` + long + `é"}`,
		`{"k":"abcdefg"}`, `{"k":"abcdefgh"}`, `{"k":"abcdefghi"}`, `{"k":"abcdefghijklmno"}`, `{"k":"a`,
		// Closing quotes among the input's last eight bytes, after one word
		// or more; special bytes in the overlap of the last two words.
		`{"k":"abcdefghijklmnop"}`, `{"k":"abcdefghijklmno"} `, `{"k":"abcdefghij\"k"}`, `{"k":"abcdefghijé"}`,
		`{"k":"abcdefghijk` + "\x1f" + `"}`, `{"k":"abcdefghijklmnopq`, `{"a":"abc","k":"abcdefghijklm"}`,
		`{"k":1,"l":true,"m":null,"n":{},"o":[]}`, `[1,"a",{"k":"v"},"b"]`, `{"k":"v"}x`, `{"k":"v"},"w"`,
	}
	reads := 0
	for _, doc := range docs {
		eachPosition(doc, func(s Scanner, _ string) {
			if checkNextPlainString(t, s) {
				reads++
			}
		})
		// Cut short at every byte: a string near the end is Next's.
		for n := range len(doc) {
			eachPosition(doc[:n], func(s Scanner, _ string) { checkNextPlainString(t, s) })
		}
	}
	if reads < 8 { // the plain strings above whose word ends before the input does
		t.Errorf("NextPlainString read %d strings, want 8 or more", reads)
	}
}

// FuzzNextPlainString holds NextPlainString to Next at every token of any
// document.
func FuzzNextPlainString(f *testing.F) {
	for _, s := range []string{`{"k":"v"}`, `{"k":"abcdefghijklmnop","l":["abcdefgh\"x"]}`, ` { "k" : "v" } `, `["é","\u0061"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		eachPosition(doc, func(s Scanner, _ string) { checkNextPlainString(t, s) })
	})
}

// checkNextObjectEnd holds NextObjectEnd on s to Next: it reads a token
// exactly where Next reads an EndObject at once, and leaves the scanner
// where Next does; elsewhere s is as it was.
func checkNextObjectEnd(t *testing.T, s Scanner) (read bool) {
	t.Helper()
	ref := s
	k, err := ref.Next()
	got := s
	ok := got.NextObjectEnd()
	want := err == nil && k == EndObject && ref.start == s.pos
	switch {
	case ok != want:
		t.Fatalf("NextObjectEnd at offset %d of %q = %v, want %v (Next: %v, %v)", s.pos, s.data, ok, want, k, err)
	case ok && got != ref:
		t.Fatalf("NextObjectEnd at offset %d of %q left the scanner at %d (state %d), Next at %d (state %d)", s.pos, s.data, got.pos, got.state, ref.pos, ref.state)
	case !ok && got != s:
		t.Fatalf("NextObjectEnd at offset %d of %q moved the scanner without reading", s.pos, s.data)
	}
	return ok
}

func TestNextObjectEnd(t *testing.T) {
	docs := []string{
		`{}`, `{ }`, `{"k":"v"}`, `{"k":"v" }`, `{"k":"v",}`, `{"k":{}}`, `{"k":[{}]}`, `[{},{"k":1}]`, `[}`, `[1}`,
		`{"k":1}}`, `{"k":1},`, `{"k":true}`, `{"k":{"l":{"m":null}}}`, `}`, `"}"`, `{"}":"}"}`, `{"k":"v"`,
	}
	reads := 0
	for _, doc := range docs {
		for n := range len(doc) + 1 {
			eachPosition(doc[:n], func(s Scanner, _ string) {
				if checkNextObjectEnd(t, s) {
					reads++
				}
			})
		}
	}
	if reads == 0 {
		t.Error("NextObjectEnd read no object's end")
	}
}

// FuzzNextObjectEnd holds NextObjectEnd to Next at every token of any
// document.
func FuzzNextObjectEnd(f *testing.F) {
	for _, s := range []string{`{"k":{"l":[]}}`, `[{},{ }]`, `{"k":1,}`, `[}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		eachPosition(doc, func(s Scanner, _ string) { checkNextObjectEnd(t, s) })
	})
}

// checkNextOpen holds NextOpen, NextArrayEnd and AtEnd on s to Next: each
// reads a token exactly where Next reads it at once (a '{' or '[' where
// NextOpen reads, a ']' where NextArrayEnd does, the end where AtEnd
// says so) and leaves the scanner where Next does; elsewhere s is as it
// was. It reports which of them read.
func checkNextOpen(t *testing.T, s Scanner) (opened, closed, ended bool) {
	t.Helper()
	ref := s
	k, err := ref.Next()
	at := err == nil && ref.start == s.pos // the token starts where s stands
	got := s
	switch opened = got.NextOpen() != Invalid; {
	case opened != (err == nil && (k == BeginObject || k == BeginArray) && at):
		t.Fatalf("NextOpen at offset %d of %q read %v (Next: %v, %v)", s.pos, s.data, opened, k, err)
	case opened && got != ref:
		t.Fatalf("NextOpen at offset %d of %q left the scanner at %d (state %d), Next at %d (state %d)", s.pos, s.data, got.pos, got.state, ref.pos, ref.state)
	case !opened && got != s:
		t.Fatalf("NextOpen at offset %d of %q moved the scanner without reading", s.pos, s.data)
	}
	if opened {
		if k2 := s; k2.NextOpen() != k {
			t.Fatalf("NextOpen at offset %d of %q returned another kind than Next's %v", s.pos, s.data, k)
		}
	}
	got = s
	switch closed = got.NextArrayEnd(); {
	case closed != (err == nil && k == EndArray && at):
		t.Fatalf("NextArrayEnd at offset %d of %q = %v (Next: %v, %v)", s.pos, s.data, closed, k, err)
	case closed && got != ref:
		t.Fatalf("NextArrayEnd at offset %d of %q left the scanner at %d (state %d), Next at %d (state %d)", s.pos, s.data, got.pos, got.state, ref.pos, ref.state)
	case !closed && got != s:
		t.Fatalf("NextArrayEnd at offset %d of %q moved the scanner without reading", s.pos, s.data)
	}
	ended = s.AtEnd()
	if ended && (err != nil || k != End || ref != s) {
		t.Fatalf("AtEnd at offset %d of %q, where Next reads %v, %v", s.pos, s.data, k, err)
	}
	if !ended && err == nil && k == End && s.pos >= len(s.data) {
		t.Fatalf("not AtEnd at the end of %q, where Next reads End", s.data)
	}
	return opened, closed, ended
}

func TestNextOpen(t *testing.T) {
	docs := []string{
		`{}`, `[]`, `{"k":{}}`, `{"k":[]}`, `[[],{}]`, `[ [ ] ]`, `{"k": {}}`, `{"k":[{"l":1},{}]}`, `[1,[2],{"k":[]}]`,
		`[}`, `{]`, `[1]]`, `[1],`, `{"k":[1,]}`, `{"k":"["}`, `"["`, ` [ ]`, `[] `, `{} x`, `[{"k":"v"}]`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), strings.Repeat("[", MaxDepth+1),
	}
	var opened, closed, ended int
	for _, doc := range docs {
		for n := range len(doc) + 1 {
			eachPosition(doc[:n], func(s Scanner, _ string) {
				o, c, e := checkNextOpen(t, s)
				opened, closed, ended = opened+b2i(o), closed+b2i(c), ended+b2i(e)
			})
		}
	}
	if opened == 0 || closed == 0 || ended == 0 {
		t.Errorf("read %d opens, %d list ends, %d ends: want some of each", opened, closed, ended)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FuzzNextOpen holds NextOpen, NextArrayEnd and AtEnd to Next at every
// token of any document.
func FuzzNextOpen(f *testing.F) {
	for _, s := range []string{`{"k":[{},[]]}`, `[ {} , [ ] ]`, `[1,]`, `[}`, `{]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		eachPosition(doc, func(s Scanner, _ string) { checkNextOpen(t, s) })
	})
}
