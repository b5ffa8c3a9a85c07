package dataplanetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TwinSteps are the places RunTwins runs SendTwice's hook at: right before
// the wire gate. Not after signing (AtFinalizeAfterSigning, which SendTwice
// supports): there the two sends run the Deserialize step at once, and
// smithy-go v1.28.9's DeserializeStep.HandleMiddleware writes its tail's
// Next on every call, a data race of the SDK's own under -race.
var TwinSteps = []string{AtDeserialize}

// Twins is what SendTwice's two sends of one attempt were handed and what
// each returned.
type Twins struct {
	Attempts int       // the attempts the hook sent twice
	Bodies   [2]string // each copy's body as handed on, after its rewrite
	Errs     [2]error  // each send's error
}

// SendTwice returns an APIOptions entry whose middleware, at step (one of
// TwinSteps; wireGate is the client's wire gate ID), hands each attempt on
// twice at once, from two goroutines, as a hedging hook does: each send a
// clone of the request with its own copy of the body, copy i's body
// rewritten by rewrite[i] when it is not nil. Both sends are waited for and
// recorded in into; the call gets the result of the first send that
// succeeded, or the first send's error, as a hedge would.
func SendTwice(step, wireGate string, rewrite [2]func(string) string, into *Twins) func(*middleware.Stack) error {
	const id = "Test:SendTwice"
	return func(s *middleware.Stack) error {
		switch step {
		case AtFinalizeAfterSigning:
			return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc(id, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
				middleware.FinalizeOutput, middleware.Metadata, error,
			) {
				out, md, err := twice(in.Request, rewrite, into, func(req *smithyhttp.Request) (any, middleware.Metadata, error) {
					in := in // each send's own
					in.Request = req
					out, md, err := next.HandleFinalize(ctx, in)
					return out.Result, md, err
				})
				return middleware.FinalizeOutput{Result: out}, md, err
			}), "Signing", middleware.After)
		case AtDeserialize:
			return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc(id, func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
				middleware.DeserializeOutput, middleware.Metadata, error,
			) {
				var raw [2]any
				out, md, err := twice(in.Request, rewrite, into, func(req *smithyhttp.Request) (any, middleware.Metadata, error) {
					in := in // each send's own
					in.Request = req
					out, md, err := next.HandleDeserialize(ctx, in)
					return [2]any{out.RawResponse, out.Result}, md, err
				})
				if r, ok := out.([2]any); ok {
					raw = r
				}
				return middleware.DeserializeOutput{RawResponse: raw[0], Result: raw[1]}, md, err
			}), wireGate, middleware.Before)
		}
		return errors.New("dataplanetest: SendTwice has no step " + step)
	}
}

// twice runs send on two copies of r at once (see SendTwice).
func twice(r any, rewrite [2]func(string) string, into *Twins, send func(*smithyhttp.Request) (any, middleware.Metadata, error)) (any, middleware.Metadata, error) {
	req := r.(*smithyhttp.Request)
	b, err := io.ReadAll(req.GetStream())
	if err != nil {
		return nil, middleware.Metadata{}, err
	}
	var copies [2]*smithyhttp.Request
	for i := range copies {
		body := string(b)
		if rewrite[i] != nil {
			body = rewrite[i](body)
		}
		c, err := req.Clone().SetStream(bytes.NewReader([]byte(body)))
		if err != nil {
			return nil, middleware.Metadata{}, err
		}
		c.ContentLength = int64(len(body))
		copies[i], into.Bodies[i] = c, body
	}
	into.Attempts++
	var (
		wg   sync.WaitGroup
		outs [2]any
		mds  [2]middleware.Metadata
	)
	for i := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], mds[i], into.Errs[i] = send(copies[i])
		}()
	}
	wg.Wait()
	for i := range copies {
		if into.Errs[i] == nil {
			return outs[i], mds[i], nil
		}
	}
	return outs[0], mds[0], into.Errs[0]
}

// SetMember returns a rewrite that sets the first string member named
// member in a JSON body to value (a JSON string's text, without quotes).
// The test fails if the body has no such member.
func SetMember(tb testing.TB, member, value string) func(string) string {
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(member) + `":"[^"]*"`)
	return func(body string) string {
		at := re.FindStringIndex(body)
		if at == nil {
			tb.Errorf("the body %s has no string member %q", body, member)
			return body
		}
		return body[:at[0]] + `"` + member + `":"` + value + `"` + body[at[1]:]
	}
}

