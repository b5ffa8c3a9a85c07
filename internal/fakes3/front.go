package fakes3

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Region is the Region the emulated S3 lives in; a bucket created without a
// LocationConstraint is in it.
const Region = "us-east-1"

const (
	xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"
	// maxBody bounds one request body held in memory (objects in tests are small).
	maxBody = 256 << 20
)

// Options configures a [Handler].
type Options struct {
	// Keys resolves an SSE-KMS key reference (key ID, key ARN, alias) to its
	// key ARN and KMS key state ("Enabled", "Disabled", ...). Nil accepts any
	// key reference as given.
	Keys func(id string) (arn, state string, found bool)
}

// Encryption is the server-side encryption of an object, as S3 reports it
// in the x-amz-server-side-encryption headers.
type Encryption struct {
	Algorithm        string // "", "AES256", "aws:kms" or "aws:kms:dsse"
	KMSKeyID         string // key ARN, for SSE-KMS when the key was given
	BucketKeyEnabled bool
}

type objectKey struct{ bucket, key string }

// bucketConfig holds the subresources gofakes3 cannot store; a nil field is
// "not configured".
type bucketConfig struct {
	location     string
	encryption   *encryptionConfiguration
	policy       []byte
	publicAccess *publicAccessBlockConfiguration
	ownership    *ownershipControls
}

// Handler is the S3 endpoint: the front handler and gofakes3 behind it.
// It is safe for concurrent use.
type Handler struct {
	backend *s3mem.Backend
	fake    http.Handler
	keys    func(id string) (arn, state string, found bool)
	reqID   atomic.Uint64

	mu      sync.Mutex
	buckets map[string]*bucketConfig
	objects map[objectKey]Encryption
	uploads map[objectKey]Encryption // multipart uploads in progress
}

// New returns an empty S3.
func New(opts Options) *Handler {
	backend := s3mem.New()
	return &Handler{
		backend: backend,
		fake:    gofakes3.New(backend, gofakes3.WithTimeSkewLimit(0)).Server(),
		keys:    opts.Keys,
		buckets: map[string]*bucketConfig{},
		objects: map[objectKey]Encryption{},
		uploads: map[objectKey]Encryption{},
	}
}

// ServeHTTP answers one path-style S3 request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bucket, key := SplitPath(r.URL.Path)
	switch {
	case bucket == "":
		h.fake.ServeHTTP(w, r)
	case key == "":
		h.serveBucket(w, r, bucket)
	default:
		h.serveObject(w, r, bucket, key)
	}
}

func (h *Handler) serveBucket(w http.ResponseWriter, r *http.Request, bucket string) {
	q := r.URL.Query()
	if name, ok := subresource(q, bucketSubresourceOps); ok {
		switch {
		case frontSubresources[name]:
			h.serveSubresource(w, r, bucket, name)
		case name == "delete" && r.Method == http.MethodPost:
			h.deleteObjects(w, r, bucket)
		case gofakes3Handles[name]:
			h.fake.ServeHTTP(w, r)
		default:
			h.writeError(w, r, errNotImplemented(name))
		}
		return
	}
	switch r.Method {
	case http.MethodPut:
		h.createBucket(w, r, bucket)
	case http.MethodDelete:
		h.pass(w, r, func(status int, _ http.Header) {
			if ok(status) {
				h.forgetBucket(bucket)
			}
		})
	case http.MethodHead:
		h.pass(w, r, func(status int, hdr http.Header) {
			if ok(status) {
				hdr.Set("X-Amz-Bucket-Region", h.region(bucket))
			}
		})
	default:
		h.fake.ServeHTTP(w, r)
	}
}

