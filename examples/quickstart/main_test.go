package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestQuickstart runs the README's main command in-process, so CI proves the
// whole protected flow works offline.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"audit: CreateDatasetGroup allowed [model.fields-checked, kms.key-injected, kms.role-injected, kms.key-ready]",
		"kms.dataset-group-key-verified, s3.bucket-posture-checked, s3.objects-checked]",
		"written with aws:kms",
		"refused: CreateDatasetGroup Name by sensitive.account-number",
		"refused: CreateDatasetExportJob JobOutput.S3DataDestination.Path by s3.location.credentials",
		"refused: ListDatasetGroups (connection) by transport.tls-version",
		"Every safeguard behaved as designed.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, secret := range []string{"12345678", "wJalrXUtnFEMI", "AKIAIOSFODNN7EXAMPLE"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("output echoes %q", secret)
		}
	}
}

func TestQuickstartAWSNeedsExplicitResources(t *testing.T) {
	t.Setenv("PERSONALIZEGUARD_KMS_KEY_ARN", "")
	err := run(context.Background(), &bytes.Buffer{}, []string{"-target", "aws", "-role-arn", "arn:aws:iam::111122223333:role/R"})
	if err == nil || !strings.Contains(err.Error(), "-kms-key-arn") {
		t.Fatalf("run -target aws without a key = %v, want a refusal naming -kms-key-arn", err)
	}
}
