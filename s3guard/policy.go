package s3guard

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/posture"
)

const (
	keySecureTransport = "aws:SecureTransport"
	keyTLSVersion      = "s3:TlsVersion"
	keySourceAccount   = "aws:SourceAccount"
	keySourceArn       = "aws:SourceArn"
)

// networkKeys are absent from a request Personalize makes with its service
// principal: it does not come through the customer's VPC.
var networkKeys = []string{"aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp"}

// listKeys are the condition keys of s3:ListBucket requests only.
var listKeys = []string{"s3:prefix", "s3:delimiter", "s3:max-keys"}

// policyScope is what the policy is evaluated for.
type policyScope struct {
	bucket    string
	partition string
	arn       string // the bucket's ARN
	dir       Direction
	// object is the object resource Personalize will touch: the key, or,
	// when objectIsPrefix, a prefix followed by a "*" that stands for every
	// key under it (iampolicy.Request.ResourceIsPrefix).
	object         string
	objectIsPrefix bool
	// prefix is the s3:prefix a ListBucket call would carry, when a
	// location is known.
	prefix    string
	hasPrefix bool
}

func newScope(bucket, region string, dir Direction) policyScope {
	p := partitionOf(region)
	arn := bucketARN(p, bucket)
	return policyScope{bucket: bucket, partition: p, arn: arn, dir: dir, object: arn + "/*", objectIsPrefix: true}
}

func (s policyScope) forLocation(loc Location) policyScope {
	s.objectIsPrefix = loc.IsPrefix()
	if s.objectIsPrefix {
		s.object = s.arn + "/" + loc.Key + "*"
	} else {
		s.object = s.arn + "/" + loc.Key
	}
	s.prefix, s.hasPrefix = loc.Key, true
	return s
}

// probe is a request a policy is evaluated for; prefix says resource ends in
// a "*" standing for every key (iampolicy.Request.ResourceIsPrefix).
type probe struct {
	action, resource string
	prefix           bool
}

func (p probe) String() string { return p.action + " on " + p.resource }

func (p probe) unlisted() bool { return p.action == unlistedShort || p.action == unlistedLong }

// uncoveredActions are the probes a TLS-only deny left open, by resource,
// in the order the probes name the resources.
type uncoveredActions []uncoveredOn

// uncoveredOn is what was left open on one resource: the probes (fixed
// counts them), by name, and whether an unlisted one was (other).
type uncoveredOn struct {
	resource string
	names    []string
	fixed    int
	other    bool
}

// add notes a fixed probe left open.
func (u *uncoveredActions) add(p probe) {
	i := slices.IndexFunc(*u, func(r uncoveredOn) bool { return r.resource == p.resource })
	if i < 0 {
		i = len(*u)
		*u = append(*u, uncoveredOn{resource: p.resource})
	}
	r := &(*u)[i]
	r.fixed++
	if p.unlisted() {
		r.other = true
	} else if !slices.Contains(r.names, p.action) {
		r.names = append(r.names, p.action)
	}
}

// String names the open actions resource by resource, of the fixed probes
// fixed: "s3:ListBucket, s3:DeleteBucket and every other S3 action on B;
// every S3 action on B/*".
func (u uncoveredActions) String(fixed []probe) string {
	parts := make([]string, 0, len(u))
	for _, r := range u {
		total := 0
		for _, p := range fixed {
			if p.resource == r.resource {
				total++
			}
		}
		if r.fixed == total {
			parts = append(parts, "every S3 action on "+r.resource)
			continue
		}
		names := slices.Clone(r.names)
		if r.other {
			names = append(names, "every other S3 action")
		}
		parts = append(parts, andList(names)+" on "+r.resource)
	}
	return strings.Join(parts, "; ")
}

// policyFindings judges a parsed bucket policy: public statements, other
// accounts' access, the TLS-only deny and the grant Personalize needs for
// the scope's direction.
func policyFindings(doc *iampolicy.Document, s policyScope, req *Requirements) []posture.Finding {
	return append(bucketWideFindings(doc, s, req), grantFindings(doc, s, req)...)
}

