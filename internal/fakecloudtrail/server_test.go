package fakecloudtrail

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTestServer(t testing.TB) *Server {
	s, err := New(Config{Region: "us-east-1", AccountID: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutTrail(Trail{Name: "main", S3BucketName: "logs", Logging: true, ManagementEvents: "All"}); err != nil {
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
		target, wantOp string
		wantOK         bool
	}{
		{"CloudTrail_20131101.DescribeTrails", "DescribeTrails", true},
		{"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus", "GetTrailStatus", true},
		{"TrentService.DescribeKey", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		op, ok := Operation(tt.target)
		if op != tt.wantOp || ok != tt.wantOK {
			t.Errorf("Operation(%q) = %q, %v; want %q, %v", tt.target, op, ok, tt.wantOp, tt.wantOK)
		}
	}
}

func serve(s *Server, op, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", TargetPrefix+op)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func TestServeHTTPRefuses(t *testing.T) {
	s := newTestServer(t)
	tests := []struct{ name, op, body, wantType string }{
		{"unknown operation", "CreateTrail", `{}`, "UnknownOperationException"},
		{"not JSON", "GetTrailStatus", `{`, "SerializationException"},
		{"no name", "GetTrailStatus", `{}`, "InvalidTrailNameException"},
		{"unknown trail", "GetEventSelectors", `{"TrailName":"other"}`, "TrailNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(s, tt.op, tt.body)
			var doc struct {
				Type string `json:"__type"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if w.Code != http.StatusBadRequest || doc.Type != tt.wantType {
				t.Errorf("= %d %q, want 400 %q", w.Code, doc.Type, tt.wantType)
			}
		})
	}
}

func FuzzServeHTTP(f *testing.F) {
	for _, s := range []struct{ op, body string }{
		{"DescribeTrails", `{"trailNameList":["main","arn:aws:cloudtrail:us-west-2:111122223333:trail/x"]}`},
		{"GetTrailStatus", `{"Name":"main"}`},
		{"GetEventSelectors", `{"TrailName":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}`},
		{"DescribeTrails", `{"includeShadowTrails":"yes"}`},
	} {
		f.Add(s.op, s.body)
	}
	s := newTestServer(f)
	f.Fuzz(func(t *testing.T, op, body string) {
		w := serve(s, op, body)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("status %d", w.Code)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", w.Body.String())
		}
	})
}
