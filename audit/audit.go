package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/internal/awserr"
	"github.com/personalizeguard/personalizeguard/internal/checkcache"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// DefaultConcurrency is how many reads the audit has in flight at most, unless
// Options.Concurrency says otherwise.
const DefaultConcurrency = 8

// Options tune Run. Region is required; zero values of the other fields take
// the defaults.
type Options struct {
	// Region is the audited Region: the Region of every client in Clients.
	Region string
	// Concurrency bounds the reads in flight. Default [DefaultConcurrency].
	// Throttled calls are retried by each client's retryer, with backoff.
	Concurrency int
	// Timeout bounds each read: a call to STS, IAM, CloudTrail, Macie or
	// Personalize (one page of a listing), its retries included, and a
	// round of the KMS or S3 calls about one key or bucket. A read that
	// times out is a FindingReadFailed finding, as any failed read is.
	// Default [DefaultTimeout].
	Timeout time.Duration
	// Detector finds identifying values in names and tags; nil means
	// sensitive.Default().
	Detector *sensitive.Detector
	// Progress, if set, is called as resources are read, from any
	// goroutine, one call at a time.
	Progress func(Progress)
}

// Progress says how far the audit is: Done of Total reads of the current
// Stage ("inventory", "resources", "checks").
type Progress struct {
	Stage       string
	Done, Total int
}

// Unread returns how many reads the audit could not make (the findings
// FindingReadDenied and FindingReadFailed). A Result with any is
// incomplete, whatever its Report's Passed says: a read not made may hide
// a finding of any severity, and those findings are High, so
// Passed(posture.Critical) holds on an account whose root checks never
// ran. Treat Unread() > 0 as a failure (the CLI's audit does).
func (r *Result) Unread() int {
	n := 0
	for _, f := range r.Report.Findings {
		if f.ID == FindingReadDenied || f.ID == FindingReadFailed {
			n++
		}
	}
	return n
}

// ArgumentError reports a missing client or option, found before any call.
type ArgumentError struct {
	Field  string // "Clients.IAM", "Options.Region"
	Reason string
}

func (e *ArgumentError) Error() string { return "audit: " + e.Field + " " + e.Reason }

// Result is what Run found.
type Result struct {
	// Report holds every finding, most serious first. A read that failed is
	// a finding (FindingReadDenied, FindingReadFailed), never a pass.
	Report posture.Report
	// AccountID and Partition are the caller's, from STS; empty when STS
	// could not be read.
	AccountID, Partition string
	Region               string
	// Usage is what the account's Personalize resources use: S3 locations
	// and KMS keys, over every role.
	Usage Usage
	// Roles is the Usage of each service role, by role ARN: what
	// [RolePolicy] needs to write that role's least-privilege policy.
	Roles map[string]Usage
}

