package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/personalizeguard/personalizeguard/audit"
	"github.com/personalizeguard/personalizeguard/posture"
)

// failOn maps -fail-on to the least severity that fails the command.
var failOn = map[string]posture.Severity{"critical": posture.Critical, "high": posture.High, "medium": posture.Medium, "low": posture.Low}

func (c *command) audit(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	region := fs.String("region", "", "the `REGION` to audit (default: the AWS configuration's)")
	format := fs.String("format", "table", "output `format`: table, json or sarif")
	fail := fs.String("fail-on", "medium", "exit with status 1 on a finding of this `severity` or worse: critical, high, medium or low")
	concurrency := fs.Int("concurrency", audit.DefaultConcurrency, "at most `N` AWS calls in flight")
	timeout := fs.Duration("timeout", audit.DefaultTimeout, "a read not answered within `D` is the finding "+audit.FindingReadFailed)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: personalizeguard audit [-region R] [-format table|json|sarif] [-fail-on critical|high|medium|low] [-concurrency N] [-timeout D]\n\n"+
			"Audits the account's Amazon Personalize resources and their surroundings (identity, service roles, CloudTrail,\n"+
			"Macie, KMS keys, S3 buckets) against AWS's data-protection recommendations. Reads only; needs the permissions of\n"+
			"the AWS managed policy SecurityAudit. A read that is refused is a finding, never a pass.\n\n")
		fs.PrintDefaults()
	}
	if code, done := c.parse(fs, args); done {
		return code
	}
	min, ok := failOn[*fail]
	switch {
	case *format != "table" && *format != "json" && *format != "sarif":
		return c.usageError(fs, "-format must be table, json or sarif")
	case !ok:
		return c.usageError(fs, "-fail-on must be critical, high, medium or low")
	case *concurrency < 1:
		return c.usageError(fs, "-concurrency must be at least 1")
	case *timeout <= 0:
		return c.usageError(fs, "-timeout must be positive")
	case fs.NArg() > 0:
		return c.usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	cfg, err := c.awsConfig(ctx, *region)
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard audit: %v\n", err)
		return exitError
	}
	clients, err := audit.NewClients(cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard audit: %v\n", err)
		return exitError
	}
	prog := c.newAuditProgress()
	res, err := audit.Run(ctx, clients, func(o *audit.Options) {
		o.Region, o.Concurrency, o.Timeout = cfg.Region, *concurrency, *timeout
		if prog != nil {
			o.Progress = prog.update
		}
	})
	prog.done()
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard audit: %v\n", err)
		return exitError
	}
	switch *format {
	case "json":
		err = res.Report.WriteJSON(c.stdout)
	case "sarif":
		err = res.Report.WriteSARIF(c.stdout, func(o *posture.SARIFOptions) { o.Category = "personalizeguard-audit/" + cfg.Region })
	default:
		err = writeAuditTable(c.stdout, res, min)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard audit: %v\n", err)
		return exitError
	}
	if n := res.Unread(); n > 0 {
		// A read not made may hide a finding of any severity, a Critical
		// one included: whatever -fail-on says, this is not a pass.
		fmt.Fprintf(c.stderr, "personalizeguard audit: %d reads could not be made (%s, %s): the audit is incomplete, not a pass\n",
			n, audit.FindingReadDenied, audit.FindingReadFailed)
		return exitFindings
	}
	if !res.Report.Passed(min) {
		return exitFindings
	}
	return exitOK
}

// writeAuditTable writes the findings, then a line that says what fails.
func writeAuditTable(w io.Writer, res *audit.Result, min posture.Severity) error {
	if len(res.Report.Findings) == 0 {
		_, err := fmt.Fprintf(w, "%s: no findings\n", res.Report.Resource)
		return err
	}
	if err := res.Report.WriteTable(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s: %d findings, %d at %s or worse\n", res.Report.Resource, len(res.Report.Findings),
		len(res.Report.Blocking(min)), min)
	return err
}

// auditProgress draws "checks: 120 of 1,050 reads" on a terminal, as the
// scan's progress line does, at most every progressInterval.
type auditProgress struct {
	w     io.Writer
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func (c *command) newAuditProgress() *auditProgress {
	if !c.progress {
		return nil
	}
	return &auditProgress{w: c.stderr}
}

func (p *auditProgress) update(s audit.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < progressInterval {
		return
	}
	p.last, p.drawn = now, true
	fmt.Fprintf(p.w, "\r\x1b[K%s: %s of %s reads", s.Stage, thousands(int64(s.Done)), thousands(int64(s.Total)))
}

func (p *auditProgress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
