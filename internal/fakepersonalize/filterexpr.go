package fakepersonalize

import (
	"errors"
	"strings"
)

// The runtime evaluates a subset of Personalize's filter expressions:
//
//	INCLUDE|EXCLUDE ItemID WHERE Items.<FIELD> IN|NOT IN|= (<values>)
//	INCLUDE|EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN|= (<values>)
//
// (ActionID, Actions and Action_Interactions for action filters), where
// <values> is one $PARAMETER or a list of double-quoted strings. Anything
// else (several conditions joined by AND, OR or |, Users or CurrentItem,
// comparisons) is refused by name with errUnsupported: a filter the emulator
// cannot evaluate must not pass silently, or a test would assert on
// recommendations AWS never gives. Errors never quote the expression.

var errUnsupported = errors.New("unsupported")

// filterError is why an expression cannot be evaluated; it names the
// construct, not the text.
type filterError struct{ reason string }

func (e *filterError) Error() string { return e.reason }
func (e *filterError) Unwrap() error { return errUnsupported }

// filterExpr is a parsed filter expression.
type filterExpr struct {
	include bool
	// dataset is the metadata dataset type (ITEMS, ACTIONS) or "" when the
	// condition is on the user's interactions.
	dataset string
	field   string // as written, matched case-insensitively
	negate  bool   // NOT IN
	param   string // the $PARAMETER's name, or "" for literal values
	values  []string
}

// filterTarget says what a filter selects: items or actions.
type filterTarget struct {
	id           string // ItemID, ActionID
	idColumn     string // ITEM_ID, ACTION_ID
	metadata     string // Items, Actions
	metadataType string // ITEMS, ACTIONS
	interactions string // Interactions, Action_Interactions
}

var (
	itemTarget   = filterTarget{"ItemID", "ITEM_ID", "Items", "ITEMS", "Interactions"}
	actionTarget = filterTarget{"ActionID", "ACTION_ID", "Actions", "ACTIONS", "Action_Interactions"}
)

type tokenKind uint8

const (
	tokWord tokenKind = iota + 1
	tokString
	tokParam
	tokPunct
)

type token struct {
	kind tokenKind
	text string
}

