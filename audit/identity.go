package audit

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/posture"
)

// identity checks that the audit does not run as root and that root has MFA,
// and returns the caller's account and partition ("" when STS could not say).
func (a *auditor) identity(ctx context.Context) (account, partition string) {
	out, err := a.c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	switch {
	case err != nil:
		a.readFailed("caller identity", "sts:GetCallerIdentity", err)
	default:
		caller, ok := callerid.Classify(aws.ToString(out.Arn))
		if !ok {
			// callerid refuses shapes it does not know; so does the audit.
			a.readFailed("caller identity", "sts:GetCallerIdentity", errors.New("unknown caller"))
			break
		}
		account, partition = caller.Account, caller.Partition
		if caller.Kind == callerid.Root && !a.usageOnly {
			a.add(posture.Finding{ID: FindingRootCaller, Severity: posture.Critical, Resource: "account " + account,
				Message:     "The audit runs with the account's root user credentials, which no IAM policy can restrict.",
				Remediation: "Use an IAM role with least privilege (e.g. SecurityAudit) for the audit and for Personalize; delete the root user's access keys.",
				Control:     "Security Hub IAM.4"})
		}
	}
	if a.usageOnly {
		return account, partition
	}
	sum, err := a.c.IAM.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		a.readFailed("account", "iam:GetAccountSummary", err)
		return account, partition
	}
	if sum.SummaryMap["AccountMFAEnabled"] != 1 {
		res := "account"
		if account != "" {
			res = "account " + account
		}
		a.add(posture.Finding{ID: FindingRootMFADisabled, Severity: posture.Critical, Resource: res,
			Message:     "The account's root user has no MFA device.",
			Remediation: "Enable MFA for the root user (a hardware key for the strongest protection), and lock its credentials away.",
			Control:     "Security Hub IAM.9"})
	}
	return account, partition
}
