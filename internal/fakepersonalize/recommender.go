package fakepersonalize

import "encoding/json"

type recommender struct {
	meta
	groupArn, recipeArn string
	config              json.RawMessage
	update              *recommenderUpdate
	// model is what the recommender learned when it was created.
	model *learned
}

// recommenderUpdate is the last UpdateRecommender request.
type recommenderUpdate struct {
	config  json.RawMessage
	created float64
}

type recommenderUpdateView struct {
	RecommenderConfig json.RawMessage `json:"recommenderConfig,omitempty"`
	lifecycleView
}

type recommenderView struct {
	RecommenderArn          string                 `json:"recommenderArn"`
	DatasetGroupArn         string                 `json:"datasetGroupArn"`
	Name                    string                 `json:"name"`
	RecipeArn               string                 `json:"recipeArn"`
	RecommenderConfig       json.RawMessage        `json:"recommenderConfig,omitempty"`
	LatestRecommenderUpdate *recommenderUpdateView `json:"latestRecommenderUpdate,omitempty"`
	ModelMetrics            map[string]float64     `json:"modelMetrics,omitempty"`
	lifecycleView
}

func (s *Server) createRecommender(in *struct {
	Name              *string         `json:"name"`
	DatasetGroupArn   *string         `json:"datasetGroupArn"`
	RecipeArn         *string         `json:"recipeArn"`
	RecommenderConfig json.RawMessage `json:"recommenderConfig"`
	Tags              []tag           `json:"tags"`
}) (any, *apiError) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	g, err := lookupActive(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn, notActive)
	if err != nil {
		return nil, err
	}
	r, ok := recipeByARN(*in.RecipeArn)
	if !ok {
		return nil, notFound(*in.RecipeArn)
	}
	// Recommenders serve domain dataset groups with their domain's recipes.
	if g.domain == "" || r.domain != g.domain {
		return nil, invalidInput("The recipe %s is not a use case of the dataset group's domain", r.arn())
	}
	arn := s.arn("recommender", *in.Name)
	if _, dup := s.recommenders.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	rec := &recommender{meta: s.newMeta(arn, *in.Name, in.Tags), groupArn: g.arn, recipeArn: r.arn(), config: in.RecommenderConfig}
	s.recommenders.put(rec)
	s.begin(&rec.meta, createPhase, func() string {
		rec.model = s.learnFrom(g.arn, "INTERACTIONS", "ITEM_ID", "")
		return ""
	}, nil)
	return struct {
		RecommenderArn string `json:"recommenderArn"`
	}{arn}, nil
}

func (r *recommender) view() recommenderView {
	v := recommenderView{RecommenderArn: r.arn, DatasetGroupArn: r.groupArn, Name: r.name, RecipeArn: r.recipeArn,
		RecommenderConfig: r.config, lifecycleView: r.lifecycle()}
	if u := r.update; u != nil {
		lv := r.lifecycle()
		lv.CreationDateTime = u.created
		v.LatestRecommenderUpdate = &recommenderUpdateView{u.config, lv}
	}
	if r.active() {
		v.ModelMetrics = map[string]float64{"coverage": 0.27, "precision_at_25": 0.08}
	}
	return v
}

func (s *Server) describeRecommender(in *struct {
	RecommenderArn *string `json:"recommenderArn"`
}) (any, *apiError) {
	r, err := describe(s, s.recommenders, "recommenderArn", in.RecommenderArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Recommender recommenderView `json:"recommender"`
	}{r.view()}, nil
}

func (s *Server) listRecommenders(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.recommenders.list(func(r *recommender) bool {
		return in.DatasetGroupArn == nil || r.groupArn == *in.DatasetGroupArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	type summary struct {
		Name              string          `json:"name"`
		RecommenderArn    string          `json:"recommenderArn"`
		DatasetGroupArn   string          `json:"datasetGroupArn"`
		RecipeArn         string          `json:"recipeArn"`
		RecommenderConfig json.RawMessage `json:"recommenderConfig,omitempty"`
		lifecycleView
	}
	out := make([]summary, 0, len(items))
	for _, r := range items {
		out = append(out, summary{r.name, r.arn, r.groupArn, r.recipeArn, r.config, r.lifecycle()})
	}
	return struct {
		Recommenders []summary `json:"recommenders"`
		NextToken    *string   `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) updateRecommender(in *struct {
	RecommenderArn    *string         `json:"recommenderArn"`
	RecommenderConfig json.RawMessage `json:"recommenderConfig"`
}) (any, *apiError) {
	r, err := lookupActive(s.recommenders, "recommenderArn", in.RecommenderArn, notActive)
	if err != nil {
		return nil, err
	}
	u := &recommenderUpdate{config: in.RecommenderConfig, created: epoch(s.now())}
	r.update = u
	s.begin(&r.meta, updatePhase, func() string {
		r.config = u.config
		return ""
	}, nil)
	return struct {
		RecommenderArn string `json:"recommenderArn"`
	}{r.arn}, nil
}

// startRecommender resumes a stopped (INACTIVE) recommender.
func (s *Server) startRecommender(in *struct {
	RecommenderArn *string `json:"recommenderArn"`
}) (any, *apiError) {
	r, err := lookup(s.recommenders, "recommenderArn", in.RecommenderArn)
	if err != nil {
		return nil, err
	}
	if r.busy() || r.status != "INACTIVE" {
		return nil, inUse("Recommender %s is not stopped (status %s)", r.arn, r.status)
	}
	s.begin(&r.meta, startPhase, nil, nil)
	return struct {
		RecommenderArn string `json:"recommenderArn"`
	}{r.arn}, nil
}

// stopRecommender stops billing for an ACTIVE recommender: it ends INACTIVE.
func (s *Server) stopRecommender(in *struct {
	RecommenderArn *string `json:"recommenderArn"`
}) (any, *apiError) {
	r, err := lookupActive(s.recommenders, "recommenderArn", in.RecommenderArn, notActive)
	if err != nil {
		return nil, err
	}
	s.begin(&r.meta, stopPhase, nil, nil)
	return struct {
		RecommenderArn string `json:"recommenderArn"`
	}{r.arn}, nil
}

func (s *Server) deleteRecommender(in *struct {
	RecommenderArn *string `json:"recommenderArn"`
}) (any, *apiError) {
	r, err := lookup(s.recommenders, "recommenderArn", in.RecommenderArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&r.meta); err != nil {
		return nil, err
	}
	s.begin(&r.meta, deletePhase, nil, func() { s.recommenders.remove(r.arn) })
	return struct{}{}, nil
}
