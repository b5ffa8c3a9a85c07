package fakepersonalize

type datasetGroup struct {
	meta
	domain, kmsKeyArn, roleArn string
}

type createDatasetGroupInput struct {
	Name      *string `json:"name"`
	Domain    string  `json:"domain"`
	KmsKeyArn *string `json:"kmsKeyArn"`
	RoleArn   *string `json:"roleArn"`
	Tags      []tag   `json:"tags"`
}

type datasetGroupView struct {
	DatasetGroupArn string `json:"datasetGroupArn"`
	Name            string `json:"name"`
	Domain          string `json:"domain,omitempty"`
	KmsKeyArn       string `json:"kmsKeyArn,omitempty"`
	RoleArn         string `json:"roleArn,omitempty"`
	lifecycleView
}

type datasetGroupSummary struct {
	DatasetGroupArn string `json:"datasetGroupArn"`
	Name            string `json:"name"`
	Domain          string `json:"domain,omitempty"`
	lifecycleView
}

func (s *Server) createDatasetGroup(in *createDatasetGroupInput) (any, *apiError) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	// A service role is how Personalize reaches the key, and only the key.
	switch {
	case in.RoleArn != nil && in.KmsKeyArn == nil:
		return nil, invalidInput("roleArn is only valid together with kmsKeyArn")
	case in.KmsKeyArn != nil && in.RoleArn == nil:
		return nil, invalidInput("roleArn is required when kmsKeyArn is specified")
	case in.KmsKeyArn != nil:
		if err := s.checkKMSKey("kmsKeyArn", *in.KmsKeyArn); err != nil {
			return nil, err
		}
	}
	arn := s.arn("dataset-group", *in.Name)
	if _, dup := s.datasetGroups.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	g := &datasetGroup{meta: s.newMeta(arn, *in.Name, in.Tags), domain: in.Domain}
	if in.KmsKeyArn != nil {
		g.kmsKeyArn, g.roleArn = *in.KmsKeyArn, *in.RoleArn
	}
	s.datasetGroups.put(g)
	// Personalize creates the group's encrypted storage while it is pending;
	// a key revoked meanwhile fails the group.
	s.begin(&g.meta, createPhase, func() string { return s.kmsKeyProblem(g.kmsKeyArn) }, nil)
	return struct {
		DatasetGroupArn string `json:"datasetGroupArn"`
		Domain          string `json:"domain,omitempty"`
	}{arn, in.Domain}, nil
}

func (s *Server) describeDatasetGroup(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
}) (any, *apiError) {
	g, err := describe(s, s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn)
	if err != nil {
		return nil, err
	}
	return struct {
		DatasetGroup datasetGroupView `json:"datasetGroup"`
	}{datasetGroupView{g.arn, g.name, g.domain, g.kmsKeyArn, g.roleArn, g.lifecycle()}}, nil
}

func (s *Server) listDatasetGroups(in *page) (any, *apiError) {
	items, next, err := paginate(s.datasetGroups.list(nil), *in)
	if err != nil {
		return nil, err
	}
	out := make([]datasetGroupSummary, 0, len(items))
	for _, g := range items {
		out = append(out, datasetGroupSummary{g.arn, g.name, g.domain, g.lifecycle()})
	}
	return struct {
		DatasetGroups []datasetGroupSummary `json:"datasetGroups"`
		NextToken     *string               `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) deleteDatasetGroup(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
}) (any, *apiError) {
	g, err := lookup(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&g.meta); err != nil {
		return nil, err
	}
	inGroup := func(groupArn string) bool { return groupArn == g.arn }
	if s.datasets.any(func(d *dataset) bool { return inGroup(d.groupArn) }) ||
		s.eventTrackers.any(func(e *eventTracker) bool { return inGroup(e.groupArn) }) ||
		s.filters.any(func(f *filter) bool { return inGroup(f.groupArn) }) ||
		s.solutions.any(func(sol *solution) bool { return inGroup(sol.groupArn) }) ||
		s.recommenders.any(func(r *recommender) bool { return inGroup(r.groupArn) }) ||
		s.attributions.any(func(a *metricAttribution) bool { return inGroup(a.groupArn) }) {
		return nil, inUse("Dataset group %s still has datasets, event trackers, filters, solutions, recommenders or metric attributions; delete them first", g.arn)
	}
	s.begin(&g.meta, deletePhase, nil, func() { s.datasetGroups.remove(g.arn) })
	return struct{}{}, nil
}
