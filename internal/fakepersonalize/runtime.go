package fakepersonalize

import (
	"encoding/json"
	"slices"
	"strings"
)

// The Runtime API answers from the model (see learned) of an ACTIVE
// campaign's solution version or of an ACTIVE recommender, as the recipe's
// type asks: USER_PERSONALIZATION by the user's history, RELATED_ITEMS by
// the given item, POPULAR_ITEMS by popularity, PERSONALIZED_RANKING (for
// GetPersonalizedRanking only) by reordering the given list, and
// PERSONALIZED_ACTIONS (for GetActionRecommendations only). Items the user
// already interacted with are left out of recommendations. The context is
// accepted and ignored; promotions and metadata columns are refused.

const (
	maxNumResults          = 500 // GetRecommendations, with no metadata
	maxRankingInput        = 500
	defaultNumActions      = 5
	maxNumActions          = 100
	recommendationIDPrefix = "RID-"
)

// serving is a campaign or recommender ready to answer.
type serving struct {
	arn, groupArn, recipeType string
	model                     *learned
}

// servingFor resolves the campaignArn or recommenderArn of a request:
// exactly one must be given, and it must be ACTIVE.
func (s *Server) servingFor(campaignArn, recommenderArn *string) (serving, *apiError) {
	switch {
	case campaignArn == nil && recommenderArn == nil:
		return serving{}, invalidInput("Either campaignArn or recommenderArn is required")
	case campaignArn != nil && recommenderArn != nil:
		return serving{}, invalidInput("Specify campaignArn or recommenderArn, not both")
	case recommenderArn != nil:
		r, err := lookupActive(s.recommenders, "recommenderArn", recommenderArn, notActive)
		if err != nil {
			return serving{}, err
		}
		rc, _ := recipeByARN(r.recipeArn)
		return serving{r.arn, r.groupArn, rc.recipeType, r.model}, nil
	}
	c, err := lookupActive(s.campaigns, "campaignArn", campaignArn, notActive)
	if err != nil {
		return serving{}, err
	}
	sv, ok := s.solutionVersions.get(c.solutionVersionArn)
	if !ok || sv.model == nil {
		return serving{}, notFound(c.solutionVersionArn)
	}
	sol, _ := s.solutions.get(sv.solutionArn)
	rc, _ := recipeByARN(recipeOf(sol))
	return serving{c.arn, sol.groupArn, rc.recipeType, sv.model}, nil
}

type predictedItem struct {
	ItemID string  `json:"itemId"`
	Score  float64 `json:"score"`
}

type getRecommendationsInput struct {
	CampaignArn     *string           `json:"campaignArn"`
	RecommenderArn  *string           `json:"recommenderArn"`
	ItemID          *string           `json:"itemId"`
	UserID          *string           `json:"userId"`
	NumResults      *int32            `json:"numResults"`
	FilterArn       *string           `json:"filterArn"`
	FilterValues    map[string]string `json:"filterValues"`
	Promotions      []json.RawMessage `json:"promotions"`
	MetadataColumns json.RawMessage   `json:"metadataColumns"`
}

func (s *Server) getRecommendations(in *getRecommendationsInput) (any, *apiError) {
	if err := refuseUnsupported(in.Promotions, in.MetadataColumns); err != nil {
		return nil, err
	}
	n, err := numResults(in.NumResults, defaultNumResults, maxNumResults)
	if err != nil {
		return nil, err
	}
	sv, err := s.servingFor(in.CampaignArn, in.RecommenderArn)
	if err != nil {
		return nil, err
	}
	user, item := deref(in.UserID), deref(in.ItemID)
	var ranked []scored
	switch sv.recipeType {
	case recipeTypeUser:
		if user == "" {
			return nil, invalidInput("userId is required for a %s recipe", sv.recipeType)
		}
		ranked = sv.model.rank(sv.model.toUser(user))
	case recipeTypeRelatedItems:
		if item == "" {
			return nil, invalidInput("itemId is required for a %s recipe", sv.recipeType)
		}
		ranked = slices.DeleteFunc(sv.model.rank(sv.model.toItem(item)), func(c scored) bool { return c.id == item })
	case recipeTypePopularity:
		ranked = sv.model.rank(nil)
	default:
		return nil, invalidInput("%s serves a %s recipe, which GetRecommendations does not answer", sv.arn, sv.recipeType)
	}
	if user != "" {
		ranked = slices.DeleteFunc(ranked, func(c scored) bool { return sv.model.interacted(user, c.id, nil) })
	}
	if ranked, err = s.filtered(sv, itemTarget, user, in.FilterArn, in.FilterValues, ranked); err != nil {
		return nil, err
	}
	return struct {
		ItemList         []predictedItem `json:"itemList"`
		RecommendationID string          `json:"recommendationId"`
	}{predicted(ranked, n), recommendationIDPrefix + newUUID()}, nil
}

