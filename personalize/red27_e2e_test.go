package personalize_test

// Hostile review (red27) of the per-call shortcuts merged with h1 and h2:
// the URL settled against the memo's last path and host, the SDK's
// *bytes.Reader read through its own methods, the wire walk's NextOpen,
// NextArrayEnd and AtEnd, opFor's last-operation memo and the pooled
// state's reset of its rare fields. Each attack runs on a client that
// made a clean call first, so that every memo the shortcuts read holds
// the call's usual values.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// red27Hook returns a call option whose middleware, at step (one of
// dataplanetest.RequestLineSteps past serialization: after signing, or
// right before the wire gate), runs f on the request.
func red27Hook(step string, f func(req *smithyhttp.Request)) func(*sdk.Options) {
	const id = "Test:red27"
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			switch step {
			case dataplanetest.AtFinalizeAfterSigning:
				return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc(id, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
					middleware.FinalizeOutput, middleware.Metadata, error,
				) {
					f(in.Request.(*smithyhttp.Request))
					return next.HandleFinalize(ctx, in)
				}), "Signing", middleware.After)
			case dataplanetest.AtDeserialize:
				return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc(id, func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
					middleware.DeserializeOutput, middleware.Metadata, error,
				) {
					f(in.Request.(*smithyhttp.Request))
					return next.HandleDeserialize(ctx, in)
				}), personalize.IDWireGate, middleware.Before)
			}
			return fmt.Errorf("red27: no step %q", step)
		})
	}
}

// red27Warm makes one clean CreateDatasetGroup call, which must pass, and
// then forgets the emulator's requests and the audit log: the gate's memo
// then holds the call's path, host and headers as its last values.
func red27Warm(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.client.CreateDatasetGroup(t.Context(), &sdk.CreateDatasetGroupInput{Name: aws.String("warm")}); err != nil {
		t.Fatalf("warming call: %v", err)
	}
	e.srv.ResetRequests()
	e.mu.Lock()
	e.audit.Reset()
	e.mu.Unlock()
}

// red27NoValue fails the test when canary is in err, the audit log or any
// request the emulator received.
func red27NoValue(t *testing.T, e *env, err error, canary string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), canary) {
		t.Errorf("the error carries the value: %v", err)
	}
	if strings.Contains(e.auditLog(), canary) {
		t.Error("the audit log carries the value")
	}
	if e.srv.Seen(canary) {
		t.Error("the value reached the endpoint")
	}
}

