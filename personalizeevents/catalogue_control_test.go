package personalizeevents_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// TestCatalogueIDControlCharacters holds the wire gate's control-character
// check of catalogue IDs, through the public API: a C0, DEL or C1 character,
// set by the caller or spelled as an escape or raw bytes by a hook after
// signing, is refused as out of pattern without the ID in the error; bytes
// that are not UTF-8 (a lone lead byte, overlong and surrogate encodings of
// controls) leave the body unread and refused; and characters next to the
// controls (U+00A0, U+00C2, U+FFFD, a lone 0xc2 lead before them) pass.
func TestCatalogueIDControlCharacters(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		field = "EventList[0].ItemId"
		ok    = ""
	)
	tests := []struct {
		name    string
		id      string // set by the caller
		rewrite string // else item-1 in the body, replaced after signing
		field   string
		rule    string
	}{
		{name: "NUL", id: "item\x00x", field: field, rule: guarderr.RulePattern},
		{name: "unit separator", id: "item\x1fx", field: field, rule: guarderr.RulePattern},
		{name: "DEL", id: "item\x7fx", field: field, rule: guarderr.RulePattern},
		{name: "U+0080", id: "item\u0080x", field: field, rule: guarderr.RulePattern},
		{name: "NEL U+0085", id: "item\u0085x", field: field, rule: guarderr.RulePattern},
		{name: "U+009F", id: "item\u009f", field: field, rule: guarderr.RulePattern},
		{name: "U+009F first", id: "\u009fitem", field: field, rule: guarderr.RulePattern},
		{name: "NEL after a multi-byte character", id: "é\u0085", field: field, rule: guarderr.RulePattern},
		{name: "NEL after U+00C2", id: "\u00c2\u0085", field: field, rule: guarderr.RulePattern},
		{name: "escaped NUL", rewrite: `item\u0000x`, field: field, rule: guarderr.RulePattern},
		{name: "escaped DEL", rewrite: `item\u007Fx`, field: field, rule: guarderr.RulePattern},
		{name: "escaped NEL", rewrite: `item\u0085x`, field: field, rule: guarderr.RulePattern},
		{name: "escaped U+009F at the end", rewrite: `item\u009f`, field: field, rule: guarderr.RulePattern},
		{name: "raw NEL bytes", rewrite: "item\xc2\x85x", field: field, rule: guarderr.RulePattern},
		{name: "raw NEL bytes at a word's end", rewrite: "item-12\xc2\x85", field: field, rule: guarderr.RulePattern},
		{name: "lone 0xc2 then NEL", rewrite: "item\xc2\xc2\x85", rule: guarderr.RuleBodyUnchecked},
		{name: "overlong NUL", rewrite: "item\xc0\x80x", rule: guarderr.RuleBodyUnchecked},
		{name: "overlong NEL", rewrite: "item\xe0\x82\x85x", rule: guarderr.RuleBodyUnchecked},
		{name: "NEL continuation without its lead", rewrite: "item\x85x", rule: guarderr.RuleBodyUnchecked},
		{name: "surrogate then NEL", rewrite: "item\xed\xa0\x80\xc2\x85", rule: guarderr.RuleBodyUnchecked},
		{name: "no-break space", id: "item\u00a0x", rule: ok},
		{name: "U+00C2", id: "item\u00c2x", rule: ok},
		{name: "U+00C2 then a digit", id: "item\u00c25", rule: ok},
		{name: "replacement character", id: "item\ufffdx", rule: ok},
		{name: "U+2028", id: "item\u2028x", rule: ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, opts := tt.id, []func(*sdk.Options){}
			if tt.rewrite != "" {
				id = "item-1"
				opts = append(opts, rewriteBody(t, `"itemId":"item-1"`, `"itemId":"`+tt.rewrite+`"`))
			}
			before := len(dataplanetest.APIRequests(s))
			_, err := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: &id, SentAt: sentAt}}}, opts...)
			var sg *guarderr.SafeguardError
			var got [2]string
			if errors.As(err, &sg) {
				got = [2]string{sg.Field, sg.Rule}
			} else if err != nil {
				t.Fatalf("err = %v, want a *SafeguardError or none", err)
			}
			if diff := cmp.Diff([2]string{tt.field, tt.rule}, got); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
			if err == nil {
				return
			}
			if v := strings.TrimPrefix(tt.id+tt.rewrite, "item"); strings.Contains(err.Error(), v) {
				t.Errorf("the error repeats the ID: %v", err)
			}
			if n := len(dataplanetest.APIRequests(s)) - before; n != 0 {
				t.Errorf("the endpoint got %d requests, want 0", n)
			}
		})
	}
}
