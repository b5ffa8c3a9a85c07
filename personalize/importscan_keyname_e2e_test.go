package personalize_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestImportScanFindingsNameNoRawKey: the keys under an import prefix are
// named by whoever uploads. The scan's findings name the object they come
// from; a key with a line break or a terminal escape must reach them
// quoted, not raw, since callers print and log SafeguardError.Findings.
func TestImportScanFindingsNameNoRawKey(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		banned []string
	}{
		{"a line break", "ctl/a\nforged: all clean.csv", []string{"\n"}},
		// ESC itself cannot be listed in XML 1.0 (the emulator replaces it,
		// so HeadObject finds nothing); CSI is the C1 form of ESC [.
		{"a terminal escape", "ctl/a\u009b2Jb.csv", []string{"\u009b"}},
		{"a bidirectional override", "ctl/a\u202ecsv.exe", []string{"\u202e"}},
		{"an escaped e-mail address", "ctl/jane.doe%40example.com.csv", []string{"jane.doe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, _ := newScanEnv(t, personalize.Policy{})
			e.putEncrypted(t, tt.key, personalizetest.DirtyInteractionsCSV)
			e.srv.ResetRequests()
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/ctl/")
			_, err := e.client.CreateDatasetImportJob(context.Background(), in)
			sg := e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
			type result struct {
				Findings bool
				Raw      []string
			}
			got := result{Findings: len(sg.Findings) > 0}
			for _, f := range sg.Findings {
				text := f.Resource + " " + f.Message + " " + f.Remediation
				for _, b := range tt.banned {
					if strings.Contains(text, b) {
						got.Raw = append(got.Raw, f.ID)
					}
				}
			}
			if diff := cmp.Diff(result{Findings: true}, got); diff != "" {
				t.Errorf("findings of a dirty object with key %q mismatch (-want +got; Raw: findings holding the key raw):\n%s", tt.key, diff)
			}
		})
	}
}
