package s3guard

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fakeS3 is a small in-memory S3 for the bucket and object calls, counting
// every call. Zero fields mean "not configured", answered with AWS's own
// not-found codes.
type fakeS3 struct {
	location   types.BucketLocationConstraint
	encryption *types.ServerSideEncryptionConfiguration
	policy     string
	pab        *types.PublicAccessBlockConfiguration
	ownership  types.ObjectOwnership
	noBucket   bool
	objects    map[string]*s3.HeadObjectOutput
	// errs makes an operation fail with the given error.
	errs map[string]error
	// delay slows every call, so concurrent callers pile up.
	delay time.Duration
	// gate, when set, holds every call until it is closed: S3 hangs.
	gate chan struct{}

	mu    sync.Mutex
	calls map[string]int
}

// goodBucket returns a fake whose bucket passes every check for both
// directions.
func goodBucket() *fakeS3 {
	return &fakeS3{
		encryption: sseKMS(allowedKey),
		policy:     goodPolicy,
		pab:        fullPAB(),
		ownership:  types.ObjectOwnershipBucketOwnerEnforced,
	}
}

const (
	testBucket = "amzn-personalize-data"
	testAcct   = "111122223333"
	allowedKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	otherKey   = "arn:aws:kms:us-east-1:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab"
	goodPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"PersonalizeS3Access","Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},
  "Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],
  "Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],
  "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},
 {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],
  "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
)

func testReq() Requirements {
	return Requirements{Region: "us-east-1", AccountID: testAcct, AllowedKMSKeys: []string{allowedKey}}
}

func sseKMS(key string) *types.ServerSideEncryptionConfiguration {
	return &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)},
		BucketKeyEnabled:                   aws.Bool(true),
	}}}
}

func sseAlg(alg types.ServerSideEncryption) *types.ServerSideEncryptionConfiguration {
	return &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: alg},
	}}}
}

func fullPAB() *types.PublicAccessBlockConfiguration {
	return &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
}

// apiError builds the error the SDK returns for an S3 error response, with
// the HTTP status, wrapped as the client wraps it.
func apiError(op string, status int, code string, header http.Header) error {
	if header == nil {
		header = http.Header{}
	}
	return &smithy.OperationError{ServiceID: "S3", OperationName: op, Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: header}},
			Err:      &smithy.GenericAPIError{Code: code, Message: code},
		},
		RequestID: "req-1",
	}}
}

func (f *fakeS3) record(ctx context.Context, op string) error {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	f.mu.Unlock()
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := f.errs[op]; err != nil {
		return err
	}
	if f.noBucket {
		return apiError(op, 404, "NoSuchBucket", nil)
	}
	return nil
}

func (f *fakeS3) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// callLog returns "Op=n" for every operation called, sorted.
func (f *fakeS3) callLog() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for op, n := range f.calls {
		out = append(out, op+"="+itoa(n))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func (f *fakeS3) GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	if err := f.record(ctx, "GetBucketLocation"); err != nil {
		return nil, err
	}
	return &s3.GetBucketLocationOutput{LocationConstraint: f.location}, nil
}

func (f *fakeS3) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if err := f.record(ctx, "GetBucketEncryption"); err != nil {
		return nil, err
	}
	if f.encryption == nil {
		return nil, apiError("GetBucketEncryption", 404, codeNoEncryption, nil)
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: f.encryption}, nil
}

func (f *fakeS3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	if err := f.record(ctx, "GetBucketPolicy"); err != nil {
		return nil, err
	}
	if f.policy == "" {
		return nil, apiError("GetBucketPolicy", 404, codeNoPolicy, nil)
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(f.policy)}, nil
}

func (f *fakeS3) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if err := f.record(ctx, "GetPublicAccessBlock"); err != nil {
		return nil, err
	}
	if f.pab == nil {
		return nil, apiError("GetPublicAccessBlock", 404, codeNoPublicAccessBlock, nil)
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: f.pab}, nil
}

func (f *fakeS3) GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, _ ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	if err := f.record(ctx, "GetBucketOwnershipControls"); err != nil {
		return nil, err
	}
	if f.ownership == "" {
		return nil, apiError("GetBucketOwnershipControls", 404, codeNoOwnershipControls, nil)
	}
	return &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: f.ownership}},
	}}, nil
}

func (f *fakeS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	if err := f.record(ctx, "HeadObject"); err != nil {
		return nil, err
	}
	h, ok := f.objects[aws.ToString(in.Key)]
	if !ok {
		return nil, apiError("HeadObject", 404, "NotFound", nil)
	}
	cp := *h
	return &cp, nil
}

func (f *fakeS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if err := f.record(ctx, "ListObjectsV2"); err != nil {
		return nil, err
	}
	var keys []string
	for k := range f.objects {
		// The continuation token is the last key returned, as StartAfter.
		if strings.HasPrefix(k, aws.ToString(in.Prefix)) && k > aws.ToString(in.ContinuationToken) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := &s3.ListObjectsV2Output{}
	for _, k := range keys {
		if len(out.Contents) == int(aws.ToInt32(in.MaxKeys)) {
			out.IsTruncated = aws.Bool(true)
			out.NextContinuationToken = out.Contents[len(out.Contents)-1].Key
			break
		}
		out.Contents = append(out.Contents, types.Object{Key: aws.String(k)})
	}
	return out, nil
}

var _ interface {
	BucketAPIClient
	ObjectAPIClient
} = (*fakeS3)(nil)

// fakeObject is the encryption of one object.
type fakeObject struct {
	alg  types.ServerSideEncryption
	key  string
	ssec bool
}

func headOutputs(objs map[string]*fakeObject) map[string]*s3.HeadObjectOutput {
	out := make(map[string]*s3.HeadObjectOutput, len(objs))
	for k, o := range objs {
		h := &s3.HeadObjectOutput{ServerSideEncryption: o.alg}
		if o.key != "" {
			h.SSEKMSKeyId = aws.String(o.key)
		}
		if o.ssec {
			h.SSECustomerAlgorithm = aws.String("AES256")
		}
		out[k] = h
	}
	return out
}

// withMarkers adds n folder markers that sort before the objects.
func withMarkers(objs map[string]*fakeObject, n int) map[string]*fakeObject {
	for i := range n {
		objs["in/"+itoa(100+i)+"/"] = &fakeObject{}
	}
	return objs
}

func manyObjects(n int, o *fakeObject) map[string]*fakeObject {
	out := make(map[string]*fakeObject, n)
	for i := range n {
		out["in/part-"+itoa(1000+i)+".csv"] = o
	}
	return out
}
