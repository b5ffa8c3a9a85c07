package kms

import (
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/posture"
)

// roleSession reports whether p is a session of the role
// (arn:<partition>:sts::<account>:assumed-role/<role name>/<session>), the
// grantee a grant made while acting as the role may name.
func (k *keyCheck) roleSession(p string) bool {
	a, ok := awsarn.Split(k.in.RoleARN)
	if !ok {
		return false
	}
	name := a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	rest, ok := strings.CutPrefix(p, "arn:"+a.Partition+":sts::"+a.Account+":assumed-role/"+name+"/")
	return ok && rest != "" && !strings.Contains(rest, "/")
}

// sortGrants splits the grants not to the service into the role's and
// everyone else's.
func (k *keyCheck) sortGrants() {
	for _, g := range k.f.otherGrants {
		if p := aws.ToString(g.GranteePrincipal); p == k.in.RoleARN || k.roleSession(p) {
			k.roleGrants = append(k.roleGrants, g)
		} else {
			k.otherGrants = append(k.otherGrants, g)
		}
	}
}

// grantAccess reports whether a grant gives p the action outright, or else
// the constraints that decide whether one does.
func (k *keyCheck) grantAccess(p principal, action string) (granted bool, conds []string) {
	op := types.GrantOperation(strings.TrimPrefix(action, "kms:"))
	grants := k.roleGrants
	if p.service {
		grants = k.f.serviceGrants
	}
	for _, g := range grants {
		if !slices.Contains(g.Operations, op) {
			continue
		}
		applies, gc := k.grantConstraints(g, p)
		switch {
		case !applies:
		case len(gc) == 0:
			return true, nil
		default:
			conds = append(conds, gc...)
		}
	}
	return false, conds
}

// grantConstraints returns whether a grant can apply to p's requests and
// the constraints the check cannot decide, worded like policy conditions
// ("<constraint> <key>") so that the uncertain finding's remedy can name
// the input that would decide them.
func (k *keyCheck) grantConstraints(g types.GrantListEntry, p principal) (applies bool, conds []string) {
	c := g.Constraints
	if c == nil {
		return true, nil
	}
	name := "Grant[" + shortGrantID(aws.ToString(g.GrantId)) + "]"
	if len(c.EncryptionContextEquals) > 0 {
		conds = append(conds, name+".EncryptionContextEquals kms:EncryptionContext")
	}
	if len(c.EncryptionContextSubset) > 0 {
		conds = append(conds, name+".EncryptionContextSubset kms:EncryptionContext")
	}
	if arn := aws.ToString(c.SourceArn); c.SourceArn != nil {
		switch {
		case p.service && k.in.SourceARN == arn:
		case p.service && k.in.SourceARN != "":
			return false, nil // the grant is for another resource
		default:
			conds = append(conds, name+".SourceArn aws:SourceArn")
		}
	}
	return true, conds
}

// shortGrantID keeps messages short: grant IDs are 64 hex digits.
func shortGrantID(id string) string {
	if !isIdentifier(id) {
		return "?"
	}
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

// revealing are the grant operations that let a grantee obtain plaintext
// (or give itself more grants). Any operation not known to be harmless
// counts too, so that a new one fails closed.
func revealing(op types.GrantOperation) bool {
	switch op {
	case types.GrantOperationEncrypt, types.GrantOperationDescribeKey, types.GrantOperationGenerateDataKeyWithoutPlaintext,
		types.GrantOperationGenerateDataKeyPairWithoutPlaintext, types.GrantOperationReEncryptTo, types.GrantOperationRetireGrant,
		types.GrantOperationGetPublicKey, types.GrantOperationVerify, types.GrantOperationVerifyMac:
		return false
	}
	return true
}

// grantExposure reports grants to anyone but Personalize and its role.
func (k *keyCheck) grantExposure() {
	var high, low []string
	var highIDs, lowIDs []string
	for _, g := range k.otherGrants {
		who := aws.ToString(g.GranteePrincipal)
		if who == "" {
			who = aws.ToString(g.GranteeServicePrincipal)
		}
		ops := make([]string, 0, len(g.Operations))
		reveals := false
		for _, op := range g.Operations {
			ops = append(ops, printable(string(op)))
			reveals = reveals || revealing(op)
		}
		desc := "Grant[" + shortGrantID(aws.ToString(g.GrantId)) + "] to " + printable(who) + " (" + strings.Join(sortedSet(ops), ", ") + ")"
		if reveals {
			high, highIDs = append(high, desc), append(highIDs, aws.ToString(g.GrantId))
		} else {
			low, lowIDs = append(low, desc), append(lowIDs, aws.ToString(g.GrantId))
		}
	}
	if len(high) > 0 {
		k.add(FindingGrantUnexpected, posture.High,
			grantList(high)+" "+verb(len(high), "lets", "let")+" a principal other than Personalize and its role decrypt with the key, create data keys, or grant itself more; data encrypted for Personalize is exposed to it.",
			k.revokeRemedy(highIDs), "")
	}
	if len(low) > 0 {
		k.add(FindingGrantUnexpectedNoDecrypt, posture.Low,
			grantList(low)+" "+verb(len(low), "lets", "let")+" a principal other than Personalize and its role use the key, though not to decrypt.",
			k.revokeRemedy(lowIDs), "")
	}
}

// grantList joins at most five grant descriptions.
func grantList(descs []string) string {
	const max = 5
	if len(descs) > max {
		return strings.Join(descs[:max], "; ") + "; and " + strconv.Itoa(len(descs)-max) + " more"
	}
	return strings.Join(descs, "; ")
}

func (k *keyCheck) revokeRemedy(ids []string) string {
	id := ids[0]
	if !isIdentifier(id) {
		id = "<grant ID>"
	}
	msg := "If the grantee does not need the key, revoke the grant: " + k.cli("revoke-grant --grant-id "+id)
	if len(ids) > 1 {
		msg += ", and likewise for the others (`aws kms list-grants --key-id " + k.arn + "` lists their IDs)"
	}
	return msg + "."
}
