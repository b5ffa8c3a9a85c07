package fakepersonalize

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// deletionJob is a data deletion job: it erases the users listed in a CSV
// (one USER_ID column) from every dataset of its group.
type deletionJob struct {
	meta
	groupArn, dataLocation, roleArn string
	loc                             s3Location
	numDeleted                      int
}

type deletionJobView struct {
	JobName            string         `json:"jobName"`
	DataDeletionJobArn string         `json:"dataDeletionJobArn"`
	DatasetGroupArn    string         `json:"datasetGroupArn"`
	DataSource         dataSourceView `json:"dataSource"`
	RoleArn            string         `json:"roleArn"`
	NumDeleted         *int           `json:"numDeleted,omitempty"`
	lifecycleView
}

func (s *Server) createDeletionJob(in *struct {
	JobName         *string `json:"jobName"`
	DatasetGroupArn *string `json:"datasetGroupArn"`
	DataSource      *struct {
		DataLocation *string `json:"dataLocation"`
	} `json:"dataSource"`
	RoleArn *string `json:"roleArn"`
	Tags    []tag   `json:"tags"`
}) (any, *apiError) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	loc, err := s.checkS3Path("dataSource.dataLocation", in.DataSource.DataLocation)
	if err != nil {
		return nil, err
	}
	g, err := lookupActive(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn, notActive)
	if err != nil {
		return nil, err
	}
	arn := s.arn("data-deletion-job", *in.JobName)
	if _, dup := s.deletionJobs.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	j := &deletionJob{meta: s.newMeta(arn, *in.JobName, in.Tags), groupArn: g.arn, dataLocation: *in.DataSource.DataLocation,
		roleArn: *in.RoleArn, loc: loc}
	s.deletionJobs.put(j)
	s.begin(&j.meta, deletionPhase, func() string { return s.runDeletion(j) }, nil)
	return struct {
		DataDeletionJobArn string `json:"dataDeletionJobArn"`
	}{arn}, nil
}

// runDeletion reads the users to erase and removes every record of theirs.
// Reasons name the bucket and the column, never an ID.
func (s *Server) runDeletion(j *deletionJob) string {
	files, reason := s.readInput(j.loc)
	if reason != "" {
		return reason
	}
	users := map[string]bool{}
	for _, f := range files {
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil || len(records) == 0 {
			return "The input CSV file is empty or not valid CSV"
		}
		col := -1
		for i, h := range records[0] {
			if strings.TrimSpace(h) == "USER_ID" {
				col = i
			}
		}
		if col < 0 {
			return "The input CSV file must have a USER_ID column"
		}
		for _, rec := range records[1:] {
			users[rec[col]] = true
		}
	}
	for _, d := range s.datasets.list(func(d *dataset) bool { return d.groupArn == j.groupArn }) {
		kept := d.rows[:0:0]
		for _, row := range d.rows {
			if id, ok := row["USER_ID"]; ok && users[id] {
				j.numDeleted++
				continue
			}
			kept = append(kept, row)
		}
		d.rows = kept
	}
	return ""
}

func (j *deletionJob) view() deletionJobView {
	v := deletionJobView{JobName: j.name, DataDeletionJobArn: j.arn, DatasetGroupArn: j.groupArn,
		DataSource: dataSourceView{j.dataLocation}, RoleArn: j.roleArn, lifecycleView: j.lifecycle()}
	if j.status == "COMPLETED" {
		n := j.numDeleted
		v.NumDeleted = &n
	}
	return v
}

func (s *Server) describeDeletionJob(in *struct {
	DataDeletionJobArn *string `json:"dataDeletionJobArn"`
}) (any, *apiError) {
	j, err := describe(s, s.deletionJobs, "dataDeletionJobArn", in.DataDeletionJobArn)
	if err != nil {
		return nil, err
	}
	return struct {
		DataDeletionJob deletionJobView `json:"dataDeletionJob"`
	}{j.view()}, nil
}

func (s *Server) listDeletionJobs(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.deletionJobs.list(func(j *deletionJob) bool {
		return in.DatasetGroupArn == nil || j.groupArn == *in.DatasetGroupArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	type summary struct {
		DataDeletionJobArn string `json:"dataDeletionJobArn"`
		DatasetGroupArn    string `json:"datasetGroupArn"`
		JobName            string `json:"jobName"`
		lifecycleView
	}
	out := make([]summary, 0, len(items))
	for _, j := range items {
		out = append(out, summary{j.arn, j.groupArn, j.name, j.lifecycle()})
	}
	return struct {
		DataDeletionJobs []summary `json:"dataDeletionJobs"`
		NextToken        *string   `json:"nextToken,omitempty"`
	}{out, next}, nil
}
