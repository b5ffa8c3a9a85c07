package fakeiam

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// apiError is one of IAM's error answers.
type apiError struct {
	status        int
	code, message string
}

func errNoSuchEntity(msg string) *apiError {
	return &apiError{http.StatusNotFound, "NoSuchEntity", msg}
}
func errInvalidInput(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidInput", msg}
}
func errValidation(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "ValidationError", msg}
}

// Operations are the Actions the Server serves.
var operations = map[string]func(*Server, url.Values) (any, *apiError){
	"GetAccountSummary":        (*Server).getAccountSummary,
	"GetRole":                  (*Server).getRole,
	"ListRolePolicies":         (*Server).listRolePolicies,
	"GetRolePolicy":            (*Server).getRolePolicy,
	"ListAttachedRolePolicies": (*Server).listAttachedRolePolicies,
	"GetPolicy":                (*Server).getPolicy,
	"GetPolicyVersion":         (*Server).getPolicyVersion,
}

// Operations returns the Actions the Server serves, sorted.
func Operations() []string { return slices.Sorted(maps.Keys(operations)) }

// Form returns the parameters of a query-protocol request: the URL's query
// and, for a form-encoded POST, the body's.
func Form(r *http.Request, body []byte) url.Values {
	form := r.URL.Query()
	if b, err := url.ParseQuery(string(body)); err == nil {
		for k, vs := range b {
			form[k] = append(form[k], vs...)
		}
	}
	return form
}

// ServeHTTP answers one query-protocol request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		WriteError(w, http.StatusBadRequest, "InvalidAction", "IAM takes GET and POST requests")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		WriteError(w, http.StatusBadRequest, "MalformedQueryString", "unreadable body")
		return
	}
	form := Form(r, body)
	action, version := form.Get("Action"), form.Get("Version")
	fn, ok := operations[action]
	if !ok || version != Version {
		// Names only the Action, which is a fixed word, never a value.
		WriteError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+strconv.Quote(action)+" for version "+strconv.Quote(version))
		return
	}
	s.mu.Lock()
	out, apiErr := fn(s, form)
	s.mu.Unlock()
	if apiErr != nil {
		WriteError(w, apiErr.status, apiErr.code, apiErr.message)
		return
	}
	writeResult(w, action, out)
}

// writeResult writes <ActionResponse><ActionResult>out</ActionResult>
// <ResponseMetadata/></ActionResponse>, the query protocol's answer.
func writeResult(w http.ResponseWriter, action string, out any) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	resp := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: Namespace}}}
	err := enc.EncodeToken(resp)
	if err == nil {
		err = enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: action + "Result"}})
	}
	if err == nil {
		err = enc.EncodeElement(metadata{RequestID: requestID()}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	}
	if err == nil {
		err = enc.EncodeToken(resp.End())
	}
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		http.Error(w, "fakeiam: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(buf.Bytes())
}

type metadata struct {
	RequestID string `xml:"RequestId"`
}

// WriteError writes IAM's error document: Type Sender for 4xx answers,
// Receiver otherwise.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	type errorBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	write(w, status, struct {
		XMLName   xml.Name  `xml:"ErrorResponse"`
		NS        string    `xml:"xmlns,attr"`
		Error     errorBody `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}{NS: Namespace, Error: errorBody{typ, code, message}, RequestID: requestID()})
}

func write(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "fakeiam: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(b)
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

const timeLayout = "2006-01-02T15:04:05Z"

func stamp(t time.Time) string { return t.UTC().Format(timeLayout) }

// required returns the parameter name, or IAM's ValidationError if it is
// missing or does not match pattern.
func required(form url.Values, name string, valid func(string) bool) (string, *apiError) {
	v := form.Get(name)
	if v == "" {
		return "", errValidation("1 validation error detected: Value null at '" + lowerFirst(name) + "' failed to satisfy constraint: Member must not be null")
	}
	if !valid(v) {
		return "", errValidation("1 validation error detected: Value at '" + lowerFirst(name) + "' failed to satisfy constraint: Member must satisfy its regular expression pattern")
	}
	return v, nil
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// maxItems reads MaxItems: 1 to 1000, 100 when absent.
func maxItems(form url.Values) (int, *apiError) {
	v := form.Get("MaxItems")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, errValidation("1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000")
	}
	return n, nil
}

func (s *Server) roleOf(form url.Values) (*role, *apiError) {
	name, apiErr := required(form, "RoleName", roleNamePattern.MatchString)
	if apiErr != nil {
		return nil, apiErr
	}
	r, ok := s.roles[name]
	if !ok {
		return nil, errNoSuchEntity("The role with name " + name + " cannot be found.")
	}
	return r, nil
}

type summaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

func (s *Server) getAccountSummary(url.Values) (any, *apiError) {
	mfa := 0
	if s.mfa {
		mfa = 1
	}
	// Policies counts customer managed policies only, as IAM does.
	customer := 0
	for key := range s.policies {
		if !isAWSManaged(key) {
			customer++
		}
	}
	attached := 0
	for _, r := range s.roles {
		attached += len(r.attached)
	}
	// The keys GetAccountSummary answers that describe what is emulated, and
	// IAM's default quotas.
	summary := []summaryEntry{
		{"AccountAccessKeysPresent", 0},
		{"AccountMFAEnabled", mfa},
		{"AccountSigningCertificatesPresent", 0},
		{"AttachedPoliciesPerRoleQuota", 10},
		{"Groups", 0},
		{"GroupsQuota", 300},
		{"InstanceProfiles", 0},
		{"MFADevices", mfa},
		{"MFADevicesInUse", mfa},
		{"Policies", customer},
		{"PoliciesQuota", 1500},
		{"PolicyVersionsInUse", attached},
		{"Roles", len(s.roles)},
		{"RolesQuota", 1000},
		{"Users", 0},
		{"UsersQuota", 5000},
	}
	return struct {
		Entries []summaryEntry `xml:"SummaryMap>entry"`
	}{summary}, nil
}

type roleXML struct {
	Path                     string `xml:"Path"`
	RoleName                 string `xml:"RoleName"`
	RoleID                   string `xml:"RoleId"`
	Arn                      string `xml:"Arn"`
	CreateDate               string `xml:"CreateDate"`
	AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument"`
	MaxSessionDuration       int    `xml:"MaxSessionDuration"`
	RoleLastUsed             struct {
	} `xml:"RoleLastUsed"`
}