// bucketWideFindings returns the findings of a parsed policy that do not
// depend on the location: public statements, other accounts' access and
// the TLS-only deny. The package-level checks and the Checker's cached
// evaluation (bucketState.evaluateParts) both read a policy through it, so
// that a finding added here reaches both.
func bucketWideFindings(doc *iampolicy.Document, s policyScope, req *Requirements) []posture.Finding {
	var out []posture.Finding
	if f, ok := publicFinding(doc, s); ok {
		out = append(out, f)
	}
	if f, ok := foreignFinding(doc, s, req); ok {
		out = append(out, f)
	}
	if f, ok := tlsFinding(doc, s); ok {
		out = append(out, f)
	}
	return out
}

func publicFinding(doc *iampolicy.Document, s policyScope) (posture.Finding, bool) {
	idx := doc.PublicAllows()
	if len(idx) == 0 {
		return posture.Finding{}, false
	}
	return posture.Finding{
		ID:       FindingPolicyPublic,
		Severity: posture.Critical,
		Resource: s.bucket,
		Message: fmt.Sprintf("The bucket policy of %s allows every principal (Principal \"*\" or NotPrincipal) without a condition on who the caller is: %s.",
			s.bucket, statementList(doc, idx)),
		Remediation: "Name the principals that need access, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceAccount.",
		Control:     "Security Hub S3.2, S3.3",
	}, true
}

// dataActions are what exposes a bucket's data to a principal: reading,
// listing and writing its objects.
var dataActions = []string{"s3:GetObject", "s3:ListBucket", "s3:PutObject"}

// foreignFinding reports Allows of the data's actions to principals of
// another account than the one that runs Personalize and the trusted ones,
// named in the statement's principal or in a condition that narrows every
// principal to accounts (iampolicy.Document.ForeignAllows, which the key
// check uses too). Without Requirements.AccountID there is no account to
// compare with.
func foreignFinding(doc *iampolicy.Document, s policyScope, req *Requirements) (posture.Finding, bool) {
	if req.AccountID == "" {
		return posture.Finding{}, false
	}
	own := append([]string{req.AccountID}, req.TrustedAccountIDs...)
	idx := doc.ForeignAllows(own, dataActions...)
	if len(idx) == 0 {
		return posture.Finding{}, false
	}
	return posture.Finding{
		ID:       FindingPolicyForeignAccount,
		Severity: posture.High,
		Resource: s.bucket,
		Message: fmt.Sprintf("The bucket policy of %s lets a principal of another account than %s read, list or write its objects: %s; the data Personalize imports or exports there is exposed to that account.",
			s.bucket, req.AccountID, statementList(doc, idx)),
		Remediation: "Remove the other account's principals from those statements; if that account must reach the bucket, keep Personalize's data in a bucket of its own.",
	}, true
}

