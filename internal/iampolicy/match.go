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
	if i := strings.IndexByte(op, ':'); i >= 0 {
		op = op[i+1:]
	}
	op, _ = strings.CutSuffix(op, "IfExists")
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
	if i := strings.IndexByte(op, ':'); i >= 0 {
		op = op[i+1:]
	}
	op, _ = strings.CutSuffix(op, "IfExists")
	m, _, ok := operator(op)
	if !ok {
		return nil, false
	}
	switch op {
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		p := compileARNPattern(want)
		return p.match, true
	}
	return func(got string) bool { return m(want, got) }, true
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
