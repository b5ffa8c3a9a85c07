package personalize_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestSentBodies: every body net/http sends for the guard, its own KMS
// reads included, is behind Read only, or is the wire gate's checked string
// behind io.NopCloser, whose Close does nothing. smithy closes a request
// body when the response arrives; a closed smithy body's WriteTo returns
// io.EOF, which net/http, still checking the body for extra bytes, takes
// for a failed write and answers by closing the connection under the
// response (about one bare ListDatasetGroups in a few thousand, under load,
// failed with "use of closed network connection"; aws/aws-sdk-go-v2#2737).
// net/http writes the checked string, a *strings.Reader it knows to be in
// memory, in one write with the headers. The bare client is the control:
// its body is smithy's, with WriteTo, so the test can see the difference.
func TestSentBodies(t *testing.T) {
	srv := personalizetest.New(t)
	scene, err := srv.SeedScene(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type sent struct {
		Target string
		Body   string
	}
	var mu sync.Mutex
	var got []sent
	cfg := srv.Config()
	// Without personalizetest's own middleware that hides WriteTo
	// (IDStreamWithoutWriteTo): the guard must do it by itself.
	cfg.APIOptions = nil
	// The transport's Proxy hook sees each request net/http is about to send.
	cfg.HTTPClient = cfg.HTTPClient.(*awshttp.BuildableClient).WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = func(r *http.Request) (*url.URL, error) {
			mu.Lock()
			got = append(got, sent{r.Header.Get("X-Amz-Target"), bodyKind(unwrapRewind(r.Body))})
			mu.Unlock()
			return nil, nil
		}
	})
	guarded, err := personalize.New(cfg, personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := sdk.NewFromConfig(cfg).ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{MaxResults: aws.Int32(5)}); err != nil {
		t.Fatal(err)
	}
	if _, err := guarded.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
		t.Fatal(err)
	}
	want := []sent{{"AmazonPersonalize.ListDatasetGroups", "WriteTo"}} // the bare control
	for _, s := range got[1:] {
		kind := "read only"
		if s.Target == "AmazonPersonalize.CreateDatasetGroup" {
			kind = "checked string"
		}
		want = append(want, sent{s.Target, kind})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request bodies, bare first (-want +got):\n%s", diff)
	}
	if !slices.ContainsFunc(got, func(s sent) bool { return strings.HasPrefix(s.Target, "TrentService.") }) ||
		!slices.ContainsFunc(got, func(s sent) bool { return s.Target == "AmazonPersonalize.CreateDatasetGroup" }) {
		t.Errorf("requests %v: want the guard's own KMS reads and the CreateDatasetGroup among them", got)
	}
}

// bodyKind names what a request body is to net/http: the wire gate's
// checked string (io.NopCloser around a *strings.Reader), a body with
// WriteTo, or one behind Read only.
func bodyKind(body io.ReadCloser) string {
	if reflect.TypeOf(body) == reflect.TypeOf(io.NopCloser(strings.NewReader(""))) {
		if _, ok := reflect.ValueOf(body).Field(0).Interface().(*strings.Reader); ok {
			return "checked string"
		}
	}
	if _, ok := body.(io.WriterTo); ok {
		return "WriteTo"
	}
	return "read only"
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
