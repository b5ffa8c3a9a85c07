package personalizetest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// TestSeedSceneDirty: the dirty scene uploads its objects, encrypted with
// the scene's key, and datascan finds in each exactly what its doc promises;
// the clean objects have no blocking finding.
func TestSeedSceneDirty(t *testing.T) {
	srv := personalizetest.New(t)
	ctx := context.Background()
	scene, err := srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Dirty = true })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, location, schema string
		want                   []string // blocking finding IDs
	}{
		{"clean interactions", scene.DataLocation, personalizetest.InteractionsSchema, nil},
		{"e-mails as USER_ID", scene.DirtyDataLocation, personalizetest.InteractionsSchema, []string{"datascan.identifier.email"}},
		{"cards in DESCRIPTION", scene.DirtyItemsLocation, personalizetest.ItemsSchema, []string{"datascan.column.credit-card"}},
	}
	s3c := s3.NewFromConfig(srv.Config())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := s3guard.ParseLocation(tt.location)
			if err != nil {
				t.Fatalf("ParseLocation(%q): %v", tt.location, err)
			}
			obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Body.Close()
			if obj.ServerSideEncryption != "aws:kms" || aws.ToString(obj.SSEKMSKeyId) != scene.KeyARN {
				t.Errorf("%s is encrypted with %q %q, want aws:kms with the scene's key", tt.location, obj.ServerSideEncryption, aws.ToString(obj.SSEKMSKeyId))
			}
			schema, err := datascan.ParseSchema([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := datascan.Scan(ctx, obj.Body, func(o *datascan.Options) { o.Schema = schema })
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range rep.Posture().Blocking(posture.Medium) {
				got = append(got, f.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("blocking findings of %s mismatch (-want +got):\n%s", tt.location, diff)
			}
		})
	}
	if scene.DirtyDataLocation == "" || !strings.HasPrefix(scene.DirtyItemsLocation, "s3://"+scene.Bucket+"/") {
		t.Errorf("dirty locations %q, %q: want both in the scene's bucket", scene.DirtyDataLocation, scene.DirtyItemsLocation)
	}
}
