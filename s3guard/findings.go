package s3guard

// Finding IDs of bucket checks ([CheckBucket], [CheckLocation]). They are
// stable: tools and allow-lists key on them. Each comment gives the severity;
// the guard blocks on Medium and above by default.
const (
	// Critical: Personalize would fail, and anyone could create the name.
	FindingBucketNotFound = "s3.bucket-not-found"
	// High: Personalize uses buckets in its own Region only. The other
	// bucket checks are not run.
	FindingBucketRegionMismatch = "s3.bucket-region-mismatch"
	// High: no default encryption, or an algorithm that is neither SSE-S3
	// nor SSE-KMS (Security Hub S3.17).
	FindingEncryptionMissing = "s3.default-encryption-missing"
	// Medium: SSE-S3 where Requirements.AllowedKMSKeys asks for a KMS key.
	FindingEncryptionSSES3 = "s3.default-encryption-sse-s3"
	// High: SSE-KMS with a key outside Requirements.AllowedKMSKeys.
	FindingEncryptionKeyNotAllowed = "s3.default-encryption-kms-key-not-allowed"
	// Medium: the default key is named by an alias the guard cannot resolve.
	FindingEncryptionKeyUnverified = "s3.default-encryption-kms-key-unverified"
	// High: no bucket policy, hence no TLS-only deny and no Personalize grant.
	FindingPolicyMissing = "s3.bucket-policy-missing"
	// High: the policy cannot be parsed, so it cannot be judged.
	FindingPolicyUnparsable = "s3.bucket-policy-unparsable"
	// Deprecated: the finding's ID is now spelled as kms and audit spell
	// theirs, "s3.bucket-policy-unparsable" (FindingPolicyUnparsable); an
	// InsecureIgnoreFindings entry or an alert keyed on the old ID
	// "s3.bucket-policy-unparseable" no longer matches it.
	FindingPolicyUnparseable = FindingPolicyUnparsable
	// Critical: an Allow open to every principal (Security Hub S3.2, S3.3).
	FindingPolicyPublic = "s3.bucket-policy-public"
	// High: an Allow lets a principal of another account than the one that
	// runs Personalize (Requirements.AccountID) read, list or write the
	// bucket's objects.
	FindingPolicyForeignAccount = "s3.bucket-policy-foreign-account"
	// High: nothing denies plain HTTP (Security Hub S3.5).
	FindingTLSOnlyMissing = "s3.tls-only-policy-missing"
	// High: a TLS condition exists but does not deny plain HTTP to every
	// principal on the bucket and its objects (Security Hub S3.5).
	FindingTLSOnlyIncomplete = "s3.tls-only-policy-incomplete"
	// High: no public access block configuration (Security Hub S3.8).
	FindingPublicAccessBlockMissing = "s3.public-access-block-missing"
	// High: some of the four flags are off (Security Hub S3.8).
	FindingPublicAccessBlockIncomplete = "s3.public-access-block-incomplete"
	// Medium: object ownership is not BucketOwnerEnforced (Security Hub S3.12).
	FindingACLsEnabled = "s3.acls-enabled"
	// High: the policy does not allow Personalize what the direction needs.
	FindingGrantMissing = "s3.personalize-grant-missing"
	// High: an explicit Deny applies to Personalize.
	FindingGrantDenied = "s3.personalize-grant-denied"
	// High: a Deny on aws:SourceVpce, aws:SourceVpc or aws:SourceIp locks
	// Personalize out; it cannot use VPC-only buckets.
	FindingGrantVPCOnly = "s3.personalize-vpc-only"
	// Medium: the decision depends on conditions the guard cannot evaluate.
	FindingGrantUncertain = "s3.personalize-grant-uncertain"
	// Low: the decision depends only on aws:SourceArn / aws:SourceAccount
	// values, known once the job runs.
	FindingGrantSourceUnverified = "s3.personalize-grant-source-unverified"
	// Low: a grant without aws:SourceAccount / aws:SourceArn (confused deputy).
	FindingConfusedDeputy = "s3.personalize-confused-deputy"
)

// Finding IDs of object checks ([CheckObjects]).
const (
	// High: Personalize would fail the import.
	FindingSourceEmpty = "s3.import-source-empty"
	// Medium: the sampled listing held only folder markers and empty
	// objects, or HeadObject found none of the objects it listed, so no
	// object's encryption was checked.
	FindingSourceUnsampled = "s3.import-source-unsampled"
	// High: Personalize would fail the import.
	FindingObjectNotFound = "s3.object-not-found"
	// High: an object without server-side encryption.
	FindingObjectUnencrypted = "s3.object-unencrypted"
	// Medium: SSE-S3 where Requirements.AllowedKMSKeys asks for a KMS key.
	FindingObjectSSES3 = "s3.object-sse-s3"
	// High: SSE-KMS with a key outside Requirements.AllowedKMSKeys.
	FindingObjectKeyNotAllowed = "s3.object-kms-key-not-allowed"
	// High: SSE-C, which Personalize cannot read.
	FindingObjectSSEC = "s3.object-sse-c"
	// Medium: an encryption type the guard does not recognise.
	FindingObjectUnrecognized = "s3.object-encryption-unrecognized"
)
