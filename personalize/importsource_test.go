package personalize

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// slowListS3 lists one object under any prefix once release is closed.
type slowListS3 struct {
	s3guard.CheckAPIClient // nil: only the methods below are called
	started, release       chan struct{}
}

func (c *slowListS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	close(c.started)
	<-c.release
	return &s3.ListObjectsV2Output{Contents: []s3types.Object{{Key: aws.String(aws.ToString(in.Prefix) + "part-0.csv"), ETag: aws.String(`"e"`), Size: aws.Int64(10)}}}, nil
}

func (c *slowListS3) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return &s3.HeadObjectOutput{ServerSideEncryption: s3types.ServerSideEncryptionAwsKms}, nil
}

func (c *slowListS3) GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	return nil, errors.New("not called")
}

// TestImportSourceAfterCanceledCheck: the object check lists the source on
// the checker's own goroutine, which goes on when the caller's context ends
// first. Under InsecureReportOnly the guard then goes on to the scan, whose
// listing is the same one: it must be the finished listing, never the empty
// one still being read, which would let the scan pass having read nothing.
func TestImportSourceAfterCanceledCheck(t *testing.T) {
	fake := &slowListS3{started: make(chan struct{}), release: make(chan struct{})}
	ck := s3guard.NewChecker(fake, s3guard.Requirements{Region: "us-east-1"})
	src := &importSource{s3: fake, loc: s3guard.Location{Bucket: "import-bucket", Key: "p/"}}

	ctx, cancel := context.WithCancel(t.Context())
	checked := make(chan error, 1)
	go func() {
		_, err := ck.CheckListedObjects(ctx, src.loc, src.list)
		checked <- err
	}()
	select {
	case <-fake.started:
	case err := <-checked:
		t.Fatalf("CheckListedObjects returned before listing: %v", err)
	}
	cancel()
	if err := <-checked; !errors.Is(err, context.Canceled) {
		t.Fatalf("CheckListedObjects: %v, want context.Canceled (the test's premise)", err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		close(fake.release)
	}()
	l, err := src.list(t.Context())
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if diff := cmp.Diff([]string{"p/part-0.csv"}, l.Keys); diff != "" {
		t.Errorf("the scan's listing mismatch (-want +got):\n%s", diff)
	}
}
