package fakekms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/nsmithuk/local-kms/src/cmk"
	"github.com/nsmithuk/local-kms/src/config"
	"github.com/nsmithuk/local-kms/src/data"
	"github.com/nsmithuk/local-kms/src/handler"
	"github.com/sirupsen/logrus"
)

// Region and AccountID are what every key ARN minted by local-kms carries.
const (
	Region    = "us-east-1"
	AccountID = "111122223333"
)

// TargetPrefix is the X-Amz-Target prefix of KMS operations.
const TargetPrefix = "TrentService."

// maxRequestBody bounds what one request may make the emulator buffer; real
// KMS requests stay far below it (plaintext ≤ 4 KiB, policies ≤ 32 KiB).
const maxRequestBody = 1 << 20

// configureOnce sets local-kms's package-level Region and account. They are
// process-wide by local-kms's design, hence set once and never changed.
var configureOnce sync.Once

func configure() {
	configureOnce.Do(func() {
		config.AWSRegion = Region
		config.AWSAccountId = AccountID
	})
}

// localOps are the local-kms handler methods served as they are.
// PutKeyPolicy, GetKeyPolicy and ListKeyPolicies are served by [Handler]
// itself (see doc.go).
var localOps = map[string]func(*handler.RequestHandler) handler.Response{
	"CancelKeyDeletion":                   (*handler.RequestHandler).CancelKeyDeletion,
	"CreateAlias":                         (*handler.RequestHandler).CreateAlias,
	"CreateKey":                           (*handler.RequestHandler).CreateKey,
	"Decrypt":                             (*handler.RequestHandler).Decrypt,
	"DeleteAlias":                         (*handler.RequestHandler).DeleteAlias,
	"DeleteImportedKeyMaterial":           (*handler.RequestHandler).DeleteImportedKeyMaterial,
	"DescribeKey":                         (*handler.RequestHandler).DescribeKey,
	"DisableKey":                          (*handler.RequestHandler).DisableKey,
	"DisableKeyRotation":                  (*handler.RequestHandler).DisableKeyRotation,
	"EnableKey":                           (*handler.RequestHandler).EnableKey,
	"EnableKeyRotation":                   (*handler.RequestHandler).EnableKeyRotation,
	"Encrypt":                             (*handler.RequestHandler).Encrypt,
	"GenerateDataKey":                     (*handler.RequestHandler).GenerateDataKey,
	"GenerateDataKeyPair":                 (*handler.RequestHandler).GenerateDataKeyPair,
	"GenerateDataKeyPairWithoutPlaintext": (*handler.RequestHandler).GenerateDataKeyPairWithoutPlaintext,
	"GenerateDataKeyWithoutPlaintext":     (*handler.RequestHandler).GenerateDataKeyWithoutPlaintext,
	"GenerateMac":                         (*handler.RequestHandler).GenerateMac,
	"GenerateRandom":                      (*handler.RequestHandler).GenerateRandom,
	"GetKeyRotationStatus":                (*handler.RequestHandler).GetKeyRotationStatus,
	"GetParametersForImport":              (*handler.RequestHandler).GetParametersForImport,
	"GetPublicKey":                        (*handler.RequestHandler).GetPublicKey,
	"ImportKeyMaterial":                   (*handler.RequestHandler).ImportKeyMaterial,
	"ListAliases":                         (*handler.RequestHandler).ListAliases,
	"ListKeys":                            (*handler.RequestHandler).ListKeys,
	"ListResourceTags":                    (*handler.RequestHandler).ListResourceTags,
	"ReEncrypt":                           (*handler.RequestHandler).ReEncrypt,
	"ScheduleKeyDeletion":                 (*handler.RequestHandler).ScheduleKeyDeletion,
	"Sign":                                (*handler.RequestHandler).Sign,
	"TagResource":                         (*handler.RequestHandler).TagResource,
	"UntagResource":                       (*handler.RequestHandler).UntagResource,
	"UpdateAlias":                         (*handler.RequestHandler).UpdateAlias,
	"UpdateKeyDescription":                (*handler.RequestHandler).UpdateKeyDescription,
	"Verify":                              (*handler.RequestHandler).Verify,
	"VerifyMac":                           (*handler.RequestHandler).VerifyMac,
}

// Operations lists every operation the handler serves, for documentation
// and tests.
func Operations() []string {
	ops := make([]string, 0, len(localOps)+3)
	for op := range localOps {
		ops = append(ops, op)
	}
	return append(ops, "GetKeyPolicy", "ListKeyPolicies", "PutKeyPolicy")
}

// Handler serves KMS requests from one local-kms database. It is safe for
// concurrent use: requests are served one at a time, because local-kms
// updates keys with unguarded read-modify-write cycles.
type Handler struct {
	mu     sync.Mutex
	db     *data.Database
	log    *logrus.Logger
	closed bool
}