func (s *Server) getPersonalizedRanking(in *struct {
	CampaignArn     *string           `json:"campaignArn"`
	UserID          *string           `json:"userId"`
	InputList       []string          `json:"inputList"`
	FilterArn       *string           `json:"filterArn"`
	FilterValues    map[string]string `json:"filterValues"`
	MetadataColumns json.RawMessage   `json:"metadataColumns"`
}) (any, *apiError) {
	if err := refuseUnsupported(nil, in.MetadataColumns); err != nil {
		return nil, err
	}
	if len(in.InputList) > maxRankingInput {
		return nil, invalidInput("1 validation error detected: Value at 'inputList' failed to satisfy constraint: Member must have length less than or equal to %d", maxRankingInput)
	}
	if in.CampaignArn == nil {
		return nil, missing("campaignArn")
	}
	sv, err := s.servingFor(in.CampaignArn, nil)
	if err != nil {
		return nil, err
	}
	if sv.recipeType != recipeTypeRanking {
		return nil, invalidInput("%s serves a %s recipe; GetPersonalizedRanking needs a %s recipe", sv.arn, sv.recipeType, recipeTypeRanking)
	}
	user := deref(in.UserID)
	byID := map[string]scored{}
	for _, c := range sv.model.rank(sv.model.toUser(user)) {
		byID[c.id] = c
	}
	// Trained items in rank order, then the others in input order, as AWS
	// appends items it was not trained on.
	var known, unknown []scored
	seen := map[string]bool{}
	for _, id := range in.InputList {
		if seen[id] {
			continue
		}
		seen[id] = true
		if c, ok := byID[id]; ok {
			known = append(known, c)
		} else {
			unknown = append(unknown, scored{id: id})
		}
	}
	sortScored(known)
	ranked := append(known, unknown...)
	if ranked, err = s.filtered(sv, itemTarget, user, in.FilterArn, in.FilterValues, ranked); err != nil {
		return nil, err
	}
	return struct {
		PersonalizedRanking []predictedItem `json:"personalizedRanking"`
		RecommendationID    string          `json:"recommendationId"`
	}{predicted(ranked, len(ranked)), recommendationIDPrefix + newUUID()}, nil
}

type predictedAction struct {
	ActionID string  `json:"actionId"`
	Score    float64 `json:"score"`
}

func (s *Server) getActionRecommendations(in *struct {
	CampaignArn  *string           `json:"campaignArn"`
	UserID       *string           `json:"userId"`
	NumResults   *int32            `json:"numResults"`
	FilterArn    *string           `json:"filterArn"`
	FilterValues map[string]string `json:"filterValues"`
}) (any, *apiError) {
	n, err := numResults(in.NumResults, defaultNumActions, maxNumActions)
	if err != nil {
		return nil, err
	}
	if in.CampaignArn == nil {
		return nil, missing("campaignArn")
	}
	sv, err := s.servingFor(in.CampaignArn, nil)
	if err != nil {
		return nil, err
	}
	if sv.recipeType != recipeTypeNextAction {
		return nil, invalidInput("%s serves a %s recipe; GetActionRecommendations needs a %s recipe", sv.arn, sv.recipeType, recipeTypeNextAction)
	}
	user := deref(in.UserID)
	ranked := sv.model.rank(sv.model.toUser(user)) // no history: popularity
	if user != "" {
		ranked = slices.DeleteFunc(ranked, func(c scored) bool { return sv.model.interacted(user, c.id, nil) })
	}
	if ranked, err = s.filtered(sv, actionTarget, user, in.FilterArn, in.FilterValues, ranked); err != nil {
		return nil, err
	}
	items := predicted(ranked, n)
	actions := make([]predictedAction, len(items))
	for i, it := range items {
		actions[i] = predictedAction{it.ItemID, it.Score}
	}
	return struct {
		ActionList       []predictedAction `json:"actionList"`
		RecommendationID string            `json:"recommendationId"`
	}{actions, recommendationIDPrefix + newUUID()}, nil
}