func (s *Server) getRole(form url.Values) (any, *apiError) {
	r, apiErr := s.roleOf(form)
	if apiErr != nil {
		return nil, apiErr
	}
	return struct {
		Role roleXML `xml:"Role"`
	}{roleXML{Path: r.path, RoleName: r.name, RoleID: r.id, Arn: s.RoleARN(r.path, r.name), CreateDate: stamp(r.created),
		AssumeRolePolicyDocument: escapeDocument(r.trust), MaxSessionDuration: 3600}}, nil
}

func (s *Server) listRolePolicies(form url.Values) (any, *apiError) {
	r, apiErr := s.roleOf(form)
	if apiErr != nil {
		return nil, apiErr
	}
	n, apiErr := maxItems(form)
	if apiErr != nil {
		return nil, apiErr
	}
	names := make([]string, 0, len(r.inline))
	for name := range r.inline {
		names = append(names, name)
	}
	sort.Strings(names)
	names, next, apiErr := page(names, form.Get("Marker"), n)
	if apiErr != nil {
		return nil, apiErr
	}
	// The list element is written even when empty, as IAM writes it.
	return struct {
		PolicyNames members[string] `xml:"PolicyNames"`
		IsTruncated bool            `xml:"IsTruncated"`
		Marker      string          `xml:"Marker,omitempty"`
	}{members[string]{names}, next != "", next}, nil
}

func (s *Server) getRolePolicy(form url.Values) (any, *apiError) {
	r, apiErr := s.roleOf(form)
	if apiErr != nil {
		return nil, apiErr
	}
	name, apiErr := required(form, "PolicyName", policyNamePattern.MatchString)
	if apiErr != nil {
		return nil, apiErr
	}
	doc, ok := r.inline[name]
	if !ok {
		return nil, errNoSuchEntity("The role policy with name " + name + " cannot be found.")
	}
	return struct {
		RoleName       string `xml:"RoleName"`
		PolicyName     string `xml:"PolicyName"`
		PolicyDocument string `xml:"PolicyDocument"`
	}{r.name, name, escapeDocument(doc)}, nil
}

// members is a query-protocol list: <member> elements in a wrapper that is
// there even when the list is empty.
type members[T any] struct {
	Member []T `xml:"member"`
}

type attachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

