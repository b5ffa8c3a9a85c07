package personalize_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// sendCounter is an HTTP client that counts the requests it sends.
type sendCounter struct {
	next aws.HTTPClient
	n    atomic.Int32
}

func (c *sendCounter) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}

const ruleEmail = "sensitive.email"

// takeMiddleware returns the middleware id of the stack of a CreateSchema
// through client (Initialize or Deserialize), from a call it stops before
// any I/O.
func takeMiddleware(t *testing.T, client *sdk.Client, id string, deserialize bool) any {
	t.Helper()
	return foreignMiddleware(t, client, func(s *middleware.Stack, id string) (any, bool) {
		if deserialize {
			return s.Deserialize.Get(id)
		}
		return s.Initialize.Get(id)
	}, id)
}

// unboundMiddleware returns the middleware id that g.AddMiddleware
// registers (for a client the guard did not build).
func unboundMiddleware(t *testing.T, g *personalize.Guard, id string, deserialize bool) any {
	t.Helper()
	s := middleware.NewStack("unbound", func() any { return nil })
	if err := g.AddMiddleware(s); err != nil {
		t.Fatal(err)
	}
	var m any
	var ok bool
	if deserialize {
		m, ok = s.Deserialize.Get(id)
	} else {
		m, ok = s.Initialize.Get(id)
	}
	if !ok {
		t.Fatalf("AddMiddleware registered no %s", id)
	}
	return m
}

