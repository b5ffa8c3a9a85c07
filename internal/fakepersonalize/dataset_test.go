package fakepersonalize_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

const itemsSchema = `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"ITEM_ID","type":"string"},{"name":"GENRE","type":["null","string"],"categorical":true}],"version":"1.0"}`

func TestCreateSchema(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		reason  string
		in      personalize.CreateSchemaInput
		wantErr string
	}{
		{reason: "interactions", in: personalize.CreateSchemaInput{Name: aws.String("interactions"), Schema: aws.String(personalizetest.InteractionsSchema)}},
		{reason: "domain schema", in: personalize.CreateSchemaInput{Name: aws.String("shop-items"), Schema: aws.String(itemsSchema), Domain: types.DomainEcommerce}},
		{reason: "not JSON", in: personalize.CreateSchemaInput{Name: aws.String("bad1"), Schema: aws.String("USER_ID,ITEM_ID")}, wantErr: "InvalidInputException"},
		{reason: "not a record", in: personalize.CreateSchemaInput{Name: aws.String("bad2"), Schema: aws.String(`{"type":"string","name":"x"}`)}, wantErr: "InvalidInputException"},
		{reason: "no fields", in: personalize.CreateSchemaInput{Name: aws.String("bad3"), Schema: aws.String(`{"type":"record","name":"x","fields":[]}`)}, wantErr: "InvalidInputException"},
		{reason: "field twice", in: personalize.CreateSchemaInput{Name: aws.String("bad4"), Schema: aws.String(`{"type":"record","name":"x","fields":[{"name":"A","type":"string"},{"name":"A","type":"long"}]}`)}, wantErr: "InvalidInputException"},
		{reason: "too long", in: personalize.CreateSchemaInput{Name: aws.String("bad5"), Schema: aws.String(strings.Repeat(" ", 10001))}, wantErr: "InvalidInputException"},
		{reason: "bad name", in: personalize.CreateSchemaInput{Name: aws.String("a b"), Schema: aws.String(personalizetest.InteractionsSchema)}, wantErr: "InvalidInputException"},
		{reason: "duplicate", in: personalize.CreateSchemaInput{Name: aws.String("interactions"), Schema: aws.String(personalizetest.InteractionsSchema)}, wantErr: "ResourceAlreadyExistsException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			out, err := f.c.CreateSchema(f.ctx, &tt.in)
			if tt.wantErr != "" {
				checkErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("CreateSchema() = %v", err)
			}
			if want := "arn:aws:personalize:us-east-1:111122223333:schema/" + *tt.in.Name; aws.ToString(out.SchemaArn) != want {
				t.Errorf("SchemaArn = %s, want %s", aws.ToString(out.SchemaArn), want)
			}
		})
	}
}

func TestDescribeListDeleteSchema(t *testing.T) {
	f := newFixture(t)
	arn := f.schema("items", itemsSchema)
	f.schema("interactions", personalizetest.InteractionsSchema)
	d, err := f.c.DescribeSchema(f.ctx, &personalize.DescribeSchemaInput{SchemaArn: &arn})
	if err != nil {
		t.Fatalf("DescribeSchema() = %v", err)
	}
	if aws.ToString(d.Schema.Schema) != itemsSchema || aws.ToString(d.Schema.Name) != "items" || d.Schema.CreationDateTime == nil {
		t.Errorf("DescribeSchema() = %+v, want the stored schema", d.Schema)
	}
	var names []string
	p := personalize.NewListSchemasPaginator(f.c, &personalize.ListSchemasInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(f.ctx)
		if err != nil {
			t.Fatalf("ListSchemas() = %v", err)
		}
		for _, sc := range page.Schemas {
			names = append(names, aws.ToString(sc.Name))
		}
	}
	if diff := cmp.Diff([]string{"items", "interactions"}, names); diff != "" {
		t.Errorf("ListSchemas mismatch (-want +got):\n%s", diff)
	}

	group := f.datasetGroup("g")
	used := f.schema("used", personalizetest.InteractionsSchema)
	if _, err := f.c.CreateDataset(f.ctx, &personalize.CreateDatasetInput{Name: aws.String("d"), DatasetGroupArn: &group, DatasetType: aws.String("Interactions"), SchemaArn: &used}); err != nil {
		t.Fatal(err)
	}
	_, err = f.c.DeleteSchema(f.ctx, &personalize.DeleteSchemaInput{SchemaArn: &used})
	checkErr(t, err, "ResourceInUseException")
	if _, err := f.c.DeleteSchema(f.ctx, &personalize.DeleteSchemaInput{SchemaArn: &arn}); err != nil {
		t.Fatalf("DeleteSchema() = %v", err)
	}
	_, err = f.c.DescribeSchema(f.ctx, &personalize.DescribeSchemaInput{SchemaArn: &arn})
	checkErr(t, err, "ResourceNotFoundException")
	_, err = f.c.DeleteSchema(f.ctx, &personalize.DeleteSchemaInput{SchemaArn: &arn})
	checkErr(t, err, "ResourceNotFoundException")
}