// TestRed27WarmURLNeighbours: the gate settles a URL whose path and host
// are the memo's last values in a few comparisons (8b07a0c, 51bc351). A
// hook that keeps that path and host but carries a value or a credential
// in another part of the URL (the query, the userinfo, a RawPath that is
// not the path, the port, the Host header, the host in another case) is
// refused before anything is sent, the error naming the rule and the part,
// never the value.
func TestRed27WarmURLNeighbours(t *testing.T) {
	const email = "r27.doe@example.com"
	type want struct {
		Rule, Field string
		Sent        bool
	}
	sensitiveIn := func(part string) want { return want{Rule: personalize.RuleRequestChanged + ".sensitive", Field: part} }
	changed := func(part string) want { return want{Rule: personalize.RuleRequestChanged, Field: part} }
	https := want{Rule: personalize.RuleHTTPSOnly}
	tests := []struct {
		name   string
		canary string
		set    func(u *url.URL, req *smithyhttp.Request)
		want   want
	}{
		{"a query with an e-mail address", "r27.doe", func(u *url.URL, _ *smithyhttp.Request) { u.RawQuery = "owner=" + url.QueryEscape(email) }, sensitiveIn("URL")},
		{"a query with a SigV4 credential", "r27cred", func(u *url.URL, _ *smithyhttp.Request) { u.RawQuery = "X-Amz-Credential=r27cred" }, https},
		{"userinfo on the last host", "r27pass", func(u *url.URL, _ *smithyhttp.Request) { u.User = url.UserPassword("r27user", "r27pass") }, https},
		{"userinfo with no password", "r27user", func(u *url.URL, _ *smithyhttp.Request) { u.User = url.User("r27user") }, https},
		{"a RawPath that is not the path", "r27.doe", func(u *url.URL, _ *smithyhttp.Request) { u.RawPath = "/" + url.PathEscape(email) }, changed("path")},
		{"an e-mail address in the Host header", "r27.doe", func(_ *url.URL, req *smithyhttp.Request) { req.Host = email }, changed("host")},
		{"an e-mail address as the URL's host and the Host header", "r27.doe", func(u *url.URL, req *smithyhttp.Request) { u.Host, req.Host = email, email }, sensitiveIn("URL")},
		{"the last host with an e-mail address as the Host header's port", "r27.doe", func(u *url.URL, req *smithyhttp.Request) { req.Host = u.Host + ":" + email }, changed("host")},
		{"a fragment with a value, which net/http does not send", "r27.doe", func(u *url.URL, _ *smithyhttp.Request) { u.Fragment = email }, want{Sent: true}},
		{"the last host in upper case with an e-mail address in the Host header", "r27.doe", func(u *url.URL, req *smithyhttp.Request) {
			u.Host = strings.ToUpper(u.Host)
			req.Host = email
		}, changed("host")},
		{"an e-mail address as the URL's host", "r27.doe", func(u *url.URL, _ *smithyhttp.Request) { u.Host = email }, sensitiveIn("URL")},
		{"the path with a value and the query empty", "r27.doe", func(u *url.URL, _ *smithyhttp.Request) { u.Path, u.RawPath = "/"+email, "" }, changed("path")},
		{"an opaque part with a value", "r27.doe", func(u *url.URL, _ *smithyhttp.Request) { u.Opaque = "//" + u.Host + "/" + email }, changed("path")},
	}
	for _, step := range []string{dataplanetest.AtFinalizeAfterSigning, dataplanetest.AtDeserialize} {
		for _, tt := range tests {
			t.Run(step+"/"+tt.name, func(t *testing.T) {
				e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
				red27Warm(t, e)
				err := callNoPanic(func() error {
					_, err := e.client.CreateDatasetGroup(t.Context(), &sdk.CreateDatasetGroupInput{Name: aws.String("r27-group")},
						red27Hook(step, func(req *smithyhttp.Request) { tt.set(req.URL, req) }))
					return err
				})
				var got want
				var sg *personalize.SafeguardError
				switch {
				case errors.As(err, &sg):
					got.Rule, got.Field = sg.Rule, sg.Field
				case err != nil:
					t.Fatalf("got %v, want a refusal or a pass", err)
				}
				got.Sent = len(e.personalizeCalls()) != 0
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				red27NoValue(t, e, err, tt.canary)
			})
		}
	}
}

// embeddedReader is a body stream whose type embeds *bytes.Reader: not the
// SDK's *bytes.Reader, which the gate reads through its own methods, but
// one with all its methods.
type embeddedReader struct{ *bytes.Reader }