// TestOneGuardSwapsAcrossClients: one Guard (NewGuard, Option) on two
// clients of a shared config, each with its own HTTP client, and per-call
// options that swap in, under the same ID or another, middleware of the
// other client, of the Guard's AddMiddleware, or of a second, report-only
// Guard, or remove one; calls of both clients, some cancelled mid-way,
// run at once (go test -race) so that pooled states are reused. The
// e-mail never reaches the endpoint; a clean call either goes out through
// its own client's HTTP client or is refused.
func TestOneGuardSwapsAcrossClients(t *testing.T) {
	srv := personalizetest.New(t)
	cfg := guardedConfig(srv)
	g, err := personalize.NewGuard(cfg, personalize.Policy{InsecureAllowUnverifiableHTTPClient: true, InsecureAllowUnencryptedDatasetGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	httpA, httpB := &sendCounter{next: cfg.HTTPClient}, &sendCounter{next: cfg.HTTPClient}
	a := sdk.NewFromConfig(cfg, func(o *sdk.Options) { o.HTTPClient = httpA }, g.Option())
	b := sdk.NewFromConfig(cfg, func(o *sdk.Options) { o.HTTPClient = httpB }, g.Option())
	other, err := personalize.New(cfg, personalize.Policy{InsecureReportOnly: true, Logger: newAuditLogger(discard{}),
		InsecureAllowUnverifiableHTTPClient: true, InsecureAllowUnencryptedDatasetGroups: true})
	if err != nil {
		t.Fatal(err)
	}

	aGate := takeMiddleware(t, a, personalize.IDWireGate, true).(middleware.DeserializeMiddleware)
	aIdentity := takeMiddleware(t, a, personalize.IDCallerIdentity, false).(middleware.InitializeMiddleware)
	aContent := takeMiddleware(t, a, personalize.IDFieldContent, false).(middleware.InitializeMiddleware)
	unboundGate := unboundMiddleware(t, g, personalize.IDWireGate, true).(middleware.DeserializeMiddleware)
	unboundIdentity := unboundMiddleware(t, g, personalize.IDCallerIdentity, false).(middleware.InitializeMiddleware)
	otherGate := takeMiddleware(t, other, personalize.IDWireGate, true).(middleware.DeserializeMiddleware)
	otherAudit := takeMiddleware(t, other, personalize.IDAudit, false).(middleware.InitializeMiddleware)

	swapInit := func(id string, m middleware.InitializeMiddleware) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error { _, err := s.Initialize.Swap(id, m); return err }
	}
	swapGate := func(m middleware.DeserializeMiddleware) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error { _, err := s.Deserialize.Swap(personalize.IDWireGate, m); return err }
	}
	gateBefore := func(m middleware.DeserializeMiddleware) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error {
			return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("extra-gate", m.HandleDeserialize), personalize.IDWireGate, middleware.Before)
		}
	}
	initAfter := func(m middleware.InitializeMiddleware) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("extra-step", m.HandleInitialize), middleware.After)
		}
	}
	remove := func(id string) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error { _, err := s.Initialize.Remove(id); return err }
	}

	const clean = `{"type":"record","name":"Items","fields":[{"name":"ITEM_ID","type":"string"}]}`
	const dirty = `{"type":"record","name":"Items","doc":"` + canaryEmail + `","fields":[{"name":"ITEM_ID","type":"string"}]}`
	// late puts the e-mail into the schema after every Initialize step of
	// the guard's: only the wire gate can find it there.
	late := func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("late-schema", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			cp := *in.Parameters.(*sdk.CreateSchemaInput) // the caller's input stays as it was
			cp.Schema = aws.String(dirty)
			in.Parameters = &cp
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	}
	type result struct {
		Rule         string
		SentA, SentB int32 // requests through a's and b's HTTP clients
	}
	sentB := result{SentB: 1}
	// A gate of the same Guard on another client applies the same checks
	// and sends through that client's HTTP client, which the same Guard
	// hardened: per-call options that can replace every middleware of the
	// call make it a call of that client, whose Initialize steps (the
	// identity check of b's provider among them) still ran here.
	sentA := result{SentA: 1}
	refused := func(rule string) result { return result{Rule: rule} }
	for _, tt := range []struct {
		name   string
		schema string
		hooks  []func(*middleware.Stack) error
		want   result
	}{
		{"own middleware", clean, nil, sentB},
		{"own middleware, an e-mail", dirty, nil, refused(ruleEmail)},
		{"own middleware, an e-mail put in after the steps", clean, []func(*middleware.Stack) error{late}, refused(ruleEmail)},
		{"a's gate", clean, []func(*middleware.Stack) error{swapGate(aGate)}, sentA},
		{"a's gate, an e-mail put in after the steps", clean, []func(*middleware.Stack) error{swapGate(aGate), late}, refused(ruleEmail)},
		{"a's gate before b's", clean, []func(*middleware.Stack) error{gateBefore(aGate)}, sentA},
		{"a's identity step", clean, []func(*middleware.Stack) error{swapInit(personalize.IDCallerIdentity, aIdentity)}, sentB},
		{"a's content step, an e-mail", dirty, []func(*middleware.Stack) error{swapInit(personalize.IDFieldContent, aContent)}, refused(ruleEmail)},
		{"the unbound gate", clean, []func(*middleware.Stack) error{swapGate(unboundGate)}, refused(personalize.RuleBypassed)},
		{"the unbound gate before b's", clean, []func(*middleware.Stack) error{gateBefore(unboundGate)}, refused(personalize.RuleBypassed)},
		{"the unbound identity step", clean, []func(*middleware.Stack) error{swapInit(personalize.IDCallerIdentity, unboundIdentity)}, refused(personalize.RuleRequestChanged)},
		{"no identity step", clean, []func(*middleware.Stack) error{remove(personalize.IDCallerIdentity)}, refused(personalize.RuleBypassed)},
		{"no content step, an e-mail", dirty, []func(*middleware.Stack) error{remove(personalize.IDFieldContent)}, refused(personalize.RuleBypassed)},
		{"a report-only Guard's gate", clean, []func(*middleware.Stack) error{swapGate(otherGate), late}, refused(personalize.RuleBypassed)},
		{"a report-only Guard's gate before b's", clean, []func(*middleware.Stack) error{gateBefore(otherGate), late}, refused(personalize.RuleBypassed)},
		{"a report-only Guard's audit step", dirty, []func(*middleware.Stack) error{swapInit(personalize.IDAudit, otherAudit)}, refused(personalize.RuleBypassed)},
		{"a report-only Guard's audit step after b's steps", clean, []func(*middleware.Stack) error{late, initAfter(otherAudit)}, refused(personalize.RuleBypassed)},
		{"a report-only Guard's audit step and gate", dirty, []func(*middleware.Stack) error{swapInit(personalize.IDAudit, otherAudit), swapGate(otherGate)}, refused(personalize.RuleBypassed)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			httpA.n.Store(0)
			httpB.n.Store(0)
			srv.ResetRequests()
			_, err := b.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("swap"), Schema: aws.String(tt.schema)},
				func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, tt.hooks...) })
			var got result
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				got.Rule = sg.Rule
			}
			got.SentA, got.SentB = httpA.n.Load(), httpB.n.Load()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CreateSchema through b (-want +got):\n%s", diff)
			}
			if srv.Seen(canaryEmail) {
				t.Errorf("the e-mail reached the endpoint")
			}
		})
	}

	// All at once, some cancelled mid-way (in the gate's send): the pool's
	// states are reused while other calls still run.
	httpA.n.Store(0)
	httpB.n.Store(0)
	var wg sync.WaitGroup
	hooks := [][]func(*middleware.Stack) error{nil, {late}, {swapGate(aGate), late}, {gateBefore(unboundGate)}, {swapGate(otherGate), late},
		{late, initAfter(otherAudit)}, {remove(personalize.IDFieldContent)}}
	for i := range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			client := a
			if i%2 == 1 {
				client = b
			}
			cancelling := func(s *middleware.Stack) error {
				if i%3 != 0 {
					return nil
				}
				return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("cancel", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
					middleware.DeserializeOutput, middleware.Metadata, error,
				) {
					cancel()
					return next.HandleDeserialize(ctx, in)
				}), personalize.IDWireGate, middleware.Before)
			}
			_, _ = client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String("swap"), Schema: aws.String(clean)},
				func(o *sdk.Options) { o.APIOptions = append(append(o.APIOptions, hooks[i%len(hooks)]...), cancelling) })
		}()
	}
	wg.Wait()
	if srv.Seen(canaryEmail) {
		t.Errorf("the e-mail reached the endpoint in concurrent calls")
	}
	if httpA.n.Load()+httpB.n.Load() == 0 {
		t.Errorf("no concurrent call went out: the clean, uncancelled ones should")
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestOwnClientsGateInACall: the gate of the guard's own clients (the
// transport rules alone, then on to the client's HTTP client) reaches a
// caller through an option of New, which the guard applies to the client
// it builds to describe dataset groups. Swapped in for the client's gate,
// it hands the request to the client's HTTP client, which refuses it;
// before the client's gate, the client's gate still checks and sends.
func TestOwnClientsGateInACall(t *testing.T) {
	srv := personalizetest.New(t)
	var captured []*sdk.Options
	client, err := personalize.New(guardedConfig(srv), personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true},
		func(o *sdk.Options) { captured = append(captured, o) })
	if err != nil {
		t.Fatal(err)
	}
	var own middleware.DeserializeMiddleware
	for _, o := range captured {
		s := middleware.NewStack("own", func() any { return nil })
		for _, f := range o.APIOptions {
			if err := f(s); err != nil {
				t.Fatal(err)
			}
		}
		if m, ok := s.Deserialize.Get(personalize.IDWireGate); ok && len(s.Initialize.List()) == 0 {
			own = m // the gate alone: the guard's own client's
		}
	}
	if own == nil {
		t.Fatal("no client of the guard's own among the options New applied")
	}
	late := func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("late-schema", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			cp := *in.Parameters.(*sdk.CreateSchemaInput) // the caller's input stays as it was
			cp.Schema = aws.String(`{"type":"record","name":"Items","doc":"` + canaryEmail + `","fields":[{"name":"ITEM_ID","type":"string"}]}`)
			in.Parameters = &cp
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	}
	type result struct {
		Rule string
		Sent bool
	}
	for _, tt := range []struct {
		name string
		edit func(*middleware.Stack) error
		want result
	}{
		{"in place of the client's gate", func(s *middleware.Stack) error {
			_, err := s.Deserialize.Swap(personalize.IDWireGate, own)
			return err
		}, result{Rule: personalize.RuleBypassed}},
		{"before the client's gate", func(s *middleware.Stack) error {
			return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("own-gate", own.HandleDeserialize), personalize.IDWireGate, middleware.Before)
		}, result{Rule: ruleEmail}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, err := client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("own"), Schema: aws.String(`{"type":"record","name":"Items","fields":[{"name":"ITEM_ID","type":"string"}]}`)},
				func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, late, tt.edit) })
			var got result
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				got.Rule = sg.Rule
			}
			got.Sent = srv.Seen(canaryEmail)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CreateSchema with the own clients' gate (-want +got):\n%s", diff)
			}
		})
	}
}