// tlsFinding checks that plain-HTTP requests are denied to every principal
// for both the bucket and its objects (Security Hub S3.5).
//
// The probes are an arbitrary principal ([iampolicy.Anyone]) sending
// s3:ListBucket and s3:ListBucketVersions to arn:…:B and s3:GetObject,
// s3:GetObjectVersion and s3:PutObject to arn:…:B/*
// (the "*" standing for every key: iampolicy.Request.ResourceIsPrefix)
// with aws:SecureTransport false and no s3:TlsVersion, which is what a
// plain-HTTP request carries. All must be
// Denied for sure: a Deny that also depends on a condition the evaluator
// cannot decide does not count, and the finding names that condition. Only a Deny that applies to every principal counts:
// narrowed principals and NotPrincipal leave someone free to use plain HTTP.
//
// A Deny on NumericLessThan s3:TlsVersion (a TLS floor) is accepted alongside
// but does not replace the aws:SecureTransport deny: plain-HTTP requests carry
// no s3:TlsVersion, so a plain NumericLessThan does not match them. A policy
// with only that form is reported as incomplete, and the finding says why. A
// NumericLessThanIfExists form does match plain HTTP and is accepted.
func tlsFinding(doc *iampolicy.Document, s policyScope) (posture.Finding, bool) {
	var uncovered uncoveredActions
	var unevaluated []string
	plainHTTP := func(d *iampolicy.Document, p probe) bool {
		r := d.Evaluate(iampolicy.Request{
			Actor:            iampolicy.Anyone(),
			Action:           p.action,
			Resource:         p.resource,
			ResourceIsPrefix: p.prefix,
			Context:          map[string][]string{keySecureTransport: {"false"}},
			Absent:           []string{keyTLSVersion},
		})
		if r.Decision != iampolicy.Denied {
			unevaluated = append(unevaluated, r.Unevaluated...)
			return true
		}
		return false
	}
	probes := tlsProbes(s)
	for _, p := range probes {
		if plainHTTP(doc, p) {
			uncovered.add(p)
		}
	}
	// What a NotAction Deny names is covered only by a Deny whose Action
	// holds every action the pattern does (coveringDenies): the actions
	// several NotAction denies leave open are those all of them name, which
	// no sample stands for, and a narrower Deny can hold the sample and not
	// the rest. Two NotAction denies that name complementary sets (s3:Get*
	// in one, s3:Put* in the other) are refused: rare, and an Action s3:*
	// deny says it plainly.
	var open []string // the NotAction patterns left open, as written
	for _, sm := range notActionSamples(doc, s) {
		if plainHTTP(coveringDenies(doc, sm.pattern), sm.probe) &&
			!slices.ContainsFunc(open, func(o string) bool { return strings.EqualFold(o, sm.pattern) }) {
			open = append(open, sm.pattern)
		}
	}
	if len(uncovered) == 0 && len(open) == 0 {
		return posture.Finding{}, false
	}
	arn := bucketARN(s.partition, s.bucket)
	f := posture.Finding{
		ID:       FindingTLSOnlyMissing,
		Severity: posture.High,
		Resource: s.bucket,
		Remediation: fmt.Sprintf("Add a statement that denies s3:* to Principal \"*\" on %s and %s/* when aws:SecureTransport is false "+
			"(s3guard.TLSOnlyStatement generates it).", arn, arn),
		Control: "Security Hub S3.5",
	}
	var msg strings.Builder
	switch {
	case len(uncovered) == 0: // only what NotAction denies leave out
		f.ID = FindingTLSOnlyIncomplete
		fmt.Fprintf(&msg, "The bucket policy of %s denies plain-HTTP requests through NotAction, which leaves the actions of %s open to them.",
			s.bucket, quotedList(open))
	case mentionsTLS(doc):
		f.ID = FindingTLSOnlyIncomplete
		fmt.Fprintf(&msg, "The bucket policy of %s has a TLS condition but does not deny plain-HTTP requests to every principal for %s.",
			s.bucket, uncovered.String(probes))
		msg.WriteString(" Only a Deny with Principal \"*\" counts; narrowed principals and NotPrincipal do not.")
		if len(open) > 0 {
			fmt.Fprintf(&msg, " Its NotAction denies also leave the actions of %s open.", quotedList(open))
		}
	default:
		fmt.Fprintf(&msg, "The bucket policy of %s does not deny requests without TLS (aws:SecureTransport false).", s.bucket)
	}
	if tlsFloor(doc, s) {
		msg.WriteString(" Its NumericLessThan s3:TlsVersion deny sets a TLS floor but does not stop plain HTTP: plain-HTTP requests carry no s3:TlsVersion, so the condition does not match them.")
	}
	if u := conditionNames(unevaluated); len(u) > 0 {
		fmt.Fprintf(&msg, " Conditions the guard could not evaluate: %s.", u)
	}
	f.Message = msg.String()
	return f, true
}

// tlsProbes are the requests a TLS-only deny must cover, on the bucket and
// on its objects ("B/*" stands for every key): listing, reading and
// writing them and their versions, their ACLs, attributes and policy, and
// deleting them. A Deny naming only GetObject would leave the same data
// readable over plain HTTP through GetObjectVersion. Last, on each, two
// actions no policy names (unlisted), one short, one long, stand for every
// action a list would leave out: only a wildcard over every S3 action
// (s3:*, *, s3:?*) matches both, not s3:P* or s3:*Object, and not s3:?,
// which a real action name never fits. Security Hub S3.5 asks for s3:* or *.
func tlsProbes(s policyScope) []probe {
	arn := bucketARN(s.partition, s.bucket)
	objects := arn + "/*"
	return []probe{
		{"s3:ListBucket", arn, false}, {"s3:ListBucketVersions", arn, false}, {"s3:GetBucketPolicy", arn, false},
		{"s3:PutBucketPolicy", arn, false}, {"s3:DeleteBucket", arn, false}, {unlistedShort, arn, false}, {unlistedLong, arn, false},
		{"s3:GetObject", objects, true}, {"s3:GetObjectVersion", objects, true}, {"s3:GetObjectAttributes", objects, true},
		{"s3:PutObject", objects, true}, {"s3:PutObjectAcl", objects, true}, {"s3:DeleteObject", objects, true},
		{unlistedShort, objects, true}, {unlistedLong, objects, true},
	}
}