// TestRed27BodyStreams: the gate reads the SDK's *bytes.Reader from where
// it stands through its own methods (c4a4bf8) and sends what it read. A
// hook after signing puts in a body with a value in a type embedding
// *bytes.Reader, or in a *bytes.Reader after its position, or before its
// position (what was read already is not sent), or past MaxBody; the body
// with the value is refused and nothing sent, and the value is nowhere.
func TestRed27BodyStreams(t *testing.T) {
	const canary = "r27.doe"
	valued := `{"name":"` + canary + `@example.com"}`
	type outcome struct {
		Refused    bool
		Rule, Sent string
	}
	tests := []struct {
		name   string
		stream func(clean []byte) io.Reader
		want   outcome
	}{
		{"a type embedding *bytes.Reader", func([]byte) io.Reader { return embeddedReader{bytes.NewReader([]byte(valued))} },
			outcome{Refused: true, Rule: "sensitive.email"}},
		{"a type embedding *bytes.Reader, read partway", func(clean []byte) io.Reader {
			r := embeddedReader{bytes.NewReader(append([]byte(valued), clean...))}
			_, _ = r.Seek(int64(len(valued)), io.SeekStart)
			return r
		}, outcome{Sent: "CreateDatasetGroup"}},
		{"a *bytes.Reader read partway, the value after", func(clean []byte) io.Reader {
			r := bytes.NewReader(append(append([]byte{}, clean...), valued...))
			_, _ = r.Seek(int64(len(clean)), io.SeekStart)
			return r
		}, outcome{Refused: true, Rule: "sensitive.email"}},
		{"a *bytes.Reader read partway, the value before", func(clean []byte) io.Reader {
			r := bytes.NewReader(append([]byte(valued), clean...))
			buf := make([]byte, len(valued))
			_, _ = io.ReadFull(r, buf)
			return r
		}, outcome{Sent: "CreateDatasetGroup"}},
		{"a *bytes.Reader past MaxBody", func(clean []byte) io.Reader {
			return bytes.NewReader([]byte(`{"Name":"` + strings.Repeat("a", 1<<21) + `","x":"` + canary + `@example.com"}`))
		}, outcome{Refused: true, Rule: personalize.RuleBodyUnchecked}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			red27Warm(t, e)
			err := callNoPanic(func() error {
				_, err := e.client.CreateDatasetGroup(t.Context(), &sdk.CreateDatasetGroupInput{Name: aws.String("r27-group")},
					red27Hook(dataplanetest.AtFinalizeAfterSigning, func(req *smithyhttp.Request) {
						clean, err := io.ReadAll(req.GetStream())
						if err != nil {
							t.Errorf("reading the SDK's body: %v", err)
						}
						out, err := req.SetStream(tt.stream(clean))
						if err != nil {
							t.Errorf("SetStream: %v", err)
						}
						*req = *out
					}))
				return err
			})
			var got outcome
			var sg *personalize.SafeguardError
			switch {
			case errors.As(err, &sg):
				got.Refused, got.Rule = true, sg.Rule
			case err != nil:
				t.Fatalf("got %v, want a refusal or a pass", err)
			}
			got.Sent = strings.Join(e.personalizeCalls(), ",")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			red27NoValue(t, e, err, canary)
		})
	}
}

