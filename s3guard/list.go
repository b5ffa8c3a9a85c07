package s3guard

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Rules that [ListObjects] reports in [ListingError.Rule]. They are stable.
const (
	// RuleListingOutsidePrefix: a key that does not start with the prefix
	// asked for, as a proxy or an S3-compatible store that ignores Prefix
	// returns.
	RuleListingOutsidePrefix = "s3.listing.outside-prefix"
	// RuleListingDuplicateKey: a key listed twice.
	RuleListingDuplicateKey = "s3.listing.duplicate-key"
	// RuleListingMalformed: an entry without a key, or with a negative size.
	RuleListingMalformed = "s3.listing.malformed"
	// RuleListingPagination: a truncated page without a continuation token,
	// a token given twice, or a token on a page that does not say whether
	// it is truncated, so the listing cannot be read to its end.
	RuleListingPagination = "s3.listing.pagination"
)

// Reasons are fixed strings: a listing's keys can hold e-mail addresses
// (exports named after a customer), so no error repeats one.
const (
	reasonOutsidePrefix = "ListObjectsV2 returned a key outside the prefix asked for (a proxy or an S3-compatible store that ignores Prefix does); the listing is not the one the import reads"
	reasonDuplicateKey  = "ListObjectsV2 returned a key twice; S3 lists each key once"
	reasonNoKey         = "ListObjectsV2 returned an entry without a key"
	reasonNegativeSize  = "ListObjectsV2 returned an entry with a negative size"
	reasonNoToken       = "ListObjectsV2 said the listing is truncated but gave no continuation token, so the rest of it cannot be read"
	reasonRepeatedToken = "ListObjectsV2 gave a continuation token it had given before, so the listing would never end"
	reasonUntruncated   = "ListObjectsV2 gave a continuation token on a page without IsTruncated, so where the listing ends is unknown"
)

// ListingError reports a ListObjectsV2 answer that S3 does not give for the
// prefix asked: a key outside it or listed twice, a malformed entry, a
// pagination that cannot end. Judging such a listing would judge objects
// the import does not read, or miss ones it does, so [ListObjects] refuses
// it. Its message names the rule and a fixed reason, never a key.
type ListingError struct {
	// Rule is one of the RuleListing… constants.
	Rule string
	// Reason explains the rule in one sentence.
	Reason string
}

func (e *ListingError) Error() string {
	return "s3guard: inconsistent listing (" + e.Rule + "): " + e.Reason
}

// ListOptions bound a [ListObjects] call. The zero value reads the whole
// listing of a prefix, at S3's own page size.
type ListOptions struct {
	// MaxObjects stops the listing at the data object that makes
	// MaxObjects; zero means no limit.
	MaxObjects int
	// MaxPages stops the listing after that many ListObjectsV2 pages; zero
	// means no limit.
	MaxPages int
	// MaxListedKeys stops the listing after the page that brings the keys
	// read (folder markers and empty objects included) to at least
	// MaxListedKeys; zero means no limit. It bounds the memory a listing
	// takes, where MaxPages bounds its round trips.
	MaxListedKeys int
	// PageSize is ListObjectsV2's MaxKeys; zero leaves it to S3 (1,000).
	PageSize int32
}

func (o *ListOptions) validate() error {
	switch {
	case o.MaxObjects < 0:
		return &ArgumentError{Field: "ListOptions.MaxObjects", Reason: "must not be negative"}
	case o.MaxPages < 0:
		return &ArgumentError{Field: "ListOptions.MaxPages", Reason: "must not be negative"}
	case o.MaxListedKeys < 0:
		return &ArgumentError{Field: "ListOptions.MaxListedKeys", Reason: "must not be negative"}
	case o.PageSize < 0:
		return &ArgumentError{Field: "ListOptions.PageSize", Reason: "must not be negative"}
	}
	return nil
}

// Object is a data object of a [Listing].
type Object struct {
	Key  string
	ETag string
	// Size is the object's size in bytes; nil when S3 did not say.
	Size *int64
}

// ListObjects reads what S3 holds at loc, as an import reads it, with one
// set of rules for every caller:
//
//   - An object key (not loc.IsPrefix) is resolved with HeadObject: the
//     Listing's Head is its answer and Objects holds that object, whatever
//     its size, since the caller named it.
//   - A prefix is listed with ListObjectsV2, page after page while S3 says
//     IsTruncated and gives a NextContinuationToken, until the bounds of
//     the options. Keys holds every key read, in S3's order; Objects the
//     data objects among them: the objects that hold bytes, whatever their
//     key (empty ones, folder and _SUCCESS markers, are not data; an
//     unknown size counts as data, so that it is checked rather than
//     skipped, unless the key ends in "/").
//   - A page is refused whole, with a *[ListingError], when it holds a key
//     outside the prefix, a key already listed, an entry without a key or
//     with a negative size, or when its pagination cannot be followed to
//     its end (a truncated page without a token, a token given twice, a
//     token on a page without IsTruncated).
//
// An S3 failure is returned as the SDK's error, unwrapped, so that the
// caller tells a missing bucket or object from a failure and wraps it in
// its own terms; a cancelled ctx stops the listing between pages. An
// invalid loc or option is refused before any call.
func ListObjects(ctx context.Context, c ObjectAPIClient, loc Location, optFns ...func(*ListOptions)) (Listing, error) {
	var o ListOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if err := o.validate(); err != nil {
		return Listing{}, err
	}
	if err := loc.Validate(); err != nil {
		return Listing{}, err
	}
	if err := ctx.Err(); err != nil {
		return Listing{}, err
	}
	if !loc.IsPrefix() {
		out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
		if err != nil {
			return Listing{}, err
		}
		if out == nil {
			return Listing{}, errNoHead
		}
		obj := Object{Key: loc.Key, ETag: aws.ToString(out.ETag)}
		if out.ContentLength != nil {
			obj.Size = aws.Int64(*out.ContentLength)
		}
		return Listing{Head: out, Objects: []Object{obj}, ruled: true}, nil
	}
	return listPrefix(ctx, c, loc, &o)
}

