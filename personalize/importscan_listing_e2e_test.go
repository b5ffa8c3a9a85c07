package personalize_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// How unruledS3 lists.
const (
	listAsS3         int32 = iota
	listIgnorePrefix       // the whole bucket, whatever the Prefix
	listKeyTwice           // each page's first key again at its end
	listNoSize             // no object's size
)

// unruledS3 is an S3 client in front of personalizetest's S3 that lists as
// a proxy or an S3-compatible store might: ignoring Prefix, naming a key
// twice, leaving sizes out. The guard's posture checks and its import scan both go through it.
type unruledS3 struct {
	*s3.Client
	mode atomic.Int32
}

func (u *unruledS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	switch u.mode.Load() {
	case listIgnorePrefix:
		cp := *in
		cp.Prefix = nil
		return u.Client.ListObjectsV2(ctx, &cp, o...)
	case listKeyTwice:
		out, err := u.Client.ListObjectsV2(ctx, in, o...)
		if out != nil && len(out.Contents) > 0 {
			out.Contents = append(out.Contents, out.Contents[0])
		}
		return out, err
	case listNoSize:
		out, err := u.Client.ListObjectsV2(ctx, in, o...)
		if out != nil {
			for i := range out.Contents {
				out.Contents[i].Size = nil
			}
		}
		return out, err
	}
	return u.Client.ListObjectsV2(ctx, in, o...)
}

// TestImportScanListingRefused: the guard judges an import on the objects
// Personalize reads. A listing of the source prefix that holds keys outside
// it (here a dirty export named after a customer) or a key twice is not
// that: CreateDatasetImportJob fails closed, nothing is sent to Personalize,
// no object is read, and neither the error nor the audit log names a key.
// The scan's own listing is held to the same rules when the object check is
// cached from an earlier, consistent listing.
func TestImportScanListingRefused(t *testing.T) {
	const outside = "exports/jane.doe@example.com.csv"
	tests := []struct {
		name     string
		mode     int32
		cached   bool   // a first import, listed as S3 lists, passes and caches the object check
		wantRule string // the SafeguardError's
		wantList string // the *s3guard.ListingError's
	}{
		{"a store that ignores Prefix", listIgnorePrefix, false, personalize.RuleS3CheckFailed, s3guard.RuleListingOutsidePrefix},
		{"a proxy that lists a key twice", listKeyTwice, false, personalize.RuleS3CheckFailed, s3guard.RuleListingDuplicateKey},
		{"a store that ignores Prefix, object check cached", listIgnorePrefix, true, personalize.RuleImportScanFailed, s3guard.RuleListingOutsidePrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &unruledS3{}
			e, interactions, _ := newScanEnv(t, personalize.Policy{S3Client: fake})
			fake.Client = s3.NewFromConfig(e.srv.Config())
			ctx := context.Background()
			for _, k := range []string{"parts/part-0.csv", "parts/part-1.csv"} {
				e.putEncrypted(t, k, personalizetest.InteractionsCSV)
			}
			e.putEncrypted(t, outside, personalizetest.DirtyInteractionsCSV)
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/parts/")
			if tt.cached {
				if _, err := e.client.CreateDatasetImportJob(ctx, in); err != nil {
					t.Fatalf("import listed as S3 lists = %v, want success (the test's premise)", err)
				}
				in.JobName = aws.String("import-2")
			}
			e.srv.ResetRequests() // the puts named the key
			fake.mode.Store(tt.mode)

			_, err := e.client.CreateDatasetImportJob(ctx, in)
			e.requireRefused(t, err, "DataSource.DataLocation", tt.wantRule, append([]string{"jane.doe", "exports/"}, dirtyCanaries...)...)
			var le *s3guard.ListingError
			if !errors.As(err, &le) || le.Rule != tt.wantList {
				t.Errorf("CreateDatasetImportJob = %v, want a *s3guard.ListingError %s under it", err, tt.wantList)
			}
			type sent struct{ Imports, Reads int }
			got := sent{Imports: len(slices.DeleteFunc(e.personalizeCalls(), func(op string) bool { return op != "CreateDatasetImportJob" })), Reads: e.s3Calls("GetObject")}
			if diff := cmp.Diff(sent{}, got); diff != "" {
				t.Errorf("requests after a refused listing mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImportScanNoSize: an object listed without a size is data of an
// unknown size, not an empty object: skipping it would let a dirty prefix
// through unscanned. The guard cannot bound its read, so it refuses.
func TestImportScanNoSize(t *testing.T) {
	fake := &unruledS3{}
	fake.mode.Store(listNoSize)
	e, interactions, _ := newScanEnv(t, personalize.Policy{S3Client: fake})
	fake.Client = s3.NewFromConfig(e.srv.Config())
	e.putEncrypted(t, "dirty-parts/part-0.csv", personalizetest.DirtyInteractionsCSV)
	e.srv.ResetRequests()
	in := importInput(e, "import-1")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/dirty-parts/")
	_, err := e.client.CreateDatasetImportJob(context.Background(), in)
	e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleImportScanFailed, dirtyCanaries...)
}