// Run audits the account and Region of the clients against AWS's data
// protection recommendations for Amazon Personalize. It returns an error only
// for invalid arguments (before any call) or when ctx ends; everything the
// audit could not read is a finding.
func Run(ctx context.Context, c Clients, optFns ...func(*Options)) (*Result, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if err := validate(c, &o, false); err != nil {
		return nil, err
	}
	a := &auditor{c: withTimeouts(c, o.Timeout), o: o, det: o.Detector, sem: make(chan struct{}, o.Concurrency)}
	if a.det == nil {
		a.det = sensitive.Default()
	}
	res, err := a.run(ctx)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ReadUsage reads only what the account's Personalize resources use (their
// S3 locations and KMS keys, per role), for [RolePolicy]: it lists and
// describes them, and asks STS for the account. Only Clients.STS and
// Clients.Personalize are used. A policy written from a partial inventory
// would lock Personalize out of what the audit did not see, so any failed read,
// or a job location s3guard cannot parse, makes it fail with an
// *IncompleteError.
func ReadUsage(ctx context.Context, c Clients, optFns ...func(*Options)) (*Result, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	only := Clients{STS: c.STS, Personalize: c.Personalize}
	if err := validate(only, &o, true); err != nil {
		return nil, err
	}
	a := &auditor{c: withTimeouts(only, o.Timeout), o: o, det: o.Detector, sem: make(chan struct{}, o.Concurrency), usageOnly: true}
	if a.det == nil {
		a.det = sensitive.Default()
	}
	res, err := a.run(ctx)
	if err != nil {
		return nil, err
	}
	if len(res.Report.Findings) > 0 {
		return nil, &IncompleteError{Findings: res.Report.Findings}
	}
	return res, nil
}

// IncompleteError says that ReadUsage could not read everything; its
// findings name the permissions that were missing.
type IncompleteError struct {
	Findings []posture.Finding
}

func (e *IncompleteError) Error() string {
	if len(e.Findings) == 0 {
		return "audit: reads failed"
	}
	return fmt.Sprintf("audit: %d reads failed, the first: %s", len(e.Findings), e.Findings[0].Message)
}

// validate checks the options, and the clients: all of them, or for
// ReadUsage (usageOnly) just STS and Personalize.
func validate(c Clients, o *Options, usageOnly bool) error {
	for _, f := range []struct {
		name    string
		missing bool
		usage   bool
	}{
		{"Clients.STS", c.STS == nil, true}, {"Clients.Personalize", c.Personalize == nil, true},
		{"Clients.IAM", c.IAM == nil, false}, {"Clients.CloudTrail", c.CloudTrail == nil, false}, {"Clients.Macie", c.Macie == nil, false},
		{"Clients.KMS", c.KMS == nil, false}, {"Clients.S3", c.S3 == nil, false},
	} {
		if f.missing && (f.usage || !usageOnly) {
			return &ArgumentError{Field: f.name, Reason: "is required"}
		}
	}
	if o.Region == "" {
		return &ArgumentError{Field: "Options.Region", Reason: "is required"}
	}
	if o.Concurrency < 0 {
		return &ArgumentError{Field: "Options.Concurrency", Reason: "is negative"}
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Timeout < 0 {
		return &ArgumentError{Field: "Options.Timeout", Reason: "is negative"}
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return nil
}

type auditor struct {
	c   Clients
	o   Options
	det *sensitive.Detector
	sem chan struct{}

	mu       sync.Mutex
	findings []posture.Finding
	seen     map[string]bool

	progressMu sync.Mutex
	usageOnly  bool // ReadUsage: inventory only
	// partial is set when a read of the inventory failed: what the
	// resources use is then known only in part, so access to something
	// else is not reported as unused.
	partial bool

	// The key and bucket checkers of stage 3: each key and bucket is read
	// once, however many resources use it.
	keys    *kms.Checker
	buckets *s3guard.Checker
}

// add records findings, once each: many jobs share a bucket, and the bucket
// check reports the same finding for each of them.
func (a *auditor) add(fs ...posture.Finding) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	for _, f := range fs {
		k := f.ID + "\x00" + f.Resource + "\x00" + f.Message
		if a.seen[k] {
			continue
		}
		a.seen[k] = true
		a.findings = append(a.findings, f)
	}
}

// safe returns s with every identifying value replaced by its kind, for
// use as a finding's resource: a resource named with an e-mail address has
// that address in its ARN too.
func (a *auditor) safe(s string) string { return a.det.Redact(s) }

// readFailed records that a read could not be made. permission is the IAM
// action it needs ("iam:GetRole"). The message says why in fixed words, never
// the SDK's text, which can quote resource names.
func (a *auditor) readFailed(resource, permission string, err error) {
	f := posture.Finding{ID: FindingReadFailed, Severity: posture.High, Resource: a.safe(resource),
		Remediation: "Run the audit with a role that may call " + permission +
			" (the AWS managed policy SecurityAudit grants every read the audit makes), then run it again."}
	why := "it failed"
	switch {
	case awserr.AccessDenied(err):
		f.ID, why = FindingReadDenied, "access was denied"
	case errors.Is(err, errRepeatedToken), errors.Is(err, errEndlessListing), errors.Is(err, errNoMarker):
		why = err.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		why = "it timed out or was canceled"
	case errors.As(err, new(*checkcache.TimeoutError)):
		// A KMS or S3 round's own limit (Options.Timeout), which does not
		// unwrap to DeadlineExceeded.
		why = "it timed out"
	case awserr.Code(err) != "":
		why = "AWS answered " + awserr.Code(err)
	case awserr.HTTPStatus(err) != 0:
		why = fmt.Sprintf("AWS answered HTTP %d", awserr.HTTPStatus(err))
	}
	f.Message = fmt.Sprintf("The audit could not call %s (%s), so what it reads is not checked; this is not a pass.", permission, why)
	a.add(f)
}

// group runs tasks with at most Options.Concurrency in flight. Tasks of one
// group do not start groups of their own, so the bound holds for the
// whole audit.
type group struct {
	a     *auditor
	wg    sync.WaitGroup
	stage string
	total atomic.Int64
	done  atomic.Int64
}

func (a *auditor) group(stage string) *group { return &group{a: a, stage: stage} }

func (g *group) Go(ctx context.Context, fn func(context.Context)) {
	g.total.Add(1)
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case g.a.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-g.a.sem }()
		fn(withTaskLock(ctx))
		g.a.taskDone(g)
	}()
}

