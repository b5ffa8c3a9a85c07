package fakes3

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// Errors of the in-process API.
var (
	ErrNoSuchBucket = errors.New("fakes3: no such bucket")
	ErrNoSuchKey    = errors.New("fakes3: no such key")
)

// BucketExists reports whether bucket exists.
func (h *Handler) BucketExists(bucket string) bool {
	ok, err := h.backend.BucketExists(bucket)
	return err == nil && ok
}

// GetObject returns an object's content.
func (h *Handler) GetObject(bucket, key string) ([]byte, error) {
	obj, err := h.backend.GetObject(bucket, key, nil)
	switch {
	case gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchBucket):
		return nil, ErrNoSuchBucket
	case gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchKey):
		return nil, ErrNoSuchKey
	case err != nil:
		return nil, err
	}
	defer obj.Contents.Close()
	return io.ReadAll(obj.Contents)
}

// ListObjects returns the keys under prefix, in key order.
func (h *Handler) ListObjects(bucket, prefix string) ([]string, error) {
	p := gofakes3.NewPrefix(&prefix, nil)
	list, err := h.backend.ListBucket(bucket, &p, gofakes3.ListBucketPage{})
	if gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchBucket) {
		return nil, ErrNoSuchBucket
	}
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(list.Contents))
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	return keys, nil
}

// PutObject stores an object the way an AWS service writing into a
// customer's bucket does: SSE-KMS with kmsKeyID when given (checked against
// the local KMS), otherwise the bucket's default encryption. Errors from S3
// carry the S3 error code in their message.
func (h *Handler) PutObject(bucket, key string, body []byte, kmsKeyID string) error {
	if !h.BucketExists(bucket) {
		return ErrNoSuchBucket
	}
	var (
		enc    Encryption
		apiErr *apiError
	)
	if kmsKeyID != "" {
		enc, apiErr = h.resolveEncryption("aws:kms", kmsKeyID, false)
	} else {
		enc, apiErr = h.resolveEncryption(h.defaultEncryption(bucket))
	}
	if apiErr != nil {
		return apiErr
	}
	meta := map[string]string{"Last-Modified": time.Now().UTC().Format(http.TimeFormat)}
	if _, err := h.backend.PutObject(bucket, key, meta, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		return err
	}
	h.mu.Lock()
	h.objects[objectKey{bucket, key}] = enc
	h.mu.Unlock()
	return nil
}

// ObjectEncryption returns the server-side encryption an object was stored
// with.
func (h *Handler) ObjectEncryption(bucket, key string) Encryption {
	return h.encryption(objectKey{bucket, key})
}
