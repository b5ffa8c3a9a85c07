package personalizeruntime

import (
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	dp "github.com/personalizeguard/personalizeguard/internal/dataplane"
)

// The runtime API's inputs as the model (personalize-runtime-2018-05-22)
// defines them, with the guard's rule for each string member; the golden
// file testdata/fields.golden lists them, and a test holds this table to
// the model.
var (
	arn          = dp.String(dp.RuleARN, 0, 256)
	userID       = dp.String(dp.RuleUserID, 0, 256)
	itemID       = dp.String(dp.RuleCatalogID, 0, 256)
	contextMap   = dp.Map(dp.String(dp.RuleAttribute, 0, 150), dp.String(dp.RuleText, 0, 1000), 150)
	filterValues = dp.Map(dp.String(dp.RuleAttribute, 0, 50), dp.String(dp.RuleText, 0, 1000), 25)
	metadata     = dp.Map(dp.String(dp.RuleText, 0, 256), dp.List(dp.String(dp.RuleText, 0, 150), 0, 99), 1)
	promotion    = dp.Struct(map[string]*dp.Node{
		"name": dp.String(dp.RuleName, 1, 63), "percentPromotedItems": dp.Scalar, "filterArn": arn, "filterValues": filterValues,
	})
)

var api = &dp.API{
	Operations: map[string]*dp.Node{
		"GetActionRecommendations": dp.Struct(map[string]*dp.Node{
			"campaignArn": arn, "userId": userID, "numResults": dp.Scalar, "filterArn": arn, "filterValues": filterValues,
		}),
		"GetPersonalizedRanking": dp.Struct(map[string]*dp.Node{
			"campaignArn": arn, "inputList": dp.List(itemID, 0, 0), "userId": userID, "context": contextMap,
			"filterArn": arn, "filterValues": filterValues, "metadataColumns": metadata,
		}),
		"GetRecommendations": dp.Struct(map[string]*dp.Node{
			"campaignArn": arn, "itemId": itemID, "userId": userID, "numResults": dp.Scalar, "context": contextMap,
			"filterArn": arn, "filterValues": filterValues, "recommenderArn": arn,
			"promotions": dp.List(promotion, 0, 1), "metadataColumns": metadata,
		}),
	},
	Pseudonymize: pseudonymize,
}

var userIDPath = dp.Path{Field: "UserId"}

// pseudonymize replaces userId on a copy of the input.
func pseudonymize(params any, ids *dp.IDs) (any, error) {
	var err error
	switch in := params.(type) {
	case *sdk.GetRecommendationsInput:
		cp := *in
		cp.UserId, err = ids.User(userIDPath, in.UserId)
		return &cp, err
	case *sdk.GetPersonalizedRankingInput:
		cp := *in
		cp.UserId, err = ids.User(userIDPath, in.UserId)
		return &cp, err
	case *sdk.GetActionRecommendationsInput:
		cp := *in
		cp.UserId, err = ids.User(userIDPath, in.UserId)
		return &cp, err
	}
	return params, nil // the wire gate refuses an operation the table lacks
}
