package fakepersonalize

import (
	"strings"
	"time"
)

// The public catalog: recipes, the algorithms behind them and the feature
// transformation they share. Personalize owns these resources, so their
// ARNs have no Region or account.

const (
	recipePrefix           = "arn:aws:personalize:::recipe/"
	algorithmPrefix        = "arn:aws:personalize:::algorithm/"
	featureTransformation  = "arn:aws:personalize:::feature-transformation/JSON-percentile-filtering"
	catalogEpoch           = 1559347200 // 2019-06-01, when the catalog "appeared"
	recipeTypeUser         = "USER_PERSONALIZATION"
	recipeTypeRanking      = "PERSONALIZED_RANKING"
	recipeTypeRelatedItems = "RELATED_ITEMS"
	recipeTypeSegmentation = "USER_SEGMENTATION"
	recipeTypePopularity   = "POPULAR_ITEMS"
	recipeTypeNextAction   = "PERSONALIZED_ACTIONS"
)

type recipe struct {
	name, recipeType, domain string
}

var catalog = []recipe{
	{"aws-user-personalization", recipeTypeUser, ""},
	{"aws-user-personalization-v2", recipeTypeUser, ""},
	{"aws-personalized-ranking", recipeTypeRanking, ""},
	{"aws-personalized-ranking-v2", recipeTypeRanking, ""},
	{"aws-similar-items", recipeTypeRelatedItems, ""},
	{"aws-sims", recipeTypeRelatedItems, ""},
	{"aws-semantic-similarity", recipeTypeRelatedItems, ""},
	{"aws-popularity-count", recipeTypePopularity, ""},
	{"aws-trending-now", recipeTypePopularity, ""},
	{"aws-item-affinity", recipeTypeSegmentation, ""},
	{"aws-item-attribute-affinity", recipeTypeSegmentation, ""},
	{"aws-next-best-action", recipeTypeNextAction, ""},
	{"aws-hrnn", recipeTypeUser, ""},
	{"aws-hrnn-metadata", recipeTypeUser, ""},
	{"aws-hrnn-coldstart", recipeTypeUser, ""},
	{"aws-ecomm-customers-who-viewed-x-also-viewed", recipeTypeRelatedItems, "ECOMMERCE"},
	{"aws-ecomm-frequently-bought-together", recipeTypeRelatedItems, "ECOMMERCE"},
	{"aws-ecomm-popular-items-by-purchases", recipeTypePopularity, "ECOMMERCE"},
	{"aws-ecomm-popular-items-by-views", recipeTypePopularity, "ECOMMERCE"},
	{"aws-ecomm-recommended-for-you", recipeTypeUser, "ECOMMERCE"},
	{"aws-vod-because-you-watched-x", recipeTypeRelatedItems, "VIDEO_ON_DEMAND"},
	{"aws-vod-more-like-x", recipeTypeRelatedItems, "VIDEO_ON_DEMAND"},
	{"aws-vod-most-popular", recipeTypePopularity, "VIDEO_ON_DEMAND"},
	{"aws-vod-top-picks", recipeTypeUser, "VIDEO_ON_DEMAND"},
}

func (r recipe) arn() string          { return recipePrefix + r.name }
func (r recipe) algorithmArn() string { return algorithmPrefix + r.name }

func recipeByARN(arn string) (recipe, bool) {
	name, ok := strings.CutPrefix(arn, recipePrefix)
	for _, r := range catalog {
		if ok && r.name == name {
			return r, true
		}
	}
	return recipe{}, false
}

var catalogTime = epoch(time.Unix(catalogEpoch, 0))

type recipeView struct {
	Name                     string  `json:"name"`
	RecipeArn                string  `json:"recipeArn"`
	AlgorithmArn             string  `json:"algorithmArn,omitempty"`
	FeatureTransformationArn string  `json:"featureTransformationArn,omitempty"`
	Status                   string  `json:"status"`
	Description              string  `json:"description,omitempty"`
	RecipeType               string  `json:"recipeType,omitempty"`
	Domain                   string  `json:"domain,omitempty"`
	CreationDateTime         float64 `json:"creationDateTime"`
	LastUpdatedDateTime      float64 `json:"lastUpdatedDateTime"`
}

