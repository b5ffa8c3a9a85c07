package dataplanetest

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// RequestLineCase is one call of a data-plane client's operation Op with a
// hook at Step (one of RequestLineSteps; "" for none) that rewrites its
// request line as Line says, and what should come of it.
type RequestLineCase struct {
	Name       string
	Op         string
	Step       string
	Line       RequestLine
	ReportOnly bool
	Want       RequestLineOutcome
}

// RequestLineOutcome is what a call left: its refusal (rule, field,
// operation), the requests of the API that reached the endpoint (method,
// path as sent, and the operation the endpoint ran), and the audit events
// (see AuditLog.Events). AWSError is the code of the error the endpoint
// answered with, when it answered with one.
type RequestLineOutcome struct {
	Rule, Field, Operation string
	AWSError               string
	Sent                   []string
	Audit                  []string
}

// RequestLineCases returns, for an API whose operations go out as POST to
// paths (by operation), the calls of each operation with its path
// rewritten to each other operation's (as the SDK writes a path, the Path
// alone, and as the URL's Opaque), its method to PUT and GET, and its Host
// to another endpoint's, at every step: each refused under the operation's name, in report-only mode too,
// with nothing sent; and each operation called with no hook, which goes
// out to its own path and is allowed, or, for the operations in answers,
// is answered by the endpoint with that error code (the guard let it
// through; the emulator's scene does not serve it).
func RequestLineCases(paths, answers map[string]string) []RequestLineCase {
	var cases []RequestLineCase
	refused := func(op, field string) RequestLineOutcome {
		return RequestLineOutcome{Rule: guarderr.RuleRequestChanged, Field: field, Operation: op,
			Audit: []string{op + " rejected " + guarderr.RuleRequestChanged + " " + field}}
	}
	ops := slices.Sorted(maps.Keys(paths))
	for _, op := range ops {
		sent := RequestLineOutcome{Sent: []string{http.MethodPost + " " + paths[op] + " " + op}, Audit: []string{op + " allowed"}}
		if code := answers[op]; code != "" {
			sent.AWSError, sent.Audit = code, []string{op + " failed"}
		}
		cases = append(cases, RequestLineCase{Name: op + "/as it is", Op: op, Want: sent})
		for _, step := range RequestLineSteps {
			for _, other := range ops {
				if other == op {
					continue
				}
				for _, l := range []struct {
					form string
					line RequestLine
				}{
					{"path", RequestLine{Path: paths[other]}},
					{"Path alone", RequestLine{PathOnly: paths[other]}},
					{"opaque", RequestLine{Opaque: paths[other]}},
				} {
					cases = append(cases, RequestLineCase{Name: op + "/" + step + "/" + l.form + " of " + other, Op: op, Step: step, Line: l.line, Want: refused(op, "path")})
				}
			}
			for _, m := range []string{http.MethodPut, http.MethodGet} {
				cases = append(cases, RequestLineCase{Name: op + "/" + step + "/method " + m, Op: op, Step: step, Line: RequestLine{Method: m}, Want: refused(op, "method")})
			}
			// A Host header naming another endpoint than the one dialled.
			cases = append(cases, RequestLineCase{Name: op + "/" + step + "/another endpoint's Host", Op: op, Step: step,
				Line: RequestLine{Host: "personalize.us-east-1.amazonaws.com"}, Want: refused(op, "host")})
			// A path that carries a value: refused as a path, never echoed.
			cases = append(cases, RequestLineCase{Name: op + "/" + step + "/a path with a value", Op: op, Step: step,
				Line: RequestLine{Path: paths[op] + "/" + PathSecret}, Want: refused(op, "path")})
		}
		for _, other := range ops {
			if other != op {
				cases = append(cases, RequestLineCase{Name: op + "/report-only/path of " + other, Op: op, Step: AtFinalizeAfterSigning,
					Line: RequestLine{Path: paths[other]}, ReportOnly: true, Want: refused(op, "path")})
				break
			}
		}
	}
	return cases
}

// PathSecret is the identifying value RequestLineCases puts in a path: the
// error, the audit event and the endpoint must never see it.
const PathSecret = "jane.doe@example.com"

// RequestLineResult reads the outcome of a call that returned err, on the
// endpoint s, audited to log.
func RequestLineResult(tb testing.TB, s *personalizetest.Server, log *AuditLog, err error) RequestLineOutcome {
	tb.Helper()
	var got RequestLineOutcome
	var sg *guarderr.SafeguardError
	var ae smithy.APIError
	switch {
	case errors.As(err, &sg):
		got.Rule, got.Field, got.Operation = sg.Rule, sg.Field, sg.Operation
	case errors.As(err, &ae):
		got.AWSError = ae.ErrorCode()
	case err != nil:
		got.Rule = "not a refusal: " + err.Error()
	}
	for _, r := range APIRequests(s) {
		got.Sent = append(got.Sent, r.Method+" "+r.URL+" "+r.Operation)
	}
	got.Audit = log.Events(tb)
	return got
}
