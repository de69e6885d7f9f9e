// Every AWS API action `scan` (and `--aws`) may call: read-only, all within AWS's
// ReadOnlyAccess. docs/aws-scan-policy.json is this list as an IAM policy; a test checks both
// agree and that a scan calls nothing else.
export const SCAN_ACTIONS = [
  "ec2:DescribeAddresses",
  "ec2:DescribeEgressOnlyInternetGateways",
  "ec2:DescribeInstances",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeManagedPrefixLists",
  "ec2:DescribeNatGateways",
  "ec2:DescribeNetworkAcls",
  // Not called by the scan: EFS needs it to answer DescribeMountTargetSecurityGroups (EFS API reference).
  "ec2:DescribeNetworkInterfaceAttribute",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeRouteTables",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcAttribute",
  "ec2:DescribeVpcBlockPublicAccessExclusions",
  "ec2:DescribeVpcBlockPublicAccessOptions",
  "ec2:DescribeVpcEndpoints",
  "ec2:DescribeVpcs",
  "ec2:GetManagedPrefixListEntries",
  "elasticfilesystem:DescribeAccessPoints",
  "elasticfilesystem:DescribeMountTargetSecurityGroups",
  "elasticfilesystem:DescribeMountTargets",
  "iam:GetPolicy",
  "iam:GetPolicyVersion",
  "iam:GetRolePolicy",
  "iam:ListAttachedRolePolicies",
  "iam:ListRolePolicies",
  "lambda:ListCapacityProviders",
  "lambda:ListFunctions",
  "rds:DescribeDBClusters",
  "rds:DescribeDBInstances",
  "rds:DescribeDBProxies",
  "sts:GetCallerIdentity",
] as const;

export type ScanAction = (typeof SCAN_ACTIONS)[number];

/** The least-privilege policy document for a scan (what docs/aws-scan-policy.json holds). */
export function scanPolicyDocument(): object {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "LambdaEgressScanReadOnly", Effect: "Allow", Action: [...SCAN_ACTIONS], Resource: "*" }],
  };
}
