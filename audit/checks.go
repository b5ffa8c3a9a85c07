package audit

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/internal/awserr"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// merge adds the findings of a kms or s3guard report, redacted: a location's
// key may hold what a name must not. A remediation may quote a policy
// statement naming the same role or location: the values found in the
// resource and message are redacted there too, and nothing else, so that
// the account ID a statement's aws:SourceAccount needs stays.
func (a *auditor) merge(r posture.Report) {
	for _, f := range r.Findings {
		var values []string
		for _, s := range []string{f.Resource, f.Message} {
			for _, v := range a.det.Find(s) {
				values = append(values, s[v.Start:v.End], "[REDACTED:"+string(v.Kind)+"]")
			}
		}
		if len(values) > 0 {
			f.Remediation = strings.NewReplacer(values...).Replace(f.Remediation)
		}
		f.Resource, f.Message = a.safe(f.Resource), a.safe(f.Message)
		a.add(f)
	}
}

// checkDatasetGroups checks each dataset group's key with package kms. The
// kms.Checker reads each key once, whatever the number of groups using it.
func (a *auditor) checkDatasetGroups(ctx context.Context, g *group, inv *inventory, res *Result) {
	kc := a.keys
	for _, r := range inv.resources {
		if r.kind != kindDatasetGroup || !r.described {
			continue
		}
		if r.key == "" {
			a.add(posture.Finding{ID: FindingDatasetGroupNoKey, Severity: posture.Medium, Resource: a.safe(r.arn),
				Message:     "The dataset group is encrypted with an AWS owned key, not a customer managed key the account controls and audits.",
				Remediation: "Create a new dataset group with KmsKeyArn and RoleArn (`personalizeguard policy key` prints the key policy) and move the data; a group's key cannot be changed."})
			continue
		}
		exports := res.Roles[r.role].Exports
		g.Go(ctx, func(ctx context.Context) {
			rep, err := kc.Check(ctx, kms.CheckInput{KeyARN: r.key, RoleARN: r.role, Region: a.o.Region, Exports: exports,
				AccountID: res.AccountID, SourceARN: r.arn})
			var ce *kms.CheckError
			switch {
			case errors.As(err, &ce):
				a.readFailed(r.key, ce.Permission, err)
			case err != nil:
				a.readFailed(r.key, "kms:DescribeKey", err)
			default:
				a.merge(rep)
			}
		})
	}
}

// parseLocation parses a job's location; one s3guard refuses is a finding.
func (a *auditor) parseLocation(r *resource, l jobLocation) (s3guard.Location, error) {
	loc, err := s3guard.ParseLocation(l.raw)
	var le *s3guard.LocationError
	if errors.As(err, &le) {
		a.add(posture.Finding{ID: FindingJobLocationInvalid, Severity: posture.High, Resource: a.safe(r.arn),
			Message:     "The " + r.kind + "'s " + l.field + " breaks rule " + le.Rule + ": " + le.Reason,
			Remediation: "Use an s3:// location without credentials or query; CloudTrail recorded this one as written."})
	}
	return loc, err
}

// checkLocations checks every job's S3 locations with package s3guard: each
// bucket is read once, each distinct location and direction judged once.
func (a *auditor) checkLocations(ctx context.Context, g *group, inv *inventory, res *Result) {
	sc := a.buckets
	type use struct {
		loc s3guard.Location
		dir s3guard.Direction
	}
	seen := map[use]bool{}
	for _, r := range inv.resources {
		for _, l := range r.locs {
			loc, err := a.parseLocation(r, l)
			if err != nil || seen[use{loc, l.dir}] {
				continue
			}
			seen[use{loc, l.dir}] = true
			g.Go(ctx, func(ctx context.Context) {
				rep, err := sc.CheckLocation(ctx, loc, l.dir)
				var ce *s3guard.CheckError
				switch {
				case errors.As(err, &ce):
					a.readFailed(loc.Bucket, ce.Permission, err)
				case err != nil:
					a.readFailed(loc.Bucket, "s3:GetBucketLocation", err)
				default:
					a.merge(rep)
				}
			})
		}
	}
}

