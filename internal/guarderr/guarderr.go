// Package guarderr holds the errors every guarded client returns and the
// rules they name that are not specific to one API. The client packages
// re-export them by alias (personalize.SafeguardError is
// guarderr.SafeguardError), so errors.As finds one type whichever name a
// caller uses.
package guarderr

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
	kmscheck "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// Rules shared by every guarded client. Each client package re-exports them
// with its own API-specific rules.
const (
	RuleHTTPSOnly        = "transport.https-only"      // the request would leave over plain http, or with URL credentials
	RuleTLSVersion       = "transport.tls-version"     // the connection offered or negotiated TLS below the floor
	RuleBypassed         = "transport.guard-bypassed"  // a request reached the HTTP client without passing the guard, or another HTTP client was used
	RuleRequestChanged   = "transport.request-changed" // the request, or a key or location in it, changed after the guard checked it
	RuleBodyUnchecked    = "transport.body-unchecked"  // the serialized body could not be read as one JSON document
	RuleClientRefused    = "config.client-refused"     // a call on a client the guard refused to secure (see the wrapped *ConfigError)
	RuleRegionMismatch   = "config.region-mismatch"    // a call in another Region than the guard checks keys and buckets in
	RuleFieldLength      = "model.field-length"        // a string outside the model's length limits
	RulePattern          = "model.pattern"             // an ARN, token, column name or other patterned string outside the model's pattern
	RuleEnum             = "model.enum"                // a value outside the model's enum
	RuleUnknownMember    = "model.unknown-member"      // a member the guard's table does not describe (a newer SDK, or a hook)
	RuleUnknownOperation = "model.unknown-operation"   // an operation the guard's table does not describe
	RuleSensitivePrefix  = "sensitive."                // prefix of the sensitive-value rules

	RuleRootCredentials     = callerid.RuleRootCredentials // the credentials are the account's root user's
	RuleIdentityCheckFailed = "identity.check-failed"      // who the credentials stand for could not be checked (fail closed)
)

// SafeguardError is returned when a safeguard refuses a request. The SDK wraps
// it in a *smithy.OperationError; reach it with errors.As. It names the
// operation, the field path and the rule, and never the value that broke the
// rule: it is safe to log and to return to an end user.
type SafeguardError struct {
	// Operation is the Personalize operation, e.g. "CreateDatasetGroup".
	Operation string
	// Field is the path of the offending field, e.g. "Tags[2].TagValue" or
	// "JobOutput.S3DataDestination.Path": member names joined by dots, a
	// list element by its index, a map entry's key or value as .Key or
	// .Value of the map (the control plane also gives the entry's rank in
	// sorted key order, "AlgorithmHyperParameters[#3].Value"), never the
	// key itself, which is caller data. Empty for rules about the
	// connection or the configuration.
	Field string
	// Rule is one of the Rule constants, or "sensitive.<kind>".
	Rule string
	// Reason explains the rule in a sentence, without the value.
	Reason string
	// Findings carry the posture report behind RuleKMSKeyNotReady,
	// RuleBucketPosture and RuleObjectPosture.
	Findings []posture.Finding
	// Sent is true only when the guard refused a response, not a request:
	// the negotiated TLS version was below the floor after the request had
	// gone out (a per-call HTTPClient the guard could not harden).
	Sent bool
	// Err is the underlying error, if any: a *kms.CheckError or
	// *s3guard.CheckError when a check could not run, a transport error. It
	// is for programs (errors.As); Error() shows only a summary of it,
	// because transport errors quote URLs.
	Err error
}

func (e *SafeguardError) Error() string {
	var b strings.Builder
	b.WriteString("personalizeguard: ")
	b.WriteString(e.Operation)
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Rule)
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	for i, f := range e.Findings {
		if i == 0 {
			b.WriteString(" [")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.ID)
		if i == len(e.Findings)-1 {
			b.WriteString("]")
		}
	}
	if e.Err != nil {
		b.WriteString(" (")
		b.WriteString(Summary(e.Err))
		b.WriteString(")")
	}
	return b.String()
}

func (e *SafeguardError) Unwrap() error { return e.Err }

// Ended returns ctx's error when ctx has ended and a check failed with that
// error (the caller cancelled the call, or its deadline passed, while the
// check read AWS): the call then ends with it, as it would without the
// guard, not as a refusal. nil otherwise: a check that failed for any other
// reason, its own timeout included, is refused, and nothing is sent either
// way.
func Ended(ctx context.Context, err *SafeguardError) error {
	if cerr := ctx.Err(); cerr != nil && err.Err != nil && errors.Is(err.Err, cerr) {
		return cerr
	}
	return nil
}

// ClientRefused is the refusal of every call of op on a client the guard
// refused to secure; cause, a *ConfigError, says why.
func ClientRefused(op string, cause error) *SafeguardError {
	return &SafeguardError{Operation: op, Rule: RuleClientRefused, Reason: "the guard refused to secure this client, so it sends nothing", Err: cause}
}

