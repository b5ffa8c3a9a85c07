package personalize_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestImportScanCallerRule: a caller Rule for a bare number (a member
// number, a national ID) refuses an import whose cells hold such numbers,
// though the scanner's number shortcuts skip those cells for the built-in
// kinds; without the rule the same import goes out. Before
// Detector.HasRules the scan skipped them whatever the rules: fail-open.
func TestImportScanCallerRule(t *testing.T) {
	tests := []struct {
		name     string
		kind     sensitive.Kind
		pattern  string
		items    bool // import into the Items dataset
		csv      string
		canaries []string
		rule     string // with the caller's rule
	}{
		{name: "member numbers in an item description", kind: "member-id", pattern: `^\d{10}$`, items: true,
			csv:      "ITEM_ID,DESCRIPTION\nitem-1,4820193745\nitem-2,4820193746\nitem-3,Red shoes\n",
			canaries: []string{"4820193745", "4820193746"}, rule: "datascan.column.member-id"},
		{name: "national IDs as USER_ID", kind: "national-id", pattern: `^\d{17}[\dX]$`,
			csv:      "USER_ID,ITEM_ID,TIMESTAMP\n110105194912310029,item-1,1700000000\n110105198001010037,item-2,1700000100\n",
			canaries: []string{"110105194912310029", "110105198001010037"}, rule: "datascan.identifier.national-id"},
	}
	for _, tt := range tests {
		for _, withRule := range []bool{true, false} {
			name := tt.name + "/default detector"
			var p personalize.Policy
			if withRule {
				name = tt.name + "/caller rule"
				d, err := sensitive.New(func(o *sensitive.Options) {
					o.Rules = []sensitive.Rule{{Kind: tt.kind, Pattern: regexp.MustCompile(tt.pattern)}}
				})
				if err != nil {
					t.Fatal(err)
				}
				p.Detector = d
			}
			t.Run(name, func(t *testing.T) {
				e, interactions, items := newScanEnv(t, p)
				ctx := context.Background()
				e.putEncrypted(t, "rules/data.csv", tt.csv)
				e.srv.ResetRequests()
				in := importInput(e, "import-rules")
				in.DatasetArn = aws.String(interactions)
				if tt.items {
					in.DatasetArn = aws.String(items)
				}
				in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/rules/data.csv")
				_, err := e.client.CreateDatasetImportJob(ctx, in)
				imports := 0
				for _, op := range e.personalizeCalls() {
					if op == "CreateDatasetImportJob" {
						imports++
					}
				}
				if !withRule {
					if err != nil {
						t.Fatalf("CreateDatasetImportJob with the default detector = %v, want success: its number shortcuts hold for the built-in kinds", err)
					}
					if imports != 1 {
						t.Errorf("CreateDatasetImportJob requests sent = %d, want 1", imports)
					}
					events := parseAudit(t, e.auditLog())
					if last := events[len(events)-1]; !slices.Contains(last.Safeguards, personalize.ActionImportScanned) {
						t.Errorf("audit safeguards %v, want %s: the import must pass the scan, not skip it", last.Safeguards, personalize.ActionImportScanned)
					}
					return
				}
				sg := e.requireRefused(t, err, "DataSource.DataLocation", tt.rule, tt.canaries...)
				if imports != 0 {
					t.Errorf("CreateDatasetImportJob requests sent = %d, want 0", imports)
				}
				var ids []string
				for _, f := range sg.Findings {
					ids = append(ids, f.ID)
				}
				if diff := cmp.Diff([]string{tt.rule}, ids); diff != "" {
					t.Errorf("findings (-want +got):\n%s", diff)
				}
				events := parseAudit(t, e.auditLog())
				last := events[len(events)-1]
				got := auditEvent{Operation: last.Operation, Outcome: last.Outcome, Rule: last.Rule, Field: last.Field, Findings: last.Findings}
				want := auditEvent{Operation: "CreateDatasetImportJob", Outcome: personalize.OutcomeRejected, Rule: tt.rule, Field: "DataSource.DataLocation", Findings: []string{tt.rule}}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("audit event (-want +got):\n%s", diff)
				}
			})
		}
	}
}