// Open opens (or creates) a local-kms database in dir, which the caller owns
// and removes after [Handler.Close].
func Open(dir string) (h *Handler, err error) {
	configure()
	// data.NewDatabase panics instead of returning its error.
	defer func() {
		if p := recover(); p != nil {
			h, err = nil, fmt.Errorf("fakekms: open database: %v", p)
		}
	}()
	db := data.NewDatabase(dir)
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	quiet.SetLevel(logrus.PanicLevel)
	return &Handler{db: db, log: quiet}, nil
}

// Close closes the database. Requests that arrive later get a
// KMSInternalException.
func (h *Handler) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	h.db.Close()
	return nil
}

// ServeHTTP answers one KMS JSON 1.1 request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	if r.Method != http.MethodPost || !ok {
		write(w, exception(http.StatusBadRequest, "UnknownOperationException", "expected a POST with X-Amz-Target "+TargetPrefix+"<Operation>"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		write(w, exception(http.StatusBadRequest, "SerializationException", "request body unreadable or too large"))
		return
	}
	write(w, h.serve(op, body, r))
}

func (h *Handler) serve(op string, body []byte, r *http.Request) (resp handler.Response) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return exception(http.StatusInternalServerError, "KMSInternalException", "the local KMS is closed")
	}
	// local-kms panics on some inputs; answer as KMS does when it fails inside.
	defer func() {
		if p := recover(); p != nil {
			resp = exception(http.StatusInternalServerError, "KMSInternalException", "the local KMS failed while serving "+op)
		}
	}()
	switch op {
	case "PutKeyPolicy":
		return h.putKeyPolicy(body)
	case "GetKeyPolicy":
		return h.getKeyPolicy(body)
	case "ListKeyPolicies":
		return h.listKeyPolicies(body)
	case "CreateKey":
		if resp, bad := checkCreateKeyPolicy(body); bad {
			return resp
		}
	}
	call, ok := localOps[op]
	if !ok {
		return unsupported(op)
	}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp = call(handler.NewRequestHandler(req, h.log, h.db))
	if op == "CancelKeyDeletion" && resp.Code == http.StatusOK {
		return h.disableAfterCancel(body, resp)
	}
	return resp
}

// disableAfterCancel leaves a key whose deletion was cancelled Disabled, as
// KMS does; local-kms re-enables it.
func (h *Handler) disableAfterCancel(body []byte, resp handler.Response) handler.Response {
	var in keyPolicyRequest
	if _, bad := decode(body, &in); bad || in.KeyId == nil {
		return resp
	}
	key, err := h.lookup(*in.KeyId)
	if err != nil {
		return resp
	}
	key.GetMetadata().Enabled = false
	key.GetMetadata().KeyState = cmk.KeyStateDisabled
	if err := h.db.SaveKey(key); err != nil {
		return exception(http.StatusInternalServerError, "KMSInternalException", "the local KMS could not save the key")
	}
	return resp
}

var opName = regexp.MustCompile(`^[A-Za-z]{1,64}$`)

func unsupported(op string) handler.Response {
	if !opName.MatchString(op) {
		op = "this operation"
	}
	return exception(http.StatusBadRequest, "UnsupportedOperationException", op+" is not implemented by the local KMS emulator")
}

func write(w http.ResponseWriter, resp handler.Response) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	body := resp.Body
	if body == "" {
		// local-kms answers some operations with no body; the SDK expects JSON.
		body = "{}"
	}
	w.WriteHeader(resp.Code)
	_, _ = io.WriteString(w, body)
}

func exception(code int, typ, message string) handler.Response {
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": message})
	return handler.Response{Code: code, Body: string(b)}
}

// --- key policies -----------------------------------------------------------

const (
	defaultPolicyName = "default"
	maxPolicyLength   = 32768
)

type keyPolicyRequest struct {
	KeyId      *string `json:"KeyId"`
	PolicyName *string `json:"PolicyName"`
	Policy     *string `json:"Policy"`
}

func decode(body []byte, v any) (handler.Response, bool) {
	if len(bytes.TrimSpace(body)) == 0 {
		return handler.Response{}, false
	}
	if err := json.Unmarshal(body, v); err != nil {
		return exception(http.StatusBadRequest, "SerializationException", "the request body is not valid JSON for this operation"), true
	}
	return handler.Response{}, false
}

func validPolicy(p string) bool {
	var doc map[string]any
	return len(p) > 0 && len(p) <= maxPolicyLength && json.Unmarshal([]byte(p), &doc) == nil
}

// checkCreateKeyPolicy rejects a malformed Policy the way KMS does; local-kms
// would store any string.
func checkCreateKeyPolicy(body []byte) (handler.Response, bool) {
	var in keyPolicyRequest
	if resp, bad := decode(body, &in); bad {
		return resp, true
	}
	if in.Policy != nil && !validPolicy(*in.Policy) {
		return exception(http.StatusBadRequest, "MalformedPolicyDocumentException", "the key policy is not a JSON policy document of at most 32768 characters"), true
	}
	return handler.Response{}, false
}

