package personalize_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// swapS3 is an S3 client that runs before once, ahead of its first
// GetObject: the object changes between the guard's listing and its read.
// personalizetest's S3, as some S3-compatible stores, ignores If-Match.
type swapS3 struct {
	*s3.Client
	before func()
}

func (c *swapS3) GetObject(ctx context.Context, in *s3.GetObjectInput, o ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if c.before != nil {
		c.before()
		c.before = nil
	}
	return c.Client.GetObject(ctx, in, o...)
}

// TestImportScanChangedBeforeRead: a dirty object replaced by a clean one
// between the listing and the read must not leave a clean result cached
// under the dirty version's ETag, which would pass the dirty bytes when
// they come back (same bytes, same ETag).
func TestImportScanChangedBeforeRead(t *testing.T) {
	fake := &swapS3{}
	e, interactions, _ := newScanEnv(t, personalize.Policy{S3Client: fake})
	fake.Client = s3.NewFromConfig(e.srv.Config())
	ctx := context.Background()
	put := func(body string) {
		t.Helper()
		if _, err := fake.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(e.scene.Bucket), Key: aws.String("swap.csv"),
			Body: strings.NewReader(body), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(e.scene.KeyARN)}); err != nil {
			t.Fatal(err)
		}
	}
	dirty := "USER_ID,ITEM_ID,TIMESTAMP\nalice.smith@example.com,item-1,1700000000\n"
	clean := "USER_ID,ITEM_ID,TIMESTAMP\nuser-1,item-1,1700000000\n"
	put(dirty)
	fake.before = func() { put(clean) }
	in := importInput(e, "import-a")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/swap.csv")
	// Refused or not, it must cache nothing under the dirty ETag.
	if imp, err := e.client.CreateDatasetImportJob(ctx, in); err == nil {
		waitJob(t, func() (string, error) {
			out, err := e.client.DescribeDatasetImportJob(ctx, &sdk.DescribeDatasetImportJobInput{DatasetImportJobArn: imp.DatasetImportJobArn})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.DatasetImportJob.Status), nil
		})
	}

	put(dirty)
	e.srv.ResetRequests()
	in.JobName = aws.String("import-b")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	// The changed read of the first import is remembered for the failure
	// backoff: the second is refused as unscannable, not passed.
	e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleImportScanFailed, dirtyCanaries...)
}
