package audit

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/personalizeguard/personalizeguard/internal/awserr"
	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// foreignAccount stands for any other account in the confused-deputy test.
const foreignAccount = "000000000000"

// managedPolicies reads each attached managed policy once, however many
// roles attach it.
type managedPolicies struct {
	mu sync.Mutex
	m  map[string]*managedPolicy
}

type managedPolicy struct {
	once sync.Once
	doc  *iampolicy.Document
	bad  bool // unparsable
	ok   bool // read
}

func (a *auditor) checkRoles(ctx context.Context, g *group, res *Result) {
	mp := &managedPolicies{m: map[string]*managedPolicy{}}
	for _, arn := range sortedKeys(res.Roles) {
		u := res.Roles[arn]
		g.Go(ctx, func(ctx context.Context) { a.checkRole(ctx, mp, arn, u) })
	}
}

// roleName is the RoleName GetRole takes: the ARN's last path segment.
func roleName(arn string) string {
	_, res, ok := strings.Cut(arn, ":role/")
	if !ok {
		return ""
	}
	return res[strings.LastIndexByte(res, '/')+1:]
}

// decodeDocument undoes IAM's encoding of policy documents: RFC 3986
// percent-encoding, which the SDK hands over as is. Only %XX escapes are
// decoded; a '+' is a plus (url.QueryUnescape would make it a space and
// change the ARNs the document names). A malformed escape fails closed:
// the document is unparsable, not read some other way.
func decodeDocument(s string) (*iampolicy.Document, error) {
	dec, err := url.PathUnescape(s)
	if err != nil {
		return nil, err
	}
	return iampolicy.Parse([]byte(dec))
}

func (a *auditor) checkRole(ctx context.Context, mp *managedPolicies, arn string, u Usage) {
	name := roleName(arn)
	out, err := a.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if awserr.Code(err) == "NoSuchEntity" {
		a.add(posture.Finding{ID: FindingRoleNotFound, Severity: posture.High, Resource: a.safe(arn),
			Message:     "Personalize resources name this role, but it does not exist; their jobs fail, and whoever creates a role of that name gets their access.",
			Remediation: "Create the role with a trust policy for personalize.amazonaws.com and the policy `personalizeguard policy role` prints, or point the resources at an existing role."})
		return
	}
	if err != nil || out.Role == nil {
		a.readFailed(arn, "iam:GetRole", err)
		return
	}
	trust, err := decodeDocument(aws.ToString(out.Role.AssumeRolePolicyDocument))
	if err != nil {
		a.unparsable(arn, "trust policy")
	} else {
		a.checkTrust(arn, u, trust)
	}

	var docs []*iampolicy.Document
	complete := true
	inline := iam.NewListRolePoliciesPaginator(a.c.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	err = eachIAMPage(ctx, inline, func(page *iam.ListRolePoliciesOutput) (bool, *string) {
		for _, pn := range page.PolicyNames {
			p, err := a.c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)})
			if err != nil {
				a.readFailed(arn, "iam:GetRolePolicy", err)
				complete = false
				continue
			}
			d, err := decodeDocument(aws.ToString(p.PolicyDocument))
			if err != nil {
				a.unparsable(arn, "inline policy")
				complete = false
				continue
			}
			docs = append(docs, d)
		}
		return page.IsTruncated, page.Marker
	})
	if err != nil {
		a.readFailed(arn, "iam:ListRolePolicies", err)
		complete = false
	}
	attached := iam.NewListAttachedRolePoliciesPaginator(a.c.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	err = eachIAMPage(ctx, attached, func(page *iam.ListAttachedRolePoliciesOutput) (bool, *string) {
		for _, ap := range page.AttachedPolicies {
			p := a.managed(ctx, mp, aws.ToString(ap.PolicyArn))
			switch {
			case p.bad:
				a.unparsable(arn, "managed policy")
				complete = false
			case !p.ok:
				complete = false // reported once, by managed
			default:
				docs = append(docs, p.doc)
			}
		}
		return page.IsTruncated, page.Marker
	})
	if err != nil {
		a.readFailed(arn, "iam:ListAttachedRolePolicies", err)
		complete = false
	}
	a.checkPermissions(arn, u, docs, complete)
}