// TwinPlant is a value a TwinCase's hook puts into a copy's body: Value at
// the first string member named Member, refused at Field by Rule.
type TwinPlant struct {
	Member, Value, Field, Rule string
	// Secret is whether Value must never reach the endpoint, the error or
	// the audit log (an identifying value, a raw identifier); a value the
	// guard refuses for another reason (a key ARN swapped in) need not be.
	Secret bool
}

// TwinTarget describes, for one client's call, the values the cases of
// TwinCases plant.
type TwinTarget struct {
	// First and Second are identifying values at two members of the call's
	// body that the field rules refuse (reported in report-only mode).
	First, Second TwinPlant
	// Changed swaps a value the guard put in itself (a pseudonym, the
	// configured KMS key) for another: refused in report-only mode too.
	Changed TwinPlant
	// Distinct, when set, rewrites copy 1's body before its plant, so that
	// the two copies of a create call name two resources: an endpoint
	// refuses the second send of one resource as a duplicate.
	Distinct func(body string) string
}

// TwinCase is one case of a client's TestAttemptSentTwiceAtOnce.
type TwinCase struct {
	Name, Reason string
	ReportOnly   bool
	// PutsIn is whether the guard puts a value of its own into the request
	// (a Pseudonymizer, a KMS key), the one Changed swaps.
	PutsIn bool
	// Plant is what the hook puts into each copy (nil: the copy is sent as
	// the SDK made it).
	Plant [2]*TwinPlant
	// Reported are the audit event's report-only entries, "<rule> at
	// <field>", sorted.
	Reported []string
}

