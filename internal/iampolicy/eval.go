package iampolicy

import (
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Actor is the principal a request is made by.
type Actor struct {
	// Type is "AWS" or "Service"; empty means an arbitrary principal (see
	// [Anyone]).
	Type string
	// ID is an IAM ARN for "AWS" and a service name such as
	// "personalize.amazonaws.com" for "Service".
	ID string
}

// Anyone is an arbitrary principal about which nothing is known: a statement
// applies to it only if it applies to every principal. Use it to ask whether
// a Deny covers everybody or an Allow is open to the public.
func Anyone() Actor { return Actor{} }

// Service is an AWS service principal.
func Service(name string) Actor { return Actor{Type: "Service", ID: name} }

// AWSPrincipal is an IAM principal (role, user, account root) by ARN.
func AWSPrincipal(arn string) Actor { return Actor{Type: "AWS", ID: arn} }

// Request is what Evaluate decides on.
type Request struct {
	Actor    Actor
	Action   string // "kms:Decrypt", "s3:GetObject"
	Resource string // "*", "arn:aws:s3:::bucket/key"
	// ResourceIsPrefix makes the final '*' of Resource stand for every
	// string rather than the character: "arn:aws:s3:::b/data/*" is then
	// every object under data/, and a statement's pattern applies only if
	// it matches all of them. Only a wildcard '*' of the pattern covers it;
	// a '?' (one character) or a literal ${*} does not.
	ResourceIsPrefix bool
	// Context holds the condition keys whose values are known. Keys compare
	// case-insensitively.
	Context map[string][]string
	// Absent lists condition keys known not to be in the request context,
	// evaluated with IAM's missing-key rules (a negated operator matches, an
	// IfExists operator matches, a plain operator does not). A key in neither
	// Context nor Absent is unknown, and a condition on it is not evaluated.
	Absent []string
}

// Decision is the outcome of Evaluate.
type Decision int

// Decisions.
const (
	// NotAllowed means no statement allows the request (an implicit deny).
	NotAllowed Decision = iota
	// Allowed means a statement allows it and no statement denies it.
	Allowed
	// Denied means a statement explicitly denies it.
	Denied
)

func (d Decision) String() string {
	switch d {
	case NotAllowed:
		return "not-allowed"
	case Allowed:
		return "allowed"
	case Denied:
		return "denied"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// Result explains a Decision.
type Result struct {
	Decision Decision
	// Uncertain is set when a statement whose conditions could not be
	// evaluated would change the decision if it applied: a Deny that might
	// override an Allow or turn a NotAllowed into Denied, or an Allow that
	// might lift a NotAllowed.
	Uncertain bool
	// MaybeDenied is set when a Deny whose conditions could not be
	// evaluated might apply, whatever the Decision: callers that allow a
	// request by other means (a KMS grant) must not ignore it, since an
	// explicit Deny overrides those too.
	MaybeDenied bool
	// ViaAccount is set when the request is allowed only by statements that
	// name the actor's account rather than the actor: the key or bucket
	// policy then delegates to the account's IAM policies, which this
	// package cannot see.
	ViaAccount bool
	// Unevaluated lists the conditions ("Operator key") that could not be
	// evaluated in statements that matched otherwise.
	Unevaluated []string
	// Allows and Denies are the indexes of statements that applied for sure.
	Allows, Denies []int
}

type tri int8

const (
	no tri = iota
	yes
	unknown
)

// Evaluate decides r against d with IAM's rules for a single policy: an
// explicit Deny wins, then an Allow, else the request is not allowed.
func (d *Document) Evaluate(r Request) Result {
	var (
		res                           Result
		direct, maybeAllow, maybeDeny bool
	)
	for i := range d.Statement {
		s := &d.Statement[i]
		pm := s.matchPrincipal(r.Actor)
		if pm == no || !s.matchAction(r.Action) {
			continue
		}
		rm := s.matchResource(r.Resource, d.Version, r.ResourceIsPrefix && strings.HasSuffix(r.Resource, "*"))
		if rm == no {
			continue
		}
		c, unevaluated := evalConditions(s.Condition, &r)
		if c == no {
			continue
		}
		if c == unknown {
			res.Unevaluated = append(res.Unevaluated, unevaluated...)
		}
		if pm == unknown {
			res.Unevaluated = append(res.Unevaluated, "NotPrincipal")
		}
		if rm == unknown {
			res.Unevaluated = append(res.Unevaluated, "Resource policy variable")
		}
		certain := c == yes && pm != unknown && rm == yes
		switch {
		case s.Effect == Deny && certain:
			// A Deny naming the account covers every principal in it.
			res.Denies = append(res.Denies, i)
		case s.Effect == Deny:
			maybeDeny = true
		case certain:
			res.Allows = append(res.Allows, i)
			direct = direct || pm == yes
		default:
			maybeAllow = true
		}
	}
	slices.Sort(res.Unevaluated)
	res.Unevaluated = slices.Compact(res.Unevaluated)
	res.MaybeDenied = maybeDeny && len(res.Denies) == 0
	switch {
	case len(res.Denies) > 0:
		res.Decision = Denied
	case len(res.Allows) > 0:
		res.Decision = Allowed
		res.ViaAccount = !direct
		res.Uncertain = maybeDeny
	default:
		res.Decision = NotAllowed
		res.Uncertain = maybeAllow || maybeDeny
	}
	return res
}

// viaAccount is a principal match through the actor's account.
const viaAccount tri = 3

func (s *Statement) matchPrincipal(a Actor) tri {
	if s.Principal != nil {
		return principalMatch(s.Principal, a)
	}
	if s.NotPrincipal != nil {
		return notPrincipalMatch(s.NotPrincipal, a)
	}
	// A resource policy statement without a principal is invalid; it
	// applies to nobody.
	return no
}

// notPrincipalMatch says whether a NotPrincipal statement applies to a. IAM
// exempts an IAM principal only when NotPrincipal names its account too, and
// a role's requests come from its sessions
// (arn:aws:sts::<account>:assumed-role/<role>/<session>), which must be named
// as well; anything less may still apply, which is reported as unknown.
func notPrincipalMatch(p *Principal, a Actor) tri {
	switch {
	case a.Type == "":
		// An arbitrary principal may be one of the excepted ones.
		return no
	case a.Type != "AWS":
		if principalMatch(p, a) != no {
			return no
		}
		return yes
	case p.Public():
		return no
	}
	acct := accountOf(a.ID)
	part := partitionOf(a.ID)
	var self, account, session bool
	role, isRole := strings.CutPrefix(arnResource(a.ID), "role/")
	if isRole {
		role = role[strings.LastIndexByte(role, '/')+1:]
	}
	for _, v := range p.AWS {
		switch {
		case v == a.ID:
			self = true
		case acct != "" && (v == acct || v == "arn:"+part+":iam::"+acct+":root"):
			account = true
		case isRole && strings.HasPrefix(v, "arn:"+part+":sts::"+acct+":assumed-role/"+role+"/"):
			session = true
		}
	}
	switch {
	case !self && !account && !session:
		return yes
	case account && self && (session || !isRole):
		return no
	}
	return unknown
}

// arnResource returns the resource part of an ARN ("role/Name"), or "".
func arnResource(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[5]
}

func principalMatch(p *Principal, a Actor) tri {
	if p.Public() {
		return yes
	}
	switch a.Type {
	case "Service":
		for _, v := range p.Service {
			if strings.EqualFold(v, a.ID) {
				return yes
			}
		}
	case "AWS":
		acct := accountOf(a.ID)
		out := no
		for _, v := range p.AWS {
			switch {
			case v == a.ID:
				return yes
			case acct != "" && (v == acct || v == "arn:"+partitionOf(a.ID)+":iam::"+acct+":root"):
				out = viaAccount
			}
		}
		return out
	}
	return no
}

// accountOf returns the account ID of an IAM ARN, or "".
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 {
		return "aws"
	}
	return parts[1]
}

func (s *Statement) matchAction(action string) bool {
	if s.Action != nil {
		return anyGlob(s.Action, action, true)
	}
	return !anyGlob(s.NotAction, action, true)
}

// matchResource is unknown when only a pattern with a policy variable
// (${aws:username}) could match: IAM substitutes it, this package does not.
// In a 2012-10-17 document the variables ${*}, ${?} and ${$} are the literal
// characters, which IAM would otherwise read as wildcards or a variable;
// they are matched as such.
func (s *Statement) matchResource(resource, version string, prefix bool) tri {
	switch {
	case s.Resource != nil:
		all, _, variable := globResources(s.Resource, resource, version, prefix, false)
		switch {
		case all:
			return yes
		case variable:
			return unknown
		}
		return no
	case s.NotResource != nil:
		_, some, variable := globResources(s.NotResource, resource, version, prefix, true)
		switch {
		case some:
			// Excluded for some or all of the resources: the statement
			// does not apply to every one of them.
			return no
		case variable:
			return unknown
		}
	}
	return yes
}

// MatchResource reports whether the Resource or NotResource pattern matches
// resource as Evaluate reads it in d: with d's version's literals (${*} and
// the like in 2012-10-17), and with isPrefix as Request.ResourceIsPrefix,
// where all says the pattern matches every key and some that it matches at
// least one. Without isPrefix both are the one answer. Callers that group
// requests by the patterns they match use it, so that requests in one group
// get one decision.
func (d *Document) MatchResource(pattern, resource string, isPrefix bool) (all, some bool) {
	all, some, _ = globResources(Values{pattern}, resource, d.Version, isPrefix && strings.HasSuffix(resource, "*"), true)
	return all, some
}

// globResources reports whether a pattern matches resource (all), whether
// one matches it in part when prefix makes resource stand for many (some;
// all implies some), and whether any pattern holds a policy variable this
// package cannot substitute. prefix is Request.ResourceIsPrefix; some is
// worked out only if needSome.
func globResources(patterns Values, resource, version string, prefix, needSome bool) (all, some, variable bool) {
	lit := version == Version2012
	for _, p := range patterns {
		v := hasVariableText(p, lit)
		if lit && v {
			// IAM substitutes the variable before matching: a resource
			// holding the variable's own text may or may not match.
			variable = true
			continue
		}
		variable = variable || v
		switch {
		case !prefix && globMatch(p, lit, resource):
			return true, true, false
		case prefix && coversPrefix(p, lit, resource[:len(resource)-1]):
			return true, true, false
		case prefix && needSome && !some:
			some = matchesSomeWith(p, lit, resource[:len(resource)-1])
		}
	}
	return false, some, variable
}

// matchesSomeWith reports whether p matches some string that starts with
// prefix: whether p can consume all of prefix, since whatever p asks for
// after it a suffix can supply.
func matchesSomeWith(p string, lit bool, prefix string) bool {
	return scan(p, lit, prefix, true)
}

// hasVariableText reports a "${" in p other than the 2012-10-17 literals
// ${*}, ${?} and ${$} (lit).
func hasVariableText(p string, lit bool) bool {
	for i := 0; i < len(p); {
		c, _, w := token(p, i, lit)
		if w == 1 && c == '$' && i+1 < len(p) && p[i+1] == '{' {
			return true
		}
		i += w
	}
	return false
}

// token reads the pattern character at p[i:]: its byte, whether it is a
// wildcard ('*' or '?'), and its width in p. With lit (2012-10-17), ${*},
// ${?} and ${$} are the characters themselves, four bytes wide.
func token(p string, i int, lit bool) (c byte, wild bool, w int) {
	if lit && p[i] == '$' && i+3 < len(p) && p[i+1] == '{' && p[i+3] == '}' && strings.IndexByte("*?$", p[i+2]) >= 0 {
		return p[i+2], false, 4
	}
	return p[i], p[i] == '*' || p[i] == '?', 1
}

// coversPrefix reports whether p matches prefix followed by any string. A
// pattern does if it ends in a wildcard '*' and then k '?', and what comes
// before those '?' matches prefix less its last k characters: the '*' takes
// any suffix, and the '?' take the last k characters, however long the
// suffix. Any other ending fails on a long enough suffix of characters the
// pattern does not name.
func coversPrefix(p string, lit bool, prefix string) bool {
	last, k := -1, 0 // the end of the last '*', and the '?' after it
	for i := 0; i < len(p); {
		c, wild, w := token(p, i, lit)
		i += w
		switch {
		case wild && c == '*':
			last, k = i, 0
		case wild:
			k++
		default:
			last = -1
		}
	}
	if last < 0 {
		return false
	}
	for ; k > 0; k-- {
		if prefix == "" {
			return false
		}
		_, n := utf8.DecodeLastRuneInString(prefix)
		prefix = prefix[:len(prefix)-n]
	}
	return globMatch(p[:last], lit, prefix)
}

func runeLen(s string) int {
	if s[0] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}

// globMatch is Glob without case folding, reading p's literals when lit.
func globMatch(p string, lit bool, s string) bool {
	if !lit {
		return globBytes(p, s)
	}
	return scan(p, lit, s, false)
}

// globBytes is scan(p, false, s, false) for Glob's hot path (actions,
// condition values), where every pattern character is one byte.
func globBytes(p, s string) bool {
	q := strings.IndexByte(p, '?') >= 0
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			pi++
			star, mark = pi, si
		case pi < len(p) && (p[pi] == s[si] || p[pi] == '?'):
			if s[si] >= utf8.RuneSelf && p[pi] == '?' {
				si += runeLen(s[si:]) - 1
			}
			pi++
			si++
		case star >= 0:
			// With no '?' in p a '*' may stop mid-character: no byte of
			// p matches a continuation byte there.
			pi = star
			if !q || s[mark] < utf8.RuneSelf {
				mark++
			} else {
				mark += runeLen(s[mark:])
			}
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// scan matches s against p, all of p or, with partial, any start of it. The
// greedy walk, going back only to the last '*', finds each segment between
// '*'s at its leftmost place, which is never worse than a later one; a
// segment that runs past the end of s is a partial match.
func scan(p string, lit bool, s string, partial bool) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		var c byte
		var wild bool
		w := 0
		if pi < len(p) {
			c, wild, w = token(p, pi, lit)
		}
		switch {
		case w > 0 && wild && c == '*':
			// Before the byte comparison: a '*' in s is matched by the
			// wildcard, not consumed as a literal that ends backtracking.
			pi += w
			star, mark = pi, si
		case w > 0 && wild:
			// '?' is one character, which UTF-8 may spell in several bytes.
			pi += w
			if s[si] < utf8.RuneSelf {
				si++
			} else {
				si += runeLen(s[si:])
			}
		case w > 0 && c == s[si]:
			pi += w
			si++
		case star >= 0:
			// Whole characters only, so that a '?' never starts mid-way.
			pi = star
			if s[mark] < utf8.RuneSelf {
				mark++
			} else {
				mark += runeLen(s[mark:])
			}
			si = mark
		default:
			return false
		}
	}
	if partial {
		return true
	}
	for pi < len(p) {
		c, wild, w := token(p, pi, lit)
		if !wild || c != '*' {
			return false
		}
		pi += w
	}
	return true
}

func hasVariable(vals Values) bool {
	for _, v := range vals {
		if strings.Contains(v, "${") {
			return true
		}
	}
	return false
}

func anyGlob(patterns Values, s string, fold bool) bool {
	for _, p := range patterns {
		if Glob(p, s, fold) {
			return true
		}
	}
	return false
}

// Glob matches s against an IAM pattern where '*' matches any run of
// characters and '?' any one character. It runs in O(len(p)*len(s)) at worst,
// with no recursion.
func Glob(p, s string, fold bool) bool {
	if fold {
		p, s = strings.ToLower(p), strings.ToLower(s)
	}
	return globBytes(p, s)
}

// evalConditions ANDs every operator and key of a Condition block.
func evalConditions(cond map[string]map[string]Values, r *Request) (tri, []string) {
	out := yes
	var unevaluated []string
	for op, keys := range cond {
		for key, vals := range keys {
			switch evalCondition(op, key, vals, r) {
			case no:
				return no, nil
			case unknown:
				out = unknown
				unevaluated = append(unevaluated, op+" "+key)
			}
		}
	}
	return out, unevaluated
}

func (r *Request) lookup(key string) (vals []string, present, known bool) {
	for k, v := range r.Context {
		if strings.EqualFold(k, key) {
			return v, true, true
		}
	}
	if keyIn(r.Absent, key) {
		return nil, false, true
	}
	return nil, false, false
}

func evalCondition(op, key string, want Values, r *Request) tri {
	set := ""
	if i := strings.IndexByte(op, ':'); i >= 0 {
		set, op = op[:i], op[i+1:]
	}
	ifExists := false
	if base, ok := strings.CutSuffix(op, "IfExists"); ok {
		op, ifExists = base, true
	}
	got, present, known := r.lookup(key)
	if !known || hasVariable(want) {
		return unknown
	}
	if op == "Null" {
		if len(want) != 1 {
			return unknown
		}
		isNull, err := strconv.ParseBool(want[0])
		if err != nil {
			return unknown
		}
		return boolTri(isNull == !present)
	}
	match, negated, ok := operator(op)
	if !ok {
		return unknown
	}
	if !present {
		switch {
		case ifExists:
			return yes
		case set == "ForAllValues":
			return yes
		case set == "ForAnyValue":
			return no
		}
		return boolTri(negated)
	}
	anyOf := func(g string) bool {
		for _, w := range want {
			if match(w, g) {
				return true
			}
		}
		return false
	}
	switch set {
	case "ForAllValues":
		for _, g := range got {
			if anyOf(g) == negated {
				return no
			}
		}
		return yes
	case "", "ForAnyValue":
		// A single-valued key is matched like ForAnyValue.
		for _, g := range got {
			if anyOf(g) != negated {
				return yes
			}
		}
		return no
	}
	return unknown
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}

// operator returns the matcher of a condition operator (without IfExists and
// set prefixes) and whether it is negated.
func operator(op string) (match func(want, got string) bool, negated, ok bool) {
	switch op {
	case "StringEquals":
		return func(w, g string) bool { return w == g }, false, true
	case "StringNotEquals":
		return func(w, g string) bool { return w == g }, true, true
	case "ArnEquals", "ArnLike":
		// IAM matches both alike: segment by segment, with wildcards.
		return arnMatch, false, true
	case "ArnNotEquals", "ArnNotLike":
		return arnMatch, true, true
	case "StringEqualsIgnoreCase":
		return strings.EqualFold, false, true
	case "StringNotEqualsIgnoreCase":
		return strings.EqualFold, true, true
	case "StringLike":
		return func(w, g string) bool { return Glob(w, g, false) }, false, true
	case "StringNotLike":
		return func(w, g string) bool { return Glob(w, g, false) }, true, true
	case "Bool":
		return strings.EqualFold, false, true
	case "IpAddress":
		return ipMatch, false, true
	case "NotIpAddress":
		return ipMatch, true, true
	case "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		return numeric(op), op == "NumericNotEquals", true
	}
	return nil, false, false
}

// ipMatch reports whether the address got lies in want, a CIDR block or a
// single address; anything unparsable matches nothing.
func ipMatch(want, got string) bool {
	addr, err := netip.ParseAddr(got)
	if err != nil {
		return false
	}
	if !strings.Contains(want, "/") {
		w, err := netip.ParseAddr(want)
		return err == nil && w == addr
	}
	p, err := netip.ParsePrefix(want)
	return err == nil && p.Contains(addr)
}

// arnMatch matches an ARN against a pattern component by component: a
// wildcard never spans the colons between partition, service, Region,
// account and resource.
func arnMatch(pattern, arn string) bool {
	// Five colons split six components; the resource keeps any further
	// colons. Cut rather than Split: this runs per request on the guard's
	// hot path and must not allocate.
	for range 5 {
		var p, a string
		var okP, okA bool
		p, pattern, okP = strings.Cut(pattern, ":")
		a, arn, okA = strings.Cut(arn, ":")
		if !okP || !okA || !Glob(p, a, false) {
			return false
		}
	}
	return Glob(pattern, arn, false)
}

// arnPattern is an ARN pattern split once into what arnMatch splits on
// every call: five components and the resource, each compiled.
type arnPattern struct {
	parts    [5]compiledGlob
	resource compiledGlob
	ok       bool // the pattern has the five colons; without them nothing matches
}

func compileARNPattern(pattern string) arnPattern {
	var p arnPattern
	for i := range p.parts {
		part, rest, ok := strings.Cut(pattern, ":")
		if !ok {
			return arnPattern{}
		}
		p.parts[i], pattern = compileGlob(part), rest
	}
	p.resource, p.ok = compileGlob(pattern), true
	return p
}

// match is arnMatch(pattern, arn) for the pattern p was compiled from.
func (p *arnPattern) match(arn string) bool {
	resource, ok := p.matchParts(arn)
	return ok && p.resource.match(resource)
}

// matchHead is match for the ARN's first five components, given as the
// text through its fifth colon: false for text with fewer colons, or with
// more (they belong to the resource).
func (p *arnPattern) matchHead(head string) bool {
	rest, ok := p.matchParts(head)
	return ok && rest == ""
}

// matchParts matches the first five colon-separated components of s
// against p's and returns what follows the fifth colon.
func (p *arnPattern) matchParts(s string) (string, bool) {
	if !p.ok {
		return "", false
	}
	for i := range p.parts {
		j := strings.IndexByte(s, ':')
		if j < 0 || !p.parts[i].match(s[:j]) {
			return "", false
		}
		s = s[j+1:]
	}
	return s, true
}

func numeric(op string) func(want, got string) bool {
	return func(w, g string) bool {
		wf, err1 := strconv.ParseFloat(w, 64)
		gf, err2 := strconv.ParseFloat(g, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		switch op {
		case "NumericEquals", "NumericNotEquals":
			return gf == wf
		case "NumericLessThan":
			return gf < wf
		case "NumericLessThanEquals":
			return gf <= wf
		case "NumericGreaterThan":
			return gf > wf
		default:
			return gf >= wf
		}
	}
}

// restrictingKeys are condition keys that narrow who can use a statement with
// a public principal, after Security Hub's KMS.5 and S3.2 reasoning. A public
// Allow conditioned only on other keys (aws:SecureTransport, say) is still
// public, and so is one conditioned on kms:ViaService (it names the service
// a request comes through, and any account can call S3 or Personalize) or
// on aws:username (every account can have a user called admin).
var restrictingKeys = []string{
	"aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths",
	"aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
	"aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp", "aws:userid",
	"kms:CallerAccount",
}

// accountKeys are the restricting keys whose values name an account: an
// account ID, an ARN in one, or (aws:userid) the account's root user's ID,
// which is the account ID.
var accountKeys = []string{"aws:PrincipalAccount", "kms:CallerAccount", "aws:PrincipalArn",
	"aws:SourceAccount", "aws:SourceOwner", "aws:SourceArn", "aws:userid"}

// PublicAllows returns the indexes of Allow statements open to every
// principal (Principal "*", {"AWS": "*"} or any NotPrincipal) without a
// condition on a key that restricts who the caller is.
func (d *Document) PublicAllows() []int {
	var out []int
	for i := range d.Statement {
		s := &d.Statement[i]
		if s.Effect != Allow || !(s.Principal.Public() || s.NotPrincipal != nil) {
			continue
		}
		if !s.restricted() {
			out = append(out, i)
		}
	}
	return out
}

// ForeignAllows returns the indexes of Allow statements that let a principal
// of an account outside trusted use one of actions: an AWS principal naming
// another account (its ID, or an ARN in it); a service principal acting for
// another account, named by a positive string or ARN operator on one of
// sourceKeys (a service acts for whichever account its source condition
// names); or every principal (Principal "*", or all but a NotPrincipal's)
// restricted by such an operator on one of accountKeys to fixed values of
// which one is another account. Statements open to everyone without such a
// condition are PublicAllows'.
func (d *Document) ForeignAllows(trusted []string, actions ...string) []int {
	var out []int
	for i := range d.Statement {
		s := &d.Statement[i]
		if s.Effect != Allow || s.Principal == nil && s.NotPrincipal == nil || !slices.ContainsFunc(actions, s.matchAction) {
			continue
		}
		if s.namesForeignAccount(trusted) {
			out = append(out, i)
		}
	}
	return out
}

// namesForeignAccount reports whether s's principals, the conditions that
// name the accounts its service principals act for, or those that restrict
// a public principal to particular accounts, name an account outside
// trusted.
func (s *Statement) namesForeignAccount(trusted []string) bool {
	foreign := func(account string) bool { return account != "" && !slices.Contains(trusted, account) }
	if s.Principal != nil {
		for _, v := range s.Principal.AWS {
			if v != "*" && foreign(principalAccount(v)) {
				return true
			}
		}
		if !s.Principal.Public() {
			// A service acts for the account its source names: a
			// grant to personalize.amazonaws.com for another account's
			// aws:SourceAccount lets that account's Personalize in.
			return len(s.Principal.Service) > 0 && s.servesForeignSource(trusted, foreign)
		}
	}
	// Every principal (Principal "*", or all but NotPrincipal's), narrowed
	// by a condition to particular accounts: the caller's, or, for a
	// service acting for one, the source's.
	return s.conditionNamesForeign(foreign)
}

// sourceKeys are the accountKeys that name the account a service principal
// acts for.
var sourceKeys = []string{"aws:SourceAccount", "aws:SourceOwner", "aws:SourceArn"}

// servesForeignSource reports whether s, a statement for service
// principals, lets them act for an account that foreign reports: a
// positive string or ARN operator on one of sourceKeys, in any of its forms
// (…IfExists, ForAnyValue:, ForAllValues:), with a value that names such an
// account, or a wildcard that matches none of trusted
// (arn:aws:personalize:us-east-1:9999*:*); or a negated one that leaves out
// a trusted account (StringNotEquals our account: every other) when no
// plain positive operator on those keys holds the source to fixed accounts
// foreign does not report. A statement
// with no condition on them at all is not reported: a service grant
// without one is the confused-deputy check's.
func (s *Statement) servesForeignSource(trusted []string, foreign func(string) bool) bool {
	negated, held := false, false
	for op, conds := range s.Condition {
		base := strings.TrimPrefix(strings.TrimPrefix(op, "ForAnyValue:"), "ForAllValues:")
		ifExists := strings.HasSuffix(base, "IfExists")
		base = strings.TrimSuffix(base, "IfExists")
		for key, vals := range conds {
			if !keyIn(sourceKeys, key) {
				continue
			}
			switch base {
			case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike":
				fixed := true
				for _, v := range vals {
					account := sourceAccountPattern(v)
					if strings.ContainsAny(account, "*?") || strings.Contains(account, "${") {
						// A pattern written for other accounts (9999*)
						// serves them; one that matches ours too ("*")
						// restricts nothing, the confused-deputy
						// check's.
						if !matchesAny(account, trusted) {
							return true
						}
						fixed = false
						continue
					}
					if foreign(account) {
						return true
					}
					if account == "" {
						fixed = false
					}
				}
				if !ifExists && op == base && len(vals) > 0 && fixed {
					held = true
				}
			case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike":
				// One that leaves out a trusted account serves the
				// others on purpose; one that leaves out only others is
				// no restriction, the confused-deputy check's.
				for _, v := range vals {
					a := sourceAccountPattern(v)
					if a == "" {
						continue
					}
					if strings.ContainsAny(a, "*?") {
						if matchesAny(a, trusted) {
							negated = true // 1111*: ours left out, as a pattern
						}
					} else if !foreign(a) {
						negated = true
					}
				}
			}
		}
	}
	return negated && !held
}

// matchesAny reports whether the account pattern matches one of accounts.
func matchesAny(pattern string, accounts []string) bool {
	return slices.ContainsFunc(accounts, func(a string) bool { return Glob(pattern, a, false) })
}

// sourceAccountPattern returns the account a value of a source key names,
// wildcards included: the value of aws:SourceAccount or aws:SourceOwner
// itself, an ARN's account field; "" for an ARN without one (a bucket's)
// or text that is neither.
func sourceAccountPattern(v string) string {
	if !strings.HasPrefix(v, "arn:") {
		if strings.Trim(v, "0123456789*?") == "" {
			return v
		}
		// A pattern of an ARN that does not spell its head
		// (*:999999999999:*): the account it fixes, if any.
		for field := range strings.SplitSeq(v, ":") {
			if len(field) == 12 && strings.Trim(field, "0123456789") == "" {
				return field
			}
		}
		return ""
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) < 5 {
		return "*" // the pattern ends before its account: any
	}
	return parts[4]
}

// conditionNamesForeign reports whether a positive string or ARN operator
// of s on one of accountKeys has a fixed value whose account is foreign.
func (s *Statement) conditionNamesForeign(foreign func(string) bool) bool {
	for op, conds := range s.Condition {
		if !positiveStringOperator(op) {
			continue
		}
		for key, vals := range conds {
			if !keyIn(accountKeys, key) {
				continue
			}
			for _, v := range vals {
				if fixedValue(v, true) && foreign(principalAccount(v)) {
					return true
				}
			}
		}
	}
	return false
}

// principalAccount returns the account a principal value names: itself
// when it is an account ID, the account field of an ARN, "" otherwise.
func principalAccount(v string) string {
	if len(v) == 12 && strings.Trim(v, "0123456789") == "" {
		return v
	}
	return accountOf(v)
}

// restricted reports whether a condition narrows who may use s: a positive
// operator, without IfExists or ForAllValues (which pass requests lacking
// the key), on a restricting key, with a value that is not only wildcards.
func (s *Statement) restricted() bool {
	for op, keys := range s.Condition {
		if !positiveStringOperator(op) && strings.TrimPrefix(op, "ForAnyValue:") != "IpAddress" {
			continue
		}
		for key, vals := range keys {
			if !keyIn(restrictingKeys, key) {
				continue
			}
			if FixedCondition(op, vals) {
				return true
			}
		}
	}
	return false
}

// keyIn reports whether key is one of keys, compared without regard to case
// as IAM compares condition keys.
func keyIn(keys []string, key string) bool {
	return slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, key) })
}

