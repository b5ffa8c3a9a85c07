package personalizetest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// writeToSpy records whether a request body reached the HTTP client with a
// WriteTo, through which net/http writes it when it can.
type writeToSpy struct {
	next        aws.HTTPClient
	bodies      int
	withWriteTo int
}

func (s *writeToSpy) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		s.bodies++
		if _, ok := r.Body.(io.WriterTo); ok {
			s.withWriteTo++
		}
	}
	return s.next.Do(r)
}

// TestConfigBodiesWithoutWriteTo: bare SDK clients built from Config send
// their request bodies through Read alone (see IDStreamWithoutWriteTo), so
// a closed body cannot cost them their connection (aws/aws-sdk-go-v2#2737),
// and the calls still work: the bytes are the same.
func TestConfigBodiesWithoutWriteTo(t *testing.T) {
	s := personalizetest.New(t)
	cfg := s.Config()
	spy := &writeToSpy{next: cfg.HTTPClient}
	cfg.HTTPClient = spy
	ctx := t.Context()
	if _, err := personalize.NewFromConfig(cfg).CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
		t.Fatal(err)
	}
	if _, err := personalize.NewFromConfig(cfg).ListDatasetGroups(ctx, &personalize.ListDatasetGroupsInput{}); err != nil {
		t.Fatal(err)
	}
	if spy.bodies != 2 || spy.withWriteTo != 0 {
		t.Errorf("%d request bodies, %d with WriteTo; want 2, 0", spy.bodies, spy.withWriteTo)
	}
}