// eachIAMPage is eachPage for IAM's listings, whose pages say whether more
// follow (IsTruncated) and give a marker to read on from: each returns
// both. A page that says more follow and gives no marker ends the listing
// with errNoMarker; the SDK's paginator would stop there and leave what it
// read for the whole.
func eachIAMPage[O any](ctx context.Context, p pager[O, *iam.Options], each func(O) (truncated bool, marker *string)) error {
	lost := false
	err := eachPage(ctx, p, func(page O) *string {
		truncated, marker := each(page)
		lost = lost || truncated && aws.ToString(marker) == ""
		return marker
	})
	if err == nil && lost {
		err = errNoMarker
	}
	return err
}

// managed reads a managed policy's default version, once per Run.
func (a *auditor) managed(ctx context.Context, mp *managedPolicies, arn string) *managedPolicy {
	mp.mu.Lock()
	p := mp.m[arn]
	if p == nil {
		p = &managedPolicy{}
		mp.m[arn] = p
	}
	mp.mu.Unlock()
	p.once.Do(func() {
		gp, err := a.c.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil || gp.Policy == nil {
			a.readFailed(arn, "iam:GetPolicy", err)
			return
		}
		v, err := a.c.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: gp.Policy.DefaultVersionId})
		if err != nil || v.PolicyVersion == nil {
			a.readFailed(arn, "iam:GetPolicyVersion", err)
			return
		}
		d, err := decodeDocument(aws.ToString(v.PolicyVersion.Document))
		if err != nil {
			p.bad = true
			return
		}
		p.doc, p.ok = d, true
	})
	return p
}

func (a *auditor) unparsable(role, what string) {
	a.add(posture.Finding{ID: FindingRolePolicyUnparsable, Severity: posture.High, Resource: a.safe(role),
		Message:     "The role's " + what + " cannot be parsed, so it cannot be judged.",
		Remediation: "Fix the document (IAM Access Analyzer's policy validation points at the error)."})
}

// checkTrust reports who besides Personalize may assume the role, whether
// Personalize may, and whether Personalize acting for another account may.
func (a *auditor) checkTrust(arn string, u Usage, trust *iampolicy.Document) {
	res := a.safe(arn)
	for _, s := range trust.Statement {
		if s.Effect != iampolicy.Allow || !assumes(s) {
			continue
		}
		if s.NotPrincipal != nil || s.Principal.Public() || !onlyPersonalize(s.Principal) {
			a.add(posture.Finding{ID: FindingTrustOtherPrincipal, Severity: posture.High, Resource: res,
				Message:     "The role's trust policy lets principals other than personalize.amazonaws.com assume it.",
				Remediation: "Make personalize.amazonaws.com the only principal of the trust policy; give people and other services roles of their own."})
			break
		}
	}
	part := u.Partition
	// Personalize acts for this account's resources: the probe one, or any
	// of this account the conditions name (an exact aws:SourceArn).
	if !slices.ContainsFunc(ownSources(u.AccountID, trust), func(own source) bool {
		req := trustRequest(part, u.Region, own.account, arn)
		if own.arn != "" {
			req.Context["aws:SourceArn"] = []string{own.arn}
		}
		r := trust.Evaluate(req)
		return r.Decision == iampolicy.Allowed || r.Uncertain
	}) {
		a.add(posture.Finding{ID: FindingTrustPersonalizeMissing, Severity: posture.High, Resource: res,
			Message:     "The role's trust policy does not let personalize.amazonaws.com assume it for this account; Personalize's jobs with it fail.",
			Remediation: "Allow sts:AssumeRole to the service principal personalize.amazonaws.com, with aws:SourceAccount set to this account."})
	}
	// An Allow whose conditions the audit cannot evaluate (keys other than
	// the source's) may let Personalize in for any account: only a trust
	// policy that surely refuses the other account passes.
	if slices.ContainsFunc(otherSources(u.AccountID, trust), func(other source) bool {
		foreign := trustRequest(part, u.Region, other.account, arn)
		if other.arn != "" {
			foreign.Context["aws:SourceArn"] = []string{other.arn}
		}
		r := trust.Evaluate(foreign)
		return r.Decision == iampolicy.Allowed || (r.Decision == iampolicy.NotAllowed && mayAllow(trust, foreign))
	}) {
		a.add(posture.Finding{ID: FindingTrustConfusedDeputy, Severity: posture.Medium, Resource: res,
			Message:     "Personalize acting for another account could assume the role: the trust policy's aws:SourceAccount or aws:SourceArn condition is missing or admits another account (the confused deputy problem).",
			Remediation: `Add "Condition": {"StringEquals": {"aws:SourceAccount": "<this account>"}} (and an ArnLike aws:SourceArn) to the trust statement.`})
	}
}

