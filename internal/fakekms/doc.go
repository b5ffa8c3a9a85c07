// Package fakekms is an in-memory AWS KMS for tests: it serves the KMS JSON
// 1.1 protocol (X-Amz-Target: TrentService.<Operation>) as the SDK's
// service/kms client serializes it, with the standard library's crypto only.
//
// # What it serves
//
// Keys ([Operations] lists every operation): CreateKey, DescribeKey, ListKeys,
// UpdateKeyDescription; key states and their transitions (EnableKey,
// DisableKey, ScheduleKeyDeletion to PendingDeletion, CancelKeyDeletion back
// to Disabled; keys created with Origin EXTERNAL wait in PendingImport); key
// policies (Get/Put/ListKeyPolicies, the policy given to CreateKey or KMS's
// default policy, which lets the account's IAM decide); rotation status;
// tags; aliases, resolved wherever KMS takes an alias (DescribeKey and the
// cryptographic operations) and refused where it does not; grants
// (CreateGrant with Name idempotency, ListGrants, ListRetirableGrants,
// RetireGrant by token or ID, RevokeGrant).
//
// Encrypt, Decrypt, GenerateDataKey and GenerateDataKeyWithoutPlaintext use
// real AES-256-GCM under per-key material that never leaves the [Server];
// the encryption context is bound as additional data, so a ciphertext
// decrypts only with the same context, under the key that made it, on the
// Server that made it. The blob format is the emulator's own (see
// crypto.go), not KMS's.
//
// Errors carry AWS's types and HTTP statuses (NotFoundException,
// DisabledException, KMSInvalidStateException, InvalidCiphertextException,
// ValidationException, AlreadyExistsException, InvalidGrantIdException, ...),
// so the SDK returns its typed errors. Messages never repeat a value that is
// not a well-formed key identifier. Operations it does not implement answer
// UnsupportedOperationException.
//
// # What it does not do
//
// No IAM: key policies and grants are stored and listed, never enforced.
// No asymmetric, HMAC or KEM cryptography (such keys have metadata, states,
// policies and grants only), no imported key material, no custom key stores,
// no multi-Region replicas, no automatic rotation of key material (the status
// is stored), and keys pending deletion are never deleted.
//
// # Region and account
//
// Each [Server] has its own Region and account ([Config]); nothing is shared
// between Servers in a process.
package fakekms
