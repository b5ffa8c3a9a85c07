package audit

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// Resource kinds, as the inventory and the findings' messages name them.
const (
	kindDatasetGroup      = "dataset group"
	kindDataset           = "dataset"
	kindSchema            = "schema"
	kindSolution          = "solution"
	kindSolutionVersion   = "solution version"
	kindCampaign          = "campaign"
	kindRecommender       = "recommender"
	kindFilter            = "filter"
	kindEventTracker      = "event tracker"
	kindMetricAttribution = "metric attribution"
	kindImportJob         = "dataset import job"
	kindExportJob         = "dataset export job"
	kindBatchInference    = "batch inference job"
	kindBatchSegment      = "batch segment job"
	kindDeletionJob       = "data deletion job"
)

// resource is one Personalize resource as listed, and what its description
// said.
type resource struct {
	kind, arn, name string
	taggable        bool
	tags            []types.Tag

	// From Describe (dataset groups and jobs).
	described bool
	role, key string // role ARN; dataset group's KMS key
	group     string // dataset group ARN a job works for, if known
	locs      []jobLocation
	jobKeys   []string // KMS keys of the job's S3DataConfig
}

// jobLocation is an S3 location a job reads or writes.
type jobLocation struct {
	field    string // "DataSource.DataLocation"
	raw      string
	dir      s3guard.Direction
	isImport bool
}

type inventory struct {
	mu        sync.Mutex
	resources []*resource
}

func (inv *inventory) add(kind string, taggable bool, arn, name *string) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.resources = append(inv.resources, &resource{kind: kind, arn: aws.ToString(arn), name: aws.ToString(name), taggable: taggable})
}

// pager is the shape of the SDK's paginators, whatever the service (P is
// its *Options).
type pager[O, P any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(P)) (O, error)
}

// maxPages bounds one listing: 100,000 pages is more than an account's
// quotas allow, and an endpoint that never stops paging must not hold the
// audit, or its memory, forever.
const maxPages = 100_000

// errRepeatedToken and errEndlessListing end a listing whose endpoint
// pages in a loop: the listing is reported unread, never taken as whole.
var (
	errRepeatedToken  = errors.New("the listing handed back a page token it had already given")
	errEndlessListing = errors.New("the listing did not end within " + strconv.Itoa(maxPages) + " pages")
	errNoMarker       = errors.New("a page said the listing went on but gave no marker to read on from")
)

