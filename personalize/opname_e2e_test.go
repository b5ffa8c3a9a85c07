package personalize_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// renameHook returns a per-call option whose middleware, in the given step
// and position, names the call's operation as to in its context: the name
// the guard's steps, its wire gate and the audit event read.
func renameHook(step string, pos middleware.RelativePosition, to string) func(*middleware.Stack) error {
	rename := func(ctx context.Context) context.Context { return middleware.WithOperationName(ctx, to) }
	return func(s *middleware.Stack) error {
		switch step {
		case "Initialize":
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("Test:Rename", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(rename(ctx), in)
			}), pos)
		case "Serialize":
			return s.Serialize.Add(middleware.SerializeMiddlewareFunc("Test:Rename", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
				return next.HandleSerialize(rename(ctx), in)
			}), pos)
		case "Build":
			return s.Build.Add(middleware.BuildMiddlewareFunc("Test:Rename", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				return next.HandleBuild(rename(ctx), in)
			}), pos)
		case "Finalize":
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("Test:Rename", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				return next.HandleFinalize(rename(ctx), in)
			}), pos)
		default:
			return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Test:Rename", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				return next.HandleDeserialize(rename(ctx), in)
			}), personalize.IDWireGate, middleware.Before)
		}
	}
}

// TestOperationRenamedByAHook: the guard checks a call by its operation's
// rules (the fields, where the key goes, what the posture checks read). A
// hook that renames the operation in the context, wherever it runs, would
// have CreateDatasetGroup checked as an operation without a key place, so
// sent without the configured key: the call is refused, nothing reaches
// Personalize, and the error and the audit event name the operation the
// SDK sends. A hook that leaves the name as it is changes nothing.
func TestOperationRenamedByAHook(t *testing.T) {
	type outcome struct {
		Rule, Operation, AuditOperation, AuditRule string
		Sent                                       []string
	}
	positions := []struct {
		step string
		pos  middleware.RelativePosition
	}{
		{"Initialize", middleware.Before}, {"Initialize", middleware.After}, {"Serialize", middleware.Before},
		{"Build", middleware.After}, {"Finalize", middleware.Before}, {"Finalize", middleware.After}, {"Deserialize", middleware.Before},
	}
	for _, p := range positions {
		for _, to := range []string{"CreateEventTracker", "ListDatasetGroups", "NoSuchOperation", "CreateDatasetGroup"} {
			t.Run(p.step+"/"+map[middleware.RelativePosition]string{middleware.Before: "before", middleware.After: "after"}[p.pos]+"/"+to, func(t *testing.T) {
				e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
				_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, renameHook(p.step, p.pos, to))
				})
				var got outcome
				var sg *personalize.SafeguardError
				if errors.As(err, &sg) {
					got.Rule, got.Operation = sg.Rule, sg.Operation
				} else if err != nil {
					t.Fatalf("CreateDatasetGroup: %v", err)
				}
				got.Sent = e.personalizeCalls()
				var ev struct{ Operation, Rule string }
				if err := json.Unmarshal([]byte(strings.TrimSpace(e.auditLog())), &ev); err != nil {
					t.Fatalf("audit log %q: %v", e.auditLog(), err)
				}
				got.AuditOperation, got.AuditRule = ev.Operation, ev.Rule
				want := outcome{Rule: personalize.RuleRequestChanged, Operation: "CreateDatasetGroup", AuditOperation: "CreateDatasetGroup", AuditRule: personalize.RuleRequestChanged}
				if to == "CreateDatasetGroup" {
					want = outcome{AuditOperation: "CreateDatasetGroup", Sent: []string{"CreateDatasetGroup"}}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if to == "CreateDatasetGroup" && !e.srv.Seen(e.scene.KeyARN) {
					t.Error("the configured key is not on the wire")
				}
			})
		}
	}
}

// TestInputReplacedByAHook: the guard's steps read an operation's input by
// its field indexes. A hook that swaps the input for a value of another
// type, before the guard's steps or between them, gets a refusal naming
// the rule, never a panic, and nothing is sent. Removing the audit step
// and renaming the operation too (hostile code) is refused as well.
func TestInputReplacedByAHook(t *testing.T) {
	swap := func(to any) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("Test:Swap", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				in.Parameters = to
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
		}
	}
	removeAudit := func(s *middleware.Stack) error { _, err := s.Initialize.Remove(personalize.IDAudit); return err }
	tests := []struct {
		name string
		opts []func(*middleware.Stack) error
		rule string
	}{
		{"another operation's input", []func(*middleware.Stack) error{swap(&sdk.CreateEventTrackerInput{Name: aws.String("movies")})}, personalize.RuleRequestChanged},
		{"a string", []func(*middleware.Stack) error{swap(aws.String("movies"))}, personalize.RuleRequestChanged},
		{"a struct, not its pointer", []func(*middleware.Stack) error{swap(sdk.CreateDatasetGroupInput{Name: aws.String("movies")})}, personalize.RuleRequestChanged},
		{"audit removed, operation renamed", []func(*middleware.Stack) error{removeAudit, renameHook("Initialize", middleware.Before, "CreateBatchInferenceJob")}, personalize.RuleRequestChanged},
		{"audit removed", []func(*middleware.Stack) error{removeAudit}, personalize.RuleBypassed},
		{"audit removed, renamed, input swapped", []func(*middleware.Stack) error{removeAudit, renameHook("Initialize", middleware.Before, "UpdateMetricAttribution"),
			swap(&sdk.CreateEventTrackerInput{Name: aws.String("movies")})}, personalize.RuleRequestChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
				Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}}, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, tt.opts...)
			})
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) {
				t.Fatalf("CreateDatasetGroup: %v, want a *SafeguardError", err)
			}
			if diff := cmp.Diff([]any{tt.rule, []string(nil)}, []any{sg.Rule, e.personalizeCalls()}); diff != "" {
				t.Errorf("[rule, sent] (-want +got):\n%s", diff)
			}
		})
	}
}
