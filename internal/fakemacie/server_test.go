package fakemacie

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTestServer(t testing.TB, enabled bool) *Server {
	s, err := New(Config{Region: "us-east-1", AccountID: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(State{Enabled: enabled, Jobs: []Job{{Name: "j", Buckets: []string{"data"}, Status: "RUNNING", JobType: "ONE_TIME"}}}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{{Region: "us-east-1", AccountID: "1"}, {Region: "earth", AccountID: "111122223333"}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) = nil error", cfg)
		}
	}
}

func TestOperation(t *testing.T) {
	tests := []struct {
		method, path, want string
	}{
		{http.MethodGet, "/macie", "GetMacieSession"},
		{http.MethodGet, "/automated-discovery/configuration", "GetAutomatedDiscoveryConfiguration"},
		{http.MethodPost, "/jobs/list", "ListClassificationJobs"},
		{http.MethodGet, "/jobs/0123", "DescribeClassificationJob"},
		{http.MethodGet, "/classification-scopes/0123", "GetClassificationScope"},
		{http.MethodGet, "/classification-scopes/", ""},
		{http.MethodGet, "/classification-scopes/a/b", ""},
		{http.MethodGet, "/jobs/", ""},
		{http.MethodGet, "/jobs/a/b", ""},
		{http.MethodPost, "/macie", ""},
		{http.MethodGet, "/findings", ""},
	}
	for _, tt := range tests {
		op, ok := Operation(tt.method, tt.path)
		if op != tt.want || ok != (tt.want != "") {
			t.Errorf("Operation(%s %s) = %q, %v; want %q", tt.method, tt.path, op, ok, tt.want)
		}
	}
}

func serve(s *Server, method, path, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/", strings.NewReader(body))
	r.URL.Path = path
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func TestNotEnabled(t *testing.T) {
	s := newTestServer(t, false)
	for _, op := range [][2]string{{http.MethodGet, "/macie"}, {http.MethodGet, "/automated-discovery/configuration"}, {http.MethodPost, "/jobs/list"}, {http.MethodGet, "/jobs/x"}} {
		w := serve(s, op[0], op[1], "")
		var doc struct{ Message string }
		_ = json.Unmarshal(w.Body.Bytes(), &doc)
		if w.Code != NotEnabledStatus || w.Header().Get("X-Amzn-Errortype") != "AccessDeniedException" || doc.Message != NotEnabledMessage {
			t.Errorf("%s %s = %d %s %q, want %d AccessDeniedException %q", op[0], op[1], w.Code, w.Header().Get("X-Amzn-Errortype"), doc.Message,
				NotEnabledStatus, NotEnabledMessage)
		}
	}
}

func TestDescribeMalformedID(t *testing.T) {
	s := newTestServer(t, true)
	if w := serve(s, http.MethodGet, "/jobs/not-an-id", ""); w.Code != http.StatusBadRequest || w.Header().Get("X-Amzn-Errortype") != "ValidationException" {
		t.Errorf("= %d %s, want 400 ValidationException", w.Code, w.Header().Get("X-Amzn-Errortype"))
	}
}

// methods are what FuzzServeHTTP picks from: the fuzzer varies the path
// and body; a method httptest refuses would test httptest.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}

func FuzzServeHTTP(f *testing.F) {
	for _, s := range []struct {
		method     uint8
		path, body string
	}{
		{1, "/jobs/list", `{"maxResults":1}`},
		{1, "/jobs/list", `{"nextToken":"00000000x"}`},
		{1, "/jobs/list", `{"maxResults":-4}`},
		{0, "/jobs/0123456789abcdef0123456789abcdef", ""},
		{0, "/macie", ""},
	} {
		f.Add(s.method, s.path, s.body)
	}
	s := newTestServer(f, true)
	f.Fuzz(func(t *testing.T, method uint8, path, body string) {
		w := serve(s, methods[int(method)%len(methods)], path, body)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d", w.Code)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", w.Body.String())
		}
	})
}
