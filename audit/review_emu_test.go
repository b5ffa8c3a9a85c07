package audit

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
)

// TestE2EAWSManagedPolicyVersions gives the role its permissions through an
// AWS managed policy whose default version is not v1, as roles in
// production often have them: the audit must read the policy in account
// "aws", on its path, at DefaultVersionId. Version v1 grants nothing, so
// an audit that read v1 would report missing access.
func TestE2EAWSManagedPolicyVersions(t *testing.T) {
	const awsARN = "arn:aws:iam::aws:policy/service-role/ReviewPersonalizeAccess"
	a := newAccount(t)
	empty := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
	for _, doc := range []string{empty, goodPolicy(a.as.Bucket, a.as.KeyARN)} {
		if _, err := a.s.PutRole(personalizetest.Role{Name: testRole, TrustPolicy: goodTrust,
			Attached: map[string]string{awsARN: doc}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := a.run(t).Report.Blocking(posture.Low); len(got) != 0 {
		t.Errorf("role with its access in an AWS managed policy's v2 has findings: %v", got)
	}
}

// TestE2EMaciePaused checks that a suspended Macie (GetMacieSession status
// PAUSED, the call itself succeeding) is reported as not enabled: it scans
// nothing, though its jobs are still listed.
func TestE2EMaciePaused(t *testing.T) {
	a := newAccount(t)
	a.setMacie(t, func(m *personalizetest.Macie) { m.Paused = true })
	var ids []string
	for _, f := range a.run(t).Report.Blocking(posture.Low) {
		ids = append(ids, f.ID)
	}
	if diff := cmp.Diff([]string{FindingMacieDisabled}, ids); diff != "" {
		t.Errorf("findings of a paused Macie (-want +got):\n%s", diff)
	}
}

// TestE2EAdvancedEventSelectors checks the trail checks on a trail whose
// management events are selected by an advanced event selector, which
// GetEventSelectors answers in AdvancedEventSelectors alone.
func TestE2EAdvancedEventSelectors(t *testing.T) {
	tests := []struct {
		events string
		want   []string
	}{
		{"All", nil},
		{"ReadOnly", []string{FindingTrailManagementPartial}},
		{"WriteOnly", []string{FindingTrailManagementPartial}},
		{"", []string{FindingTrailMissing}},
	}
	for _, tt := range tests {
		a := newAccount(t)
		a.putTrail(t, func(tr *personalizetest.Trail) { tr.Advanced, tr.ManagementEvents = true, tt.events })
		var got []string
		for _, f := range a.run(t).Report.Blocking(posture.Low) {
			got = append(got, f.ID)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("advanced selector for %q: findings (-want +got):\n%s", tt.events, diff)
		}
	}
}
