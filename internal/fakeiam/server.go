package fakeiam

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SigningName is the SigV4 service name of IAM, which routes a request here.
const SigningName = "iam"

// Version is the only API version of IAM.
const Version = "2010-05-08"

// Namespace is the XML namespace of IAM's answers.
const Namespace = "https://iam.amazonaws.com/doc/" + Version + "/"

// Config says whose IAM a [Server] is.
type Config struct {
	// AccountID is the 12-digit account of every ARN; required.
	AccountID string
	// Now replaces the clock (creation dates); default time.Now.
	Now func() time.Time
}

// Role is a role and its policies, as [Server.PutRole] stores it.
type Role struct {
	// Name is the role name ([\w+=,.@-], 1 to 64 characters).
	Name string
	// Path is the role's path, "/" by default; it starts and ends with "/".
	Path string
	// TrustPolicy is the role's trust policy (AssumeRolePolicyDocument), a
	// JSON document.
	TrustPolicy string
	// Inline maps inline policy names to their JSON documents.
	Inline map[string]string
	// Attached maps the managed policies attached to the role to their JSON
	// documents. A key is the name of a customer managed policy, the policy
	// arn:aws:iam::<account>:policy/<name>, or the ARN of an AWS managed
	// policy, arn:aws:iam::aws:policy/<path><name> (such as
	// arn:aws:iam::aws:policy/service-role/AmazonPersonalizeFullAccess),
	// whose document the test supplies. A new policy has one version,
	// v1; a PutRole that changes its document adds the next version (v2,
	// v3, ...) and makes it the default, as CreatePolicyVersion with
	// SetAsDefault does, so a reader must follow DefaultVersionId.
	Attached map[string]string
}

type role struct {
	name, path, id, trust string
	created               time.Time
	inline                map[string]string
	attached              []string // policy names, sorted
}

type policy struct {
	name, id    string
	created     time.Time
	versions    []policyVersion // the default last
	first       int             // number of the first kept version, from 1
	attachments map[string]bool // role names
}

type policyVersion struct {
	document string
	created  time.Time
}

// maxPolicyVersions is how many versions IAM keeps of a managed policy.
const maxPolicyVersions = 5

// document returns the default version's document.
func (p *policy) document() string { return p.versions[len(p.versions)-1].document }

// defaultVersion returns the default version's ID.
func (p *policy) defaultVersion() string { return "v" + strconv.Itoa(p.first+len(p.versions)-1) }

// setDocument makes doc the default version, adding one when it changes;
// past the limit the oldest version goes, as a caller of CreatePolicyVersion
// must delete one first.
func (p *policy) setDocument(doc string, now time.Time) {
	if len(p.versions) > 0 && p.document() == doc {
		return
	}
	p.versions = append(p.versions, policyVersion{doc, now})
	if len(p.versions) > maxPolicyVersions {
		p.versions = p.versions[1:]
		p.first++
	}
}

// version returns the version id ("v3"), and whether it exists.
func (p *policy) version(id string) (policyVersion, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil || id != "v"+strconv.Itoa(n) || n < p.first || n >= p.first+len(p.versions) {
		return policyVersion{}, false
	}
	return p.versions[n-p.first], true
}

// Server is one account's IAM. It is safe for concurrent use.
type Server struct {
	account string
	now     func() time.Time

	mu       sync.Mutex
	roles    map[string]*role   // by name
	policies map[string]*policy // by policyKey
	mfa      bool
}

var (
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	// IAM's patterns for role names, policy names and paths.
	roleNamePattern   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	policyNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	pathPattern       = regexp.MustCompile(`^/([\x21-\x7E]*/)?$`)
)

