package personalizeevents_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// rewriteBody is a per-call option adding a Finalize middleware, after
// signing, that replaces old with new in the serialized body.
func rewriteBody(t *testing.T, old, new string) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, old, new))
	}
}

// TestEscapedBackslashSmuggling: a hook after signing ends a string with an
// escaped backslash (`\\"`), so that the quote closes it and an e-mail
// address follows as a member of its own. A scanner that read `\\"` as a
// backslash and an escaped quote would take the address for part of the
// string. Whatever the word offset of the escape, in the body or in a
// properties document, the wire gate refuses the call and the address never
// leaves.
func TestEscapedBackslashSmuggling(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	for pad := 0; pad < 18; pad++ {
		p := strings.Repeat("p", pad)
		for _, tt := range []struct {
			name, old, new, field, rule string
		}{
			{
				name: "session ID then a user ID",
				old:  `"sessionId":"s1"`, new: `"sessionId":"s1` + p + `\\","userId":"` + email + `"`,
				field: "UserId", rule: "sensitive.email",
			},
			{
				name:  "escaped quotes then an escaped backslash in properties",
				old:   `"properties":"{\"a\":\"b\"}"`,
				new:   `"properties":"{\"a\":\"b` + p + `\\\\\",\"c\":\"` + email + `\"}"`,
				field: "EventList[0].Properties", rule: "sensitive.email",
			},
			{
				name:  "an escaped backslash then an escaped quote in properties",
				old:   `"properties":"{\"a\":\"b\"}"`,
				new:   `"properties":"{\"a\":\"\\\"` + p + `\\\\\",\"c\":\"` + email + `\"}"`,
				field: "EventList[0].Properties", rule: "sensitive.email",
			},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, SessionId: aws.String("s1"),
					EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt, Properties: aws.String(`{"a":"b"}`)}}},
					rewriteBody(t, tt.old, tt.new))
				dataplanetest.RequireRefused(t, s, &log, err, tt.field, tt.rule, email)
			})
		}
	}
}
