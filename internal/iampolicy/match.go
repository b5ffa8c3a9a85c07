package iampolicy

import "strings"

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