// ForeignMiddleware is the refusal of a call of op in which another Guard's
// step or wire gate runs: the call's state is found under one key whatever
// its Guard, so what that Guard's middleware recorded, or checked by its own
// Policy, would pass for this Guard's check (a schema read, a pseudonym of
// another key, the root user's access key, a body sent by a report-only
// gate). Refused in report-only mode too, as a second signer is.
func ForeignMiddleware(op string) *SafeguardError {
	return &SafeguardError{Operation: op, Rule: RuleBypassed,
		Reason: "a middleware of another Guard runs in this call; use one Guard per client"}
}

// CallEnded is the refusal of a request of op that reached a guard's step
// or wire gate after its call had returned: a hook kept it, or handed it
// on from another goroutine, and returned. What the call's checks noted no
// longer stands for it, and the call's pooled state may be another call's
// by now (see internal/callhold). Refused in report-only mode too.
//
//go:noinline
func CallEnded(op string) *SafeguardError {
	return &SafeguardError{Operation: op, Rule: RuleBypassed,
		Reason: "the request reached the guard after its call had returned: something (an interceptor or middleware) handed it on late, and the call's checks no longer stand for it"}
}

// PassedTwice is the refusal of a second pass of a guard's Initialize
// step on one call of op: a hook handed the call on twice (at once, or one
// after the other), and the steps, which note what they checked in the
// call's one state, would race, or note a second request's values for the
// first's. Refused in report-only mode too.
//
//go:noinline
func PassedTwice(op string) *SafeguardError {
	return &SafeguardError{Operation: op, Rule: RuleBypassed,
		Reason: "a step of the guard ran twice in this call: something (an interceptor or middleware) handed the call on twice"}
}

// RetryableError tells the SDK's retryer not to retry: a refusal is final,
// even when it wraps a connection error the retryer would otherwise retry.
func (e *SafeguardError) RetryableError() bool { return false }

// Summary describes err without its text, which may quote a URL (an S3
// object key) or an AWS message that quotes a value.
func Summary(err error) string {
	var kc *kmscheck.CheckError
	var sc *s3guard.CheckError
	var le *s3guard.ListingError
	var ic *callerid.CheckError
	var ce *ConfigError
	var sg *SafeguardError
	var ae smithy.APIError
	switch {
	case errors.As(err, &kc):
		if kc.AccessDenied() {
			return "KMS " + kc.Operation + " was denied; the guard needs " + kc.Permission
		}
		return "KMS " + kc.Operation + " failed; the guard needs " + kc.Permission + " and a reachable KMS"
	case errors.As(err, &le):
		// Not a permission: the listing itself broke s3guard's rules.
		return "S3 ListObjectsV2 returned a listing S3 does not give (" + le.Rule + "): a proxy or an S3-compatible store answered"
	case errors.As(err, &sc):
		if sc.AccessDenied() {
			return "S3 " + sc.Operation + " was denied; the guard needs " + sc.Permission
		}
		return "S3 " + sc.Operation + " failed; the guard needs " + sc.Permission + " and a reachable S3"
	case errors.As(err, &ic):
		switch {
		case ic.CredentialsRefused():
			return "STS " + ic.Operation + " did not accept the credentials"
		case ic.AccessDenied():
			return "STS " + ic.Operation + " was denied; the guard needs " + ic.Permission
		case ic.NoAccessKey():
			return "the credentials have no access key ID, so the guard cannot tell who signs"
		case errors.As(ic.Err, &sg):
			return "STS " + ic.Operation + " was refused by the guard's own rule " + sg.Rule
		case errors.As(ic.Err, &ce):
			return "the guard's STS client is refused: " + ce.Field + " " + ce.Reason
		}
		return "STS " + ic.Operation + " failed; the guard needs " + ic.Permission + " and a reachable STS"
	case errors.As(err, &ae):
		return "AWS error " + ae.ErrorCode()
	}
	return "see errors.Unwrap"
}

// ConfigError reports a Policy that New or NewGuard refuses.
type ConfigError struct {
	Field  string // what is refused: a Policy field, a field of aws.Config or of the client's Options ("aws.Config.Region", "BaseEndpoint", "HTTPClient", "APIOptions"), or "personalize SDK" for an SDK the guard's table does not match
	Reason string
	Err    error
}

func (e *ConfigError) Error() string {
	msg := fmt.Sprintf("personalizeguard: invalid configuration: %s: %s", e.Field, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *ConfigError) Unwrap() error { return e.Err }

// Reported adds err to what a call in report-only mode would have refused,
// once per rule and field: the wire gate sees again what an earlier check
// saw.
func Reported(reported []*SafeguardError, err *SafeguardError) []*SafeguardError {
	for _, r := range reported {
		if r.Rule == err.Rule && r.Field == err.Field {
			return reported
		}
	}
	return append(reported, err)
}