// TestRed27BodyShapesAfterSigning: the wire walk reads the body's '{', a
// list's objects and ']' and the document's end on paths of their own
// (cf7bfb5), Next for anything else. A hook after signing rewrites the
// warm client's clean body into shapes those paths meet: white space and
// a BOM before the body, text after its end, a second document, a
// trailing comma in the Tags list, a list nested in it, a list closed by
// a brace or left open, duplicate members, a string where a tag object
// belongs, white space around the tokens those paths read. Each is
// refused before anything is sent (a body that is not one JSON document
// with the body's rule, a value at its field), but white space alone; the
// value is nowhere.
func TestRed27BodyShapesAfterSigning(t *testing.T) {
	const canary = "r27.tag"
	type want struct{ Rule, Field string }
	syntax := want{Rule: personalize.RuleBodyUnchecked}
	email := func(field string) want { return want{"sensitive.email", field} }
	tests := []struct {
		name, old, new string
		want           want
	}{
		{"a BOM before the body", `{"`, "\ufeff{\"", syntax},
		{"text after the body", `"}]}`, `"}]}x`, syntax},
		{"a second document", `"}]}`, `"}]}{"name":"` + canary + `@example.com"}`, syntax},
		{"white space then text after the body", `"}]}`, `"}]} ,`, syntax},
		{"a trailing comma in the list", `"}]`, `"},]`, syntax},
		{"a list nested in the list", `[{"`, `[[{"`, syntax},
		{"a value in place of a tag", `[{"`, `["` + canary + `@example.com",{"`, email("Tags[0]")},
		{"a duplicate tags member, the first with a value", `"tags":[`, `"tags":[{"tagKey":"k","tagValue":"` + canary + `@example.com"}],"tags":[`, email("Tags[0].TagValue")},
		{"a duplicate name member with a value", `"name":"`, `"name":"` + canary + `@example.com","name":"`, email("Name")},
		{"a list closed by a brace", `"}]`, `"}}`, syntax},
		{"the list left open", `"}]}`, `"}}`, syntax},
		{"white space around a tag with a value", `[{"`, "[ \n\t{\"tagKey\":\"k\",\"tagValue\":\"" + canary + "@example.com\"} ,\r{\"", email("Tags[0].TagValue")},
		{"white space around the list's end and the body's, a tag with a value before", `"}]}`, `"},{"tagKey":"k","tagValue":"` + canary + "@example.com\"} ] \n}\n", email("Tags[1].TagValue")},
		{"white space only, no value", `"}]}`, "\"} ] } ", want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			red27Warm(t, e)
			err := callNoPanic(func() error {
				_, err := e.client.CreateDatasetGroup(t.Context(), &sdk.CreateDatasetGroupInput{Name: aws.String("r27-group"),
					Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}},
					func(o *sdk.Options) {
						o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, tt.old, tt.new))
					})
				return err
			})
			var got want
			var sg *personalize.SafeguardError
			switch {
			case errors.As(err, &sg):
				got = want{sg.Rule, sg.Field}
			case err != nil:
				t.Fatalf("got %v, want a refusal or a pass", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if calls := e.personalizeCalls(); len(calls) != 0 && tt.want.Rule != "" {
				t.Errorf("sent %v, want nothing", calls)
			}
			red27NoValue(t, e, err, canary)
		})
	}
}

