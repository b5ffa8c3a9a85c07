package personalize_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// endlessListS3 is personalizetest's S3 until endless is set; then every
// ListObjectsV2 page is IsTruncated with a fresh token, and holds one
// empty object when markers is set, nothing otherwise.
type endlessListS3 struct {
	*s3.Client
	endless, markers atomic.Bool
	pages            atomic.Int64
}

func (e *endlessListS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if !e.endless.Load() {
		return e.Client.ListObjectsV2(ctx, in, o...)
	}
	n := e.pages.Add(1)
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(true), NextContinuationToken: aws.String(fmt.Sprint("t", n))}
	if e.markers.Load() {
		out.Contents = []types.Object{{Key: aws.String(fmt.Sprintf("%s!%06d", aws.ToString(in.Prefix), n)), ETag: aws.String(`"d41d8cd98f00b204e9800998ecf8427e"`), Size: aws.Int64(0)}}
	}
	return out, nil
}

// TestImportScanListingWithoutData: with the object check cached from an
// earlier import, the scan lists the source itself, on the caller's
// context. A listing whose first pages hold no data (empty pages, or
// empty objects sorted first, with the data after them) was read until
// that context ended (for ever, without a deadline), or, once bounded,
// came back truncated with nothing to scan, and the scan passed the
// import unread. It is refused, within the listing's page bound.
func TestImportScanListingWithoutData(t *testing.T) {
	tests := []struct {
		name    string
		markers bool
	}{
		{"endless empty pages", false},
		{"empty objects first", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &endlessListS3{}
			e, interactions, _ := newScanEnv(t, personalize.Policy{S3Client: fake})
			fake.Client = s3.NewFromConfig(e.srv.Config())
			e.putEncrypted(t, "parts/part-0.csv", personalizetest.InteractionsCSV)
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/parts/")
			if _, err := e.client.CreateDatasetImportJob(context.Background(), in); err != nil {
				t.Fatalf("first import = %v, want success (the test's premise: it caches the object check)", err)
			}
			fake.endless.Store(true)
			fake.markers.Store(tt.markers)
			in.JobName = aws.String("import-2")
			// The deadline only keeps a failing test from running for ever.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := e.client.CreateDatasetImportJob(ctx, in)
			type result struct {
				Rule     string
				Deadline bool
				Bounded  bool
			}
			got := result{Deadline: ctx.Err() != nil, Bounded: fake.pages.Load() <= 100}
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				got.Rule = sg.Rule
			}
			if diff := cmp.Diff(result{Rule: personalize.RuleImportScanFailed, Bounded: true}, got); diff != "" {
				t.Errorf("import over a listing without data = %v after %d pages; mismatch (-want +got):\n%s", err, fake.pages.Load(), diff)
			}
		})
	}
}
