package audit

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// taskKey carries a task's lock in its context.
type taskKey struct{}

// withTaskLock gives a task a lock of its own: a client that takes it makes
// the task's calls one at a time, so that the task holds one of the
// Options.Concurrency slots and makes at most one call at a time.
func withTaskLock(ctx context.Context) context.Context {
	return context.WithValue(ctx, taskKey{}, &sync.Mutex{})
}

func lockTask(ctx context.Context) func() {
	m, ok := ctx.Value(taskKey{}).(*sync.Mutex)
	if !ok {
		return func() {}
	}
	m.Lock()
	return m.Unlock
}

// serialS3 is the S3 client of the s3guard checkers: a bucket check reads
// its four configurations together, which would put four calls in flight
// for one slot.
type serialS3 struct{ c s3guard.CheckAPIClient }

func (s serialS3) GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, o ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	defer lockTask(ctx)()
	return s.c.GetBucketLocation(ctx, in, o...)
}

func (s serialS3) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, o ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	defer lockTask(ctx)()
	return s.c.GetBucketEncryption(ctx, in, o...)
}

func (s serialS3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, o ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	defer lockTask(ctx)()
	return s.c.GetBucketPolicy(ctx, in, o...)
}

func (s serialS3) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, o ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	defer lockTask(ctx)()
	return s.c.GetPublicAccessBlock(ctx, in, o...)
}

func (s serialS3) GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, o ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	defer lockTask(ctx)()
	return s.c.GetBucketOwnershipControls(ctx, in, o...)
}

func (s serialS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, o ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	defer lockTask(ctx)()
	return s.c.HeadObject(ctx, in, o...)
}

func (s serialS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	defer lockTask(ctx)()
	return s.c.ListObjectsV2(ctx, in, o...)
}