func (h *Handler) serveObject(w http.ResponseWriter, r *http.Request, bucket, key string) {
	q := r.URL.Query()
	k := objectKey{bucket, key}
	if q.Has("uploadId") {
		switch r.Method {
		case http.MethodPut:
			h.putBody(w, r, func(status int, _ http.Header) {})
		case http.MethodPost:
			h.pass(w, r, func(status int, hdr http.Header) {
				if !ok(status) {
					return
				}
				h.mu.Lock()
				enc := h.uploads[k]
				h.objects[k] = enc
				delete(h.uploads, k)
				h.mu.Unlock()
				setEncryptionHeaders(hdr, enc)
			})
		default:
			h.fake.ServeHTTP(w, r)
		}
		return
	}
	if name, ok := subresource(q, objectSubresourceOps); ok {
		if name == "uploads" && r.Method == http.MethodPost {
			h.createMultipartUpload(w, r, k)
			return
		}
		h.writeError(w, r, errNotImplemented(name))
		return
	}
	switch r.Method {
	case http.MethodPut:
		h.putObject(w, r, k)
	case http.MethodGet, http.MethodHead:
		if e := h.checkIfMatch(r, k); e != nil {
			h.writeError(w, r, e)
			return
		}
		h.pass(w, r, func(status int, hdr http.Header) {
			dropEncryptionHeaders(hdr)
			if ok(status) {
				setEncryptionHeaders(hdr, h.encryption(k))
			}
			if status == http.StatusPartialContent {
				// A checksum covers the whole object: S3 sends none with
				// a range, and the SDK would check the range against it.
				for name := range hdr {
					if strings.HasPrefix(name, "X-Amz-Checksum-") {
						hdr.Del(name)
					}
				}
			}
		})
	case http.MethodDelete:
		h.pass(w, r, func(status int, _ http.Header) {
			if ok(status) {
				h.mu.Lock()
				delete(h.objects, k)
				h.mu.Unlock()
			}
		})
	default:
		h.fake.ServeHTTP(w, r)
	}
}

// --- objects ------------------------------------------------------------------

