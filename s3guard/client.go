package s3guard

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Narrow client interfaces, one per call, as in feature/s3/manager: a check
// takes only the API it uses, and tests fake only that. *s3.Client satisfies
// all of them.

// GetBucketLocationAPIClient is the S3 call that finds a bucket's Region.
type GetBucketLocationAPIClient interface {
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
}

// GetBucketEncryptionAPIClient reads a bucket's default encryption.
type GetBucketEncryptionAPIClient interface {
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// GetBucketPolicyAPIClient reads a bucket policy.
type GetBucketPolicyAPIClient interface {
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
}

// GetPublicAccessBlockAPIClient reads a bucket's public access block.
type GetPublicAccessBlockAPIClient interface {
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
}

// GetBucketOwnershipControlsAPIClient reads a bucket's object ownership
// setting.
type GetBucketOwnershipControlsAPIClient interface {
	GetBucketOwnershipControls(context.Context, *s3.GetBucketOwnershipControlsInput, ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
}

// HeadObjectAPIClient reads an object's metadata, including its encryption.
type HeadObjectAPIClient interface {
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// ListObjectsV2APIClient lists the objects under a prefix.
type ListObjectsV2APIClient interface {
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// BucketAPIClient is what [CheckBucket] calls.
type BucketAPIClient interface {
	GetBucketLocationAPIClient
	GetBucketEncryptionAPIClient
	GetBucketPolicyAPIClient
	GetPublicAccessBlockAPIClient
	GetBucketOwnershipControlsAPIClient
}

// ObjectAPIClient is what [CheckObjects] calls.
type ObjectAPIClient interface {
	HeadObjectAPIClient
	ListObjectsV2APIClient
}

var (
	_ BucketAPIClient = (*s3.Client)(nil)
	_ ObjectAPIClient = (*s3.Client)(nil)
)

// CheckAPIClient is what a [Checker] needs from S3: the bucket and object
// reads. *s3.Client satisfies it.
type CheckAPIClient interface {
	BucketAPIClient
	ObjectAPIClient
}
