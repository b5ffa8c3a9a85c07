package personalize_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
)

// The red-team tests of the gate's body read (merge 61c3f53): a body of up
// to 512 bytes is read into the gate's own copy (sentRequest.bodyBuf) and
// checked and sent as a string over it. Each attack must end in one of two
// safe outcomes: refused, with nothing of the call reaching the emulated
// AWS and no value echoed, or sent byte for byte as the gate checked it.

// Placeholders a hook swaps for a value: each the length of its value, so
// the body's length is the one the test chose.
const (
	cleanSSN = "tag-value-x"          // for "123-45-6789"
	cleanKey = "tag-value-xxxxxxxxxx" // for "AKIAIOSFODNN7EXAMPLE"
)

var errProbe = errors.New("probe: not sent")

// bodyOf returns the body the SDK serializes for in, signed, without
// sending it: a hook after signing reads it and ends the call.
func bodyOf(t *testing.T, client *sdk.Client, in *sdk.CreateDatasetGroupInput) string {
	t.Helper()
	var body string
	_, err := client.CreateDatasetGroup(context.Background(), in, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("Test:Probe", func(ctx context.Context, in middleware.FinalizeInput, _ middleware.FinalizeHandler) (
				middleware.FinalizeOutput, middleware.Metadata, error,
			) {
				b, err := io.ReadAll(in.Request.(*smithyhttp.Request).GetStream())
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				body = string(b)
				return middleware.FinalizeOutput{}, middleware.Metadata{}, errProbe
			}), "Signing", middleware.After)
		})
	})
	if !errors.Is(err, errProbe) {
		t.Fatalf("probe: %v", err)
	}
	return body
}

// sizedInput returns a CreateDatasetGroup input named name whose body is n
// bytes long and ends with the tag owner=last: tags of padding before it
// make up the length.
func sizedInput(t *testing.T, client *sdk.Client, name, last string, n int) *sdk.CreateDatasetGroupInput {
	t.Helper()
	// c tags of padding, sharing pad bytes, at least one each.
	build := func(c, pad int) *sdk.CreateDatasetGroupInput {
		in := &sdk.CreateDatasetGroupInput{Name: aws.String(name)}
		for i := range c {
			k := pad / c
			if i < pad%c {
				k++
			}
			in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(fmt.Sprintf("pad%d", i)), TagValue: aws.String(strings.Repeat("p", k))})
		}
		in.Tags = append(in.Tags, types.Tag{TagKey: aws.String("owner"), TagValue: aws.String(last)})
		return in
	}
	for c := 1; c <= 40; c++ {
		pad := n - len(bodyOf(t, client, build(c, c))) + c
		if pad < c {
			t.Fatalf("a body of %d bytes is shorter than the input's own", n)
		}
		if pad > 200*c {
			continue
		}
		in := build(c, pad)
		if got := len(bodyOf(t, client, in)); got != n {
			t.Fatalf("the body is %d bytes, want %d", got, n)
		}
		return in
	}
	t.Fatalf("no padding gives a body of %d bytes", n)
	return nil
}

// personalizeBodies returns the bodies of the CreateDatasetGroup requests
// the emulated AWS received.
func (e *env) personalizeBodies(op string) []string {
	var out []string
	for _, r := range e.srv.Requests() {
		if r.Operation == op {
			out = append(out, string(r.Body))
		}
	}
	return out
}

