package fakepersonalize

import (
	"bytes"
	"encoding/json"
	"strings"
)

const defaultAutoMLRecipe = "arn:aws:personalize:::recipe/aws-user-personalization"

type solution struct {
	meta
	groupArn, recipeArn, eventType string
	performAutoML, performHPO      bool
	performAutoTraining            bool
	performIncrementalUpdate       bool
	config                         json.RawMessage
	latestVersion                  string
	update                         *solutionUpdate
}

// solutionUpdate is the last UpdateSolution request.
type solutionUpdate struct {
	performAutoTraining, performIncrementalUpdate *bool
	config                                        json.RawMessage
	created                                       float64
}

type solutionUpdateView struct {
	SolutionUpdateConfig     json.RawMessage `json:"solutionUpdateConfig,omitempty"`
	PerformAutoTraining      *bool           `json:"performAutoTraining,omitempty"`
	PerformIncrementalUpdate *bool           `json:"performIncrementalUpdate,omitempty"`
	lifecycleView
}

type createSolutionInput struct {
	Name                     *string         `json:"name"`
	DatasetGroupArn          *string         `json:"datasetGroupArn"`
	EventType                *string         `json:"eventType"`
	PerformAutoML            bool            `json:"performAutoML"`
	PerformAutoTraining      *bool           `json:"performAutoTraining"`
	PerformHPO               bool            `json:"performHPO"`
	PerformIncrementalUpdate *bool           `json:"performIncrementalUpdate"`
	RecipeArn                *string         `json:"recipeArn"`
	SolutionConfig           json.RawMessage `json:"solutionConfig"`
	Tags                     []tag           `json:"tags"`
}

type autoMLResult struct {
	BestRecipeArn string `json:"bestRecipeArn"`
}

type solutionView struct {
	SolutionArn              string                  `json:"solutionArn"`
	Name                     string                  `json:"name"`
	DatasetGroupArn          string                  `json:"datasetGroupArn"`
	RecipeArn                string                  `json:"recipeArn,omitempty"`
	EventType                string                  `json:"eventType,omitempty"`
	PerformAutoML            bool                    `json:"performAutoML"`
	PerformHPO               bool                    `json:"performHPO"`
	PerformAutoTraining      bool                    `json:"performAutoTraining"`
	PerformIncrementalUpdate bool                    `json:"performIncrementalUpdate"`
	SolutionConfig           json.RawMessage         `json:"solutionConfig,omitempty"`
	AutoMLResult             *autoMLResult           `json:"autoMLResult,omitempty"`
	LatestSolutionVersion    *solutionVersionSummary `json:"latestSolutionVersion,omitempty"`
	LatestSolutionUpdate     *solutionUpdateView     `json:"latestSolutionUpdate,omitempty"`
	lifecycleView
}

type solutionSummary struct {
	SolutionArn string `json:"solutionArn"`
	Name        string `json:"name"`
	RecipeArn   string `json:"recipeArn,omitempty"`
	lifecycleView
}

// checkObject accepts an absent or null member, or a JSON object.
func checkObject(field string, raw json.RawMessage) (json.RawMessage, *apiError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, &apiError{"SerializationException", "The member " + field + " must be a JSON object."}
	}
	return raw, nil
}