// positiveStringOperator reports whether op compares a key with values that
// a request must match, and one it lacks does not: StringEquals,
// StringEqualsIgnoreCase, StringLike, ArnEquals or ArnLike, alone or
// ForAnyValue:. Not… operators admit every other value, …IfExists and
// ForAllValues: a request without the key, Null and the numeric, date and
// Bool operators do not name a caller.
func positiveStringOperator(op string) bool {
	switch strings.TrimPrefix(op, "ForAnyValue:") {
	case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike":
		return true
	}
	return false
}

// FixesCaller reports whether s limits its callers by one of keys (say
// aws:SourceAccount, aws:SourceArn) to particular ones: a positive string
// or ARN operator (positiveStringOperator) on one of keys, compared without
// regard to case as IAM compares them, whose every value is fixed
// (FixedCondition).
func (s *Statement) FixesCaller(keys ...string) bool {
	for op, conds := range s.Condition {
		if !positiveStringOperator(op) {
			continue
		}
		for key, vals := range conds {
			if keyIn(keys, key) && FixedCondition(op, vals) {
				return true
			}
		}
	}
	return false
}

// FixedCondition reports whether a condition of operator op with values
// vals names particular callers: every value, which IAM ORs, is fixed (see
// fixedValue), or, for IpAddress, narrow ranges (narrowRanges). Callers ask
// it of a positive operator on a key that says who the caller is
// (aws:SourceAccount, aws:SourceArn, aws:SourceIp).
func FixedCondition(op string, vals Values) bool {
	base := baseOperator(op)
	if base == "IpAddress" {
		return narrowRanges(vals)
	}
	// ArnEquals takes wildcards as ArnLike does.
	like := strings.HasSuffix(base, "Like") || base == "ArnEquals"
	return len(vals) > 0 && !slices.ContainsFunc(vals, func(v string) bool { return !fixedValue(v, like) })
}

