package audit

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// FuzzCheckNames: whatever a resource's name and tags hold, no finding
// repeats an identifying value the detector finds in them.
func FuzzCheckNames(f *testing.F) {
	for _, s := range []string{"cust4111111111111111", "jane.doe@example.com", "plain", "ssn 123-45-6789", "+44 20 7946 0958", ""} {
		f.Add(s, s)
	}
	det := sensitive.Default()
	f.Fuzz(func(t *testing.T, name, tag string) {
		a := &auditor{det: det}
		inv := &inventory{resources: []*resource{{kind: kindDatasetGroup, name: name,
			arn:  "arn:aws:personalize:us-east-1:111122223333:dataset-group/" + name,
			tags: []ptypes.Tag{{TagKey: aws.String(tag), TagValue: aws.String(tag)}}}}}
		a.checkNames(inv)
		var values []string
		for _, s := range []string{name, tag} {
			for _, fd := range det.Find(s) {
				values = append(values, s[fd.Start:fd.End])
			}
		}
		for _, fd := range a.findings {
			if err := fd.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, v := range values {
				if strings.Contains(fd.Resource, v) || strings.Contains(fd.Message, v) {
					t.Fatalf("finding %s repeats an identifying value", fd.ID)
				}
			}
		}
		if (len(det.Find(name)) > 0) != containsID(a, FindingNameIdentifying) {
			t.Fatalf("name finding present = %v, detector found = %v", containsID(a, FindingNameIdentifying), len(det.Find(name)) > 0)
		}
	})
}

func containsID(a *auditor, id string) bool {
	for _, f := range a.findings {
		if f.ID == id {
			return true
		}
	}
	return false
}

// FuzzARNParts: the ARN readers never panic and return parts of their input.
func FuzzARNParts(f *testing.F) {
	for _, s := range []string{"arn:aws:personalize:us-east-1:111122223333:dataset/g/INTERACTIONS",
		"arn:aws:iam::111122223333:role/service-role/P", ":role/", ":dataset//", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if g := groupOfDataset(s); g != "" && !strings.Contains(g, ":dataset-group/") {
			t.Fatalf("groupOfDataset(%q) = %q", s, g)
		}
		if r := roleName(s); !strings.Contains(s, r) || strings.Contains(r, "/") {
			t.Fatalf("roleName(%q) = %q", s, r)
		}
	})
}

// FuzzRoleDocuments: any trust or permissions policy IAM could hold is
// judged without a panic, and a document that does not parse is a finding.
func FuzzRoleDocuments(f *testing.F) {
	f.Add(goodTrust, goodPolicy("b", "arn:aws:kms:us-east-1:111122223333:key/k"))
	f.Add(`{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"NotAction":"s3:*","NotResource":"*"}}`, `{"Statement":[]}`)
	f.Add("%7B", "{")
	u := Usage{Partition: "aws", Region: "us-east-1", AccountID: "111122223333", Keys: []string{"arn:aws:kms:us-east-1:111122223333:key/k"}}
	f.Fuzz(func(t *testing.T, trust, policy string) {
		a := &auditor{det: sensitive.Default()}
		const role = "arn:aws:iam::111122223333:role/P"
		if d, err := decodeDocument(trust); err == nil {
			a.checkTrust(role, u, d)
		}
		var docs []*iampolicy.Document
		if d, err := decodeDocument(policy); err == nil {
			docs = append(docs, d)
		}
		a.checkPermissions(role, u, docs, true)
		for _, fd := range a.findings {
			if err := fd.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
