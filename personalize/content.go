package personalize

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/smithy-go/middleware"
)

// maxDepth bounds the recorded field path; Personalize inputs nest about
// eight levels deep.
const maxDepth = 16

// walker walks one input along its compiled plan. It lives on the stack and
// allocates nothing unless a field fails.
type walker struct {
	g     *Guard
	ctx   context.Context
	depth int
	segs  [maxDepth]segment
}

func (w *walker) push(s segment) {
	if w.depth < maxDepth {
		w.segs[w.depth] = s
	}
	w.depth++
}

func (w *walker) pop() { w.depth-- }

func (w *walker) path() string { return fieldPath(w.segs[:min(w.depth, maxDepth)]) }

func (w *walker) walk(n *node, v reflect.Value) error {
	switch n.kind {
	case kindString:
		return w.check(n.rule, v.String())
	case kindPtr:
		if v.IsNil() {
			return nil
		}
		return w.walk(n.elem, v.Elem())
	case kindStruct:
		for _, f := range n.fields {
			w.push(segment{name: f.name, index: -1})
			if err := w.walk(f, v.Field(f.index)); err != nil {
				return err
			}
			w.pop()
		}
	case kindSlice:
		if n.maxLen > 0 && v.Len() > n.maxLen {
			if err := w.fail(RuleTagLimits, "at most "+strconv.Itoa(n.maxLen)+" tags"); err != nil {
				return err
			}
		}
		for i := range v.Len() {
			w.push(segment{index: i})
			if err := w.walk(n.elem, v.Index(i)); err != nil {
				return err
			}
			w.pop()
		}
	case kindMap:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			if n.keyRule != ruleSkip {
				w.push(segment{index: -1, key: 1, mapV: v, mapK: k})
				if err := w.check(n.keyRule, k.String()); err != nil {
					return err
				}
				w.pop()
			}
			if n.elem != nil {
				w.push(segment{index: -1, key: 2, mapV: v, mapK: k})
				if err := w.walk(n.elem, iter.Value()); err != nil {
					return err
				}
				w.pop()
			}
		}
	}
	return nil
}

// check applies rule to one string: first the detector, whose finding is the
// more useful one to report, then the model's constraint for the field.
func (w *walker) check(rule fieldRule, s string) error {
	switch rule {
	case ruleSkip, ruleS3Location, ruleKMSKey:
		return nil
	case ruleSchema:
		// Checked key by key, so the path says where in the document.
		return w.checkSchema(s)
	}
	if f, ok := w.g.s.Detector.First(s); ok {
		return w.fail(RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	switch rule {
	case ruleResourceName:
		if !validName(s) {
			return w.fail(RuleNamePattern, "must be 1-63 letters, digits, '-' or '_', starting with a letter or digit")
		}
	case ruleTagKey:
		if n := utf8.RuneCountInString(s); n < 1 || n > maxTagKeyLen || !validTagText(s) || hasPrefixFold(s, "aws:") {
			return w.fail(RuleTagLimits, "tag keys are 1-128 letters, digits, spaces or _.:/=+-@ and do not start with aws:")
		}
	case ruleTagValue:
		if utf8.RuneCountInString(s) > maxTagValueLen || !validTagText(s) {
			return w.fail(RuleTagLimits, "tag values are 0-256 letters, digits, spaces or _.:/=+-@")
		}
	case ruleFilterExpression:
		if n := utf8.RuneCountInString(s); n < 1 || n > maxFilterExpressionLen {
			return w.fail(RuleFieldLength, "filter expressions are 1-2500 characters")
		}
	}
	return nil
}

const sensitiveReason = "identifying values must not go into names, tags or other free-form fields: AWS keeps them in billing and diagnostic logs and in CloudTrail"

func (w *walker) fail(rule, reason string) error {
	return w.failAt(w.path(), rule, reason)
}

func (w *walker) failAt(field, rule, reason string) error {
	return w.g.violation(w.ctx, &SafeguardError{Operation: middleware.GetOperationName(w.ctx), Field: field, Rule: rule, Reason: reason})
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// avroKeywords are the attribute names the path may show; any other key is
// the caller's own and shows as "*".
var avroKeywords = map[string]bool{
	"type": true, "name": true, "namespace": true, "doc": true, "fields": true, "symbols": true, "items": true,
	"values": true, "aliases": true, "default": true, "order": true, "size": true, "logicalType": true,
}

const (
	maxSchemaLen   = 20000 // the model's limit on CreateSchema's Schema
	maxSchemaDepth = 64
)

// errSchemaStop ends a schema walk after a syntax error that report-only
// mode has recorded: the decoder cannot go on.
var errSchemaStop = errors.New("schema walk stopped")

// checkSchema checks every key, string and number of CreateSchema's Avro
// document — record, field and enum names, docs, defaults and custom
// attributes all end up in Personalize's logs — reading it token by token so
// that what is checked is exactly what is sent: a duplicate key, which a map
// decoder would silently collapse, or text after the document is refused.
func (w *walker) checkSchema(s string) error {
	path := w.path()
	if utf8.RuneCountInString(s) > maxSchemaLen {
		return w.failAt(path, RuleFieldLength, "schemas are at most 20000 characters")
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	err := w.schemaValue(dec, path, 0)
	if err == nil {
		if _, eof := dec.Token(); eof != io.EOF {
			err = w.schemaSyntax(path, "the schema is not a single JSON document")
		}
	}
	if err == errSchemaStop {
		err = nil
	}
	if err != nil {
		return err
	}
	// Backstop on the raw text, as sent: escapes and layout cannot hide a
	// value from both checks.
	if f, ok := w.g.s.Detector.First(s); ok {
		return w.failAt(path, RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	return nil
}

// schemaSyntax reports a document the guard cannot read. The decoder's own
// message can quote input bytes, so it is left out.
func (w *walker) schemaSyntax(path, reason string) error {
	if err := w.failAt(path, RuleSchemaJSON, reason); err != nil {
		return err
	}
	return errSchemaStop
}

func (w *walker) schemaValue(dec *json.Decoder, path string, depth int) error {
	if depth > maxSchemaDepth {
		return w.schemaSyntax(path, "the schema nests too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return w.schemaSyntax(path, "the schema is not a single JSON document")
	}
	switch t := tok.(type) {
	case string:
		return w.schemaText(path, t)
	case json.Number:
		return w.schemaText(path, t.String())
	case json.Delim:
		switch t {
		case '{':
			seen := make(map[string]bool)
			for dec.More() {
				kt, err := dec.Token()
				key, ok := kt.(string)
				if err != nil || !ok {
					return w.schemaSyntax(path, "the schema is not a single JSON document")
				}
				seg := "*"
				if avroKeywords[key] {
					seg = key
				}
				if seen[key] {
					if err := w.failAt(path+"."+seg, RuleSchemaJSON, "the schema repeats a key; readers disagree on which value counts"); err != nil {
						return err
					}
				}
				seen[key] = true
				if err := w.schemaText(path+"."+seg, key); err != nil {
					return err
				}
				if err := w.schemaValue(dec, path+"."+seg, depth+1); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if err := w.schemaValue(dec, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
					return err
				}
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return w.schemaSyntax(path, "the schema is not a single JSON document")
		}
	}
	return nil
}

func (w *walker) schemaText(path, s string) error {
	if f, ok := w.g.s.Detector.First(s); ok {
		return w.failAt(path, RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	return nil
}
