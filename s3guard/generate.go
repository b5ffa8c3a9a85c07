package s3guard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

// BucketPolicyInput describes the bucket policy [PersonalizeBucketPolicy]
// writes.
type BucketPolicyInput struct {
	// Bucket is the bucket name. Required.
	Bucket string
	// Directions Personalize needs: [Read] for imports and data deletion,
	// [Write] for exports and metric attribution, both for batch inference
	// and batch segment jobs. At least one.
	Directions []Direction
	// AccountID is the account that runs Personalize; the grant is
	// conditioned on aws:SourceAccount equal to it, against the confused
	// deputy problem. Required, 12 digits.
	AccountID string
	// SourceARN optionally narrows the grant further with an ArnLike
	// aws:SourceArn condition, e.g. "arn:aws:personalize:us-east-1:111122223333:*".
	SourceARN string
	// Partition of the bucket ARN: "aws" (default), "aws-cn", "aws-us-gov", ...
	// Its shape is checked (aws or aws-<letters>[-<letters>...]), not a list,
	// as kms.PersonalizeKeyPolicy does, so a new partition needs no release.
	Partition string
	// InsecureOmitTLSDeny leaves out the statement that denies plain-HTTP
	// access to the bucket. Without it, any principal the bucket's other
	// grants admit may read or write data unencrypted in transit (Security
	// Hub S3.5 fails). Only for a bucket whose policy already has that
	// statement under another Sid.
	InsecureOmitTLSDeny bool
}

// Sids of the generated statements, so that tools can find and replace them.
const (
	GrantSid   = "PersonalizeS3Access"
	TLSOnlySid = "DenyInsecureTransport"
)

// PersonalizeBucketPolicy returns a bucket policy document that grants
// personalize.amazonaws.com what the directions need — s3:GetObject for
// reading, s3:PutObject for writing, s3:ListBucket for both — on the bucket
// and its objects, conditioned on aws:SourceAccount (and aws:SourceArn when
// given), and that denies every principal plain-HTTP access (see
// [TLSOnlyStatement]). The result is indented JSON, ready for PutBucketPolicy;
// merge it with the bucket's existing statements if it has any.
func PersonalizeBucketPolicy(in BucketPolicyInput) ([]byte, error) {
	if err := ValidateBucketName(in.Bucket); err != nil {
		return nil, err
	}
	if len(in.Directions) == 0 {
		return nil, &ArgumentError{Field: "BucketPolicyInput.Directions", Reason: "at least one of Read and Write is required"}
	}
	actions := iampolicy.Values{"s3:ListBucket"}
	for i, d := range in.Directions {
		switch d {
		case Read:
			actions = append(actions, "s3:GetObject")
		case Write:
			actions = append(actions, "s3:PutObject")
		default:
			return nil, &ArgumentError{Field: fmt.Sprintf("BucketPolicyInput.Directions[%d]", i), Reason: "must be Read or Write"}
		}
	}
	slices.Sort(actions)
	actions = slices.Compact(actions)
	if !awsarn.Account(in.AccountID) {
		return nil, &ArgumentError{Field: "BucketPolicyInput.AccountID", Reason: "required, 12 digits"}
	}
	partition := in.Partition
	if partition == "" {
		partition = "aws"
	}
	if !awsarn.Partition(partition) {
		return nil, &ArgumentError{Field: "BucketPolicyInput.Partition", Reason: "not an AWS partition such as aws or aws-cn"}
	}
	cond := map[string]map[string]iampolicy.Values{
		"StringEquals": {keySourceAccount: {in.AccountID}},
	}
	if in.SourceARN != "" {
		if !strings.HasPrefix(in.SourceARN, "arn:"+partition+":personalize:") {
			return nil, &ArgumentError{Field: "BucketPolicyInput.SourceARN", Reason: "must be a Personalize ARN or ARN pattern in the bucket's partition"}
		}
		cond["ArnLike"] = map[string]iampolicy.Values{keySourceArn: {in.SourceARN}}
	}
	arn := bucketARN(partition, in.Bucket)
	doc := iampolicy.Document{
		Version: iampolicy.Version2012,
		Statement: []iampolicy.Statement{{
			Sid:       GrantSid,
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: iampolicy.Values{iampolicy.PersonalizeService}},
			Action:    actions,
			Resource:  iampolicy.Values{arn, arn + "/*"},
			Condition: cond,
		}},
	}
	if !in.InsecureOmitTLSDeny {
		doc.Statement = append(doc.Statement, tlsOnly(arn))
	}
	return doc.JSON()
}

// TLSOnlyStatement returns the statement that denies every principal any S3
// action on the bucket (aws partition) and its objects over plain HTTP — the
// remediation of Security Hub S3.5 — as indented JSON, to add to the
// Statement list of an existing bucket policy.
func TLSOnlyStatement(bucket string) ([]byte, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tlsOnly(bucketARN("aws", bucket))); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func tlsOnly(arn string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       TLSOnlySid,
		Effect:    iampolicy.Deny,
		Principal: &iampolicy.Principal{Any: true},
		Action:    iampolicy.Values{"s3:*"},
		Resource:  iampolicy.Values{arn, arn + "/*"},
		Condition: map[string]map[string]iampolicy.Values{"Bool": {keySecureTransport: {"false"}}},
	}
}
