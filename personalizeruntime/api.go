package personalizeruntime

import (
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	dp "github.com/personalizeguard/personalizeguard/internal/dataplane"
)

//go:generate go run ../internal/dataplanegen/cmd/dataplanegen -model personalize-runtime-2018-05-22.json -package personalizeruntime

// api is the guard's description of the API: the table generated from the
// model (table_gen.go; testdata/fields.golden lists every string member and
// its rule), and the copy that replaces identifiers.
var api = &dp.API{
	Operations:   operations,
	RequestLines: requestLines,
	Pseudonymize: pseudonymize,
}

var userIDPath = dp.Path{Field: "UserId"}

// pseudonymize replaces userId on a copy of the input. The copy and the
// string that holds the pseudonym are one allocation (see dp.IDs.User).
func pseudonymize(params any, ids *dp.IDs) (any, error) {
	var err error
	switch in := params.(type) {
	case *sdk.GetRecommendationsInput:
		cp := &withUserID[sdk.GetRecommendationsInput]{in: *in}
		cp.in.UserId, err = ids.User(userIDPath, in.UserId, &cp.userID)
		return &cp.in, err
	case *sdk.GetPersonalizedRankingInput:
		cp := &withUserID[sdk.GetPersonalizedRankingInput]{in: *in}
		cp.in.UserId, err = ids.User(userIDPath, in.UserId, &cp.userID)
		return &cp.in, err
	case *sdk.GetActionRecommendationsInput:
		cp := &withUserID[sdk.GetActionRecommendationsInput]{in: *in}
		cp.in.UserId, err = ids.User(userIDPath, in.UserId, &cp.userID)
		return &cp.in, err
	}
	return params, nil // the wire gate refuses an operation the table lacks
}

// withUserID is a copy of an input with room for its user ID's pseudonym.
type withUserID[In any] struct {
	in     In
	userID string
}