// trailBucketFindings are the s3guard findings that apply to a trail's
// bucket; the others are about Personalize's grant, which it does not need.
var trailBucketFindings = map[string]bool{
	s3guard.FindingBucketNotFound: true, s3guard.FindingEncryptionMissing: true,
	s3guard.FindingPolicyMissing: true, s3guard.FindingPolicyUnparsable: true, s3guard.FindingPolicyPublic: true,
	s3guard.FindingTLSOnlyMissing: true, s3guard.FindingTLSOnlyIncomplete: true,
	s3guard.FindingPublicAccessBlockMissing: true, s3guard.FindingPublicAccessBlockIncomplete: true,
	s3guard.FindingACLsEnabled: true,
}

// checkCloudTrail looks for a trail that logs the Region's management events
// and checks each trail's validation, encryption and bucket.
func (a *auditor) checkCloudTrail(ctx context.Context, res *Result) {
	region := "CloudTrail in " + a.o.Region
	out, err := a.c.CloudTrail.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		a.readFailed(region, "cloudtrail:DescribeTrails", err)
		return
	}
	var (
		logging, all, multi bool
		unknown             bool // a trail whose status or selectors could not be read
		buckets             = map[string]bool{}
	)
	for _, t := range out.TrailList {
		arn := aws.ToString(t.TrailARN)
		if arn == "" {
			arn = aws.ToString(t.Name)
		}
		id := a.safe(arn) // a trail's name may hold an identifying value
		st, err := a.c.CloudTrail.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(arn)})
		if err != nil {
			a.readFailed(arn, "cloudtrail:GetTrailStatus", err)
			unknown = true
			continue
		}
		sel, err := a.c.CloudTrail.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(arn)})
		if err != nil {
			a.readFailed(arn, "cloudtrail:GetEventSelectors", err)
			unknown = true
			continue
		}
		mgmt, mgmtAll := managementEvents(sel)
		isLogging := aws.ToBool(st.IsLogging)
		if !isLogging {
			a.add(posture.Finding{ID: FindingTrailNotLogging, Severity: posture.Medium, Resource: id,
				Message:     "The trail is not logging.",
				Remediation: "Start logging (aws cloudtrail start-logging), or delete the trail if another one covers the Region.",
				Control:     "Security Hub CloudTrail.1"})
		}
		delivered := true
		if e := aws.ToString(st.LatestDeliveryError); e != "" {
			delivered = false
			a.add(posture.Finding{ID: FindingTrailDeliveryFailing, Severity: posture.Medium, Resource: id,
				Message:     "CloudTrail could not deliver the trail's latest log files to its bucket" + s3ErrorCode(e) + "; until it can, the events are not recorded there.",
				Remediation: "Let CloudTrail write to the bucket (its bucket policy, and the key policy of the trail's KMS key), or point the trail at a bucket it can write to: aws cloudtrail update-trail --s3-bucket-name."})
		}
		if isLogging && mgmt && delivered {
			logging = true
			all = all || mgmtAll
			multi = multi || (mgmtAll && aws.ToBool(t.IsMultiRegionTrail))
		}
		if !aws.ToBool(t.LogFileValidationEnabled) {
			a.add(posture.Finding{ID: FindingTrailValidationOff, Severity: posture.Medium, Resource: id,
				Message:     "Log file validation is off, so changes to the trail's log files cannot be detected.",
				Remediation: "Turn it on: aws cloudtrail update-trail --enable-log-file-validation.",
				Control:     "Security Hub CloudTrail.4"})
		}
		if aws.ToString(t.KmsKeyId) == "" {
			a.add(posture.Finding{ID: FindingTrailNotKMS, Severity: posture.Medium, Resource: id,
				Message:     "The trail's log files are not encrypted with a KMS key.",
				Remediation: "Set a customer managed key: aws cloudtrail update-trail --kms-key-id.",
				Control:     "Security Hub CloudTrail.2"})
		}
		if b := aws.ToString(t.S3BucketName); b != "" && !buckets[b] {
			buckets[b] = true
			a.checkTrailBucket(ctx, b)
		}
	}
	switch {
	case unknown && !all:
		// A trail the audit could not read may be the one; the read
		// failure is the finding.
	case !logging:
		a.add(posture.Finding{ID: FindingTrailMissing, Severity: posture.High, Resource: region,
			Message:     "No trail logs the Region's management events, so nothing records who called Personalize, KMS or IAM.",
			Remediation: "Create a multi-Region trail logging read and write management events, with log file validation, into a KMS-encrypted bucket.",
			Control:     "Security Hub CloudTrail.1"})
	case !all:
		a.add(posture.Finding{ID: FindingTrailManagementPartial, Severity: posture.Medium, Resource: region,
			Message:     "The trails log only read or only write management events, or leave out an event source (KMS's, for one).",
			Remediation: "Log them all: set ReadWriteType to All on a trail's event selector, with no ExcludeManagementEventSources (no readOnly or eventSource field in an advanced selector).",
			Control:     "Security Hub CloudTrail.1"})
	case !multi:
		a.add(posture.Finding{ID: FindingTrailNotMultiRegion, Severity: posture.Medium, Resource: region,
			Message:     "No multi-Region trail logs all management events; activity in other Regions goes unrecorded.",
			Remediation: "Make the trail multi-Region: aws cloudtrail update-trail --is-multi-region-trail.",
			Control:     "Security Hub CloudTrail.1"})
	}
}

