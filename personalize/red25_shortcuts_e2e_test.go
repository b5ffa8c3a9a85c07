package personalize_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
)

// red25Tags are the tags of red25's CreateDatasetGroup calls: their values
// are the Initialize check's passed strings the wire walk meets in order
// (passedNext); the role the guard puts in is the list's last
// (passedLast).
const red25Tags = `"tags":[{"tagKey":"team","tagValue":"jane.doe-team-exampl"},{"tagKey":"env","tagValue":"prod"}]`

func red25Input(name string) *sdk.CreateDatasetGroupInput {
	return &sdk.CreateDatasetGroupInput{Name: aws.String(name), Tags: []types.Tag{
		{TagKey: aws.String("team"), TagValue: aws.String("jane.doe-team-exampl")}, // as long as the canary, and its first word
		{TagKey: aws.String("env"), TagValue: aws.String("prod")}}}
}

// TestRed25PassedShortcutsBody: gate22's wire-walk shortcuts (passedNext
// and passedLast take a string as passed without check; NextPlainString
// and NextObjectEnd read plain strings and a structure's end on their own
// path) against a hook after signing that rewrites a warm client's body:
// the canary where a passed string was, as long as it and with its first
// word; escaped where the string was plain the call before; with white
// space the plain path does not read; passed strings moved, repeated or
// reordered around it; the injected role (passedLast) moved. Each is
// refused, nothing reaches the endpoint, no value is echoed.
func TestRed25PassedShortcutsBody(t *testing.T) {
	const canary = canaryEmail
	const role = `"roleArn":"arn:aws:iam::111122223333:role/PersonalizeTestServiceRole"`
	escaped := `jane.doe\u0040example.com` // the canary, decoded
	allEscaped := ""                       // every byte of the canary escaped
	for _, c := range canary {
		allEscaped += fmt.Sprintf(`\u%04x`, c)
	}
	tag := func(k, v string) string { return `{"tagKey":"` + k + `","tagValue":"` + v + `"}` }
	tests := []struct {
		name, old, new string
		want           red24Outcome
	}{
		{name: "the canary as the passed tag value, as long and with its first word",
			old: red25Tags, new: `"tags":[` + tag("team", canary) + `,` + tag("env", "prod") + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "the canary escaped where the passed value was plain",
			old: red25Tags, new: `"tags":[` + tag("team", escaped) + `,` + tag("env", "prod") + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "the canary escaped byte by byte",
			old: red25Tags, new: `"tags":[` + tag("team", allEscaped) + `,` + tag("env", "prod") + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "the canary after white space the plain path does not read",
			old: red25Tags, new: `"tags":[{"tagKey":"team","tagValue": "` + canary + `"},` + tag("env", "prod") + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "the canary as the body's last string, its quote near the end",
			old: red25Tags, new: `"tags":[` + tag("team", "jane.doe-team-exampl") + `,` + tag("env", canary) + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[1].TagValue"}},
		{name: "the passed values swapped, then the canary",
			old: red25Tags, new: `"tags":[` + tag("team", "prod") + `,` + tag("env", "jane.doe-team-exampl") + `,` + tag("owner", canary) + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[2].TagValue"}},
		{name: "the first tag repeated, the repeat's value the canary",
			old: red25Tags, new: `"tags":[` + tag("team", "jane.doe-team-exampl") + `,` + tag("team", canary) + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[1].TagValue"}},
		{name: "the passed tag value repeated as a member of its tag",
			old: red25Tags, new: `"tags":[{"tagKey":"team","tagValue":"jane.doe-team-exampl","tagValue":"` + canary + `"},` + tag("env", "prod") + `]`,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "Tags[0].TagValue"}},
		{name: "the injected role (the passed list's last) as a tag key",
			old: red25Tags, new: `"tags":[{"tagKey":"arn:aws:iam::111122223333:role/PersonalizeTestServiceRole","tagValue":"` + canary + `"}]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[0].TagValue"}},
		{name: "the injected role repeated",
			old: role, new: role + `,` + role,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked, Field: "RoleArn"}},
		{name: "the role replaced by the canary after its members",
			old: role, new: `"roleArn":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "RoleArn"}},
		{name: "the tags' structure closed early, the canary after it",
			old: red25Tags, new: `"tags":[` + tag("team", "jane.doe-team-exampl") + `]}` + `,"x":"` + canary + `"`,
			want: red24Outcome{Rule: personalize.RuleBodyUnchecked}},
		{name: "a tag's closing brace after white space, the canary in the next",
			old: red25Tags, new: `"tags":[{"tagKey":"team","tagValue":"jane.doe-team-exampl" } ,` + tag("env", canary) + `]`,
			want: red24Outcome{Rule: "sensitive.email", Field: "Tags[1].TagValue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := createAfterWarmRewrite(t, red25Input, tt.old, tt.new)
			got := red24Result(t, e, "CreateDatasetGroup", err, canary)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got := red24Result(t, e, "CreateDatasetGroup", err, "jane.doe@"); len(got.Leaked) != 0 {
				t.Errorf("the canary's head leaked: %v", got.Leaked)
			}
		})
	}
}

// TestRed25HeaderShortcuts: gate22's header shortcuts (a one-value
// invocation ID answered by its shape without headerDirty, a signature's
// 64 hex digits read unrolled) against a hook after signing on a warm
// client: the invocation ID given two values, replaced by one out of its
// shape, set again under a name in another case; a signature of 64 bytes
// off hex by one byte at each end, in upper case, one byte short or long.
func TestRed25HeaderShortcuts(t *testing.T) {
	const canary = canaryEmail
	const id = "Amz-Sdk-Invocation-Id"
	sig := func(f func(s string) string) func(r *smithyhttp.Request) {
		return func(r *smithyhttp.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:len(a)-64]+f(a[len(a)-64:]))
		}
	}
	refused := red24Outcome{Rule: personalize.RuleRequestChanged + ".sensitive", Field: "header"}
	tests := []struct {
		name string
		hook func(r *smithyhttp.Request)
		want red24Outcome
	}{
		{name: "invocation ID with a second value, the canary",
			hook: func(r *smithyhttp.Request) { r.Header.Add(id, canary) },
			want: refused},
		{name: "invocation ID with a second value in its shape before the canary",
			hook: func(r *smithyhttp.Request) {
				r.Header[id] = []string{r.Header.Get(id), canary}
			},
			want: refused},
		{name: "invocation ID as long as a UUID, the canary in it",
			hook: func(r *smithyhttp.Request) { r.Header.Set(id, canary+strings.Repeat("0", 36-len(canary))) },
			want: refused},
		{name: "invocation ID in its shape but for one byte",
			hook: func(r *smithyhttp.Request) { v := r.Header.Get(id); r.Header.Set(id, v[:35]+"g") },
			want: refused},
		{name: "invocation ID in lower case, the canary",
			hook: func(r *smithyhttp.Request) { r.Header["amz-sdk-invocation-id"] = []string{canary} },
			want: red24Outcome{Rule: personalize.RuleRequestChanged, Field: "header"}}, // a name net/http would send beside the canonical one
		{name: "signature's first byte off hex",
			hook: sig(func(s string) string { return "g" + s[1:] }),
			want: refused},
		{name: "signature's last byte off hex",
			hook: sig(func(s string) string { return s[:63] + "g" }),
			want: refused},
		{name: "signature's middle byte from 0x80 up",
			hook: sig(func(s string) string { return s[:32] + "\xb0" + s[33:] }),
			want: refused},
		{name: "signature one byte short, the canary after it",
			hook: func(r *smithyhttp.Request) {
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:len(a)-1]+" "+canary)
			},
			want: refused},
		{name: "signature one hex byte long",
			hook: sig(func(s string) string { return s + "a" }),
			want: refused}, // hex, but a signature is 64 digits
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := listAfterWarmHook(t, tt.hook, canary)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed25SharedGuardConcurrent: calls sharing one guard's client run
// at once, half of them clean and half with a hook after signing that puts
// the canary where the passed tag value was. Each call's passed list is its
// own: every hostile call is refused, every clean one passes, and the
// canary never reaches the endpoint or the audit log (run with -race).
func TestRed25SharedGuardConcurrent(t *testing.T) {
	const canary = canaryEmail
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := t.Context()
	hostile := `"tags":[{"tagKey":"team","tagValue":"` + canary + `"},{"tagKey":"env","tagValue":"prod"}]`
	const n = 16
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("group-%d", i)
			var opts []func(*sdk.Options)
			if i%2 == 1 {
				opts = append(opts, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, red25Tags, hostile))
				})
			}
			_, errs[i] = e.client.CreateDatasetGroup(ctx, red25Input(name), opts...)
		}()
	}
	wg.Wait()
	var got, want []string
	for i, err := range errs {
		o := red24Result(t, e, "", err, canary)
		got = append(got, o.Rule+" "+o.Field)
		if i%2 == 1 {
			want = append(want, "sensitive.email Tags[0].TagValue")
		} else {
			want = append(want, "sent ")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if e.srv.Seen(canary) || strings.Contains(e.auditLog(), canary) {
		t.Error("the canary reached the endpoint or the audit log")
	}
	var sent int
	for _, op := range e.personalizeCalls() {
		if op == "CreateDatasetGroup" {
			sent++
		}
	}
	if sent != n {
		t.Errorf("%d CreateDatasetGroup calls reached the endpoint, want %d", sent, n)
	}
}
