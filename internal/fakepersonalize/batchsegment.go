package fakepersonalize

type segmentJobView struct {
	BatchSegmentJobArn string `json:"batchSegmentJobArn"`
	JobName            string `json:"jobName"`
	SolutionVersionArn string `json:"solutionVersionArn"`
	FilterArn          string `json:"filterArn,omitempty"`
	NumResults         *int32 `json:"numResults,omitempty"`
	RoleArn            string `json:"roleArn"`
	JobInput           struct {
		S3DataSource s3DataConfig `json:"s3DataSource"`
	} `json:"jobInput"`
	JobOutput struct {
		S3DataDestination s3DataConfig `json:"s3DataDestination"`
	} `json:"jobOutput"`
	lifecycleView
}

// createSegmentJob starts a batch segment job: for each input line (an item
// query) it writes the users most likely to interact, next to its output
// path as a batch inference job does.
func (s *Server) createSegmentJob(in *struct {
	JobName            *string `json:"jobName"`
	SolutionVersionArn *string `json:"solutionVersionArn"`
	FilterArn          *string `json:"filterArn"`
	NumResults         *int32  `json:"numResults"`
	RoleArn            *string `json:"roleArn"`
	JobInput           struct {
		S3DataSource *s3DataConfig `json:"s3DataSource"`
	} `json:"jobInput"`
	JobOutput struct {
		S3DataDestination *s3DataConfig `json:"s3DataDestination"`
	} `json:"jobOutput"`
	Tags []tag `json:"tags"`
}) (any, *apiError) {
	src, err := s.batchSources(in.Tags, in.JobInput.S3DataSource, in.JobOutput.S3DataDestination, in.SolutionVersionArn, in.FilterArn)
	if err != nil {
		return nil, err
	}
	inLoc, outLoc, sv, filterArn := src.inLoc, src.outLoc, src.sv, src.filterArn
	arn := s.arn("batch-segment-job", *in.JobName)
	if _, dup := s.segmentJobs.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	j := &batchJob{meta: s.newMeta(arn, *in.JobName, in.Tags), solutionVersionArn: sv.arn, filterArn: filterArn,
		roleArn: *in.RoleArn, numResults: in.NumResults, segment: true,
		input: *in.JobInput.S3DataSource, output: *in.JobOutput.S3DataDestination, inLoc: inLoc, outLoc: outLoc}
	s.segmentJobs.put(j)
	s.begin(&j.meta, batchPhase, func() string { return s.runBatch(j) }, nil)
	return struct {
		BatchSegmentJobArn string `json:"batchSegmentJobArn"`
	}{arn}, nil
}

func (j *batchJob) segmentView() segmentJobView {
	v := segmentJobView{BatchSegmentJobArn: j.arn, JobName: j.name, SolutionVersionArn: j.solutionVersionArn, FilterArn: j.filterArn,
		NumResults: j.numResults, RoleArn: j.roleArn, lifecycleView: j.lifecycle()}
	v.JobInput.S3DataSource = j.input
	v.JobOutput.S3DataDestination = j.output
	return v
}

func (s *Server) describeSegmentJob(in *struct {
	BatchSegmentJobArn *string `json:"batchSegmentJobArn"`
}) (any, *apiError) {
	j, err := describe(s, s.segmentJobs, "batchSegmentJobArn", in.BatchSegmentJobArn)
	if err != nil {
		return nil, err
	}
	return struct {
		BatchSegmentJob segmentJobView `json:"batchSegmentJob"`
	}{j.segmentView()}, nil
}

func (s *Server) listSegmentJobs(in *struct {
	SolutionVersionArn *string `json:"solutionVersionArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.segmentJobs.list(func(j *batchJob) bool {
		return in.SolutionVersionArn == nil || j.solutionVersionArn == *in.SolutionVersionArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	type summary struct {
		BatchSegmentJobArn string `json:"batchSegmentJobArn"`
		JobName            string `json:"jobName"`
		SolutionVersionArn string `json:"solutionVersionArn"`
		lifecycleView
	}
	out := make([]summary, 0, len(items))
	for _, j := range items {
		out = append(out, summary{j.arn, j.name, j.solutionVersionArn, j.lifecycle()})
	}
	return struct {
		BatchSegmentJobs []summary `json:"batchSegmentJobs"`
		NextToken        *string   `json:"nextToken,omitempty"`
	}{out, next}, nil
}
