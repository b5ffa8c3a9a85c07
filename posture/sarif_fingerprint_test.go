package posture

import (
	"bytes"
	"encoding/json"
	"testing"
)

func sarifFingerprints(t *testing.T, r Report) map[string]string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteSARIF(&b); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Message             struct{ Text string } `json:"message"`
				PartialFingerprints map[string]string     `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, res := range log.Runs[0].Results {
		out[res.Message.Text] = res.PartialFingerprints["primaryLocationLineHash"]
	}
	return out
}

// TestReviewFingerprintStableWhenAnotherFindingAppears (review): results of
// one rule and resource were told apart by their rank in message order, so a
// new finding that sorted first took the fingerprint, and so the dismissal,
// of an unchanged one.
func TestReviewFingerprintStableWhenAnotherFindingAppears(t *testing.T) {
	denied := func(perm string) Finding {
		return Finding{ID: "audit.read-denied", Severity: High, Resource: "Personalize resources in us-east-1",
			Message: "The audit could not call " + perm + " (access was denied), so what it reads is not checked; this is not a pass."}
	}
	old := denied("personalize:ListDataDeletionJobs")
	before := sarifFingerprints(t, Report{Findings: []Finding{old}})
	after := sarifFingerprints(t, Report{Findings: []Finding{old, denied("personalize:ListBatchInferenceJobs")}})
	if before[old.Message] != after[old.Message] {
		t.Errorf("the unchanged finding's fingerprint moved from %s to %s when another finding appeared", before[old.Message], after[old.Message])
	}
	for msg, fp := range after {
		if msg != old.Message && fp == before[old.Message] {
			t.Errorf("the new finding %q took the fingerprint %s of the unchanged one", msg, fp)
		}
	}
}
