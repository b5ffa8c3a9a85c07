package callerid

import (
	"github.com/personalizeguard/personalizeguard/internal/awserr"
)

// RuleRootCredentials is the rule a guard names when it refuses the
// account's root credentials.
const RuleRootCredentials = "identity.root-credentials"

// RootCredentialsError reports that the credentials are the AWS account's
// root user's. It names the account, never the key.
type RootCredentialsError struct {
	Partition string // "aws", "aws-cn", ...
	Account   string // the 12-digit account ID
}

func (e *RootCredentialsError) Error() string {
	return "callerid: " + RuleRootCredentials + ": the credentials are the root user's of account " + e.Account +
		"; use an IAM role (or user) with only the permissions Personalize needs"
}

// Rule returns [RuleRootCredentials].
func (e *RootCredentialsError) Rule() string { return RuleRootCredentials }

// CheckError reports that the check could not run: STS refused or throttled
// GetCallerIdentity, could not be reached, did not accept the credentials,
// or answered something the check cannot read. A check that cannot run
// never passes; callers refuse the request. kms.CheckError and
// s3guard.CheckError have the same shape.
type CheckError struct {
	// Operation is the STS operation, "GetCallerIdentity".
	Operation string
	// Permission is the IAM action it needs, "sts:GetCallerIdentity".
	Permission string
	// Err is the SDK's error (a *smithy.OperationError, usually), or one of
	// the check's own when the answer could not be read.
	Err error
}

func (e *CheckError) Error() string {
	msg := "callerid: the caller identity check could not run: "
	switch {
	case e.Err == errNoAccessKey || e.Err == errNoClient:
		return msg + e.Err.Error()
	case e.CredentialsRefused():
		msg += "STS did not accept the credentials"
	case e.AccessDenied():
		msg += e.Operation + " was denied; the guard needs " + e.Permission + " (check service control policies and VPC endpoint policies)"
	default:
		msg += e.Operation + " failed (it needs " + e.Permission + " and a reachable STS)"
	}
	// Not AWS's message: it quotes the caller's ARN (the check's own
	// errors, in fixed words, are given as they are).
	return msg + ": " + awserr.Cause(e.Err)
}

func (e *CheckError) Unwrap() error { return e.Err }

// AccessDenied reports whether STS refused the call for lack of permission.
func (e *CheckError) AccessDenied() bool {
	return !e.CredentialsRefused() && awserr.AccessDenied(e.Err)
}

// NoAccessKey reports whether the check did not run because the
// credentials have no access key ID (anonymous credentials).
func (e *CheckError) NoAccessKey() bool { return e.Err == errNoAccessKey }

// CredentialsRefused reports whether STS refused the credentials themselves:
// an access key ID it does not know, an expired session, a bad signature.
func (e *CheckError) CredentialsRefused() bool {
	switch awserr.Code(e.Err) {
	case "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch", "MissingAuthenticationToken":
		return true
	}
	return false
}

type checkFailure string

func (e checkFailure) Error() string { return string(e) }

const (
	errNoAccessKey     = checkFailure("the credentials have no access key ID, so the guard cannot tell who signs")
	errNoClient        = checkFailure("no STS client")
	errNoARN           = checkFailure("GetCallerIdentity answered without an ARN")
	errUnknownARN      = checkFailure("GetCallerIdentity answered an ARN that is not a root, IAM user, assumed-role or federated-user ARN")
	errAccountMismatch = checkFailure("GetCallerIdentity answered an account other than its ARN's")
)
