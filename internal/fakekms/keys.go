package fakekms

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Key states, specs, usages and origins, as KMS spells them.
const (
	stateEnabled         = "Enabled"
	stateDisabled        = "Disabled"
	statePendingDeletion = "PendingDeletion"
	statePendingImport   = "PendingImport"

	specSymmetric  = "SYMMETRIC_DEFAULT"
	usageEncrypt   = "ENCRYPT_DECRYPT"
	usageSign      = "SIGN_VERIFY"
	usageMAC       = "GENERATE_VERIFY_MAC"
	usageAgreement = "KEY_AGREEMENT"
	usageKEM       = "KEY_ENCAPSULATION"

	originKMS      = "AWS_KMS"
	originExternal = "EXTERNAL"

	defaultPolicyName = "default"
	maxPolicyLength   = 32768
)

// keySpecs maps every KeySpec to the key usages KMS allows for it.
var keySpecs = map[string][]string{
	specSymmetric:           {usageEncrypt},
	"RSA_2048":              {usageEncrypt, usageSign},
	"RSA_3072":              {usageEncrypt, usageSign},
	"RSA_4096":              {usageEncrypt, usageSign},
	"ECC_NIST_P256":         {usageSign, usageAgreement},
	"ECC_NIST_P384":         {usageSign, usageAgreement},
	"ECC_NIST_P521":         {usageSign, usageAgreement},
	"ECC_SECG_P256K1":       {usageSign},
	"ECC_NIST_EDWARDS25519": {usageSign},
	"SM2":                   {usageEncrypt, usageSign, usageAgreement},
	"HMAC_224":              {usageMAC},
	"HMAC_256":              {usageMAC},
	"HMAC_384":              {usageMAC},
	"HMAC_512":              {usageMAC},
	"ML_DSA_44":             {usageSign},
	"ML_DSA_65":             {usageSign},
	"ML_DSA_87":             {usageSign},
	"ML_KEM_512":            {usageKEM},
	"ML_KEM_768":            {usageKEM},
	"ML_KEM_1024":           {usageKEM},
}

// key is one KMS key. Only symmetric encryption keys get key material: the
// emulator serves no asymmetric, HMAC or KEM cryptography, only their
// metadata, policies, grants and states.
type key struct {
	id, arn        string
	created        time.Time
	description    string
	state          string
	spec, usage    string
	origin         string
	multiRegion    bool
	policy         string
	material       [][]byte // AES-256 keys, newest last; ciphertexts name their index
	rotation       bool
	rotationPeriod int32
	deletionDate   time.Time
	pendingWindow  int32
	tags           []tag
}

type tag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

func (k *key) symmetric() bool { return k.spec == specSymmetric }

type keyMetadata struct {
	AWSAccountId                string
	Arn                         string
	CreationDate                epoch
	CustomerMasterKeySpec       string
	DeletionDate                *epoch `json:",omitempty"`
	Description                 string
	Enabled                     bool
	EncryptionAlgorithms        []string `json:",omitempty"`
	KeyAgreementAlgorithms      []string `json:",omitempty"`
	KeyId                       string
	KeyManager                  string
	KeySpec                     string
	KeyState                    string
	KeyUsage                    string
	MacAlgorithms               []string `json:",omitempty"`
	MultiRegion                 bool
	MultiRegionConfiguration    *multiRegionConfiguration `json:",omitempty"`
	Origin                      string
	PendingDeletionWindowInDays *int32   `json:",omitempty"`
	SigningAlgorithms           []string `json:",omitempty"`
}

type multiRegionConfiguration struct {
	MultiRegionKeyType string
	PrimaryKey         regionKey
	ReplicaKeys        []regionKey
}

type regionKey struct {
	Arn    string
	Region string
}

