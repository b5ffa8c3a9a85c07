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

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// Request is one request as the Server received it, before any emulator
// looked at it.
type Request struct {
	// Service is ServicePersonalize, ServiceEvents, ServiceRuntime,
	// ServiceKMS, ServiceSTS, ServiceS3, ServiceIAM, ServiceCloudTrail or
	// ServiceMacie.
	Service string
	// Operation is the API operation: the X-Amz-Target operation for
	// Personalize, KMS and CloudTrail, the operation of the method and path
	// for the events and runtime APIs (PutEvents, GetRecommendations, ...)
	// and Macie (GetMacieSession, ListClassificationJobs, ...), the SDK's
	// operation name for S3 (PutObject, GetBucketPolicy, ...), the form's
	// Action for STS and IAM (GetCallerIdentity, GetRole, ...); "" for a
	// request that is none.
	Operation string
	// Target is the X-Amz-Target header for Personalize, KMS and
	// CloudTrail, and the path and query for the events and runtime APIs,
	// STS, IAM, Macie and S3.
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

// Contains reports whether v reached the server in this request, as a
// server would read it. An empty v is never contained. This is what lets a
// test prove a value never reached "AWS": no request of the server contains
// it.
//
// v is looked for as a substring, in itself and in the escaped forms JSON
// (with and without HTML escaping), XML and URLs (query and path escaping)
// give it, in:
//   - the URL as sent, and percent-decoded as a path and as a query;
//   - the Target and every header value;
//   - the body's raw bytes, whatever the body is (JSON, XML, form-encoded
//     STS, an S3 object with its aws-chunked framing, or malformed JSON);
//   - the text a JSON reader takes from the body: every string value and
//     member name decoded (any mix of \u escapes, surrogate pairs, \/), and
//     every number in its raw text, its integer digits with the exponent
//     applied (4.111111111111111e15 and 4111111111111111.0 give
//     4111111111111111) and its significant digits (0.4111111111111111
//     gives 4111111111111111). The body is read as a sequence of JSON values
//     as encoding/json reads them, at any depth: invalid UTF-8 in a string
//     reads as U+FFFD, and a body that is not JSON, or stops being JSON part
//     way, contributes what was read before the first syntax error;
//   - recursively, up to eight levels deep, the same text of any
//     decoded string that itself holds JSON: one whose first byte after
//     white space is '{', '[', '"', '-' or a digit, read as the elements of
//     an array, so that a properties document
//     ("{\"email\":\"jane\\u0040example.com\"}") and a filterValues list
//     ("\"comedy\",\"drama\"") are read as Personalize reads them.
//
// It does not look at: a value split across JSON strings, members or
// requests; text that is still escaped once decoded (the wire text
// jane\\u0040 decodes to jane\u0040, not to jane@); a string that holds JSON
// but starts otherwise ("x {...}"); decoded forms of a body that is not JSON
// (XML character references such as "&#64;", a form-encoded body's
// percent-escapes beyond the forms above); base64 or compressed content; or
// a number a reader would round to another value.
func (r Request) Contains(v string) bool {
	if v == "" {
		return false
	}
	forms := encodedForms(v)
	return r.containsRaw(forms) || textsContain(bodyTexts(r.Body), forms)
}

// containsRaw reports whether any of forms occurs in the URL, Target,
// headers or raw body.
func (r Request) containsRaw(forms []string) bool {
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
	if textsContain(haystacks, forms) {
		return true
	}
	for _, f := range forms {
		if bytes.Contains(r.Body, []byte(f)) {
			return true
		}
	}
	return false
}

func textsContain(texts, forms []string) bool {
	for _, t := range texts {
		for _, f := range forms {
			if strings.Contains(t, f) {
				return true
			}
		}
	}
	return false
}

// maxEmbedded bounds how many JSON documents held in strings, one inside
// another, [Request.Contains] decodes. Personalize nests one (properties,
// filterValues, a schema); eight levels leave room for a client that wraps
// more, and bound the work a hostile body can ask for.
const maxEmbedded = 8

// bodyTexts returns the text a JSON reader takes from body (see
// [Request.Contains]): nil for a body that does not start as JSON.
func bodyTexts(body []byte) []string {
	return appendJSONTexts(nil, string(body), 0)
}

// appendJSONTexts appends every decoded string, member name and number form
// of the JSON values in data, and the texts of strings that hold JSON. Most
// bodies are one well-formed value, which the allocation-free jsonscan reads;
// anything it refuses (several values, invalid UTF-8, deeper nesting than it
// allows, a syntax error) is read again with encoding/json, which is more
// lenient, up to the end or its first syntax error.
func appendJSONTexts(out []string, data string, depth int) []string {
	if all, ok := scanTexts(out, data, depth); ok {
		return all
	}
	return decodeTexts(out, data, depth)
}

// scanTexts reads data with jsonscan, reporting false if it is not exactly
// one JSON value. Embedded JSON is read only once data has scanned whole, so
// that a body read twice does not have its embedded documents read twice.
func scanTexts(out []string, data string, depth int) ([]string, bool) {
	var sc jsonscan.Scanner
	sc.Reset(data)
	var embedded []string
	for {
		k, err := sc.Next()
		if err != nil {
			return nil, false
		}
		switch k {
		case jsonscan.End:
			for _, e := range embedded {
				out = appendJSONTexts(out, "["+e+"]", depth+1)
			}
			return out, true
		case jsonscan.String, jsonscan.Key:
			t := sc.Text()
			out = append(out, t)
			if depth < maxEmbedded && holdsJSON(t) {
				embedded = append(embedded, t)
			}
		case jsonscan.Number:
			out = appendNumberForms(out, sc.Raw())
		}
	}
}

// decodeTexts reads data with encoding/json up to the end or the first
// syntax error.
func decodeTexts(out []string, data string, depth int) []string {
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch tok := tok.(type) {
		case string:
			out = append(out, tok)
			if depth < maxEmbedded && holdsJSON(tok) {
				// Strings that hold JSON are read as the elements of an
				// array: "\"comedy\",\"drama\"" is two values.
				out = appendJSONTexts(out, "["+tok+"]", depth+1)
			}
		case json.Number:
			out = appendNumberForms(out, string(tok))
		}
	}
}

