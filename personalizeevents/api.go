package personalizeevents

import (
	"slices"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"

	dp "github.com/personalizeguard/personalizeguard/internal/dataplane"
)

// The events API's inputs as the model (personalize-events-2018-03-22)
// defines them, with the guard's rule for each string member; the golden
// file testdata/fields.golden lists them, and a test holds this table to
// the model.
var (
	arn        = dp.String(dp.RuleARN, 0, 256)
	trackingID = dp.String(dp.RuleToken, 1, 256)
	userID     = dp.String(dp.RuleUserID, 1, 256)
	sessionID  = dp.String(dp.RuleSessionID, 1, 256)
	catalogID  = dp.String(dp.RuleCatalogID, 1, 256)
	text       = dp.String(dp.RuleText, 1, 256)
	recID      = dp.String(dp.RuleToken, 1, 40)
	impression = dp.List(catalogID, 1, 25)
)

var api = &dp.API{
	Operations: map[string]*dp.Node{
		"PutEvents": dp.Struct(map[string]*dp.Node{
			"trackingId": trackingID, "userId": userID, "sessionId": sessionID,
			"eventList": dp.List(dp.Struct(map[string]*dp.Node{
				"eventId": text, "eventType": text, "eventValue": dp.Scalar, "itemId": catalogID,
				"properties": dp.String(dp.RuleProperties, 1, 1024), "sentAt": dp.Scalar, "recommendationId": recID,
				"impression": impression,
				"metricAttribution": dp.Struct(map[string]*dp.Node{
					"eventAttributionSource": dp.String(dp.RuleText, 0, 1024),
				}),
			}), 1, 10),
		}),
		"PutItems": dp.Struct(map[string]*dp.Node{
			"datasetArn": arn,
			"items": dp.List(dp.Struct(map[string]*dp.Node{
				"itemId": catalogID, "properties": dp.String(dp.RuleProperties, 1, 32000),
			}), 1, 10),
		}),
		"PutUsers": dp.Struct(map[string]*dp.Node{
			"datasetArn": arn,
			"users": dp.List(dp.Struct(map[string]*dp.Node{
				"userId": userID, "properties": dp.String(dp.RuleProperties, 1, 24000),
			}), 1, 10),
		}),
		"PutActions": dp.Struct(map[string]*dp.Node{
			"datasetArn": arn,
			"actions": dp.List(dp.Struct(map[string]*dp.Node{
				"actionId": catalogID, "properties": dp.String(dp.RuleProperties, 1, 32000),
			}), 1, 10),
		}),
		"PutActionInteractions": dp.Struct(map[string]*dp.Node{
			"trackingId": trackingID,
			"actionInteractions": dp.List(dp.Struct(map[string]*dp.Node{
				"actionId": catalogID, "userId": userID, "sessionId": sessionID, "timestamp": dp.Scalar,
				"eventType": text, "eventId": text, "recommendationId": recID, "impression": impression,
				"properties": dp.String(dp.RuleProperties, 1, 1024),
			}), 1, 10),
		}),
	},
	Pseudonymize: pseudonymize,
}

// pseudonymize replaces userId and sessionId on a copy of the input, and of
// the list that holds them.
func pseudonymize(params any, ids *dp.IDs) (any, error) {
	var err error
	switch in := params.(type) {
	case *sdk.PutEventsInput:
		cp := *in
		if cp.UserId, err = ids.User(dp.Path{Field: "UserId"}, in.UserId); err != nil {
			return nil, err
		}
		cp.SessionId, err = ids.Session(dp.Path{Field: "SessionId"}, in.SessionId)
		return &cp, err
	case *sdk.PutUsersInput:
		cp := *in
		cp.Users = slices.Clone(in.Users)
		for i := range cp.Users {
			if cp.Users[i].UserId, err = ids.User(dp.Path{List: "Users", Index: i, Field: "UserId"}, in.Users[i].UserId); err != nil {
				return nil, err
			}
		}
		return &cp, nil
	case *sdk.PutActionInteractionsInput:
		cp := *in
		cp.ActionInteractions = slices.Clone(in.ActionInteractions)
		for i := range cp.ActionInteractions {
			a := &cp.ActionInteractions[i]
			if a.UserId, err = ids.User(dp.Path{List: "ActionInteractions", Index: i, Field: "UserId"}, a.UserId); err != nil {
				return nil, err
			}
			if a.SessionId, err = ids.Session(dp.Path{List: "ActionInteractions", Index: i, Field: "SessionId"}, a.SessionId); err != nil {
				return nil, err
			}
		}
		return &cp, nil
	}
	return params, nil // items and actions carry no identifier; the wire gate refuses an operation the table lacks
}