// TestRed27InterleavedOperations: opFor answers from the last operation it
// found (429d03f). Goroutines on one guard's client, and on a second
// guard's client, interleave operations, each call either clean or with an
// e-mail address in its Name: a memo that returned another operation's
// steps or table would let a value pass or name another operation. Each
// refusal names its own operation, rule and field; each clean call passes
// (the event tracker's reaches AWS, which knows no such group); nothing
// refused reaches the endpoint. CreateDatasetGroup and CreateEventTracker
// have names of one length: a memo that compared lengths is caught.
func TestRed27InterleavedOperations(t *testing.T) {
	e1 := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	e2 := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	schema := `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"}],"version":"1.0"}`
	calls := []struct {
		op   string
		call func(ctx context.Context, c *sdk.Client, name string) error
	}{
		{"CreateDatasetGroup", func(ctx context.Context, c *sdk.Client, name string) error {
			_, err := c.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name)})
			return err
		}},
		{"CreateSchema", func(ctx context.Context, c *sdk.Client, name string) error {
			_, err := c.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String(name), Schema: aws.String(schema)})
			return err
		}},
		{"CreateEventTracker", func(ctx context.Context, c *sdk.Client, name string) error {
			_, err := c.CreateEventTracker(ctx, &sdk.CreateEventTrackerInput{Name: aws.String(name), DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/absent")})
			return err
		}},
	}
	const workers, rounds = 4, 3
	var (
		mu       sync.Mutex
		canaries []string
	)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := e1
			if w%2 == 1 {
				e = e2
			}
			for r := range rounds {
				for i := range calls {
					c := calls[(i+w)%len(calls)]
					for _, bad := range []bool{false, true} {
						id := fmt.Sprintf("w%dr%d%s", w, r, strings.ToLower(c.op[len("Create"):]))
						name := "r27-" + id
						if bad {
							name = "r27." + id + "@example.com"
							mu.Lock()
							canaries = append(canaries, "r27."+id)
							mu.Unlock()
						}
						err := callNoPanic(func() error { return c.call(t.Context(), e.client, name) })
						var sg *personalize.SafeguardError
						switch {
						case bad && !errors.As(err, &sg):
							t.Errorf("%s %s: got %v, want a refusal", c.op, id, err)
						case bad:
							if diff := cmp.Diff([]string{c.op, "sensitive.email", "Name"}, []string{sg.Operation, sg.Rule, sg.Field}); diff != "" {
								t.Errorf("%s %s: refusal (-want +got):\n%s", c.op, id, diff)
							}
						case errors.As(err, &sg):
							t.Errorf("%s %s: a clean call refused: %v", c.op, id, err)
						case err != nil && (c.op != "CreateEventTracker" || !strings.Contains(err.Error(), "ResourceNotFoundException")):
							// The event tracker's group does not exist: AWS's
							// answer, which only a call sent gets.
							t.Errorf("%s %s: a clean call failed: %v", c.op, id, err)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, e := range []*env{e1, e2} {
		for _, c := range canaries {
			red27NoValue(t, e, nil, c)
		}
	}
}

// TestRed27PooledLocationsAfterEveryEnd: reset clears the state's S3
// locations, dataset and reports only when its test finds one set
// (f320869). A first import of the scene's location ends each way a call
// can (it passes; a hook after the guard's checks panics; it cancels the
// context; the gate refuses its body; report-only mode reports a value in
// it), and its pooled state goes to the next call on the same goroutine:
// an import of another object whose location a hook after the checks sets
// to the first call's. Had the state kept the first call's locations, the
// gate would take that location as checked in this call; it is refused as
// changed after the check, nothing sent, the value of the first call
// nowhere.
func TestRed27PooledLocationsAfterEveryEnd(t *testing.T) {
	const canary = "r27.first@example.com"
	tests := []struct {
		name       string
		reportOnly bool
		first      func(e *env, ctx context.Context, cancel func()) []func(*sdk.Options)
	}{
		{"a pass", false, func(*env, context.Context, func()) []func(*sdk.Options) { return nil }},
		{"a panic after the checks", false, func(*env, context.Context, func()) []func(*sdk.Options) {
			return []func(*sdk.Options){hookAfterInitialize(func(context.Context) { panic("r27") })}
		}},
		{"a cancel after the checks", false, func(_ *env, _ context.Context, cancel func()) []func(*sdk.Options) {
			return []func(*sdk.Options){hookAfterInitialize(func(context.Context) { cancel() })}
		}},
		{"the gate's refusal", false, func(e *env, _ context.Context, _ func()) []func(*sdk.Options) {
			return []func(*sdk.Options){func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, `"jobName":"`, `"jobName":"`+canary))
			}}
		}},
		{"report-only mode's report", true, func(e *env, _ context.Context, _ func()) []func(*sdk.Options) {
			return []func(*sdk.Options){func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, `"jobName":"`, `"jobName":"`+canary))
			}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: tt.reportOnly}, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
			other := "s3://" + e.scene.Bucket + "/r27/interactions.csv"
			e.putEncrypted(t, "r27/interactions.csv", personalizetest.InteractionsCSV)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			_ = callNoPanic(func() error {
				return red26bImport(e, ctx, "first", "", e.scene.DataLocation, tt.first(e, ctx, cancel)...)
			})
			e.srv.ResetRequests()
			first := e.scene.DataLocation
			err := callNoPanic(func() error {
				return red26bImport(e, t.Context(), "second", "", other, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
						return s.Serialize.Add(middleware.SerializeMiddlewareFunc("Test:red27Swap", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
							middleware.SerializeOutput, middleware.Metadata, error,
						) {
							in.Parameters.(*sdk.CreateDatasetImportJobInput).DataSource.DataLocation = aws.String(first)
							return next.HandleSerialize(ctx, in)
						}), middleware.Before)
					})
				})
			})
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) {
				t.Fatalf("got %v, want a refusal", err)
			}
			if diff := cmp.Diff([]string{personalize.RuleRequestChanged, "DataSource.DataLocation"}, []string{sg.Rule, sg.Field}); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
			if calls := e.personalizeCalls(); len(calls) != 0 {
				t.Errorf("sent %v, want nothing", calls)
			}
			red27NoValue(t, e, err, "r27.first")
		})
	}
}