// Ranges of public addresses wider than these hold a share of the
// Internet, not a network someone owns: 0.0.0.0/1 and 128.0.0.0/1 together
// are every IPv4 address, as ::/0 is every IPv6 one. A /8 or /32 is the
// widest block one organisation holds. This does not tell an
// organisation's range from a cloud's, where anyone rents a machine
// (52.0.0.0/8 is EC2's): the review of a key or bucket policy open to an
// address range stays the owner's.
const (
	narrowestIPv4 = 8
	narrowestIPv6 = 32
)

// nonPublic are the ranges no caller on the Internet has as its
// aws:SourceIp (private, shared, loopback and link-local addresses): a
// condition on them admits nobody from outside, however wide.
var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"fc00::/7", "fe80::/10", "::1/128"} {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}()

// publicRange reports whether p holds an address outside nonPublic.
func publicRange(p netip.Prefix) bool {
	p = p.Masked()
	for _, np := range nonPublic {
		if np.Bits() <= p.Bits() && np.Contains(p.Addr()) {
			return false
		}
	}
	return true
}

// narrowRanges reports whether the values of an IpAddress condition (IP
// addresses and CIDR blocks, which IAM ORs) hold, all together, no more
// public addresses of either family than one narrowestIPv4 or
// narrowestIPv6 block, with a /12 (IPv6 /44) more beside it: 256 /8
// blocks are every IPv4 address. A block inside another is counted once,
// and a block within nonPublic not at all.
// A value that does not parse restricts nothing; an IPv4 range written as
// IPv6 counts as IPv4, and an IPv6 block that holds ::ffff:0:0/96 holds
// every IPv4 address.
func narrowRanges(vals Values) bool {
	var blocks []netip.Prefix // the public ones, masked
	for _, v := range vals {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, err := netip.ParseAddr(v)
			if err != nil {
				return false
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		p = p.Masked()
		if p.Addr().Is6() && p.Bits() <= 96 && p.Contains(mappedIPv4) {
			return false // every IPv4 address, as IPv6 writes it
		}
		if publicRange(p) {
			blocks = append(blocks, p)
		}
	}
	// Widest first, so that a block inside one already counted is not
	// counted again.
	slices.SortFunc(blocks, func(a, b netip.Prefix) int { return a.Bits() - b.Bits() })
	var v4, v6 big.Int // addresses held
	var counted []netip.Prefix
	for _, p := range blocks {
		if slices.ContainsFunc(counted, func(c netip.Prefix) bool { return c.Contains(p.Addr()) }) {
			continue
		}
		counted = append(counted, p)
		size := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
		if p.Addr().Is4() {
			v4.Add(&v4, size)
		} else {
			v6.Add(&v6, size)
		}
	}
	// One of the widest blocks, and beside it no more than a /12 (IPv6
	// /44) more: an organisation's /8 and its offices' ranges, not a share
	// of the Internet in pieces (two /8s, four /9s, a /8 and a /9).
	budget := func(widest, rest int) *big.Int {
		b := new(big.Int).Lsh(big.NewInt(1), uint(widest))
		return b.Add(b, new(big.Int).Lsh(big.NewInt(1), uint(rest)))
	}
	return len(vals) > 0 && v4.Cmp(budget(32-narrowestIPv4, 20)) <= 0 && v6.Cmp(budget(128-narrowestIPv6, 84)) <= 0
}

// mappedIPv4 is ::ffff:0.0.0.0, the first of the IPv4 addresses IPv6 writes.
var mappedIPv4 = netip.MustParseAddr("::ffff:0.0.0.0")

// fixedValue reports whether a condition value names particular callers:
// not a policy variable, not only wildcards and, for a Like pattern, with
// no wildcard in the account an ARN names or before the first '/' or ':'
// of any other value ("o-*" is every organization, "arn:aws:iam::*:role/R"
// a role anyone can create).
func fixedValue(v string, like bool) bool {
	if strings.Trim(v, "*?") == "" || strings.Contains(v, "${") {
		return false
	}
	if !like {
		return true
	}
	if strings.HasPrefix(v, "arn:") {
		parts := strings.SplitN(v, ":", 6)
		return len(parts) == 6 && parts[4] != "" && !strings.ContainsAny(parts[4], "*?")
	}
	// An organization path (o-abc/r-ab12/*) or a session's user ID
	// (AROAEXAMPLE:*) is fixed by what comes before its first separator.
	if i := strings.IndexAny(v, "/:"); i >= 0 {
		v = v[:i]
	}
	return v != "" && !strings.ContainsAny(v, "*?")
}
