package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/audit"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed12AuditUncheckedNeverPasses (red12 defect): a read the audit could
// not make is a finding whose message says "this is not a pass", High
// severity; with -fail-on critical the command exited 0 (pass) for an
// account it could not read at all, whose Critical checks (root caller,
// root MFA) never ran. Whatever -fail-on says, an audit that could not
// check something does not exit 0.
func TestRed12AuditUncheckedNeverPasses(t *testing.T) {
	e := newAWSEnv(t)
	denials := []struct{ service, op string }{
		{personalizetest.ServiceSTS, "GetCallerIdentity"},
		{personalizetest.ServiceIAM, personalizetest.AnyOperation},
		{personalizetest.ServicePersonalize, "ListDatasetGroups"},
		{personalizetest.ServiceCloudTrail, personalizetest.AnyOperation},
		{personalizetest.ServiceKMS, personalizetest.AnyOperation},
	}
	for _, d := range denials {
		for _, failOn := range []string{"critical", "high", "medium", "low"} {
			for _, format := range []string{"table", "json", "sarif"} {
				t.Run(fmt.Sprintf("%s:%s/-fail-on=%s/%s", d.service, d.op, failOn, format), func(t *testing.T) {
					e.s.Deny(d.service, d.op)
					defer e.s.Allow(d.service, d.op)
					code := e.run("audit", "-fail-on", failOn, "-format", format)
					out := e.stdout.String()
					got := struct {
						Passed, Reported bool
					}{code == exitOK, strings.Contains(out, audit.FindingReadDenied) || strings.Contains(out, audit.FindingReadFailed)}
					if diff := cmp.Diff(struct{ Passed, Reported bool }{false, true}, got); diff != "" {
						t.Errorf("exit %d (-want +got):\n%s\nstdout:\n%s\nstderr:\n%s", code, diff, out, &e.stderr)
					}
				})
			}
		}
	}
}
