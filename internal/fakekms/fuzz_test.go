package fakekms

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func newTestServer(t testing.TB) *Server {
	t.Helper()
	s, err := New(Config{Region: "us-east-1", AccountID: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func post(s *Server, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func TestMalformedRequests(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		reason, method, target, body, wantType string
		wantCode                               int
	}{
		{"no target", http.MethodPost, "", "{}", "UnknownOperationException", 400},
		{"other service", http.MethodPost, "AmazonPersonalize.ListSchemas", "{}", "UnknownOperationException", 400},
		{"GET", http.MethodGet, "TrentService.ListKeys", "", "UnknownOperationException", 400},
		{"bad JSON", http.MethodPost, "TrentService.PutKeyPolicy", "{", "SerializationException", 400},
		{"two documents", http.MethodPost, "TrentService.ListKeys", "{}{}", "SerializationException", 400},
		{"member of the wrong type", http.MethodPost, "TrentService.DescribeKey", `{"KeyId":7}`, "SerializationException", 400},
		{"blob that is not base64", http.MethodPost, "TrentService.Decrypt", `{"CiphertextBlob":"%%%"}`, "SerializationException", 400},
		{"missing KeyId", http.MethodPost, "TrentService.DescribeKey", `{}`, "ValidationException", 400},
		{"empty body is an empty document", http.MethodPost, "TrentService.ListKeys", ``, "", 200},
		{"unknown members are ignored", http.MethodPost, "TrentService.ListKeys", `{"Whatever":1}`, "", 200},
		{"missing Operations", http.MethodPost, "TrentService.CreateGrant", `{"KeyId":"alias/x","GranteePrincipal":"p"}`, "NotFoundException", 400},
		{"weird operation name is not echoed", http.MethodPost, "TrentService.<script>", "{}", "UnsupportedOperationException", 400},
		{"a secret in KeyId is not echoed", http.MethodPost, "TrentService.DescribeKey", `{"KeyId":"<script>4111 1111 1111 1111"}`, "NotFoundException", 400},
		{"large body", http.MethodPost, "TrentService.ListKeys", `{"x":"` + strings.Repeat("a", maxRequestBody) + `"}`, "SerializationException", 413},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			rec := post(s, tt.method, tt.target, tt.body)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q is not JSON: %v", rec.Body, err)
			}
			typ, _ := body["__type"].(string)
			if rec.Code != tt.wantCode || typ != tt.wantType {
				t.Errorf("got %d %q, want %d %q", rec.Code, typ, tt.wantCode, tt.wantType)
			}
			if typ != "" && rec.Header().Get("X-Amzn-Errortype") != typ {
				t.Errorf("X-Amzn-Errortype = %q, want %q", rec.Header().Get("X-Amzn-Errortype"), typ)
			}
			for _, leak := range []string{"<script>", "4111"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("body %q echoes %q", rec.Body, leak)
				}
			}
		})
	}
}

var errorType = regexp.MustCompile(`^[A-Za-z]{1,64}$`)

// FuzzServeHTTP sends arbitrary operation names and bodies, with an
// arbitrary KeyId, to a Server holding one key, an alias and a grant. Every
// answer must be a JSON document with an AWS status; every error must carry
// a __type the SDK can map; and a KeyId that is not a well-formed
// identifier must never be echoed.
func FuzzServeHTTP(f *testing.F) {
	seeds := []struct{ op, body, keyID string }{
		{"DescribeKey", `{}`, "alias/data"},
		{"Encrypt", `{"Plaintext":"aGVsbG8=","EncryptionContext":{"a":"b"}}`, "alias/data"},
		{"Decrypt", `{"CiphertextBlob":"AQ=="}`, ""},
		{"GenerateDataKey", `{"KeySpec":"AES_256"}`, "alias/data"},
		{"GenerateDataKeyWithoutPlaintext", `{"NumberOfBytes":1025}`, "alias/data"},
		{"CreateGrant", `{"GranteePrincipal":"personalize.amazonaws.com","Operations":["Decrypt"],"Name":"n"}`, "KEY"},
		{"ListGrants", `{"Limit":1,"Marker":"grants-1"}`, "KEY"},
		{"RetireGrant", `{"GrantToken":"x"}`, ""},
		{"RevokeGrant", `{"GrantId":"` + strings.Repeat("0", 64) + `"}`, "KEY"},
		{"PutKeyPolicy", `{"Policy":"{\"Statement\":[]}"}`, "KEY"},
		{"ScheduleKeyDeletion", `{"PendingWindowInDays":7}`, "KEY"},
		{"CreateKey", `{"KeySpec":"RSA_2048","KeyUsage":"SIGN_VERIFY","Tags":[{"TagKey":"a","TagValue":"b"}]}`, ""},
		{"CreateAlias", `{"AliasName":"alias/x"}`, "KEY"},
		{"ListAliases", `{"Limit":0}`, ""},
		{"ListKeys", `[]`, ""},
		{"Nope", `null`, "4111111111111111"},
		{"DescribeKey", `{"KeyId":{}}`, "arn:aws:kms:us-east-1:111122223333:alias/data"},
	}
	for _, sd := range seeds {
		f.Add(sd.op, sd.body, sd.keyID)
	}
	f.Fuzz(func(t *testing.T, op, body, keyID string) {
		s := newTestServer(t)
		key, apiErr := s.serve("CreateKey", nil)
		if apiErr != nil {
			t.Fatal(apiErr)
		}
		arn := key.(map[string]any)["KeyMetadata"].(keyMetadata).Arn
		if _, e := s.serve("CreateAlias", []byte(`{"AliasName":"alias/data","TargetKeyId":"`+arn+`"}`)); e != nil {
			t.Fatal(e)
		}
		if _, e := s.serve("CreateGrant", []byte(`{"KeyId":"`+arn+`","GranteePrincipal":"p","Operations":["Decrypt"]}`)); e != nil {
			t.Fatal(e)
		}
		if keyID == "KEY" {
			keyID = arn
		}
		// Put the fuzzed KeyId into an object body, when the body is one.
		var doc map[string]any
		if keyID != "" && json.Unmarshal([]byte(body), &doc) == nil && doc != nil {
			doc["KeyId"] = keyID
			if b, err := json.Marshal(doc); err == nil {
				body = string(b)
			}
		}
		rec := post(s, http.MethodPost, TargetPrefix+op, body)
		switch rec.Code {
		case 200, 400, 412, 413, 500:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("response %q is not a JSON object: %v", rec.Body, err)
		}
		if rec.Code != 200 {
			typ, _ := out["__type"].(string)
			if !errorType.MatchString(typ) || rec.Header().Get("X-Amzn-Errortype") != typ {
				t.Fatalf("error response %q has __type %q, header %q", rec.Body, typ, rec.Header().Get("X-Amzn-Errortype"))
			}
			if len(keyID) >= 4 && printableID(keyID) != keyID && strings.Contains(rec.Body.String(), keyID) {
				t.Fatalf("error response %q echoes the KeyId", rec.Body)
			}
		}
	})
}
