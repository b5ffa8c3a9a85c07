// Package fakekms serves the AWS KMS JSON 1.1 protocol in-process by
// embedding local-kms (github.com/nsmithuk/local-kms) behind a quiet
// dispatcher.
//
// # Why a dispatcher of our own
//
// local-kms's own server finds handler methods by reflection, logs every call
// through logrus, answers operations it lacks with a 501 plain-text body that
// the SDK cannot parse, and panics on some inputs (PutKeyPolicy on an
// asymmetric key). [Handler] calls the same handler methods through an
// explicit table and discards the emulator's logs. It serves GetKeyPolicy,
// PutKeyPolicy and ListKeyPolicies itself (PolicyName optional, policies
// checked for JSON, every key type), leaves a key Disabled after
// CancelKeyDeletion as KMS does, recovers panics into a 500
// KMSInternalException, and answers every operation it does not implement
// (CreateGrant, ListGrants, ...) with a JSON 400 UnsupportedOperationException,
// so callers always get an error the SDK can type.
//
// [Handler.Key] lets the other in-process fakes check a key the way AWS
// services do before using it.
//
// # Process-wide settings
//
// local-kms keeps the Region and account ID in package variables
// (config.AWSRegion, config.AWSAccountId). [Open] sets them once per process
// to [Region] and [AccountID]; every Handler in a process shares them.
package fakekms
