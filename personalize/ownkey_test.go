package personalize

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// TestStateOwnsInjectedWithoutCopy: a call state notes the guard's own
// copy of the key and role it injects as it is, those bytes at that
// length, and copies every other string: a prefix at the copy's address
// (which is not the key), and equal bytes at another address, which are
// the caller's and which it may rewrite.
func TestStateOwnsInjectedWithoutCopy(t *testing.T) {
	g := testGuard(t, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN})
	st := &callState{g: g}
	buf := []byte(testKeyARN)
	caller := unsafe.String(&buf[0], len(buf))
	for _, tt := range []struct {
		name   string
		s      string
		shared bool // kept as it is, not copied
	}{
		{"the guard's key", g.s.KMSKeyARN, true},
		{"the guard's role", g.s.RoleARN, true},
		{"the key's text elsewhere", strings.Clone(testKeyARN), false},
		{"the role's text elsewhere", strings.Clone(testRoleARN), false},
		{"a prefix of the guard's key at its address", g.s.KMSKeyARN[:len(g.s.KMSKeyARN)-4], false},
		{"the key's text in the caller's buffer", caller, false},
		{"another string", "movies", false},
	} {
		got := st.own(tt.s)
		if got != tt.s {
			t.Errorf("%s: own gave %q", tt.name, got)
		}
		if shared := unsafe.StringData(got) == unsafe.StringData(tt.s); shared != tt.shared {
			t.Errorf("%s: kept without a copy: %v, want %v", tt.name, shared, tt.shared)
		}
	}
	owned := st.own(caller)
	copy(buf, strings.Repeat("x", len(buf)))
	if owned != testKeyARN {
		t.Error("the state's copy changed with the caller's buffer")
	}
	// A state of no guard (a refusal's) copies everything.
	if got := (&callState{}).own(g.s.KMSKeyARN); unsafe.StringData(got) == unsafe.StringData(g.s.KMSKeyARN) {
		t.Error("a state of no guard kept the key without a copy")
	}
}

// TestPolicyKeyAndRoleCopied: the guard keeps copies of the key and role
// it injects, so a caller that built them over a buffer it rewrites after
// NewGuard changes neither what the guard injects nor what its call states
// note without a copy (see callState.own).
func TestPolicyKeyAndRoleCopied(t *testing.T) {
	key, role := []byte(testKeyARN), []byte(testRoleARN)
	g := testGuard(t, Policy{KMSKeyARN: unsafe.String(&key[0], len(key)), RoleARN: unsafe.String(&role[0], len(role))})
	copy(key, strings.Repeat("x", len(key)))
	copy(role, strings.Repeat("y", len(role)))
	want := []string{testKeyARN, testRoleARN, testKeyARN}
	if diff := cmp.Diff(want, []string{g.s.KMSKeyARN, g.s.RoleARN, g.s.key.String()}); diff != "" {
		t.Errorf("the guard's key and role after the caller rewrote its buffers (-want +got):\n%s", diff)
	}
}