// s3ErrorCode names an S3 error code, such as AccessDenied, for the
// message; anything else CloudTrail might put there is left out unread.
func s3ErrorCode(e string) string {
	if len(e) > 64 {
		return ""
	}
	for i := 0; i < len(e); i++ {
		if c := e[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return ""
		}
	}
	return " (S3 answered " + e + ")"
}

// managementEvents reads a trail's selectors: whether it logs management
// events, and whether all of them: reads and writes, of every source (a
// selector may leave out KMS's, which record Personalize's use of the keys).
func managementEvents(sel *cloudtrail.GetEventSelectorsOutput) (mgmt, all bool) {
	for _, s := range sel.EventSelectors {
		if !aws.ToBool(s.IncludeManagementEvents) {
			continue
		}
		mgmt = true
		if (s.ReadWriteType == cttypes.ReadWriteTypeAll || s.ReadWriteType == "") && len(s.ExcludeManagementEventSources) == 0 {
			all = true
		}
	}
	for _, s := range sel.AdvancedEventSelectors {
		isMgmt, partial := false, false
		for _, f := range s.FieldSelectors {
			switch aws.ToString(f.Field) {
			case "eventCategory":
				isMgmt = isMgmt || containsFold(f.Equals, "Management")
			case "readOnly", "eventSource":
				partial = true
			}
		}
		if isMgmt {
			mgmt = true
			all = all || !partial
		}
	}
	return mgmt, all
}