// New returns a Server with no roles and root MFA on, or an error when cfg
// is incomplete.
func New(cfg Config) (*Server, error) {
	if !accountPattern.MatchString(cfg.AccountID) {
		return nil, errors.New("fakeiam: Config.AccountID is not 12 digits")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Server{account: cfg.AccountID, now: now, roles: map[string]*role{}, policies: map[string]*policy{}, mfa: true}, nil
}

// awsManagedPrefix starts the ARNs of AWS managed policies.
const awsManagedPrefix = "arn:aws:iam::aws:policy/"

// A policyKey is a customer managed policy's name or an AWS managed
// policy's ARN.
func isAWSManaged(key string) bool { return strings.HasPrefix(key, awsManagedPrefix) }

func validAWSManaged(arn string) bool {
	rest := "/" + strings.TrimPrefix(arn, awsManagedPrefix)
	i := strings.LastIndexByte(rest, '/')
	return pathPattern.MatchString(rest[:i+1]) && policyNamePattern.MatchString(rest[i+1:])
}

// policyARN returns the ARN of the policy key.
func (s *Server) policyARN(key string) string {
	if isAWSManaged(key) {
		return key
	}
	return s.PolicyARN(key)
}

// policyName and policyPath split a policy key's ARN.
func policyName(key string) string { return key[strings.LastIndexByte(key, '/')+1:] }

func policyPath(key string) string {
	if !isAWSManaged(key) {
		return "/"
	}
	rest := "/" + strings.TrimPrefix(key, awsManagedPrefix)
	return rest[:strings.LastIndexByte(rest, '/')+1]
}

// RoleARN returns the ARN of the role name on path ("" for "/").
func (s *Server) RoleARN(path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + s.account + ":role" + path + name
}

// PolicyARN returns the ARN of the customer managed policy name.
func (s *Server) PolicyARN(name string) string {
	return "arn:aws:iam::" + s.account + ":policy/" + name
}

// PutRole creates the role r, or replaces the role of that name with it,
// and returns its ARN. Its attached policies are created, or their
// documents replaced; policies it no longer attaches stay, detached, as
// IAM keeps them. It refuses names and paths IAM refuses (among them a
// name that differs only in case from an existing role's or policy's), and
// documents that are not JSON objects.
func (s *Server) PutRole(r Role) (string, error) {
	if r.Path == "" {
		r.Path = "/"
	}
	if !roleNamePattern.MatchString(r.Name) {
		return "", errors.New("fakeiam: role name must be 1 to 64 of [A-Za-z0-9_+=,.@-]")
	}
	if !pathPattern.MatchString(r.Path) || len(r.Path) > 512 {
		return "", fmt.Errorf("fakeiam: role %s: path must start and end with /", r.Name)
	}
	if !isObject(r.TrustPolicy) {
		return "", fmt.Errorf("fakeiam: role %s: trust policy is not a JSON object", r.Name)
	}
	for i, docs := range []map[string]string{r.Inline, r.Attached} {
		for name, doc := range docs {
			if i == 1 && isAWSManaged(name) {
				if !validAWSManaged(name) {
					return "", fmt.Errorf("fakeiam: role %s: an AWS managed policy ARN is malformed", r.Name)
				}
			} else if !policyNamePattern.MatchString(name) {
				return "", fmt.Errorf("fakeiam: role %s: policy name must be 1 to 128 of [A-Za-z0-9_+=,.@-]", r.Name)
			}
			if !isObject(doc) {
				return "", fmt.Errorf("fakeiam: role %s: policy %s is not a JSON object", r.Name, name)
			}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// IAM's names are unique regardless of case: a role or policy that
	// differs only in case from an existing one cannot be created.
	for name := range s.roles {
		if name != r.Name && strings.EqualFold(name, r.Name) {
			return "", fmt.Errorf("fakeiam: role %s: a role named %s exists; IAM names are unique regardless of case", r.Name, name)
		}
	}
	for key := range r.Attached {
		for have := range s.policies {
			if have != key && strings.EqualFold(have, key) {
				return "", fmt.Errorf("fakeiam: role %s: a policy named %s exists; IAM names are unique regardless of case", r.Name, have)
			}
		}
	}
	now := s.now().UTC().Truncate(time.Second)
	if old, ok := s.roles[r.Name]; ok {
		for _, name := range old.attached {
			delete(s.policies[name].attachments, r.Name)
		}
	}
	nr := &role{name: r.Name, path: r.Path, id: uniqueID("AROA"), trust: r.TrustPolicy, created: now, inline: map[string]string{}}
	for name, doc := range r.Inline {
		nr.inline[name] = doc
	}
	for name, doc := range r.Attached {
		p, ok := s.policies[name]
		if !ok {
			p = &policy{name: policyName(name), id: uniqueID("ANPA"), created: now, first: 1, attachments: map[string]bool{}}
			s.policies[name] = p
		}
		p.setDocument(doc, now)
		p.attachments[r.Name] = true
		nr.attached = append(nr.attached, name)
	}
	sort.Strings(nr.attached)
	s.roles[r.Name] = nr
	return s.RoleARN(r.Path, r.Name), nil
}

// Role returns a copy of the role name as PutRole stored it, and whether it
// exists.
func (s *Server) Role(name string) (Role, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.roles[name]
	if !ok {
		return Role{}, false
	}
	out := Role{Name: r.name, Path: r.path, TrustPolicy: r.trust, Inline: map[string]string{}, Attached: map[string]string{}}
	for name, doc := range r.inline {
		out.Inline[name] = doc
	}
	for _, name := range r.attached {
		out.Attached[name] = s.policies[name].document()
	}
	return out, true
}

// DeleteRole deletes the role name, reporting whether it existed. Its
// managed policies stay, detached from it.
func (s *Server) DeleteRole(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.roles[name]
	if !ok {
		return false
	}
	for _, p := range r.attached {
		delete(s.policies[p].attachments, name)
	}
	delete(s.roles, name)
	return true
}

// SetAccountMFA sets what GetAccountSummary says of the root user's MFA
// (AccountMFAEnabled 1 or 0).
func (s *Server) SetAccountMFA(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mfa = enabled
}

func isObject(doc string) bool {
	var v map[string]json.RawMessage
	return json.Unmarshal([]byte(doc), &v) == nil
}

// uniqueID returns an IAM unique ID: a four-letter prefix that names the
// kind (AROA a role, ANPA a managed policy) and 17 random characters of
// IAM's alphabet.
func uniqueID(prefix string) string {
	var b [11]byte
	_, _ = rand.Read(b[:])
	return prefix + base32.StdEncoding.EncodeToString(b[:])[:17]
}

// marker makes an opaque Marker for resuming a listing at name.
func marker(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:4]) + hex.EncodeToString([]byte(name))
}

// unmarker reads a [marker]; ok is false for one this Server did not make.
func unmarker(m string) (name string, ok bool) {
	if len(m) < 8 {
		return "", false
	}
	b, err := hex.DecodeString(m[8:])
	if err != nil {
		return "", false
	}
	return string(b), marker(string(b)) == m
}

// page returns the page of sorted names that starts at marker m (all of
// them if m is ""), at most maxItems long, and the Marker of the next page.
func page(names []string, m string, maxItems int) (out []string, next string, err *apiError) {
	start := 0
	if m != "" {
		from, ok := unmarker(m)
		if !ok {
			return nil, "", errInvalidInput("Invalid Marker.")
		}
		start = sort.SearchStrings(names, from)
	}
	end := min(start+maxItems, len(names))
	if end < len(names) {
		next = marker(names[end])
	}
	return names[start:end], next, nil
}

// escapeDocument percent-encodes a policy document as IAM answers it:
// everything but RFC 3986's unreserved characters, spaces as %20.
func escapeDocument(doc string) string {
	var b strings.Builder
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
