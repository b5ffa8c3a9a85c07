package personalize

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

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// endlessS3 lists a prefix as a hostile or broken S3-compatible endpoint
// can: every page says IsTruncated with a fresh continuation token, and
// holds perPage keys (none at all when zero).
type endlessS3 struct {
	perPage int
	calls   atomic.Int64
}

func (e *endlessS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	n := e.calls.Add(1)
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(true), NextContinuationToken: aws.String(fmt.Sprint("t", n))}
	for i := range e.perPage {
		key := fmt.Sprintf("%sk%d-%d.csv", aws.ToString(in.Prefix), n, i)
		out.Contents = append(out.Contents, types.Object{Key: aws.String(key), ETag: aws.String(`"e"`), Size: aws.Int64(10)})
	}
	return out, nil
}

func (e *endlessS3) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return nil, errors.New("not called")
}

func (e *endlessS3) GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	return nil, errors.New("not called")
}

// TestImportSourceListingBounded: the import's listing is bounded in round
// trips, not only in keys: a listing of endless empty pages (or of one key
// a page) took ListObjectsV2 calls until the object check's timeout, each
// page's token kept in memory, inside CreateDatasetImportJob.
func TestImportSourceListingBounded(t *testing.T) {
	loc := s3guard.Location{Bucket: "amzn-personalize-data", Key: "data/"}
	tests := []struct {
		name        string
		perPage     int
		wantCalls   int64
		wantObjects int
	}{
		{name: "endless empty pages", perPage: 0, wantCalls: maxImportScanListPages},
		{name: "one key a page", perPage: 1, wantCalls: maxImportScanListPages, wantObjects: maxImportScanListPages},
		{name: "full pages", perPage: 1000, wantCalls: maxImportScanListKeys / 1000, wantObjects: maxImportScanListKeys},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &endlessS3{perPage: tt.perPage}
			src := &importSource{s3: fake, loc: loc}
			// The deadline only keeps a failing test from running forever.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			l, err := src.list(ctx)
			if err != nil {
				t.Fatalf("list(%v) after %d ListObjectsV2 calls: %v", loc, fake.calls.Load(), err)
			}
			got := struct {
				Calls     int64
				Objects   int
				Truncated bool
			}{fake.calls.Load(), len(src.objs), l.Truncated}
			want := struct {
				Calls     int64
				Objects   int
				Truncated bool
			}{tt.wantCalls, tt.wantObjects, true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("list(%v) mismatch (-want +got):\n%s", loc, diff)
			}
		})
	}
}
