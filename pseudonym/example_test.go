package pseudonym_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// exampleKey stands for 32 bytes read from a secret store at start-up. Real
// keys never sit in code: see GenerateKey and LoadKey.
func exampleKey() []byte {
	raw := make([]byte, pseudonym.KeySize)
	for i := range raw {
		raw[i] = byte(i)
	}
	return raw
}

// A service pseudonymises the customer's own ID before it reaches
// Personalize. The same ID always gives the same pseudonym under one key; as
// a session ID it gives another.
func Example() {
	key, err := pseudonym.NewKey(1, exampleKey())
	if err != nil {
		log.Fatal(err)
	}
	p, err := pseudonym.New(key)
	if err != nil {
		log.Fatal(err)
	}

	user, err := p.UserID("customer-0001")
	if err != nil {
		log.Fatal(err)
	}
	again, _ := p.UserID("customer-0001")
	session, _ := p.SessionID("customer-0001")
	fmt.Println(user)
	fmt.Println(again == user)
	fmt.Println(session)

	// An empty ID means "no user": it has no pseudonym.
	_, err = p.UserID("")
	var ae *pseudonym.ArgumentError
	fmt.Println(errors.As(err, &ae), ae.Field)
	// Output:
	// pu1_xjnmkry3g7cywnkcgyjbyv3jdcksthpi
	// true
	// ps1_dtkg6wqeho3q623jcjoo7ao4fs4xfqep
	// true id
}

// The append form writes into a caller's buffer and does not allocate: the
// shape for code that builds requests or rewrites CSV rows.
func ExamplePseudonymizer_AppendUserID() {
	key, _ := pseudonym.NewKey(1, exampleKey())
	p, _ := pseudonym.New(key)

	row := make([]byte, 0, 128)
	row, err := p.AppendUserID(row, "customer-0001")
	if err != nil {
		log.Fatal(err)
	}
	row = append(row, ",item-42,1732838400"...)
	fmt.Println(string(row))
	// Output:
	// pu1_xjnmkry3g7cywnkcgyjbyv3jdcksthpi,item-42,1732838400
}

// Parse tells which key version made a pseudonym, for instance to find the
// records a rotation has still to rewrite. It never repeats what it rejects.
func ExampleParse() {
	info, err := pseudonym.Parse("pu1_xjnmkry3g7cywnkcgyjbyv3jdcksthpi")
	fmt.Println(info.Kind, info.KeyVersion, err)

	_, err = pseudonym.Parse("jane@example.com")
	fmt.Println(err)
	// Output:
	// user 1 <nil>
	// pseudonym: not a pseudonym: the length is not that of a pseudonym
}

// A Key prints its version, never its bytes.
func ExampleKey_String() {
	key, _ := pseudonym.NewKey(2, exampleKey())
	fmt.Println(key)
	fmt.Printf("%x\n", key)
	// Output:
	// pseudonym.Key{Version: 2, Bytes: [REDACTED]}
	// pseudonym.Key{Version: 2, Bytes: [REDACTED]}
}

// Once, with the customer's KMS key: generate a pseudonym key and store only
// the encrypted form. At every start-up: decrypt it with the KMS key named in
// the configuration. Here personalizetest's in-process KMS stands in for AWS.
func ExampleGenerateKey() {
	ctx := context.Background()
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := kms.NewFromConfig(srv.Config())
	created, err := client.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		log.Fatal(err)
	}
	kmsKeyARN := aws.ToString(created.KeyMetadata.Arn) // from configuration
	const keyVersion = 1                               // from configuration too

	// Once: the sealed key goes to a file, a parameter or a secret.
	sealed, err := pseudonym.GenerateKey(ctx, client, kmsKeyARN, keyVersion)
	if err != nil {
		log.Fatal(err)
	}

	// At start-up. A sealed key of another version than configured (a
	// retired key put back in the store) is refused.
	key, err := pseudonym.LoadKey(ctx, client, kmsKeyARN, keyVersion, sealed)
	if err != nil {
		log.Fatal(err) // fail closed: no key, no pseudonyms, no start
	}
	p, err := pseudonym.New(key)
	if err != nil {
		log.Fatal(err)
	}
	user, _ := p.UserID("customer-0001")
	info, _ := pseudonym.Parse(user)
	fmt.Println(info.Kind, info.KeyVersion)

	// Without kms:Decrypt the service does not start.
	srv.Deny(personalizetest.ServiceKMS, "Decrypt")
	_, err = pseudonym.LoadKey(ctx, client, kmsKeyARN, keyVersion, sealed)
	var ke *pseudonym.KMSError
	fmt.Println(errors.As(err, &ke), ke.AccessDenied())
	// Output:
	// user 1
	// true true
}
