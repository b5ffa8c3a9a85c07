package personalize_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed11KeywordInTagKey: a tag's key and value reach CloudTrail as one
// pair; an account number or a bare SSN is found only after its keyword,
// and here the keyword is the tag's key or a map's key.
func TestRed11KeywordInTagKey(t *testing.T) {
	const (
		account = "912803456"
		ssn     = "123456789"
	)
	tests := []struct {
		name   string
		call   func(*sdk.Client) error
		field  string
		rule   string
		secret string
	}{
		{"account number in a tag whose key is acct", func(c *sdk.Client) error {
			_, err := c.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("g1"),
				Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("acct"), TagValue: aws.String(account)}}})
			return err
		}, "Tags[1].TagValue", "sensitive.account-number", account},
		{"SSN in a TagResource tag whose key is ssn", func(c *sdk.Client) error {
			_, err := c.TagResource(context.Background(), &sdk.TagResourceInput{ResourceArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				Tags: []types.Tag{{TagKey: aws.String("ssn"), TagValue: aws.String(ssn)}}})
			return err
		}, "Tags[0].TagValue", "sensitive.ssn", ssn},
		{"account number in a tag a middleware put in after the guard's Initialize checks", func(c *sdk.Client) error {
			_, err := c.TagResource(context.Background(), &sdk.TagResourceInput{ResourceArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}}, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
					return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("red11:AddTag", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
						middleware.InitializeOutput, middleware.Metadata, error,
					) {
						cp := *in.Parameters.(*sdk.TagResourceInput)
						cp.Tags = []types.Tag{{TagKey: aws.String("acct"), TagValue: aws.String(account)}}
						in.Parameters = &cp
						return next.HandleInitialize(ctx, in)
					}), middleware.After)
				})
			})
			return err
		}, "Tags[0].TagValue", "sensitive.account-number", account},
		{"account number in a hyper-parameter named acct", func(c *sdk.Client) error {
			_, err := c.CreateSolution(context.Background(), &sdk.CreateSolutionInput{Name: aws.String("s1"),
				DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				SolutionConfig:  &types.SolutionConfig{AlgorithmHyperParameters: map[string]string{"hidden_dimension": "64", "acct": account}}})
			return err
		}, "SolutionConfig.AlgorithmHyperParameters", "sensitive.account-number", account},
		{"account number written as a JSON number for a tag's value, after signing", func(c *sdk.Client) error {
			_, err := c.TagResource(context.Background(), &sdk.TagResourceInput{ResourceArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				Tags: []types.Tag{{TagKey: aws.String("acct"), TagValue: aws.String("x")}}}, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, `"tagValue":"x"`, `"tagValue":`+account))
			})
			return err
		}, "Tags[0].TagValue", "sensitive.account-number", account},
		{"account number written as a JSON number for a hyper-parameter, after signing", func(c *sdk.Client) error {
			_, err := c.CreateSolution(context.Background(), &sdk.CreateSolutionInput{Name: aws.String("s1"),
				DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				SolutionConfig:  &types.SolutionConfig{AlgorithmHyperParameters: map[string]string{"acct": "x"}}}, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, `"acct":"x"`, `"acct":`+account))
			})
			return err
		}, "SolutionConfig.AlgorithmHyperParameters", "sensitive.account-number", account},
		{"account number in an object a hook wrote for a tag's value, after signing", func(c *sdk.Client) error {
			_, err := c.TagResource(context.Background(), &sdk.TagResourceInput{ResourceArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("x")}}}, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, `"tagValue":"x"`, `"tagValue":{"acct":`+account+`}`))
			})
			return err
		}, "Tags[0].TagValue", "sensitive.account-number", account},
		{"SSN in a filter expression, in the list IN compares with", func(c *sdk.Client) error {
			_, err := c.CreateFilter(context.Background(), &sdk.CreateFilterInput{Name: aws.String("f1"),
				DatasetGroupArn:  aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				FilterExpression: aws.String(`EXCLUDE ItemID WHERE Users.SSN IN ("` + ssn + `")`)})
			return err
		}, "FilterExpression", "sensitive.ssn", ssn},
		{"account number as a filter expression's second number", func(c *sdk.Client) error {
			_, err := c.CreateFilter(context.Background(), &sdk.CreateFilterInput{Name: aws.String("f1"),
				DatasetGroupArn:  aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
				FilterExpression: aws.String(`INCLUDE ItemID WHERE Items.GENRES IN ("Comedy") | EXCLUDE ItemID WHERE Users.ACCOUNT_NUMBER NOT IN (100000, ` + account + `)`)})
			return err
		}, "FilterExpression", "sensitive.account-number", account},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			err := tt.call(e.client)
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || sg.Rule != tt.rule || !strings.HasPrefix(sg.Field, tt.field) {
				t.Errorf("err = %v, want rule %s at %s", err, tt.rule, tt.field)
			}
			if e.srv.Seen(tt.secret) {
				t.Errorf("the endpoint saw the value")
			}
			if strings.Contains(e.audit.String(), tt.secret) {
				t.Errorf("the audit log repeats the value")
			}
		})
	}
}

// TestRed11FilterValuesStillPass: the filter expressions of Personalize's
// documentation, literal numbers and parameters included, are not refused
// for what their columns are compared with.
func TestRed11FilterValuesStillPass(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	for i, expr := range []string{
		`INCLUDE ItemID WHERE Items.GENRES IN ("Comedy", "Drama")`,
		`EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")`,
		`INCLUDE ItemID WHERE Items.PRICE > 1000000 AND Items.CREATION_TIMESTAMP > 1700000000`,
		`EXCLUDE ItemID WHERE Items.ITEM_ID IN ($ITEMS)`,
		`INCLUDE ItemID WHERE Items.SKU IN ("sku-1234567")`,
	} {
		_, err := e.client.CreateFilter(context.Background(), &sdk.CreateFilterInput{Name: aws.String("f" + string(rune('a'+i))),
			DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"), FilterExpression: aws.String(expr)})
		var sg *personalize.SafeguardError
		if errors.As(err, &sg) {
			t.Errorf("CreateFilter(%q) = %v, want no refusal by the guard", expr, err)
		}
	}
}

// TestRed11SchemaDefaultAfterFieldName: an Avro field named for what it
// holds, with a default of that kind ({"name":"SSN",...,"default":
// "123456789"}), sends nine digits that only the field's name makes an SSN.
func TestRed11SchemaDefaultAfterFieldName(t *testing.T) {
	const ssn = "123456789"
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	schema := `{"type":"record","name":"Users","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"USER_ID","type":"string"},` +
		`{"name":"SSN","type":"string","categorical":true,"default":"` + ssn + `"}],"version":"1.0"}`
	_, err := e.client.CreateSchema(context.Background(), &sdk.CreateSchemaInput{Name: aws.String("users"), Schema: aws.String(schema)})
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != "sensitive.ssn" {
		t.Errorf("CreateSchema with an SSN default = %v, want rule sensitive.ssn", err)
	}
	if e.srv.Seen(ssn) {
		t.Errorf("the endpoint saw the value")
	}
}
