package fakepersonalize

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
)

const defaultNumResults = 25

type batchJob struct {
	meta
	solutionVersionArn, filterArn, roleArn, mode string
	numResults                                   *int32
	input, output                                s3DataConfig
	inLoc, outLoc                                s3Location
	config, themeConfig                          json.RawMessage
	// segment marks a batch segment job: users per item instead of items
	// per user.
	segment bool
}

type createBatchJobInput struct {
	JobName            *string `json:"jobName"`
	SolutionVersionArn *string `json:"solutionVersionArn"`
	FilterArn          *string `json:"filterArn"`
	NumResults         *int32  `json:"numResults"`
	RoleArn            *string `json:"roleArn"`
	JobInput           *struct {
		S3DataSource *s3DataConfig `json:"s3DataSource"`
	} `json:"jobInput"`
	JobOutput *struct {
		S3DataDestination *s3DataConfig `json:"s3DataDestination"`
	} `json:"jobOutput"`
	BatchInferenceJobConfig json.RawMessage `json:"batchInferenceJobConfig"`
	BatchInferenceJobMode   string          `json:"batchInferenceJobMode"`
	ThemeGenerationConfig   json.RawMessage `json:"themeGenerationConfig"`
	Tags                    []tag           `json:"tags"`
}

type batchJobView struct {
	BatchInferenceJobArn    string          `json:"batchInferenceJobArn"`
	JobName                 string          `json:"jobName"`
	SolutionVersionArn      string          `json:"solutionVersionArn"`
	FilterArn               string          `json:"filterArn,omitempty"`
	NumResults              *int32          `json:"numResults,omitempty"`
	RoleArn                 string          `json:"roleArn"`
	BatchInferenceJobMode   string          `json:"batchInferenceJobMode"`
	BatchInferenceJobConfig json.RawMessage `json:"batchInferenceJobConfig,omitempty"`
	ThemeGenerationConfig   json.RawMessage `json:"themeGenerationConfig,omitempty"`
	JobInput                struct {
		S3DataSource s3DataConfig `json:"s3DataSource"`
	} `json:"jobInput"`
	JobOutput struct {
		S3DataDestination s3DataConfig `json:"s3DataDestination"`
	} `json:"jobOutput"`
	lifecycleView
}

type batchJobSummary struct {
	BatchInferenceJobArn  string `json:"batchInferenceJobArn"`
	JobName               string `json:"jobName"`
	SolutionVersionArn    string `json:"solutionVersionArn"`
	BatchInferenceJobMode string `json:"batchInferenceJobMode"`
	lifecycleView
}

func (s *Server) createBatchJob(in *createBatchJobInput) (any, *apiError) {
	if in.JobInput == nil {
		return nil, missing("jobInput")
	}
	if in.JobOutput == nil {
		return nil, missing("jobOutput")
	}
	mode := "BATCH_INFERENCE"
	if in.BatchInferenceJobMode != "" {
		mode = in.BatchInferenceJobMode
	}
	cfg, err := checkObject("batchInferenceJobConfig", in.BatchInferenceJobConfig)
	if err != nil {
		return nil, err
	}
	theme, err := checkObject("themeGenerationConfig", in.ThemeGenerationConfig)
	if err != nil {
		return nil, err
	}
	if mode == "THEME_GENERATION" && theme == nil {
		return nil, invalidInput("themeGenerationConfig is required when batchInferenceJobMode is THEME_GENERATION")
	}
	src, err := s.batchSources(in.Tags, in.JobInput.S3DataSource, in.JobOutput.S3DataDestination, in.SolutionVersionArn, in.FilterArn)
	if err != nil {
		return nil, err
	}
	inLoc, outLoc, sv, filterArn := src.inLoc, src.outLoc, src.sv, src.filterArn
	arn := s.arn("batch-inference-job", *in.JobName)
	if _, dup := s.batchJobs.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	j := &batchJob{meta: s.newMeta(arn, *in.JobName, in.Tags), solutionVersionArn: sv.arn, filterArn: filterArn,
		roleArn: *in.RoleArn, mode: mode, numResults: in.NumResults,
		input: *in.JobInput.S3DataSource, output: *in.JobOutput.S3DataDestination, inLoc: inLoc, outLoc: outLoc,
		config: cfg, themeConfig: theme}
	s.batchJobs.put(j)
	s.begin(&j.meta, batchPhase, func() string { return s.runBatch(j) }, nil)
	return struct {
		BatchInferenceJobArn string `json:"batchInferenceJobArn"`
	}{arn}, nil
}

// BatchOutputKey is where a batch inference job writes the results for one
// input file: "<output path>/<input file name>.out".
func BatchOutputKey(outputPrefix, inputKey string) string {
	if outputPrefix != "" && !strings.HasSuffix(outputPrefix, "/") {
		outputPrefix += "/"
	}
	return outputPrefix + path.Base(inputKey) + ".out"
}