func (s *Server) metadata(k *key) keyMetadata {
	md := keyMetadata{
		AWSAccountId:          s.account,
		Arn:                   k.arn,
		CreationDate:          epoch(k.created),
		CustomerMasterKeySpec: k.spec,
		DeletionDate:          epochPtr(k.deletionDate),
		Description:           k.description,
		Enabled:               k.state == stateEnabled,
		KeyId:                 k.id,
		KeyManager:            "CUSTOMER",
		KeySpec:               k.spec,
		KeyState:              k.state,
		KeyUsage:              k.usage,
		MultiRegion:           k.multiRegion,
		Origin:                k.origin,
	}
	if k.state == statePendingDeletion {
		w := k.pendingWindow
		md.PendingDeletionWindowInDays = &w
	}
	if k.multiRegion {
		md.MultiRegionConfiguration = &multiRegionConfiguration{MultiRegionKeyType: "PRIMARY", PrimaryKey: regionKey{Arn: k.arn, Region: s.region}, ReplicaKeys: []regionKey{}}
	}
	switch {
	case k.usage == usageEncrypt && k.symmetric():
		md.EncryptionAlgorithms = []string{"SYMMETRIC_DEFAULT"}
	case k.usage == usageEncrypt && k.spec == "SM2":
		md.EncryptionAlgorithms = []string{"SM2PKE"}
	case k.usage == usageEncrypt:
		md.EncryptionAlgorithms = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case k.usage == usageSign:
		md.SigningAlgorithms = signingAlgorithms(k.spec)
	case k.usage == usageMAC:
		md.MacAlgorithms = []string{"HMAC_SHA_" + strings.TrimPrefix(k.spec, "HMAC_")}
	case k.usage == usageAgreement:
		md.KeyAgreementAlgorithms = []string{"ECDH"}
	}
	return md
}

func signingAlgorithms(spec string) []string {
	switch {
	case strings.HasPrefix(spec, "RSA_"):
		return []string{"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"}
	case spec == "ECC_NIST_P384":
		return []string{"ECDSA_SHA_384"}
	case spec == "ECC_NIST_P521":
		return []string{"ECDSA_SHA_512"}
	case spec == "ECC_NIST_EDWARDS25519":
		return []string{"ED25519_SHA_512", "ED25519_PH_SHA_512"}
	case spec == "SM2":
		return []string{"SM2DSA"}
	case strings.HasPrefix(spec, "ML_DSA_"):
		return []string{"ML_DSA_SHAKE_256"}
	}
	return []string{"ECDSA_SHA_256"}
}

// defaultPolicy is the policy KMS gives a key created without one: the
// account may do everything, through IAM.
func (s *Server) defaultPolicy() string {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Id":      "key-default-1",
		"Statement": []map[string]any{{
			"Sid":       "Enable IAM User Permissions",
			"Effect":    "Allow",
			"Principal": map[string]string{"AWS": "arn:" + s.partition + ":iam::" + s.account + ":root"},
			"Action":    "kms:*",
			"Resource":  "*",
		}},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return string(b)
}

// --- identifiers ---------------------------------------------------------------

var (
	keyIDPattern = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
)

// printableID returns id for an error message when it is a well-formed KMS
// identifier, and a placeholder otherwise, so that a value sent by mistake
// (a secret in the KeyId field) is never echoed.
func printableID(id string) string {
	if len(id) <= 256 && (keyIDPattern.MatchString(id) || aliasRefPattern.MatchString(id) || kmsARNPattern.MatchString(id)) {
		return id
	}
	return "(not a key identifier)"
}

var (
	aliasRefPattern = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]+$`)
	kmsARNPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias/[a-zA-Z0-9/_-]+)$`)
)

func (s *Server) keyARN(id string) string {
	return "arn:" + s.partition + ":kms:" + s.region + ":" + s.account + ":key/" + id
}

func (s *Server) aliasARN(name string) string {
	return "arn:" + s.partition + ":kms:" + s.region + ":" + s.account + ":" + name
}

