package audit

// Finding IDs of the audit. They are stable: tools and allow-lists key on them.
// Findings of the key and bucket checks keep the IDs of packages kms and
// s3guard ("kms.rotation-disabled", "s3.public-access-block-incomplete"). The
// Security Hub control each maps to, where one exists, is in the finding's
// Control field and in the README's table.
const (
	// High: a read was refused; the message names the permission.
	FindingReadDenied = "audit.read-denied"
	// High: a read failed otherwise (throttled past the retries,
	// unreachable, an answer the audit cannot read).
	FindingReadFailed = "audit.read-failed"

	// Critical: the audit runs with the account's root credentials (Security Hub IAM.4).
	FindingRootCaller = "audit.identity.root-caller"
	// Critical: the root user has no MFA device (Security Hub IAM.9, IAM.6).
	FindingRootMFADisabled = "audit.identity.root-mfa-disabled"

	// High: a role Personalize resources name does not exist.
	FindingRoleNotFound = "audit.role.not-found"
	// High: the trust policy or a permissions policy cannot be parsed.
	FindingRolePolicyUnparsable = "audit.role.policy-unparsable"
	// High: the trust policy lets another principal than
	// personalize.amazonaws.com assume the role.
	FindingTrustOtherPrincipal = "audit.role.trust-other-principal"
	// High: the trust policy does not let personalize.amazonaws.com assume
	// the role for this account.
	FindingTrustPersonalizeMissing = "audit.role.trust-personalize-missing"
	// Medium: Personalize acting for another account could assume the role
	// (no aws:SourceAccount / aws:SourceArn condition: confused deputy).
	FindingTrustConfusedDeputy = "audit.role.trust-confused-deputy"
	// High: an Allow with a wildcard S3 or KMS action, or NotAction
	// (Security Hub IAM.21).
	FindingRoleWildcardAction = "audit.role.wildcard-action"
	// High: an Allow of S3 or KMS actions on "*" or on a wildcard bucket or key.
	FindingRoleWildcardResource = "audit.role.wildcard-resource"
	// Medium: access to a bucket or key no Personalize resource uses.
	FindingRoleUnusedResource = "audit.role.unused-resource"
	// High: the role lacks an action Personalize needs on what it uses.
	FindingRoleMissingAccess = "audit.role.missing-access"

	// High: no trail logs management events in the Region (Security Hub CloudTrail.1).
	FindingTrailMissing = "audit.cloudtrail.no-logging-trail"
	// Medium: the trails that log are single-Region (Security Hub CloudTrail.1).
	FindingTrailNotMultiRegion = "audit.cloudtrail.not-multi-region"
	// Medium: the trails log only read or only write management events, or
	// exclude an event source such as kms.amazonaws.com (Security Hub CloudTrail.1).
	FindingTrailManagementPartial = "audit.cloudtrail.management-events-partial"
	// Medium: a trail exists but is not logging.
	FindingTrailNotLogging = "audit.cloudtrail.not-logging"
	// Medium: CloudTrail's latest delivery of the trail's log files to its
	// bucket failed (GetTrailStatus LatestDeliveryError); the trail does not
	// count as the Region's logging trail while it does.
	FindingTrailDeliveryFailing = "audit.cloudtrail.delivery-failing"
	// Medium: log file validation is off (Security Hub CloudTrail.4).
	FindingTrailValidationOff = "audit.cloudtrail.log-validation-off"
	// Medium: the trail's logs are not encrypted with a KMS key (Security Hub CloudTrail.2).
	FindingTrailNotKMS = "audit.cloudtrail.not-kms-encrypted"
	// Low: the trail's bucket is in another Region than the audited one, so
	// its posture was not checked.
	FindingTrailBucketOtherRegion = "audit.cloudtrail.bucket-other-region"

	// Medium: a dataset group is not encrypted with a customer managed key.
	FindingDatasetGroupNoKey = "audit.datasetgroup.no-customer-key"
	// High: a resource's name holds an identifying value.
	FindingNameIdentifying = "audit.resource.name-identifying"
	// High: a tag key or value holds an identifying value.
	FindingTagIdentifying = "audit.resource.tag-identifying"
	// High: a job's S3 location breaks a rule of s3guard.ParseLocation
	// (plain http, credentials or a query in the URL, ...).
	FindingJobLocationInvalid = "audit.job.location-invalid"

	// Medium: Amazon Macie is not enabled in the Region (Security Hub Macie.1).
	FindingMacieDisabled = "audit.macie.not-enabled"
	// Medium: an import bucket is covered neither by automated sensitive data
	// discovery nor by an active classification job (Security Hub Macie.2).
	FindingMacieBucketNotCovered = "audit.macie.bucket-not-covered"
)

// ReportCheck is the Check field of the report Run returns.
const ReportCheck = "audit.account"