// numResults applies a numResults member's default (when absent or 0, which
// the SDK does not send) and maximum.
func numResults(v *int32, def, most int) (int, *apiError) {
	if v == nil || *v == 0 {
		return def, nil
	}
	if int(*v) > most {
		return 0, invalidInput("1 validation error detected: Value at 'numResults' failed to satisfy constraint: Member must have value less than or equal to %d", most)
	}
	return int(*v), nil
}

func refuseUnsupported(promotions []json.RawMessage, metadataColumns json.RawMessage) *apiError {
	if len(promotions) > 0 {
		return invalidInput("promotions are not supported by the local Personalize emulator")
	}
	if m := strings.TrimSpace(string(metadataColumns)); m != "" && m != "null" && m != "{}" {
		return invalidInput("metadataColumns are not supported by the local Personalize emulator")
	}
	return nil
}

// predicted scores a ranked list (scores sum to 1 over it) and keeps the
// first n.
func predicted(ranked []scored, n int) []predictedItem {
	scores := scoresOf(ranked)
	out := make([]predictedItem, 0, min(n, len(ranked)))
	for i, c := range ranked[:min(n, len(ranked))] {
		out = append(out, predictedItem{c.id, scores[i]})
	}
	return out
}

// filtered applies the request's filter, if any, to a ranked list.
func (s *Server) filtered(sv serving, target filterTarget, user string, filterArn *string, values map[string]string, ranked []scored) ([]scored, *apiError) {
	if filterArn == nil {
		if len(values) > 0 {
			return nil, invalidInput("filterValues need a filterArn")
		}
		return ranked, nil
	}
	f, err := lookupActive(s.filters, "filterArn", filterArn, notActive)
	if err != nil {
		return nil, err
	}
	if f.groupArn != sv.groupArn {
		return nil, invalidInput("The filter %s belongs to another dataset group than %s", f.arn, sv.arn)
	}
	expr, perr := parseFilterExpression(f.expression, target)
	if perr != nil {
		return nil, invalidInput("The local Personalize emulator cannot evaluate the filter %s: it has %s", f.arn, perr)
	}
	for name := range values {
		if name != expr.param {
			return nil, invalidInput("filterValues has the parameter %s, which the filter %s does not use", name, f.arn)
		}
	}
	want := expr.values
	if expr.param != "" {
		v, given := values[expr.param]
		switch {
		case !given && expr.include:
			return nil, invalidInput("filterValues must give the parameter %s of the filter %s", expr.param, f.arn)
		case !given:
			// AWS skips an EXCLUDE condition whose values are not given.
			return ranked, nil
		}
		var ok bool
		if want, ok = parseFilterValues(v); !ok {
			return nil, invalidInput("filterValues.%s must be one or more double-quoted values separated by commas", expr.param)
		}
	}
	match := func(id string) bool { return user != "" && sv.model.interacted(user, id, want) }
	if expr.dataset != "" {
		meta := s.metadataIndex(sv.groupArn, expr.dataset, target.idColumn, expr.field)
		match = func(id string) bool {
			for _, v := range meta[id] {
				if slices.Contains(want, v) {
					return !expr.negate
				}
			}
			return expr.negate
		}
	}
	return slices.DeleteFunc(ranked, func(c scored) bool { return match(c.id) != expr.include }), nil
}

// metadataIndex maps each ID in the group's metadata dataset (ITEMS or
// ACTIONS) to the values of field, split at "|" as Personalize splits
// categorical values.
func (s *Server) metadataIndex(groupArn, datasetType, idColumn, field string) map[string][]string {
	out := map[string][]string{}
	d := s.groupDataset(groupArn, datasetType)
	if d == nil {
		return out
	}
	for _, row := range d.rows {
		for col, v := range row {
			if strings.EqualFold(col, field) && v != "" {
				out[row[idColumn]] = strings.Split(v, "|")
			}
		}
	}
	return out
}
