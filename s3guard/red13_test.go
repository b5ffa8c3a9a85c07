package s3guard

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

// TestRed13TLSDenyCoversDataReads: a TLS-only Deny that names only the
// actions the guard probes (GetObject, PutObject, ListBucket) still lets
// anyone read every version of the data over plain HTTP with
// s3:GetObjectVersion. It is not the TLS-only policy the guard vouches for.
func TestRed13TLSDenyCoversDataReads(t *testing.T) {
	req := testReq()
	tests := []struct {
		name    string
		actions string
		want    []string
	}{
		{"s3:*", `"s3:*"`, nil},
		{"every Get, Put and List", `["s3:Get*","s3:Put*","s3:List*"]`, nil},
		{"only the probed actions", `["s3:GetObject","s3:PutObject","s3:ListBucket"]`, []string{FindingTLSOnlyIncomplete}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := iampolicy.Parse([]byte(policyOf(tlsWith(`"Action":"s3:*"`, `"Action":`+tt.actions), stGrantRead)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := policyFindings(doc, newScope(testBucket, req.Region, Read), &req)
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("finding IDs (-want +got):\n%s\nfindings: %v", diff, got)
			}
		})
	}
}
