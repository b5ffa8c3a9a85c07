package pseudonym

import (
	"github.com/personalizeguard/personalizeguard/internal/awserr"
)

// ArgumentError reports an argument that is missing or malformed: a key of
// the wrong size, version 0, an empty ID, a KMS identifier that is not a key
// ARN, a KMS client the transport rules refuse (Field "client"), a nil or
// zero Pseudonymizer. It is returned before any call to AWS. The message names the argument
// and the rule, never the value.
type ArgumentError struct {
	Field  string // "key", "version", "id", "kmsKeyARN", "Pseudonymizer", ...
	Reason string // "is empty", "is 16 bytes; a pseudonym key is 32 bytes"
	Err    error  // a *kms.IdentifierError for KMS key identifiers, the transport rule's error for a KMS client refused, else nil
}

func (e *ArgumentError) Error() string {
	msg := "pseudonym: " + e.Field + " " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *ArgumentError) Unwrap() error { return e.Err }

// FormatError reports a string that is not a well-formed pseudonym. Reason
// is one of a fixed set of texts; the input, which may be a raw identifier,
// is never repeated.
type FormatError struct {
	Reason string // "it does not start with pu or ps"
}

func (e *FormatError) Error() string { return "pseudonym: not a pseudonym: " + e.Reason }

// KMSError reports a KMS call that failed or whose answer cannot be trusted.
// Either way no key is returned: a pseudonymiser that cannot get its key does
// not start, rather than fall back to anything weaker. The message never
// holds key material, plaintext or encrypted.
type KMSError struct {
	// Operation is the KMS operation: "GenerateDataKey" or "Decrypt".
	Operation string
	// Permission is the IAM action the caller needs ("kms:Decrypt").
	Permission string
	// Reason is set when the call succeeded but its answer was refused: KMS
	// named another key than the one asked for, or returned a key of the
	// wrong size.
	Reason string
	// Err is the SDK's error (a *smithy.OperationError, usually); nil when
	// Reason is set.
	Err error
}

func (e *KMSError) Error() string {
	msg := "pseudonym: KMS " + e.Operation + " "
	switch {
	case e.Reason != "":
		return msg + "answer refused: " + e.Reason
	case e.AccessDenied():
		msg += "was denied; the caller needs " + e.Permission + " on the KMS key"
	case awserr.Code(e.Err) == "InvalidCiphertextException":
		msg += "failed: the encrypted key was not made by this KMS key for this key version and purpose"
	case awserr.Code(e.Err) == "IncorrectKeyException":
		msg += "failed: the encrypted key was made under another KMS key"
	default:
		msg += "failed (it needs " + e.Permission + " on the KMS key)"
	}
	// Not the SDK's text: AWS's messages quote the caller's session name.
	return msg + ": " + awserr.Cause(e.Err)
}

func (e *KMSError) Unwrap() error { return e.Err }

// AccessDenied reports whether KMS refused the call for lack of permission.
func (e *KMSError) AccessDenied() bool { return awserr.AccessDenied(e.Err) }