// TestGateBodyAroundInlineLength sends CreateDatasetGroup bodies of every
// length around the gate's inline buffer (512 bytes), and far past it,
// whose last tag value a hook after signing swaps for an identifying value:
// the value's bytes fall before, across and after byte 512 as the length
// grows. Every one is refused by the value's rule at its field, nothing
// reaches the emulated AWS and no value is echoed; the same bodies left
// clean go out byte for byte as the hook last saw them.
func TestGateBodyAroundInlineLength(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()
	lengths := []int{400, 499, 500}
	for n := 501; n <= 530; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1023, 1024, 1025, 4096)
	for _, n := range lengths {
		for _, tt := range []struct{ clean, value, rule string }{
			{cleanSSN, "123-45-6789", "sensitive.ssn"},
			{cleanKey, "AKIAIOSFODNN7EXAMPLE", "sensitive.aws-access-key"},
		} {
			name := fmt.Sprintf("g%d-%s", n, tt.rule[len("sensitive."):])
			in := sizedInput(t, e.client, name, tt.clean, n)
			last := fmt.Sprintf("Tags[%d].TagValue", len(in.Tags)-1)
			t.Run(fmt.Sprintf("%d/%s", n, tt.rule), func(t *testing.T) {
				e.srv.ResetRequests()
				_, err := e.client.CreateDatasetGroup(ctx, in, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, `"`+tt.clean+`"`, `"`+tt.value+`"`))
				})
				e.requireRefused(t, err, last, tt.rule, tt.value)
				if got := e.personalizeBodies("CreateDatasetGroup"); len(got) != 0 {
					t.Errorf("the emulated AWS received %d CreateDatasetGroup bodies, want none", len(got))
				}
			})
			t.Run(fmt.Sprintf("%d/clean", n), func(t *testing.T) {
				if tt.rule != "sensitive.ssn" {
					return // one clean call a length
				}
				e.srv.ResetRequests()
				var seen string
				_, err := e.client.CreateDatasetGroup(ctx, in, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, beforeGate(func(ctx context.Context, req *smithyhttp.Request) (context.Context, *smithyhttp.Request) {
						b, _ := io.ReadAll(req.GetStream())
						if err := req.RewindStream(); err != nil {
							t.Fatal(err)
						}
						seen = string(b)
						return ctx, req
					}))
				})
				if err != nil {
					t.Fatalf("a clean body of %d bytes: %v", n, err)
				}
				if len(seen) != n {
					t.Errorf("the body is %d bytes, want %d", len(seen), n)
				}
				if diff := cmp.Diff([]string{seen}, e.personalizeBodies("CreateDatasetGroup")); diff != "" {
					t.Errorf("sent bodies (-checked +received):\n%s", diff)
				}
			})
		}
	}
}

// beforeGate returns an APIOptions entry whose Deserialize middleware, right
// before the wire gate, runs f on each attempt's request and hands the gate
// the context and request f returns.
func beforeGate(f func(context.Context, *smithyhttp.Request) (context.Context, *smithyhttp.Request)) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Test:BeforeGate", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error,
		) {
			ctx, in.Request = f(ctx, in.Request.(*smithyhttp.Request))
			return next.HandleDeserialize(ctx, in)
		}), personalize.IDWireGate, middleware.Before)
	}
}

// swapOnValue is a context that, on its k-th Value lookup (counted from
// 1, from any goroutine), writes dirty over data, the bytes of the
// request's stream: a hook's stand-in for a writer racing the send, at a
// point of the gate's own choosing, so that the race detector has no
// race of the test's to report.
type swapOnValue struct {
	context.Context
	k           int64
	data, dirty []byte
	calls       *atomic.Int64
}

func (c *swapOnValue) Value(key any) any {
	if c.calls.Add(1) == c.k {
		copy(c.data, c.dirty)
	}
	return c.Context.Value(key)
}

// twoFaced is a stream embedding *bytes.Reader that reads clean until it
// has been read through and rewound, and dirty after: what the SDK's stream
// holds once the gate has read it. Anything that read the SDK's stream
// after the gate (net/http, a retry) would send dirty.
type twoFaced struct {
	*bytes.Reader
	dirty []byte
	read  bool
}

func (s *twoFaced) Read(p []byte) (int, error) {
	n, err := s.Reader.Read(p)
	if err == io.EOF || s.Reader.Len() == 0 {
		s.read = true
	}
	return n, err
}

func (s *twoFaced) WriteTo(w io.Writer) (int64, error) {
	n, err := s.Reader.WriteTo(w)
	s.read = true
	return n, err
}

func (s *twoFaced) Seek(off int64, whence int) (int64, error) {
	at, err := s.Reader.Seek(off, whence)
	if s.read {
		s.Reader.Reset(s.dirty)
		_, _ = s.Reader.Seek(at, io.SeekStart)
	}
	return at, err
}

