package s3guard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
)

// Direction says whether Personalize reads a location or writes to it.
type Direction int

// Directions, by Personalize operation:
//
//	Read:  CreateDatasetImportJob, CreateDataDeletionJob (DataSource.DataLocation),
//	       batch inference and batch segment jobs (JobInput)
//	Write: CreateDatasetExportJob, batch jobs (JobOutput),
//	       Create/UpdateMetricAttribution (MetricsOutputConfig)
const (
	Read Direction = iota + 1
	Write
)

// String returns "read" or "write".
func (d Direction) String() string {
	switch d {
	case Read:
		return "read"
	case Write:
		return "write"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

func (d Direction) valid() bool { return d == Read || d == Write }

// Requirements is what a bucket and its objects must satisfy. The zero value
// is not usable: Region is required.
//
// # Encryption at rest
//
// AWS encrypts every new object with SSE-S3 by default, and the Personalize
// data-protection page calls that acceptable. So:
//
//   - AllowedKMSKeys empty: SSE-S3, SSE-KMS and DSSE-KMS with any key pass;
//     only a missing encryption configuration or an unencrypted object is a
//     finding.
//   - AllowedKMSKeys set: SSE-KMS and DSSE-KMS pass only with one of those
//     keys (a key elsewhere is High); SSE-S3 is a Medium finding unless
//     InsecureAllowSSES3 is set.
type Requirements struct {
	// AllowedKMSKeys are the key ARNs accepted for SSE-KMS and DSSE-KMS.
	// Empty means any KMS key (and SSE-S3) is accepted.
	AllowedKMSKeys []string
	// InsecureAllowSSES3 accepts SSE-S3 even when AllowedKMSKeys is set. It has no
	// effect when AllowedKMSKeys is empty, where SSE-S3 is accepted anyway.
	InsecureAllowSSES3 bool
	// Region is the Region the bucket must be in: the Personalize client's.
	// Required.
	Region string
	// AccountID is the account that runs Personalize: the account of the
	// role it assumes (IAM passes only a caller's own roles). When set, the
	// Personalize grant is evaluated with aws:SourceAccount equal to it, so
	// a grant conditioned on another account is reported as missing, and an
	// Allow of the objects to a principal of any account but it and
	// TrustedAccountIDs is reported (FindingPolicyForeignAccount).
	// Optional, 12 digits.
	AccountID string
	// TrustedAccountIDs are accounts besides AccountID whose principals
	// may read, list or write the bucket's objects without a finding: the
	// account of a KMS key kept apart from the one that runs Personalize,
	// say, as the key check trusts it. They count only with AccountID set.
	// Optional, 12 digits each.
	TrustedAccountIDs []string
}

// Validate reports the first invalid field as an *[ArgumentError].
func (r Requirements) Validate() error {
	if r.Region == "" {
		return &ArgumentError{Field: "Requirements.Region", Reason: "required"}
	}
	if !awsarn.Region(r.Region) {
		return &ArgumentError{Field: "Requirements.Region", Reason: "not a Region code such as us-east-1"}
	}
	if r.AccountID != "" && !awsarn.Account(r.AccountID) {
		return &ArgumentError{Field: "Requirements.AccountID", Reason: "not a 12-digit account ID"}
	}
	for i, a := range r.TrustedAccountIDs {
		if !awsarn.Account(a) {
			return &ArgumentError{Field: fmt.Sprintf("Requirements.TrustedAccountIDs[%d]", i), Reason: "not a 12-digit account ID"}
		}
	}
	for i, k := range r.AllowedKMSKeys {
		// A shape check only: package kms owns key ARN parsing. An entry
		// that is not a real key simply never matches, which fails closed.
		if !strings.HasPrefix(k, "arn:") || !strings.Contains(k, ":kms:") || !strings.Contains(k, ":key/") {
			return &ArgumentError{Field: fmt.Sprintf("Requirements.AllowedKMSKeys[%d]", i), Reason: "not a KMS key ARN (aliases and key IDs are not accepted)"}
		}
	}
	return nil
}

// partitionOf returns the ARN partition of a Region.
func partitionOf(region string) string {
	for _, p := range []struct{ prefix, partition string }{
		{"cn-", "aws-cn"},
		{"us-gov-", "aws-us-gov"},
		{"us-isob-", "aws-iso-b"},
		{"us-iso-", "aws-iso"},
		{"eu-isoe-", "aws-iso-e"},
		{"us-isof-", "aws-iso-f"},
		{"eusc-", "aws-eusc"},
	} {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}

func bucketARN(partition, bucket string) string { return "arn:" + partition + ":s3:::" + bucket }

// kmsKeyAllowed reports whether id, as S3 reports it (a key ARN, or a bare
// key ID in a bucket's default encryption), is one of allowed. Aliases never
// match: the guard cannot see which key they point to.
func kmsKeyAllowed(allowed []string, id string) bool {
	for _, a := range allowed {
		if a == id {
			return true
		}
		if _, keyID, ok := strings.Cut(a, ":key/"); ok && keyID == id {
			return true
		}
	}
	return false
}

func isKMSAlias(id string) bool {
	return strings.HasPrefix(id, "alias/") || strings.Contains(id, ":alias/")
}
