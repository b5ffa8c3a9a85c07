package securetransport

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/s3guard"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// The gate's copy of a request and its scan of the request's text as they
// were before the copy listed the headers it made (one map iteration
// instead of three) and shared one allocation: the reference the
// differential tests hold the new code to.

func referenceIntake(ctx context.Context, op string, req *smithyhttp.Request, region string) (*http.Request, string, error) {
	if req.Request.Body != nil && req.Request.Body != http.NoBody {
		// The SDK keeps the body in the request's stream; one put on the
		// *http.Request beside it is a body nobody checked.
		return nil, "", &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBodyUnchecked, Reason: "the request carries a body outside its stream: something after the guard's checks put it there"}
	}
	body, err := ReadBody(req)
	if err != nil {
		return nil, "", &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBodyUnchecked, Reason: "the request body could not be read for checking", Err: err}
	}
	// One copy, which carries the call's context, as ClientHandler's would;
	// the URL and the body reader share one allocation.
	sent := req.Request.WithContext(ctx)
	own := &referenceSentParts{url: *req.URL}
	sent.URL = &own.url
	sent.Header = req.Header.Clone()
	if len(sent.Trailer) > 0 {
		return nil, "", &guarderr.SafeguardError{Operation: op, Field: "trailer", Rule: guarderr.RuleRequestChanged,
			Reason: "the request carries trailers, which the guard does not check: something after the guard's checks put them there"}
	}
	sent.Trailer, sent.TransferEncoding = nil, nil
	sent.Body, sent.GetBody, sent.ContentLength = nil, nil, int64(len(body))
	if body != "" {
		own.body.r.Reset(body)
		sent.Body = &own.body
	}
	if err := checkURL(op, sent.URL, awsmiddleware.GetRegion(ctx), region); err != nil {
		return nil, "", err
	}
	return sent, body, nil
}

type referenceSentParts struct {
	url  url.URL
	body CheckedBody
}

func referenceFirstIdentifyingPart(req *http.Request, det *sensitive.Detector, clean *CleanTexts) string {
	dirty := func(s string) bool {
		if s == "" || clean.Has(s) {
			return false
		}
		if _, found := det.First(s); found {
			return true
		}
		clean.Add(s)
		return false
	}
	// The same path ("/" on the JSON protocols, a campaign's on the
	// runtime's REST-JSON) comes back on every call: a memo answers for a
	// part found clean in every form, decoded ones included.
	for _, part := range [...]string{req.URL.Path, req.URL.RawPath, req.URL.RawQuery, req.URL.Opaque} {
		if part == "" || clean.hasURL(part) {
			continue
		}
		if _, found := det.First(part); found {
			return "URL"
		}
		if decoded := s3guard.DecodeKey(part); decoded != part {
			if _, found := det.First(decoded); found {
				return "URL"
			}
		}
		clean.addURL(part)
	}
	if dirty(req.URL.Host) || dirty(req.Host) {
		return "URL"
	}
	switch req.Method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead:
		// The SDK's methods: nothing to scan.
	default:
		if dirty(req.Method) {
			return "method"
		}
	}
	for k, vs := range req.Header {
		untraced := traceHeaders(k)
		shape, computed := computedHeader(k)
		if untraced == nil && !computed && !sdkHeaderName(k) && dirty(k) {
			return "header"
		}
		for _, v := range vs {
			var ok bool
			switch {
			case k == "X-Amz-Security-Token":
				ok = clean.sessionTokenClean(v, det)
			case untraced != nil:
				// A tracer writes its header once: given more than once,
				// each value is scanned whole, or every copy would pass
				// another number in an ID's shape.
				rest := v
				if len(vs) == 1 {
					rest = untraced(v)
				}
				ok = rest == "" || !dirty(rest)
			case k == "Authorization":
				ok = clean.authorizationOK(v, det)
			case computed:
				ok = shape == nil || shape(v)
			default:
				ok = !dirty(v)
			}
			if !ok {
				return "header"
			}
		}
	}
	return ""
}

func referenceSignerAccessKeyID(req *http.Request) string {
	vs := req.Header.Values("Authorization")
	if len(vs) != 1 {
		return ""
	}
	rest, ok := strings.CutPrefix(vs[0], "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return ""
	}
	id, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return id
}
