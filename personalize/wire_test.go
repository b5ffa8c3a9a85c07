package personalize

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// TestHeaderMemoNeverPassesAnIdentifyingValue: a header value the gate once
// found clean is skipped after; a different value, an e-mail in the same
// header, is still refused.
func TestHeaderMemoNeverPassesAnIdentifyingValue(t *testing.T) {
	g := testGuard(t, Policy{})
	ctx := middleware.WithOperationName(context.Background(), "ListDatasetGroups")
	request := func(owner string) *smithyhttp.Request {
		req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
		req.URL, _ = url.Parse("https://personalize." + testRegion + ".amazonaws.com/")
		req.Header = http.Header{"X-Owner": {owner}}
		return req
	}
	var got []string
	for _, owner := range []string{"team-recs", "team-recs", "jane.doe@example.com", "team-recs"} {
		err := g.checkRequestText(ctx, "ListDatasetGroups", request(owner).Request)
		var se *SafeguardError
		switch {
		case err == nil:
			got = append(got, "pass")
		case errors.As(err, &se):
			got = append(got, se.Rule+" "+se.Field)
			if strings.Contains(err.Error(), "jane") {
				t.Errorf("the error echoes the value: %v", err)
			}
		default:
			t.Fatalf("checkRequestText = %v, want a *SafeguardError", err)
		}
	}
	want := []string{"pass", "pass", RuleRequestChanged + ".sensitive header", "pass"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if !g.cleanHeaders.Has("team-recs") || g.cleanHeaders.Has("jane.doe@example.com") {
		t.Error("the memo holds the wrong values")
	}
}
