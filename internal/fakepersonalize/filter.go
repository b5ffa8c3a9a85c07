package fakepersonalize

import (
	"strings"
)

type filter struct {
	meta
	groupArn, expression string
}

type createFilterInput struct {
	Name             *string `json:"name"`
	DatasetGroupArn  *string `json:"datasetGroupArn"`
	FilterExpression *string `json:"filterExpression"`
	Tags             []tag   `json:"tags"`
}

type filterView struct {
	FilterArn        string `json:"filterArn"`
	Name             string `json:"name"`
	DatasetGroupArn  string `json:"datasetGroupArn"`
	FilterExpression string `json:"filterExpression,omitempty"`
	lifecycleView
}

func (f *filter) view(withExpression bool) filterView {
	v := filterView{FilterArn: f.arn, Name: f.name, DatasetGroupArn: f.groupArn, lifecycleView: f.lifecycle()}
	if withExpression {
		v.FilterExpression = f.expression
	}
	return v
}

func (s *Server) createFilter(in *createFilterInput) (any, *apiError) {
	if in.FilterExpression == nil {
		return nil, missing("filterExpression")
	}
	expr := strings.TrimSpace(*in.FilterExpression)
	if !strings.HasPrefix(expr, "INCLUDE ") && !strings.HasPrefix(expr, "EXCLUDE ") {
		return nil, invalidInput("The filter expression must start with INCLUDE or EXCLUDE")
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	// CreateFilter has no ResourceInUseException: AWS answers a group that is
	// not ready with InvalidInputException.
	g, err := lookupActive(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn, func(m *meta) *apiError {
		return invalidInput("Dataset group %s is not in ACTIVE state", m.arn)
	})
	if err != nil {
		return nil, err
	}
	arn := s.arn("filter", *in.Name)
	if _, dup := s.filters.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	f := &filter{meta: s.newMeta(arn, *in.Name, in.Tags), groupArn: g.arn, expression: *in.FilterExpression}
	s.filters.put(f)
	s.begin(&f.meta, createPhase, nil, nil)
	return struct {
		FilterArn string `json:"filterArn"`
	}{arn}, nil
}

func (s *Server) describeFilter(in *struct {
	FilterArn *string `json:"filterArn"`
}) (any, *apiError) {
	f, err := describe(s, s.filters, "filterArn", in.FilterArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Filter filterView `json:"filter"`
	}{f.view(true)}, nil
}

func (s *Server) listFilters(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.filters.list(func(f *filter) bool {
		return in.DatasetGroupArn == nil || f.groupArn == *in.DatasetGroupArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]filterView, 0, len(items))
	for _, f := range items {
		out = append(out, f.view(false))
	}
	// The model spells this member with a capital F.
	return struct {
		Filters   []filterView `json:"Filters"`
		NextToken *string      `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) deleteFilter(in *struct {
	FilterArn *string `json:"filterArn"`
}) (any, *apiError) {
	f, err := lookup(s.filters, "filterArn", in.FilterArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&f.meta); err != nil {
		return nil, err
	}
	if s.batchJobs.any(func(j *batchJob) bool { return j.filterArn == f.arn && j.busy() }) {
		return nil, inUse("Filter %s is used by a batch inference job in progress", f.arn)
	}
	s.begin(&f.meta, deletePhase, nil, func() { s.filters.remove(f.arn) })
	return struct{}{}, nil
}
