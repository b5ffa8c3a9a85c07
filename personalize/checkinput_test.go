package personalize

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	kmscheck "github.com/personalizeguard/personalizeguard/kms"
)

// checkInputReference is the key check's input as checkKey built it before
// the aws:SourceArn prefix of the configured key and role was joined once
// per guard: the differential test holds checkInput to it.
func checkInputReference(g *Guard, u keyUse, resource string) kmscheck.CheckInput {
	in := kmscheck.CheckInput{KeyARN: u.key, RoleARN: u.role, Region: g.s.region, Exports: u.exports}
	k, err := g.s.key, error(nil)
	if u.key != g.s.KMSKeyARN || u.key == "" {
		k, err = kmscheck.ParseKeyARN(u.key)
	}
	if err == nil {
		in.AccountID = k.AccountID
		acct, ok := g.s.roleAccount, g.s.roleAccount != ""
		if u.role != g.s.RoleARN || !ok {
			acct, ok = awsarn.RoleAccount(u.role)
		}
		if ok {
			in.AccountID = acct
		}
		if resource != "" && !strings.HasSuffix(resource, "/") {
			in.SourceARN = "arn:" + k.Partition + ":personalize:" + g.s.region + ":" + in.AccountID + ":" + resource
		}
	}
	return in
}

// TestCheckInputDifferential builds the key check's input for every mix of
// configured and other keys, roles and resources, with and without a
// configured key, with and without the source an import's dataset
// description joined once, and compares it with the reference.
func TestCheckInputDifferential(t *testing.T) {
	const (
		otherKey     = "arn:aws:kms:us-east-1:444455556666:key/abcd1234-12ab-34cd-56ef-1234567890ab"
		otherPartKey = "arn:aws-cn:kms:us-east-1:444455556666:key/abcd1234-12ab-34cd-56ef-1234567890ab"
		otherRole    = "arn:aws:iam::777788889999:role/Other"
	)
	guards := map[string]*Guard{
		"configured key": testGuard(t, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN, AllowedKMSKeyARNs: []string{otherKey}}),
		"no key":         testGuard(t, Policy{InsecureAllowUnencryptedDatasetGroups: true}),
	}
	resources := []struct{ kind, name, joined string }{
		{"", "", ""},
		{"dataset-group", "movies", "dataset-group/movies"},
		{"dataset-group", "movies/", "dataset-group/movies/"},
		{"batch-inference-job", "job-1", "batch-inference-job/job-1"},
		{"dataset", "movies", "dataset/movies"}, // a kind that is a prefix of the group's
		{groupKind, "x", "dataset-group/x"},
		{"", "orphan", "/orphan"},
	}
	n := 0
	for gname, g := range guards {
		for _, key := range []string{testKeyARN, otherKey, otherPartKey, "", "not-an-arn"} {
			for _, role := range []string{testRoleARN, otherRole, "", "not-a-role"} {
				for _, r := range resources {
					for _, exports := range []bool{false, true} {
						// With the source an import's key use takes from its
						// dataset's description (datasetInfo.groupSource), and
						// without, as every other key use.
						for _, described := range []bool{false, true} {
							u := keyUse{field: "KmsKeyArn", key: key, role: role, resKind: r.kind, resName: r.name, exports: exports}
							if described {
								u.source = g.s.groupSourceOf(r.kind, r.name)
							}
							want := checkInputReference(g, u, r.joined)
							if diff := cmp.Diff(want, g.checkInput(&u)); diff != "" {
								t.Errorf("%s, key %q, role %q, resource %q, described %v: (-want +got)\n%s", gname, key, role, r.joined, described, diff)
							}
							n++
						}
					}
				}
			}
		}
	}
	if got := guards["configured key"].checkInput(&keyUse{key: testKeyARN, role: testRoleARN, resKind: "dataset-group", resName: "movies"}).SourceARN; got != "arn:aws:personalize:"+testRegion+":"+testAccount+":dataset-group/movies" {
		t.Errorf("SourceARN = %q", got)
	}
	t.Logf("%d inputs compared", n)
}
