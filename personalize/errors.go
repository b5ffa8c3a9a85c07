package personalize

import "github.com/personalizeguard/personalizeguard/internal/guarderr"

// Rules a [SafeguardError] names. They are stable: alert on them, count them,
// allow-list them. Rules of the sensitive-value safeguard are
// "sensitive.<kind>" (e.g. "sensitive.account-number"); rules of S3 location
// parsing come from package s3guard ("s3.location.credentials", ...).
const (
	RuleHTTPSOnly          = guarderr.RuleHTTPSOnly        // the request would leave over plain http, or with URL credentials
	RuleTLSVersion         = guarderr.RuleTLSVersion       // the connection offered or negotiated TLS below the floor
	RuleBypassed           = guarderr.RuleBypassed         // a request reached the HTTP client without passing the guard, or another HTTP client was used
	RuleRequestChanged     = guarderr.RuleRequestChanged   // the request, or a key or location in it, changed after the guard checked it
	RuleBodyUnchecked      = guarderr.RuleBodyUnchecked    // the serialized body could not be read as one JSON document
	RuleClientRefused      = guarderr.RuleClientRefused    // a call on a client the guard refused to secure (see the wrapped *ConfigError)
	RuleRegionMismatch     = guarderr.RuleRegionMismatch   // a call in another Region than the guard checks keys and buckets in
	RuleNamePattern        = "model.name-pattern"          // a resource Name outside ^[a-zA-Z0-9][a-zA-Z0-9\-_]*$ or 1–63 bytes
	RuleTagLimits          = "model.tag-limits"            // tag count, key or value length or characters
	RuleFieldLength        = guarderr.RuleFieldLength      // a string outside the model's length limits
	RulePattern            = guarderr.RulePattern          // an ARN, token, column name or other patterned string outside the model's pattern
	RuleEnum               = guarderr.RuleEnum             // a value outside the model's enum
	RuleUnknownMember      = guarderr.RuleUnknownMember    // a member the guard's table does not describe (a newer SDK, or a hook)
	RuleUnknownOperation   = guarderr.RuleUnknownOperation // an operation the guard's table does not describe
	RuleSchemaJSON         = "model.schema-json"           // CreateSchema's Schema is not one JSON document with unique keys
	RuleKMSKeyARN          = "kms.key-arn"                 // a key field holds something other than a key ARN
	RuleKMSKeyNotAllowed   = "kms.key-not-allowed"         // a key other than the configured or allowed ones
	RuleKMSRoleWithoutKey  = "kms.role-without-key"        // RoleArn on CreateDatasetGroup without a KmsKeyArn
	RuleKMSKeyWithoutRole  = "kms.key-without-role"        // KmsKeyArn on CreateDatasetGroup without a RoleArn, and none configured
	RuleKMSKeyMissing      = "kms.key-missing"             // the configured key, or a key the caller gave, is missing from a key place of the request as sent
	RuleKMSKeyRequired     = "kms.key-required"            // CreateDatasetGroup without a customer managed key (see Policy.InsecureAllowUnencryptedDatasetGroups)
	RuleKMSKeyNotReady     = "kms.key-not-ready"           // the key's readiness check has blocking findings
	RuleKMSCheckFailed     = "kms.check-failed"            // the key could not be checked (fail closed)
	RuleDatasetGroupKey    = "kms.dataset-group-key"       // an import into a dataset group without the expected key
	RuleDatasetGroupLookup = "kms.dataset-group-lookup"    // an import's or export's dataset group could not be described (fail closed)
	RuleBucketNotAllowed   = "s3.bucket-not-allowed"       // output to a bucket outside Policy.AllowedOutputBuckets
	RuleBucketPosture      = "s3.bucket-posture"           // the bucket's posture check has blocking findings
	RuleObjectPosture      = "s3.object-posture"           // the import source objects are not encrypted as required
	RuleS3CheckFailed      = "s3.check-failed"             // the bucket could not be checked (fail closed)
	RuleImportScanFailed   = "datascan.check-failed"       // the import source could not be read or scanned (fail closed)
	RuleImportScanPrefix   = "datascan."                   // prefix of the import scan's rules: a refusal's rule is its first datascan finding ID ("datascan.identifier.email")
	RuleSensitivePrefix    = guarderr.RuleSensitivePrefix  // prefix of the sensitive-value rules

	RuleRootCredentials     = guarderr.RuleRootCredentials     // the client's credentials are the AWS account's root user's (see Policy.InsecureAllowRootCredentials)
	RuleIdentityCheckFailed = guarderr.RuleIdentityCheckFailed // who the credentials stand for could not be checked (fail closed)
)

// SafeguardError is returned when a safeguard refuses a request. The SDK wraps
// it in a *smithy.OperationError; reach it with errors.As. It names the
// operation, the field path and the rule, and never the value that broke the
// rule: it is safe to log and to return to an end user. It is the same type
// in every guarded client package (personalizeevents, personalizeruntime).
// Its fields and methods are documented where it is defined, which go doc
// does not follow from here: go doc
// github.com/personalizeguard/personalizeguard/internal/guarderr.SafeguardError.
type SafeguardError = guarderr.SafeguardError

// ConfigError reports a Policy or client configuration that New, NewGuard or
// Option refuses. It is the same type in every guarded client package; its
// fields: go doc
// github.com/personalizeguard/personalizeguard/internal/guarderr.ConfigError.
type ConfigError = guarderr.ConfigError