// TestRed27ReportOnlySchemaAcrossCalls: the Initialize check keeps the
// schema it read in the pooled state, in report-only mode the one it
// found a value in too, and the wire gate takes a body's schema equal to
// it as checked; reset clears it only when its test finds it set
// (f320869). A report-only call with a value in its schema, then on the
// same goroutine a clean schema's call whose schema a hook after the
// checks sets to the first call's: the second call's audit event must
// report the value, and neither the events nor an error name it. (The
// second call's own Initialize check writes the state's schema over
// whatever a reset left: this holds the outcome, it cannot tell a reset
// that kept the schema from one that did not.)
func TestRed27ReportOnlySchemaAcrossCalls(t *testing.T) {
	const canary = "r27.schema@example.com"
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: true})
	schema := func(doc string) string {
		return `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"ITEM_ID","type":"string","doc":"` + doc + `"}],"version":"1.0"}`
	}
	valued := schema(canary)
	if _, err := e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("r27-first"), Schema: aws.String(valued)}); err != nil {
		t.Fatalf("first call: %v", err)
	}
	_, err := e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("r27-second"), Schema: aws.String(schema("plain"))}, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Serialize.Add(middleware.SerializeMiddlewareFunc("Test:red27Schema", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
				middleware.SerializeOutput, middleware.Metadata, error,
			) {
				in.Parameters.(*sdk.CreateSchemaInput).Schema = aws.String(valued)
				return next.HandleSerialize(ctx, in)
			}), middleware.Before)
		})
	})
	if err != nil {
		t.Fatalf("second call: %v", err)
	}
	var got [][]string
	for _, ev := range parseAudit(t, e.auditLog()) {
		var rules []string
		for _, r := range ev.ReportOnly {
			rule, _, _ := strings.Cut(r, " ")
			rules = append(rules, rule)
		}
		got = append(got, rules)
	}
	if diff := cmp.Diff([][]string{{"sensitive.email"}, {"sensitive.email"}}, got); diff != "" {
		t.Errorf("reports of the two calls' audit events (-want +got):\n%s", diff)
	}
	if strings.Contains(e.auditLog(), "r27.schema") {
		t.Error("the audit log carries the value")
	}
}

// TestRed27WarmStepRemoved: callState.Ran answers the everyday call in a
// few comparisons (982ea24): the state's guard is the gate's, every stage
// of its operation ran, under the gate's name. On a warm client, a
// per-call option removes one of CreateDatasetGroup's Initialize steps:
// each call is refused as a bypass, nothing sent. With the content step
// removed, the Name carries a value, which is nowhere.
func TestRed27WarmStepRemoved(t *testing.T) {
	const canary = "r27.step"
	for _, id := range []string{personalize.IDAudit, personalize.IDFieldContent, personalize.IDKMSKey, personalize.IDCallerIdentity, personalize.IDKeyReadiness} {
		t.Run(id, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			red27Warm(t, e)
			name := "r27-step"
			if id == personalize.IDFieldContent {
				name = canary + "@example.com"
			}
			err := callNoPanic(func() error {
				_, err := e.client.CreateDatasetGroup(t.Context(), &sdk.CreateDatasetGroupInput{Name: aws.String(name)}, func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
						_, err := s.Initialize.Remove(id)
						return err
					})
				})
				return err
			})
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) {
				t.Fatalf("got %v, want a refusal", err)
			}
			if sg.Rule != personalize.RuleBypassed {
				t.Errorf("rule %q, want %q", sg.Rule, personalize.RuleBypassed)
			}
			if calls := e.personalizeCalls(); len(calls) != 0 {
				t.Errorf("sent %v, want nothing", calls)
			}
			red27NoValue(t, e, err, canary)
		})
	}
}
