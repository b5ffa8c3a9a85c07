package personalize_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// swapS3 is an S3 client that runs before once, ahead of its first
// GetObject: the object changes between the guard's listing and its read.
// It leaves If-Match out of the reads, as some S3-compatible stores ignore
// it, so that the guard's own comparison of ETags is what is tested.
type swapS3 struct {
	*s3.Client
	before func()
}

func (c *swapS3) GetObject(ctx context.Context, in *s3.GetObjectInput, o ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if c.before != nil {
		c.before()
		c.before = nil
	}
	unconditional := *in
	unconditional.IfMatch = nil
	return c.Client.GetObject(ctx, &unconditional, o...)
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
		e.putEncrypted(t, "swap.csv", body)
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

// luhnDigits returns digits with its Luhn check digit appended.
func luhnDigits(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}

// TestImportScanSplitCards: 19-digit card numbers in the item descriptions,
// two to an object, are chance in each object alone; the objects the scan
// reads are weighed together (datascan.Merge), as the command does, and
// the import is refused.
func TestImportScanSplitCards(t *testing.T) {
	e, _, items := newScanEnv(t, personalize.Policy{})
	ctx := context.Background()
	var canaries []string
	for i := range personalize.DefaultImportScanObjects {
		body := "ITEM_ID,DESCRIPTION\n"
		for j := range 2 {
			card := luhnDigits(fmt.Sprintf("4%017d", 1000003*(2*i+j)+12345))
			canaries = append(canaries, card)
			body += fmt.Sprintf("item-%d,%s\n", 2*i+j, card)
		}
		e.putEncrypted(t, fmt.Sprintf("split/part-%d.csv", i), body)
	}
	e.srv.ResetRequests()
	in := importInput(e, "import-split")
	in.DatasetArn = aws.String(items)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/split/")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DataSource.DataLocation", "datascan.column.credit-card", canaries...)
}

// TestImportScanSensitiveKey: an object named after a customer (an export
// per e-mail address) is refused by its content; the refusal, its findings
// and the audit log name the prefix, not the key, as the command does.
func TestImportScanSensitiveKey(t *testing.T) {
	e, interactions, _ := newScanEnv(t, personalize.Policy{})
	ctx := context.Background()
	e.putEncrypted(t, "named/jane.doe@example.net.csv", personalizetest.DirtyInteractionsCSV)
	e.srv.ResetRequests()
	in := importInput(e, "import-named")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/named/")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	sg := e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
	var resources []string
	for _, f := range sg.Findings {
		resources = append(resources, f.Resource)
	}
	for _, s := range append([]string{err.Error(), e.auditLog()}, resources...) {
		if strings.Contains(s, "jane.doe") {
			t.Errorf("the refusal names the key's e-mail address: %q", s)
		}
	}
}
