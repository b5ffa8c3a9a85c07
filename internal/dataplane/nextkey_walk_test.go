package dataplane

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// keyedAPI returns an events-like table: a list of structures with string,
// properties, number, nested structure and map members. With keys false,
// no structure has its PlainKeys, so the walker reads every member name
// with Next and finds it with memberAt, as before NextKeyIn.
func keyedAPI(keys bool) *API {
	inner := Struct(map[string]*Node{"eventAttributionSource": String(RuleText, 1, 1024)})
	event := Struct(map[string]*Node{
		"eventId": String(RuleToken, 1, 256), "eventType": String(RuleText, 1, 256), "eventValue": Scalar,
		"impression": List(String(RuleCatalogID, 1, 256), 1, 25), "itemId": String(RuleCatalogID, 1, 256),
		"metricAttribution": inner, "properties": String(RuleProperties, 1, 1024),
		"recommendationId": String(RuleToken, 1, 40), "sentAt": Scalar,
	})
	root := Struct(map[string]*Node{
		"eventList": List(event, 1, 10), "sessionId": String(RuleSessionID, 1, 256), "trackingId": String(RuleToken, 1, 256),
		"userId": String(RuleUserID, 1, 256), "context": Map(String(RuleAttribute, 1, 150), String(RuleText, 1, 1000), 150),
	})
	if !keys {
		for _, n := range []*Node{inner, event, root} {
			n.keys = nil
		}
	}
	return &API{Operations: map[string]*Node{"Put": root}}
}

// FuzzWalkNextKeyInMatchesNext: the walk of any body gives the same answer,
// error text included, with the structures' member names compared where
// they stand (NextKeyIn) as with each read by Next.
func FuzzWalkNextKeyInMatchesNext(f *testing.F) {
	for _, s := range []string{
		`{"eventList":[{"eventType":"view","itemId":"item-1","properties":"{\"a\":1}","sentAt":1.7e9},{"eventType":"view","itemId":"item-2","sentAt":1}],"sessionId":"s","trackingId":"t","userId":"u"}`,
		`{"eventList":[{"eventType":"view","eventType":"x"}]}`,
		`{"eventList":[{"itemId":"a","eventType":"view"}]}`,
		`{"eventList":[{"\u0065ventType":"view","eventType":"x"}]}`,
		`{ "eventList" : [ { "eventType" : "view" , "itemId":"i" } ] , "userId":"jane.doe@example.com"}`,
		`{"eventList":[{"metricAttribution":{"eventAttributionSource":"s"},"sentAt":1}],"context":{"DEVICE":"m"}}`,
		`{"eventList":[{"eventTyp":"v"}]}`, `{"eventList":[{"eventTypes":"v"}]}`, `{"eventList":[{"eventType"`, `{"userId":"u","userId":"v"}`,
	} {
		f.Add(s)
	}
	newGuard := func(keys bool) *Guard {
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{}, keyedAPI(keys))
		if err != nil {
			f.Fatal(err)
		}
		return g
	}
	withKeys, withNext := newGuard(true), newGuard(false)
	if withKeys.op("Put").root.keys == nil || withNext.op("Put").root.keys != nil {
		f.Fatal("the two tables do not differ in their keys: the test proves nothing")
	}
	f.Fuzz(func(t *testing.T, body string) {
		_, _, got := check(withKeys, body)
		_, _, want := check(withNext, body)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("walk of %q: with NextKeyIn %v, with Next %v", body, got, want)
		}
	})
}