// TestGateBodyStreamTricks plays a hook right before the wire gate that
// does to the SDK's stream what a careless or hostile one could: positions
// it past an identifying prefix, past the body's first byte, hands over a
// stream whose bytes turn identifying once the gate has read them, or
// writes an identifying value over the stream's bytes at each of the
// gate's (and net/http's) context lookups in turn. Around the inline
// buffer's length and past it: every call is refused with nothing sent, or
// sends exactly the clean body; the identifying value never reaches the
// emulated AWS, the error or the audit log.
func TestGateBodyStreamTricks(t *testing.T) {
	const secret = "123-45-6789"
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()
	type outcome struct {
		Refused bool
		Rule    string
		Sent    []string
	}
	seq := 0
	for _, n := range []int{511, 512, 513, 1500} {
		type trick struct {
			name string
			// stream returns the stream the gate is handed, from the
			// clean body and the same body with the secret in it.
			stream func(clean, dirty []byte) io.ReadSeeker
			// ctx, when set, wraps the gate's context over the stream's
			// bytes.
			ctx  func(ctx context.Context, data, dirty []byte) context.Context
			want func(clean string) outcome
		}
		sentClean := func(clean string) outcome { return outcome{Sent: []string{clean}} }
		tricks := []trick{
			{name: "past an identifying prefix", stream: func(clean, dirty []byte) io.ReadSeeker {
				prefix := []byte(`{"name":"x","tags":[{"tagKey":"a","tagValue":"` + secret + `"}]}`)
				r := bytes.NewReader(append(prefix, clean...))
				_, _ = r.Seek(int64(len(prefix)), io.SeekStart)
				return r
			}, want: sentClean},
			{name: "past the first byte", stream: func(clean, dirty []byte) io.ReadSeeker {
				r := bytes.NewReader(dirty)
				_, _ = r.Seek(1, io.SeekStart)
				return r
			}, want: func(string) outcome { return outcome{Refused: true, Rule: "wire"} }},
			{name: "two-faced stream", stream: func(clean, dirty []byte) io.ReadSeeker {
				return &twoFaced{Reader: bytes.NewReader(clean), dirty: dirty}
			}, want: sentClean},
		}
		for k := int64(1); k <= 40; k++ {
			tricks = append(tricks, trick{name: fmt.Sprintf("written over at context lookup %d", k),
				ctx: func(ctx context.Context, data, dirty []byte) context.Context {
					return &swapOnValue{Context: ctx, k: k, data: data, dirty: dirty, calls: new(atomic.Int64)}
				}})
		}
		for _, tr := range tricks {
			seq++
			in := sizedInput(t, e.client, fmt.Sprintf("s%d", seq), cleanSSN, n)
			t.Run(fmt.Sprintf("%d/%s", n, tr.name), func(t *testing.T) {
				e.srv.ResetRequests()
				var clean string
				_, err := e.client.CreateDatasetGroup(ctx, in, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, beforeGate(func(ctx context.Context, req *smithyhttp.Request) (context.Context, *smithyhttp.Request) {
						b, rerr := io.ReadAll(req.GetStream())
						if rerr != nil {
							t.Fatal(rerr)
						}
						clean = string(b)
						dirty := bytes.Replace(b, []byte(`"`+cleanSSN+`"`), []byte(`"`+secret+`"`), 1)
						if tr.ctx != nil {
							data := bytes.Clone(b)
							out, err := req.SetStream(bytes.NewReader(data))
							if err != nil {
								t.Fatal(err)
							}
							return tr.ctx(ctx, data, dirty), out
						}
						out, err := req.SetStream(tr.stream(b, dirty))
						if err != nil {
							t.Fatal(err)
						}
						return ctx, out
					}))
				})
				got := outcome{Sent: e.personalizeBodies("CreateDatasetGroup")}
				var sg *personalize.SafeguardError
				if errors.As(err, &sg) {
					got.Refused, got.Rule = true, sg.Rule
				} else if err != nil {
					t.Fatalf("error %v is not a SafeguardError", err)
				}
				if tr.want == nil {
					// Refused when the write came before the gate's
					// read, sent as read when it came after: either is
					// safe, and nothing else is.
					if got.Refused {
						e.requireRefused(t, err, fmt.Sprintf("Tags[%d].TagValue", len(in.Tags)-1), "sensitive.ssn", secret)
						if len(got.Sent) != 0 {
							t.Errorf("refused, yet sent %q", got.Sent)
						}
					} else if diff := cmp.Diff(sentClean(clean), got); diff != "" {
						t.Errorf("outcome (-want +got):\n%s", diff)
					}
				} else {
					want := tr.want(clean)
					if want.Rule == "wire" && got.Refused {
						want.Rule = got.Rule // any refusal: the body is not JSON
						e.requireRefused(t, err, sg.Field, sg.Rule, secret)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("outcome (-want +got):\n%s", diff)
					}
				}
				for _, c := range []string{secret} {
					if e.srv.Seen(c) {
						t.Errorf("the emulated AWS received %q", c)
					}
					if err != nil && strings.Contains(err.Error(), c) {
						t.Errorf("error %q echoes %q", err, c)
					}
					if strings.Contains(e.auditLog(), c) {
						t.Errorf("the audit log echoes %q", c)
					}
				}
			})
		}
	}
}

