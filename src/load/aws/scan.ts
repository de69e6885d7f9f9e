// `scan`: reads a deployed account, read-only, into a snapshot (snapshot.ts), with the AWS SDK
// for JavaScript v3. The SDK is imported here, dynamically, so that only `scan` and `--aws`
// load it. Every call is a list or describe call, paginated; the SDK retries throttling
// (RequestLimitExceeded, Throttling) with its standard retry strategy; calls run a few at a time.
// A call that is denied is recorded (RegionSnapshot.denied) and leaves its part unknown.
// Besides the network: RDS DB instances, clusters and proxies (a function's environment value
// equal to one's endpoint wires it there), and the EFS file systems the functions mount.
import type { EC2Client, Filter } from "@aws-sdk/client-ec2";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { EFSClient } from "@aws-sdk/client-efs";
import type { FunctionConfiguration, LambdaClient } from "@aws-sdk/client-lambda";
import type { DBCluster, DBInstance, DBProxy, RDSClient } from "@aws-sdk/client-rds";
import { partitionOf } from "../../aws/facts.ts";
import type { ScanAction } from "./permissions.ts";
import type {
  DeniedCall,
  RegionSnapshot,
  SnapAclEntry,
  SnapCapacityProvider,
  SnapFunction,
  SnapInstance,
  SnapNetworkInterface,
  SnapMountTarget,
  SnapPolicy,
  SnapResource,
  SnapRole,
  SnapRoute,
  SnapSgRule,
  Snapshot,
  SnapVpc,
} from "./snapshot.ts";
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION } from "./snapshot.ts";
import { unqualifiedFunctionArn } from "./model.ts";
import { endpointToken } from "../vpc-resources.ts";

export interface ScanOptions {
  /** Regions to scan; empty: AWS_REGION / AWS_DEFAULT_REGION, else the profile's region. */
  readonly regions?: readonly string[];
  readonly profile?: string;
  /** Function names to keep (empty: every function). */
  readonly functions?: readonly string[];
  /** The environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL[_EC2|_LAMBDA|_IAM|_STS], AWS_ACCESS_KEY_ID...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Called with a short status line as the scan goes. */
  readonly progress?: (line: string) => void;
  /** Calls in flight at once (default 8). */
  readonly concurrency?: number;
  /** The SDK's attempts per call, throttling retries included (default 6). */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

import { ScanError } from "./scan-error.ts";
import { importExternal } from "../../import-external.ts";

export { ScanError };

/** Error codes AWS uses to refuse a call for lack of permission. */
const DENIED = new Set([
  "UnauthorizedOperation",
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedAccess",
  "Client.UnauthorizedOperation",
  "AuthorizationError",
]);

function errorCode(e: unknown): string {
  const err = e as { name?: string; Code?: string; code?: string };
  return err.Code ?? err.name ?? err.code ?? "Error";
}

/** Error codes of a call the service does not offer in a region (or partition). */
const UNAVAILABLE = new Set(["InvalidAction", "UnsupportedOperation", "UnknownOperationException", "UnrecognizedClientException"]);

/** `f()`, or `value` when the service says the call does not exist where it was made. */
async function unavailableAs<T>(value: T, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (UNAVAILABLE.has(errorCode(e)) || (status === 404 && !DENIED.has(errorCode(e)))) return value;
    throw e;
  }
}

/** Runs tasks at most `n` at a time. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

const byId =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
const nameTag = (tags: readonly { Key?: string; Value?: string }[] | undefined): { name?: string } => {
  const v = tags?.find((t) => t.Key === "Name")?.Value;
  return v ? { name: v } : {};
};
const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/** The endpoint a service's client uses: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL. */
function endpointFor(env: ScanOptions["env"], service: "EC2" | "LAMBDA" | "IAM" | "STS" | "RDS" | "EFS"): { endpoint?: string } {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return {};
  const url = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return url ? { endpoint: url } : {};
}

/** Whether an endpoint's default policy (allow everything to everyone) was left as it is. */
export function isDefaultEndpointPolicyText(text: string | undefined, serviceName: string): boolean {
  if (text === undefined || text === "") return true;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  const service = /^com\.amazonaws\.[a-z0-9-]+\.([a-z0-9-]+)$/.exec(serviceName)?.[1];
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : [raw];
  const all = (v: unknown, also?: string) =>
    v === "*" || v === also || (Array.isArray(v) && v.length === 1 && (v[0] === "*" || v[0] === also));
  return statements.every((st) => {
    if (typeof st !== "object" || st === null) return false;
    const s = st as Record<string, unknown>;
    if (s.Effect !== "Allow" || s.Condition !== undefined) return false;
    const p = s.Principal;
    const anyone = all(p) || (typeof p === "object" && p !== null && all((p as { AWS?: unknown }).AWS));
    return anyone && all(s.Action, service ? `${service}:*` : undefined) && all(s.Resource ?? "*");
  });
}

