package kms

import (
	"errors"

	"github.com/personalizeguard/personalizeguard/internal/awserr"
)

// IdentifierError reports a value that is not a key ARN where one is needed.
// It says what kind of identifier was given and never repeats the value.
type IdentifierError struct {
	// Given is the kind of identifier that was given: AliasARNKind,
	// AliasNameKind, KeyIDKind, or UnknownKind for anything that is not a
	// well-formed KMS identifier.
	Given IdentifierKind
	// Problem says what is wrong when Given is UnknownKind ("the account is not
	// 12 digits"); it is one of a fixed set of texts.
	Problem string
}

func (e *IdentifierError) Error() string { return "kms: " + e.describe() }

func (e *IdentifierError) describe() string {
	switch e.Given {
	case AliasARNKind, AliasNameKind, KeyIDKind:
		return "the key identifier is " + e.Given.String() +
			"; a key ARN (" + keyARNForm + ") is needed: resolve it to one with DescribeKey (kms.ResolveKeyARN)"
	}
	msg := "the key identifier is not a KMS identifier"
	if e.Problem != "" {
		msg += " (" + e.Problem + ")"
	}
	return msg + "; a key ARN (" + keyARNForm + ") is needed"
}

// ArgumentError reports a field of [CheckInput] or [KeyPolicyInput] that is
// missing or malformed (the same name as s3guard's, for the same thing). The check or generator rejects it before any call
// to AWS. The message names the field, never its value.
type ArgumentError struct {
	Field  string // "CheckInput.RoleARN"
	Reason string // "is required", "is not an IAM role ARN"
	Err    error  // an *IdentifierError for key ARNs, else nil
}

func (e *ArgumentError) Error() string {
	var ie *IdentifierError
	if errors.As(e.Err, &ie) {
		return "kms: " + e.Field + ": " + ie.describe()
	}
	return "kms: " + e.Field + " " + e.Reason
}

func (e *ArgumentError) Unwrap() error { return e.Err }

// CheckError reports a check that could not run: KMS denied one of its calls,
// throttled it past the retries, or could not be reached. A check that
// cannot run never passes; callers reject the key. s3guard.CheckError has
// the same shape.
type CheckError struct {
	// Operation is the KMS operation that failed ("GetKeyPolicy").
	Operation string
	// Permission is the IAM action the caller needs for it
	// ("kms:GetKeyPolicy").
	Permission string
	// Resource is the key's ARN; empty when an alias or key ID was being
	// resolved.
	Resource string
	// Err is the SDK's error (a *smithy.OperationError, usually).
	Err error
}

func (e *CheckError) Error() string {
	msg := "kms: the key check could not run: "
	switch {
	case e.AccessDenied():
		msg += e.Operation + " was denied; the caller needs " + e.Permission + " on the key"
	case apiErrorCode(e.Err) == "NotFoundException":
		msg += e.Operation + ": the key or alias does not exist"
	default:
		msg += e.Operation + " failed (it needs " + e.Permission + " on the key)"
	}
	// Not the SDK's text: AWS's messages quote the alias or key asked for
	// and the caller's session name.
	return msg + ": " + awserr.Cause(e.Err)
}

func (e *CheckError) Unwrap() error { return e.Err }

// AccessDenied reports whether KMS refused the call for lack of permission.
func (e *CheckError) AccessDenied() bool { return awserr.AccessDenied(e.Err) }

// apiErrorCode returns the error code of an AWS API error, or "".
func apiErrorCode(err error) string { return awserr.Code(err) }