// source is the account and, if set, the resource ARN Personalize acts for.
type source struct{ account, arn string }

// ownSources are this account, and each resource of it the trust policy's
// aws:SourceArn conditions name.
func ownSources(own string, trust *iampolicy.Document) []source {
	out := []source{{account: own}}
	if own == "" {
		return out
	}
	for _, s := range trust.Statement {
		for _, v := range s.ValueConditions("aws:SourceArn") {
			if parts := strings.SplitN(v, ":", 6); len(parts) == 6 && parts[4] == own {
				out = append(out, source{account: own, arn: v})
			}
		}
	}
	return out
}

// otherSources are what the confused-deputy check tries: an unrelated
// account; the audited one with each digit changed, so that a pattern
// ("1111*", "*3333", "11112222333?") that matches this account is caught
// matching another one too; and every other account, or resource of another
// account, that the trust policy's conditions name.
func otherSources(own string, trust *iampolicy.Document) []source {
	out := []source{{account: foreignAccount}}
	for i := range len(own) {
		b := []byte(own)
		b[i] = '0' + (b[i]-'0'+1)%10
		out = append(out, source{account: string(b)})
	}
	for _, s := range trust.Statement {
		if s.Effect != iampolicy.Allow {
			continue
		}
		for _, v := range s.ValueConditions("aws:SourceAccount") {
			if v != own {
				out = append(out, source{account: v})
			}
		}
		for _, v := range s.ValueConditions("aws:SourceArn") {
			if parts := strings.SplitN(v, ":", 6); len(parts) == 6 && parts[4] != own {
				out = append(out, source{account: parts[4], arn: v})
			}
		}
	}
	return out
}

// mayAllow reports whether an Allow of d whose conditions cannot be
// evaluated may apply to r (a Deny that may apply makes Evaluate uncertain
// too, and must not count).
func mayAllow(d *iampolicy.Document, r iampolicy.Request) bool {
	var allows iampolicy.Document
	for _, s := range d.Statement {
		if s.Effect == iampolicy.Allow {
			allows.Statement = append(allows.Statement, s)
		}
	}
	return allows.Evaluate(r).Uncertain
}

func trustRequest(part, region, account, role string) iampolicy.Request {
	ctx := map[string][]string{}
	if account != "" {
		ctx["aws:SourceAccount"] = []string{account}
		ctx["aws:SourceArn"] = []string{"arn:" + part + ":personalize:" + region + ":" + account + ":dataset-group/audit"}
	}
	return iampolicy.Request{Actor: iampolicy.Service(iampolicy.PersonalizeService), Action: "sts:AssumeRole", Resource: role, Context: ctx}
}

// assumeActions are the actions that open a session of the role: a web
// identity or SAML provider named in the trust policy assumes it as surely
// as a principal allowed sts:AssumeRole.
var assumeActions = []string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"}