// TwinCases returns the cases of TestAttemptSentTwiceAtOnce for a client
// whose call's body t describes.
func TwinCases(t TwinTarget) []TwinCase {
	at := func(p TwinPlant) string { return p.Rule + " at " + p.Field }
	return []TwinCase{
		{Name: "clean", Reason: "both copies pass and both are sent as checked"},
		{Name: "both rewritten", Reason: "each send is refused on its own, and nothing is sent",
			Plant: [2]*TwinPlant{&t.First, &t.First}},
		{Name: "one rewritten", Reason: "the rewritten copy is refused, the other sent: one send's walk does not move the other's place",
			Plant: [2]*TwinPlant{nil, &t.First}},
		{Name: "each its own value", Reason: "each send is refused by its own copy's value",
			Plant: [2]*TwinPlant{&t.First, &t.Second}},
		{Name: "report-only, both alike", Reason: "both are sent; the value is reported once",
			ReportOnly: true, Plant: [2]*TwinPlant{&t.First, &t.First}, Reported: []string{at(t.First)}},
		{Name: "report-only, each its own value", Reason: "both are sent; both values are reported, neither lost",
			ReportOnly: true, Plant: [2]*TwinPlant{&t.First, &t.Second}, Reported: sorted(at(t.First), at(t.Second))},
		{Name: "guard's value kept", Reason: "both copies carry the value the guard put in, and both are sent",
			PutsIn: true},
		{Name: "guard's value swapped in one copy", Reason: "that copy is refused, the other sent",
			PutsIn: true, Plant: [2]*TwinPlant{nil, &t.Changed}},
		{Name: "report-only, guard's value swapped in one copy", Reason: "refused in report-only mode too; the other copy is sent",
			ReportOnly: true, PutsIn: true, Plant: [2]*TwinPlant{&t.Changed, nil}},
	}
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// TwinCall makes a client's call for a case: through a client with the
// case's Policy settings (ReportOnly, PutsIn) and the audit log log, with
// the APIOptions entry hook; operation is the operation whose requests the
// endpoint counts.
type TwinCall func(t *testing.T, tc TwinCase, log *AuditLog, hook func(*middleware.Stack) error) (operation string, err error)

// RunTwins runs each case of TwinCases(target) at each of TwinSteps on the
// endpoint s, calling through call: each copy's send is refused by its
// plant's rule at its field, or sent byte for byte as the hook handed it
// on; no secret reaches the error, the audit log or (outside report-only
// mode) the endpoint; the call writes one audit event, allowed when a copy
// was sent, with the case's report-only entries.
func RunTwins(t *testing.T, s *personalizetest.Server, wireGate string, target TwinTarget, call TwinCall) {
	for _, step := range TwinSteps {
		for _, tc := range TwinCases(target) {
			t.Run(step+"/"+tc.Name, func(t *testing.T) {
				s.ResetRequests()
				var log AuditLog
				var tw Twins
				var rewrite [2]func(string) string
				for i, p := range tc.Plant {
					if p != nil {
						rewrite[i] = SetMember(t, p.Member, p.Value)
					}
				}
				if d, plant := target.Distinct, rewrite[1]; d != nil {
					rewrite[1] = func(body string) string {
						if body = d(body); plant != nil {
							body = plant(body)
						}
						return body
					}
				}
				op, err := call(t, tc, &log, SendTwice(step, wireGate, rewrite, &tw))
				if tw.Attempts != 1 {
					t.Fatalf("the hook sent %d attempts twice, want 1 (%s)", tw.Attempts, tc.Reason)
				}
				var want, got [2]string
				var sent []string
				for i, p := range tc.Plant {
					if p != nil && (!tc.ReportOnly || *p == target.Changed) {
						want[i] = p.Field + " " + p.Rule
					} else {
						sent = append(sent, tw.Bodies[i])
					}
					got[i] = refusal(tw.Errs[i])
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("each send's refusal (-want +got), %s:\n%s", tc.Reason, diff)
				}
				if wantErr := want[0]; len(sent) == 0 && refusal(err) != wantErr || len(sent) > 0 && err != nil {
					t.Errorf("the call's error = %v, want %q (%s)", err, wantErr, tc.Reason)
				}
				var received []string
				for _, r := range APIRequests(s) {
					if r.Operation == op {
						received = append(received, string(r.Body))
					}
				}
				slices.Sort(sent)
				slices.Sort(received)
				if diff := cmp.Diff(sent, received); diff != "" {
					t.Errorf("bodies the endpoint received (-sent by the hook +received), %s:\n%s", tc.Reason, diff)
				}
				for _, p := range tc.Plant {
					if p == nil || !p.Secret {
						continue
					}
					for i := range tw.Errs {
						if tw.Errs[i] != nil && strings.Contains(tw.Errs[i].Error(), p.Value) {
							t.Errorf("send %d's error repeats the value: %v", i, tw.Errs[i])
						}
					}
					if strings.Contains(log.String(), p.Value) {
						t.Errorf("the audit log repeats the value: %s", log.String())
					}
					if !tc.ReportOnly && s.Seen(p.Value) {
						t.Errorf("the endpoint saw the value")
					}
				}
				outcome := "rejected"
				if len(sent) > 0 {
					outcome = "allowed"
				}
				events := twinEvents(t, &log)
				if len(events) != 1 {
					t.Fatalf("audit events %q, want one", log.String())
				}
				e := events[0]
				slices.Sort(e.ReportOnly)
				if diff := cmp.Diff(twinEvent{Outcome: outcome, ReportOnly: tc.Reported}, twinEvent{Outcome: e.Outcome, ReportOnly: e.ReportOnly}); diff != "" {
					t.Errorf("the audit event (-want +got), %s:\n%s", tc.Reason, diff)
				}
				if outcome == "allowed" && !slices.Contains(e.Safeguards, "model.fields-checked") {
					t.Errorf("the audit event's safeguards %q lack model.fields-checked", e.Safeguards)
				}
			})
		}
	}
}

// refusal is err's refusal as "field rule", "" for none, and err's text
// for any other error.
func refusal(err error) string {
	if err == nil {
		return ""
	}
	var sg *guarderr.SafeguardError
	if !errors.As(err, &sg) {
		return err.Error()
	}
	return sg.Field + " " + sg.Rule
}

type twinEvent struct {
	Outcome    string
	ReportOnly []string `json:"report_only"`
	Safeguards []string
}

// twinEvents returns the audit events in l.
func twinEvents(tb testing.TB, l *AuditLog) []twinEvent {
	tb.Helper()
	var out []twinEvent
	for _, line := range strings.Split(l.String(), "\n") {
		if line == "" {
			continue
		}
		var e twinEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			tb.Fatalf("audit line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}
