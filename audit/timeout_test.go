package audit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// hang is a call that is never answered: it returns when its context ends.
func hang[O any](ctx context.Context) (O, error) {
	<-ctx.Done()
	var zero O
	return zero, ctx.Err()
}

type hungSTS struct{ STSAPI }

func (hungSTS) GetCallerIdentity(ctx context.Context, _ *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return hang[*sts.GetCallerIdentityOutput](ctx)
}

type hungIAM struct{ IAMAPI }

func (hungIAM) GetRole(ctx context.Context, _ *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return hang[*iam.GetRoleOutput](ctx)
}

type hungCloudTrail struct{ CloudTrailAPI }

func (hungCloudTrail) DescribeTrails(ctx context.Context, _ *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	return hang[*cloudtrail.DescribeTrailsOutput](ctx)
}

type hungMacie struct{ MacieAPI }

func (hungMacie) GetMacieSession(ctx context.Context, _ *macie2.GetMacieSessionInput, _ ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error) {
	return hang[*macie2.GetMacieSessionOutput](ctx)
}

type hungPersonalize struct{ PersonalizeAPI }

func (hungPersonalize) ListDatasetImportJobs(ctx context.Context, _ *personalize.ListDatasetImportJobsInput, _ ...func(*personalize.Options)) (*personalize.ListDatasetImportJobsOutput, error) {
	return hang[*personalize.ListDatasetImportJobsOutput](ctx)
}

// TestTimeoutHungRead (review, medium): the STS, IAM, CloudTrail, Macie and
// Personalize reads carried only the caller's context; with no deadline on
// it, one call never answered held Run for ever. Each now ends at
// Options.Timeout as FindingReadFailed, "timed out", naming the permission.
func TestTimeoutHungRead(t *testing.T) {
	a := newAccount(t)
	tests := []struct {
		name       string
		hang       func(c *Clients)
		permission string
	}{
		{"STS", func(c *Clients) { c.STS = hungSTS{c.STS} }, "sts:GetCallerIdentity"},
		{"IAM", func(c *Clients) { c.IAM = hungIAM{c.IAM} }, "iam:GetRole"},
		{"CloudTrail", func(c *Clients) { c.CloudTrail = hungCloudTrail{c.CloudTrail} }, "cloudtrail:DescribeTrails"},
		{"Macie", func(c *Clients) { c.Macie = hungMacie{c.Macie} }, "macie2:GetMacieSession"},
		{"Personalize", func(c *Clients) { c.Personalize = hungPersonalize{c.Personalize} }, "personalize:ListDatasetImportJobs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := a.clients
			tt.hang(&c)
			type outcome struct {
				Err      error
				TimedOut []string // the permissions of the read-failed findings that say so
			}
			done := make(chan outcome, 1)
			go func() {
				res, err := Run(context.Background(), c, func(o *Options) { o.Region, o.Timeout = personalizetest.Region, 200*time.Millisecond })
				var got outcome
				got.Err = err
				if res != nil {
					for _, f := range res.Report.Findings {
						if f.ID == FindingReadFailed && strings.Contains(f.Message, "timed out") {
							got.TimedOut = append(got.TimedOut, strings.Fields(strings.TrimPrefix(f.Message, "The audit could not call "))[0])
						}
					}
				}
				done <- got
			}()
			select {
			case got := <-done:
				if diff := cmp.Diff(outcome{TimedOut: []string{tt.permission}}, got, cmp.Comparer(func(x, y error) bool { return x == y })); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Run has not returned 20 s after a read stopped answering")
			}
		})
	}
}

// TestTimeoutReadUsage: ReadUsage, which policy role uses, fails as
// incomplete on a hung Personalize read instead of waiting for ever.
func TestTimeoutReadUsage(t *testing.T) {
	a := newAccount(t)
	c := a.clients
	c.Personalize = hungPersonalize{c.Personalize}
	done := make(chan error, 1)
	go func() {
		_, err := ReadUsage(context.Background(), c, func(o *Options) { o.Region, o.Timeout = personalizetest.Region, 200*time.Millisecond })
		done <- err
	}()
	select {
	case err := <-done:
		var ie *IncompleteError
		if !errors.As(err, &ie) {
			t.Errorf("ReadUsage() error = %v, want an *IncompleteError", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("ReadUsage has not returned 20 s after a read stopped answering")
	}
}

func TestTimeoutNegative(t *testing.T) {
	a := newAccount(t)
	_, err := Run(context.Background(), a.clients, func(o *Options) { o.Region, o.Timeout = personalizetest.Region, -time.Second })
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.Field != "Options.Timeout" {
		t.Errorf("Run() error = %v, want an *ArgumentError on Options.Timeout", err)
	}
}