func containsFold(vs []string, s string) bool {
	for _, v := range vs {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// checkTrailBucket checks a trail's bucket with the checker of the jobs'
// buckets, so that a bucket both use is read once; the findings about
// Personalize's grant and the keys Personalize uses do not apply to it.
func (a *auditor) checkTrailBucket(ctx context.Context, bucket string) {
	rep, err := a.buckets.CheckBucket(ctx, bucket, s3guard.Write)
	var ce *s3guard.CheckError
	switch {
	case errors.As(err, &ce):
		a.readFailed(bucket, ce.Permission, err)
		return
	case err != nil:
		a.readFailed(bucket, "s3:GetBucketLocation", err)
		return
	}
	if rep.Has(s3guard.FindingBucketRegionMismatch) {
		// S3 redirects the configuration reads to the bucket's Region,
		// where the audit's clients are not.
		a.add(posture.Finding{ID: FindingTrailBucketOtherRegion, Severity: posture.Low, Resource: a.safe(bucket),
			Message:     "The trail's bucket is in another Region, so its encryption, policy and public access block were not checked.",
			Remediation: "Check the bucket in its Region (the s3guard package, or Security Hub's S3 controls there)."})
		return
	}
	// A new slice: the checker may share rep's with the jobs' check.
	var apply []posture.Finding
	for _, f := range rep.Findings {
		if trailBucketFindings[f.ID] {
			apply = append(apply, f)
		}
	}
	a.merge(posture.Report{Findings: apply})
}

// Classification job statuses under which a job still covers its buckets:
// running, idle between scheduled runs, or paused by Macie until the
// account's quota resets. A COMPLETE job is a one-time job that ran once and
// sees nothing imported since; a job its user paused or cancelled runs no more.
var coveringStatus = map[macietypes.JobStatus]bool{
	macietypes.JobStatusRunning: true, macietypes.JobStatusIdle: true,
	macietypes.JobStatusPaused: true,
}

// checkMacie checks that Macie is enabled and covers every import bucket,
// by automated discovery or a classification job.
func (a *auditor) checkMacie(ctx context.Context, inv *inventory) {
	region := "Macie in " + a.o.Region
	sess, err := a.c.Macie.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if err != nil && !macieNotEnabled(err) {
		a.readFailed(region, "macie2:GetMacieSession", err)
		return
	}
	if err != nil || sess.Status != macietypes.MacieStatusEnabled {
		a.add(posture.Finding{ID: FindingMacieDisabled, Severity: posture.Medium, Resource: region,
			Message:     "Amazon Macie is not enabled, so nothing looks for sensitive data in the buckets Personalize imports from.",
			Remediation: "Enable Macie (aws macie2 enable-macie) with automated sensitive data discovery, or a classification job on the import buckets.",
			Control:     "Security Hub Macie.1"})
		return
	}
	buckets := importBuckets(inv)
	if len(buckets) == 0 {
		return
	}
	ad, err := a.c.Macie.GetAutomatedDiscoveryConfiguration(ctx, &macie2.GetAutomatedDiscoveryConfigurationInput{})
	if err != nil {
		a.readFailed(region, "macie2:GetAutomatedDiscoveryConfiguration", err)
		return
	}
	covered := map[string]bool{}
	if ad.Status == macietypes.AutomatedDiscoveryStatusEnabled {
		// Discovery covers every bucket but those its classification
		// scope excludes.
		scope, err := a.c.Macie.GetClassificationScope(ctx, &macie2.GetClassificationScopeInput{Id: ad.ClassificationScopeId})
		if err != nil {
			a.readFailed(region, "macie2:GetClassificationScope", err)
			return
		}
		var excluded []string
		if scope.S3 != nil && scope.S3.Excludes != nil {
			excluded = scope.S3.Excludes.BucketNames
		}
		all := true
		for _, b := range buckets {
			covered[b] = !slices.Contains(excluded, b)
			all = all && covered[b]
		}
		if all {
			return
		}
	}
	p := macie2.NewListClassificationJobsPaginator(a.c.Macie, &macie2.ListClassificationJobsInput{})
	err = eachPage(ctx, p, func(page *macie2.ListClassificationJobsOutput) *string {
		for _, j := range page.Items {
			if !coveringStatus[j.JobStatus] {
				continue
			}
			for _, d := range j.BucketDefinitions {
				for _, b := range d.Buckets {
					covered[b] = true
				}
			}
		}
		return page.NextToken
	})
	if err != nil {
		a.readFailed(region, "macie2:ListClassificationJobs", err)
		return
	}
	for _, b := range buckets {
		if !covered[b] {
			a.add(posture.Finding{ID: FindingMacieBucketNotCovered, Severity: posture.Medium, Resource: a.safe(b),
				Message:     "Personalize imports from this bucket, but neither Macie's automated discovery nor an active classification job covers it.",
				Remediation: "Turn on automated sensitive data discovery, or add the bucket to a scheduled classification job.",
				Control:     "Security Hub Macie.2"})
		}
	}
}

// macieNotEnabled reports whether Macie said it is not enabled, which it
// does with an access-denied error.
func macieNotEnabled(err error) bool {
	var ae smithy.APIError
	return awserr.AccessDenied(err) && errors.As(err, &ae) && strings.Contains(strings.ToLower(ae.ErrorMessage()), "not enabled")
}

func importBuckets(inv *inventory) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range inv.resources {
		for _, l := range r.locs {
			if !l.isImport {
				continue
			}
			if loc, err := s3guard.ParseLocation(l.raw); err == nil && !seen[loc.Bucket] {
				seen[loc.Bucket] = true
				out = append(out, loc.Bucket)
			}
		}
	}
	return out
}