func (s *Server) createSolution(in *createSolutionInput) (any, *apiError) {
	cfg, err := checkObject("solutionConfig", in.SolutionConfig)
	if err != nil {
		return nil, err
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	recipe := ""
	switch {
	case in.RecipeArn != nil:
		if err := checkARN("recipeArn", in.RecipeArn); err != nil {
			return nil, err
		}
		if r, ok := recipeByARN(*in.RecipeArn); !ok || r.domain != "" {
			// Domain recipes are for recommenders, not custom solutions.
			return nil, notFound(*in.RecipeArn)
		}
		recipe = *in.RecipeArn
	case !in.PerformAutoML:
		return nil, invalidInput("recipeArn is required unless performAutoML is true")
	}
	g, err := lookupActive(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn, notActive)
	if err != nil {
		return nil, err
	}
	arn := s.arn("solution", *in.Name)
	if _, dup := s.solutions.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	sol := &solution{meta: s.newMeta(arn, *in.Name, in.Tags), groupArn: g.arn, recipeArn: recipe,
		performAutoML: in.PerformAutoML, performHPO: in.PerformHPO,
		// New solutions train automatically unless told otherwise.
		performAutoTraining:      in.PerformAutoTraining == nil || *in.PerformAutoTraining,
		performIncrementalUpdate: in.PerformIncrementalUpdate != nil && *in.PerformIncrementalUpdate,
		config:                   cfg}
	if in.EventType != nil {
		sol.eventType = *in.EventType
	}
	s.solutions.put(sol)
	s.begin(&sol.meta, createPhase, nil, nil)
	return struct {
		SolutionArn string `json:"solutionArn"`
	}{arn}, nil
}

func (s *Server) solutionView(sol *solution) solutionView {
	v := solutionView{SolutionArn: sol.arn, Name: sol.name, DatasetGroupArn: sol.groupArn, RecipeArn: sol.recipeArn,
		EventType: sol.eventType, PerformAutoML: sol.performAutoML, PerformHPO: sol.performHPO,
		PerformAutoTraining: sol.performAutoTraining, PerformIncrementalUpdate: sol.performIncrementalUpdate,
		SolutionConfig: sol.config, lifecycleView: sol.lifecycle()}
	if sol.performAutoML && sol.active() {
		v.AutoMLResult = &autoMLResult{defaultAutoMLRecipe}
	}
	if u := sol.update; u != nil {
		lv := sol.lifecycle()
		lv.CreationDateTime = u.created
		v.LatestSolutionUpdate = &solutionUpdateView{u.config, u.performAutoTraining, u.performIncrementalUpdate, lv}
	}
	if sv, ok := s.solutionVersions.get(sol.latestVersion); ok {
		sum := sv.summary()
		v.LatestSolutionVersion = &sum
	}
	return v
}

func (s *Server) describeSolution(in *struct {
	SolutionArn *string `json:"solutionArn"`
}) (any, *apiError) {
	sol, err := describe(s, s.solutions, "solutionArn", in.SolutionArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Solution solutionView `json:"solution"`
	}{s.solutionView(sol)}, nil
}

func (s *Server) listSolutions(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.solutions.list(func(sol *solution) bool {
		return in.DatasetGroupArn == nil || sol.groupArn == *in.DatasetGroupArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]solutionSummary, 0, len(items))
	for _, sol := range items {
		out = append(out, solutionSummary{sol.arn, sol.name, sol.recipeArn, sol.lifecycle()})
	}
	return struct {
		Solutions []solutionSummary `json:"solutions"`
		NextToken *string           `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) deleteSolution(in *struct {
	SolutionArn *string `json:"solutionArn"`
}) (any, *apiError) {
	sol, err := lookup(s.solutions, "solutionArn", in.SolutionArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&sol.meta); err != nil {
		return nil, err
	}
	versions := s.solutionVersions.list(func(sv *solutionVersion) bool { return sv.solutionArn == sol.arn })
	for _, sv := range versions {
		if sv.busy() {
			return nil, inUse("Solution %s has a solution version in progress", sol.arn)
		}
		if s.campaigns.any(func(c *campaign) bool { return c.solutionVersionArn == sv.arn }) {
			return nil, inUse("Solution %s has a solution version used by a campaign", sol.arn)
		}
		if s.batchJobs.any(func(j *batchJob) bool { return j.solutionVersionArn == sv.arn && j.busy() }) ||
			s.segmentJobs.any(func(j *batchJob) bool { return j.solutionVersionArn == sv.arn && j.busy() }) {
			return nil, inUse("Solution %s has a solution version used by a batch inference job in progress", sol.arn)
		}
	}
	s.begin(&sol.meta, deletePhase, nil, func() {
		for _, sv := range versions {
			s.solutionVersions.remove(sv.arn)
		}
		s.solutions.remove(sol.arn)
	})
	return struct{}{}, nil
}

// --- solution versions --------------------------------------------------------

type solutionVersion struct {
	meta
	solutionArn, trainingMode string
	trainingHours             float64
	// model is what the version learned; set when it settles ACTIVE.
	model *learned
}

type solutionVersionView struct {
	SolutionVersionArn       string          `json:"solutionVersionArn"`
	Name                     string          `json:"name,omitempty"`
	SolutionArn              string          `json:"solutionArn"`
	DatasetGroupArn          string          `json:"datasetGroupArn"`
	RecipeArn                string          `json:"recipeArn,omitempty"`
	EventType                string          `json:"eventType,omitempty"`
	PerformAutoML            bool            `json:"performAutoML"`
	PerformHPO               bool            `json:"performHPO"`
	PerformIncrementalUpdate bool            `json:"performIncrementalUpdate"`
	SolutionConfig           json.RawMessage `json:"solutionConfig,omitempty"`
	TrainingMode             string          `json:"trainingMode"`
	TrainingType             string          `json:"trainingType"`
	TrainingHours            *float64        `json:"trainingHours,omitempty"`
	lifecycleView
}

type solutionVersionSummary struct {
	SolutionVersionArn string `json:"solutionVersionArn"`
	TrainingMode       string `json:"trainingMode"`
	TrainingType       string `json:"trainingType"`
	lifecycleView
}

func (sv *solutionVersion) summary() solutionVersionSummary {
	return solutionVersionSummary{sv.arn, sv.trainingMode, "MANUAL", sv.lifecycle()}
}

func (s *Server) createSolutionVersion(in *struct {
	SolutionArn  *string `json:"solutionArn"`
	Name         *string `json:"name"`
	TrainingMode string  `json:"trainingMode"`
	Tags         []tag   `json:"tags"`
}) (any, *apiError) {
	mode := "FULL"
	if in.TrainingMode != "" {
		mode = in.TrainingMode
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	sol, err := lookupActive(s.solutions, "solutionArn", in.SolutionArn, notActive)
	if err != nil {
		return nil, err
	}
	if s.solutionVersions.any(func(sv *solutionVersion) bool { return sv.solutionArn == sol.arn && sv.busy() }) {
		return nil, inUse("Solution %s already has a solution version in progress", sol.arn)
	}
	name := ""
	if in.Name != nil {
		name = *in.Name
		if s.solutionVersions.any(func(sv *solutionVersion) bool { return sv.solutionArn == sol.arn && sv.name == name }) {
			return nil, alreadyExists(sol.arn + " version " + name)
		}
	}
	arn := sol.arn + "/" + newID(4)
	sv := &solutionVersion{meta: s.newMeta(arn, name, in.Tags), solutionArn: sol.arn, trainingMode: mode}
	s.solutionVersions.put(sv)
	sol.latestVersion = arn
	s.begin(&sv.meta, createPhase, func() string { return s.runTraining(sol, sv) }, nil)
	return struct {
		SolutionVersionArn string `json:"solutionVersionArn"`
	}{arn}, nil
}

// runTraining "trains" a version: it needs imported interactions.
func (s *Server) runTraining(sol *solution, sv *solutionVersion) string {
	hasData := s.datasets.any(func(d *dataset) bool {
		return d.groupArn == sol.groupArn && strings.HasSuffix(strings.ToUpper(d.datasetType), "INTERACTIONS") && len(d.rows) > 0
	})
	if !hasData {
		return "The dataset group has no imported interactions data; import interactions before training"
	}
	sv.trainingHours = 0.5
	if r, _ := recipeByARN(recipeOf(sol)); r.recipeType == recipeTypeNextAction {
		sv.model = s.learnFrom(sol.groupArn, "ACTION_INTERACTIONS", "ACTION_ID", sol.eventType)
	} else {
		sv.model = s.learnFrom(sol.groupArn, "INTERACTIONS", "ITEM_ID", sol.eventType)
	}
	return ""
}

// recipeOf is the recipe a solution trains with: its own, or AutoML's pick.
func recipeOf(sol *solution) string {
	if sol.recipeArn == "" {
		return defaultAutoMLRecipe
	}
	return sol.recipeArn
}

func (s *Server) describeSolutionVersion(in *struct {
	SolutionVersionArn *string `json:"solutionVersionArn"`
}) (any, *apiError) {
	sv, err := describe(s, s.solutionVersions, "solutionVersionArn", in.SolutionVersionArn)
	if err != nil {
		return nil, err
	}
	sol, _ := s.solutions.get(sv.solutionArn)
	v := solutionVersionView{SolutionVersionArn: sv.arn, Name: sv.name, SolutionArn: sv.solutionArn,
		DatasetGroupArn: sol.groupArn, RecipeArn: sol.recipeArn, EventType: sol.eventType,
		PerformAutoML: sol.performAutoML, PerformHPO: sol.performHPO, PerformIncrementalUpdate: sol.performIncrementalUpdate,
		SolutionConfig: sol.config, TrainingMode: sv.trainingMode, TrainingType: "MANUAL", lifecycleView: sv.lifecycle()}
	if sv.active() {
		v.TrainingHours = &sv.trainingHours
	}
	return struct {
		SolutionVersion solutionVersionView `json:"solutionVersion"`
	}{v}, nil
}

func (s *Server) listSolutionVersions(in *struct {
	SolutionArn *string `json:"solutionArn"`
	page
}) (any, *apiError) {
	if in.SolutionArn != nil {
		if _, err := lookup(s.solutions, "solutionArn", in.SolutionArn); err != nil {
			return nil, err
		}
	}
	items, next, err := paginate(s.solutionVersions.list(func(sv *solutionVersion) bool {
		return in.SolutionArn == nil || sv.solutionArn == *in.SolutionArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]solutionVersionSummary, 0, len(items))
	for _, sv := range items {
		out = append(out, sv.summary())
	}
	return struct {
		SolutionVersions []solutionVersionSummary `json:"solutionVersions"`
		NextToken        *string                  `json:"nextToken,omitempty"`
	}{out, next}, nil
}

// updateSolution changes an ACTIVE solution's automatic training settings.
func (s *Server) updateSolution(in *struct {
	SolutionArn              *string         `json:"solutionArn"`
	PerformAutoTraining      *bool           `json:"performAutoTraining"`
	PerformIncrementalUpdate *bool           `json:"performIncrementalUpdate"`
	SolutionUpdateConfig     json.RawMessage `json:"solutionUpdateConfig"`
}) (any, *apiError) {
	sol, err := lookupActive(s.solutions, "solutionArn", in.SolutionArn, notActive)
	if err != nil {
		return nil, err
	}
	u := &solutionUpdate{performAutoTraining: in.PerformAutoTraining, performIncrementalUpdate: in.PerformIncrementalUpdate,
		config: in.SolutionUpdateConfig, created: epoch(s.now())}
	sol.update = u
	s.begin(&sol.meta, updatePhase, func() string {
		if u.performAutoTraining != nil {
			sol.performAutoTraining = *u.performAutoTraining
		}
		if u.performIncrementalUpdate != nil {
			sol.performIncrementalUpdate = *u.performIncrementalUpdate
		}
		return ""
	}, nil)
	return struct {
		SolutionArn string `json:"solutionArn"`
	}{sol.arn}, nil
}

// getSolutionMetrics answers fixed offline metrics for a trained version.
func (s *Server) getSolutionMetrics(in *struct {
	SolutionVersionArn *string `json:"solutionVersionArn"`
}) (any, *apiError) {
	sv, err := lookupActive(s.solutionVersions, "solutionVersionArn", in.SolutionVersionArn, notActive)
	if err != nil {
		return nil, err
	}
	return struct {
		SolutionVersionArn string             `json:"solutionVersionArn"`
		Metrics            map[string]float64 `json:"metrics"`
	}{sv.arn, map[string]float64{
		"coverage": 0.27, "mean_reciprocal_rank_at_25": 0.12, "normalized_discounted_cumulative_gain_at_5": 0.1,
		"normalized_discounted_cumulative_gain_at_10": 0.13, "normalized_discounted_cumulative_gain_at_25": 0.18,
		"precision_at_5": 0.05, "precision_at_10": 0.04, "precision_at_25": 0.03,
	}}, nil
}

// stopSolutionVersionCreation stops training that has not settled: the
// version goes CREATE STOPPING, then CREATE STOPPED.
func (s *Server) stopSolutionVersionCreation(in *struct {
	SolutionVersionArn *string `json:"solutionVersionArn"`
}) (any, *apiError) {
	sv, err := lookup(s.solutionVersions, "solutionVersionArn", in.SolutionVersionArn)
	if err != nil {
		return nil, err
	}
	if !sv.busy() || sv.work.phase != createPhase {
		return nil, inUse("Solution version %s is not being created (status %s)", sv.arn, sv.status)
	}
	s.begin(&sv.meta, stoppingPhase, nil, nil)
	return struct{}{}, nil
}
