package personalizetest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Request is one request as the Server received it, before any emulator
// looked at it.
type Request struct {
	// Service is ServicePersonalize, ServiceEvents, ServiceRuntime,
	// ServiceKMS, ServiceSTS or ServiceS3.
	Service string
	// Operation is the API operation: the X-Amz-Target operation for
	// Personalize and KMS, the operation of the method and path for the
	// events and runtime APIs (PutEvents, GetRecommendations, ...), the
	// SDK's operation name for S3 (PutObject, GetBucketPolicy, ...), the
	// form's Action for STS (GetCallerIdentity); "" for a request that is
	// none.
	Operation string
	// Target is the X-Amz-Target header for Personalize and KMS, and the
	// path and query for the events and runtime APIs, STS and S3.
	Target string
	// Method, Host and URL (path and query, as sent) of the request.
	Method, Host, URL string
	// Header is a copy of the request headers.
	Header http.Header
	// Body is the body as received (for S3 uploads: with aws-chunked framing).
	Body []byte
	// TLSVersion is the negotiated TLS version (tls.VersionTLS12, ...).
	TLSVersion uint16
	// Time is when the request arrived.
	Time time.Time
}

// Contains reports whether v occurs anywhere in what the server received
// for this request: its URL (as sent and percent-decoded), its Target, any
// header value, or its body, also in the escaped forms JSON, XML and URLs
// give v. An empty v is never contained. This is what lets a test prove a
// value never reached "AWS": no request of the server contains it.
func (r Request) Contains(v string) bool {
	if v == "" {
		return false
	}
	forms := encodedForms(v)
	haystacks := []string{r.URL, r.Target}
	if u, err := url.PathUnescape(r.URL); err == nil {
		haystacks = append(haystacks, u)
	}
	if u, err := url.QueryUnescape(r.URL); err == nil {
		haystacks = append(haystacks, u)
	}
	for _, vals := range r.Header {
		haystacks = append(haystacks, vals...)
	}
	for _, h := range haystacks {
		for _, f := range forms {
			if strings.Contains(h, f) {
				return true
			}
		}
	}
	for _, f := range forms {
		if bytes.Contains(r.Body, []byte(f)) {
			return true
		}
	}
	return false
}

// encodedForms returns v and the ways the SDK's serializers may have
// escaped it on the wire.
func encodedForms(v string) []string {
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		forms = append(forms, strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(buf.String(), `"`), "\n"), `"`))
	}
	if b, err := json.Marshal(v); err == nil { // with HTML escaping (\u003c)
		forms = append(forms, string(b[1:len(b)-1]))
	}
	var x strings.Builder
	if xml.EscapeText(&x, []byte(v)) == nil {
		forms = append(forms, x.String())
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// requestLog is the Server's record of requests.
type requestLog struct {
	mu       sync.Mutex
	requests []Request
}

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, r)
}

// Requests returns a copy of every request received since the Server
// started or [Server.ResetRequests] was last called, in arrival order. It is
// safe to call concurrently with requests in flight.
func (s *Server) Requests() []Request {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	out := make([]Request, len(s.log.requests))
	for i, r := range s.log.requests {
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// ResetRequests forgets every request received so far.
func (s *Server) ResetRequests() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.requests = nil
}

// Seen reports whether any request received so far contains v (see
// [Request.Contains]).
func (s *Server) Seen(v string) bool {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	for _, r := range s.log.requests {
		if r.Contains(v) {
			return true
		}
	}
	return false
}