func listPrefix(ctx context.Context, c ListObjectsV2APIClient, loc Location, o *ListOptions) (Listing, error) {
	base := s3.ListObjectsV2Input{Bucket: aws.String(loc.Bucket)}
	if loc.Key != "" {
		base.Prefix = aws.String(loc.Key)
	}
	if o.PageSize > 0 {
		base.MaxKeys = aws.Int32(o.PageSize)
	}
	l := Listing{ruled: true}
	seen := map[string]struct{}{}
	tokens := map[string]struct{}{}
	var token *string
	for pages := 1; ; pages++ {
		if err := ctx.Err(); err != nil {
			return Listing{}, err
		}
		in := base // a fresh input per page: a client may keep the last one
		in.ContinuationToken = token
		out, err := c.ListObjectsV2(ctx, &in)
		if err != nil {
			return Listing{}, err
		}
		if out == nil {
			out = &s3.ListObjectsV2Output{}
		}
		more, err := checkPage(loc, out, seen, tokens)
		if err != nil {
			return Listing{}, err
		}
		for i, e := range out.Contents {
			key := aws.ToString(e.Key)
			l.Keys = append(l.Keys, key)
			if !isData(key, e.Size) {
				continue
			}
			// The page is not kept: its Size pointer is taken as is.
			l.Objects = append(l.Objects, Object{Key: key, ETag: aws.ToString(e.ETag), Size: e.Size})
			if len(l.Objects) == o.MaxObjects {
				l.Truncated = more || i < len(out.Contents)-1
				return l, nil
			}
		}
		if !more {
			return l, nil
		}
		if o.MaxPages > 0 && pages >= o.MaxPages || o.MaxListedKeys > 0 && len(l.Keys) >= o.MaxListedKeys {
			l.Truncated = true
			return l, nil
		}
		token = out.NextContinuationToken
	}
}

// checkPage applies the listing rules to a whole page, before any of it is
// used, and records its keys in seen and its token in tokens. It reports
// whether S3 has more pages.
func checkPage(loc Location, out *s3.ListObjectsV2Output, seen, tokens map[string]struct{}) (bool, error) {
	for _, e := range out.Contents {
		key := aws.ToString(e.Key)
		switch _, dup := seen[key]; {
		case key == "":
			return false, &ListingError{Rule: RuleListingMalformed, Reason: reasonNoKey}
		case !strings.HasPrefix(key, loc.Key):
			return false, &ListingError{Rule: RuleListingOutsidePrefix, Reason: reasonOutsidePrefix}
		case dup:
			return false, &ListingError{Rule: RuleListingDuplicateKey, Reason: reasonDuplicateKey}
		case e.Size != nil && *e.Size < 0:
			return false, &ListingError{Rule: RuleListingMalformed, Reason: reasonNegativeSize}
		}
		seen[key] = struct{}{}
	}
	token := aws.ToString(out.NextContinuationToken)
	if out.IsTruncated == nil && token != "" {
		// Ending here would judge the first pages alone, while the import
		// reads the rest. (IsTruncated false with a token is the end:
		// gofakes3, for one, sends a token on its last page.)
		return false, &ListingError{Rule: RuleListingPagination, Reason: reasonUntruncated}
	}
	if !aws.ToBool(out.IsTruncated) {
		return false, nil
	}
	if token == "" {
		return false, &ListingError{Rule: RuleListingPagination, Reason: reasonNoToken}
	}
	if _, dup := tokens[token]; dup {
		return false, &ListingError{Rule: RuleListingPagination, Reason: reasonRepeatedToken}
	}
	tokens[token] = struct{}{}
	return true, nil
}

// isData reports whether a listed entry can hold rows: empty objects (a
// folder marker, a job's _SUCCESS marker) cannot, and Personalize reads
// nothing from them. An object with bytes is data whatever its key: one
// whose key ends in "/" is no marker any tool makes, and Personalize reads
// "all files in the folder and any sub folder". An unknown size is data,
// checked rather than skipped, unless the key ends in "/".
func isData(key string, size *int64) bool {
	if size != nil {
		return *size > 0
	}
	return !strings.HasSuffix(key, "/")
}

// errNoHead is a Listing of an object without its HeadObject answer.
var errNoHead = errors.New("the listing holds no HeadObject answer")
