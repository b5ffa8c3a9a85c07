package fakepersonalize

import (
	"bytes"
	"encoding/csv"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// s3DataConfig is the model's S3DataConfig: a path and an optional key.
type s3DataConfig struct {
	Path      *string `json:"path"`
	KmsKeyArn *string `json:"kmsKeyArn,omitempty"`
}

// checkS3DataConfig validates an S3DataConfig: the path's bucket must exist
// and a key, when given, must be usable.
func (s *Server) checkS3DataConfig(field string, c *s3DataConfig) (s3Location, *apiError) {
	if c == nil {
		return s3Location{}, missing(field)
	}
	loc, err := s.checkS3Path(field+".path", c.Path)
	if err != nil {
		return loc, err
	}
	if c.KmsKeyArn != nil {
		if err := s.checkKMSKey(field+".kmsKeyArn", *c.KmsKeyArn); err != nil {
			return loc, err
		}
	}
	return loc, nil
}

// --- import jobs --------------------------------------------------------------

type importJob struct {
	meta
	datasetArn, dataLocation, roleArn, importMode string
	publishMetrics                                *bool
	loc                                           s3Location
}

type createImportJobInput struct {
	JobName    *string `json:"jobName"`
	DatasetArn *string `json:"datasetArn"`
	DataSource *struct {
		DataLocation *string `json:"dataLocation"`
	} `json:"dataSource"`
	RoleArn                       *string `json:"roleArn"`
	ImportMode                    string  `json:"importMode"`
	PublishAttributionMetricsToS3 *bool   `json:"publishAttributionMetricsToS3"`
	Tags                          []tag   `json:"tags"`
}

type dataSourceView struct {
	DataLocation string `json:"dataLocation"`
}

type importJobView struct {
	DatasetImportJobArn           string         `json:"datasetImportJobArn"`
	JobName                       string         `json:"jobName"`
	DatasetArn                    string         `json:"datasetArn"`
	DataSource                    dataSourceView `json:"dataSource"`
	RoleArn                       string         `json:"roleArn,omitempty"`
	ImportMode                    string         `json:"importMode"`
	PublishAttributionMetricsToS3 *bool          `json:"publishAttributionMetricsToS3,omitempty"`
	lifecycleView
}

type importJobSummary struct {
	DatasetImportJobArn string `json:"datasetImportJobArn"`
	JobName             string `json:"jobName"`
	ImportMode          string `json:"importMode"`
	lifecycleView
}

func (s *Server) createImportJob(in *createImportJobInput) (any, *apiError) {
	if in.DataSource == nil {
		return nil, missing("dataSource")
	}
	mode := "FULL"
	if in.ImportMode != "" {
		mode = in.ImportMode
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	loc, err := s.checkS3Path("dataSource.dataLocation", in.DataSource.DataLocation)
	if err != nil {
		return nil, err
	}
	d, err := lookupActive(s.datasets, "datasetArn", in.DatasetArn, notActive)
	if err != nil {
		return nil, err
	}
	arn := s.arn("dataset-import-job", *in.JobName)
	if _, dup := s.importJobs.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	if s.importJobs.any(func(j *importJob) bool { return j.datasetArn == d.arn && j.busy() }) {
		return nil, inUse("Dataset %s already has an import job in progress", d.arn)
	}
	j := &importJob{meta: s.newMeta(arn, *in.JobName, in.Tags), datasetArn: d.arn, dataLocation: *in.DataSource.DataLocation,
		importMode: mode, publishMetrics: in.PublishAttributionMetricsToS3, loc: loc}
	if in.RoleArn != nil {
		j.roleArn = *in.RoleArn
	}
	s.importJobs.put(j)
	s.begin(&j.meta, createPhase, func() string { return s.runImport(j) }, nil)
	return struct {
		DatasetImportJobArn string `json:"datasetImportJobArn"`
	}{arn}, nil
}

// runImport reads the job's CSV from the local S3 into its dataset.
func (s *Server) runImport(j *importJob) string {
	d, ok := s.datasets.get(j.datasetArn)
	if !ok {
		return "The dataset was deleted"
	}
	files, reason := s.readInput(j.loc)
	if reason != "" {
		return reason
	}
	var rows []map[string]string
	for _, f := range files {
		r, reason := parseCSV(f, s.schemaOf(d))
		if reason != "" {
			return reason
		}
		rows = append(rows, r...)
	}
	if j.importMode == "INCREMENTAL" {
		d.rows = append(d.rows, rows...)
	} else {
		// A full import replaces the bulk data, not what was put.
		d.rows = append(slices.DeleteFunc(d.rows, func(r map[string]string) bool { return r[putMarker] == "" }), rows...)
	}
	return ""
}

// readInput returns the object at loc, or every object under it when loc
// is a folder (ends with "/"). Failure reasons name the bucket only.
func (s *Server) readInput(loc s3Location) ([][]byte, string) {
	if s.cfg.Objects == nil || !s.cfg.Objects.BucketExists(loc.bucket) {
		return nil, "Input data not found: the S3 bucket " + loc.bucket + " does not exist"
	}
	keys := []string{loc.key}
	if loc.key == "" || strings.HasSuffix(loc.key, "/") {
		var err error
		if keys, err = s.cfg.Objects.ListObjects(loc.bucket, loc.key); err != nil || len(keys) == 0 {
			return nil, "Input data not found: no objects under the data location in bucket " + loc.bucket
		}
	}
	var files [][]byte
	for _, k := range keys {
		b, err := s.cfg.Objects.GetObject(loc.bucket, k)
		if err != nil {
			return nil, "Input data not found: the data location's object does not exist in bucket " + loc.bucket
		}
		files = append(files, b)
	}
	return files, ""
}

// parseCSV reads an import file against a dataset's schema. Reasons name
// columns (schema field names) and line numbers, never cell values.
func parseCSV(data []byte, sc *schema) ([]map[string]string, string) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "The input CSV file is empty"
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, "The input CSV file is not valid CSV at line " + strconv.Itoa(pe.Line)
		}
		return nil, "The input CSV file is not valid CSV"
	}
	header := records[0]
	known := map[string]bool{}
	for _, f := range sc.fields {
		known[f.name] = true
	}
	present := map[string]bool{}
	for i, col := range header {
		header[i] = strings.TrimSpace(col)
		if !known[header[i]] {
			return nil, "The input CSV has a column that the schema does not declare: " + columnName(header[i])
		}
		present[header[i]] = true
	}
	for _, f := range sc.fields {
		if !f.nullable && !present[f.name] {
			return nil, "The input CSV is missing the required column " + f.name
		}
	}
	if len(records) < 2 {
		return nil, "The input CSV file has a header but no records"
	}
	rows := make([]map[string]string, 0, len(records)-1)
	for _, rec := range records[1:] {
		row := make(map[string]string, len(header))
		for i, col := range header {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows, ""
}

var columnPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// columnName quotes a CSV column name for a message when it looks like one;
// anything else could be data and is not repeated.
func columnName(col string) string {
	if len(col) <= 64 && columnPattern.MatchString(col) {
		return col
	}
	return "(a column whose name is not a schema field name)"
}

func (s *Server) describeImportJob(in *struct {
	DatasetImportJobArn *string `json:"datasetImportJobArn"`
}) (any, *apiError) {
	j, err := describe(s, s.importJobs, "datasetImportJobArn", in.DatasetImportJobArn)
	if err != nil {
		return nil, err
	}
	return struct {
		DatasetImportJob importJobView `json:"datasetImportJob"`
	}{importJobView{j.arn, j.name, j.datasetArn, dataSourceView{j.dataLocation}, j.roleArn, j.importMode, j.publishMetrics, j.lifecycle()}}, nil
}

func (s *Server) listImportJobs(in *struct {
	DatasetArn *string `json:"datasetArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.importJobs.list(func(j *importJob) bool {
		return in.DatasetArn == nil || j.datasetArn == *in.DatasetArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]importJobSummary, 0, len(items))
	for _, j := range items {
		out = append(out, importJobSummary{j.arn, j.name, j.importMode, j.lifecycle()})
	}
	return struct {
		DatasetImportJobs []importJobSummary `json:"datasetImportJobs"`
		NextToken         *string            `json:"nextToken,omitempty"`
	}{out, next}, nil
}

// s3Reason names the S3 error code behind a failed write, for a job's
// failure reason.
func s3Reason(err error) string {
	var coded interface{ Code() string }
	if errors.As(err, &coded) {
		return " (" + coded.Code() + ")"
	}
	return ""
}

// --- export jobs --------------------------------------------------------------

type exportJob struct {
	meta
	datasetArn, ingestionMode, roleArn string
	output                             s3DataConfig
	loc                                s3Location
}

type createExportJobInput struct {
	JobName       *string `json:"jobName"`
	DatasetArn    *string `json:"datasetArn"`
	IngestionMode string  `json:"ingestionMode"`
	RoleArn       *string `json:"roleArn"`
	JobOutput     *struct {
		S3DataDestination *s3DataConfig `json:"s3DataDestination"`
	} `json:"jobOutput"`
	Tags []tag `json:"tags"`
}

type exportJobOutputView struct {
	S3DataDestination s3DataConfig `json:"s3DataDestination"`
}

type exportJobView struct {
	DatasetExportJobArn string              `json:"datasetExportJobArn"`
	JobName             string              `json:"jobName"`
	DatasetArn          string              `json:"datasetArn"`
	IngestionMode       string              `json:"ingestionMode"`
	RoleArn             string              `json:"roleArn"`
	JobOutput           exportJobOutputView `json:"jobOutput"`
	lifecycleView
}

type exportJobSummary struct {
	DatasetExportJobArn string `json:"datasetExportJobArn"`
	JobName             string `json:"jobName"`
	lifecycleView
}

func (s *Server) createExportJob(in *createExportJobInput) (any, *apiError) {
	if in.JobOutput == nil {
		return nil, missing("jobOutput")
	}
	mode := "ALL"
	if in.IngestionMode != "" {
		mode = in.IngestionMode
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	loc, err := s.checkS3DataConfig("jobOutput.s3DataDestination", in.JobOutput.S3DataDestination)
	if err != nil {
		return nil, err
	}
	d, err := lookupActive(s.datasets, "datasetArn", in.DatasetArn, notActive)
	if err != nil {
		return nil, err
	}
	arn := s.arn("dataset-export-job", *in.JobName)
	if _, dup := s.exportJobs.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	j := &exportJob{meta: s.newMeta(arn, *in.JobName, in.Tags), datasetArn: d.arn, ingestionMode: mode, roleArn: *in.RoleArn,
		output: *in.JobOutput.S3DataDestination, loc: loc}
	s.exportJobs.put(j)
	s.begin(&j.meta, createPhase, func() string { return s.runExport(j) }, nil)
	return struct {
		DatasetExportJobArn string `json:"datasetExportJobArn"`
	}{arn}, nil
}

// ExportObjectKey is where an export job writes its file under its output
// path: "<path>/<job name>/<dataset type>_part_00000.csv".
func ExportObjectKey(outputPrefix, jobName, datasetType string) string {
	if outputPrefix != "" && !strings.HasSuffix(outputPrefix, "/") {
		outputPrefix += "/"
	}
	return outputPrefix + jobName + "/" + strings.ToLower(datasetType) + "_part_00000.csv"
}

// runExport writes the dataset's bulk records as CSV, in schema field order.
func (s *Server) runExport(j *exportJob) string {
	d, ok := s.datasets.get(j.datasetArn)
	if !ok {
		return "The dataset was deleted"
	}
	if s.cfg.Objects == nil || !s.cfg.Objects.BucketExists(j.loc.bucket) {
		return "The output S3 bucket " + j.loc.bucket + " does not exist"
	}
	sc := s.schemaOf(d)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := make([]string, len(sc.fields))
	for i, f := range sc.fields {
		header[i] = f.name
	}
	_ = w.Write(header)
	for _, row := range d.rows {
		if put := row[putMarker] != ""; j.ingestionMode == "BULK" && put || j.ingestionMode == "PUT" && !put {
			continue
		}
		rec := make([]string, len(header))
		for i, col := range header {
			rec[i] = row[col]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	key := ExportObjectKey(j.loc.key, j.name, d.datasetType)
	kmsKey := ""
	if j.output.KmsKeyArn != nil {
		kmsKey = *j.output.KmsKeyArn
	}
	if err := s.cfg.Objects.PutObject(j.loc.bucket, key, buf.Bytes(), kmsKey); err != nil {
		return "Amazon Personalize could not write the export to bucket " + j.loc.bucket + s3Reason(err)
	}
	return ""
}

func (s *Server) describeExportJob(in *struct {
	DatasetExportJobArn *string `json:"datasetExportJobArn"`
}) (any, *apiError) {
	j, err := describe(s, s.exportJobs, "datasetExportJobArn", in.DatasetExportJobArn)
	if err != nil {
		return nil, err
	}
	return struct {
		DatasetExportJob exportJobView `json:"datasetExportJob"`
	}{exportJobView{j.arn, j.name, j.datasetArn, j.ingestionMode, j.roleArn, exportJobOutputView{j.output}, j.lifecycle()}}, nil
}

func (s *Server) listExportJobs(in *struct {
	DatasetArn *string `json:"datasetArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.exportJobs.list(func(j *exportJob) bool {
		return in.DatasetArn == nil || j.datasetArn == *in.DatasetArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]exportJobSummary, 0, len(items))
	for _, j := range items {
		out = append(out, exportJobSummary{j.arn, j.name, j.lifecycle()})
	}
	return struct {
		DatasetExportJobs []exportJobSummary `json:"datasetExportJobs"`
		NextToken         *string            `json:"nextToken,omitempty"`
	}{out, next}, nil
}
