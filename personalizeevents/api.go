package personalizeevents

import (
	"slices"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"

	dp "github.com/personalizeguard/personalizeguard/internal/dataplane"
)

//go:generate go run ../internal/dataplanegen/cmd/dataplanegen -model personalize-events-2018-03-22.json -package personalizeevents

// api is the guard's description of the API: the table generated from the
// model (table_gen.go; testdata/fields.golden lists every string member and
// its rule), and the copy that replaces identifiers.
var api = &dp.API{
	Operations:   operations,
	RequestLines: requestLines,
	Catalogue:    map[string]bool{"PutItems": true, "PutActions": true},
	Pseudonymize: pseudonymize,
}

// pseudonymize replaces userId and sessionId on a copy of the input, and of
// the list that holds them. The strings that hold the pseudonyms are
// allocated with the copy (see dp.IDs.User): the input's with it, a list's
// in one slice beside the list.
func pseudonymize(params any, ids *dp.IDs) (any, error) {
	var err error
	switch in := params.(type) {
	case *sdk.PutEventsInput:
		cp := &struct {
			in                sdk.PutEventsInput
			userID, sessionID string
		}{in: *in}
		if cp.in.UserId, err = ids.User(dp.Path{Field: "UserId"}, in.UserId, &cp.userID); err != nil {
			return nil, err
		}
		cp.in.SessionId, err = ids.Session(dp.Path{Field: "SessionId"}, in.SessionId, &cp.sessionID)
		return &cp.in, err
	case *sdk.PutUsersInput:
		cp := *in
		cp.Users = slices.Clone(in.Users)
		userIDs := make([]string, len(cp.Users))
		for i := range cp.Users {
			if cp.Users[i].UserId, err = ids.User(dp.Path{List: "Users", Index: i, Field: "UserId"}, in.Users[i].UserId, &userIDs[i]); err != nil {
				return nil, err
			}
		}
		return &cp, nil
	case *sdk.PutActionInteractionsInput:
		cp := *in
		cp.ActionInteractions = slices.Clone(in.ActionInteractions)
		pseudonyms := make([]struct{ userID, sessionID string }, len(cp.ActionInteractions))
		for i := range cp.ActionInteractions {
			a, p := &cp.ActionInteractions[i], &pseudonyms[i]
			if a.UserId, err = ids.User(dp.Path{List: "ActionInteractions", Index: i, Field: "UserId"}, a.UserId, &p.userID); err != nil {
				return nil, err
			}
			if a.SessionId, err = ids.Session(dp.Path{List: "ActionInteractions", Index: i, Field: "SessionId"}, a.SessionId, &p.sessionID); err != nil {
				return nil, err
			}
		}
		return &cp, nil
	}
	return params, nil // items and actions carry no identifier; the wire gate refuses an operation the table lacks
}