// unlistedShort and unlistedLong are S3 actions that cannot exist (NUL
// bytes), so that no policy lists them and no pattern a policy would write
// for some actions (s3:Put*, s3:P*) matches them: a Deny covers them only
// through a wildcard over every action. Findings name them "every other
// S3 action" (uncoveredActions.String).
var (
	unlistedShort = "s3:\x00"
	unlistedLong  = "s3:" + strings.Repeat("\x00", 64)
)

// notActionSample is a probe of an action a NotAction pattern names.
type notActionSample struct {
	probe
	pattern string // the pattern, as written
}

// notActionSamples are probes for the S3 actions the NotAction of a Deny
// names: a NotAction Deny matches the made-up actions and every action it
// does not name, so the fixed probes cannot tell what it leaves open. Each
// pattern that can name an s3: action is probed as an action it matches
// (sampleAction), on the bucket and on its objects, against the Denies
// that hold all it names (coveringDenies).
func notActionSamples(doc *iampolicy.Document, s policyScope) []notActionSample {
	arn := bucketARN(s.partition, s.bucket)
	var out []notActionSample
	for _, st := range doc.Statement {
		if st.Effect != iampolicy.Deny {
			continue
		}
		for _, p := range st.NotAction {
			if !mayNameS3Action(p) {
				continue
			}
			if action, ok := sampleAction(p); ok {
				out = append(out, notActionSample{probe{action, arn, false}, p}, notActionSample{probe{action, arn + "/*", true}, p})
			}
		}
	}
	return out
}

// coveringDenies is doc with, of its Denies, only those whose Action holds
// every action pattern p names (actionIncludes), with only those patterns:
// a Deny that covers the sample of p covers all of p.
func coveringDenies(doc *iampolicy.Document, p string) *iampolicy.Document {
	out := *doc
	out.Statement = nil
	for _, st := range doc.Statement {
		if st.Effect == iampolicy.Deny {
			actions := slices.DeleteFunc(slices.Clone(st.Action), func(q string) bool { return !actionIncludes(q, p) })
			if len(actions) == 0 {
				continue // a NotAction Deny, or one naming narrower actions
			}
			st.Action = actions
		}
		out.Statement = append(out.Statement, st)
	}
	return &out
}

// actionIncludes reports, conservatively, whether action pattern q matches
// every action pattern p matches, without regard to case: q is * or s3:*,
// or p itself, or a literal and a * where the literal begins what p spells
// before its first wildcard (s3:Get* holds s3:GetObject*).
func actionIncludes(q, p string) bool {
	q, p = strings.ToLower(q), strings.ToLower(p)
	if q == "*" || q == "s3:*" || q == p {
		return true
	}
	lit, ok := strings.CutSuffix(q, "*")
	if !ok || strings.ContainsAny(lit, "*?") {
		return false
	}
	return strings.HasPrefix(literalPrefix(p), lit)
}

// quotedList names patterns for a finding, each quoted (a policy may hold
// any bytes).
func quotedList(patterns []string) string {
	q := make([]string, len(patterns))
	for i, p := range patterns {
		q[i] = strconv.Quote(p)
	}
	return andList(q)
}

// andList joins items as a sentence lists them: "a", "a and b", "a, b and c".
func andList(items []string) string {
	if n := len(items); n > 1 {
		return strings.Join(items[:n-1], ", ") + " and " + items[n-1]
	}
	return strings.Join(items, "")
}

// literalPrefix is what an action pattern spells before its first
// wildcard, in lower case (IAM compares actions without regard to case).
func literalPrefix(p string) string {
	p = strings.ToLower(p)
	if i := strings.IndexAny(p, "*?"); i >= 0 {
		return p[:i]
	}
	return p
}

