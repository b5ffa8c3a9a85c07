package personalize

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
)

// errCaptured ends a call once its body is captured.
var errCaptured = errors.New("captured")

// TestWireOrderIsTheSDKsSerializer holds keyFields to what the SDK's own
// serializers write: every operation of the table, its input with every
// member the reflection fill reaches set (strings, and a pointer to every
// number, boolean and structure), is serialized by the SDK's client and
// its body read object by object: each object's members must come in
// keyFields' order (pos rising), so that the wire walk finds each at the
// first key it compares after the last one found. An order the SDK changed
// would only slow the walk, not change what it refuses; this test says so
// first.
func TestWireOrderIsTheSDKsSerializer(t *testing.T) {
	g := testGuard(t, Policy{})
	var body []byte
	client := sdk.New(sdk.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{},
		HTTPClient: doFunc(func(r *http.Request) (*http.Response, error) {
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				return nil, err
			}
			return nil, errCaptured
		})})
	objects, members := 0, 0
	for name, op := range g.ops {
		method := reflect.ValueOf(client).MethodByName(name)
		if !method.IsValid() {
			t.Errorf("%s: the SDK's client has no such method", name)
			continue
		}
		params := reflect.New(op.params.Elem())
		fillStrings(params.Elem(), "x", 0)
		body = nil
		out := method.Call([]reflect.Value{reflect.ValueOf(context.Background()), params})
		if err, _ := out[1].Interface().(error); !errors.Is(err, errCaptured) || body == nil {
			t.Errorf("%s: the call ended with %v before its body was sent", name, err)
			continue
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		var walk func(n *node) error
		walk = func(n *node) error {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			switch tok {
			case json.Delim('{'):
				objects++
				last := -1
				for dec.More() {
					key, err := dec.Token()
					if err != nil {
						return err
					}
					var child *node
					switch {
					case n == nil:
					case n.kind == kindStruct:
						child = n.byMember[key.(string)]
						if child == nil {
							t.Errorf("%s: member %q is not in the table", name, key)
						} else {
							if child.pos <= last {
								t.Errorf("%s: the SDK writes %q after a member keyFields puts after it (pos %d, after %d)", name, key, child.pos, last)
							}
							last = child.pos
							members++
						}
					case n.kind == kindMap:
						child = n.elem
					}
					if err := walk(child); err != nil {
						return err
					}
				}
				_, err = dec.Token() // '}'
				return err
			case json.Delim('['):
				var elem *node
				if n != nil {
					elem = n.elem
				}
				for dec.More() {
					if err := walk(elem); err != nil {
						return err
					}
				}
				_, err = dec.Token() // ']'
				return err
			}
			return nil
		}
		if err := walk(op.input); err != nil {
			t.Errorf("%s: body %s: %v", name, body, err)
		}
	}
	t.Logf("%d operations, %d objects, %d members in the SDK's order", len(g.ops), objects, members)
	if objects < len(g.ops) || members < 300 {
		t.Errorf("read %d objects and %d members of %d operations, want every operation's and hundreds of members", objects, members, len(g.ops))
	}
}