func (s *Server) listAttachedRolePolicies(form url.Values) (any, *apiError) {
	r, apiErr := s.roleOf(form)
	if apiErr != nil {
		return nil, apiErr
	}
	n, apiErr := maxItems(form)
	if apiErr != nil {
		return nil, apiErr
	}
	names := r.attached
	if prefix := form.Get("PathPrefix"); prefix != "" {
		names = nil
		for _, key := range r.attached {
			if strings.HasPrefix(policyPath(key), prefix) {
				names = append(names, key)
			}
		}
	}
	names, next, apiErr := page(names, form.Get("Marker"), n)
	if apiErr != nil {
		return nil, apiErr
	}
	out := make([]attachedPolicy, len(names))
	for i, name := range names {
		out[i] = attachedPolicy{policyName(name), s.policyARN(name)}
	}
	return struct {
		AttachedPolicies members[attachedPolicy] `xml:"AttachedPolicies"`
		IsTruncated      bool                    `xml:"IsTruncated"`
		Marker           string                  `xml:"Marker,omitempty"`
	}{members[attachedPolicy]{out}, next != "", next}, nil
}

// policyOf resolves PolicyArn to one of the account's managed policies.
func (s *Server) policyOf(form url.Values) (*policy, string, *apiError) {
	arn := form.Get("PolicyArn")
	if arn == "" {
		return nil, "", errValidation("1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: Member must not be null")
	}
	if len(arn) < 20 || len(arn) > 2048 || !strings.HasPrefix(arn, "arn:") || strings.Count(arn, ":") < 5 {
		return nil, "", errInvalidInput("ARN " + arn + " is not valid.")
	}
	name, ok := strings.CutPrefix(arn, "arn:aws:iam::"+s.account+":policy/")
	if isAWSManaged(arn) {
		name, ok = arn, true
	}
	p := s.policies[name]
	if !ok || p == nil {
		return nil, "", errNoSuchEntity("Policy " + arn + " does not exist or is not attachable.")
	}
	return p, arn, nil
}

func (s *Server) getPolicy(form url.Values) (any, *apiError) {
	p, arn, apiErr := s.policyOf(form)
	if apiErr != nil {
		return nil, apiErr
	}
	type policyXML struct {
		PolicyName                    string `xml:"PolicyName"`
		PolicyID                      string `xml:"PolicyId"`
		Arn                           string `xml:"Arn"`
		Path                          string `xml:"Path"`
		DefaultVersionID              string `xml:"DefaultVersionId"`
		AttachmentCount               int    `xml:"AttachmentCount"`
		PermissionsBoundaryUsageCount int    `xml:"PermissionsBoundaryUsageCount"`
		IsAttachable                  bool   `xml:"IsAttachable"`
		CreateDate                    string `xml:"CreateDate"`
		UpdateDate                    string `xml:"UpdateDate"`
	}
	return struct {
		Policy policyXML `xml:"Policy"`
	}{policyXML{PolicyName: p.name, PolicyID: p.id, Arn: arn, Path: policyPath(arn), DefaultVersionID: p.defaultVersion(), AttachmentCount: len(p.attachments),
		IsAttachable: true, CreateDate: stamp(p.created), UpdateDate: stamp(p.versions[len(p.versions)-1].created)}}, nil
}

func (s *Server) getPolicyVersion(form url.Values) (any, *apiError) {
	p, arn, apiErr := s.policyOf(form)
	if apiErr != nil {
		return nil, apiErr
	}
	v, apiErr := required(form, "VersionId", isVersionID)
	if apiErr != nil {
		return nil, apiErr
	}
	pv, ok := p.version(v)
	if !ok {
		return nil, errNoSuchEntity("Policy " + arn + " version " + v + " does not exist or is not attachable.")
	}
	type versionXML struct {
		Document         string `xml:"Document"`
		VersionID        string `xml:"VersionId"`
		IsDefaultVersion bool   `xml:"IsDefaultVersion"`
		CreateDate       string `xml:"CreateDate"`
	}
	return struct {
		PolicyVersion versionXML `xml:"PolicyVersion"`
	}{versionXML{escapeDocument(pv.document), v, v == p.defaultVersion(), stamp(pv.created)}}, nil
}

// isVersionID matches IAM's policyVersionIdType: v, digits, an optional
// dot and word characters.
func isVersionID(v string) bool {
	if len(v) < 2 || v[0] != 'v' {
		return false
	}
	for i := 1; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || c == '.' || c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