// eachPage reads every page of p; each handles a page and returns its
// next token. It stops at the first failed page, and at a page token
// handed back twice or a listing past maxPages: the SDK's paginators follow
// a repeated token for ever unless told to stop, and stopping quietly would
// pass the pages the loop hides.
func eachPage[O, P any](ctx context.Context, p pager[O, P], each func(O) (next *string)) error {
	seen := map[string]bool{}
	for p.HasMorePages() {
		if len(seen) >= maxPages {
			return errEndlessListing
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		if next := aws.ToString(each(out)); next != "" {
			if seen[next] {
				return errRepeatedToken
			}
			seen[next] = true
		}
	}
	return nil
}

// drain reads every page of a Personalize listing; a listing eachPage
// could not finish is a finding for the whole of it (a partial listing
// would pass what it did not see).
func drain[O any](ctx context.Context, a *auditor, permission string, p pager[O, *personalize.Options], each func(O) *string) {
	if err := eachPage(ctx, p, each); err != nil {
		a.readFailed("Personalize resources in "+a.o.Region, permission, err)
	}
}

// listAll lists every kind of Personalize resource, one task per kind.
func (a *auditor) listAll(ctx context.Context, g *group, inv *inventory) {
	c := a.c.Personalize
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListDatasetGroups", personalize.NewListDatasetGroupsPaginator(c, &personalize.ListDatasetGroupsInput{}),
			func(o *personalize.ListDatasetGroupsOutput) *string {
				for _, s := range o.DatasetGroups {
					inv.add(kindDatasetGroup, true, s.DatasetGroupArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListDatasets", personalize.NewListDatasetsPaginator(c, &personalize.ListDatasetsInput{}),
			func(o *personalize.ListDatasetsOutput) *string {
				for _, s := range o.Datasets {
					inv.add(kindDataset, true, s.DatasetArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListSchemas", personalize.NewListSchemasPaginator(c, &personalize.ListSchemasInput{}),
			func(o *personalize.ListSchemasOutput) *string {
				for _, s := range o.Schemas {
					inv.add(kindSchema, false, s.SchemaArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListSolutions", personalize.NewListSolutionsPaginator(c, &personalize.ListSolutionsInput{}),
			func(o *personalize.ListSolutionsOutput) *string {
				for _, s := range o.Solutions {
					inv.add(kindSolution, true, s.SolutionArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		// Without a solution, every version in the account; a version has
		// tags and a name (read by describe) of its own.
		drain(ctx, a, "personalize:ListSolutionVersions", personalize.NewListSolutionVersionsPaginator(c, &personalize.ListSolutionVersionsInput{}),
			func(o *personalize.ListSolutionVersionsOutput) *string {
				for _, s := range o.SolutionVersions {
					inv.add(kindSolutionVersion, true, s.SolutionVersionArn, nil)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListCampaigns", personalize.NewListCampaignsPaginator(c, &personalize.ListCampaignsInput{}),
			func(o *personalize.ListCampaignsOutput) *string {
				for _, s := range o.Campaigns {
					inv.add(kindCampaign, true, s.CampaignArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListRecommenders", personalize.NewListRecommendersPaginator(c, &personalize.ListRecommendersInput{}),
			func(o *personalize.ListRecommendersOutput) *string {
				for _, s := range o.Recommenders {
					inv.add(kindRecommender, true, s.RecommenderArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListFilters", personalize.NewListFiltersPaginator(c, &personalize.ListFiltersInput{}),
			func(o *personalize.ListFiltersOutput) *string {
				for _, s := range o.Filters {
					inv.add(kindFilter, true, s.FilterArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListEventTrackers", personalize.NewListEventTrackersPaginator(c, &personalize.ListEventTrackersInput{}),
			func(o *personalize.ListEventTrackersOutput) *string {
				for _, s := range o.EventTrackers {
					inv.add(kindEventTracker, true, s.EventTrackerArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListMetricAttributions", personalize.NewListMetricAttributionsPaginator(c, &personalize.ListMetricAttributionsInput{}),
			func(o *personalize.ListMetricAttributionsOutput) *string {
				for _, s := range o.MetricAttributions {
					inv.add(kindMetricAttribution, false, s.MetricAttributionArn, s.Name)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListDatasetImportJobs", personalize.NewListDatasetImportJobsPaginator(c, &personalize.ListDatasetImportJobsInput{}),
			func(o *personalize.ListDatasetImportJobsOutput) *string {
				for _, s := range o.DatasetImportJobs {
					inv.add(kindImportJob, true, s.DatasetImportJobArn, s.JobName)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListDatasetExportJobs", personalize.NewListDatasetExportJobsPaginator(c, &personalize.ListDatasetExportJobsInput{}),
			func(o *personalize.ListDatasetExportJobsOutput) *string {
				for _, s := range o.DatasetExportJobs {
					inv.add(kindExportJob, true, s.DatasetExportJobArn, s.JobName)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListBatchInferenceJobs", personalize.NewListBatchInferenceJobsPaginator(c, &personalize.ListBatchInferenceJobsInput{}),
			func(o *personalize.ListBatchInferenceJobsOutput) *string {
				for _, s := range o.BatchInferenceJobs {
					inv.add(kindBatchInference, true, s.BatchInferenceJobArn, s.JobName)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListBatchSegmentJobs", personalize.NewListBatchSegmentJobsPaginator(c, &personalize.ListBatchSegmentJobsInput{}),
			func(o *personalize.ListBatchSegmentJobsOutput) *string {
				for _, s := range o.BatchSegmentJobs {
					inv.add(kindBatchSegment, true, s.BatchSegmentJobArn, s.JobName)
				}
				return o.NextToken
			})
	})
	g.Go(ctx, func(ctx context.Context) {
		drain(ctx, a, "personalize:ListDataDeletionJobs", &deletionPager{c: c},
			func(o *personalize.ListDataDeletionJobsOutput) *string {
				for _, s := range o.DataDeletionJobs {
					inv.add(kindDeletionJob, true, s.DataDeletionJobArn, s.JobName)
				}
				return o.NextToken
			})
	})
}

// deletionPager pages ListDataDeletionJobs, for which the SDK has no
// paginator.
type deletionPager struct {
	c       PersonalizeAPI
	next    *string
	started bool
}

func (p *deletionPager) HasMorePages() bool { return !p.started || p.next != nil }

func (p *deletionPager) NextPage(ctx context.Context, optFns ...func(*personalize.Options)) (*personalize.ListDataDeletionJobsOutput, error) {
	out, err := p.c.ListDataDeletionJobs(ctx, &personalize.ListDataDeletionJobsInput{NextToken: p.next, MaxResults: aws.Int32(100)}, optFns...)
	if err != nil {
		return nil, err
	}
	p.started = true
	p.next = out.NextToken
	if aws.ToString(p.next) == "" {
		p.next = nil
	}
	return out, nil
}

// describeAll reads what each dataset group and job uses, and every
// taggable resource's tags: one task per resource, each read once.
func (a *auditor) describeAll(ctx context.Context, g *group, inv *inventory) {
	for _, r := range inv.resources {
		if r.taggable && !a.usageOnly {
			g.Go(ctx, func(ctx context.Context) { a.readTags(ctx, r) })
		}
		switch r.kind {
		case kindDatasetGroup, kindImportJob, kindExportJob, kindBatchInference, kindBatchSegment, kindDeletionJob, kindMetricAttribution:
			g.Go(ctx, func(ctx context.Context) { a.describe(ctx, r) })
		case kindSolutionVersion: // for its name, which the listing leaves out
			if !a.usageOnly {
				g.Go(ctx, func(ctx context.Context) { a.describe(ctx, r) })
			}
		}
	}
}

func (a *auditor) readTags(ctx context.Context, r *resource) {
	out, err := a.c.Personalize.ListTagsForResource(ctx, &personalize.ListTagsForResourceInput{ResourceArn: aws.String(r.arn)})
	if err != nil {
		a.readFailed(r.arn, "personalize:ListTagsForResource", err)
		return
	}
	r.tags = out.Tags
}

func (a *auditor) describe(ctx context.Context, r *resource) {
	c := a.c.Personalize
	arn := aws.String(r.arn)
	var (
		perm string
		err  error
	)
	switch r.kind {
	case kindDatasetGroup:
		perm = "personalize:DescribeDatasetGroup"
		var out *personalize.DescribeDatasetGroupOutput
		if out, err = c.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: arn}); err == nil && out.DatasetGroup != nil {
			r.role, r.key = aws.ToString(out.DatasetGroup.RoleArn), aws.ToString(out.DatasetGroup.KmsKeyArn)
		}
	case kindImportJob:
		perm = "personalize:DescribeDatasetImportJob"
		var out *personalize.DescribeDatasetImportJobOutput
		if out, err = c.DescribeDatasetImportJob(ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: arn}); err == nil && out.DatasetImportJob != nil {
			j := out.DatasetImportJob
			r.role, r.group = aws.ToString(j.RoleArn), groupOfDataset(aws.ToString(j.DatasetArn))
			if j.DataSource != nil {
				r.addLoc("DataSource.DataLocation", j.DataSource.DataLocation, s3guard.Read, true)
			}
		}
	case kindExportJob:
		perm = "personalize:DescribeDatasetExportJob"
		var out *personalize.DescribeDatasetExportJobOutput
		if out, err = c.DescribeDatasetExportJob(ctx, &personalize.DescribeDatasetExportJobInput{DatasetExportJobArn: arn}); err == nil && out.DatasetExportJob != nil {
			j := out.DatasetExportJob
			r.role, r.group = aws.ToString(j.RoleArn), groupOfDataset(aws.ToString(j.DatasetArn))
			if j.JobOutput != nil {
				r.addConfig("JobOutput.S3DataDestination", j.JobOutput.S3DataDestination, s3guard.Write)
			}
		}
	case kindBatchInference:
		perm = "personalize:DescribeBatchInferenceJob"
		var out *personalize.DescribeBatchInferenceJobOutput
		if out, err = c.DescribeBatchInferenceJob(ctx, &personalize.DescribeBatchInferenceJobInput{BatchInferenceJobArn: arn}); err == nil && out.BatchInferenceJob != nil {
			j := out.BatchInferenceJob
			r.role = aws.ToString(j.RoleArn)
			if j.JobInput != nil {
				r.addConfig("JobInput.S3DataSource", j.JobInput.S3DataSource, s3guard.Read)
			}
			if j.JobOutput != nil {
				r.addConfig("JobOutput.S3DataDestination", j.JobOutput.S3DataDestination, s3guard.Write)
			}
		}
	case kindBatchSegment:
		perm = "personalize:DescribeBatchSegmentJob"
		var out *personalize.DescribeBatchSegmentJobOutput
		if out, err = c.DescribeBatchSegmentJob(ctx, &personalize.DescribeBatchSegmentJobInput{BatchSegmentJobArn: arn}); err == nil && out.BatchSegmentJob != nil {
			j := out.BatchSegmentJob
			r.role = aws.ToString(j.RoleArn)
			if j.JobInput != nil {
				r.addConfig("JobInput.S3DataSource", j.JobInput.S3DataSource, s3guard.Read)
			}
			if j.JobOutput != nil {
				r.addConfig("JobOutput.S3DataDestination", j.JobOutput.S3DataDestination, s3guard.Write)
			}
		}
	case kindMetricAttribution:
		// It writes its metrics to S3 with its own role, as an export
		// job does.
		perm = "personalize:DescribeMetricAttribution"
		var out *personalize.DescribeMetricAttributionOutput
		if out, err = c.DescribeMetricAttribution(ctx, &personalize.DescribeMetricAttributionInput{MetricAttributionArn: arn}); err == nil && out.MetricAttribution != nil {
			m := out.MetricAttribution
			r.group = aws.ToString(m.DatasetGroupArn)
			if o := m.MetricsOutputConfig; o != nil {
				r.role = aws.ToString(o.RoleArn)
				r.addConfig("MetricsOutputConfig.S3DataDestination", o.S3DataDestination, s3guard.Write)
			}
		}
	case kindSolutionVersion:
		perm = "personalize:DescribeSolutionVersion"
		var out *personalize.DescribeSolutionVersionOutput
		if out, err = c.DescribeSolutionVersion(ctx, &personalize.DescribeSolutionVersionInput{SolutionVersionArn: arn}); err == nil && out.SolutionVersion != nil {
			r.name = aws.ToString(out.SolutionVersion.Name)
		}
	case kindDeletionJob:
		perm = "personalize:DescribeDataDeletionJob"
		var out *personalize.DescribeDataDeletionJobOutput
		if out, err = c.DescribeDataDeletionJob(ctx, &personalize.DescribeDataDeletionJobInput{DataDeletionJobArn: arn}); err == nil && out.DataDeletionJob != nil {
			j := out.DataDeletionJob
			r.role, r.group = aws.ToString(j.RoleArn), aws.ToString(j.DatasetGroupArn)
			if j.DataSource != nil {
				r.addLoc("DataSource.DataLocation", j.DataSource.DataLocation, s3guard.Read, false)
			}
		}
	}
	if err != nil {
		a.readFailed(r.arn, perm, err)
		return
	}
	r.described = true
}

func (r *resource) addLoc(field string, path *string, dir s3guard.Direction, isImport bool) {
	if path == nil {
		return
	}
	r.locs = append(r.locs, jobLocation{field: field, raw: *path, dir: dir, isImport: isImport})
}

func (r *resource) addConfig(field string, c *types.S3DataConfig, dir s3guard.Direction) {
	if c == nil {
		return
	}
	r.addLoc(field+".Path", c.Path, dir, false)
	if k := aws.ToString(c.KmsKeyArn); k != "" {
		r.jobKeys = append(r.jobKeys, k)
	}
}

// groupOfDataset returns the ARN of the dataset group a dataset belongs to:
// arn:…:dataset/<group>/<TYPE> is in arn:…:dataset-group/<group>.
func groupOfDataset(arn string) string {
	head, rest, ok := strings.Cut(arn, ":dataset/")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, "/")
	if !ok || name == "" {
		return ""
	}
	return head + ":dataset-group/" + name
}

// errFound ends checkNames' reading of a tag's value after its key at the
// first finding.
var errFound = errors.New("audit: identifying after its key")

// checkNames reports names and tags holding identifying values, naming the
// resource (its ARN redacted) and the field, never the value.
func (a *auditor) checkNames(inv *inventory) {
	for _, r := range inv.resources {
		res := a.safe(r.arn)
		if f, ok := a.det.First(r.name); ok {
			a.add(posture.Finding{ID: FindingNameIdentifying, Severity: posture.High, Resource: res,
				Message: "The " + r.kind + "'s name holds " + article(string(f.Kind)) + "; names reach billing and diagnostic logs and CloudTrail.",
				Remediation: "Recreate the resource under a name without personal or account data (names cannot be changed), " +
					"and delete this one."})
		}
		for i, t := range r.tags {
			key, value := aws.ToString(t.TagKey), aws.ToString(t.TagValue)
			kf, keyFound := a.det.First(key)
			vf, valueFound := a.det.First(value)
			if !keyFound && !valueFound {
				// The value again after its key, which is often the keyword
				// that makes it identifying ({acct: 912803456}), as the
				// guards read it (jsontext.EachNamed).
				_ = jsontext.EachNamed(a.det, key, value, func(named string) error {
					if vf, valueFound = a.det.First(named); valueFound {
						return errFound
					}
					return nil
				})
			}
			for _, part := range []struct {
				field string
				f     sensitive.Finding
				found bool
			}{{"key", kf, keyFound}, {"value", vf, valueFound}} {
				if part.found {
					a.add(posture.Finding{ID: FindingTagIdentifying, Severity: posture.High, Resource: res,
						Message: "The " + part.field + " of tag " + strconv.Itoa(i+1) + " of the " + r.kind + " holds " + article(string(part.f.Kind)) +
							"; tags reach billing and diagnostic logs.",
						Remediation: "Remove the tag (personalize:UntagResource) and tag with values that identify no person or account."})
				}
			}
		}
	}
}

// article names a detector kind with its article: "an email", "a ssn".
func article(kind string) string {
	if kind == "" {
		return "an identifying value"
	}
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}