// sampleAction returns an s3: action that the action pattern p matches:
// each wildcard past "s3:" filled (* with nothing, ? with X), a wildcard
// within the first three characters with what "s3:" has there. It reports
// false when the result is no s3: action.
func sampleAction(p string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch n := b.Len(); p[i] {
		case '?':
			if n < 3 {
				b.WriteByte("s3:"[n])
			} else {
				b.WriteByte('X')
			}
		case '*':
			if n < 3 {
				b.WriteString("s3:"[n:])
			}
		default:
			b.WriteByte(p[i])
		}
	}
	a := b.String()
	if strings.EqualFold(a, "s3:") {
		a += "X" // "s3:*" and the like: an action of a name
	}
	return a, len(a) > 3 && strings.EqualFold(a[:3], "s3:") && iampolicy.Glob(p, a, true)
}

// mayNameS3Action reports whether an action pattern can match some s3:…
// action: what comes before its first wildcard is a prefix of "s3:" or
// starts with it, without regard to case.
func mayNameS3Action(p string) bool {
	lit := literalPrefix(p)
	return strings.HasPrefix(lit, "s3:") || strings.HasPrefix("s3:", lit)
}

// conditionsOn reports whether st has a condition on key.
func conditionsOn(st iampolicy.Statement, key string) bool {
	for _, keys := range st.Condition {
		for k := range keys {
			if strings.EqualFold(k, key) {
				return true
			}
		}
	}
	return false
}

// tlsFloor reports whether TLS 1.1 requests are denied to everybody on the
// bucket and its objects: a NumericLessThan s3:TlsVersion deny of 1.2 or more.
func tlsFloor(doc *iampolicy.Document, s policyScope) bool {
	for _, p := range tlsProbes(s) {
		r := doc.Evaluate(iampolicy.Request{
			Actor:            iampolicy.Anyone(),
			Action:           p.action,
			Resource:         p.resource,
			ResourceIsPrefix: p.prefix,
			Context:          map[string][]string{keySecureTransport: {"true"}, keyTLSVersion: {"1.1"}},
		})
		if r.Decision != iampolicy.Denied {
			return false
		}
	}
	return true
}

// mentionsTLS reports whether some statement conditions on the transport,
// which makes a failed TLS check "incomplete" rather than "missing".
func mentionsTLS(doc *iampolicy.Document) bool {
	return slices.ContainsFunc(doc.Statement, func(st iampolicy.Statement) bool {
		return conditionsOn(st, keySecureTransport) || conditionsOn(st, keyTLSVersion)
	})
}

// grantOutcome is how one probe of the Personalize grant came out.
type grantOutcome int

const (
	grantOK grantOutcome = iota
	grantNoDeputyCondition
	grantSourceUnverified
	grantUncertain
	grantMissing
	grantDenied
	grantVPCOnly
)

// grantFindings checks that the bucket policy lets personalize.amazonaws.com
// do what the direction needs: read needs s3:GetObject on the objects and
// s3:ListBucket on the bucket; write needs s3:PutObject and s3:ListBucket.
//
// The request is the one Personalize makes: over TLS 1.2 or later
// (aws:SecureTransport true, s3:TlsVersion 1.2), as an AWS service
// (aws:PrincipalIsAWSService true, aws:PrincipalServiceName), with
// aws:SourceAccount set to Requirements.AccountID when known, and without
// aws:SourceVpce, aws:SourceVpc, aws:SourceIp or aws:PrincipalOrgID, which a
// service principal's request does not carry. aws:SourceArn is unknown before
// the job exists.
func grantFindings(doc *iampolicy.Document, s policyScope, req *Requirements) []posture.Finding {
	g := evaluateGrants(doc, s, req)
	return g.findings(s, req)
}

// grantProbes are the requests the grant must allow: the object action on
// the scope's objects, and listing the bucket.
func grantProbes(s policyScope) [2]probe {
	objectAction := "s3:GetObject"
	if s.dir == Write {
		objectAction = "s3:PutObject"
	}
	return [2]probe{{objectAction, s.object, s.objectIsPrefix}, {"s3:ListBucket", s.arn, false}}
}

// grantResult is how the grant's probes came out. It depends on the scope's
// location only through the tests [locationPredicates] lists, so one result
// serves every location that passes them alike; [grantResult.findings]
// words it for one location.
type grantResult struct {
	outcomes    [2]grantOutcome // per grantProbes
	unevaluated string          // the conditions not evaluated, listed
	deniers     []string
}

