package fakes3

import (
	"net/http"
	"net/url"
	"strings"
)

// SplitPath returns the bucket and key of a path-style request path.
func SplitPath(p string) (bucket, key string) {
	bucket, key, _ = strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return bucket, key
}

// subresourceOps names the S3 operation of a request that carries a
// subresource query parameter, per method, on a bucket (key == "") or an
// object.
var (
	bucketSubresourceOps = map[string]map[string]string{
		"encryption":          {http.MethodGet: "GetBucketEncryption", http.MethodPut: "PutBucketEncryption", http.MethodDelete: "DeleteBucketEncryption"},
		"policy":              {http.MethodGet: "GetBucketPolicy", http.MethodPut: "PutBucketPolicy", http.MethodDelete: "DeleteBucketPolicy"},
		"publicAccessBlock":   {http.MethodGet: "GetPublicAccessBlock", http.MethodPut: "PutPublicAccessBlock", http.MethodDelete: "DeletePublicAccessBlock"},
		"ownershipControls":   {http.MethodGet: "GetBucketOwnershipControls", http.MethodPut: "PutBucketOwnershipControls", http.MethodDelete: "DeleteBucketOwnershipControls"},
		"location":            {http.MethodGet: "GetBucketLocation"},
		"versioning":          {http.MethodGet: "GetBucketVersioning", http.MethodPut: "PutBucketVersioning"},
		"versions":            {http.MethodGet: "ListObjectVersions"},
		"uploads":             {http.MethodGet: "ListMultipartUploads"},
		"delete":              {http.MethodPost: "DeleteObjects"},
		"policyStatus":        {http.MethodGet: "GetBucketPolicyStatus"},
		"tagging":             {http.MethodGet: "GetBucketTagging", http.MethodPut: "PutBucketTagging", http.MethodDelete: "DeleteBucketTagging"},
		"acl":                 {http.MethodGet: "GetBucketAcl", http.MethodPut: "PutBucketAcl"},
		"cors":                {http.MethodGet: "GetBucketCors", http.MethodPut: "PutBucketCors", http.MethodDelete: "DeleteBucketCors"},
		"lifecycle":           {http.MethodGet: "GetBucketLifecycleConfiguration", http.MethodPut: "PutBucketLifecycleConfiguration", http.MethodDelete: "DeleteBucketLifecycle"},
		"logging":             {http.MethodGet: "GetBucketLogging", http.MethodPut: "PutBucketLogging"},
		"notification":        {http.MethodGet: "GetBucketNotificationConfiguration", http.MethodPut: "PutBucketNotificationConfiguration"},
		"replication":         {http.MethodGet: "GetBucketReplication", http.MethodPut: "PutBucketReplication", http.MethodDelete: "DeleteBucketReplication"},
		"website":             {http.MethodGet: "GetBucketWebsite", http.MethodPut: "PutBucketWebsite", http.MethodDelete: "DeleteBucketWebsite"},
		"object-lock":         {http.MethodGet: "GetObjectLockConfiguration", http.MethodPut: "PutObjectLockConfiguration"},
		"accelerate":          {http.MethodGet: "GetBucketAccelerateConfiguration", http.MethodPut: "PutBucketAccelerateConfiguration"},
		"requestPayment":      {http.MethodGet: "GetBucketRequestPayment", http.MethodPut: "PutBucketRequestPayment"},
		"analytics":           {http.MethodGet: "GetBucketAnalyticsConfiguration", http.MethodPut: "PutBucketAnalyticsConfiguration", http.MethodDelete: "DeleteBucketAnalyticsConfiguration"},
		"metrics":             {http.MethodGet: "GetBucketMetricsConfiguration", http.MethodPut: "PutBucketMetricsConfiguration", http.MethodDelete: "DeleteBucketMetricsConfiguration"},
		"inventory":           {http.MethodGet: "GetBucketInventoryConfiguration", http.MethodPut: "PutBucketInventoryConfiguration", http.MethodDelete: "DeleteBucketInventoryConfiguration"},
		"intelligent-tiering": {http.MethodGet: "GetBucketIntelligentTieringConfiguration", http.MethodPut: "PutBucketIntelligentTieringConfiguration", http.MethodDelete: "DeleteBucketIntelligentTieringConfiguration"},
		"metadataTable":       {http.MethodGet: "GetBucketMetadataTableConfiguration", http.MethodPost: "CreateBucketMetadataTableConfiguration", http.MethodDelete: "DeleteBucketMetadataTableConfiguration"},
	}
	objectSubresourceOps = map[string]map[string]string{
		"uploads":      {http.MethodPost: "CreateMultipartUpload"},
		"tagging":      {http.MethodGet: "GetObjectTagging", http.MethodPut: "PutObjectTagging", http.MethodDelete: "DeleteObjectTagging"},
		"acl":          {http.MethodGet: "GetObjectAcl", http.MethodPut: "PutObjectAcl"},
		"attributes":   {http.MethodGet: "GetObjectAttributes"},
		"retention":    {http.MethodGet: "GetObjectRetention", http.MethodPut: "PutObjectRetention"},
		"legal-hold":   {http.MethodGet: "GetObjectLegalHold", http.MethodPut: "PutObjectLegalHold"},
		"restore":      {http.MethodPost: "RestoreObject"},
		"torrent":      {http.MethodGet: "GetObjectTorrent"},
		"select":       {http.MethodPost: "SelectObjectContent"},
		"renameObject": {http.MethodPut: "RenameObject"},
	}
)