// localResource returns the resource part ("key/ID", "alias/NAME") of an ARN
// of this Server's Region and account, or false.
func (s *Server) localResource(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] != s.partition || parts[2] != "kms" || parts[3] != s.region || parts[4] != s.account {
		return "", false
	}
	return parts[5], true
}

// findKey resolves a KeyId member: a key ID or key ARN, and also an alias
// name or alias ARN where the operation takes one (withAlias).
func (s *Server) findKey(member string, p *string, withAlias bool) (*key, *apiError) {
	if e := checkLength(member, p, 1, 2048, true); e != nil {
		return nil, e
	}
	id := *p
	ref := id
	if strings.HasPrefix(id, "arn:") {
		res, ok := s.localResource(id)
		if !ok {
			return nil, errNotFound("Invalid arn " + printableID(id))
		}
		ref = res
		if strings.HasPrefix(res, "key/") {
			ref = strings.TrimPrefix(res, "key/")
			if strings.HasPrefix(ref, "alias/") {
				return nil, errNotFound("Invalid arn " + printableID(id))
			}
		}
	}
	if strings.HasPrefix(ref, "alias/") {
		if !withAlias {
			return nil, errNotFound("Invalid keyId " + printableID(id))
		}
		a, ok := s.aliases[ref]
		if !ok {
			return nil, errNotFound("Alias " + s.aliasARN(printableID(ref)) + " is not found.")
		}
		ref = a.target
	}
	k, ok := s.keys[ref]
	if !ok {
		if keyIDPattern.MatchString(ref) {
			return nil, errNotFound("Key '" + s.keyARN(ref) + "' does not exist")
		}
		return nil, errNotFound("Invalid keyId " + printableID(id))
	}
	return k, nil
}

// --- CreateKey, DescribeKey, ListKeys, UpdateKeyDescription --------------------

type createKeyInput struct {
	Policy                         *string
	Description                    *string
	KeyUsage                       *string
	KeySpec                        *string
	CustomerMasterKeySpec          *string
	Origin                         *string
	CustomKeyStoreId               *string
	XksKeyId                       *string
	MultiRegion                    *bool
	BypassPolicyLockoutSafetyCheck *bool
	Tags                           []tag
}

func (s *Server) createKey(in *createKeyInput) (any, *apiError) {
	spec, usage, origin := str(in.KeySpec), str(in.KeyUsage), str(in.Origin)
	if in.KeySpec != nil && in.CustomerMasterKeySpec != nil {
		return nil, clientError("ValidationException", "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.")
	}
	if spec == "" {
		spec = str(in.CustomerMasterKeySpec)
	}
	if spec == "" {
		spec = specSymmetric
	}
	usages, ok := keySpecs[spec]
	if !ok {
		return nil, errValidation("keySpec", "Member must satisfy enum value set")
	}
	if e := checkEnum("keyUsage", usage, usageEncrypt, usageSign, usageMAC, usageAgreement, usageKEM); e != nil {
		return nil, e
	}
	if usage == "" {
		usage = usageEncrypt
		if len(usages) == 1 {
			usage = usages[0]
		}
	}
	if !slices.Contains(usages, usage) {
		return nil, clientError("ValidationException", "KeyUsage "+usage+" is not compatible with KeySpec "+spec)
	}
	if e := checkEnum("origin", origin, originKMS, originExternal, "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"); e != nil {
		return nil, e
	}
	switch origin {
	case "":
		origin = originKMS
	case "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE":
		return nil, clientError("CustomKeyStoreNotFoundException", "The local KMS emulator has no custom key stores.")
	case originExternal:
		if spec != specSymmetric && !strings.HasPrefix(spec, "HMAC_") {
			return nil, clientError("UnsupportedOperationException", "Imported key material is supported for symmetric and HMAC keys only by the local KMS emulator.")
		}
	}
	if in.CustomKeyStoreId != nil || in.XksKeyId != nil {
		return nil, clientError("CustomKeyStoreNotFoundException", "The local KMS emulator has no custom key stores.")
	}
	if e := firstError(checkLength("description", in.Description, 0, 8192, false), checkTags(in.Tags)); e != nil {
		return nil, e
	}
	policy := s.defaultPolicy()
	if in.Policy != nil {
		if e := checkPolicy(*in.Policy); e != nil {
			return nil, e
		}
		policy = *in.Policy
	}

	var idBytes [16]byte
	if _, err := rand.Read(idBytes[:]); err != nil {
		return nil, errInternal("no randomness")
	}
	id := uuid(idBytes)
	multi := in.MultiRegion != nil && *in.MultiRegion
	if multi {
		id = "mrk-" + hex.EncodeToString(idBytes[:])
	}
	k := &key{
		id: id, arn: s.keyARN(id), created: s.now(), description: str(in.Description),
		state: stateEnabled, spec: spec, usage: usage, origin: origin, multiRegion: multi,
		policy: policy, tags: mergeTags(nil, in.Tags),
	}
	switch {
	case origin == originExternal:
		k.state = statePendingImport
	case k.symmetric():
		m, err := newMaterial()
		if err != nil {
			return nil, errInternal("no randomness")
		}
		k.material = [][]byte{m}
	}
	s.keys[id] = k
	s.order = append(s.order, id)
	return map[string]any{"KeyMetadata": s.metadata(k)}, nil
}

