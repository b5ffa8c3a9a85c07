package iampolicy

import (
	"iter"
	"strings"
)

// ValueMatch reports whether the request value got matches the policy value
// want under the condition operator op ("StringLike", "ArnLike",
// "ForAnyValue:StringEquals", "StringEqualsIfExists"), compared as
// [Document.Evaluate] compares one pair. ok is false for an operator that
// Evaluate does not compare value by value (Null, or one it does not know):
// the outcome of such a condition does not depend on the value.
//
// Callers that evaluate a policy once for many values of one key use it to
// tell which values are equivalent: two values that every (op, want) pair on
// that key matches alike get the same decision.
func ValueMatch(op, want, got string) (match, ok bool) {
	op = baseOperator(op)
	m, _, ok := operator(op)
	if !ok {
		return false, false
	}
	return m(want, got), true
}

// ValueMatcher returns ValueMatch(op, want, ·) as a function of the request
// value, with what depends on op and want alone worked out once: the
// operator, and an ARN pattern's six components. Callers that test many
// request values against one policy value (a key policy's aws:SourceArn
// against each new dataset group) build it once. ok is as ValueMatch's.
func ValueMatcher(op, want string) (match func(got string) bool, ok bool) {
	op = baseOperator(op)
	m, _, ok := operator(op)
	if !ok {
		return nil, false
	}
	switch op {
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		p := compileARNPattern(want)
		return p.match, true
	case "StringLike", "StringNotLike":
		g := compileGlob(want)
		return g.match, true
	case "StringEquals", "StringNotEquals":
		return func(got string) bool { return got == want }, true
	}
	return func(got string) bool { return m(want, got) }, true
}

// ARNValueMatcher is ValueMatcher for the ARN operators (ArnLike,
// ArnEquals and their negations, with set prefixes and IfExists), split at
// the ARN's fifth colon: head answers for an ARN's first five components
// given as the text up to and including that colon
// ("arn:aws:personalize:us-east-1:111122223333:"), resource for what
// follows it. An ARN with five colons matches exactly when both do. Callers
// that see many ARNs with one head (a new dataset group on every call) ask
// head once per head. ok is false for any other operator.
func ARNValueMatcher(op, want string) (head, resource func(string) bool, ok bool) {
	op = baseOperator(op)
	switch op {
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
	default:
		return nil, nil, false
	}
	p := compileARNPattern(want)
	return p.matchHead, p.resource.match, true
}

// globKind is the shape of a compiled pattern: most condition values are a
// literal or a literal with '*' at one end or both, which a string
// comparison decides without the general walk.
type globKind uint8

const (
	globWalk     globKind = iota // anything else: globBytes
	globExact                    // no wildcard: got == lit
	globAny                      // only '*'s: anything
	globPrefix                   // lit then '*'s
	globSuffix                   // '*'s then lit
	globContains                 // '*'s, lit, '*'s
)

// compiledGlob is Glob(pattern, ·, false), its shape worked out once.
type compiledGlob struct {
	kind    globKind
	lit     string // the literal part, for every kind but globWalk
	pattern string
}

// compileGlob sorts p into a kind that matches exactly as globBytes(p, ·)
// does. Only patterns without '?' take a shortcut: there '*' matches any
// run of bytes, as a prefix, suffix or substring test does; a '?' matches a
// whole UTF-8 character, which the walk alone handles.
func compileGlob(p string) compiledGlob {
	g := compiledGlob{kind: globWalk, pattern: p}
	if strings.IndexByte(p, '?') >= 0 {
		return g
	}
	inner := strings.Trim(p, "*")
	if strings.IndexByte(inner, '*') >= 0 {
		return g
	}
	lead, trail := strings.HasPrefix(p, "*"), strings.HasSuffix(p, "*")
	g.lit = inner
	switch {
	case inner == "" && p != "":
		g.kind = globAny
	case !lead && !trail:
		g.kind = globExact
	case !lead:
		g.kind = globPrefix
	case !trail:
		g.kind = globSuffix
	default:
		g.kind = globContains
	}
	return g
}

func (g *compiledGlob) match(s string) bool {
	switch g.kind {
	case globExact:
		return s == g.lit
	case globAny:
		return true
	case globPrefix:
		return strings.HasPrefix(s, g.lit)
	case globSuffix:
		return strings.HasSuffix(s, g.lit)
	case globContains:
		return strings.Contains(s, g.lit)
	}
	return globBytes(g.pattern, s)
}

// ValueConditions yields the operator and each policy value of s's
// conditions on key (matched without case, as IAM matches keys), skipping
// operators that Evaluate decides without comparing values (see
// [ValueMatch]). Callers list them to tell which request values a policy can
// tell apart.
func (s *Statement) ValueConditions(key string) iter.Seq2[string, string] {
	return func(yield func(op, want string) bool) {
		for op, keys := range s.Condition {
			if _, ok := ValueMatch(op, "", ""); !ok {
				continue
			}
			for k, vals := range keys {
				if !strings.EqualFold(k, key) {
					continue
				}
				for _, v := range vals {
					if !yield(op, v) {
						return
					}
				}
			}
		}
	}
}

// baseOperator returns op without its set prefix ("ForAnyValue:") and its
// IfExists suffix: the operator that compares one pair.
func baseOperator(op string) string {
	if i := strings.IndexByte(op, ':'); i >= 0 {
		op = op[i+1:]
	}
	op, _ = strings.CutSuffix(op, "IfExists")
	return op
}
