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

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// rewriteInPlace is a per-call option with a Serialize middleware, before
// the SDK's serializer (so after every Initialize step, the guard's
// included), that overwrites the bytes of the string *at(input) with
// change(it), which must be as long: a caller whose input strings are made
// with unsafe over a buffer it reuses, and reuses it while the call runs.
func rewriteInPlace(at func(in any) *string, change func(string) string) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Serialize.Add(middleware.SerializeMiddlewareFunc("Red25:InPlace", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
				middleware.SerializeOutput, middleware.Metadata, error,
			) {
				if p := at(in.Parameters); p != nil {
					overwrite(*p, change(*p))
				}
				return next.HandleSerialize(ctx, in)
			}), middleware.Before)
		})
	}
}

// overwrite writes with over the bytes of s when it is as long (else does
// nothing): s must be in bytes of its own (see red25Mutable), as a caller
// that builds its strings with unsafe over a buffer it reuses has them.
func overwrite(s, with string) {
	if len(with) == len(s) {
		copy(unsafe.Slice(unsafe.StringData(s), len(s)), with)
	}
}

// red25Mutable returns a copy of s in bytes of its own, which
// rewriteInPlace may overwrite (a literal's are read-only).
func red25Mutable(s string) *string { return aws.String(strings.Clone(s)) }

// TestRed25InputBytesChangedAfterCheck: the Initialize checks note the
// strings they passed (notePassed), found clean (noteClean), the KMS keys
// and S3 locations they allowed (sawKey, sawLocation) and the schema they
// read as the caller gave them; the wire gate takes a string of the body
// equal to one of them as passed (passedNext, passedLast, passedBefore),
// clean, allowed or read. When the caller's bytes change after the check,
// a noted string must not change with them: the body's new text is checked.
func TestRed25InputBytesChangedAfterCheck(t *testing.T) {
	const canary = canaryEmail
	pad := func(s string) string { return s + strings.Repeat("x", len(canary)-len(s)) }
	toCanary := func(string) string { return canary }
	const schemaDoc = "xxxxxxxxxxxxxxxxxxxx" // as long as the canary
	schema := `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"ITEM_ID","type":"string","doc":"` + schemaDoc + `"}],"version":"1.0"}`
	otherKey := func(k string) string { // another key ID, as long
		if k[len(k)-1] == '0' {
			return k[:len(k)-1] + "1"
		}
		return k[:len(k)-1] + "0"
	}
	// otherBucket is the scene's data location in another bucket whose
	// name is as long.
	otherBucket := func(e *env) string {
		b := e.scene.Bucket
		o := b[:len(b)-1] + "z"
		if b[len(b)-1] == 'z' {
			o = b[:len(b)-1] + "y"
		}
		return strings.Replace(e.scene.DataLocation, b, o, 1)
	}
	dsg := func(in any) *sdk.CreateDatasetGroupInput { return in.(*sdk.CreateDatasetGroupInput) }
	tests := []struct {
		name   string
		call   func(e *env, ctx context.Context, name string, opts ...func(*sdk.Options)) error
		at     func(in any) *string
		change func(e *env) func(string) string
		op     string
		canary func(e *env) string
		scene  func(*personalizetest.SceneOptions)
		cold   bool // no warming calls
		want   red24Outcome
	}{
		{name: "a tag value's bytes",
			call: func(e *env, ctx context.Context, name string, opts ...func(*sdk.Options)) error {
				_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{
					{TagKey: aws.String("owner"), TagValue: red25Mutable(pad("team-"))}}}, opts...)
				return err
			},
			at:   func(in any) *string { return dsg(in).Tags[0].TagValue },
			op:   "CreateDatasetGroup",
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "a tag key's bytes",
			call: func(e *env, ctx context.Context, name string, opts ...func(*sdk.Options)) error {
				_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{
					{TagKey: red25Mutable(pad("owner-")), TagValue: aws.String("team")}}}, opts...)
				return err
			},
			at:   func(in any) *string { return dsg(in).Tags[0].TagKey },
			op:   "CreateDatasetGroup",
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagKey"}},
		{name: "the caller's KMS key's bytes, to another key",
			call: func(e *env, ctx context.Context, name string, opts ...func(*sdk.Options)) error {
				_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name),
					KmsKeyArn: red25Mutable(e.scene.KeyARN), RoleArn: aws.String(e.scene.RoleARN)}, opts...)
				return err
			},
			at:     func(in any) *string { return dsg(in).KmsKeyArn },
			change: func(*env) func(string) string { return otherKey },
			canary: func(e *env) string { return otherKey(e.scene.KeyARN) },
			op:     "CreateDatasetGroup",
			want:   red24Outcome{Rule: personalize.RuleRequestChanged, Field: "KmsKeyArn"}},
		{name: "the S3 location's bytes, to another bucket",
			scene: func(o *personalizetest.SceneOptions) { o.Recommendations = true },
			cold:  true, // one import job at a time
			call: func(e *env, ctx context.Context, name string, opts ...func(*sdk.Options)) error {
				in := importInput(e, name)
				in.DatasetArn = aws.String(e.scene.InteractionsDatasetARN)
				in.DataSource.DataLocation = red25Mutable(e.scene.DataLocation)
				_, err := e.client.CreateDatasetImportJob(ctx, in, opts...)
				return err
			},
			at:     func(in any) *string { return in.(*sdk.CreateDatasetImportJobInput).DataSource.DataLocation },
			change: func(e *env) func(string) string { return func(string) string { return otherBucket(e) } },
			canary: otherBucket,
			op:     "CreateDatasetImportJob",
			want:   red24Outcome{Rule: personalize.RuleRequestChanged, Field: "DataSource.DataLocation"}},
		{name: "the schema's bytes",
			call: func(e *env, ctx context.Context, name string, opts ...func(*sdk.Options)) error {
				_, err := e.client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String(name), Schema: red25Mutable(schema)}, opts...)
				return err
			},
			at: func(in any) *string { return in.(*sdk.CreateSchemaInput).Schema },
			change: func(*env) func(string) string {
				return func(s string) string { return strings.Replace(s, schemaDoc, canary, 1) }
			},
			op:   "CreateSchema",
			want: red24Outcome{Rule: "sensitive.email", Field: "Schema.fields[0].doc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []func(*personalizetest.SceneOptions)
			if tt.scene != nil {
				opts = append(opts, tt.scene)
			}
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, opts...)
			ctx := t.Context()
			warm := []string{"warm-1", "warm-2"}
			if tt.cold {
				warm = nil
			}
			for _, name := range warm {
				if err := tt.call(e, ctx, name); err != nil {
					t.Fatal(err)
				}
			}
			change, c := toCanary, canary
			if tt.change != nil {
				change = tt.change(e)
			}
			if tt.canary != nil {
				c = tt.canary(e)
			}
			e.srv.ResetRequests()
			err := tt.call(e, ctx, "movies", rewriteInPlace(tt.at, change))
			got := red24Result(t, e, tt.op, err, c)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