type keyIDInput struct {
	KeyId       *string
	GrantTokens []string
}

func (s *Server) describeKey(in *keyIDInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, true)
	if e != nil {
		return nil, e
	}
	return map[string]any{"KeyMetadata": s.metadata(k)}, nil
}

type listInput struct {
	Limit  *int32
	Marker *string
}

type keyListEntry struct {
	KeyArn string
	KeyId  string
}

func (s *Server) listKeys(in *listInput) (any, *apiError) {
	start, end, next, e := page("keys", len(s.order), in.Limit, 100, 1000, in.Marker)
	if e != nil {
		return nil, e
	}
	entries := []keyListEntry{}
	for _, id := range s.order[start:end] {
		entries = append(entries, keyListEntry{KeyArn: s.keys[id].arn, KeyId: id})
	}
	return paged(map[string]any{"Keys": entries}, next), nil
}

type updateKeyDescriptionInput struct {
	KeyId       *string
	Description *string
}

func (s *Server) updateKeyDescription(in *updateKeyDescriptionInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := checkLength("description", in.Description, 0, 8192, true); e != nil {
		return nil, e
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	k.description = *in.Description
	return struct{}{}, nil
}

// --- key states -------------------------------------------------------------

func (s *Server) enableKey(in *keyIDInput) (any, *apiError) { return s.setEnabled(in, stateEnabled) }

func (s *Server) disableKey(in *keyIDInput) (any, *apiError) { return s.setEnabled(in, stateDisabled) }

// setEnabled moves a key between Enabled and Disabled; KMS refuses both for
// a key pending deletion or import.
func (s *Server) setEnabled(in *keyIDInput, to string) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	switch k.state {
	case statePendingDeletion:
		return nil, errInvalidState(k.arn + " is pending deletion.")
	case statePendingImport:
		return nil, errInvalidState(k.arn + " is pending import.")
	}
	k.state = to
	return struct{}{}, nil
}

type scheduleKeyDeletionInput struct {
	KeyId               *string
	PendingWindowInDays *int32
}