func evaluateGrants(doc *iampolicy.Document, s policyScope, req *Requirements) *grantResult {
	g := &grantResult{}
	var unevaluated []string
	for i, p := range grantProbes(s) {
		o, r := evaluateGrant(doc, s, req, p)
		g.outcomes[i] = o
		switch o {
		case grantUncertain, grantSourceUnverified:
			unevaluated = append(unevaluated, r.Unevaluated...)
		case grantDenied:
			g.deniers = append(g.deniers, statementList(doc, r.Denies))
		}
	}
	g.unevaluated = strings.Join(conditionNames(unevaluated), ", ")
	return g
}

func (g *grantResult) findings(s policyScope, req *Requirements) []posture.Finding {
	if g.outcomes == [2]grantOutcome{grantOK, grantOK} {
		return nil // the common case, without building any text
	}
	probes := grantProbes(s)
	// byOutcome[o] lists the probes with outcome o, in probe order.
	var byOutcome [grantVPCOnly + 1]string
	for i, o := range g.outcomes {
		if byOutcome[o] != "" {
			byOutcome[o] += ", "
		}
		byOutcome[o] += probes[i].String()
	}
	resource := s.bucket
	if s.hasPrefix {
		resource = Location{Bucket: s.bucket, Key: s.prefix}.String()
	}
	var out []posture.Finding
	add := func(id string, sev posture.Severity, msg, fix string) {
		out = append(out, posture.Finding{ID: id, Severity: sev, Resource: resource, Message: msg, Remediation: fix})
	}
	if p := byOutcome[grantVPCOnly]; p != "" {
		add(FindingGrantVPCOnly, posture.High,
			fmt.Sprintf("The bucket policy of %s denies requests that do not come through a given VPC, VPC endpoint or IP range, which locks Personalize out of %s: Personalize cannot use buckets that allow only VPC access.",
				s.bucket, p),
			"Exempt Personalize from the network Deny (for example with a BoolIfExists aws:PrincipalIsAWSService false condition), or use a bucket without a VPC-only policy.")
	}
	if p := byOutcome[grantDenied]; p != "" {
		add(FindingGrantDenied, posture.High,
			fmt.Sprintf("The bucket policy of %s explicitly denies %s to %s (%s).", s.bucket, iampolicy.PersonalizeService, p, strings.Join(compact(g.deniers), "; ")),
			"Narrow the Deny so that it does not apply to Personalize's requests.")
	}
	if p := byOutcome[grantMissing]; p != "" {
		grantStatement := fmt.Sprintf("an Allow for Principal {\"Service\": %q} of %s on %s and s3:ListBucket on %s, with aws:SourceAccount and aws:SourceArn conditions "+
			"(s3guard.PersonalizeBucketPolicy generates it)", iampolicy.PersonalizeService, probes[0].action, s.object, probes[1].resource)
		add(FindingGrantMissing, posture.High,
			fmt.Sprintf("The bucket policy of %s does not allow %s to %s, which a %s job needs.", s.bucket, iampolicy.PersonalizeService, p, s.dir),
			"Add "+grantStatement+".")
	}
	u := g.unevaluated
	if p := byOutcome[grantUncertain]; p != "" {
		add(FindingGrantUncertain, posture.Medium,
			fmt.Sprintf("Whether the bucket policy of %s lets %s do %s depends on conditions the guard cannot evaluate: %s.", s.bucket, iampolicy.PersonalizeService, p, u),
			"Write the grant without those conditions, or with conditions on aws:SourceAccount and aws:SourceArn only.")
	}
	if p := byOutcome[grantSourceUnverified]; p != "" {
		fix := "Check that the aws:SourceArn pattern matches the Personalize resources of this account and Region."
		if req.AccountID == "" {
			fix = "Set Requirements.AccountID so the guard can check aws:SourceAccount, and check that any aws:SourceArn pattern matches the Personalize resources of this account and Region."
		}
		add(FindingGrantSourceUnverified, posture.Low,
			fmt.Sprintf("The bucket policy of %s lets %s do %s only if its confused-deputy conditions (%s) match the job, which the guard cannot know before the job runs.", s.bucket, iampolicy.PersonalizeService, p, u),
			fix)
	}
	if byOutcome[grantNoDeputyCondition] != "" {
		add(FindingConfusedDeputy, posture.Low,
			fmt.Sprintf("The bucket policy of %s allows %s without an aws:SourceAccount or aws:SourceArn condition, so Personalize acting for another account could use the grant (confused deputy).", s.bucket, iampolicy.PersonalizeService),
			"Add a StringEquals aws:SourceAccount condition with your account ID, and an ArnLike aws:SourceArn condition with arn:aws:personalize:REGION:ACCOUNT:*.")
	}
	return out
}

