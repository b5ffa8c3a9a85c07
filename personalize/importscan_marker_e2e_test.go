package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestImportScanKeyEndingInSlash: an object with bytes whose key ends in
// "/" is no folder marker any tool makes, and Personalize reads "all files
// in the folder and any sub folder". The scan skipped it as a marker, so
// a dirty one beside clean parts passed the import unread.
func TestImportScanKeyEndingInSlash(t *testing.T) {
	tests := []struct {
		name string
		key  string
	}{
		{"a sub folder's key", "parts/hidden/"},
		{"the prefix's own key", "parts/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, _ := newScanEnv(t, personalize.Policy{})
			e.putEncrypted(t, "parts/part-0.csv", personalizetest.InteractionsCSV)
			e.putEncrypted(t, tt.key, personalizetest.DirtyInteractionsCSV)
			e.srv.ResetRequests()
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/parts/")
			_, err := e.client.CreateDatasetImportJob(context.Background(), in)
			if err == nil {
				t.Fatalf("CreateDatasetImportJob with a dirty object at %q = nil, want refused", tt.key)
			}
			e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
		})
	}
}
