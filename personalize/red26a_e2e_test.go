package personalize_test

import (
	"context"
	"strings"
	"testing"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
)

// beforeSerializing is a per-call option whose Serialize middleware runs
// f after the guard's Initialize checks and before the SDK writes the body.
func beforeSerializing(f func()) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Serialize.Add(middleware.SerializeMiddlewareFunc("Red26aRewrite", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
				middleware.SerializeOutput, middleware.Metadata, error,
			) {
				f()
				return next.HandleSerialize(ctx, in)
			}), middleware.Before)
		})
	}
}

// TestRed26aMemoBufferRewrittenAfterCheck: a caller builds a tag's key or
// value with unsafe over a buffer. Two clean calls have the guard's passed
// memo keep it, so that the third call's Initialize check is the memo's
// one comparison; a hook after that check and before serialization
// rewrites the buffer (as long as the value, so that nothing about its
// length differs). What goes out is not what the memo answered for: the
// wire gate must check it in full and refuse it, nothing reaches the
// endpoint, and neither the error nor the audit log holds the value.
func TestRed26aMemoBufferRewrittenAfterCheck(t *testing.T) {
	tests := []struct {
		name               string
		key, value         string // the caller's clean tag
		inKey              bool   // the buffer is the key's, else the value's
		rewrite            string // written over the buffer
		canary             string // must not leave; "" for none
		wantRule, wantPath string
	}{
		{name: "tag value rewritten to an e-mail address", key: "team", value: "jane.doe-team-exampl",
			rewrite: canaryEmail, canary: canaryEmail, wantRule: "sensitive.email", wantPath: "Tags[0].TagValue"},
		{name: "tag value rewritten to a card number", key: "team", value: "abcdefghijklmnop",
			rewrite: "4111111111111111", canary: "4111111111111111", wantRule: "sensitive.credit-card", wantPath: "Tags[0].TagValue"},
		{name: "tag key rewritten to a keyword its value's number needs", key: "note", value: "912803456",
			inKey: true, rewrite: "acct", canary: "912803456", wantRule: "sensitive.account-number", wantPath: "Tags[0].TagValue"},
		{name: "tag key rewritten to the reserved prefix", key: "team", value: "prod",
			inKey: true, rewrite: "aws:", wantRule: personalize.RuleTagLimits, wantPath: "Tags[0].TagKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			buf := []byte(tt.value)
			if tt.inKey {
				buf = []byte(tt.key)
			}
			shared := unsafe.String(&buf[0], len(buf))
			key, value := tt.key, shared
			if tt.inKey {
				key, value = shared, tt.value
			}
			in := func(name string) *sdk.CreateDatasetGroupInput {
				return &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{{TagKey: aws.String(key), TagValue: aws.String(value)}}}
			}
			ctx := t.Context()
			for _, name := range []string{"warm-1", "warm-2", "warm-3"} {
				if _, err := e.client.CreateDatasetGroup(ctx, in(name)); err != nil {
					t.Fatalf("clean call %s: %v", name, err)
				}
			}
			e.srv.ResetRequests()
			_, err := e.client.CreateDatasetGroup(ctx, in("movies"), beforeSerializing(func() { copy(buf, tt.rewrite) }))
			canary := tt.canary
			if canary == "" {
				canary = "\x00none"
			}
			got := red24Result(t, e, "CreateDatasetGroup", err, canary)
			want := red24Outcome{Rule: tt.wantRule, Field: tt.wantPath}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed26aMemoBufferRewrittenReportOnly: the attack above on a
// report-only guard. Report-only lets the value out, but the memo's answer
// at Initialize must not hide it from the wire gate's report: the audit
// log names the rule and the field, never the value.
func TestRed26aMemoBufferRewrittenReportOnly(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: true})
	buf := []byte("jane.doe-team-exampl")
	value := unsafe.String(&buf[0], len(buf))
	in := func(name string) *sdk.CreateDatasetGroupInput {
		return &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String(value)}}}
	}
	ctx := t.Context()
	for _, name := range []string{"warm-1", "warm-2", "warm-3"} {
		if _, err := e.client.CreateDatasetGroup(ctx, in(name)); err != nil {
			t.Fatalf("clean call %s: %v", name, err)
		}
	}
	if strings.Contains(e.auditLog(), "sensitive.") {
		t.Fatalf("a clean call was reported:\n%s", e.auditLog())
	}
	_, err := e.client.CreateDatasetGroup(ctx, in("movies"), beforeSerializing(func() { copy(buf, canaryEmail) }))
	if err != nil {
		t.Fatalf("report-only call: %v", err)
	}
	log := e.auditLog()
	if !strings.Contains(log, "sensitive.email") || !strings.Contains(log, "Tags[0].TagValue") {
		t.Errorf("the rewritten value was not reported (rule and field):\n%s", log)
	}
	if strings.Contains(log, canaryEmail) || strings.Contains(log, "jane.doe@") {
		t.Errorf("the audit log holds the value:\n%s", log)
	}
}

