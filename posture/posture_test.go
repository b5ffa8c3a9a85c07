package posture

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var sample = Report{Check: "s3.bucket", Resource: "data-bucket", Findings: []Finding{
	{ID: "s3.personalize-confused-deputy", Severity: Low, Resource: "data-bucket", Message: "no source condition"},
	{ID: "s3.default-encryption-missing", Severity: High, Resource: "data-bucket", Message: "no default encryption", Control: "Security Hub S3.17"},
	{ID: "s3.acls-enabled", Severity: Medium, Resource: "data-bucket", Message: "ACLs enabled"},
}}

func TestBlockingAndPassed(t *testing.T) {
	tests := []struct {
		min        Severity
		wantIDs    []string
		wantPassed bool
		reason     string
	}{
		{0, []string{"s3.default-encryption-missing", "s3.acls-enabled"}, false, "zero means Medium"},
		{High, []string{"s3.default-encryption-missing"}, false, "only High and above"},
		{Critical, nil, true, "nothing is Critical"},
		{Info, []string{"s3.personalize-confused-deputy", "s3.default-encryption-missing", "s3.acls-enabled"}, false, "everything blocks at Info"},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range sample.Blocking(tt.min) {
			got = append(got, f.ID)
		}
		if diff := cmp.Diff(tt.wantIDs, got); diff != "" {
			t.Errorf("Blocking(%v) mismatch (-want +got) (%s):\n%s", tt.min, tt.reason, diff)
		}
		if p := sample.Passed(tt.min); p != tt.wantPassed {
			t.Errorf("Passed(%v) = %v, want %v (%s)", tt.min, p, tt.wantPassed, tt.reason)
		}
	}
}

func TestSortedDoesNotReorderOriginal(t *testing.T) {
	got := sample.Sorted().IDs()
	want := []string{"s3.default-encryption-missing", "s3.acls-enabled", "s3.personalize-confused-deputy"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sorted mismatch (-want +got):\n%s", diff)
	}
	if sample.Findings[0].ID != "s3.personalize-confused-deputy" {
		t.Error("Sorted reordered the original report")
	}
}

func TestSeverityText(t *testing.T) {
	for s := Info; s <= Critical; s++ {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %v = %v, %v", s, back, err)
		}
	}
	if _, err := Severity(0).MarshalText(); err == nil {
		t.Error("MarshalText(0) succeeded; a finding without a severity must not encode")
	}
	var s Severity
	if err := s.UnmarshalText([]byte("severe")); err == nil {
		t.Error(`UnmarshalText("severe") succeeded`)
	}
}

func TestWriteJSONAndTable(t *testing.T) {
	var buf bytes.Buffer
	if err := sample.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sample, back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
	buf.Reset()
	if err := (Report{Check: "kms.key"}).WriteJSON(&buf); err != nil || !strings.Contains(buf.String(), `"findings": []`) {
		t.Errorf("empty report JSON = %s, %v; want an empty findings list", buf.String(), err)
	}
	buf.Reset()
	if err := sample.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "high") || !strings.HasPrefix(lines[3], "low") {
		t.Errorf("table, most serious first:\n%s", buf.String())
	}
}

func TestFindingValidate(t *testing.T) {
	if err := (Finding{ID: "x", Severity: High, Message: "m"}).Validate(); err != nil {
		t.Errorf("Validate of a complete finding: %v", err)
	}
	for _, f := range []Finding{{Severity: High, Message: "m"}, {ID: "x", Message: "m"}, {ID: "x", Severity: High}} {
		if err := f.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", f)
		}
	}
}