func assumes(s iampolicy.Statement) bool {
	if s.NotAction != nil {
		return true
	}
	for _, v := range s.Action {
		for _, act := range assumeActions {
			if iampolicy.Glob(v, act, true) {
				return true
			}
		}
	}
	return false
}

func onlyPersonalize(p *iampolicy.Principal) bool {
	if p == nil || len(p.AWS)+len(p.Federated)+len(p.CanonicalUser) > 0 {
		return false
	}
	for _, s := range p.Service {
		if !strings.EqualFold(s, iampolicy.PersonalizeService) {
			return false
		}
	}
	return len(p.Service) > 0
}

// touches reports whether an action pattern can name an action of service
// ("s3", "kms").
func touches(pattern, service string) bool {
	svc, _, found := strings.Cut(pattern, ":")
	if !found {
		return pattern == "*"
	}
	return iampolicy.Glob(svc, service, true)
}

// checkPermissions judges the role's permissions policies against what its
// Personalize resources use. complete says every policy was read: a missing
// grant is reported only then, for a policy the audit could not read may hold it.
func (a *auditor) checkPermissions(arn string, u Usage, docs []*iampolicy.Document, complete bool) {
	res := a.safe(arn)
	buckets := u.Buckets()
	// The combined document is read as 2012-10-17. A statement of an older
	// version, which has no policy variables, has its '$' spelled ${$} in
	// Resource and NotResource, so each pattern keeps its own version's
	// meaning (a 2012 ${*} the character, a 2008 "${b}" the text).
	combined := iampolicy.Document{Version: iampolicy.Version2012}
	for _, d := range docs {
		for _, s := range d.Statement {
			// Identity policies have no Principal: they apply to the role.
			s.Principal = &iampolicy.Principal{AWS: iampolicy.Values{arn}}
			combined.Statement = append(combined.Statement, s)
			if d.Version != iampolicy.Version2012 {
				last := &combined.Statement[len(combined.Statement)-1]
				last.Resource, last.NotResource = literalDollars(s.Resource), literalDollars(s.NotResource)
			}
			if s.Effect != iampolicy.Allow {
				continue
			}
			s3, kmsUse := s.NotAction != nil, s.NotAction != nil
			for _, v := range s.Action {
				s3 = s3 || touches(v, "s3")
				kmsUse = kmsUse || touches(v, "kms")
			}
			if !s3 && !kmsUse {
				continue
			}
			if s.NotAction != nil || slices.ContainsFunc(s.Action, func(v string) bool {
				return strings.ContainsAny(v, "*?") && (touches(v, "s3") || touches(v, "kms"))
			}) {
				a.add(posture.Finding{ID: FindingRoleWildcardAction, Severity: posture.High, Resource: res,
					Message:     "A permissions policy of the role allows S3 or KMS actions by wildcard or NotAction, more than Personalize needs.",
					Remediation: "Replace the statement with the actions `personalizeguard policy role` lists.",
					Control:     "Security Hub IAM.21"})
			}
			a.checkResources(res, s, s3, kmsUse, u, buckets)
		}
	}
	if !complete {
		return
	}
	for _, need := range needs(u) {
		r := combined.Evaluate(iampolicy.Request{Actor: iampolicy.AWSPrincipal(arn), Action: need.action, Resource: need.resource})
		if r.Decision != iampolicy.Allowed && !r.Uncertain {
			a.add(posture.Finding{ID: FindingRoleMissingAccess, Severity: posture.High, Resource: res,
				Message:     "The role's policies do not allow " + need.action + " on " + a.safe(need.resource) + ", which its Personalize resources use.",
				Remediation: "Attach the policy `personalizeguard policy role` prints."})
		}
	}
}