// runBatch answers every JSON line of the input with the group's items.
func (s *Server) runBatch(j *batchJob) string {
	files, reason := s.readInput(j.inLoc)
	if reason != "" {
		return reason
	}
	keys := []string{j.inLoc.key}
	if j.inLoc.key == "" || strings.HasSuffix(j.inLoc.key, "/") {
		keys, _ = s.cfg.Objects.ListObjects(j.inLoc.bucket, j.inLoc.key)
	}
	key, answer := "recommendedItems", s.recommendable(j, "ITEM_ID", defaultNumResults)
	if j.segment {
		key, answer = "usersList", s.recommendable(j, "USER_ID", defaultNumResults)
	}
	kmsKey := ""
	if j.output.KmsKeyArn != nil {
		kmsKey = *j.output.KmsKeyArn
	}
	for i, f := range files {
		var out bytes.Buffer
		for _, line := range bytes.Split(f, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			rec := map[string]any{"input": nil, "output": nil, "error": nil}
			var obj map[string]any
			if json.Unmarshal(line, &obj) != nil {
				rec["error"] = "Invalid input record: not a JSON object"
			} else {
				rec["input"] = json.RawMessage(line)
				out := map[string]any{key: answer}
				if !j.segment {
					out["scores"] = scores(len(answer))
				}
				rec["output"] = out
			}
			b, _ := json.Marshal(rec)
			out.Write(append(b, '\n'))
		}
		if err := s.cfg.Objects.PutObject(j.outLoc.bucket, BatchOutputKey(j.outLoc.key, keys[i]), out.Bytes(), kmsKey); err != nil {
			return "Amazon Personalize could not write the results to bucket " + j.outLoc.bucket + s3Reason(err)
		}
	}
	return ""
}

// recommendable lists the group's IDs in column (ITEM_ID or USER_ID) seen
// in its datasets.
func (s *Server) recommendable(j *batchJob, column string, limit int) []string {
	if j.numResults != nil {
		limit = int(*j.numResults)
	}
	sv, _ := s.solutionVersions.get(j.solutionVersionArn)
	sol, _ := s.solutions.get(sv.solutionArn)
	seen := map[string]bool{}
	items := []string{}
	for _, d := range s.datasets.list(func(d *dataset) bool { return d.groupArn == sol.groupArn }) {
		for _, row := range d.rows {
			if id := row[column]; id != "" && !seen[id] && len(items) < limit {
				seen[id] = true
				items = append(items, id)
			}
		}
	}
	return items
}

func scores(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1 / float64(i+2)
	}
	return out
}

func (j *batchJob) view() batchJobView {
	v := batchJobView{BatchInferenceJobArn: j.arn, JobName: j.name, SolutionVersionArn: j.solutionVersionArn, FilterArn: j.filterArn,
		NumResults: j.numResults, RoleArn: j.roleArn, BatchInferenceJobMode: j.mode, BatchInferenceJobConfig: j.config,
		ThemeGenerationConfig: j.themeConfig, lifecycleView: j.lifecycle()}
	v.JobInput.S3DataSource = j.input
	v.JobOutput.S3DataDestination = j.output
	return v
}

func (s *Server) describeBatchJob(in *struct {
	BatchInferenceJobArn *string `json:"batchInferenceJobArn"`
}) (any, *apiError) {
	j, err := describe(s, s.batchJobs, "batchInferenceJobArn", in.BatchInferenceJobArn)
	if err != nil {
		return nil, err
	}
	return struct {
		BatchInferenceJob batchJobView `json:"batchInferenceJob"`
	}{j.view()}, nil
}

func (s *Server) listBatchJobs(in *struct {
	SolutionVersionArn *string `json:"solutionVersionArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.batchJobs.list(func(j *batchJob) bool {
		return in.SolutionVersionArn == nil || j.solutionVersionArn == *in.SolutionVersionArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]batchJobSummary, 0, len(items))
	for _, j := range items {
		out = append(out, batchJobSummary{j.arn, j.name, j.solutionVersionArn, j.mode, j.lifecycle()})
	}
	return struct {
		BatchInferenceJobs []batchJobSummary `json:"batchInferenceJobs"`
		NextToken          *string           `json:"nextToken,omitempty"`
	}{out, next}, nil
}

// batchSources are what batch inference and batch segment jobs check alike:
// tag keys, the input and output locations, an ACTIVE solution version and,
// when named, an ACTIVE filter.
type batchSources struct {
	inLoc, outLoc s3Location
	sv            *solutionVersion
	filterArn     string
}

func (s *Server) batchSources(tags []tag, input, output *s3DataConfig, svArn, filterArn *string) (batchSources, *apiError) {
	var b batchSources
	if err := checkTagKeys(tags); err != nil {
		return b, err
	}
	var err *apiError
	if b.inLoc, err = s.checkS3DataConfig("jobInput.s3DataSource", input); err != nil {
		return b, err
	}
	if b.outLoc, err = s.checkS3DataConfig("jobOutput.s3DataDestination", output); err != nil {
		return b, err
	}
	if b.sv, err = lookupActive(s.solutionVersions, "solutionVersionArn", svArn, notActive); err != nil {
		return b, err
	}
	if filterArn != nil {
		f, err := lookupActive(s.filters, "filterArn", filterArn, notActive)
		if err != nil {
			return b, err
		}
		b.filterArn = f.arn
	}
	return b, nil
}