func (g *group) Wait() { g.wg.Wait() }

// taskDone counts one of g's tasks done and reports the progress. The count
// is taken under the lock that orders the reports: taken before it, two
// tasks ending together could report 5 of 6 after 6 of 6.
func (a *auditor) taskDone(g *group) {
	if a.o.Progress == nil {
		g.done.Add(1)
		return
	}
	a.progressMu.Lock()
	defer a.progressMu.Unlock()
	d := g.done.Add(1)
	a.o.Progress(Progress{Stage: g.stage, Done: int(d), Total: int(g.total.Load())})
}

func (a *auditor) run(ctx context.Context) (*Result, error) {
	res := &Result{Region: a.o.Region, Roles: map[string]Usage{}}

	// Stage 1: who is calling, and what exists.
	var inv inventory
	g := a.group("inventory")
	g.Go(ctx, func(ctx context.Context) { res.AccountID, res.Partition = a.identity(ctx) })
	a.listAll(ctx, g, &inv)
	g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res.Partition == "" {
		res.Partition = "aws"
	}

	// Stage 2: what each resource says (roles, keys, locations) and its tags.
	g = a.group("resources")
	a.describeAll(ctx, g, &inv)
	g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !a.usageOnly {
		a.checkNames(&inv)
	}
	use := inv.usage(res.Partition, a.o.Region, res.AccountID)
	res.Usage = use.all
	for role, u := range use.roles {
		res.Roles[role] = *u
	}

	for _, f := range a.findings {
		a.partial = a.partial || f.ID == FindingReadDenied || f.ID == FindingReadFailed
	}
	if a.usageOnly {
		// A location left out of the usage (see inventory.usage) makes it
		// partial, as a failed read does.
		for _, r := range inv.resources {
			for _, l := range r.locs {
				_, _ = a.parseLocation(r, l)
			}
		}
		res.Report = posture.Report{Check: ReportCheck, Resource: accountResource(res), Findings: a.sorted()}
		return res, nil
	}

	// Stage 3: the checks, each remote answer read once.
	a.keys = kms.NewChecker(a.c.KMS, func(o *kms.CheckerOptions) { o.Timeout = a.o.Timeout })
	a.buckets = s3guard.NewChecker(serialS3{a.c.S3}, s3guard.Requirements{Region: a.o.Region, AccountID: res.AccountID, AllowedKMSKeys: res.Usage.Keys,
		TrustedAccountIDs: keyAccounts(res.Usage.Keys, res.AccountID)},
		func(o *s3guard.CheckerOptions) { o.Detector, o.Timeout = a.det, a.o.Timeout })
	g = a.group("checks")
	a.checkDatasetGroups(ctx, g, &inv, res)
	a.checkLocations(ctx, g, &inv, res)
	a.checkRoles(ctx, g, res)
	g.Go(ctx, func(ctx context.Context) { a.checkCloudTrail(ctx, res) })
	g.Go(ctx, func(ctx context.Context) { a.checkMacie(ctx, &inv) })
	g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	res.Report = posture.Report{Check: ReportCheck, Resource: accountResource(res), Findings: a.sorted()}
	return res, nil
}

// keyAccounts returns the accounts other than own that hold one of keys,
// each once: a bucket policy may let them reach the data without
// s3.bucket-policy-foreign-account, as the guard lets the account of its
// configured key (see s3guard.Requirements.TrustedAccountIDs).
func keyAccounts(keys []string, own string) []string {
	var out []string
	for _, k := range keys {
		if p, ok := awsarn.Split(k); ok && awsarn.Account(p.Account) && p.Account != own && !slices.Contains(out, p.Account) {
			out = append(out, p.Account)
		}
	}
	return out
}

// sorted orders the findings by descending severity, then ID, resource and
// message, so that one account always gives the same report.
func (a *auditor) sorted() []posture.Finding {
	fs := slices.Clone(a.findings)
	slices.SortFunc(fs, func(x, y posture.Finding) int {
		if x.Severity != y.Severity {
			return int(y.Severity - x.Severity)
		}
		if c := strings.Compare(x.ID, y.ID); c != 0 {
			return c
		}
		if c := strings.Compare(x.Resource, y.Resource); c != 0 {
			return c
		}
		return strings.Compare(x.Message, y.Message)
	})
	return fs
}

func accountResource(res *Result) string {
	if res.AccountID == "" {
		return "account (unknown) in " + res.Region
	}
	return "account " + res.AccountID + " in " + res.Region
}
