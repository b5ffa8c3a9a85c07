package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/audit"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// auditOwner is the identifying value the broken account's tag carries: the
// audit must find it and never print it.
const auditOwner = "jane.doe@example.com"

// skippedAuditOnAWS says why the account audit does not run with -target
// aws: it reads the whole account, which is what `personalizeguard audit` is
// for.
const skippedAuditOnAWS = "skipped against AWS: run `personalizeguard audit -region R` to audit the account (read-only)"

// accountAudit runs the account audit (package audit, the library behind
// `personalizeguard audit`) on an emulated account of its own, set up as
// AWS's page asks, then on the same account with three things broken: it
// expects no finding first, then exactly four (the stopped trail was the
// Region's only logging trail, which is a finding of its own).
func (s *steps) accountAudit(ctx context.Context, su setup) error {
	fmt.Fprintln(s.w, "\nThe account around Personalize (package audit; `personalizeguard audit` runs the same checks):")
	if su.local == nil {
		s.step("Audit the account")
		fmt.Fprintf(s.w, "   %s\n", skippedAuditOnAWS)
		return nil
	}
	// A second emulated account, so that the audit sees an account set up
	// as the page asks, not the resources the steps above left behind.
	srv, err := personalizetest.Start(ctx, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	if err != nil {
		return s.fail(err)
	}
	defer srv.Close()
	acct, err := srv.SeedAccount(ctx)
	if err != nil {
		return s.fail(err)
	}
	clients, err := audit.NewClients(srv.Config())
	if err != nil {
		return s.fail(err)
	}
	run := func() (*audit.Result, int, error) {
		srv.ResetRequests()
		res, err := audit.Run(ctx, clients, func(o *audit.Options) { o.Region = srv.Config().Region })
		return res, len(srv.Requests()), err
	}

	s.step("Audit an account set up as AWS's page asks: root MFA, a service role trusted only by Personalize, a multi-Region trail, Macie, KMS everywhere")
	res, calls, err := run()
	if err != nil {
		return s.fail(err)
	}
	if n := len(res.Report.Findings); n != 0 {
		s.failed++
		fmt.Fprintf(s.w, "   UNEXPECTED: %d findings on the good account\n", n)
		s.printFindings(res)
	} else {
		s.ok("no finding; %d read-only AWS calls (STS, IAM, CloudTrail, Macie, Personalize, KMS, S3)", calls)
	}

	s.step("The same account with root MFA off, the trail stopped, and a dataset group tagged owner=<a customer's e-mail address> by a client without the guard")
	srv.SetRootMFA(false)
	if _, err := srv.PutTrail(personalizetest.Trail{Name: acct.TrailName, S3BucketName: acct.TrailBucket, KMSKeyID: acct.TrailKeyARN,
		MultiRegion: true, LogFileValidation: true, Logging: false, ManagementEvents: "All"}); err != nil {
		return s.fail(err)
	}
	// The guard would refuse this tag; the audit finds it wherever it came from.
	if _, err := awspersonalize.NewFromConfig(srv.Config()).CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{
		Name: aws.String("quickstart-untracked"), KmsKeyArn: aws.String(acct.KeyARN), RoleArn: aws.String(acct.RoleARN),
		Tags: []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String(auditOwner)}},
	}); err != nil {
		return s.fail(err)
	}
	res, _, err = run()
	if err != nil {
		return s.fail(err)
	}
	s.printFindings(res)
	want := []string{audit.FindingRootMFADisabled, audit.FindingTrailMissing, audit.FindingTrailNotLogging, audit.FindingTagIdentifying}
	got := res.Report.IDs()
	var out bytes.Buffer
	if err := res.Report.WriteJSON(&out); err != nil {
		return s.fail(err)
	}
	switch {
	case !sameIDs(want, got):
		s.failed++
		fmt.Fprintf(s.w, "   UNEXPECTED: findings %v, want %v\n", got, want)
	case strings.Contains(out.String(), auditOwner) || strings.Contains(out.String(), "jane.doe"):
		s.failed++
		fmt.Fprintln(s.w, "   UNEXPECTED: the report repeats the tag's value")
	default:
		s.ok("exactly these four findings; the report names the tagged resource, never the tag's value")
	}
	return nil
}

// printFindings prints one line per finding: severity, ID, resource and the
// Security Hub control, as `personalizeguard audit` tabulates them.
func (s *steps) printFindings(res *audit.Result) {
	for _, f := range res.Report.Findings {
		control := ""
		if f.Control != "" {
			control = " (" + f.Control + ")"
		}
		fmt.Fprintf(s.w, "   finding: %s %s on %s%s\n", f.Severity, f.ID, f.Resource, control)
	}
}

// sameIDs reports whether got holds exactly the IDs of want, in any order.
func sameIDs(want, got []string) bool {
	w, g := slices.Clone(want), slices.Clone(got)
	slices.Sort(w)
	slices.Sort(g)
	return slices.Equal(w, g)
}