// locationPredicate is one test a location goes through when the grant is
// evaluated for it: a statement's Resource or NotResource pattern against
// the object resource (op == ""), or a condition on s3:prefix against the
// location's key.
type locationPredicate struct{ op, want string }

// locationPredicates lists every test evaluateGrants applies to the
// location. Listing one that turns out not to matter only splits locations
// more finely; missing one would merge locations whose reports differ, so
// every pattern and every s3:prefix value is listed.
func locationPredicates(doc *iampolicy.Document) []locationPredicate {
	var preds []locationPredicate
	add := func(p locationPredicate) {
		if !slices.Contains(preds, p) {
			preds = append(preds, p)
		}
	}
	for i := range doc.Statement {
		st := &doc.Statement[i]
		for _, v := range st.Resource {
			add(locationPredicate{want: v})
		}
		for _, v := range st.NotResource {
			add(locationPredicate{want: v})
		}
		for op, v := range st.ValueConditions("s3:prefix") {
			add(locationPredicate{op: op, want: v})
		}
	}
	return preds
}

func evaluateGrant(doc *iampolicy.Document, s policyScope, req *Requirements, p probe) (grantOutcome, iampolicy.Result) {
	ctx := map[string][]string{
		keySecureTransport:          {"true"},
		keyTLSVersion:               {"1.2"},
		"aws:PrincipalIsAWSService": {"true"},
		"aws:PrincipalServiceName":  {iampolicy.PersonalizeService},
	}
	if req.AccountID != "" {
		ctx[keySourceAccount] = []string{req.AccountID}
	}
	absent := append(slices.Clone(networkKeys), "aws:PrincipalOrgID")
	switch {
	case p.action != "s3:ListBucket":
		// Listing keys are not in an object request's context.
		absent = append(absent, listKeys...)
	case s.hasPrefix:
		ctx["s3:prefix"] = []string{s.prefix}
	}
	if p.prefix {
		doc = denyingSomeKeys(doc, p.resource)
	}
	request := iampolicy.Request{Actor: iampolicy.Service(iampolicy.PersonalizeService), Action: p.action,
		Resource: p.resource, ResourceIsPrefix: p.prefix, Context: ctx, Absent: absent}
	r := doc.Evaluate(request)
	switch {
	case r.Decision == iampolicy.Denied:
		// Is the Deny there only because the request has no VPC or IP? Ask
		// again with those keys unknown: if the Deny no longer applies for
		// sure, it hinges on them.
		again := request
		again.Absent = []string{"aws:PrincipalOrgID"}
		if doc.Evaluate(again).Decision != iampolicy.Denied {
			return grantVPCOnly, r
		}
		// A TLS floor above 1.2 (say 1.3) denies Personalize only if it
		// connects with TLS 1.2, which the guard cannot know.
		again = request
		again.Context = maps.Clone(ctx)
		delete(again.Context, keyTLSVersion)
		if r2 := doc.Evaluate(again); r2.Decision != iampolicy.Denied {
			return grantUncertain, r2
		}
		return grantDenied, r
	case r.Decision == iampolicy.NotAllowed && r.Uncertain && !mayBeAllowed(doc, request):
		// Only a Deny was undecided; no Allow could grant the request.
		return grantMissing, r
	case r.Uncertain:
		if onlySourceKeys(r.Unevaluated) {
			return grantSourceUnverified, r
		}
		return grantUncertain, r
	case r.Decision == iampolicy.Allowed:
		for _, i := range r.Allows {
			if !hasDeputyCondition(&doc.Statement[i]) {
				return grantNoDeputyCondition, r
			}
		}
		return grantOK, r
	}
	return grantMissing, r
}

