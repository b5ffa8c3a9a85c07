package securetransport

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// gateOutcome is what a client's checks see of one call through the gate.
type gateOutcome struct {
	Err, Signer, Body string
	Violations        []string
}

// reportingChecks record what the gate gave them and, in report-only
// mode, let the call go on past the text's check, to the Region's.
type reportingChecks struct {
	reportOnly bool
	out        gateOutcome
}

func (c *reportingChecks) Ran(context.Context, string) error { return nil }
func (c *reportingChecks) Violation(_ context.Context, err *guarderr.SafeguardError) error {
	c.out.Violations = append(c.out.Violations, err.Error())
	if c.reportOnly {
		return nil
	}
	return err
}
func (c *reportingChecks) CheckBody(_ context.Context, _, body string) error {
	c.out.Body = body
	return nil
}
func (c *reportingChecks) CheckSigner(_ context.Context, _, id string) error {
	c.out.Signer = id
	return nil
}
func (c *reportingChecks) CheckSent(context.Context, string, *http.Request) error { return nil }

// TestGateAuthorizationMemo holds the gate's one read of the Authorization
// header through the memo of the last head found in its shape (its key ID
// and Region, and the signature alone checked) to the gate without it: a
// call through a memo warmed by the calls before gets what it gets
// through a new memo, which reads the header whole for each check, from
// the signer's key ID to the refusals, in report-only mode too. The
// values mix the SDK's with ones that share its head but not its
// signature's shape, heads for another Region or with a number in them,
// other schemes, two values, none; and at times more headers than a
// headerList holds.
func TestGateAuthorizationMemo(t *testing.T) {
	const (
		head      = "AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261129/us-east-1/personalize/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
		elsewhere = "AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261129/eu-west-1/personalize/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
		numbered  = "AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261129/4111-1111-1111-1111/personalize/aws4_request, SignedHeaders=host, Signature="
		cardID    = "AWS4-HMAC-SHA256 Credential=4111111111111111/20261129/us-east-1/personalize/aws4_request, SignedHeaders=host, Signature="
	)
	r := rand.New(rand.NewPCG(21, 9))
	sig := func() string {
		var b strings.Builder
		for range 64 {
			b.WriteByte("0123456789abcdef"[r.IntN(16)])
		}
		return b.String()
	}
	values := func() []string {
		switch r.IntN(14) {
		case 0:
			return nil
		case 1:
			return []string{head + sig(), head + sig()}
		case 2:
			return []string{head + strings.ToUpper(sig())}
		case 3:
			return []string{head + sig()[:63]}
		case 4:
			return []string{head + sig() + "0"}
		case 5:
			return []string{head + "jane.doe@example.com" + sig()[20:]}
		case 6:
			return []string{elsewhere + sig()}
		case 7:
			return []string{numbered + sig()}
		case 8:
			return []string{cardID + sig()}
		case 9:
			return []string{"Bearer jane.doe@example.com"}
		case 10:
			return []string{head + sig()[:60] + "\xff\xff\xff\xff"}
		default: // the SDK's
			return []string{head + sig()}
		}
	}
	det := sensitive.Default()
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	var warm CleanTexts
	known, outcomes := 0, map[string]int{}
	for i := range 4000 {
		auth := values()
		extra := []int{0, 0, 0, maxListedHeaders}[r.IntN(4)]
		reportOnly := r.IntN(2) == 0
		call := func(clean *CleanTexts) gateOutcome {
			req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
			req.Method = http.MethodPost
			req.URL, _ = url.Parse("https://personalize-runtime.us-east-1.amazonaws.com/recommendations")
			req.Header.Set("X-Amz-Date", "20261129T233136Z")
			if auth != nil {
				req.Header["Authorization"] = append([]string(nil), auth...)
			}
			for j := range extra {
				req.Header.Set(fmt.Sprintf("X-Extra-%d", j), "v")
			}
			var err error
			if req, err = req.SetStream(bytes.NewReader([]byte(`{"userId":"u-1"}`))); err != nil {
				t.Fatal(err)
			}
			c := &reportingChecks{reportOnly: reportOnly}
			_, _, err = Gate(ctx, middleware.DeserializeInput{Request: req}, c, "us-east-1", TLSClient{Min: tls.VersionTLS12, Next: answerAtOnce{}}, det, clean)
			c.out.Err = fmt.Sprint(err)
			return c.out
		}
		if len(auth) == 1 && warm.knownScope(auth[0]) != nil {
			known++
		}
		want := call(&CleanTexts{})
		if diff := cmp.Diff(want, call(&warm)); diff != "" {
			t.Fatalf("call %d (Authorization %q, report-only %v, %d more headers) (-new memo +warm memo):\n%s", i, auth, reportOnly, extra, diff)
		}
		outcomes[want.Err]++
	}
	// Each kind of answer, often: the memo's answers among them.
	if known < 1000 || outcomes["<nil>"] < 500 || len(outcomes) < 3 {
		t.Fatalf("%d calls through the memo, outcomes %v: the test proves little", known, outcomes)
	}
}

// TestLastSlotOf: the text check's comparison before headerDirty's call
// reads each kind's value in the place headerDirty compares it with (the
// one cleanAt keeps for the scanned SDK headers, the date's, the retry
// header's), and for no other kind.
func TestLastSlotOf(t *testing.T) {
	want := map[headerKind]uint8{
		hdrContentType:  uint8(lastSlot(hdrContentType)),
		hdrUserAgent:    uint8(lastSlot(hdrUserAgent)),
		hdrAmzUserAgent: uint8(lastSlot(hdrAmzUserAgent)),
		hdrAmzTarget:    uint8(lastSlot(hdrAmzTarget)),
		hdrAmzDate:      lastAmzDate,
		hdrSDKRequest:   lastSDKRequest,
	}
	got := map[headerKind]uint8{}
	for k, slot := range lastSlotOf {
		if slot != 0 {
			got[headerKind(k)] = slot
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lastSlotOf (-want +got):\n%s", diff)
	}
	seen := map[uint8]bool{}
	for _, slot := range got {
		if seen[slot] || int(slot) >= numLastSlots {
			t.Errorf("slot %d given twice or out of CleanTexts.last", slot)
		}
		seen[slot] = true
	}
}