func TestCreateDataset(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	pendingGroup, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("pending")})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("shop"), Domain: types.DomainEcommerce})
	if err != nil {
		t.Fatal(err)
	}
	f.mustActive("shop", f.describeGroup(shop.DatasetGroupArn))
	interactions := f.schema("interactions", personalizetest.InteractionsSchema)
	items := f.schema("items", itemsSchema)
	missing := "arn:aws:personalize:us-east-1:111122223333:schema/none"
	in := func(name, typ string, group *string, schema string) *personalize.CreateDatasetInput {
		return &personalize.CreateDatasetInput{Name: &name, DatasetType: &typ, DatasetGroupArn: group, SchemaArn: &schema}
	}
	tests := []struct {
		reason  string
		in      *personalize.CreateDatasetInput
		wantArn string
		wantErr string
	}{
		{reason: "interactions", in: in("events", "Interactions", &group, interactions), wantArn: "dataset/group/INTERACTIONS"},
		{reason: "items, type in upper case", in: in("catalog", "ITEMS", &group, items), wantArn: "dataset/group/ITEMS"},
		{reason: "second interactions dataset", in: in("events2", "Interactions", &group, interactions), wantErr: "ResourceAlreadyExistsException"},
		{reason: "schema lacks required fields", in: in("users", "Users", &group, items), wantErr: "InvalidInputException"},
		{reason: "unknown type", in: in("x", "Clicks", &group, items), wantErr: "InvalidInputException"},
		{reason: "group not active", in: in("p", "Interactions", pendingGroup.DatasetGroupArn, interactions), wantErr: "ResourceInUseException"},
		{reason: "unknown group", in: in("u", "Interactions", aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/none"), interactions), wantErr: "ResourceNotFoundException"},
		{reason: "unknown schema", in: in("s", "Interactions", &group, missing), wantErr: "ResourceNotFoundException"},
		{reason: "domain mismatch", in: in("m", "Interactions", shop.DatasetGroupArn, interactions), wantErr: "InvalidInputException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			out, err := f.c.CreateDataset(f.ctx, tt.in)
			if tt.wantErr != "" {
				checkErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("CreateDataset() = %v", err)
			}
			if want := "arn:aws:personalize:us-east-1:111122223333:" + tt.wantArn; aws.ToString(out.DatasetArn) != want {
				t.Errorf("DatasetArn = %s, want %s", aws.ToString(out.DatasetArn), want)
			}
		})
	}
}

func TestDescribeListDeleteDataset(t *testing.T) {
	f := newFixture(t)
	g1, g2 := f.datasetGroup("one"), f.datasetGroup("two")
	schema := f.schema("interactions", personalizetest.InteractionsSchema)
	out, err := f.c.CreateDataset(f.ctx, &personalize.CreateDatasetInput{Name: aws.String("events"), DatasetGroupArn: &g1, DatasetType: aws.String("Interactions"), SchemaArn: &schema})
	if err != nil {
		t.Fatal(err)
	}
	f.interactions(g2, "other")
	var statuses []string
	var last *types.Dataset
	for range 2 {
		d, err := f.c.DescribeDataset(f.ctx, &personalize.DescribeDatasetInput{DatasetArn: out.DatasetArn})
		if err != nil {
			t.Fatalf("DescribeDataset() = %v", err)
		}
		statuses = append(statuses, aws.ToString(d.Dataset.Status))
		last = d.Dataset
	}
	if diff := cmp.Diff([]string{"CREATE IN_PROGRESS", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	got := []string{aws.ToString(last.Name), aws.ToString(last.DatasetGroupArn), aws.ToString(last.DatasetType), aws.ToString(last.SchemaArn)}
	if diff := cmp.Diff([]string{"events", g1, "Interactions", schema}, got); diff != "" {
		t.Errorf("DescribeDataset mismatch (-want +got):\n%s", diff)
	}

	list, err := f.c.ListDatasets(f.ctx, &personalize.ListDatasetsInput{DatasetGroupArn: &g1})
	if err != nil {
		t.Fatalf("ListDatasets() = %v", err)
	}
	if len(list.Datasets) != 1 || aws.ToString(list.Datasets[0].DatasetArn) != aws.ToString(out.DatasetArn) {
		t.Errorf("ListDatasets(group one) = %+v, want only its dataset", list.Datasets)
	}
	all, err := f.c.ListDatasets(f.ctx, &personalize.ListDatasetsInput{})
	if err != nil || len(all.Datasets) != 2 {
		t.Errorf("ListDatasets() = %d datasets, %v; want 2", len(all.Datasets), err)
	}

	if _, err := f.c.DeleteDataset(f.ctx, &personalize.DeleteDatasetInput{DatasetArn: out.DatasetArn}); err != nil {
		t.Fatalf("DeleteDataset() = %v", err)
	}
	_, err = f.c.DeleteDataset(f.ctx, &personalize.DeleteDatasetInput{DatasetArn: out.DatasetArn})
	checkErr(t, err, "ResourceInUseException")
	for range 2 {
		_, err = f.c.DescribeDataset(f.ctx, &personalize.DescribeDatasetInput{DatasetArn: out.DatasetArn})
	}
	checkErr(t, err, "ResourceNotFoundException")
	_, err = f.c.DeleteDataset(f.ctx, &personalize.DeleteDatasetInput{DatasetArn: out.DatasetArn})
	checkErr(t, err, "ResourceNotFoundException")
}
