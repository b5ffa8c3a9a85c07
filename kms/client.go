package kms

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// DescribeKeyAPIClient is the KMS call [ResolveKeyARN] and [Check] make to
// learn a key's metadata.
type DescribeKeyAPIClient interface {
	DescribeKey(ctx context.Context, params *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
}

// GetKeyRotationStatusAPIClient is the KMS call [Check] makes to learn
// whether automatic rotation is on.
type GetKeyRotationStatusAPIClient interface {
	GetKeyRotationStatus(ctx context.Context, params *kms.GetKeyRotationStatusInput, optFns ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
}

// GetKeyPolicyAPIClient is the KMS call [Check] makes to read the key policy.
type GetKeyPolicyAPIClient interface {
	GetKeyPolicy(ctx context.Context, params *kms.GetKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

// ListGrantsAPIClient is the KMS call [Check] makes to read the key's
// grants.
type ListGrantsAPIClient interface {
	ListGrants(ctx context.Context, params *kms.ListGrantsInput, optFns ...func(*kms.Options)) (*kms.ListGrantsOutput, error)
}

// CheckAPIClient is every KMS call [Check] makes. *kms.Client satisfies it.
// The caller needs kms:DescribeKey, kms:GetKeyRotationStatus,
// kms:GetKeyPolicy and kms:ListGrants on the key.
type CheckAPIClient interface {
	DescribeKeyAPIClient
	GetKeyRotationStatusAPIClient
	GetKeyPolicyAPIClient
	ListGrantsAPIClient
}

var _ CheckAPIClient = (*kms.Client)(nil)

// ResolveKeyARN returns the key ARN for id: a key ARN is parsed and returned
// without a call; an alias ARN, alias name or bare key ID is resolved with
// DescribeKey, which needs kms:DescribeKey on the key. Anything else is
// rejected before I/O with an [*IdentifierError]. A failed call, including an
// alias or key that does not exist, returns a [*CheckError].
func ResolveKeyARN(ctx context.Context, c DescribeKeyAPIClient, id string) (KeyARN, error) {
	switch Identify(id) {
	case KeyARNKind:
		return ParseKeyARN(id)
	case AliasARNKind, AliasNameKind, KeyIDKind:
	default:
		return ParseKeyARN(id) // the *IdentifierError that says what is wrong
	}
	out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		return KeyARN{}, &CheckError{Operation: "DescribeKey", Permission: "kms:DescribeKey", Err: err}
	}
	if out == nil || out.KeyMetadata == nil {
		return KeyARN{}, &CheckError{Operation: "DescribeKey", Permission: "kms:DescribeKey", Err: errNoMetadata}
	}
	k, err := ParseKeyARN(aws.ToString(out.KeyMetadata.Arn))
	if err != nil {
		return KeyARN{}, &CheckError{Operation: "DescribeKey", Permission: "kms:DescribeKey", Err: err}
	}
	return k, nil
}

type responseError string

func (e responseError) Error() string { return string(e) }

// errNoMetadata stands for a DescribeKey answer without KeyMetadata, which
// KMS never sends; failing beats guessing.
const errNoMetadata = responseError("kms: DescribeKey answered without KeyMetadata")

// errTooManyGrants stands for a grant listing longer than the check reads;
// a grant it did not read could be the one that exposes the key.
const errTooManyGrants = responseError("kms: the key has more grants than the check reads (10000)")

// errNoMarker stands for a truncated grant listing without the marker that
// reads its next page, which KMS never sends.
const errNoMarker = responseError("kms: ListGrants answered a truncated page without NextMarker")

// errNoGrantList stands for a ListGrants call that answered nothing at all,
// which the SDK's client never does.
const errNoGrantList = responseError("kms: ListGrants answered without output")
