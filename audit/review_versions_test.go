package audit

import (
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// TestCheckPermissionsMixedVersions: each policy is read in its own
// version when the role's policies are evaluated together. A 2012-10-17
// Deny on the key named "a*" (a${*}) must not deny a${b}/ because another
// policy of the role is 2008-10-17; and a 2008-10-17 Allow on a${b}/*
// (no variables there) grants that prefix for sure.
func TestCheckPermissionsMixedVersions(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/P"
	u := Usage{Partition: "aws", Region: "us-east-1", AccountID: "111122223333",
		Locations: []Use{{Location: s3guard.Location{Bucket: "data", Key: "a${b}/"}, Direction: s3guard.Read}}}
	d2012 := &iampolicy.Document{Version: iampolicy.Version2012, Statement: []iampolicy.Statement{
		{Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:GetObject"}, Resource: iampolicy.Values{"arn:aws:s3:::data/a${$}{b}/*"}},
		{Effect: iampolicy.Deny, Action: iampolicy.Values{"s3:GetObject"}, Resource: iampolicy.Values{"arn:aws:s3:::data/a${*}/*"}},
	}}
	d2008 := &iampolicy.Document{Version: "2008-10-17", Statement: []iampolicy.Statement{
		{Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:ListBucket"}, Resource: iampolicy.Values{"arn:aws:s3:::data"}},
	}}
	grant2008 := &iampolicy.Document{Version: "2008-10-17", Statement: []iampolicy.Statement{
		{Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:GetObject"}, Resource: iampolicy.Values{"arn:aws:s3:::data/a${b}/*"}},
	}}
	list2012 := &iampolicy.Document{Version: iampolicy.Version2012, Statement: []iampolicy.Statement{
		{Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:ListBucket"}, Resource: iampolicy.Values{"arn:aws:s3:::data"}},
	}}
	for _, docs := range [][]*iampolicy.Document{{d2012, d2008}, {grant2008, list2012}} {
		a := &auditor{}
		a.checkPermissions(role, u, docs, true)
		for _, f := range a.findings {
			if f.ID == FindingRoleMissingAccess {
				t.Errorf("finding %s: %s", f.ID, f.Message)
			}
		}
	}
	if got := grant2008.Statement[0].Resource[0]; got != "arn:aws:s3:::data/a${b}/*" {
		t.Errorf("checkPermissions changed the caller's policy: %q", got)
	}
}
