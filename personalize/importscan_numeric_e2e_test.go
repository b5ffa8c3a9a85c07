package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// usersNumericSchema is a Users schema whose SSN is a number, as a data
// frame exports an integer column with gaps.
const usersNumericSchema = `{"type":"record","name":"Users","namespace":"com.amazonaws.personalize.schema","fields":[` +
	`{"name":"USER_ID","type":"string"},{"name":"SSN","type":["null","double"]}],"version":"1.0"}`

// TestImportScanNumericColumn: the import scan judges a numeric field's
// cell as the number Personalize stores, end to end: an SSN written as
// 123456789.0 or 1.23456789e8 in a double column refuses the import before
// it is sent, naming the rule and the location, never the value (review of
// the import scan: both were sent); a price-like value goes through.
func TestImportScanNumericColumn(t *testing.T) {
	for _, tt := range []struct {
		name, cell string
		refused    bool
	}{
		{"an SSN as a double", "123456789.0", true},
		{"an SSN in exponent form", "1.23456789e8", true},
		{"a small number", "12.5", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, _, _ := newScanEnv(t, personalize.Policy{})
			ctx := context.Background()
			schema, err := e.client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String("movies-users"), Schema: aws.String(usersNumericSchema)})
			if err != nil {
				t.Fatal(err)
			}
			ds, err := e.client.CreateDataset(ctx, &sdk.CreateDatasetInput{Name: aws.String("movies-users"), DatasetType: aws.String("Users"),
				DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"), SchemaArn: schema.SchemaArn})
			if err != nil {
				t.Fatal(err)
			}
			waitActiveDataset(t, e.client, aws.ToString(ds.DatasetArn))
			e.putEncrypted(t, "users/users.csv", "USER_ID,SSN\nuser-1,"+tt.cell+"\nuser-2,\n")
			e.srv.ResetRequests()

			in := importInput(e, "import-users")
			in.DatasetArn = ds.DatasetArn
			in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/users/users.csv")
			_, err = e.client.CreateDatasetImportJob(ctx, in)
			if !tt.refused {
				if err != nil {
					t.Fatalf("import = %v, want it sent", err)
				}
				return
			}
			e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleImportScanPrefix+"column.ssn", tt.cell, "123456789")
		})
	}
}