// again is an error the SDK's standard retryer retries.
type again struct{}

func (again) Error() string        { return "try again" }
func (again) RetryableError() bool { return true }

// TestGateBodyRetriedAttemptRechecked has each attempt of a call rewrite
// the body after signing, the first one clean and sent, then failed by a
// hook after the gate's send so that the SDK retries. The second attempt's
// body is read into a copy of its own and checked again: an identifying
// value there is refused, with only the first attempt's clean body sent;
// another clean one goes out as itself, not as the first attempt's copy.
func TestGateBodyRetriedAttemptRechecked(t *testing.T) {
	const secret = "123-45-6789"
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	for i, tt := range []struct {
		n      int
		second string // what the second attempt's tag value becomes
		refuse bool
	}{
		{511, secret, true}, {512, secret, true}, {513, secret, true}, {2000, secret, true},
		{511, "tag-value-y", false}, {512, "tag-value-y", false}, {513, "tag-value-y", false}, {2000, "tag-value-y", false},
	} {
		in := sizedInput(t, e.client, fmt.Sprintf("r%d", i), cleanSSN, tt.n)
		t.Run(fmt.Sprintf("%d/%s", tt.n, tt.second), func(t *testing.T) {
			e.srv.ResetRequests()
			var attempt atomic.Int32
			var sent []string
			_, err := e.client.CreateDatasetGroup(context.Background(), in, quickRetries, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
					// Per attempt, after signing: the first attempt's body
					// as serialized, the second one's rewritten.
					if err := s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("Test:Attempt", func(ctx context.Context, fin middleware.FinalizeInput, next middleware.FinalizeHandler) (
						middleware.FinalizeOutput, middleware.Metadata, error,
					) {
						req := fin.Request.(*smithyhttp.Request)
						b, err := io.ReadAll(req.GetStream())
						if err != nil {
							return middleware.FinalizeOutput{}, middleware.Metadata{}, err
						}
						if attempt.Add(1) > 1 {
							// Another name too: the first attempt created its own.
							b = bytes.Replace(b, []byte(`"`+cleanSSN+`"`), []byte(`"`+tt.second+`"`), 1)
							b = bytes.Replace(b, []byte(`"r`), []byte(`"q`), 1)
						}
						sent = append(sent, string(b))
						out, err := req.SetStream(bytes.NewReader(b))
						if err != nil {
							return middleware.FinalizeOutput{}, middleware.Metadata{}, err
						}
						fin.Request = out
						return next.HandleFinalize(ctx, fin)
					}), "Signing", middleware.After); err != nil {
						return err
					}
					// Around the gate: the first attempt, sent, fails.
					return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Test:Again", func(ctx context.Context, din middleware.DeserializeInput, next middleware.DeserializeHandler) (
						middleware.DeserializeOutput, middleware.Metadata, error,
					) {
						out, md, err := next.HandleDeserialize(ctx, din)
						if err == nil && attempt.Load() == 1 {
							return out, md, again{}
						}
						return out, md, err
					}), personalize.IDWireGate, middleware.Before)
				})
			})
			if got := attempt.Load(); got != 2 {
				t.Fatalf("%d attempts, want 2 (err %v)", got, err)
			}
			if tt.refuse {
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) {
					t.Fatalf("error = %v, want *personalize.SafeguardError", err)
				}
				want := [2]string{fmt.Sprintf("Tags[%d].TagValue", len(in.Tags)-1), "sensitive.ssn"}
				if diff := cmp.Diff(want, [2]string{sg.Field, sg.Rule}); diff != "" {
					t.Errorf("refusal's field and rule (-want +got):\n%s", diff)
				}
				if e.srv.Seen(secret) || strings.Contains(err.Error(), secret) || strings.Contains(e.auditLog(), secret) {
					t.Errorf("the value reached the emulated AWS, the error or the audit log")
				}
				if diff := cmp.Diff(sent[:1], e.personalizeBodies("CreateDatasetGroup")); diff != "" {
					t.Errorf("sent bodies (-first attempt's +received):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sent, e.personalizeBodies("CreateDatasetGroup")); diff != "" {
				t.Errorf("sent bodies (-each attempt's +received):\n%s", diff)
			}
		})
	}
}
