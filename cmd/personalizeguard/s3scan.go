package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/internal/securetransport"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// S3 sources of scan: s3://bucket/key names one object, s3://bucket/prefix/
// (or s3://bucket) every object under the prefix, as an import reads them.
// The listing is read first, whole, so that the progress line has a total;
// the objects are then scanned by the same workers as files. An object that
// cannot be listed or read is an error (exit status 3), never a skip.

// s3Object is one listed object.
type s3Object struct {
	key, etag string
	size      int64
}

// newS3Client builds the S3 client of scan from the environment's AWS
// configuration (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_CA_BUNDLE,
// ...), with the guard's transport rules: https only, TLS 1.2 or later, no
// wire dumps.
func (c *command) newS3Client(ctx context.Context) (*s3.Client, error) {
	cfg, err := c.awsConfig(ctx, "")
	if err != nil {
		return nil, err
	}
	var secureErr error
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		// Here, not on cfg: a service-specific endpoint
		// (AWS_ENDPOINT_URL_S3) is resolved into o.BaseEndpoint before the
		// options functions run.
		hc, mode, dumped, err := securetransport.Secure(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, o.ClientLogMode, tls.VersionTLS12, false)
		if err != nil {
			secureErr = err
			return
		}
		if dumped {
			fmt.Fprintln(c.stderr, "personalizeguard: the AWS client's request/response dumps are switched off: they print session tokens")
		}
		o.HTTPClient, o.ClientLogMode = hc, mode
		o.APIOptions = append(o.APIOptions, securetransport.SilenceWireDumps)
	})
	if secureErr != nil {
		return nil, secureErr
	}
	return client, nil
}

// listS3 returns the objects loc names: the object itself, or every data
// object under the prefix (empty objects, folder markers among them, are
// skipped; an object with bytes is scanned whatever its key),
// in the listing's order, as s3guard.ListObjects reads them for the guard's
// import scan. pageSize 0 leaves the page size to S3. A prefix that holds
// more than maxKeys keys (0: no bound) is an error, not a scan of its first
// part: the listing is held whole in memory for the progress line, and a
// scan that judged part of what an import reads would pass what it never
// saw.
func listS3(ctx context.Context, client s3guard.ObjectAPIClient, loc s3guard.Location, pageSize int32, maxKeys int) ([]s3Object, error) {
	l, err := s3guard.ListObjects(ctx, client, loc, func(o *s3guard.ListOptions) {
		o.PageSize = pageSize
		if maxKeys > 0 {
			// The listing stops after the page that reaches the bound, even
			// when nothing follows; one key past maxKeys proves more.
			o.MaxListedKeys = maxKeys + 1
		}
	})
	var inconsistent *s3guard.ListingError
	switch {
	case err == nil && (l.Truncated || maxKeys > 0 && len(l.Keys) > maxKeys):
		return nil, fmt.Errorf("the prefix holds more than %d keys (-max-keys); scan narrower prefixes or raise -max-keys", maxKeys)
	case errors.As(err, &inconsistent):
		return nil, err // names the rule, never a key
	case err != nil && !loc.IsPrefix():
		return nil, s3Error("HeadObject", "s3:GetObject", "arn:aws:s3:::"+loc.Bucket+"/*", err)
	case err != nil:
		return nil, s3Error("ListObjectsV2", "s3:ListBucket", "arn:aws:s3:::"+loc.Bucket, err)
	case len(l.Objects) == 0:
		return nil, errors.New("no object under the prefix")
	}
	objs := make([]s3Object, 0, len(l.Objects))
	for _, o := range l.Objects {
		objs = append(objs, s3Object{key: o.Key, etag: o.ETag, size: aws.ToInt64(o.Size)})
	}
	return objs, nil
}

// timedS3 gives each listing and HeadObject call of scan a deadline: the
// command's context has none, and an endpoint that takes the connection and
// never answers would hold the scan for ever.
type timedS3 struct {
	c       s3guard.ObjectAPIClient
	timeout time.Duration
}

func (t timedS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, o ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.c.HeadObject(ctx, in, o...)
}

func (t timedS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.c.ListObjectsV2(ctx, in, o...)
}

// openS3 opens one listed object. If-Match holds the read to the version
// listed: an object replaced during the scan is an error, not a mix of two
// versions. GetObject, then each read of the body, ends after timeout
// without bytes: a deadline over the whole object would fail a large one
// read slowly, none would let a stalled one hang the scan.
func openS3(ctx context.Context, client *s3.Client, bucket string, o s3Object, timeout time.Duration) (io.ReadCloser, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(o.key)}
	if o.etag != "" {
		in.IfMatch = aws.String(o.etag)
	}
	stalled := fmt.Errorf("GetObject: S3 sent nothing for %s (-timeout): %w", timeout, context.DeadlineExceeded)
	ctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(timeout, func() { cancel(stalled) })
	out, err := client.GetObject(ctx, in)
	timer.Stop()
	if err != nil {
		cancel(nil)
		if context.Cause(ctx) == stalled {
			return nil, stalled
		}
		return nil, s3Error("GetObject", "s3:GetObject", "arn:aws:s3:::"+bucket+"/*", err)
	}
	if o.etag != "" && aws.ToString(out.ETag) != o.etag {
		// An endpoint that ignores If-Match (S3-compatible stores,
		// emulators) sent another version.
		out.Body.Close()
		cancel(nil)
		return nil, errors.New("GetObject: the object changed after it was listed; scan again")
	}
	return &idleBody{body: out.Body, ctx: ctx, cancel: cancel, timer: timer, timeout: timeout, stalled: stalled}, nil
}

// idleBody is an object's body whose reads end, the request cancelled, when
// one waits longer than timeout.
type idleBody struct {
	body    io.ReadCloser
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timer   *time.Timer // cancels the request with stalled
	timeout time.Duration
	stalled error
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.timeout)
	n, err := b.body.Read(p)
	b.timer.Stop()
	if err != nil && !errors.Is(err, io.EOF) && context.Cause(b.ctx) == b.stalled {
		err = b.stalled
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.body.Close()
	b.cancel(nil)
	return err
}

// s3Error says which permission a refused call needs; other failures keep
// the SDK's message, which names the operation and status, not the key;
// a transport failure's message has its URL left out.
func s3Error(op, permission, resource string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "AccessDenied", "AllAccessDisabled", "Forbidden":
			return fmt.Errorf("access denied: %s needs %s on %s", op, permission, resource)
		case "PreconditionFailed":
			return fmt.Errorf("%s: the object changed after it was listed; scan again", op)
		}
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		// A transport error quotes the request's URL: its path is a listed
		// key, its query the store's continuation token.
		msg = strings.ReplaceAll(msg, strconv.Quote(ue.URL), "(its URL, left out)")
	}
	return &opError{msg: op + ": " + msg, err: err}
}

// opError is an S3 call's error under a message that names no key.
type opError struct {
	msg string
	err error
}

func (e *opError) Error() string { return e.msg }

func (e *opError) Unwrap() error { return e.err }