func (r recipe) view(full bool) recipeView {
	v := recipeView{Name: r.name, RecipeArn: r.arn(), Status: statusActive, Domain: r.domain,
		CreationDateTime: catalogTime, LastUpdatedDateTime: catalogTime}
	if full {
		v.AlgorithmArn, v.FeatureTransformationArn = r.algorithmArn(), featureTransformation
		v.RecipeType, v.Domain = r.recipeType, ""
		v.Description = "The " + r.name + " recipe of the local Personalize emulator."
	}
	return v
}

func (s *Server) describeRecipe(in *struct {
	RecipeArn *string `json:"recipeArn"`
}) (any, *apiError) {
	r, ok := recipeByARN(*in.RecipeArn)
	if !ok {
		return nil, notFound(*in.RecipeArn)
	}
	return struct {
		Recipe recipeView `json:"recipe"`
	}{r.view(true)}, nil
}

func (s *Server) listRecipes(in *struct {
	RecipeProvider string `json:"recipeProvider"`
	Domain         string `json:"domain"`
	page
}) (any, *apiError) {
	var keep []recipe
	for _, r := range catalog {
		if in.Domain == "" || r.domain == in.Domain {
			keep = append(keep, r)
		}
	}
	items, next, err := paginate(keep, in.page)
	if err != nil {
		return nil, err
	}
	out := make([]recipeView, 0, len(items))
	for _, r := range items {
		out = append(out, r.view(false))
	}
	return struct {
		Recipes   []recipeView `json:"recipes"`
		NextToken *string      `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) describeAlgorithm(in *struct {
	AlgorithmArn *string `json:"algorithmArn"`
}) (any, *apiError) {
	name, ok := strings.CutPrefix(*in.AlgorithmArn, algorithmPrefix)
	if _, known := recipeByARN(recipePrefix + name); !ok || !known {
		return nil, notFound(*in.AlgorithmArn)
	}
	type image struct {
		Name      string `json:"name"`
		DockerURI string `json:"dockerURI"`
	}
	type view struct {
		Name                   string            `json:"name"`
		AlgorithmArn           string            `json:"algorithmArn"`
		AlgorithmImage         image             `json:"algorithmImage"`
		DefaultHyperParameters map[string]string `json:"defaultHyperParameters"`
		DefaultResourceConfig  map[string]string `json:"defaultResourceConfig"`
		TrainingInputMode      string            `json:"trainingInputMode"`
		CreationDateTime       float64           `json:"creationDateTime"`
		LastUpdatedDateTime    float64           `json:"lastUpdatedDateTime"`
	}
	return struct {
		Algorithm view `json:"algorithm"`
	}{view{name, *in.AlgorithmArn, image{name, "local/" + name}, map[string]string{"hidden_dimension": "149"},
		map[string]string{"training_instance_count": "1"}, "File", catalogTime, catalogTime}}, nil
}

func (s *Server) describeFeatureTransformation(in *struct {
	FeatureTransformationArn *string `json:"featureTransformationArn"`
}) (any, *apiError) {
	if *in.FeatureTransformationArn != featureTransformation {
		return nil, notFound(*in.FeatureTransformationArn)
	}
	type view struct {
		Name                     string            `json:"name"`
		FeatureTransformationArn string            `json:"featureTransformationArn"`
		DefaultParameters        map[string]string `json:"defaultParameters"`
		Status                   string            `json:"status"`
		CreationDateTime         float64           `json:"creationDateTime"`
		LastUpdatedDateTime      float64           `json:"lastUpdatedDateTime"`
	}
	return struct {
		FeatureTransformation view `json:"featureTransformation"`
	}{view{"JSON-percentile-filtering", featureTransformation, map[string]string{"min_user_history_length_percentile": "0.0", "max_user_history_length_percentile": "0.99"},
		statusActive, catalogTime, catalogTime}}, nil
}
