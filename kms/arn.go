package kms

import (
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
)

// maxIdentifierLength is KMS's own bound on a KeyId parameter; anything
// longer is not an identifier KMS would accept.
const maxIdentifierLength = 2048

// keyARNForm is how errors describe what is needed, without quoting input.
const keyARNForm = "arn:<partition>:kms:<region>:<12-digit account>:key/<id>"

// KeyARN is a parsed KMS key ARN:
// arn:<Partition>:kms:<Region>:<AccountID>:key/<KeyID>. A multi-Region key
// (KeyID "mrk-…") is a key ARN too; each of its replicas has its own ARN,
// differing in Region only.
type KeyARN struct {
	Partition string // "aws", "aws-cn", "aws-us-gov", ...
	Region    string // "us-east-1"
	AccountID string // 12 digits
	KeyID     string // a UUID, or "mrk-" and 32 hex digits
}

// String returns the ARN, or "" for the zero KeyARN.
func (k KeyARN) String() string {
	if k == (KeyARN{}) {
		return ""
	}
	return "arn:" + k.Partition + ":kms:" + k.Region + ":" + k.AccountID + ":key/" + k.KeyID
}

// MultiRegion reports whether k names a multi-Region key.
func (k KeyARN) MultiRegion() bool { return strings.HasPrefix(k.KeyID, "mrk-") }

// InRegion returns the ARN that k's key (or replica) has in region. It is
// meaningful for multi-Region keys only: a single-Region key exists in one
// Region.
func (k KeyARN) InRegion(region string) KeyARN {
	k.Region = region
	return k
}

// IdentifierKind says what kind of KMS key identifier a string is.
type IdentifierKind int

// Kinds of KMS key identifiers.
const (
	// UnknownKind is anything that is not a well-formed KMS key identifier,
	// including a malformed key ARN.
	UnknownKind IdentifierKind = iota
	// KeyARNKind is arn:<partition>:kms:<region>:<account>:key/<id>.
	KeyARNKind
	// AliasARNKind is arn:<partition>:kms:<region>:<account>:alias/<name>.
	AliasARNKind
	// AliasNameKind is alias/<name>.
	AliasNameKind
	// KeyIDKind is a bare key ID: a UUID or an mrk- multi-Region key ID.
	KeyIDKind
)

// String describes k with an article, as errors use it: "an alias ARN".
func (k IdentifierKind) String() string {
	switch k {
	case KeyARNKind:
		return "a key ARN"
	case AliasARNKind:
		return "an alias ARN"
	case AliasNameKind:
		return "an alias name"
	case KeyIDKind:
		return "a bare key ID"
	}
	return "not a KMS identifier"
}

// Identify returns the kind of KMS key identifier s is. It only looks at s;
// whether the key or alias exists takes a call to KMS (see [ResolveKeyARN]).
func Identify(s string) IdentifierKind {
	if len(s) == 0 || len(s) > maxIdentifierLength {
		return UnknownKind
	}
	if strings.HasPrefix(s, "arn:") {
		a, ok := awsarn.Split(s)
		if !ok {
			return UnknownKind
		}
		if a.Service != "kms" || !awsarn.Partition(a.Partition) || !awsarn.Region(a.Region) || !awsarn.Account(a.Account) {
			return UnknownKind
		}
		if id, ok := strings.CutPrefix(a.Resource, "key/"); ok && validKeyID(id) {
			return KeyARNKind
		}
		if name, ok := strings.CutPrefix(a.Resource, "alias/"); ok && validAliasName(name) {
			return AliasARNKind
		}
		return UnknownKind
	}
	if name, ok := strings.CutPrefix(s, "alias/"); ok && validAliasName(name) {
		return AliasNameKind
	}
	if validKeyID(s) {
		return KeyIDKind
	}
	return UnknownKind
}

// ParseKeyARN parses a key ARN. Anything else, an alias or a bare key ID
// included, is rejected with an [*IdentifierError] that says what was given
// and never repeats it.
func ParseKeyARN(s string) (KeyARN, error) {
	k, problem := parseKeyARN(s)
	if problem == "" {
		return k, nil
	}
	if kind := Identify(s); kind != UnknownKind {
		return KeyARN{}, &IdentifierError{Given: kind}
	}
	return KeyARN{}, &IdentifierError{Given: UnknownKind, Problem: problem}
}

// Problems a malformed key ARN can have; they are the only texts an
// IdentifierError's Problem holds, so errors cannot carry input.
const (
	problemEmpty     = "it is empty"
	problemTooLong   = "it is longer than 2048 bytes"
	problemNotARN    = "it is not an ARN"
	problemParts     = "an ARN has six colon-separated parts"
	problemService   = "the ARN is not a KMS ARN"
	problemPartition = "the partition is not aws or aws-<name>"
	problemRegion    = "the Region is missing or malformed"
	problemAccount   = "the account is not 12 digits"
	problemResource  = "the resource is not key/<id>"
	problemKeyID     = "the key ID is neither a UUID nor an mrk- multi-Region key ID"
)

func parseKeyARN(s string) (KeyARN, string) {
	switch {
	case s == "":
		return KeyARN{}, problemEmpty
	case len(s) > maxIdentifierLength:
		return KeyARN{}, problemTooLong
	case !strings.HasPrefix(s, "arn:"):
		return KeyARN{}, problemNotARN
	}
	a, ok := awsarn.Split(s)
	switch {
	case !ok:
		return KeyARN{}, problemParts
	case a.Service != "kms":
		return KeyARN{}, problemService
	case !awsarn.Partition(a.Partition):
		return KeyARN{}, problemPartition
	case !awsarn.Region(a.Region):
		return KeyARN{}, problemRegion
	case !awsarn.Account(a.Account):
		return KeyARN{}, problemAccount
	}
	id, ok := strings.CutPrefix(a.Resource, "key/")
	if !ok {
		return KeyARN{}, problemResource
	}
	if !validKeyID(id) {
		return KeyARN{}, problemKeyID
	}
	return KeyARN{Partition: a.Partition, Region: a.Region, AccountID: a.Account, KeyID: id}, ""
}

// validKeyID accepts a UUID (8-4-4-4-12 hex digits) or "mrk-" and 32 hex
// digits, the two forms KMS issues.
func validKeyID(id string) bool {
	if hex, ok := strings.CutPrefix(id, "mrk-"); ok {
		return len(hex) == 32 && allHex(hex)
	}
	if len(id) != 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch i {
		case 8, 13, 18, 23:
			if id[i] != '-' {
				return false
			}
		default:
			if !isHex(id[i]) {
				return false
			}
		}
	}
	return true
}

// validAliasName checks the part after "alias/": 1–250 of [a-zA-Z0-9/_-].
func validAliasName(name string) bool {
	if name == "" || len(name) > 250 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validRoleARN accepts arn:<partition>:iam::<account>:role/<path/name>.
func validRoleARN(s string) bool {
	_, ok := awsarn.RoleAccount(s)
	return ok
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
