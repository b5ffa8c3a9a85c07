package kms

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
)

// fakeKMS is a small CheckAPIClient for unit tests: one key, answers set by
// the test, calls counted. Integration tests use local-kms through
// personalizetest instead; this fake also covers what local-kms cannot do
// (AWS managed keys, custom key stores, Unavailable keys, throttling).
type fakeKMS struct {
	md          *types.KeyMetadata // nil: NotFoundException
	rotation    bool
	policy      string
	grants      []types.GrantListEntry
	describeErr error
	rotationErr error
	policyErr   error
	grantsErr   error
	// grantPage is the page size of ListGrants; 0 answers in one page.
	grantPage int

	// gate, when set, holds every call until it is closed, so tests can
	// pile up concurrent callers; entered is closed when the first call
	// reaches it.
	gate    chan struct{}
	entered chan struct{}
	enter   sync.Once
	// delay is added to every call.
	delay time.Duration

	describes, rotations, policies, listGrants atomic.Int64

	mu   sync.Mutex
	keys []string // KeyId of every call
}

func (f *fakeKMS) wait(ctx context.Context, keyID *string) error {
	f.mu.Lock()
	f.keys = append(f.keys, aws.ToString(keyID))
	f.mu.Unlock()
	if f.gate != nil {
		f.enter.Do(func() {
			if f.entered != nil {
				close(f.entered)
			}
		})
		select {
		case <-f.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	return nil
}

func (f *fakeKMS) calls() int64 {
	return f.describes.Load() + f.rotations.Load() + f.policies.Load() + f.listGrants.Load()
}

func (f *fakeKMS) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	f.describes.Add(1)
	if err := f.wait(ctx, in.KeyId); err != nil {
		return nil, err
	}
	if f.describeErr != nil {
		return nil, f.describeErr
	}
	if f.md == nil {
		return nil, &types.NotFoundException{Message: aws.String("Key '" + aws.ToString(in.KeyId) + "' does not exist")}
	}
	md := *f.md
	return &kms.DescribeKeyOutput{KeyMetadata: &md}, nil
}

func (f *fakeKMS) GetKeyRotationStatus(ctx context.Context, in *kms.GetKeyRotationStatusInput, _ ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	f.rotations.Add(1)
	if err := f.wait(ctx, in.KeyId); err != nil {
		return nil, err
	}
	if f.rotationErr != nil {
		return nil, f.rotationErr
	}
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: f.rotation, KeyId: in.KeyId}, nil
}

func (f *fakeKMS) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, _ ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	f.policies.Add(1)
	if err := f.wait(ctx, in.KeyId); err != nil {
		return nil, err
	}
	if f.policyErr != nil {
		return nil, f.policyErr
	}
	if aws.ToString(in.PolicyName) != "default" {
		return nil, &types.NotFoundException{Message: aws.String("no such policy")}
	}
	return &kms.GetKeyPolicyOutput{Policy: aws.String(f.policy), PolicyName: in.PolicyName}, nil
}

func (f *fakeKMS) ListGrants(ctx context.Context, in *kms.ListGrantsInput, _ ...func(*kms.Options)) (*kms.ListGrantsOutput, error) {
	f.listGrants.Add(1)
	if err := f.wait(ctx, in.KeyId); err != nil {
		return nil, err
	}
	if f.grantsErr != nil {
		return nil, f.grantsErr
	}
	start := 0
	if in.Marker != nil {
		n, err := strconv.Atoi(aws.ToString(in.Marker))
		if err != nil {
			return nil, &types.InvalidMarkerException{Message: aws.String("bad marker")}
		}
		start = n
	}
	end := len(f.grants)
	if f.grantPage > 0 {
		end = min(start+f.grantPage, end)
	}
	out := &kms.ListGrantsOutput{Grants: f.grants[start:end], Truncated: end < len(f.grants)}
	if out.Truncated {
		out.NextMarker = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func apiError(code string) error {
	return &smithy.OperationError{ServiceID: "KMS", OperationName: "X", Err: &smithy.GenericAPIError{Code: code, Message: "refused"}}
}

// goodMetadata is an Enabled symmetric customer managed key.
func goodMetadata() *types.KeyMetadata {
	return &types.KeyMetadata{
		Arn:        aws.String(testKeyARN),
		KeyId:      aws.String(testKeyID),
		KeyState:   types.KeyStateEnabled,
		Enabled:    true,
		KeySpec:    types.KeySpecSymmetricDefault,
		KeyUsage:   types.KeyUsageTypeEncryptDecrypt,
		KeyManager: types.KeyManagerTypeCustomer,
		Origin:     types.OriginTypeAwsKms,
	}
}
