package fakes3_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/fakes3"
)

func TestOperation(t *testing.T) {
	tests := []struct {
		method, target string
		copySource     bool
		want           string
	}{
		{http.MethodGet, "/", false, "ListBuckets"},
		{http.MethodPut, "/b", false, "CreateBucket"},
		{http.MethodHead, "/b", false, "HeadBucket"},
		{http.MethodDelete, "/b", false, "DeleteBucket"},
		{http.MethodGet, "/b?list-type=2&prefix=x", false, "ListObjectsV2"},
		{http.MethodGet, "/b", false, "ListObjects"},
		{http.MethodGet, "/b?encryption", false, "GetBucketEncryption"},
		{http.MethodPut, "/b?encryption", false, "PutBucketEncryption"},
		{http.MethodDelete, "/b?encryption", false, "DeleteBucketEncryption"},
		{http.MethodGet, "/b?policy", false, "GetBucketPolicy"},
		{http.MethodPut, "/b?publicAccessBlock", false, "PutPublicAccessBlock"},
		{http.MethodDelete, "/b?ownershipControls", false, "DeleteBucketOwnershipControls"},
		{http.MethodGet, "/b?location", false, "GetBucketLocation"},
		{http.MethodPost, "/b?delete", false, "DeleteObjects"},
		{http.MethodGet, "/b?tagging", false, "GetBucketTagging"},
		{http.MethodPut, "/b/k?x-id=PutObject", false, "PutObject"},
		{http.MethodPut, "/b/k", true, "CopyObject"},
		{http.MethodGet, "/b/dir/k.csv", false, "GetObject"},
		{http.MethodHead, "/b/k", false, "HeadObject"},
		{http.MethodDelete, "/b/k", false, "DeleteObject"},
		{http.MethodPost, "/b/k?uploads", false, "CreateMultipartUpload"},
		{http.MethodPut, "/b/k?partNumber=1&uploadId=u", false, "UploadPart"},
		{http.MethodPut, "/b/k?partNumber=1&uploadId=u", true, "UploadPartCopy"},
		{http.MethodPost, "/b/k?uploadId=u", false, "CompleteMultipartUpload"},
		{http.MethodDelete, "/b/k?uploadId=u", false, "AbortMultipartUpload"},
		{http.MethodGet, "/b/k?uploadId=u", false, "ListParts"},
		{http.MethodGet, "/b/k?tagging", false, "GetObjectTagging"},
		{http.MethodPatch, "/b/k", false, ""},
		{http.MethodPost, "/", false, ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		if tt.copySource {
			r.Header.Set("X-Amz-Copy-Source", "/src/k")
		}
		if got := fakes3.Operation(r); got != tt.want {
			t.Errorf("Operation(%s %s, copy=%v) = %q, want %q", tt.method, tt.target, tt.copySource, got, tt.want)
		}
	}
}

func TestSplitPath(t *testing.T) {
	tests := []struct{ path, bucket, key string }{
		{"/", "", ""},
		{"/b", "b", ""},
		{"/b/", "b", ""},
		{"/b/k", "b", "k"},
		{"/b/dir/k", "b", "dir/k"},
	}
	for _, tt := range tests {
		if b, k := fakes3.SplitPath(tt.path); b != tt.bucket || k != tt.key {
			t.Errorf("SplitPath(%q) = %q, %q; want %q, %q", tt.path, b, k, tt.bucket, tt.key)
		}
	}
}