// TestRed26aMemoJoinAtInitialize: a tag key and a tag value each kept by
// the memo, having passed under other tags (the keyword with a plain
// value, the number under a plain key), then sent as one tag, whose join
// the detector reads as an account number. The memo answers for each
// string alone; the join must still be read and the call refused before
// it is sent, without the number in the error or the audit log.
func TestRed26aMemoJoinAtInitialize(t *testing.T) {
	for _, value := range []string{"912803456", "gold 912803456", "x:912803456"} {
		t.Run(value, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			ctx := t.Context()
			for _, name := range []string{"warm-1", "warm-2", "warm-3"} {
				if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{
					{TagKey: aws.String("acct"), TagValue: aws.String("prod")},
					{TagKey: aws.String("note"), TagValue: aws.String(value)}}}); err != nil {
					t.Fatalf("clean call %s: %v", name, err)
				}
			}
			e.srv.ResetRequests()
			_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), Tags: []types.Tag{
				{TagKey: aws.String("acct"), TagValue: aws.String(value)}}})
			got := red24Result(t, e, "CreateDatasetGroup", err, "912803456")
			if diff := cmp.Diff(red24Outcome{Rule: "sensitive.account-number", Field: "Tags[0].TagValue"}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed26aWirePlaceMembers: the KMS key the guard injects, which the
// wire walk now checks with checkWirePlace directly, against a hook after
// signing on a warm client: the member repeated (with the canary, or with
// itself), the key's account replaced, the canary appended inside the ARN
// (still the model's key shape), the key moved to the role's member and
// the role to the key's, the key escaped with the canary after it. Each is
// refused, nothing reaches the endpoint, no value is echoed.
func TestRed26aWirePlaceMembers(t *testing.T) {
	const canary = canaryEmail
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	keyARN, roleARN := e.scene.KeyARN, e.scene.RoleARN
	esc := func(s string) string { return `\u0061` + s[1:] } // its "a" escaped
	key := `"kmsKeyArn":"` + keyARN + `"`
	role := `"roleArn":"` + roleARN + `"`
	otherAccount := strings.Replace(keyARN, ":"+accountOf(keyARN)+":", ":999999999999:", 1)
	tests := []struct {
		name, old, new string
		want           red24Outcome
	}{
		{name: "key member repeated with the canary",
			old: key, new: key + `,"kmsKeyArn":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "KmsKeyArn"}},
		{name: "key member repeated with itself",
			old: key, new: key + `,` + key,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "KmsKeyArn"}},
		{name: "key member repeated, escaped name",
			old: key, new: key + `,"kms\u004beyArn":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "KmsKeyArn"}},
		{name: "key of another account",
			old: key, new: `"kmsKeyArn":"` + otherAccount + `"`,
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "KmsKeyArn"}},
		{name: "canary inside the key's ARN, still the model's shape",
			old: key, new: `"kmsKeyArn":"` + keyARN + `/` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "KmsKeyArn"}},
		{name: "key escaped, the canary after it",
			old: key, new: `"kmsKeyArn":"` + esc(keyARN) + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "KmsKeyArn"}},
		{name: "key member holding the canary alone",
			old: key, new: `"kmsKeyArn":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleKMSKeyARN, Field: "KmsKeyArn"}},
		{name: "key and role swapped",
			old: key, new: `"kmsKeyArn":"` + roleARN + `"`,
			want: red24Outcome{Rule: personalize.RuleKMSKeyARN, Field: "KmsKeyArn"}},
		{name: "role member holding the key",
			old: role, new: `"roleArn":"` + keyARN + `"`,
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "RoleArn"}},
	}
	ctx := t.Context()
	for _, name := range []string{"warm-1", "warm-2", "warm-3"} {
		if _, err := e.client.CreateDatasetGroup(ctx, red25Input(name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.ResetRequests()
			_, err := e.client.CreateDatasetGroup(ctx, red25Input("movies"), func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, tt.old, tt.new))
			})
			got := red24Result(t, e, "CreateDatasetGroup", err, canary)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// accountOf is the account of an ARN (its fifth field).
func accountOf(arn string) string {
	if f := strings.SplitN(arn, ":", 6); len(f) == 6 {
		return f[4]
	}
	return ""
}

// TestRed26aMemoAcrossOperations: values the memo keeps from one
// operation's tag values (CreateDatasetGroup) sent by other operations
// under stricter rules: the reserved prefix and a 129-byte value as
// TagResource's tag key and UntagResource's tag keys. Each is refused
// before it is sent, as a guard that never saw it refuses it.
func TestRed26aMemoAcrossOperations(t *testing.T) {
	long := strings.Repeat("k", 129)
	for _, value := range []string{"aws:cloudformation:stack", long} {
		e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
		ctx := t.Context()
		for _, name := range []string{"warm-1", "warm-2", "warm-3"} {
			if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name),
				Tags: []types.Tag{{TagKey: aws.String("origin"), TagValue: aws.String(value)}}}); err != nil {
				t.Fatalf("clean call %s: %v", name, err)
			}
		}
		arn := "arn:aws:personalize:" + e.srv.Config().Region + ":111122223333:dataset-group/warm-1"
		e.srv.ResetRequests()
		_, err := e.client.TagResource(ctx, &sdk.TagResourceInput{ResourceArn: aws.String(arn),
			Tags: []types.Tag{{TagKey: aws.String(value), TagValue: aws.String("x")}}})
		e.requireRefused(t, err, "Tags[0].TagKey", personalize.RuleTagLimits, value)
		_, err = e.client.UntagResource(ctx, &sdk.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team", value}})
		e.requireRefused(t, err, "TagKeys[1]", personalize.RuleTagLimits, value)
	}
}

// TestRed26aInjectedPrefixAtItsAddress: the call states note the key and
// role the guard injects without a copy when a string is those very bytes
// (address and length). A hook after the guard's Initialize steps and
// before serialization takes the injected strings from the input and puts
// back a prefix of them at the same address (a shorter length), or the
// whole at that address (which is the same value, and goes out): the wire
// gate compares what is sent with what was checked, so the prefixes are
// refused and nothing reaches the endpoint.
func TestRed26aInjectedPrefixAtItsAddress(t *testing.T) {
	prefix := func(p *string, cut int) *string {
		s := unsafe.String(unsafe.StringData(*p), len(*p)-cut)
		return &s
	}
	tests := []struct {
		name   string
		change func(in *sdk.CreateDatasetGroupInput)
		want   red24Outcome
	}{
		{"key cut by one byte", func(in *sdk.CreateDatasetGroupInput) { in.KmsKeyArn = prefix(in.KmsKeyArn, 1) },
			red24Outcome{Rule: personalize.RuleRequestChanged, Field: "KmsKeyArn"}},
		{"key cut to its account", func(in *sdk.CreateDatasetGroupInput) { in.KmsKeyArn = prefix(in.KmsKeyArn, len(":key/")+36) },
			red24Outcome{Rule: personalize.RuleKMSKeyARN, Field: "KmsKeyArn"}},
		{"role cut by one byte", func(in *sdk.CreateDatasetGroupInput) { in.RoleArn = prefix(in.RoleArn, 1) },
			red24Outcome{Rule: personalize.RuleRequestChanged, Field: "RoleArn"}},
		{"key whole at its address", func(in *sdk.CreateDatasetGroupInput) { in.KmsKeyArn = prefix(in.KmsKeyArn, 0) },
			red24Outcome{Rule: "sent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			ctx := t.Context()
			for _, name := range []string{"warm-1", "warm-2"} {
				if _, err := e.client.CreateDatasetGroup(ctx, red25Input(name)); err != nil {
					t.Fatal(err)
				}
			}
			e.srv.ResetRequests()
			_, err := e.client.CreateDatasetGroup(ctx, red25Input("movies"), func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
					return stack.Serialize.Add(middleware.SerializeMiddlewareFunc("Red26aCut", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
						middleware.SerializeOutput, middleware.Metadata, error,
					) {
						tt.change(in.Parameters.(*sdk.CreateDatasetGroupInput))
						return next.HandleSerialize(ctx, in)
					}), middleware.Before)
				})
			})
			got := red24Result(t, e, "CreateDatasetGroup", err, canaryEmail)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
