package audit

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
)

// TestUnread: an account whose STS read is denied passes at Critical (its
// read-denied finding is High) but is not a pass: Unread counts the reads
// not made, and a good account has none.
func TestUnread(t *testing.T) {
	a := newAccount(t)
	if got := a.run(t).Unread(); got != 0 {
		t.Errorf("good account: Unread() = %d, want 0", got)
	}
	a.s.Deny(personalizetest.ServiceSTS, "GetCallerIdentity")
	defer a.s.Allow(personalizetest.ServiceSTS, "GetCallerIdentity")
	res := a.run(t)
	got := struct {
		PassedCritical bool
		Unread         bool
	}{res.Report.Passed(posture.Critical), res.Unread() > 0}
	want := struct {
		PassedCritical bool
		Unread         bool
	}{true, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("STS denied (-want +got):\n%s\nfindings: %v", diff, res.Report.IDs())
	}
}
