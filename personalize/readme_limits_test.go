package personalize_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestReadmeAccountIDTags checks README's Limits on account IDs in tags: a
// tag named like an account whose value is six or more digits is refused as
// an account number; the account of Policy.KMSKeyARN and Policy.RoleARN is
// allowed when Policy.Detector is nil; with a Detector, only its AllowList's
// exact values pass (the snippet README gives, verbatim).
func TestReadmeAccountIDTags(t *testing.T) {
	ctx := context.Background()
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	scene, err := srv.SeedScene(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const own = "111122223333" // the account of the scene's key and role
	if arn := scene.KeyARN; len(arn) < 40 || arn[len("arn:aws:kms:us-east-1:"):len("arn:aws:kms:us-east-1:")+12] != own {
		t.Fatalf("scene key %q is not in account %s", arn, own)
	}
	allow, err := sensitive.New(func(o *sensitive.Options) { o.AllowList = []string{"123456789012"} })
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		detector *sensitive.Detector
		key, val string
		wantRule string // "" when allowed
	}{
		{"default: own account allowed", nil, "AccountId", own, ""},
		{"default: other account refused", nil, "AccountId", "123456789012", "sensitive.account-number"},
		{"default: aws-account six digits", nil, "aws-account", "912803", "sensitive.account-number"},
		{"default: Account", nil, "Account", "9128034", "sensitive.account-number"},
		{"default: five digits pass", nil, "AccountId", "91280", ""},
		{"allow list: listed account allowed", allow, "AccountId", "123456789012", ""},
		{"allow list: other account refused", allow, "AccountId", "210987654321", "sensitive.account-number"},
		{"allow list: own account no longer implied", allow, "AccountId", own, "sensitive.account-number"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, err := personalize.New(srv.Config(), personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN, Detector: tc.detector})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{
				Name: aws.String("readme-tags-" + string(rune('a'+i))),
				Tags: []types.Tag{{TagKey: aws.String(tc.key), TagValue: aws.String(tc.val)}},
			})
			gotRule := ""
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				gotRule = sg.Rule
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if diff := cmp.Diff(tc.wantRule, gotRule); diff != "" {
				t.Errorf("rule (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadmeEndpointNotPinned checks README's Limits: the guard does not pin
// endpoints, so an https BaseEndpoint set per call (here a second emulator
// the client's TLS settings trust) receives the checked, signed request,
// while a per-call http:// one is refused before a byte is sent.
func TestReadmeEndpointNotPinned(t *testing.T) {
	ctx := context.Background()
	a := personalizetest.New(t)
	b := personalizetest.New(t)
	// One HTTP client trusting both emulators' CAs, as a real client trusts
	// every public CA.
	pool := a.CertPool()
	pool.AppendCertsFromPEM(b.CACertPEM())
	cfg := a.Config()
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	})
	client, err := personalize.New(cfg, personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	call := func(endpoint, name string) error {
		_, err := client.ListDatasetGroups(ctx, &awspersonalize.ListDatasetGroupsInput{NextToken: aws.String(name)},
			func(o *awspersonalize.Options) { o.BaseEndpoint = aws.String(endpoint) })
		return err
	}
	// The emulator refuses the made-up NextToken: that answer is the proof
	// the request got there. Only a guard refusal is wrong here.
	if err := call(b.URL(), "pinned-probe-b"); errors.As(err, new(*personalize.SafeguardError)) {
		t.Fatalf("per-call https endpoint refused: %v", err)
	}
	if !b.Seen("pinned-probe-b") || a.Seen("pinned-probe-b") {
		t.Errorf("per-call https endpoint: second server saw the request = %v, first = %v; want true, false", b.Seen("pinned-probe-b"), a.Seen("pinned-probe-b"))
	}
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the http endpoint received %s %s", r.Method, r.URL)
	}))
	defer plain.Close()
	err = call(plain.URL, "pinned-probe-plain")
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != "transport.https-only" {
		t.Errorf("per-call http endpoint: %v, want a refusal by transport.https-only", err)
	}
}
