package auditlog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// BenchmarkWrite is one allowed call's event through slog's JSON handler
// into io.Discard: what a guard with a Logger adds to every call.
func BenchmarkWrite(b *testing.B) {
	l := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ctx := middleware.WithOperationName(context.Background(), "CreateDatasetGroup")
	var md middleware.Metadata
	awsmiddleware.SetRequestIDMetadata(&md, "0f3c7a52-8e1b-4c2e-9c55-6d2f0b3e4a71")
	safeguards := []string{"model.fields-checked", "kms.key-injected", "kms.role-injected", "identity.caller-checked", "kms.key-ready"}
	b.ReportAllocs()
	for b.Loop() {
		Write(ctx, l, Call{Safeguards: safeguards, Metadata: md, Duration: 1300 * time.Microsecond})
	}
}
