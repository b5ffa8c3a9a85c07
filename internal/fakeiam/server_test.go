package fakeiam

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEscapeDocument(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":"b c"}`, "%7B%22a%22%3A%22b%20c%22%7D"},
		{"a+b/c*d", "a%2Bb%2Fc%2Ad"},
		{"-_.~AZaz09", "-_.~AZaz09"},
		{"é", "%C3%A9"},
		{"", ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, escapeDocument(tt.in)); diff != "" {
			t.Errorf("escapeDocument(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzEscapeDocument(f *testing.F) {
	for _, s := range []string{`{"Version":"2012-10-17"}`, "a b+c%", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		got, err := url.PathUnescape(escapeDocument(doc))
		if err != nil || got != doc {
			t.Errorf("PathUnescape(escapeDocument(%q)) = %q, %v", doc, got, err)
		}
	})
}

func TestMarker(t *testing.T) {
	for _, name := range []string{"a", "policy-1", "x=y,z@w"} {
		got, ok := unmarker(marker(name))
		if !ok || got != name {
			t.Errorf("unmarker(marker(%q)) = %q, %v", name, got, ok)
		}
	}
	for _, m := range []string{"", "abc", "00000000" + "61", strings.Repeat("z", 12)} {
		if name, ok := unmarker(m); ok {
			t.Errorf("unmarker(%q) = %q, true; want a refusal", m, name)
		}
	}
}

func TestNewRefusesBadAccount(t *testing.T) {
	if _, err := New(Config{AccountID: "12"}); err == nil {
		t.Error("New with a 2-digit account = nil error")
	}
}

func newTestServer(t testing.TB) *Server {
	s, err := New(Config{AccountID: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRole(Role{Name: "r", TrustPolicy: `{}`, Inline: map[string]string{"i": `{}`}, Attached: map[string]string{"m": `{}`}}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServeHTTPRefuses(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, method, body string
		wantStatus         int
		wantCode           string
	}{
		{"unknown action", http.MethodPost, "Action=CreateRole&Version=2010-05-08", 400, "InvalidAction"},
		{"wrong version", http.MethodPost, "Action=GetRole&Version=2011-06-15&RoleName=r", 400, "InvalidAction"},
		{"missing role name", http.MethodPost, "Action=GetRole&Version=2010-05-08", 400, "ValidationError"},
		{"PUT", http.MethodPut, "Action=GetRole&Version=2010-05-08&RoleName=r", 400, "InvalidAction"},
		{"GET with a query", http.MethodGet, "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/"
			if tt.method == http.MethodGet {
				target = "/?Action=GetRole&Version=2010-05-08&RoleName=r"
			}
			r := httptest.NewRequest(tt.method, target, strings.NewReader(tt.body))
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			var doc struct {
				Error struct{ Code string }
			}
			if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
				t.Fatalf("answer is not XML: %v", err)
			}
			if w.Code != tt.wantStatus || doc.Error.Code != tt.wantCode {
				t.Errorf("= %d %q, want %d %q", w.Code, doc.Error.Code, tt.wantStatus, tt.wantCode)
			}
		})
	}
}

// FuzzServeHTTP: whatever the form, the Server answers well-formed XML with
// one of IAM's statuses, never panics, and never echoes a parameter value it
// refused into a status other than the errors it documents.
func FuzzServeHTTP(f *testing.F) {
	for _, s := range []string{
		"Action=GetRole&Version=2010-05-08&RoleName=r",
		"Action=ListRolePolicies&Version=2010-05-08&RoleName=r&MaxItems=1",
		"Action=ListAttachedRolePolicies&Version=2010-05-08&RoleName=r&Marker=zz",
		"Action=GetPolicyVersion&Version=2010-05-08&PolicyArn=arn:aws:iam::111122223333:policy/m&VersionId=v1",
		"Action=GetAccountSummary&Version=2010-05-08",
		"%zz&&==",
	} {
		f.Add(s)
	}
	s := newTestServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d for %q", w.Code, body)
		}
		var v struct{ XMLName xml.Name }
		if err := xml.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer to %q is not XML: %v", body, err)
		}
	})
}

// TestPutRoleNamesIgnoreCase checks that names differing only in case are
// refused, as IAM's CreateRole and CreatePolicy refuse them, while the same
// name replaces.
func TestPutRoleNamesIgnoreCase(t *testing.T) {
	s, err := New(Config{AccountID: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	const doc = `{"Version":"2012-10-17"}`
	tests := []struct {
		role    Role
		wantErr bool
	}{
		{Role{Name: "Svc", TrustPolicy: doc, Attached: map[string]string{"Read": doc}}, false},
		{Role{Name: "Svc", TrustPolicy: doc, Attached: map[string]string{"Read": doc}}, false},
		{Role{Name: "svc", TrustPolicy: doc}, true},
		{Role{Name: "Other", TrustPolicy: doc, Attached: map[string]string{"READ": doc}}, true},
	}
	for i, tt := range tests {
		if _, err := s.PutRole(tt.role); (err != nil) != tt.wantErr {
			t.Errorf("%d: PutRole(%s) error = %v, want error %v", i, tt.role.Name, err, tt.wantErr)
		}
	}
}