// holdsJSON reports whether s may hold JSON values: a document, a quoted
// string (a filterValues list) or a number.
func holdsJSON(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" {
		return false
	}
	switch c := s[0]; {
	case c == '{', c == '[', c == '"', c == '-', c >= '0' && c <= '9':
		return true
	}
	return false
}

// appendNumberForms appends a JSON number's raw text, its integer digits and
// its significant digits. Unlike jsontext.NumberForms, which the detector
// reads for identifying numbers only, it keeps short numbers too: Contains is
// asked about any value.
func appendNumberForms(out []string, raw string) []string {
	out = append(out, raw)
	var buf [48]byte
	if d, ok := jsonscan.IntegerDigits(buf[:0], raw); ok && string(d) != raw {
		out = append(out, string(d))
	}
	if d := jsonscan.Significand(buf[:0], raw); len(d) > 0 && string(d) != raw {
		out = append(out, string(d))
	}
	return out
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
	// texts[i] caches bodyTexts(requests[i].Body) once Seen has needed it
	// (decoded[i]), so that a test calling Seen many times decodes each body
	// once. Both are guarded by mu, and the bodies they are read from are
	// never written after add.
	texts   [][]string
	decoded []bool
}

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, r)
	l.texts = append(l.texts, nil)
	l.decoded = append(l.decoded, false)
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
	s.log.requests, s.log.texts, s.log.decoded = nil, nil, nil
}

// Seen reports whether any request received so far contains v (see
// [Request.Contains]: decoded JSON, embedded JSON documents and number forms
// included). It decodes each body at most once, the first time a raw look
// does not find v, and keeps what it read until [Server.ResetRequests].
func (s *Server) Seen(v string) bool {
	if v == "" {
		return false
	}
	forms := encodedForms(v)
	l := &s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.requests {
		if r.containsRaw(forms) {
			return true
		}
	}
	// Only then decode what no raw form found, once per body.
	for i, r := range l.requests {
		if !l.decoded[i] {
			l.texts[i], l.decoded[i] = bodyTexts(r.Body), true
		}
		if textsContain(l.texts[i], forms) {
			return true
		}
	}
	return false
}