/** Scans the account the credentials belong to, in each region asked for. */
export async function scanAccount(options: ScanOptions): Promise<Snapshot> {
  // The SDK warns, on every run under Node.js 20, that its releases from 2027 need Node.js 22;
  // the versions this package installs run on 20, so the warning is noise for our users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const [ec2m, lambdam, iamm, stsm, rdsm, efsm] = await Promise.all([
    importExternal<typeof import("@aws-sdk/client-ec2")>("@aws-sdk/client-ec2"),
    importExternal<typeof import("@aws-sdk/client-lambda")>("@aws-sdk/client-lambda"),
    importExternal<typeof import("@aws-sdk/client-iam")>("@aws-sdk/client-iam"),
    importExternal<typeof import("@aws-sdk/client-sts")>("@aws-sdk/client-sts"),
    importExternal<typeof import("@aws-sdk/client-rds")>("@aws-sdk/client-rds"),
    importExternal<typeof import("@aws-sdk/client-efs")>("@aws-sdk/client-efs"),
  ]);
  const env = options.env;
  const progress = options.progress ?? (() => {});
  const run = limiter(options.concurrency ?? 8);
  const profile = options.profile ?? env.AWS_PROFILE;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {};
  const base = {
    ...credentials,
    ...(profile && !credentials.credentials ? { profile } : {}),
    maxAttempts: options.maxAttempts ?? 6,
    retryMode: "standard",
  };

  let regions = [...(options.regions ?? [])];
  if (regions.length === 0) {
    const fromEnv = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (fromEnv) regions = [fromEnv];
    else {
      try {
        const probe = new stsm.STSClient({ ...base });
        regions = [await probe.config.region()];
        probe.destroy();
      } catch {
        regions = [];
      }
    }
  }
  if (regions.length === 0 || regions.some((r) => !r)) {
    throw new ScanError("no region to scan", "pass --region R[,R...], or set AWS_REGION or a region in the profile");
  }
  const partition = partitionOf(regions[0] as string);
  const globalRegion = partition === "aws-cn" ? "cn-north-1" : partition === "aws-us-gov" ? "us-gov-west-1" : "us-east-1";

  /** Calls `f`; a denial is recorded and gives null, anything else ends the scan with one clear line. */
  const call = async <T>(
    denied: DeniedCall[] | null,
    action: ScanAction,
    affects: string,
    where: string,
    f: () => Promise<T>,
  ): Promise<T | null> => {
    try {
      return await run(f);
    } catch (e) {
      const code = errorCode(e);
      if (DENIED.has(code) && denied) {
        if (!denied.some((d) => d.action === action && d.affects === affects)) denied.push({ action, code, affects });
        return null;
      }
      const message = (e as Error).message?.split("\n")[0] ?? String(e);
      if ((e as Error).name === "CredentialsProviderError" || /credential/i.test(message)) {
        throw new ScanError(
          `no usable AWS credentials: ${message}`,
          "set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
          e,
        );
      }
      throw new ScanError(`${action} in ${where} failed: ${code}: ${message}`, undefined, e);
    }
  };

  // ---- the account (STS) ---------------------------------------------------------------------
  const sts = new stsm.STSClient({ ...base, region: regions[0], ...endpointFor(env, "STS") });
  const identity = await call(null, "sts:GetCallerIdentity", "the account", regions[0] as string, () =>
    sts.send(new stsm.GetCallerIdentityCommand({})),
  );
  sts.destroy();
  const account = identity?.Account ?? null;

  const iam = new iamm.IAMClient({ ...base, region: globalRegion, ...endpointFor(env, "IAM") });
  const roleCache = new Map<string, Promise<SnapRole>>();
  const policyCache = new Map<string, Promise<SnapPolicy>>();
  const out: RegionSnapshot[] = [];
  try {
    for (const region of regions) out.push(await scanRegion(region));
  } finally {
    iam.destroy();
  }
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    kind: SNAPSHOT_KIND,
    account,
    partition,
    scannedAt: (options.now ? options.now() : new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    functionFilter: sorted(options.functions ?? []),
    regions: out,
  };

  // ---- IAM: the execution roles ----------------------------------------------------------------
  function managedPolicy(policyArn: string, denied: DeniedCall[]): Promise<SnapPolicy> {
    let p = policyCache.get(policyArn);
    if (!p) {
      p = (async (): Promise<SnapPolicy> => {
        const name = policyArn.slice(policyArn.lastIndexOf("/") + 1);
        const meta = await call(denied, "iam:GetPolicy", `managed policy ${policyArn}`, "IAM", () =>
          iam.send(new iamm.GetPolicyCommand({ PolicyArn: policyArn })),
        );
        const version = meta?.Policy?.DefaultVersionId;
        if (!version) return { kind: "managed", name, arn: policyArn, document: null, unreadable: "iam:GetPolicy was denied" };
        const v = await call(denied, "iam:GetPolicyVersion", `managed policy ${policyArn}`, "IAM", () =>
          iam.send(new iamm.GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: version })),
        );
        const doc = parsePolicy(v?.PolicyVersion?.Document);
        return doc === undefined
          ? {
              kind: "managed",
              name,
              arn: policyArn,
              document: null,
              unreadable: v ? "its document is not JSON" : "iam:GetPolicyVersion was denied",
            }
          : { kind: "managed", name, arn: policyArn, document: doc };
      })();
      policyCache.set(policyArn, p);
    }
    return p;
  }

  function role(roleArn: string, denied: DeniedCall[]): Promise<SnapRole> {
    let r = roleCache.get(roleArn);
    if (!r) {
      r = (async (): Promise<SnapRole> => {
        const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
        const incomplete: string[] = [];
        const inlineNames: string[] = [];
        const attached: string[] = [];
        const listed = await call(denied, "iam:ListRolePolicies", "the inline policies of execution roles", "IAM", async () => {
          for await (const page of iamm.paginateListRolePolicies({ client: iam }, { RoleName: roleName }))
            inlineNames.push(...(page.PolicyNames ?? []));
          return true;
        });
        if (!listed) incomplete.push("its inline policies: iam:ListRolePolicies was denied");
        const listedAttached = await call(
          denied,
          "iam:ListAttachedRolePolicies",
          "the managed policies of execution roles",
          "IAM",
          async () => {
            for await (const page of iamm.paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }))
              attached.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? "").filter((a) => a !== ""));
            return true;
          },
        );
        if (!listedAttached) incomplete.push("its managed policies: iam:ListAttachedRolePolicies was denied");
        const inline = await Promise.all(
          sorted(inlineNames).map(async (policyName): Promise<SnapPolicy> => {
            const got = await call(denied, "iam:GetRolePolicy", "inline policies of execution roles", "IAM", () =>
              iam.send(new iamm.GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
            );
            const doc = parsePolicy(got?.PolicyDocument);
            return doc === undefined
              ? {
                  kind: "inline",
                  name: policyName,
                  arn: null,
                  document: null,
                  unreadable: got ? "its document is not JSON" : "iam:GetRolePolicy was denied",
                }
              : { kind: "inline", name: policyName, arn: null, document: doc };
          }),
        );
        const managed = await Promise.all(sorted(attached).map((a) => managedPolicy(a, denied)));
        return { name: roleName, arn: roleArn, policies: [...inline, ...managed], incomplete };
      })();
      roleCache.set(roleArn, r);
    }
    return r;
  }

  // ---- one region ------------------------------------------------------------------------------
  async function scanRegion(region: string): Promise<RegionSnapshot> {
    const denied: DeniedCall[] = [];
    const ec2: EC2Client = new ec2m.EC2Client({ ...base, region, ...endpointFor(env, "EC2") });
    const lambda: LambdaClient = new lambdam.LambdaClient({ ...base, region, ...endpointFor(env, "LAMBDA") });
    const rds: RDSClient = new rdsm.RDSClient({ ...base, region, ...endpointFor(env, "RDS") });
    const efs: EFSClient = new efsm.EFSClient({ ...base, region, ...endpointFor(env, "EFS") });
    const step = (what: string) => progress(`${region}: ${what}`);
    try {
      return await scan();
    } finally {
      ec2.destroy();
      lambda.destroy();
      rds.destroy();
      efs.destroy();
    }

    async function scan(): Promise<RegionSnapshot> {
      /** Every page of an EC2 Describe call, as one list; null when denied. */
      const pages = async <P, T>(
        action: ScanAction,
        affects: string,
        paginate: () => AsyncIterable<P>,
        items: (page: P) => readonly T[] | undefined,
      ): Promise<T[] | null> =>
        call(denied, action, affects, region, async () => {
          const all: T[] = [];
          for await (const page of paginate()) all.push(...(items(page) ?? []));
          return all;
        });
      const cfg = { client: ec2, pageSize: 1000 };
      const cfgSmall = { client: ec2, pageSize: 100 };

      step("Lambda functions");
      const functionsP = call(denied, "lambda:ListFunctions", "the functions", region, async () => {
        const all: FunctionConfiguration[] = [];
        for await (const page of lambdam.paginateListFunctions({ client: lambda, pageSize: 50 }, {})) all.push(...(page.Functions ?? []));
        return all;
      });
      const providersP = call(denied, "lambda:ListCapacityProviders", "the capacity providers of Managed Instances", region, async () => {
        const all: SnapCapacityProvider[] = [];
        const pages = unavailableAs([], async () => {
          const raw = [];
          for await (const page of lambdam.paginateListCapacityProviders({ client: lambda, pageSize: 50 }, {})) raw.push(page);
          return raw;
        });
        for (const page of await pages) {
          for (const c of page.CapacityProviders ?? []) {
            const arn = c.CapacityProviderArn ?? "";
            all.push({
              name: arn.slice(arn.lastIndexOf(":") + 1),
              arn,
              state: String(c.State ?? ""),
              subnetIds: sorted(c.VpcConfig?.SubnetIds ?? []),
              securityGroupIds: sorted(c.VpcConfig?.SecurityGroupIds ?? []),
            });
          }
        }
        return all;
      });

      // Awaited below; marked handled now so that an error of an EC2 call awaited first does not
      // leave these rejected and unobserved (Node.js would end the process on it).
      const databasesP = Promise.all([
        call(denied, "rds:DescribeDBInstances", "the RDS DB instances functions may be wired to", region, async () => {
          const all: DBInstance[] = [];
          for await (const page of rdsm.paginateDescribeDBInstances({ client: rds, pageSize: 100 }, {}))
            all.push(...(page.DBInstances ?? []));
          return all;
        }),
        call(denied, "rds:DescribeDBClusters", "the RDS DB clusters functions may be wired to", region, async () => {
          const all: DBCluster[] = [];
          for await (const page of rdsm.paginateDescribeDBClusters({ client: rds, pageSize: 100 }, {}))
            all.push(...(page.DBClusters ?? []));
          return all;
        }),
        call(denied, "rds:DescribeDBProxies", "the RDS proxies functions may be wired to", region, async () => {
          const all: DBProxy[] = [];
          for await (const page of rdsm.paginateDescribeDBProxies({ client: rds, pageSize: 100 }, {})) all.push(...(page.DBProxies ?? []));
          return all;
        }),
      ]);
      functionsP.catch(() => undefined);
      databasesP.catch(() => undefined);
      providersP.catch(() => undefined);
      step("VPCs, subnets, route tables, gateways, ACLs, security groups, endpoints");
      const [vpcsR, subnetsR, tablesR, igwsR, eigwsR, natsR, addressesR, aclsR, sgsR, plsR, endpointsR] = await Promise.all([
        pages(
          "ec2:DescribeVpcs",
          "the VPCs",
          () => ec2m.paginateDescribeVpcs(cfg, {}),
          (p) => p.Vpcs,
        ),
        pages(
          "ec2:DescribeSubnets",
          "the subnets",
          () => ec2m.paginateDescribeSubnets(cfg, {}),
          (p) => p.Subnets,
        ),
        pages(
          "ec2:DescribeRouteTables",
          "the route tables",
          () => ec2m.paginateDescribeRouteTables(cfgSmall, {}),
          (p) => p.RouteTables,
        ),
        pages(
          "ec2:DescribeInternetGateways",
          "the internet gateways",
          () => ec2m.paginateDescribeInternetGateways(cfg, {}),
          (p) => p.InternetGateways,
        ),
        pages(
          "ec2:DescribeEgressOnlyInternetGateways",
          "the egress-only internet gateways",
          () => ec2m.paginateDescribeEgressOnlyInternetGateways(cfgSmall, {}),
          (p) => p.EgressOnlyInternetGateways,
        ),
        pages(
          "ec2:DescribeNatGateways",
          "the NAT gateways",
          () => ec2m.paginateDescribeNatGateways(cfg, {}),
          (p) => p.NatGateways,
        ),
        call(
          denied,
          "ec2:DescribeAddresses",
          "the Elastic IP addresses",
          region,
          async () => (await ec2.send(new ec2m.DescribeAddressesCommand({}))).Addresses ?? [],
        ),
        pages(
          "ec2:DescribeNetworkAcls",
          "the network ACLs",
          () => ec2m.paginateDescribeNetworkAcls(cfg, {}),
          (p) => p.NetworkAcls,
        ),
        pages(
          "ec2:DescribeSecurityGroups",
          "the security groups",
          () => ec2m.paginateDescribeSecurityGroups(cfg, {}),
          (p) => p.SecurityGroups,
        ),
        pages(
          "ec2:DescribeManagedPrefixLists",
          "the prefix lists",
          () => ec2m.paginateDescribeManagedPrefixLists(cfgSmall, {}),
          (p) => p.PrefixLists,
        ),
        pages(
          "ec2:DescribeVpcEndpoints",
          "the VPC endpoints",
          () => ec2m.paginateDescribeVpcEndpoints(cfg, {}),
          (p) => p.VpcEndpoints,
        ),
      ]);
      const vpcsRaw = vpcsR ?? [];

      step("VPC DNS attributes");
      const vpcs: SnapVpc[] = await Promise.all(
        vpcsRaw.map(async (v): Promise<SnapVpc> => {
          const id = v.VpcId ?? "";
          const attr = (Attribute: "enableDnsSupport" | "enableDnsHostnames") =>
            call(denied, "ec2:DescribeVpcAttribute", "the DNS attributes of VPCs", region, () =>
              ec2.send(new ec2m.DescribeVpcAttributeCommand({ VpcId: id, Attribute })),
            );
          const [support, hostnames] = await Promise.all([attr("enableDnsSupport"), attr("enableDnsHostnames")]);
          return {
            id,
            ...nameTag(v.Tags),
            ownerId: v.OwnerId ?? null,
            cidrs: sorted(
              (v.CidrBlockAssociationSet ?? [])
                .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === "associated")
                .map((a) => a.CidrBlock ?? "")
                .filter((c) => c !== "")
                .concat(v.CidrBlockAssociationSet === undefined && v.CidrBlock ? [v.CidrBlock] : []),
            ),
            ipv6Cidrs: sorted(
              (v.Ipv6CidrBlockAssociationSet ?? [])
                .filter((a) => a.Ipv6CidrBlockState?.State === undefined || a.Ipv6CidrBlockState.State === "associated")
                .map((a) => a.Ipv6CidrBlock ?? "")
                .filter((c) => c !== ""),
            ),
            enableDnsSupport: support ? (support.EnableDnsSupport?.Value ?? true) : null,
            enableDnsHostnames: hostnames ? (hostnames.EnableDnsHostnames?.Value ?? false) : null,
          };
        }),
      );

      const subnets = (subnetsR ?? []).map((s) => ({
        id: s.SubnetId ?? "",
        ...nameTag(s.Tags),
        vpcId: s.VpcId ?? "",
        ownerId: s.OwnerId ?? null,
        az: s.AvailabilityZone ?? "",
        azId: s.AvailabilityZoneId ?? null,
        cidr: s.CidrBlock ?? null,
        ipv6Cidrs: sorted(
          (s.Ipv6CidrBlockAssociationSet ?? [])
            .filter((a) => a.Ipv6CidrBlockState?.State === undefined || a.Ipv6CidrBlockState.State === "associated")
            .map((a) => a.Ipv6CidrBlock ?? "")
            .filter((c) => c !== ""),
        ),
        mapPublicIpOnLaunch: s.MapPublicIpOnLaunch ?? false,
        ipv6Native: s.Ipv6Native ?? false,
      }));

      const routeTables = (tablesR ?? []).map((t) => {
        const routes: SnapRoute[] = (t.Routes ?? []).map((r) => ({
          destination: r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? "",
          target:
            r.GatewayId ??
            r.NatGatewayId ??
            r.EgressOnlyInternetGatewayId ??
            r.TransitGatewayId ??
            r.VpcPeeringConnectionId ??
            r.InstanceId ??
            r.NetworkInterfaceId ??
            r.CarrierGatewayId ??
            r.LocalGatewayId ??
            r.CoreNetworkArn ??
            "",
          state: r.State === "blackhole" ? "blackhole" : "active",
          origin: r.Origin ?? null,
        }));
        const assoc = (t.Associations ?? []).filter(
          (a) => a.AssociationState?.State === undefined || a.AssociationState.State === "associated",
        );
        return {
          id: t.RouteTableId ?? "",
          ...nameTag(t.Tags),
          vpcId: t.VpcId ?? "",
          ownerId: t.OwnerId ?? null,
          main: assoc.some((a) => a.Main === true),
          subnetIds: sorted(assoc.map((a) => a.SubnetId ?? "").filter((x) => x !== "")),
          routes: routes.sort(byId((r) => `${r.destination} ${r.target}`)),
        };
      });

      const attachedVpcs = (as: readonly { State?: string; VpcId?: string }[] | undefined) =>
        sorted((as ?? []).filter((a) => a.State === "available" || a.State === "attached").map((a) => a.VpcId ?? ""));
      const internetGateways = (igwsR ?? []).map((g) => ({
        id: g.InternetGatewayId ?? "",
        ...nameTag(g.Tags),
        vpcIds: attachedVpcs(g.Attachments),
      }));
      const egressOnlyInternetGateways = (eigwsR ?? []).map((g) => ({
        id: g.EgressOnlyInternetGatewayId ?? "",
        ...nameTag(g.Tags),
        vpcIds: attachedVpcs(g.Attachments),
      }));
      const natGateways = (natsR ?? [])
        .filter((n) => n.State !== "deleted")
        .map((n) => ({
          id: n.NatGatewayId ?? "",
          ...nameTag(n.Tags),
          vpcId: n.VpcId ?? "",
          subnetId: n.SubnetId ?? null,
          connectivity: n.ConnectivityType === "private" ? ("private" as const) : ("public" as const),
          availability: n.AvailabilityMode === "regional" ? ("regional" as const) : ("zonal" as const),
          state: String(n.State ?? "available"),
          addresses: (n.NatGatewayAddresses ?? [])
            .map((a) => ({
              allocationId: a.AllocationId ?? null,
              publicIp: a.PublicIp ?? null,
              privateIp: a.PrivateIp ?? null,
              az: a.AvailabilityZone ?? null,
            }))
            .sort(byId((a) => `${a.az ?? ""} ${a.allocationId ?? ""} ${a.privateIp ?? ""}`)),
        }));
      const addresses = (addressesR ?? [])
        .filter((a) => a.AllocationId)
        .map((a) => ({
          allocationId: a.AllocationId as string,
          ...nameTag(a.Tags),
          publicIp: a.PublicIp ?? "",
          instanceId: a.InstanceId ?? null,
          networkInterfaceId: a.NetworkInterfaceId ?? null,
        }));
      const networkAcls = (aclsR ?? []).map((a) => ({
        id: a.NetworkAclId ?? "",
        ...nameTag(a.Tags),
        vpcId: a.VpcId ?? "",
        isDefault: a.IsDefault ?? false,
        subnetIds: sorted((a.Associations ?? []).map((x) => x.SubnetId ?? "").filter((x) => x !== "")),
        entries: (a.Entries ?? [])
          .map((e): SnapAclEntry => ({
            ruleNumber: e.RuleNumber ?? 32767,
            egress: e.Egress ?? false,
            action: e.RuleAction === "allow" ? "allow" : "deny",
            protocol: e.Protocol ?? "-1",
            cidr: e.CidrBlock ?? e.Ipv6CidrBlock ?? "",
            ports:
              e.PortRange && e.PortRange.From !== undefined ? { from: e.PortRange.From, to: e.PortRange.To ?? e.PortRange.From } : null,
          }))
          .sort((x, y) => Number(x.egress) - Number(y.egress) || x.ruleNumber - y.ruleNumber || (x.cidr < y.cidr ? -1 : 1)),
      }));
      type Perm = {
        IpProtocol?: string;
        FromPort?: number;
        ToPort?: number;
        IpRanges?: { CidrIp?: string }[];
        Ipv6Ranges?: { CidrIpv6?: string }[];
        PrefixListIds?: { PrefixListId?: string }[];
        UserIdGroupPairs?: { GroupId?: string }[];
      };
      const rules = (perms: readonly Perm[] | undefined): SnapSgRule[] => {
        const out: SnapSgRule[] = [];
        for (const p of perms ?? []) {
          const common = { protocol: p.IpProtocol ?? "-1", fromPort: p.FromPort ?? null, toPort: p.ToPort ?? null };
          for (const r of p.IpRanges ?? []) if (r.CidrIp) out.push({ ...common, cidr: r.CidrIp });
          for (const r of p.Ipv6Ranges ?? []) if (r.CidrIpv6) out.push({ ...common, cidr: r.CidrIpv6 });
          for (const r of p.PrefixListIds ?? []) if (r.PrefixListId) out.push({ ...common, prefixListId: r.PrefixListId });
          for (const r of p.UserIdGroupPairs ?? []) if (r.GroupId) out.push({ ...common, groupId: r.GroupId });
        }
        return out.sort(byId((r) => JSON.stringify(r)));
      };
      const securityGroups = (sgsR ?? []).map((g) => ({
        id: g.GroupId ?? "",
        name: g.GroupName ?? "",
        vpcId: g.VpcId ?? null,
        ingress: rules(g.IpPermissions),
        egress: rules(g.IpPermissionsEgress),
      }));
      const vpcEndpoints = (endpointsR ?? []).map((e) => ({
        id: e.VpcEndpointId ?? "",
        ...nameTag(e.Tags),
        vpcId: e.VpcId ?? "",
        type: String(e.VpcEndpointType ?? "Interface"),
        serviceName: e.ServiceName ?? "",
        state: String(e.State ?? "available").toLowerCase(),
        privateDnsEnabled: e.PrivateDnsEnabled ?? false,
        privateDnsInboundOnly: e.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint ?? false,
        subnetIds: sorted(e.SubnetIds ?? []),
        securityGroupIds: sorted((e.Groups ?? []).map((g) => g.GroupId ?? "").filter((x) => x !== "")),
        routeTableIds: sorted(e.RouteTableIds ?? []),
        customPolicy: !isDefaultEndpointPolicyText(e.PolicyDocument, e.ServiceName ?? ""),
      }));

      step("VPC Block Public Access");
      // A region without the feature answers that the action is not valid there: it blocks nothing.
      const bpaOptions = await call(denied, "ec2:DescribeVpcBlockPublicAccessOptions", "VPC Block Public Access", region, () =>
        unavailableAs({ $metadata: {}, VpcBlockPublicAccessOptions: { InternetGatewayBlockMode: "off" as const } }, () =>
          ec2.send(new ec2m.DescribeVpcBlockPublicAccessOptionsCommand({})),
        ),
      );
      const bpaExclusions = await call(
        denied,
        "ec2:DescribeVpcBlockPublicAccessExclusions",
        "VPC Block Public Access",
        region,
        async () => {
          const all: { ExclusionId?: string; InternetGatewayExclusionMode?: string; ResourceArn?: string; State?: string }[] = [];
          let NextToken: string | undefined;
          if (bpaOptions?.VpcBlockPublicAccessOptions?.InternetGatewayBlockMode === "off") return all;
          do {
            const page = await ec2.send(
              new ec2m.DescribeVpcBlockPublicAccessExclusionsCommand({ MaxResults: 1000, ...(NextToken ? { NextToken } : {}) }),
            );
            all.push(...(page.VpcBlockPublicAccessExclusions ?? []));
            NextToken = page.NextToken;
          } while (NextToken);
          return all;
        },
      );
      const blockPublicAccess =
        bpaOptions && bpaExclusions
          ? {
              mode: String(bpaOptions.VpcBlockPublicAccessOptions?.InternetGatewayBlockMode ?? "off"),
              exclusions: bpaExclusions
                .filter((x) => x.State === "create-complete" || x.State === "update-complete")
                .map((x) => ({
                  id: x.ExclusionId ?? "",
                  mode: String(x.InternetGatewayExclusionMode ?? ""),
                  resource: (x.ResourceArn ?? "").slice((x.ResourceArn ?? "").lastIndexOf("/") + 1),
                }))
                .sort(byId((x) => x.id)),
            }
          : null;

      // ---- what routes and rules refer to: prefix list entries, NAT instances and their ENIs ----
      const referencedLists = sorted([
        ...routeTables.flatMap((t) => t.routes.map((r) => r.destination).filter((d) => d.startsWith("pl-"))),
        ...securityGroups.flatMap((g) => [...g.ingress, ...g.egress].map((r) => r.prefixListId ?? "").filter((x) => x !== "")),
      ]);
      step("prefix lists");
      const plNames = new Map((plsR ?? []).map((p) => [p.PrefixListId ?? "", p.PrefixListName ?? ""]));
      const prefixLists = await Promise.all(
        referencedLists
          .filter((id) => plNames.has(id))
          .map(async (id) => {
            const entries = await pages(
              "ec2:GetManagedPrefixListEntries",
              "the entries of prefix lists",
              () => ec2m.paginateGetManagedPrefixListEntries(cfgSmall, { PrefixListId: id }),
              (p) => p.Entries,
            );
            return {
              id,
              name: plNames.get(id) ?? "",
              cidrs: entries ? sorted(entries.map((e) => e.Cidr ?? "").filter((c) => c !== "")) : null,
            };
          }),
      );

      const instanceTargets = sorted(routeTables.flatMap((t) => t.routes.map((r) => r.target).filter((x) => x.startsWith("i-"))));
      const eniTargets = sorted(routeTables.flatMap((t) => t.routes.map((r) => r.target).filter((x) => x.startsWith("eni-"))));
      step("instances and network interfaces that routes target");
      const filtered = async <P, T>(
        ids: readonly string[],
        action: ScanAction,
        affects: string,
        paginate: (filter: Filter) => AsyncIterable<P>,
        items: (page: P) => readonly T[] | undefined,
        name: string,
      ): Promise<T[]> => {
        const all = await Promise.all(
          chunks(ids, 200).map((c) => pages(action, affects, () => paginate({ Name: name, Values: c }), items)),
        );
        return all.flatMap((x) => x ?? []);
      };
      const instancesRaw = await filtered(
        instanceTargets,
        "ec2:DescribeInstances",
        "the instances routes send traffic to",
        (f) => ec2m.paginateDescribeInstances(cfg, { Filters: [f] }),
        (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []),
        "instance-id",
      );
      const instances: SnapInstance[] = instancesRaw.map((i) => ({
        id: i.InstanceId ?? "",
        ...nameTag(i.Tags),
        subnetId: i.SubnetId ?? null,
        state: String(i.State?.Name ?? "running"),
        instanceType: String(i.InstanceType ?? ""),
        securityGroupIds: sorted((i.SecurityGroups ?? []).map((g) => g.GroupId ?? "").filter((x) => x !== "")),
        sourceDestCheck: i.SourceDestCheck ?? true,
        publicIp: i.PublicIpAddress ?? null,
        networkInterfaceIds: (i.NetworkInterfaces ?? [])
          .slice()
          .sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0))
          .map((n) => n.NetworkInterfaceId ?? ""),
      }));
      const eniIds = sorted([...eniTargets, ...instances.flatMap((i) => i.networkInterfaceIds)]);
      const enisRaw = await filtered(
        eniIds,
        "ec2:DescribeNetworkInterfaces",
        "the network interfaces routes send traffic to",
        (f) => ec2m.paginateDescribeNetworkInterfaces(cfg, { Filters: [f] }),
        (p) => p.NetworkInterfaces,
        "network-interface-id",
      );
      const networkInterfaces: SnapNetworkInterface[] = enisRaw.map((n) => ({
        id: n.NetworkInterfaceId ?? "",
        subnetId: n.SubnetId ?? "",
        securityGroupIds: sorted((n.Groups ?? []).map((g) => g.GroupId ?? "").filter((x) => x !== "")),
        sourceDestCheck: n.SourceDestCheck ?? true,
        instanceId: n.Attachment?.InstanceId ?? null,
        publicIp: n.Association?.PublicIp ?? null,
        allocationId: n.Association?.AllocationId ?? null,
      }));

      // ---- Lambda functions and their roles ------------------------------------------------------
      const [functionsRaw, capacityProviders] = await Promise.all([functionsP, providersP]);
      const wanted = new Set(options.functions ?? []);
      const chosen = (functionsRaw ?? []).filter(
        (f) => wanted.size === 0 || wanted.has(f.FunctionName ?? "") || wanted.has(f.FunctionArn ?? ""),
      );
      const arnByName = new Map((functionsRaw ?? []).map((f) => [f.FunctionName ?? "", unqualifiedFunctionArn(f.FunctionArn ?? "")]));
      step("RDS databases and proxies");
      const databases = databaseResources(...(await databasesP));
      const endpoints = new Map(databases.flatMap((d) => d.endpoints.map((e): [string, string] => [e, d.id])));
      const functions: SnapFunction[] = chosen.map((f) => {
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(f.Environment?.Variables ?? {})) {
          // Only a reference is kept: an ARN, or the name of a function of this account and region.
          if (/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(v)) env[k] = v;
          else if (arnByName.has(v)) env[k] = arnByName.get(v) as string;
          // A database's or proxy's endpoint is not a secret: it says what the function is wired to.
          else if (endpointToken(v, endpoints) !== null) env[k] = v;
        }
        const vc = f.VpcConfig;
        return {
          name: f.FunctionName ?? "",
          arn: unqualifiedFunctionArn(f.FunctionArn ?? ""),
          runtime: f.Runtime ? String(f.Runtime) : null,
          handler: f.Handler ?? null,
          timeout: f.Timeout ?? 3,
          role: f.Role ?? null,
          vpcConfig:
            vc && (vc.SubnetIds ?? []).length > 0
              ? {
                  subnetIds: sorted(vc.SubnetIds ?? []),
                  securityGroupIds: sorted(vc.SecurityGroupIds ?? []),
                  ipv6AllowedForDualStack: vc.Ipv6AllowedForDualStack ?? false,
                }
              : null,
          capacityProviderArn: f.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig?.CapacityProviderArn ?? null,
          fileSystems: sorted((f.FileSystemConfigs ?? []).map((x) => x.Arn ?? "").filter((x) => x !== "")),
          environmentReferences: Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1))),
        };
      });
      const fileSystems = await fileSystemResources(sorted(functions.flatMap((f) => f.fileSystems)));
      step(`execution roles of ${functions.length} function${functions.length === 1 ? "" : "s"}`);
      const roles = await Promise.all(sorted(functions.map((f) => f.role ?? "").filter((r) => r !== "")).map((r) => role(r, denied)));

      return {
        region,
        denied: denied.sort(byId((d) => `${d.action} ${d.affects}`)),
        vpcs: vpcs.sort(byId((x) => x.id)),
        subnets: subnets.sort(byId((x) => x.id)),
        routeTables: routeTables.sort(byId((x) => x.id)),
        internetGateways: internetGateways.sort(byId((x) => x.id)),
        egressOnlyInternetGateways: egressOnlyInternetGateways.sort(byId((x) => x.id)),
        natGateways: natGateways.sort(byId((x) => x.id)),
        addresses: addresses.sort(byId((x) => x.allocationId)),
        networkAcls: networkAcls.sort(byId((x) => x.id)),
        securityGroups: securityGroups.sort(byId((x) => x.id)),
        prefixLists: prefixLists.sort(byId((x) => x.id)),
        vpcEndpoints: vpcEndpoints.sort(byId((x) => x.id)),
        networkInterfaces: networkInterfaces.sort(byId((x) => x.id)),
        instances: instances.sort(byId((x) => x.id)),
        functions: functions.sort(byId((x) => x.name)),
        capacityProviders: (capacityProviders ?? []).sort(byId((x) => x.name)),
        roles: roles.sort(byId((x) => x.arn)),
        blockPublicAccess,
        resources: [...databases, ...fileSystems].sort(byId((x) => `${x.type} ${x.id}`)),
      };

      /** The EFS file systems behind the access points functions mount: their mount targets and those targets' security groups. */
      async function fileSystemResources(accessPointArns: readonly string[]): Promise<SnapResource[]> {
        if (accessPointArns.length === 0) return [];
        step("EFS access points and mount targets");
        const points = await call(
          denied,
          "elasticfilesystem:DescribeAccessPoints",
          "the EFS file systems functions mount",
          region,
          async () => {
            const all: { arn: string; fileSystemId: string; ownerId: string }[] = [];
            for await (const page of efsm.paginateDescribeAccessPoints({ client: efs, pageSize: 100 }, {}))
              for (const a of page.AccessPoints ?? [])
                all.push({ arn: a.AccessPointArn ?? "", fileSystemId: a.FileSystemId ?? "", ownerId: a.OwnerId ?? account ?? "" });
            return all;
          },
        );
        const wanted = (points ?? []).filter((a) => accessPointArns.includes(a.arn) && a.fileSystemId !== "");
        const byFs = new Map<string, { arns: string[]; ownerId: string }>();
        for (const a of wanted) {
          const e = byFs.get(a.fileSystemId) ?? { arns: [], ownerId: a.ownerId };
          e.arns.push(a.arn);
          byFs.set(a.fileSystemId, e);
        }
        return Promise.all(
          [...byFs].map(async ([id, { arns, ownerId }]): Promise<SnapResource> => {
            const targets = await call(
              denied,
              "elasticfilesystem:DescribeMountTargets",
              "the mount targets of EFS file systems",
              region,
              async () => {
                const all: { id: string; subnetId: string }[] = [];
                for await (const page of efsm.paginateDescribeMountTargets({ client: efs, pageSize: 100 }, { FileSystemId: id }))
                  for (const t of page.MountTargets ?? [])
                    if (t.LifeCycleState === undefined || t.LifeCycleState === "available")
                      all.push({ id: t.MountTargetId ?? "", subnetId: t.SubnetId ?? "" });
                return all;
              },
            );
            const mountTargets =
              targets === null
                ? null
                : await Promise.all(
                    targets.map(async (t): Promise<SnapMountTarget> => {
                      const groups = await call(
                        denied,
                        "elasticfilesystem:DescribeMountTargetSecurityGroups",
                        "the security groups of EFS mount targets",
                        region,
                        () => efs.send(new efsm.DescribeMountTargetSecurityGroupsCommand({ MountTargetId: t.id })),
                      );
                      return { ...t, securityGroupIds: groups ? sorted(groups.SecurityGroups ?? []) : null };
                    }),
                  );
            return {
              id,
              arn: `arn:${partition}:elasticfilesystem:${region}:${ownerId}:file-system/${id}`,
              type: "efs-file-system",
              engine: null,
              port: null,
              endpoints: [],
              subnetIds: [],
              securityGroupIds: [],
              mountTargets: mountTargets === null ? null : mountTargets.sort(byId((t) => t.id)),
              accessPointArns: sorted(arns),
            };
          }),
        );
      }
    }
  }
}