func (s *Server) scheduleKeyDeletion(in *scheduleKeyDeletionInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := checkRange("pendingWindowInDays", in.PendingWindowInDays, 7, 30); e != nil {
		return nil, e
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	window := int32(30)
	if in.PendingWindowInDays != nil {
		window = *in.PendingWindowInDays
	}
	k.state = statePendingDeletion
	k.pendingWindow = window
	k.deletionDate = s.now().Add(time.Duration(window) * 24 * time.Hour)
	return map[string]any{"KeyId": k.arn, "DeletionDate": epoch(k.deletionDate), "KeyState": k.state, "PendingWindowInDays": window}, nil
}

// cancelKeyDeletion leaves the key Disabled, as KMS does (or PendingImport
// when it never had key material).
func (s *Server) cancelKeyDeletion(in *keyIDInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if k.state != statePendingDeletion {
		return nil, errInvalidState(k.arn + " is not pending deletion.")
	}
	k.state = stateDisabled
	if k.origin == originExternal && len(k.material) == 0 {
		k.state = statePendingImport
	}
	k.deletionDate, k.pendingWindow = time.Time{}, 0
	return map[string]any{"KeyId": k.arn}, nil
}

// --- rotation ---------------------------------------------------------------

type enableKeyRotationInput struct {
	KeyId                *string
	RotationPeriodInDays *int32
}

const defaultRotationPeriod = 365

// rotatable answers whether KMS rotates k automatically, and KMS's error when
// it cannot.
func rotatable(k *key) *apiError {
	if !k.symmetric() || k.origin != originKMS {
		return clientError("UnsupportedOperationException", k.arn+" does not support automatic rotation: it is not a symmetric encryption key with KMS-generated key material.")
	}
	return nil
}

func (s *Server) enableKeyRotation(in *enableKeyRotationInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := checkRange("rotationPeriodInDays", in.RotationPeriodInDays, 90, 2560); e != nil {
		return nil, e
	}
	if e := s.rotationState(k); e != nil {
		return nil, e
	}
	k.rotation = true
	k.rotationPeriod = defaultRotationPeriod
	if in.RotationPeriodInDays != nil {
		k.rotationPeriod = *in.RotationPeriodInDays
	}
	return struct{}{}, nil
}

func (s *Server) disableKeyRotation(in *keyIDInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := s.rotationState(k); e != nil {
		return nil, e
	}
	k.rotation, k.rotationPeriod = false, 0
	return struct{}{}, nil
}

// rotationState is what Enable/DisableKeyRotation require of the key.
func (s *Server) rotationState(k *key) *apiError {
	if e := rotatable(k); e != nil {
		return e
	}
	switch k.state {
	case stateDisabled:
		return clientError("DisabledException", k.arn+" is disabled.")
	case statePendingDeletion:
		return errInvalidState(k.arn + " is pending deletion.")
	}
	return nil
}

func (s *Server) getKeyRotationStatus(in *keyIDInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := rotatable(k); e != nil {
		return nil, e
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	out := map[string]any{"KeyId": k.arn, "KeyRotationEnabled": k.rotation}
	if k.rotation {
		out["RotationPeriodInDays"] = k.rotationPeriod
		out["NextRotationDate"] = epoch(k.created.Add(time.Duration(k.rotationPeriod) * 24 * time.Hour))
	}
	return out, nil
}

// --- key policies -------------------------------------------------------------

var policyNamePattern = regexp.MustCompile(`^[\w]+$`)

// checkPolicy accepts what KMS accepts as a policy document, as far as an
// emulator that evaluates no IAM can tell: a JSON object of at most 32768
// characters with a Statement.
func checkPolicy(p string) *apiError {
	if e := checkLength("policy", &p, 1, maxPolicyLength, true); e != nil {
		return e
	}
	var doc map[string]json.RawMessage
	if !utf8.ValidString(p) || json.Unmarshal([]byte(p), &doc) != nil || doc["Statement"] == nil {
		return clientError("MalformedPolicyDocumentException", "The key policy is not a JSON policy document with a Statement.")
	}
	return nil
}

type keyPolicyInput struct {
	KeyId                          *string
	PolicyName                     *string
	Policy                         *string
	BypassPolicyLockoutSafetyCheck *bool
}

func (s *Server) policyKey(in *keyPolicyInput) (*key, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if e := firstError(checkLength("policyName", in.PolicyName, 1, 128, false), checkPattern("policyName", in.PolicyName, policyNamePattern)); e != nil {
		return nil, e
	}
	if in.PolicyName != nil && *in.PolicyName != defaultPolicyName {
		return nil, errNotFound("No such policy exists")
	}
	return k, nil
}

func (s *Server) getKeyPolicy(in *keyPolicyInput) (any, *apiError) {
	k, e := s.policyKey(in)
	if e != nil {
		return nil, e
	}
	return map[string]string{"Policy": k.policy, "PolicyName": defaultPolicyName}, nil
}

func (s *Server) putKeyPolicy(in *keyPolicyInput) (any, *apiError) {
	k, e := s.policyKey(in)
	if e != nil {
		return nil, e
	}
	if in.Policy == nil {
		return nil, errRequired("policy")
	}
	if e := checkPolicy(*in.Policy); e != nil {
		return nil, e
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	k.policy = *in.Policy
	return struct{}{}, nil
}

type listKeyPoliciesInput struct {
	KeyId  *string
	Limit  *int32
	Marker *string
}

func (s *Server) listKeyPolicies(in *listKeyPoliciesInput) (any, *apiError) {
	if _, e := s.findKey("keyId", in.KeyId, false); e != nil {
		return nil, e
	}
	start, end, next, e := page("policies", 1, in.Limit, 100, 1000, in.Marker)
	if e != nil {
		return nil, e
	}
	return paged(map[string]any{"PolicyNames": []string{defaultPolicyName}[start:end]}, next), nil
}

// --- tags ------------------------------------------------------------------

const maxTags = 50

var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

func checkTags(tags []tag) *apiError {
	if len(tags) > maxTags {
		return clientError("TagException", "A key may have at most 50 tags.")
	}
	for _, t := range tags {
		k, v := t.TagKey, t.TagValue
		if e := firstError(checkLength("tags.member.tagKey", &k, 1, 128, true), checkLength("tags.member.tagValue", &v, 0, 256, true)); e != nil {
			return e
		}
		if !tagPattern.MatchString(k) || !tagPattern.MatchString(v) {
			return clientError("TagException", "Tag keys and values may contain only letters, digits, spaces and _.:/=+-@.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return clientError("TagException", "Tag keys beginning with aws: are reserved.")
		}
	}
	return nil
}

// mergeTags sets each new tag, replacing a tag of the same key.
func mergeTags(have, add []tag) []tag {
	out := slices.Clone(have)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(o tag) bool { return o.TagKey == t.TagKey }); i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	return out
}

type tagResourceInput struct {
	KeyId   *string
	Tags    []tag
	TagKeys []string
}

func (s *Server) tagResource(in *tagResourceInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if in.Tags == nil {
		return nil, errRequired("tags")
	}
	if e := checkTags(in.Tags); e != nil {
		return nil, e
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	merged := mergeTags(k.tags, in.Tags)
	if len(merged) > maxTags {
		return nil, clientError("TagException", "A key may have at most 50 tags.")
	}
	k.tags = merged
	return struct{}{}, nil
}

func (s *Server) untagResource(in *tagResourceInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	if in.TagKeys == nil {
		return nil, errRequired("tagKeys")
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	k.tags = slices.DeleteFunc(slices.Clone(k.tags), func(t tag) bool { return slices.Contains(in.TagKeys, t.TagKey) })
	return struct{}{}, nil
}

type listResourceTagsInput struct {
	KeyId  *string
	Limit  *int32
	Marker *string
}

func (s *Server) listResourceTags(in *listResourceTagsInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, false)
	if e != nil {
		return nil, e
	}
	start, end, next, e := page("tags", len(k.tags), in.Limit, 50, 50, in.Marker)
	if e != nil {
		return nil, e
	}
	return paged(map[string]any{"Tags": append([]tag{}, k.tags[start:end]...)}, next), nil
}
