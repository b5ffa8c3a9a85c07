package fakekms

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TargetPrefix is the X-Amz-Target prefix of KMS operations.
const TargetPrefix = "TrentService."

// maxRequestBody bounds what one request may make the emulator buffer; real
// KMS requests stay far below it (ciphertexts ≤ 6 KiB, policies ≤ 32 KiB).
const maxRequestBody = 1 << 20

// Config says where a [Server]'s keys live. Every ARN it mints carries the
// Region and account, and only ARNs naming them resolve.
type Config struct {
	// Region is the Region the server stands for, e.g. "us-east-1"; required.
	Region string
	// AccountID is the 12-digit account that owns every key; required.
	AccountID string
	// Now replaces the clock (creation and deletion dates); default time.Now.
	Now func() time.Time
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// Server is one in-memory KMS for one account in one Region. It is safe for
// concurrent use: requests are served one at a time, which keeps state
// transitions as atomic as KMS makes them.
type Server struct {
	region, account, partition string
	now                        func() time.Time

	mu      sync.Mutex
	keys    map[string]*key // by key ID
	order   []string        // key IDs in creation order, for ListKeys
	aliases map[string]*alias
	grants  grantStore
}

// New returns an empty Server, or an error when cfg is incomplete.
func New(cfg Config) (*Server, error) {
	if !regionPattern.MatchString(cfg.Region) {
		return nil, errors.New("fakekms: Config.Region is not a Region name")
	}
	if !accountPattern.MatchString(cfg.AccountID) {
		return nil, errors.New("fakekms: Config.AccountID is not 12 digits")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Server{
		region:    cfg.Region,
		account:   cfg.AccountID,
		partition: partitionOf(cfg.Region),
		now:       now,
		keys:      map[string]*key{},
		aliases:   map[string]*alias{},
		grants:    newGrantStore(),
	}, nil
}

func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// Region and AccountID return what the Server was configured with.
func (s *Server) Region() string    { return s.region }
func (s *Server) AccountID() string { return s.account }

// handler decodes one operation's request and serves it; the Server's lock
// is held.
type handler func(s *Server, body []byte) (any, *apiError)

// op adapts a typed handler: the body is decoded into a fresh T first.
func op[T any](fn func(*Server, *T) (any, *apiError)) handler {
	return func(s *Server, body []byte) (any, *apiError) {
		in := new(T)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		return fn(s, in)
	}
}

var operations = map[string]handler{
	"CancelKeyDeletion":               op((*Server).cancelKeyDeletion),
	"CreateAlias":                     op((*Server).createAlias),
	"CreateGrant":                     op((*Server).createGrant),
	"CreateKey":                       op((*Server).createKey),
	"Decrypt":                         op((*Server).decrypt),
	"DeleteAlias":                     op((*Server).deleteAlias),
	"DescribeKey":                     op((*Server).describeKey),
	"DisableKey":                      op((*Server).disableKey),
	"DisableKeyRotation":              op((*Server).disableKeyRotation),
	"EnableKey":                       op((*Server).enableKey),
	"EnableKeyRotation":               op((*Server).enableKeyRotation),
	"Encrypt":                         op((*Server).encrypt),
	"GenerateDataKey":                 op((*Server).generateDataKey),
	"GenerateDataKeyWithoutPlaintext": op((*Server).generateDataKeyWithoutPlaintext),
	"GenerateRandom":                  op((*Server).generateRandom),
	"GetKeyPolicy":                    op((*Server).getKeyPolicy),
	"GetKeyRotationStatus":            op((*Server).getKeyRotationStatus),
	"ListAliases":                     op((*Server).listAliases),
	"ListGrants":                      op((*Server).listGrants),
	"ListKeyPolicies":                 op((*Server).listKeyPolicies),
	"ListKeys":                        op((*Server).listKeys),
	"ListResourceTags":                op((*Server).listResourceTags),
	"ListRetirableGrants":             op((*Server).listRetirableGrants),
	"PutKeyPolicy":                    op((*Server).putKeyPolicy),
	"RetireGrant":                     op((*Server).retireGrant),
	"RevokeGrant":                     op((*Server).revokeGrant),
	"ScheduleKeyDeletion":             op((*Server).scheduleKeyDeletion),
	"TagResource":                     op((*Server).tagResource),
	"UntagResource":                   op((*Server).untagResource),
	"UpdateAlias":                     op((*Server).updateAlias),
	"UpdateKeyDescription":            op((*Server).updateKeyDescription),
}

// Operations lists the operations the Server serves, sorted. Any other KMS
// operation is answered with UnsupportedOperationException.
func Operations() []string { return slices.Sorted(maps.Keys(operations)) }

// ServeHTTP answers one KMS JSON 1.1 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	if r.Method != http.MethodPost || !ok {
		writeError(w, &apiError{status: http.StatusBadRequest, typ: "UnknownOperationException", msg: "expected a POST with X-Amz-Target " + TargetPrefix + "<Operation>"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		writeError(w, &apiError{status: http.StatusRequestEntityTooLarge, typ: "SerializationException", msg: "request body unreadable or too large"})
		return
	}
	out, apiErr := s.serve(name, body)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeError(w, errInternal("could not encode the response"))
		return
	}
	writeHeaders(w)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// serve runs operation name on a JSON request body and returns the response
// document or the KMS error; it is ServeHTTP without HTTP.
func (s *Server) serve(name string, body []byte) (any, *apiError) {
	h, ok := operations[name]
	if !ok {
		return nil, unsupported(name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return h(s, body)
}

func writeHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", requestID())
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return uuid(b)
}

// uuid formats 16 random bytes as a version 4 UUID, the form of KMS key IDs.
func uuid(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var opName = regexp.MustCompile(`^[A-Za-z]{1,64}$`)

func unsupported(name string) *apiError {
	if !opName.MatchString(name) {
		name = "this operation"
	}
	return &apiError{status: http.StatusBadRequest, typ: "UnsupportedOperationException", msg: name + " is not implemented by the local KMS emulator"}
}

// --- errors -----------------------------------------------------------------

// apiError is a KMS error response: the __type the SDK maps to a typed
// error, and the HTTP status KMS answers with.
type apiError struct {
	status int
	typ    string
	msg    string
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

func writeError(w http.ResponseWriter, e *apiError) {
	writeHeaders(w)
	w.Header().Set("X-Amzn-Errortype", e.typ)
	w.WriteHeader(e.status)
	b, _ := json.Marshal(map[string]string{"__type": e.typ, "message": e.msg})
	_, _ = w.Write(b)
}

func clientError(typ, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: typ, msg: msg}
}

func errInternal(msg string) *apiError {
	return &apiError{status: http.StatusInternalServerError, typ: "KMSInternalException", msg: msg}
}

func errNotFound(msg string) *apiError { return clientError("NotFoundException", msg) }

func errInvalidState(msg string) *apiError { return clientError("KMSInvalidStateException", msg) }

// errValidation words a constraint failure as KMS does ("1 validation error
// detected: Value at 'keyId' failed to satisfy constraint: ...") without
// repeating the value, which may be a secret the caller misplaced.
func errValidation(member, constraint string) *apiError {
	return clientError("ValidationException", "1 validation error detected: Value at '"+member+"' failed to satisfy constraint: "+constraint)
}

func errRequired(member string) *apiError {
	return clientError("ValidationException", "1 validation error detected: Value null at '"+member+"' failed to satisfy constraint: Member must not be null")
}

func errDryRun() *apiError {
	return &apiError{status: http.StatusPreconditionFailed, typ: "DryRunOperationException", msg: "The request would have succeeded, but the DryRun option is set."}
}

// --- request decoding and member checks --------------------------------------

// decode reads a JSON request document. Unknown members are ignored, as KMS
// does; a member of the wrong JSON type is a SerializationException.
func decode(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return clientError("SerializationException", "the request body is not valid JSON for this operation")
	}
	if _, err := dec.Token(); err != io.EOF {
		return clientError("SerializationException", "the request body holds more than one JSON document")
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkLength checks a string member against the model's length range.
func checkLength(member string, p *string, min, max int, required bool) *apiError {
	if p == nil {
		if required {
			return errRequired(member)
		}
		return nil
	}
	if n := len([]rune(*p)); n < min || n > max {
		return errValidation(member, "Member must have length between "+strconv.Itoa(min)+" and "+strconv.Itoa(max))
	}
	return nil
}

// checkPattern checks a string member against an anchored pattern.
func checkPattern(member string, p *string, re *regexp.Regexp) *apiError {
	if p != nil && !re.MatchString(*p) {
		return errValidation(member, "Member must satisfy regular expression pattern: "+re.String())
	}
	return nil
}

func checkRange(member string, p *int32, min, max int32) *apiError {
	if p != nil && (*p < min || *p > max) {
		return errValidation(member, fmt.Sprintf("Member must have value between %d and %d", min, max))
	}
	return nil
}

func checkEnum[T ~string](member string, v T, allowed ...T) *apiError {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	vals := make([]string, len(allowed))
	for i, a := range allowed {
		vals[i] = string(a)
	}
	return errValidation(member, "Member must satisfy enum value set: ["+strings.Join(vals, ", ")+"]")
}

func firstError(errs ...*apiError) *apiError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// epoch marshals a time as KMS's JSON timestamps: seconds since the epoch,
// with milliseconds.
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(e).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)), nil
}

func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// --- pagination --------------------------------------------------------------

// page returns the slice of n items a Limit and Marker select and the
// marker of the next page. Markers are opaque to callers: an offset with a
// tag, so that a marker of another listing is refused.
func page(tag string, n int, limit *int32, def, max int32, marker *string) (start, end int, next *string, e *apiError) {
	if e := checkRange("limit", limit, 1, max); e != nil {
		return 0, 0, nil, e
	}
	l := int(def)
	if limit != nil {
		l = int(*limit)
	}
	if marker != nil {
		off, ok := strings.CutPrefix(*marker, tag+"-")
		i, err := strconv.Atoi(off)
		if !ok || err != nil || i < 0 || i > n || strconv.Itoa(i) != off {
			return 0, 0, nil, clientError("InvalidMarkerException", "The request was rejected because the marker that specifies where pagination should next begin is not valid.")
		}
		start = i
	}
	end = min(start+l, n)
	if end < n {
		m := tag + "-" + strconv.Itoa(end)
		next = &m
	}
	return start, end, next, nil
}

// paged adds Truncated and, when there is a next page, NextMarker to a
// listing.
func paged(out map[string]any, next *string) map[string]any {
	out["Truncated"] = next != nil
	if next != nil {
		out["NextMarker"] = *next
	}
	return out
}
