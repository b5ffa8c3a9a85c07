package personalize

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// injectKeysReference is injectKeys as it was before its key and role
// rules moved to keyRoleRules (the role put in on its own path): the
// differential test holds injectKeys to it.
func injectKeysReference(g *Guard, ctx context.Context, st *callState, op *boundOp, params any) (any, error) {
	var sets []fieldSet
	for i := range op.keys {
		k := &op.keys[i]
		key, parent, _ := k.get.read(params, k.at)
		if !parent {
			continue
		}
		switch {
		case key != "":
			if err := g.checkCallerKey(ctx, st, k.field, k.node, key); err != nil {
				return nil, err
			}
		case g.s.KMSKeyARN != "":
			key = g.s.KMSKeyARN
			sets = append(sets, fieldSet{k.at, key, k.set})
			st.act(actedKeyInjected)
			st.sawKey(key, k.node)
		}
		if len(k.at) != 1 || k.roleAt == nil {
			continue
		}
		if key == "" && !g.s.InsecureAllowUnencryptedDatasetGroups {
			if err := g.keyViolation(ctx, st, op, k, RuleKMSKeyRequired); err != nil {
				return nil, err
			}
		}
		role, _, _ := k.roleGet.read(params, k.roleAt)
		var rule string
		switch {
		case key == "" && role != "":
			rule = RuleKMSRoleWithoutKey
		case key == "" || role != "":
		case g.s.RoleARN != "":
			sets = append(sets, fieldSet{k.roleAt, g.s.RoleARN, k.roleSet})
			st.act(actedRoleInjected)
			st.notePassed(k.rolePassed)
		default:
			rule = RuleKMSKeyWithoutRole
		}
		if rule != "" {
			if err := g.keyViolation(ctx, st, op, k, rule); err != nil {
				return nil, err
			}
		}
	}
	if len(sets) == 0 {
		return params, nil
	}
	return withStrings(params, sets, op), nil
}

// injectOutcome is what one injectKeys call did: its refusal's rule, the
// rules report-only mode recorded, the key and role of the input it
// returned, whether that is the caller's input, and what the state noted.
type injectOutcome struct {
	Rule, Key, Role string
	Reported        []string
	Same            bool
	Acted           acted
	Keys, Roles     int
	Passed          int
}

func injectOnce(t *testing.T, g *Guard, in *sdk.CreateDatasetGroupInput,
	inject func(*Guard, context.Context, *callState, *boundOp, any) (any, error),
) injectOutcome {
	t.Helper()
	op := g.ops["CreateDatasetGroup"]
	st := &callState{g: g, op: op}
	ctx := withState(middleware.WithOperationName(context.Background(), "CreateDatasetGroup"), st)
	out, err := inject(g, ctx, st, op, in)
	var o injectOutcome
	if err != nil {
		var se *SafeguardError
		if !errors.As(err, &se) {
			t.Fatalf("not a SafeguardError: %v", err)
		}
		o.Rule = se.Rule
	} else {
		got := out.(*sdk.CreateDatasetGroupInput)
		o.Key, o.Role, o.Same = aws.ToString(got.KmsKeyArn), aws.ToString(got.RoleArn), got == in
	}
	for _, r := range st.reported {
		o.Reported = append(o.Reported, r.Rule)
	}
	o.Acted, o.Keys, o.Roles, o.Passed = st.acted, len(st.keys), len(st.roles), len(st.passed)
	return o
}

// TestInjectKeysDifferential runs injectKeys and the reference on
// CreateDatasetGroup for every mix of configured key and role (or none),
// unencrypted groups allowed or not, report-only mode or not, and the
// caller's key (none, the configured one, another allowed one, one not
// allowed, no ARN) and role (none, the configured one, another), and
// compares what each did.
func TestInjectKeysDifferential(t *testing.T) {
	const (
		otherKey  = "arn:aws:kms:us-east-1:444455556666:key/abcd1234-12ab-34cd-56ef-1234567890ab"
		strayKey  = "arn:aws:kms:us-east-1:444455556666:key/ffff1234-12ab-34cd-56ef-1234567890ab"
		otherRole = "arn:aws:iam::111122223333:role/Other"
	)
	n := 0
	rules := map[string]bool{} // the rules the cases refused or reported
	for _, key := range []string{"", testKeyARN} {
		for _, role := range []string{"", testRoleARN} {
			for _, unencrypted := range []bool{false, true} {
				for _, reportOnly := range []bool{false, true} {
					p := Policy{KMSKeyARN: key, RoleARN: role, InsecureAllowUnencryptedDatasetGroups: unencrypted,
						InsecureReportOnly: reportOnly, InsecureSkipPostureChecks: true, AllowedKMSKeyARNs: []string{otherKey}}
					g, err := NewGuard(aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}, p)
					if err != nil {
						continue // a policy NewGuard refuses
					}
					for _, inKey := range []string{"", testKeyARN, otherKey, strayKey, "not-an-arn"} {
						for _, inRole := range []string{"", testRoleARN, otherRole} {
							in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}
							if inKey != "" {
								in.KmsKeyArn = aws.String(inKey)
							}
							if inRole != "" {
								in.RoleArn = aws.String(inRole)
							}
							want := injectOnce(t, g, in, injectKeysReference)
							got := injectOnce(t, g, in, (*Guard).injectKeys)
							if diff := cmp.Diff(want, got); diff != "" {
								t.Errorf("policy key %q role %q unencrypted %v report-only %v, input key %q role %q: (-want +got)\n%s",
									key, role, unencrypted, reportOnly, inKey, inRole, diff)
							}
							n++
							if got.Rule != "" {
								rules[got.Rule] = true
							}
							for _, r := range got.Reported {
								rules[r] = true
							}
						}
					}
				}
			}
		}
	}
	for _, r := range []string{RuleKMSKeyRequired, RuleKMSRoleWithoutKey, RuleKMSKeyWithoutRole, RuleKMSKeyARN, RuleKMSKeyNotAllowed} {
		if !rules[r] {
			t.Errorf("no case refused or reported %s", r)
		}
	}
	t.Logf("%d cases compared", n)
}