// frontSubresources are the bucket subresources the front handler stores
// itself; gofakes3Handles lists those gofakes3 gets right. Any other
// subresource answers 501 NotImplemented.
var (
	frontSubresources = map[string]bool{"encryption": true, "policy": true, "publicAccessBlock": true, "ownershipControls": true, "location": true}
	gofakes3Handles   = map[string]bool{"versioning": true, "versions": true, "uploads": true, "delete": true}
)

func subresource(q url.Values, table map[string]map[string]string) (string, bool) {
	for name := range q {
		if _, ok := table[name]; ok {
			return name, true
		}
	}
	return "", false
}

// Operation names the S3 API operation of a path-style request the way the
// SDK names it (PutObject, GetBucketPolicy, ...), or "" for a request that
// is not one.
func Operation(r *http.Request) string {
	bucket, key := SplitPath(r.URL.Path)
	q := r.URL.Query()
	m := r.Method
	switch {
	case bucket == "":
		if m == http.MethodGet {
			return "ListBuckets"
		}
		return ""
	case key == "":
		if name, ok := subresource(q, bucketSubresourceOps); ok {
			return bucketSubresourceOps[name][m]
		}
		switch m {
		case http.MethodPut:
			return "CreateBucket"
		case http.MethodDelete:
			return "DeleteBucket"
		case http.MethodHead:
			return "HeadBucket"
		case http.MethodGet:
			if q.Get("list-type") == "2" {
				return "ListObjectsV2"
			}
			return "ListObjects"
		case http.MethodPost:
			return "PostObject"
		}
		return ""
	}
	if q.Has("uploadId") {
		switch m {
		case http.MethodPut:
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				return "UploadPartCopy"
			}
			return "UploadPart"
		case http.MethodGet:
			return "ListParts"
		case http.MethodPost:
			return "CompleteMultipartUpload"
		case http.MethodDelete:
			return "AbortMultipartUpload"
		}
		return ""
	}
	if name, ok := subresource(q, objectSubresourceOps); ok {
		return objectSubresourceOps[name][m]
	}
	switch m {
	case http.MethodPut:
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return "CopyObject"
		}
		return "PutObject"
	case http.MethodGet:
		return "GetObject"
	case http.MethodHead:
		return "HeadObject"
	case http.MethodDelete:
		return "DeleteObject"
	}
	return ""
}
