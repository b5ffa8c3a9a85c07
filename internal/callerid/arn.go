package callerid

import (
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
)

// Kind is the kind of principal a set of credentials stands for.
type Kind uint8

const (
	// Unknown is an ARN that is not one of the principal ARNs
	// GetCallerIdentity answers; the check fails closed on it.
	Unknown Kind = iota
	// Root is the account's root user: arn:<partition>:iam::<account>:root.
	Root
	// User is an IAM user: arn:<partition>:iam::<account>:user/<path/name>.
	User
	// AssumedRole is a role session:
	// arn:<partition>:sts::<account>:assumed-role/<role>/<session>.
	AssumedRole
	// FederatedUser is a GetFederationToken session:
	// arn:<partition>:sts::<account>:federated-user/<name>.
	FederatedUser
)

// String returns the ARN's resource type for the kind ("root", "user",
// "assumed-role", "federated-user"), or "unknown".
func (k Kind) String() string {
	switch k {
	case Root:
		return "root"
	case User:
		return "user"
	case AssumedRole:
		return "assumed-role"
	case FederatedUser:
		return "federated-user"
	}
	return "unknown"
}

// Caller is who a set of credentials stands for. It holds the account and
// the kind of principal, not the principal's name, so that it is safe to
// log.
type Caller struct {
	Kind      Kind
	Partition string // "aws", "aws-cn", ...
	Account   string // the 12-digit account ID
}

// String describes the caller by kind and account, e.g. "root of account
// 111122223333".
func (c Caller) String() string { return c.Kind.String() + " of account " + c.Account }

// Classify reads a principal ARN as STS GetCallerIdentity answers it and
// reports whether it is one of the four kinds of caller. The shapes are
// checked strictly (partition, no Region, a 12-digit account, non-empty
// names of IAM's characters), so that nothing else reads as a user or role;
// a caller of an unknown shape is for the check to refuse, not to pass.
func Classify(arn string) (Caller, bool) {
	if len(arn) > awsarn.MaxLength {
		return Caller{}, false
	}
	a, ok := awsarn.Split(arn)
	if !ok || a.Region != "" || !awsarn.Partition(a.Partition) || !awsarn.Account(a.Account) {
		return Caller{}, false
	}
	c := Caller{Partition: a.Partition, Account: a.Account}
	switch a.Service {
	case "iam":
		if a.Resource == "root" {
			c.Kind = Root
		} else if name, ok := strings.CutPrefix(a.Resource, "user/"); ok && pathName(name) {
			c.Kind = User
		}
	case "sts":
		if rest, ok := strings.CutPrefix(a.Resource, "assumed-role/"); ok {
			// The role's path is not in a session ARN: role/session.
			if role, session, ok := strings.Cut(rest, "/"); ok && name(role) && name(session) {
				c.Kind = AssumedRole
			}
		} else if n, ok := strings.CutPrefix(a.Resource, "federated-user/"); ok && name(n) {
			c.Kind = FederatedUser
		}
	}
	if c.Kind == Unknown {
		return Caller{}, false
	}
	return c, true
}

// pathName accepts an IAM path and name, "a/b/name": name segments of IAM's
// characters, none empty.
func pathName(s string) bool {
	if s == "" {
		return false
	}
	for seg := range strings.SplitSeq(s, "/") {
		if !name(seg) {
			return false
		}
	}
	return true
}

// name accepts a non-empty IAM user, role or session name: letters, digits
// and +=,.@_-.
func name(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+=,.@_-", c) >= 0) {
			return false
		}
	}
	return true
}
