package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// TestWriteErrorCode: a failed call's event carries AWS's error code, and
// only a code that reads as one: a store that answers the request's key as
// its code (a proxy, an S3-compatible store) has it left out.
func TestWriteErrorCode(t *testing.T) {
	failed := func(code string) error {
		return &smithy.OperationError{ServiceID: "S3", OperationName: "ListObjectsV2", Err: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 400}},
			Err:      &smithy.GenericAPIError{Code: code, Message: "exports/jane.doe@example.com/"}}}
	}
	tests := []struct {
		name, code, want string
	}{
		{"AWS's code", "ThrottlingException", "ThrottlingException"},
		{"a code that echoes the key", "InvalidArgument:exports/jane.doe@example.com/", "(an unreadable error code)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			Write(context.Background(), slog.New(slog.NewJSONHandler(&buf, nil)), Call{Operation: "ListObjectsV2", Err: failed(tt.code)})
			var ev map[string]any
			if err := json.Unmarshal(buf.Bytes(), &ev); err != nil {
				t.Fatalf("event is not JSON: %v", err)
			}
			if diff := cmp.Diff(tt.want, ev[KeyErrorCode]); diff != "" {
				t.Errorf("error_code (-want +got):\n%s", diff)
			}
			if bytes.Contains(buf.Bytes(), []byte("jane")) {
				t.Errorf("the event echoes the value: %s", buf.Bytes())
			}
		})
	}
}