// denyingSomeKeys returns doc with every Deny that applies to some of the
// keys under prefix (a resource ending in the "*" of
// iampolicy.Request.ResourceIsPrefix) widened to all of them. Evaluate
// lets a Deny apply to a prefix only if it covers every key, which is what
// a TLS-only deny needs; Personalize, though, reads every object under an
// import prefix, and one denied object fails the job. A pattern with a
// policy variable is left to Evaluate, which reports it as undecided.
func denyingSomeKeys(doc *iampolicy.Document, prefix string) *iampolicy.Document {
	var out *iampolicy.Document
	for i := range doc.Statement {
		st := &doc.Statement[i]
		if st.Effect != iampolicy.Deny || !somePatternMatches(doc, st, prefix) {
			continue
		}
		if out == nil {
			out = &iampolicy.Document{Version: doc.Version, ID: doc.ID, Statement: slices.Clone(doc.Statement)}
		}
		out.Statement[i].Resource, out.Statement[i].NotResource = iampolicy.Values{"*"}, nil
	}
	if out == nil {
		return doc
	}
	return out
}

// somePatternMatches reports whether st's Resource matches some key under
// prefix, or its NotResource leaves some key out, with no policy variable
// in either.
func somePatternMatches(doc *iampolicy.Document, st *iampolicy.Statement, prefix string) bool {
	patterns, negated := st.Resource, false
	if patterns == nil {
		patterns, negated = st.NotResource, true
	}
	if patterns == nil || slices.ContainsFunc(patterns, func(v string) bool { return strings.Contains(v, "${") }) {
		return false
	}
	for _, v := range patterns {
		all, some := doc.MatchResource(v, prefix, true)
		switch {
		case negated && all:
			return false // every key is excluded
		case !negated && some:
			return true
		}
	}
	return negated
}

// mayBeAllowed reports whether some Allow statement applies to req, for sure
// or depending on conditions the evaluator cannot decide.
func mayBeAllowed(doc *iampolicy.Document, req iampolicy.Request) bool {
	allows := iampolicy.Document{Version: doc.Version}
	for _, st := range doc.Statement {
		if st.Effect == iampolicy.Allow {
			allows.Statement = append(allows.Statement, st)
		}
	}
	r := allows.Evaluate(req)
	return r.Decision == iampolicy.Allowed || r.Uncertain
}

// onlySourceKeys reports whether every unevaluated condition ("Operator key")
// is on aws:SourceArn or aws:SourceAccount: the confused-deputy conditions
// AWS recommends, whose values are known only once a job runs.
func onlySourceKeys(unevaluated []string) bool {
	if len(unevaluated) == 0 {
		return false
	}
	for _, u := range unevaluated {
		_, key, _ := strings.Cut(u, " ")
		if !strings.EqualFold(key, keySourceArn) && !strings.EqualFold(key, keySourceAccount) {
			return false
		}
	}
	return true
}

// hasDeputyCondition reports whether st limits the accounts Personalize
// may act for: a positive operator on aws:SourceAccount or aws:SourceArn
// whose every value fixes the account. A negated one ("not that other
// account") or a wildcard admits any account.
func hasDeputyCondition(st *iampolicy.Statement) bool {
	return st.FixesCaller(keySourceAccount, keySourceArn)
}

// statementList names statements by index and, when it is a plain
// identifier, Sid.
func statementList(doc *iampolicy.Document, idx []int) string {
	parts := make([]string, 0, len(idx))
	for _, i := range idx {
		sid := doc.Statement[i].Sid
		if sid != "" && len(sid) <= 64 && isIdentifier(sid) {
			parts = append(parts, "statement "+strconv.Itoa(i)+" ("+sid+")")
		} else {
			parts = append(parts, "statement "+strconv.Itoa(i))
		}
	}
	return strings.Join(parts, ", ")
}

func isIdentifier(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// conditionNames returns the distinct unevaluated conditions ("Operator key")
// in order. They are names from the policy, not request data, but a name that
// is not printable or is absurdly long is replaced rather than echoed.
func conditionNames(u []string) []string {
	out := make([]string, 0, len(u))
	for _, c := range u {
		if len(c) > 160 || strings.IndexFunc(c, func(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }) >= 0 {
			c = "a condition with an unprintable or over-long name"
		}
		out = append(out, c)
	}
	return compact(out)
}

func compact(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