// literalDollars spells each '$' of v as ${$}, in a new slice (the
// caller's document is not changed); nil stays nil.
func literalDollars(v iampolicy.Values) iampolicy.Values {
	if v == nil {
		return nil
	}
	out := make(iampolicy.Values, len(v))
	for i, p := range v {
		out[i] = strings.ReplaceAll(p, "$", "${$}")
	}
	return out
}

// Resources no policy names on purpose: a pattern that matches them matches
// every bucket, object or key, whatever its text looks like ("arn:aws:s3:*:*:*",
// "arn:aws:*:*:*:*").
const (
	probeBucket = "audit-probe-no-such-bucket"
	probeKey    = "key/00000000-0000-0000-0000-000000000000"
)

// literalEscapes drops the 2012-10-17 spellings of literal characters, so
// that what is left shows the real wildcards.
var literalEscapes = strings.NewReplacer("${*}", "", "${?}", "", "${$}", "")

func (a *auditor) checkResources(res string, s iampolicy.Statement, s3, kmsUse bool, u Usage, buckets []string) {
	keys := u.Keys
	part := cmp.Or(u.Partition, "aws")
	wild := func() {
		a.add(posture.Finding{ID: FindingRoleWildcardResource, Severity: posture.High, Resource: res,
			Message:     "A permissions policy of the role allows S3 or KMS actions on every resource, or on buckets or keys by wildcard.",
			Remediation: "Name the buckets, prefixes and keys Personalize uses, as `personalizeguard policy role` does."})
	}
	if s.NotResource != nil {
		wild()
		return
	}
	for _, r := range s.Resource {
		switch {
		case r == "*",
			s3 && (iampolicy.Glob(r, "arn:"+part+":s3:::"+probeBucket, false) || iampolicy.Glob(r, "arn:"+part+":s3:::"+probeBucket+"/"+probeBucket, false)),
			kmsUse && iampolicy.Glob(r, "arn:"+part+":kms:"+u.Region+":"+cmp.Or(u.AccountID, foreignAccount)+":"+probeKey, false):
			wild()
		case s3 && strings.HasPrefix(r, "arn:") && strings.Contains(r, ":s3:::"):
			_, rest, _ := strings.Cut(r, ":s3:::")
			bucket, _, _ := strings.Cut(rest, "/")
			switch {
			case strings.ContainsAny(bucket, "*?") || bucket == "":
				wild()
			case !slices.Contains(buckets, bucket):
				a.unused(res, "bucket "+a.safe(bucket))
			}
		case kmsUse && strings.Contains(r, ":kms:"):
			switch {
			case strings.ContainsAny(literalEscapes.Replace(r), "*?"):
				wild()
			case !slices.Contains(keys, r) && !slices.Contains(literalKeys(keys), r):
				a.unused(res, "key "+a.safe(r))
			}
		}
	}
}

func (a *auditor) unused(res, what string) {
	if a.partial {
		return
	}
	a.add(posture.Finding{ID: FindingRoleUnusedResource, Severity: posture.Medium, Resource: res,
		Message:     "A permissions policy of the role allows access to " + what + ", which no Personalize resource of the role uses.",
		Remediation: "Remove it from the role's policies; give each workload its own role."})
}

type need struct{ action, resource string }

// needs lists what Personalize does with the role: a probe object under each
// prefix read or written, ListBucket on each bucket, the KMS actions on each
// key.
func needs(u Usage) []need {
	part := u.Partition
	var out []need
	for _, l := range u.Locations {
		obj := "arn:" + part + ":s3:::" + l.Location.Bucket + "/" + l.Location.Key
		if l.Location.IsPrefix() {
			obj += "part-00000"
		}
		act := "s3:GetObject"
		if l.Direction == s3guard.Write {
			act = "s3:PutObject"
		}
		out = append(out, need{act, obj}, need{"s3:ListBucket", "arn:" + part + ":s3:::" + l.Location.Bucket})
	}
	for _, k := range u.Keys {
		for _, act := range kms.RequiredActions(u.Exports) {
			out = append(out, need{act, k})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