// checkIfMatch answers an If-Match that the object's ETag does not satisfy
// with S3's 412 PreconditionFailed (gofakes3 serves reads as if it were not
// there). The ETag is that of the version the read names (versionId), else
// the latest. A read of a missing object is left to gofakes3's NoSuchKey,
// as S3 answers it.
func (h *Handler) checkIfMatch(r *http.Request, k objectKey) *apiError {
	want := r.Header.Get("If-Match")
	if want == "" {
		return nil
	}
	var obj *gofakes3.Object
	var err error
	if v := r.URL.Query().Get("versionId"); v != "" {
		obj, err = h.backend.HeadObjectVersion(k.bucket, k.key, gofakes3.VersionID(v))
	} else {
		obj, err = h.backend.HeadObject(k.bucket, k.key)
	}
	if err != nil {
		return nil
	}
	if obj.Contents != nil {
		obj.Contents.Close()
	}
	etag := `"` + hex.EncodeToString(obj.Hash) + `"`
	for tag := range strings.SplitSeq(want, ",") {
		if tag = strings.TrimSpace(tag); tag == "*" || tag == etag {
			return nil
		}
	}
	return &apiError{http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", ""}
}

func (h *Handler) putObject(w http.ResponseWriter, r *http.Request, k objectKey) {
	enc, err := h.requestEncryption(k.bucket, r.Header)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.putBody(w, r, func(status int, hdr http.Header) {
		if !ok(status) {
			return
		}
		h.mu.Lock()
		h.objects[k] = enc
		h.mu.Unlock()
		setEncryptionHeaders(hdr, enc)
	})
}

func (h *Handler) createMultipartUpload(w http.ResponseWriter, r *http.Request, k objectKey) {
	enc, err := h.requestEncryption(k.bucket, r.Header)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	keepObjectHeaders(r.Header)
	h.pass(w, r, func(status int, hdr http.Header) {
		if !ok(status) {
			return
		}
		h.mu.Lock()
		h.uploads[k] = enc
		h.mu.Unlock()
		setEncryptionHeaders(hdr, enc)
	})
}

// putBody hands gofakes3 a plain body: aws-chunked framing removed, trailing
// checksums verified and kept as headers, request-only headers dropped so
// that gofakes3 does not store them as object metadata.
func (h *Handler) putBody(w http.ResponseWriter, r *http.Request, hook func(int, http.Header)) {
	body, err := readBody(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	keepObjectHeaders(r.Header)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	h.pass(w, r, hook)
}

// readBody reads a request body, removing aws-chunked framing and checking
// x-amz-checksum-* values (headers or trailers).
func readBody(r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return nil, &apiError{http.StatusBadRequest, "IncompleteBody", "The request body could not be read or is too large.", ""}
	}
	if isAWSChunked(r.Header) {
		data, trailers, err := decodeAWSChunked(body)
		if err != nil {
			return nil, &apiError{http.StatusBadRequest, "IncompleteBody", "The aws-chunked request body is malformed.", ""}
		}
		if dl := r.Header.Get("X-Amz-Decoded-Content-Length"); dl != "" && dl != strconv.Itoa(len(data)) {
			return nil, &apiError{http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the x-amz-decoded-content-length header.", ""}
		}
		for name, v := range trailers {
			if strings.HasPrefix(name, "X-Amz-Checksum-") {
				r.Header[name] = v
			}
		}
		body = data
		var encodings []string
		for _, e := range strings.Split(r.Header.Get("Content-Encoding"), ",") {
			if e = strings.TrimSpace(e); e != "" && e != "aws-chunked" {
				encodings = append(encodings, e)
			}
		}
		if len(encodings) == 0 {
			r.Header.Del("Content-Encoding")
		} else {
			r.Header.Set("Content-Encoding", strings.Join(encodings, ","))
		}
	}
	if name, good := verifyChecksums(r.Header, body); !good {
		return nil, &apiError{http.StatusBadRequest, "BadDigest", fmt.Sprintf("The %s you specified did not match the calculated checksum.", strings.TrimPrefix(name, "X-Amz-Checksum-")), ""}
	}
	return body, nil
}

// objectHeaderPrefixes are the x-amz-* request headers S3 stores with an
// object; every other x-amz-* header only concerns the request.
var objectHeaderPrefixes = []string{
	"X-Amz-Meta-", "X-Amz-Checksum-", "X-Amz-Copy-Source", "X-Amz-Metadata-Directive",
	"X-Amz-Storage-Class", "X-Amz-Website-Redirect-Location",
}

func keepObjectHeaders(hdr http.Header) {
	for name := range hdr {
		if !strings.HasPrefix(name, "X-Amz-") || name == "X-Amz-Checksum-Mode" {
			continue
		}
		keep := false
		for _, p := range objectHeaderPrefixes {
			keep = keep || strings.HasPrefix(name, p)
		}
		if !keep {
			hdr.Del(name)
		}
	}
}

// requestEncryption decides an object's encryption from its request headers
// or, without them, from the bucket's default encryption.
func (h *Handler) requestEncryption(bucket string, hdr http.Header) (Encryption, *apiError) {
	if hdr.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "" {
		return Encryption{}, errNotImplemented("SSE-C")
	}
	alg := hdr.Get("X-Amz-Server-Side-Encryption")
	keyID := hdr.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")
	bucketKey := strings.EqualFold(hdr.Get("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"), "true")
	if alg == "" {
		if keyID != "" {
			return Encryption{}, &apiError{http.StatusBadRequest, "InvalidArgument", "Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", ""}
		}
		alg, keyID, bucketKey = h.defaultEncryption(bucket)
	}
	return h.resolveEncryption(alg, keyID, bucketKey)
}

func (h *Handler) defaultEncryption(bucket string) (alg, keyID string, bucketKey bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cfg := h.buckets[bucket]
	if cfg == nil || cfg.encryption == nil || len(cfg.encryption.Rules) == 0 {
		return "", "", false
	}
	rule := cfg.encryption.Rules[0]
	if rule.Default == nil {
		return "", "", false
	}
	return rule.Default.SSEAlgorithm, rule.Default.KMSMasterKeyID, rule.BucketKeyEnabled != nil && *rule.BucketKeyEnabled
}

// resolveEncryption checks an SSE-KMS key against the local KMS, as S3 does
// when it asks KMS for a data key.
func (h *Handler) resolveEncryption(alg, keyID string, bucketKey bool) (Encryption, *apiError) {
	switch alg {
	case "":
		return Encryption{}, nil
	case "AES256":
		if keyID != "" {
			return Encryption{}, &apiError{http.StatusBadRequest, "InvalidArgument", "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", ""}
		}
		return Encryption{Algorithm: alg, BucketKeyEnabled: bucketKey}, nil
	case "aws:kms", "aws:kms:dsse":
		if keyID != "" && h.keys != nil {
			arn, state, found := h.keys(keyID)
			switch {
			case !found:
				return Encryption{}, &apiError{http.StatusBadRequest, "KMS.NotFoundException", "Invalid keyId", ""}
			case state == "Disabled":
				return Encryption{}, &apiError{http.StatusBadRequest, "KMS.DisabledException", "The KMS key is disabled.", ""}
			case state != "Enabled":
				return Encryption{}, &apiError{http.StatusBadRequest, "KMS.KMSInvalidStateException", "The KMS key is not in a valid state.", ""}
			}
			keyID = arn
		}
		return Encryption{Algorithm: alg, KMSKeyID: keyID, BucketKeyEnabled: bucketKey}, nil
	}
	return Encryption{}, &apiError{http.StatusBadRequest, "InvalidArgument", "The encryption method specified is not supported", ""}
}

func (h *Handler) encryption(k objectKey) Encryption {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.objects[k]
}

const ssePrefix = "X-Amz-Server-Side-Encryption"

func dropEncryptionHeaders(hdr http.Header) {
	for name := range hdr {
		if strings.HasPrefix(name, ssePrefix) {
			hdr.Del(name)
		}
	}
}

func setEncryptionHeaders(hdr http.Header, e Encryption) {
	if e.Algorithm == "" {
		return
	}
	hdr.Set(ssePrefix, e.Algorithm)
	if e.KMSKeyID != "" {
		hdr.Set(ssePrefix+"-Aws-Kms-Key-Id", e.KMSKeyID)
	}
	if e.BucketKeyEnabled {
		hdr.Set(ssePrefix+"-Bucket-Key-Enabled", "true")
	}
}

type deleteRequest struct {
	Objects []struct {
		Key string `xml:"Key"`
	} `xml:"Object"`
}

func (h *Handler) deleteObjects(w http.ResponseWriter, r *http.Request, bucket string) {
	body, err := readBody(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	var del deleteRequest
	_ = xml.Unmarshal(body, &del) // gofakes3 answers malformed XML itself
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	h.pass(w, r, func(status int, _ http.Header) {
		if !ok(status) {
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, o := range del.Objects {
			delete(h.objects, objectKey{bucket, o.Key})
		}
	})
}

// --- buckets ----------------------------------------------------------------

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
}

func (h *Handler) createBucket(w http.ResponseWriter, r *http.Request, bucket string) {
	body, err := readBody(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	var cfg createBucketConfiguration
	if len(bytes.TrimSpace(body)) > 0 {
		if err := xml.Unmarshal(body, &cfg); err != nil {
			h.writeError(w, r, errMalformedXML)
			return
		}
	}
	// us-east-1 is the one Region that must not be named.
	if cfg.LocationConstraint == Region {
		h.writeError(w, r, &apiError{http.StatusBadRequest, "InvalidLocationConstraint", "The specified location-constraint is not valid", bucket})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	h.pass(w, r, func(status int, _ http.Header) {
		if !ok(status) {
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.buckets[bucket] == nil {
			h.buckets[bucket] = &bucketConfig{location: cfg.LocationConstraint}
		}
	})
}

func (h *Handler) forgetBucket(bucket string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.buckets, bucket)
	for k := range h.objects {
		if k.bucket == bucket {
			delete(h.objects, k)
		}
	}
	for k := range h.uploads {
		if k.bucket == bucket {
			delete(h.uploads, k)
		}
	}
}

func (h *Handler) region(bucket string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if cfg := h.buckets[bucket]; cfg != nil && cfg.location != "" {
		return cfg.location
	}
	return Region
}

// --- bucket subresources ------------------------------------------------------

type encryptionConfiguration struct {
	XMLName xml.Name         `xml:"ServerSideEncryptionConfiguration"`
	Xmlns   string           `xml:"xmlns,attr,omitempty"`
	Rules   []encryptionRule `xml:"Rule"`
}

type encryptionRule struct {
	Default          *encryptionDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled *bool              `xml:"BucketKeyEnabled,omitempty"`
}

type encryptionDefault struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

type publicAccessBlockConfiguration struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	Xmlns                 string   `xml:"xmlns,attr,omitempty"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

type ownershipControls struct {
	XMLName xml.Name `xml:"OwnershipControls"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Rules   []struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	} `xml:"Rule"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Xmlns   string   `xml:"xmlns,attr"`
	Value   string   `xml:",chardata"`
}

var errMalformedXML = &apiError{http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", ""}

func (h *Handler) serveSubresource(w http.ResponseWriter, r *http.Request, bucket, name string) {
	if !h.BucketExists(bucket) {
		h.writeError(w, r, &apiError{http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bucket})
		return
	}
	var body []byte
	if r.Method == http.MethodPut {
		var err *apiError
		if body, err = readBody(r); err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	var err *apiError
	switch name + " " + r.Method {
	case "location GET":
		h.writeXML(w, locationConstraint{Xmlns: xmlns, Value: h.bucketConfig(bucket).location})
		return
	case "encryption GET":
		err = h.getXML(w, bucket, func(c *bucketConfig) any { return nilIfNil(c.encryption) }, notFound("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found", bucket))
	case "encryption PUT":
		err = h.putEncryption(w, bucket, body)
	case "encryption DELETE":
		h.update(bucket, func(c *bucketConfig) { c.encryption = nil })
	case "policy GET":
		err = h.getPolicy(w, bucket)
	case "policy PUT":
		err = h.putPolicy(w, bucket, body)
	case "policy DELETE":
		h.update(bucket, func(c *bucketConfig) { c.policy = nil })
	case "publicAccessBlock GET":
		err = h.getXML(w, bucket, func(c *bucketConfig) any { return nilIfNil(c.publicAccess) }, notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", bucket))
	case "publicAccessBlock PUT":
		err = h.putPublicAccessBlock(w, bucket, body)
	case "publicAccessBlock DELETE":
		h.update(bucket, func(c *bucketConfig) { c.publicAccess = nil })
	case "ownershipControls GET":
		err = h.getXML(w, bucket, func(c *bucketConfig) any { return nilIfNil(c.ownership) }, notFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found", bucket))
	case "ownershipControls PUT":
		err = h.putOwnershipControls(w, bucket, body)
	case "ownershipControls DELETE":
		h.update(bucket, func(c *bucketConfig) { c.ownership = nil })
	default:
		err = &apiError{http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", ""}
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if r.Method == http.MethodDelete {
		w.WriteHeader(http.StatusNoContent)
	}
}

// nilIfNil turns a typed nil pointer into an untyped nil, so that getXML can
// tell "not configured" from a configuration.
func nilIfNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

func notFound(code, message, bucket string) *apiError {
	return &apiError{http.StatusNotFound, code, message, bucket}
}

func (h *Handler) bucketConfig(bucket string) bucketConfig {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c := h.buckets[bucket]; c != nil {
		return *c
	}
	return bucketConfig{}
}

func (h *Handler) update(bucket string, f func(*bucketConfig)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.buckets[bucket]
	if c == nil {
		c = &bucketConfig{}
		h.buckets[bucket] = c
	}
	f(c)
}

func (h *Handler) getXML(w http.ResponseWriter, bucket string, pick func(*bucketConfig) any, missing *apiError) *apiError {
	cfg := h.bucketConfig(bucket)
	v := pick(&cfg)
	if v == nil {
		return missing
	}
	h.writeXML(w, v)
	return nil
}

func (h *Handler) putEncryption(w http.ResponseWriter, bucket string, body []byte) *apiError {
	var cfg encryptionConfiguration
	if xml.Unmarshal(body, &cfg) != nil || len(cfg.Rules) == 0 {
		return errMalformedXML
	}
	for _, rule := range cfg.Rules {
		if rule.Default == nil {
			return errMalformedXML
		}
		switch rule.Default.SSEAlgorithm {
		case "aws:kms", "aws:kms:dsse":
		case "AES256":
			if rule.Default.KMSMasterKeyID != "" {
				return &apiError{http.StatusBadRequest, "InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse", bucket}
			}
		default:
			return errMalformedXML
		}
	}
	cfg.Xmlns = xmlns
	h.update(bucket, func(c *bucketConfig) { c.encryption = &cfg })
	return nil
}

func (h *Handler) getPolicy(w http.ResponseWriter, bucket string) *apiError {
	policy := h.bucketConfig(bucket).policy
	if policy == nil {
		return notFound("NoSuchBucketPolicy", "The bucket policy does not exist", bucket)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(policy)
	return nil
}

func (h *Handler) putPolicy(w http.ResponseWriter, bucket string, body []byte) *apiError {
	var doc map[string]json.RawMessage
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) || json.Unmarshal(body, &doc) != nil {
		return &apiError{http.StatusBadRequest, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", bucket}
	}
	if _, ok := doc["Statement"]; !ok {
		return &apiError{http.StatusBadRequest, "MalformedPolicy", "Missing required field Statement", bucket}
	}
	policy := bytes.Clone(body)
	h.update(bucket, func(c *bucketConfig) { c.policy = policy })
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) putPublicAccessBlock(w http.ResponseWriter, bucket string, body []byte) *apiError {
	var cfg publicAccessBlockConfiguration
	if xml.Unmarshal(body, &cfg) != nil {
		return errMalformedXML
	}
	cfg.Xmlns = xmlns
	h.update(bucket, func(c *bucketConfig) { c.publicAccess = &cfg })
	return nil
}

func (h *Handler) putOwnershipControls(w http.ResponseWriter, bucket string, body []byte) *apiError {
	var cfg ownershipControls
	if xml.Unmarshal(body, &cfg) != nil || len(cfg.Rules) != 1 {
		return errMalformedXML
	}
	switch cfg.Rules[0].ObjectOwnership {
	case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
	default:
		return errMalformedXML
	}
	cfg.Xmlns = xmlns
	h.update(bucket, func(c *bucketConfig) { c.ownership = &cfg })
	return nil
}

// --- plumbing ---------------------------------------------------------------

func ok(status int) bool { return status >= 200 && status < 300 }

// hookWriter runs hook once, just before the response header is written, so
// that the front handler can adjust what gofakes3 answers.
type hookWriter struct {
	http.ResponseWriter
	hook  func(status int, hdr http.Header)
	wrote bool
}

func (w *hookWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		w.hook(status, w.Header())
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *hookWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (h *Handler) pass(w http.ResponseWriter, r *http.Request, hook func(status int, hdr http.Header)) {
	hw := &hookWriter{ResponseWriter: w, hook: hook}
	h.fake.ServeHTTP(hw, r)
	if !hw.wrote {
		hw.WriteHeader(http.StatusOK)
	}
}

// apiError is an S3 error response.
type apiError struct {
	status        int
	code, message string
	bucket        string
}

func (e *apiError) Error() string { return "fakes3: " + e.code + ": " + e.message }

// Code is the S3 error code, such as NoSuchKey.
func (e *apiError) Code() string { return e.code }

func errNotImplemented(what string) *apiError {
	return &apiError{http.StatusNotImplemented, "NotImplemented", "A header or query you provided implies functionality that is not implemented: " + what, ""}
}

type errorBody struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	BucketName string   `xml:"BucketName,omitempty"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	id := fmt.Sprintf("%016X", h.reqID.Add(1))
	w.Header().Set("X-Amz-Request-Id", id)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return // HEAD answers carry no body, on S3 as anywhere
	}
	b, _ := xml.Marshal(errorBody{Code: e.code, Message: e.message, BucketName: e.bucket, RequestID: id, HostID: "personalizetest"})
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(b)
}

func (h *Handler) writeXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", fmt.Sprintf("%016X", h.reqID.Add(1)))
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(b)
}
