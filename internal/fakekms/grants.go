package fakekms

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Grants are stored and listed; like the key policy, they are not enforced
// (no caller identity is emulated), so any caller may retire any grant.

type grant struct {
	id, keyID, name           string
	created                   time.Time
	grantee, granteeService   string
	retiring, retiringService string
	operations                []string
	constraints               *grantConstraints
	createdAs                 string // the request's canonical form, for Name idempotency
	tokens                    []string
}

type grantConstraints struct {
	EncryptionContextEquals map[string]string `json:",omitempty"`
	EncryptionContextSubset map[string]string `json:",omitempty"`
	SourceArn               *string           `json:",omitempty"`
}

type grantStore struct {
	byID   map[string]*grant
	order  []string          // grant IDs in creation order
	tokens map[string]string // grant token -> grant ID
}

func newGrantStore() grantStore {
	return grantStore{byID: map[string]*grant{}, tokens: map[string]string{}}
}

func (g *grantStore) remove(id string) {
	gr := g.byID[id]
	for _, t := range gr.tokens {
		delete(g.tokens, t)
	}
	delete(g.byID, id)
	g.order = slices.DeleteFunc(g.order, func(o string) bool { return o == id })
}

var (
	principalPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	grantNamePattern = regexp.MustCompile(`^[a-zA-Z0-9:/_-]+$`)
	grantIDPattern   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// grantOperations maps each grant operation to the keys it applies to.
var grantOperations = map[string]func(*key) bool{
	"Decrypt":                             encryptionKey,
	"Encrypt":                             encryptionKey,
	"ReEncryptFrom":                       encryptionKey,
	"ReEncryptTo":                         encryptionKey,
	"GenerateDataKey":                     symmetricEncryptionKey,
	"GenerateDataKeyWithoutPlaintext":     symmetricEncryptionKey,
	"GenerateDataKeyPair":                 symmetricEncryptionKey,
	"GenerateDataKeyPairWithoutPlaintext": symmetricEncryptionKey,
	"Sign":                                usage(usageSign),
	"Verify":                              usage(usageSign),
	"GetPublicKey":                        func(k *key) bool { return !k.symmetric() && !strings.HasPrefix(k.spec, "HMAC_") },
	"GenerateMac":                         usage(usageMAC),
	"VerifyMac":                           usage(usageMAC),
	"DeriveSharedSecret":                  usage(usageAgreement),
	"Encapsulate":                         usage(usageKEM),
	"Decapsulate":                         usage(usageKEM),
	"CreateGrant":                         func(*key) bool { return true },
	"RetireGrant":                         func(*key) bool { return true },
	"DescribeKey":                         func(*key) bool { return true },
}

func encryptionKey(k *key) bool          { return k.usage == usageEncrypt }
func symmetricEncryptionKey(k *key) bool { return k.usage == usageEncrypt && k.symmetric() }
func usage(u string) func(*key) bool     { return func(k *key) bool { return k.usage == u } }

type createGrantInput struct {
	KeyId                    *string
	GranteePrincipal         *string
	GranteeServicePrincipal  *string
	RetiringPrincipal        *string
	RetiringServicePrincipal *string
	Operations               []string
	Constraints              *grantConstraints
	GrantTokens              []string
	Name                     *string
	DryRun                   *bool
}

func checkPrincipal(member string, p *string) *apiError {
	return firstError(checkLength(member, p, 1, 256, false), checkPattern(member, p, principalPattern))
}

func checkGrantTokens(tokens []string) *apiError {
	if len(tokens) > 10 {
		return errValidation("grantTokens", "Member must have length less than or equal to 10")
	}
	for _, t := range tokens {
		if e := checkLength("grantTokens.member", &t, 1, 8192, true); e != nil {
			return e
		}
	}
	return nil
}

func checkContextConstraint(member string, ctx map[string]string) *apiError {
	if len(ctx) > 8 {
		return errValidation(member, "Member must have at most 8 encryption context pairs")
	}
	for _, v := range ctx {
		if len([]rune(v)) > 384 {
			return errValidation(member, "Encryption context values must have at most 384 characters")
		}
	}
	return nil
}

func (s *Server) createGrant(in *createGrantInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := firstError(
		checkPrincipal("granteePrincipal", in.GranteePrincipal),
		checkPrincipal("granteeServicePrincipal", in.GranteeServicePrincipal),
		checkPrincipal("retiringPrincipal", in.RetiringPrincipal),
		checkPrincipal("retiringServicePrincipal", in.RetiringServicePrincipal),
		checkLength("name", in.Name, 1, 256, false), checkPattern("name", in.Name, grantNamePattern),
		checkGrantTokens(in.GrantTokens),
	); e != nil {
		return nil, e
	}
	if (in.GranteePrincipal == nil) == (in.GranteeServicePrincipal == nil) {
		return nil, clientError("ValidationException", "Specify either GranteePrincipal or GranteeServicePrincipal, but not both.")
	}
	if in.RetiringPrincipal != nil && in.RetiringServicePrincipal != nil {
		return nil, clientError("ValidationException", "Specify either RetiringPrincipal or RetiringServicePrincipal, but not both.")
	}
	if in.GranteeServicePrincipal != nil && (in.Constraints == nil || in.Constraints.SourceArn == nil || in.RetiringPrincipal == nil && in.RetiringServicePrincipal == nil) {
		return nil, clientError("ValidationException", "A grant to a service principal needs a SourceArn constraint and a retiring principal.")
	}
	if len(in.Operations) == 0 {
		return nil, errRequired("operations")
	}
	ops := sortedSet(in.Operations)
	for _, o := range ops {
		applies, known := grantOperations[o]
		if !known {
			return nil, errValidation("operations", "Member must satisfy enum value set")
		}
		if !applies(k) {
			return nil, clientError("ValidationException", "Grant operation "+o+" is not supported for this key ("+k.spec+", "+k.usage+").")
		}
	}
	if c := in.Constraints; c != nil {
		if e := firstError(checkContextConstraint("constraints.encryptionContextEquals", c.EncryptionContextEquals),
			checkContextConstraint("constraints.encryptionContextSubset", c.EncryptionContextSubset)); e != nil {
			return nil, e
		}
		if (c.EncryptionContextEquals != nil || c.EncryptionContextSubset != nil) && !symmetricEncryptionKey(k) {
			return nil, clientError("ValidationException", "Encryption context constraints apply to symmetric encryption keys only.")
		}
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, errDryRun()
	}

	token, err := randomToken()
	if err != nil {
		return nil, errInternal("no randomness")
	}
	canonical := canonicalGrant(k.id, in, ops)
	if in.Name != nil {
		for _, id := range s.grants.order {
			if g := s.grants.byID[id]; g.keyID == k.id && g.name == *in.Name && g.createdAs == canonical {
				g.tokens = append(g.tokens, token)
				s.grants.tokens[token] = g.id
				return map[string]string{"GrantId": g.id, "GrantToken": token}, nil
			}
		}
	}
	var idBytes [32]byte
	if _, err := rand.Read(idBytes[:]); err != nil {
		return nil, errInternal("no randomness")
	}
	g := &grant{
		id: hex.EncodeToString(idBytes[:]), keyID: k.id, name: str(in.Name), created: s.now(),
		grantee: str(in.GranteePrincipal), granteeService: str(in.GranteeServicePrincipal),
		retiring: str(in.RetiringPrincipal), retiringService: str(in.RetiringServicePrincipal),
		operations: ops, constraints: cloneConstraints(in.Constraints), createdAs: canonical, tokens: []string{token},
	}
	s.grants.byID[g.id] = g
	s.grants.order = append(s.grants.order, g.id)
	s.grants.tokens[token] = g.id
	return map[string]string{"GrantId": g.id, "GrantToken": token}, nil
}

func randomToken() (string, error) {
	var b [64]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func cloneConstraints(c *grantConstraints) *grantConstraints {
	if c == nil {
		return nil
	}
	out := &grantConstraints{EncryptionContextEquals: maps.Clone(c.EncryptionContextEquals), EncryptionContextSubset: maps.Clone(c.EncryptionContextSubset)}
	if c.SourceArn != nil {
		v := *c.SourceArn
		out.SourceArn = &v
	}
	return out
}

// canonicalGrant is what makes two CreateGrant requests "identical" for
// KMS's Name idempotency.
func canonicalGrant(keyID string, in *createGrantInput, ops []string) string {
	var b strings.Builder
	for _, f := range []string{keyID, str(in.GranteePrincipal), str(in.GranteeServicePrincipal), str(in.RetiringPrincipal), str(in.RetiringServicePrincipal), strings.Join(ops, ",")} {
		b.WriteString(f)
		b.WriteByte(0)
	}
	if c := in.Constraints; c != nil {
		b.Write(canonicalContext(c.EncryptionContextEquals))
		b.WriteByte(0)
		b.Write(canonicalContext(c.EncryptionContextSubset))
		b.WriteByte(0)
		b.WriteString(str(c.SourceArn))
	}
	return b.String()
}

type grantListEntry struct {
	Constraints              *grantConstraints `json:",omitempty"`
	CreationDate             epoch
	GrantId                  string
	GranteePrincipal         string `json:",omitempty"`
	GranteeServicePrincipal  string `json:",omitempty"`
	IssuingAccount           string
	KeyId                    string
	Name                     string `json:",omitempty"`
	Operations               []string
	RetiringPrincipal        string `json:",omitempty"`
	RetiringServicePrincipal string `json:",omitempty"`
}

func (s *Server) listEntry(g *grant) grantListEntry {
	return grantListEntry{
		Constraints: cloneConstraints(g.constraints), CreationDate: epoch(g.created), GrantId: g.id,
		GranteePrincipal: g.grantee, GranteeServicePrincipal: g.granteeService,
		IssuingAccount: "arn:" + s.partition + ":iam::" + s.account + ":root", KeyId: s.keyARN(g.keyID), Name: g.name,
		Operations: slices.Clone(g.operations), RetiringPrincipal: g.retiring, RetiringServicePrincipal: g.retiringService,
	}
}

type listGrantsInput struct {
	KeyId                   *string
	GrantId                 *string
	GranteePrincipal        *string
	GranteeServicePrincipal *string
	Limit                   *int32
	Marker                  *string
}

func (s *Server) listGrants(in *listGrantsInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := firstError(checkLength("grantId", in.GrantId, 1, 128, false), checkPrincipal("granteePrincipal", in.GranteePrincipal),
		checkPrincipal("granteeServicePrincipal", in.GranteeServicePrincipal)); e != nil {
		return nil, e
	}
	var match []*grant
	for _, id := range s.grants.order {
		g := s.grants.byID[id]
		if g.keyID == k.id && (in.GrantId == nil || g.id == *in.GrantId) &&
			(in.GranteePrincipal == nil || g.grantee == *in.GranteePrincipal) &&
			(in.GranteeServicePrincipal == nil || g.granteeService == *in.GranteeServicePrincipal) {
			match = append(match, g)
		}
	}
	return s.grantPage("grants", match, in.Limit, in.Marker)
}

func (s *Server) grantPage(tag string, match []*grant, limit *int32, marker *string) (any, *apiError) {
	start, end, next, e := page(tag, len(match), limit, 50, 100, marker)
	if e != nil {
		return nil, e
	}
	entries := []grantListEntry{}
	for _, g := range match[start:end] {
		entries = append(entries, s.listEntry(g))
	}
	return paged(map[string]any{"Grants": entries}, next), nil
}

type listRetirableGrantsInput struct {
	RetiringPrincipal        *string
	RetiringServicePrincipal *string
	Limit                    *int32
	Marker                   *string
}

func (s *Server) listRetirableGrants(in *listRetirableGrantsInput) (any, *apiError) {
	if e := firstError(checkPrincipal("retiringPrincipal", in.RetiringPrincipal), checkPrincipal("retiringServicePrincipal", in.RetiringServicePrincipal)); e != nil {
		return nil, e
	}
	if (in.RetiringPrincipal == nil) == (in.RetiringServicePrincipal == nil) {
		return nil, clientError("ValidationException", "Specify either RetiringPrincipal or RetiringServicePrincipal, but not both.")
	}
	var match []*grant
	for _, id := range s.grants.order {
		g := s.grants.byID[id]
		if in.RetiringPrincipal != nil && g.retiring == *in.RetiringPrincipal ||
			in.RetiringServicePrincipal != nil && g.retiringService == *in.RetiringServicePrincipal {
			match = append(match, g)
		}
	}
	return s.grantPage("retirable", match, in.Limit, in.Marker)
}

type retireGrantInput struct {
	KeyId      *string
	GrantId    *string
	GrantToken *string
	DryRun     *bool
}

// findGrant resolves KeyId and GrantId to a grant of that key.
func (s *Server) findGrant(in *retireGrantInput) (*grant, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := checkLength("grantId", in.GrantId, 1, 128, true); e != nil {
		return nil, e
	}
	if !grantIDPattern.MatchString(*in.GrantId) {
		return nil, clientError("InvalidGrantIdException", "The grant ID is not valid.")
	}
	g, ok := s.grants.byID[*in.GrantId]
	if !ok || g.keyID != k.id {
		return nil, errNotFound("Grant ID not found for " + k.arn + ".")
	}
	return g, nil
}

func (s *Server) retireGrant(in *retireGrantInput) (any, *apiError) {
	if e := checkLength("grantToken", in.GrantToken, 1, 8192, false); e != nil {
		return nil, e
	}
	var g *grant
	switch {
	case in.GrantToken != nil:
		id, ok := s.grants.tokens[*in.GrantToken]
		if !ok {
			return nil, clientError("InvalidGrantTokenException", "The grant token is not valid.")
		}
		g = s.grants.byID[id]
		switch {
		case in.GrantId != nil:
			found, e := s.findGrant(in)
			if e != nil {
				return nil, e
			}
			if found != g {
				return nil, clientError("InvalidGrantIdException", "The grant token and grant ID name different grants.")
			}
		case in.KeyId != nil:
			k, e := s.findKey("keyId", in.KeyId, false)
			if e != nil {
				return nil, e
			}
			if k.id != g.keyID {
				return nil, clientError("InvalidGrantTokenException", "The grant token is not for this key.")
			}
		}
	case in.KeyId != nil && in.GrantId != nil:
		var e *apiError
		if g, e = s.findGrant(in); e != nil {
			return nil, e
		}
	default:
		return nil, clientError("ValidationException", "Specify a GrantToken, or both KeyId and GrantId.")
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, errDryRun()
	}
	s.grants.remove(g.id)
	return struct{}{}, nil
}

func (s *Server) revokeGrant(in *retireGrantInput) (any, *apiError) {
	in.GrantToken = nil // RevokeGrant has no such member
	g, e := s.findGrant(in)
	if e != nil {
		return nil, e
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, errDryRun()
	}
	s.grants.remove(g.id)
	return struct{}{}, nil
}