/** A policy document as IAM returns it (URL-encoded JSON), parsed; undefined when it is not JSON. */
function parsePolicy(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  for (const candidate of [safeDecode(text), text]) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * RDS DB instances, clusters and proxies as read: endpoints, ports, security groups, and subnets
 * (a DB instance's subnet group; a cluster's, from the subnet groups of its instances, which
 * DescribeDBClusters does not list).
 */
function databaseResources(
  instances: readonly DBInstance[] | null,
  clusters: readonly DBCluster[] | null,
  proxies: readonly DBProxy[] | null,
): SnapResource[] {
  const out: SnapResource[] = [];
  const groups = (gs: readonly { VpcSecurityGroupId?: string }[] | undefined) =>
    sorted((gs ?? []).map((g) => g.VpcSecurityGroupId ?? "").filter((x) => x !== ""));
  const subnetsOf = (i: DBInstance) => (i.DBSubnetGroup?.Subnets ?? []).map((x) => x.SubnetIdentifier ?? "").filter((x) => x !== "");
  for (const i of instances ?? []) {
    if (!i.DBInstanceIdentifier || i.DBInstanceStatus === "deleting") continue;
    out.push({
      id: i.DBInstanceIdentifier,
      arn: i.DBInstanceArn ?? "",
      type: "db-instance",
      engine: i.Engine ?? null,
      port: i.Endpoint?.Port ?? i.DbInstancePort ?? null,
      endpoints: i.Endpoint?.Address ? [i.Endpoint.Address] : [],
      subnetIds: i.DBSubnetGroup ? sorted(subnetsOf(i)) : null,
      securityGroupIds: groups(i.VpcSecurityGroups),
      ...(i.DBClusterIdentifier ? { clusterId: i.DBClusterIdentifier } : {}),
    });
  }
  for (const c of clusters ?? []) {
    if (!c.DBClusterIdentifier || c.Status === "deleting") continue;
    const members = (instances ?? []).filter((i) => i.DBClusterIdentifier === c.DBClusterIdentifier && i.DBSubnetGroup);
    out.push({
      id: c.DBClusterIdentifier,
      arn: c.DBClusterArn ?? "",
      type: "db-cluster",
      engine: c.Engine ?? null,
      port: c.Port ?? null,
      endpoints: [c.Endpoint, c.ReaderEndpoint].filter((e): e is string => typeof e === "string" && e !== ""),
      subnetIds: members.length > 0 ? sorted(members.flatMap(subnetsOf)) : null,
      securityGroupIds: groups(c.VpcSecurityGroups),
    });
  }
  for (const p of proxies ?? []) {
    if (!p.DBProxyName || p.Status === "deleting") continue;
    out.push({
      id: p.DBProxyName,
      arn: p.DBProxyArn ?? "",
      type: "db-proxy",
      engine: p.EngineFamily ?? null,
      port: null,
      endpoints: p.Endpoint ? [p.Endpoint] : [],
      subnetIds: sorted(p.VpcSubnetIds ?? []),
      securityGroupIds: sorted(p.VpcSecurityGroupIds ?? []),
    });
  }
  return out;
}