func (h *Handler) policyRequest(body []byte, needPolicy bool) (keyPolicyRequest, cmk.Key, handler.Response, bool) {
	var in keyPolicyRequest
	if resp, bad := decode(body, &in); bad {
		return in, nil, resp, true
	}
	if in.KeyId == nil || *in.KeyId == "" {
		return in, nil, exception(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"), true
	}
	if needPolicy && in.Policy == nil {
		return in, nil, exception(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null"), true
	}
	if in.PolicyName != nil && *in.PolicyName != defaultPolicyName {
		return in, nil, exception(http.StatusBadRequest, "NotFoundException", "the only key policy name is \"default\""), true
	}
	key, err := h.lookup(*in.KeyId)
	if err != nil {
		return in, nil, exception(http.StatusBadRequest, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", config.EnsureArn("key/", *in.KeyId))), true
	}
	return in, key, handler.Response{}, false
}

func (h *Handler) getKeyPolicy(body []byte) handler.Response {
	_, key, resp, bad := h.policyRequest(body, false)
	if bad {
		return resp
	}
	return okJSON(map[string]string{"Policy": key.GetPolicy(), "PolicyName": defaultPolicyName})
}

func (h *Handler) listKeyPolicies(body []byte) handler.Response {
	_, _, resp, bad := h.policyRequest(body, false)
	if bad {
		return resp
	}
	return okJSON(map[string]any{"PolicyNames": []string{defaultPolicyName}, "Truncated": false})
}

func (h *Handler) putKeyPolicy(body []byte) handler.Response {
	in, key, resp, bad := h.policyRequest(body, true)
	if bad {
		return resp
	}
	if !validPolicy(*in.Policy) {
		return exception(http.StatusBadRequest, "MalformedPolicyDocumentException", "the key policy is not a JSON policy document of at most 32768 characters")
	}
	if key.GetMetadata().KeyState == cmk.KeyStatePendingDeletion {
		return exception(http.StatusBadRequest, "KMSInvalidStateException", key.GetArn()+" is pending deletion.")
	}
	// local-kms's own PutKeyPolicy asserts *cmk.AesKey and panics on others.
	switch k := key.(type) {
	case *cmk.AesKey:
		k.Policy = *in.Policy
	case *cmk.RsaKey:
		k.Policy = *in.Policy
	case *cmk.EccKey:
		k.Policy = *in.Policy
	case *cmk.HmacKey:
		k.Policy = *in.Policy
	default:
		return exception(http.StatusInternalServerError, "KMSInternalException", "unsupported key type")
	}
	if err := h.db.SaveKey(key); err != nil {
		return exception(http.StatusInternalServerError, "KMSInternalException", "the local KMS could not save the key")
	}
	return okJSON(struct{}{})
}

func okJSON(v any) handler.Response {
	b, err := json.Marshal(v)
	if err != nil {
		return exception(http.StatusInternalServerError, "KMSInternalException", "could not encode the response")
	}
	return handler.Response{Code: http.StatusOK, Body: string(b)}
}

// --- in-process lookups -----------------------------------------------------

// ErrKeyNotFound is returned by [Handler.Key] for an unknown key or alias.
var ErrKeyNotFound = errors.New("fakekms: key not found")

// Key is what in-process callers (the Personalize and S3 fakes) need to know
// about a key.
type Key struct {
	ARN             string
	ID              string
	State           string // Enabled, Disabled, PendingDeletion, PendingImport
	Spec            string // SYMMETRIC_DEFAULT, RSA_2048, ...
	Usage           string // ENCRYPT_DECRYPT, ...
	Policy          string
	RotationEnabled bool
}

// Usable reports whether the key can encrypt and decrypt now, which is what
// Personalize and S3 need from a customer managed key.
func (k Key) Usable() bool {
	return k.State == string(cmk.KeyStateEnabled) && k.Spec == string(cmk.SpecSymmetricDefault)
}

// Key looks up a key by key ID, key ARN, alias name or alias ARN.
func (h *Handler) Key(id string) (Key, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return Key{}, errors.New("fakekms: closed")
	}
	k, err := h.lookup(id)
	if err != nil {
		return Key{}, err
	}
	md := k.GetMetadata()
	out := Key{
		ARN:    k.GetArn(),
		ID:     md.KeyId,
		State:  string(md.KeyState),
		Spec:   string(md.KeySpec),
		Usage:  string(md.KeyUsage),
		Policy: k.GetPolicy(),
	}
	if aes, ok := k.(*cmk.AesKey); ok {
		out.RotationEnabled = !aes.NextKeyRotation.IsZero()
	}
	return out, nil
}

// lookup must be called with h.mu held.
func (h *Handler) lookup(id string) (cmk.Key, error) {
	if id == "" {
		return nil, ErrKeyNotFound
	}
	if strings.Contains(id, "alias/") {
		alias, err := h.db.LoadAlias(config.EnsureArn("", id))
		if err != nil {
			return nil, ErrKeyNotFound
		}
		id = alias.TargetKeyId
	}
	k, err := h.db.LoadKey(config.EnsureArn("key/", id))
	if err != nil || k == nil {
		return nil, ErrKeyNotFound
	}
	return k, nil
}