// tokenize splits an expression into words, "strings", $params and
// punctuation.
func tokenize(text string) ([]token, error) {
	var out []token
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			end := strings.IndexByte(text[i+1:], '"')
			if end < 0 {
				return nil, &filterError{"an unterminated string"}
			}
			out = append(out, token{tokString, text[i+1 : i+1+end]})
			i += end + 2
		case c == '$':
			j := i + 1
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			if j == i+1 {
				return nil, &filterError{"a $ without a parameter name"}
			}
			out = append(out, token{tokParam, text[i+1 : j]})
			i = j
		case isWordByte(c):
			j := i
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			out = append(out, token{tokWord, text[i:j]})
			i = j
		case strings.IndexByte("().,|=<>!", c) >= 0:
			out = append(out, token{tokPunct, string(c)})
			i++
		default:
			return nil, &filterError{"a character outside the filter grammar"}
		}
	}
	return out, nil
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// parseFilterExpression parses the supported subset for target.
func parseFilterExpression(text string, target filterTarget) (filterExpr, error) {
	toks, err := tokenize(text)
	if err != nil {
		return filterExpr{}, err
	}
	p := &tokens{toks: toks}
	var f filterExpr
	switch {
	case p.word("INCLUDE"):
		f.include = true
	case p.word("EXCLUDE"):
	default:
		return f, &filterError{"an expression that does not start with INCLUDE or EXCLUDE"}
	}
	if !p.word(target.id) {
		return f, &filterError{"an expression that does not select " + target.id}
	}
	if !p.word("WHERE") {
		return f, &filterError{"an expression without WHERE"}
	}
	ds, ok := p.next(tokWord)
	if !ok || !p.punct(".") {
		return f, &filterError{"a condition that does not name Dataset.FIELD"}
	}
	field, ok := p.next(tokWord)
	if !ok {
		return f, &filterError{"a condition that does not name Dataset.FIELD"}
	}
	f.field = field
	switch {
	case strings.EqualFold(ds, target.metadata):
		f.dataset = target.metadataType
	case strings.EqualFold(ds, target.interactions):
		if !strings.EqualFold(field, "EVENT_TYPE") {
			return f, &filterError{"a condition on " + target.interactions + " other than EVENT_TYPE"}
		}
	default:
		return f, &filterError{"a condition on a dataset other than " + target.metadata + " or " + target.interactions}
	}
	switch {
	case p.word("IN"):
	case p.word("NOT"):
		if !p.word("IN") || f.dataset == "" {
			return f, &filterError{"a NOT other than NOT IN on " + target.metadata}
		}
		f.negate = true
	case p.punct("="):
		v, isParam, err := p.value(&f)
		if err != nil {
			return f, err
		}
		if !isParam {
			f.values = []string{v}
		}
		return f, p.end()
	default:
		return f, &filterError{"an operator other than IN, NOT IN or ="}
	}
	if !p.punct("(") {
		return f, &filterError{"an IN without a parenthesised list"}
	}
	for {
		v, isParam, err := p.value(&f)
		if err != nil {
			return f, err
		}
		if !isParam {
			f.values = append(f.values, v)
		}
		if p.punct(")") {
			break
		}
		if !p.punct(",") {
			return f, &filterError{"a value list that is not comma-separated"}
		}
	}
	if f.param != "" && len(f.values) > 0 {
		return f, &filterError{"a value list mixing a parameter with literal values"}
	}
	return f, p.end()
}

// tokens is a cursor over a tokenized expression.
type tokens struct {
	toks []token
	i    int
}

func (p *tokens) word(w string) bool {
	if p.i < len(p.toks) && p.toks[p.i].kind == tokWord && strings.EqualFold(p.toks[p.i].text, w) {
		p.i++
		return true
	}
	return false
}

func (p *tokens) punct(c string) bool {
	if p.i < len(p.toks) && p.toks[p.i].kind == tokPunct && p.toks[p.i].text == c {
		p.i++
		return true
	}
	return false
}

func (p *tokens) next(kind tokenKind) (string, bool) {
	if p.i < len(p.toks) && p.toks[p.i].kind == kind {
		p.i++
		return p.toks[p.i-1].text, true
	}
	return "", false
}

// value reads one literal and returns it, or one $PARAMETER and records it
// in f. A second parameter is refused.
func (p *tokens) value(f *filterExpr) (v string, isParam bool, err error) {
	if v, ok := p.next(tokString); ok {
		return v, false, nil
	}
	if name, ok := p.next(tokParam); ok {
		if f.param != "" {
			return "", true, &filterError{"more than one parameter in a condition"}
		}
		f.param = name
		return "", true, nil
	}
	return "", false, &filterError{"a value that is neither a double-quoted string nor a $PARAMETER"}
}

func (p *tokens) end() error {
	if p.i < len(p.toks) {
		return &filterError{"more than one condition, or text after the condition"}
	}
	return nil
}

// parseFilterValues reads one filterValues entry: one or more double-quoted
// strings separated by commas (`"comedy","drama"`), as the runtime API
// takes them.
func parseFilterValues(v string) ([]string, bool) {
	toks, err := tokenize(v)
	if err != nil || len(toks) == 0 {
		return nil, false
	}
	var out []string
	for i, t := range toks {
		switch {
		case i%2 == 0 && t.kind == tokString:
			out = append(out, t.text)
		case i%2 == 1 && t.kind == tokPunct && t.text == ",":
		default:
			return nil, false
		}
	}
	if len(toks)%2 == 0 {
		return nil, false // a trailing comma
	}
	return out, true
}
