package posture_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/personalizeguard/personalizeguard/posture"
)

// A report written as SARIF for a code-scanning dashboard. Findings name AWS
// resources, not files: each result carries the resource as a logical
// location, and points at a placeholder path under aws/ unless Artifact maps
// the resource to the file that declares it.
func ExampleReport_WriteSARIF() {
	r := posture.Report{Check: "s3.bucket", Resource: "data-bucket", Findings: []posture.Finding{
		{ID: "s3.acls-enabled", Severity: posture.Medium, Resource: "data-bucket",
			Message: "Bucket data-bucket has ACLs enabled.", Control: "Security Hub S3.12"},
		{ID: "s3.default-encryption-missing", Severity: posture.High, Resource: "data-bucket",
			Message: "Bucket data-bucket has no default encryption configuration."},
	}}
	var buf bytes.Buffer
	err := r.WriteSARIF(&buf, func(o *posture.SARIFOptions) {
		o.Artifact = func(resource string) (string, int) { return "infra/buckets.tf", 3 }
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	var log struct {
		Runs []struct {
			Results []struct {
				RuleID, Level string
				Locations     []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		fmt.Println(err)
		return
	}
	for _, res := range log.Runs[0].Results {
		p := res.Locations[0].PhysicalLocation
		fmt.Printf("%-7s %s %s:%d\n", res.Level, res.RuleID, p.ArtifactLocation.URI, p.Region.StartLine)
	}
	// Output:
	// error   s3.default-encryption-missing infra/buckets.tf:3
	// warning s3.acls-enabled infra/buckets.tf:3
}
