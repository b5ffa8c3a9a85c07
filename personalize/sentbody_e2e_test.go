package personalize_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestSentBodyHasNoWriteTo: the body net/http sends for a guarded call is
// the checked bytes behind Read only. smithy closes a request body when the
// response arrives; a closed smithy body's WriteTo returns io.EOF, which
// net/http, still checking the body for extra bytes, takes for a failed
// write and answers by closing the connection under the response (about one
// bare ListDatasetGroups in a few thousand, under load, failed with "use of
// closed network connection"; aws/aws-sdk-go-v2#2737). The bare client is
// the control: its body has WriteTo, so the test can see the difference.
func TestSentBodyHasNoWriteTo(t *testing.T) {
	srv := personalizetest.New(t)
	var mu sync.Mutex
	var writeTo []bool
	cfg := srv.Config()
	// The transport's Proxy hook sees each request net/http is about to send.
	cfg.HTTPClient = cfg.HTTPClient.(*awshttp.BuildableClient).WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = func(r *http.Request) (*url.URL, error) {
			_, ok := unwrapRewind(r.Body).(io.WriterTo)
			mu.Lock()
			writeTo = append(writeTo, ok)
			mu.Unlock()
			return nil, nil
		}
	})
	guarded, err := personalize.New(cfg, personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []*sdk.Client{sdk.NewFromConfig(cfg), guarded} {
		if _, err := c.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{MaxResults: aws.Int32(5)}); err != nil {
			t.Fatal(err)
		}
	}
	// One request each: the Proxy hook runs once per new connection, and
	// the two clients share no connection pool.
	if diff := cmp.Diff([]bool{true, false}, writeTo); diff != "" {
		t.Errorf("request body has WriteTo, bare then guarded (-want +got):\n%s", diff)
	}
}

// unwrapRewind looks through the wrapper net/http puts around a request body
// to rewind it for a retry (an unexported struct embedding the body as
// ReadCloser), which it takes off again before copying the body. Should
// that change, the bare control above fails: the test cannot pass blind.
func unwrapRewind(body io.ReadCloser) io.ReadCloser {
	v := reflect.ValueOf(body)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return body
	}
	if f := v.Elem().FieldByName("ReadCloser"); f.IsValid() && f.CanInterface() {
		if rc, ok := f.Interface().(io.ReadCloser); ok {
			return rc
		}
	}
	return body
}
