package personalize_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed11ImportColumnNamedForItsValues: a Users dataset whose columns
// are named ACCOUNT_NUMBER and SSN holds bare digits, which the detector
// reads as account numbers or SSNs only after such a keyword; the import
// scan (package datascan) reads a keyword column's cells after its name
// (datascan's TestKeywordColumn), so the import is refused. It went out
// when each cell was read alone.
func TestRed11ImportColumnNamedForItsValues(t *testing.T) {
	e, _, _ := newScanEnv(t, personalize.Policy{})
	ctx := context.Background()
	const schema = `{"type":"record","name":"Users","namespace":"com.amazonaws.personalize.schema","fields":[` +
		`{"name":"USER_ID","type":"string"},{"name":"ACCOUNT_NUMBER","type":"string","categorical":true},` +
		`{"name":"SSN","type":"string","categorical":true}],"version":"1.0"}`
	sc, err := e.client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String("movies-users"), Schema: aws.String(schema)})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := e.client.CreateDataset(ctx, &sdk.CreateDatasetInput{Name: aws.String("movies-users"),
		DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"), DatasetType: aws.String("Users"), SchemaArn: sc.SchemaArn})
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, func() (string, error) {
		out, err := e.client.DescribeDataset(ctx, &sdk.DescribeDatasetInput{DatasetArn: ds.DatasetArn})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Dataset.Status), nil
	})
	e.putEncrypted(t, "users/data.csv", "USER_ID,ACCOUNT_NUMBER,SSN\nu1,912803456,123456789\nu2,912803457,123456780\n")
	e.srv.ResetRequests()
	in := importInput(e, "import-users")
	in.DatasetArn = ds.DatasetArn
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/users/data.csv")
	_, err = e.client.CreateDatasetImportJob(ctx, in)
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) {
		t.Fatalf("CreateDatasetImportJob of account numbers and SSNs = %v, want a refusal", err)
	}
	for _, op := range e.personalizeCalls() {
		if op == "CreateDatasetImportJob" {
			t.Errorf("the import was sent")
		}
	}
}
