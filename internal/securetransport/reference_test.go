package securetransport

import (
	"context"
	"io"
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
		own.body.Reset(body)
		sent.Body = io.NopCloser(&own.body)
	}
	if err := checkURL(op, sent.URL, awsmiddleware.GetRegion(ctx), region); err != nil {
		return nil, "", err
	}
	return sent, body, nil
}

type referenceSentParts struct {
	url  url.URL
	body strings.Reader
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

// referenceCanonicalNames is the gate's check of header names as it was,
// net/http's own canonical form for each.
func referenceCanonicalNames(h http.Header) bool {
	for k := range h {
		if k != http.CanonicalHeaderKey(k) {
			return false
		}
	}
	return true
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

// The classification of headers as it was before one switch (headerKindOf)
// answered for all three, once per header: the reference
// TestHeaderKindMatchesReference holds headerKindOf, kindShape and
// untracedBy to, and the reference scan above reads.

// computedHeader returns, for a header the SDK computes from what was
// checked (the signature, the date, the hashed body, the invocation and
// retry counters), the shape the SDK gives its value. The detector would
// take the access key in the signature for a finding, so each is held to
// its shape instead: a hook that writes anything else there is refused.
// The session token, the caller's credential, has no shape to hold it to:
// it is scanned, the last clean one remembered (see CleanTexts). A
// Content-Length in the header map is never sent (net/http writes the
// body's own length): computed, with no shape to check.
//
// A switch, not a map: it runs for every header of every call.
func computedHeader(name string) (shape func(string) bool, computed bool) {
	switch name {
	case "Authorization":
		return sigV4Authorization, true
	case "X-Amz-Date":
		return amzDate, true
	case "X-Amz-Content-Sha256":
		return payloadHash, true
	case "Amz-Sdk-Invocation-Id":
		return uuidShape, true
	case "Amz-Sdk-Request":
		return retryMetrics, true
	case "Content-Length":
		return nil, true
	}
	return nil, false
}

// sdkHeaderName reports whether name is one of the header names the SDK
// writes whose values are scanned as they are. With the computed and the
// tracing headers, these are the fixed names the detector finds nothing in:
// they skip the memo's lookup. Their values are still read.
func sdkHeaderName(name string) bool {
	switch name {
	case "Content-Type", "User-Agent", "X-Amz-User-Agent", "X-Amz-Target", "X-Amz-Security-Token":
		return true
	}
	return false
}

// traceHeaders returns, for a tracing header that instrumentation puts on
// every call, whose IDs are random hex, the function that gives the part of
// a value left to scan once its IDs in their shapes are set aside ("" for
// the values the tracers write); nil for any other header. OpenTelemetry's AWS SDK instrumentation (otelaws) injects a W3C
// traceparent, whose 16-hex span ID is all decimal digits about once in
// 2,000 calls and then reads as a card number as often as such a number
// passes Luhn and an issuer range (23 of 1,000,000 random headers).
//
// A switch, not a map: it runs for every header of every call.
func traceHeaders(name string) func(string) string {
	switch name {
	case traceHeader:
		return untracedFields
	case "Traceparent":
		return untracedParent
	case "X-B3-Traceid":
		return untracedB3TraceID
	case "X-B3-Spanid", "X-B3-Parentspanid":
		return untracedB3SpanID
	case "B3":
		return untracedB3
	case "Tracestate":
		return untracedState
	case "X-Datadog-Trace-Id", "X-Datadog-Parent-Id":
		return untracedDatadogID
	case "X-Datadog-Tags":
		return untracedDatadogTags
	}
	return nil
}

// referenceRetryMetrics is retryMetrics as it was, cutting v at each
// separator.
// retryMetrics is the retryer's "attempt=1; max=3" with, at times, a
// "; ttl=20060102T150405Z".
func referenceRetryMetrics(v string) bool {
	for {
		part, rest, more := strings.Cut(v, "; ")
		k, val, ok := strings.Cut(part, "=")
		switch {
		case !ok:
			return false
		case k == "attempt" || k == "max":
			if val == "" || len(val) > 6 || !allOf(val, classDigit) {
				return false
			}
		case k == "ttl":
			if !amzDate(val) {
				return false
			}
		default:
			return false
		}
		if !more {
			return true
		}
		v = rest
	}
}

// referenceAmzDate and referenceUUIDShape are the shapes as they were read
// byte by byte, before a word at a time.
func referenceAmzDate(v string) bool {
	return len(v) == 16 && v[8] == 'T' && v[15] == 'Z' && allOf(v[:8], classDigit) && allOf(v[9:15], classDigit)
}

func referenceUUIDShape(v string) bool {
	return len(v) == 36 && v[8] == '-' && v[13] == '-' && v[18] == '-' && v[23] == '-' &&
		allOf(v[:8], classHex) && allOf(v[9:13], classHex) && allOf(v[14:18], classHex) &&
		allOf(v[19:23], classHex) && allOf(v[24:], classHex)
}
