package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestAuditDemo(t *testing.T) {
	var out bytes.Buffer
	blocking, err := run(context.Background(), &out, nil)
	if err != nil || blocking {
		t.Fatalf("run = %v, %v; want the demo to succeed\n%s", blocking, err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"kms.key arn:aws:kms:us-east-1:111122223333:key/",
		"s3.bucket personalizetest-data: ready, no findings",
		"s3.bucket personalizetest-defaults: NOT READY",
		"kms.rotation-disabled",
		"s3.default-encryption-missing",
		"s3.public-access-block-missing",
		`"id": "s3.bucket-policy-missing"`,
		`"findings": []`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestAuditAWSNeedsSubjects(t *testing.T) {
	_, err := run(context.Background(), &bytes.Buffer{}, []string{"-target", "aws", "-bucket", "b"})
	if err == nil || !strings.Contains(err.Error(), "-kms-key-arn") {
		t.Fatalf("run -target aws without a key = %v, want a refusal naming -kms-key-arn", err)
	}
}
