package personalize

import (
	"context"

	"github.com/aws/smithy-go/middleware"

	kmscheck "github.com/personalizeguard/personalizeguard/kms"
)

// The KMS key safeguard (PersonalizeGuard:KMSKey) puts the configured key
// wherever the table says the operation takes one and the caller left it
// empty — with the role, on CreateDatasetGroup — and holds a caller's key to
// the allow-list. It never changes the caller's struct: it replaces
// in.Parameters with a copy. Whether a key is ready for Personalize is the
// posture safeguard's (posture.go).

func (g *Guard) handleKMSKey(ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	op, err := g.operation(ctx, st, in.Parameters)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	if in.Parameters, err = g.injectKeys(ctx, st, op, in.Parameters); err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	return next.HandleInitialize(ctx, in)
}

// injectKeys returns params with the configured key at every key place the
// caller left empty, copying each struct it changes, or an error for a key
// the policy does not allow. It returns params itself when nothing changes.
func (g *Guard) injectKeys(ctx context.Context, st *callState, op *boundOp, params any) (any, error) {
	var buf [4]fieldSet
	sets := buf[:0]
	for i := range op.keys {
		k := &op.keys[i] // not a copy: a key place is some twenty words
		key, parent, _ := k.get.read(params, k.at)
		if !parent {
			continue // the structure that would hold the key is absent
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
		// A key of the input itself (CreateDatasetGroup) comes with its
		// role: AWS takes RoleArn only with KmsKeyArn, and needs it then.
		// With a key and no role, the configured one is put in; the
		// other cases' rules are keyRoleRules'.
		role, _, _ := k.roleGet.read(params, k.roleAt)
		if key != "" && role == "" && g.s.RoleARN != "" {
			sets = append(sets, fieldSet{k.roleAt, g.s.RoleARN, k.roleSet})
			st.act(actedRoleInjected)
			st.notePassed(k.rolePassed)
		} else if err := g.keyRoleRules(ctx, st, op, k, key, role); err != nil {
			return nil, err
		}
	}
	if len(sets) == 0 {
		return params, nil
	}
	return withStrings(params, sets, op), nil
}

// keyRoleRules holds the key and role of the key place k of the input
// itself to the rules injectKeys' own path does not settle (it injects the
// configured role when a key is there and the role is not): a dataset
// group needs a key, a role needs a key and a key needs a role. Apart from
// injectKeys, and not inlined, so that their code is not among the
// instructions every call runs through.
//
//go:noinline
func (g *Guard) keyRoleRules(ctx context.Context, st *callState, op *boundOp, k *keyPlace, key, role string) error {
	if key == "" && !g.s.InsecureAllowUnencryptedDatasetGroups {
		// A dataset group's key is fixed at creation: one created
		// without a customer managed key can never get one.
		if err := g.keyViolation(ctx, st, op, k, RuleKMSKeyRequired); err != nil {
			return err
		}
	}
	switch {
	case key == "" && role != "":
		return g.keyViolation(ctx, st, op, k, RuleKMSRoleWithoutKey)
	case key == "" || role != "":
		return nil
	}
	// A key without a role, and no configured role to put in.
	return g.keyViolation(ctx, st, op, k, RuleKMSKeyWithoutRole)
}

// keyViolation is the violation of rule (RuleKMSKeyRequired,
// RuleKMSRoleWithoutKey or RuleKMSKeyWithoutRole) at k on a call of op.
// Apart from injectKeys, so that the refusals' code is not among the
// instructions every call runs through.
func (g *Guard) keyViolation(ctx context.Context, st *callState, op *boundOp, k *keyPlace, rule string) error {
	var v *SafeguardError
	switch rule {
	case RuleKMSKeyRequired:
		v = &SafeguardError{Operation: op.name, Field: k.field, Rule: RuleKMSKeyRequired,
			Reason: "a dataset group needs a customer managed key, fixed at creation: set Policy.KMSKeyARN and RoleARN, or pass KmsKeyArn and RoleArn"}
	case RuleKMSRoleWithoutKey:
		v = &SafeguardError{Operation: op.name, Field: k.roleField, Rule: RuleKMSRoleWithoutKey, Reason: "RoleArn is only valid together with KmsKeyArn"}
	default:
		v = &SafeguardError{Operation: op.name, Field: k.roleField, Rule: RuleKMSKeyWithoutRole,
			Reason: "Personalize needs a RoleArn to use KmsKeyArn; pass one or set Policy.RoleARN"}
	}
	return g.violation(ctx, st, v)
}

// checkCallerKey holds a key the caller named at the member at (field) to
// the allow-list.
func (g *Guard) checkCallerKey(ctx context.Context, st *callState, field string, at *node, key string) error {
	op := opName(ctx, st)
	// Recorded even when refused in report-only mode: the wire gate then
	// lets through what the caller asked for, as report-only promises.
	st.sawKey(key, at)
	k, err := kmscheck.ParseKeyARN(key)
	if err != nil {
		return g.violation(ctx, st, &SafeguardError{Operation: op, Field: field, Rule: RuleKMSKeyARN,
			Reason: "needs a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)", Err: err})
	}
	if !g.s.keyAllowed(k.String()) {
		return g.violation(ctx, st, &SafeguardError{Operation: op, Field: field, Rule: RuleKMSKeyNotAllowed,
			Reason: "the key is neither Policy.KMSKeyARN nor in Policy.AllowedKMSKeyARNs"})
	}
	st.act(actedKeyAllowed)
	return nil
}
