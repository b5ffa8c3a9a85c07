package fakes3_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// TestIfMatchVersion: a read of an older version (versionId) is held to
// that version's ETag, as S3 holds it, not to the latest version's: the
// old ETag reads the old version, the latest ETag does not.
func TestIfMatchVersion(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "vers")
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vers"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatalf("PutBucketVersioning() = %v", err)
	}
	var etags, versions []string
	for _, body := range []string{"first", "second"} {
		put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vers"), Key: aws.String("k"), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatalf("PutObject() = %v", err)
		}
		etags, versions = append(etags, aws.ToString(put.ETag)), append(versions, aws.ToString(put.VersionId))
	}
	if versions[0] == "" || versions[0] == versions[1] {
		t.Fatalf("versions %q: the bucket does not keep versions (the test's premise)", versions)
	}
	code := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		if err != nil {
			return err.Error()
		}
		return ""
	}
	tests := []struct {
		name, ifMatch, want string
	}{
		{"the old version's ETag", etags[0], ""},
		{"the latest version's ETag", etags[1], "PreconditionFailed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k"), VersionId: aws.String(versions[0]), IfMatch: aws.String(tt.ifMatch)})
			if diff := cmp.Diff(tt.want, code(err)); diff != "" {
				t.Errorf("GetObject(versionId of the first, If-Match %s) error code mismatch (-want +got):\n%s", tt.ifMatch, diff)
			}
		})
	}
}
