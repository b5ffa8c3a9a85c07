package personalize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

const (
	testRegion  = "us-east-1"
	testAccount = "111122223333"
	testKeyARN  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	otherKeyARN = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
	testRoleARN = "arn:aws:iam::111122223333:role/PersonalizeKMS"
)

// testGuard builds a guard whose posture checks are off unless p sets its own
// clients: unit tests of the network-free safeguards must not need AWS.
func testGuard(t testing.TB, p Policy) *Guard {
	t.Helper()
	if p.KMSClient == nil && p.S3Client == nil {
		p.InsecureSkipPostureChecks = true
	}
	g, err := NewGuard(aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}, p)
	if err != nil {
		t.Fatalf("NewGuard: %v", err)
	}
	return g
}

// loggerFunc adapts a func to the SDK's logging.Logger.
type loggerFunc func(string)

func (f loggerFunc) Logf(_ logging.Classification, format string, v ...any) {
	f(fmt.Sprintf(format, v...))
}

// syncBuffer is a bytes.Buffer safe for concurrent writers, for slog output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// jsonLogger returns a JSON slog logger writing into a buffer.
func jsonLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func containsAnyOf(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// newStateCtx returns a context carrying a call state, as the audit middleware
// would, so tests can read what the safeguards recorded.
func newStateCtx() (context.Context, *callState) {
	st := &callState{}
	return withState(context.Background(), st), st
}

// Clients that panic if the guard ever calls them: used where only the
// registration of the posture middleware matters.
type nopKMS struct{ kms.CheckAPIClient }
type nopS3 struct{ s3guard.CheckAPIClient }
type nopDescriber struct{ DescribeAPIClient }

func (nopS3) GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	return nil, errors.New("nopS3: GetObject")
}

func (nopDescriber) DescribeSchema(context.Context, *sdk.DescribeSchemaInput, ...func(*sdk.Options)) (*sdk.DescribeSchemaOutput, error) {
	return nil, errors.New("nopDescriber: DescribeSchema")
}

// stepByID returns the guard's Initialize middleware with id.
func (g *Guard) stepByID(id string) *step {
	for _, s := range append(slices.Clip(g.front), g.posture...) {
		if s.id == id {
			return s
		}
	}
	panic("no step " + id)
}
