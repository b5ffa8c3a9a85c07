// Package auditlog writes the one audit event per call that every guarded
// client emits: the same message, attribute names and outcomes for the
// control plane and the data plane, so one alert or query covers all three
// clients. An event never carries request data: operation, outcome, the
// refusal's rule and field path, what acted, AWS's error code and request ID.
package auditlog

import (
	"context"
	"errors"
	"log/slog"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/awserr"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// The event's message and attribute names; the client packages re-export
// them.
const (
	Message = "personalize call"

	KeyOperation  = "operation"   // the API operation
	KeyOutcome    = "outcome"     // OutcomeAllowed, OutcomeRejected or OutcomeFailed
	KeyRule       = "rule"        // a refusal's rule, one of the Rule constants
	KeyField      = "field"       // a refusal's field path
	KeyFindings   = "findings"    // the posture finding IDs behind a refusal
	KeySafeguards = "safeguards"  // the Action constants of the safeguards that acted
	KeyReportOnly = "report_only" // report-only mode: "<rule> at <field>" of what would have been refused
	KeyErrorCode  = "error_code"  // an AWS error's code (never its message, which can quote a value)
	KeyRequestID  = "request_id"  // AWS's request ID
	KeyDuration   = "duration"    // the call's duration
)

// Outcomes.
const (
	OutcomeAllowed  = "allowed"  // every safeguard passed and AWS answered
	OutcomeRejected = "rejected" // a safeguard, or the SDK's own validation of the input, refused the call; nothing was sent
	OutcomeFailed   = "failed"   // the call failed: an AWS error, the network, a response the guard refused, the caller's context ended, or a panic ended it
)

// Call is what one call leaves for its audit event.
type Call struct {
	Err        error                      // the call's result
	Safeguards []string                   // the actions of the safeguards that acted
	Reported   []*guarderr.SafeguardError // report-only mode: what would have been refused
	Metadata   middleware.Metadata        // the call's metadata (request ID)
	Duration   time.Duration
	Operation  string // the call's operation, when the guard knows it from its stack; "" for the one ctx names
}

// ErrPanicked is the Err of the event of a call that a panic ended: a
// guard writes it as the panic passes its audit step, and the panic goes
// on. The request may have been sent.
var ErrPanicked = errors.New("the call ended in a panic")

// level is the level of a call's event: WARN for a call that failed or
// would have been refused, INFO otherwise.
func level(err error, reported int) slog.Level {
	if err != nil || reported > 0 {
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// Logger is the logger a guard writes an audit event to: l, or
// slog.Default() when l is nil, read at each call (an atomic load); nil
// (no event) only with off, the Policy's InsecureNoAuditLog.
func Logger(l *slog.Logger, off bool) *slog.Logger {
	switch {
	case off:
		return nil
	case l == nil:
		return slog.Default()
	}
	return l
}

// CheckPolicy refuses a Policy's audit settings that contradict each
// other: a Logger that InsecureNoAuditLog (off) would leave unused, and
// report-only mode, which reports through the audit log, without it.
func CheckPolicy(l *slog.Logger, off, reportOnly bool) error {
	switch {
	case off && l != nil:
		return &guarderr.ConfigError{Field: "InsecureNoAuditLog", Reason: "is set with a Logger, which would then receive nothing; keep one of them"}
	case off && reportOnly:
		return &guarderr.ConfigError{Field: "InsecureReportOnly", Reason: "needs the audit log, which InsecureNoAuditLog turns off: report-only mode reports through it"}
	}
	return nil
}

// Enabled reports whether l writes the event of a call that ended with err
// and reported refusals in report-only mode: a guard then builds the event,
// and otherwise nothing of it, not even the list of safeguards.
func Enabled(ctx context.Context, l *slog.Logger, err error, reported int) bool {
	return l != nil && l.Enabled(ctx, level(err, reported))
}

// Write logs the event of the call c (whose operation, unless c names it,
// ctx names), when l's handler is enabled for its level.
func Write(ctx context.Context, l *slog.Logger, c Call) {
	level := level(c.Err, len(c.Reported))
	if !l.Enabled(ctx, level) {
		return
	}
	op := c.Operation
	if op == "" {
		op = middleware.GetOperationName(ctx)
	}
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs, slog.String(KeyOperation, op))
	var sg *guarderr.SafeguardError
	switch {
	case c.Err == nil:
		attrs = append(attrs, slog.String(KeyOutcome, OutcomeAllowed))
	case errors.As(c.Err, &sg):
		outcome := OutcomeRejected
		if sg.Sent {
			outcome = OutcomeFailed // refused after the request went out
		}
		attrs = append(attrs, slog.String(KeyOutcome, outcome), slog.String(KeyRule, sg.Rule))
		if sg.Field != "" {
			attrs = append(attrs, slog.String(KeyField, sg.Field))
		}
		if len(sg.Findings) > 0 {
			ids := make([]string, len(sg.Findings))
			for i, f := range sg.Findings {
				ids[i] = f.ID
			}
			attrs = append(attrs, slog.Any(KeyFindings, ids))
		}
	case errors.As(c.Err, new(smithy.InvalidParamsError)) || errors.As(c.Err, new(*smithy.InvalidParamsError)):
		// The SDK's validator refused the input (a required member
		// missing; it returns the error as a value): nothing left the
		// process.
		attrs = append(attrs, slog.String(KeyOutcome, OutcomeRejected))
	default:
		attrs = append(attrs, slog.String(KeyOutcome, OutcomeFailed))
		if code := awserr.PrintableCode(c.Err); code != "" {
			attrs = append(attrs, slog.String(KeyErrorCode, code))
		}
	}
	if len(c.Safeguards) > 0 {
		attrs = append(attrs, slog.Any(KeySafeguards, c.Safeguards))
	}
	if len(c.Reported) > 0 {
		rep := make([]string, len(c.Reported))
		for i, r := range c.Reported {
			rep[i] = r.Rule
			if r.Field != "" {
				rep[i] += " at " + r.Field
			}
		}
		attrs = append(attrs, slog.Any(KeyReportOnly, rep))
	}
	if id, ok := awsmiddleware.GetRequestIDMetadata(c.Metadata); ok {
		attrs = append(attrs, slog.String(KeyRequestID, id))
	}
	attrs = append(attrs, slog.Duration(KeyDuration, c.Duration))
	// The record goes to the handler without a caller's PC: Logger.LogAttrs
	// would walk the stack for it on every call (≈2k instructions), and the
	// source it names would always be this line.
	r := slog.NewRecord(time.Now(), level, Message, 0)
	r.AddAttrs(attrs...)
	_ = l.Handler().Handle(ctx, r)
}
