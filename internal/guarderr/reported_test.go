package guarderr

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReported(t *testing.T) {
	a := &SafeguardError{Rule: "sensitive.email", Field: "Name"}
	again := &SafeguardError{Rule: "sensitive.email", Field: "Name", Reason: "seen again at the wire"}
	other := &SafeguardError{Rule: "sensitive.email", Field: "Tags[0].TagValue"}
	var got []*SafeguardError
	for _, err := range []*SafeguardError{a, again, other, a} {
		got = Reported(got, err)
	}
	want := []*SafeguardError{a, other}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Reported (-want +got):\n%s", diff)
	}
}
