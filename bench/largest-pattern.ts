// The largest network the pattern catalogue builds, used by the build benchmark (run.ts, synth.ts):
// dual-stack, a NAT gateway per AZ, 3 AZs, seven endpoints.
export const LARGEST_PATTERN = {
  pattern: "dual-stack",
  azs: 3,
  endpoints: ["s3", "dynamodb", "lambda", "sqs", "logs", "secretsmanager", "xray"],
} as const;
