// A local stand-in for the AWS APIs `scan` calls, on 127.0.0.1 (a random port), answering the
// real SDK clients in AWS's wire formats, written from the API references' documented shapes:
// - EC2 Query (POST form, Action=DescribeSubnets&Version=2016-11-15): XML
//   `<DescribeSubnetsResponse><requestId/><subnetSet><item>...</item></subnetSet><nextToken/>`;
//   errors `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
// - IAM and STS Query (Version 2010-05-08, 2011-06-15): XML `<XResponse><XResult>...</XResult>
//   <ResponseMetadata/>`, lists as `<member>`, `IsTruncated`/`Marker`; errors `<ErrorResponse>`.
// - Lambda REST-JSON: GET /2015-03-31/functions/?Marker=&MaxItems= -> {Functions, NextMarker};
//   GET /2025-11-30/capacity-providers -> {CapacityProviders, NextMarker}; errors carry
//   `x-amzn-ErrorType`.
// - RDS Query (Version 2014-10-31): XML `<XResponse><XResult>...<Marker/></XResult>`, list members
//   named by the API's shapes (`<DBInstance>`, `<DBCluster>`, `<Subnet>`,
//   `<VpcSecurityGroupMembership>`, else `<member>`); errors `<ErrorResponse>`.
// - EFS REST-JSON: GET /2015-02-01/access-points -> {AccessPoints, NextToken};
//   GET /2015-02-01/mount-targets?FileSystemId= -> {MountTargets, NextMarker};
//   GET /2015-02-01/mount-targets/ID/security-groups -> {SecurityGroups}; errors carry `x-amzn-ErrorType`.
// The region of a request is read from its SigV4 credential scope. Pages are at most `pageSize`
// items (whatever MaxResults says), so every list is served in several pages.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** An XML element tree as plain data: arrays are EC2 `<item>` lists (IAM: `<member>`). */
export type Xml = string | number | boolean | null | undefined | readonly Xml[] | { readonly [k: string]: Xml };

/** One region's EC2 and Lambda data, in the documented wire shapes (EC2: XML element names). */
export interface FakeRegion {
  vpcs?: Record<string, Xml>[];
  /** vpc id -> { enableDnsSupport, enableDnsHostnames } */
  vpcAttributes?: Record<string, { enableDnsSupport: boolean; enableDnsHostnames: boolean }>;
  subnets?: Record<string, Xml>[];
  routeTables?: Record<string, Xml>[];
  internetGateways?: Record<string, Xml>[];
  egressOnlyInternetGateways?: Record<string, Xml>[];
  natGateways?: Record<string, Xml>[];
  addresses?: Record<string, Xml>[];
  networkAcls?: Record<string, Xml>[];
  securityGroups?: Record<string, Xml>[];
  prefixLists?: Record<string, Xml>[];
  /** prefix list id -> CIDRs */
  prefixListEntries?: Record<string, string[]>;
  vpcEndpoints?: Record<string, Xml>[];
  networkInterfaces?: Record<string, Xml>[];
  instances?: Record<string, Xml>[];
  /** Lambda FunctionConfiguration objects (JSON). */
  functions?: Record<string, unknown>[];
  capacityProviders?: Record<string, unknown>[];
  /** InternetGatewayBlockMode of VPC Block Public Access (default off). */
  blockPublicAccessMode?: string;
  blockPublicAccessExclusions?: Record<string, Xml>[];
  /** RDS DBInstance, DBCluster and DBProxy elements (XML names as in the RDS API reference). */
  dbInstances?: Record<string, Xml>[];
  dbClusters?: Record<string, Xml>[];
  dbProxies?: Record<string, Xml>[];
  /** EFS AccessPointDescription objects (JSON). */
  accessPoints?: Record<string, unknown>[];
  /** EFS MountTargetDescription objects (JSON), each with the `SecurityGroups` DescribeMountTargetSecurityGroups returns. */
  mountTargets?: (Record<string, unknown> & { SecurityGroups?: string[] })[];
}

export interface FakeAccount {
  account: string;
  regions: Record<string, FakeRegion>;
  /** IAM: role name -> inline policies (name -> document) and attached managed policy ARNs. */
  roles?: Record<string, { inline?: Record<string, unknown>; attached?: string[] }>;
  /** Managed policy ARN -> document (default version v1). */
  policies?: Record<string, unknown>;
  /** Actions (`ec2:DescribeNatGateways`) answered with the service's access-denied error. */
  deny?: string[];
  /** Actions whose first call is throttled (EC2: RequestLimitExceeded, HTTP 503). */
  throttleOnce?: string[];
  /** Actions the service does not offer here (EC2: InvalidAction, HTTP 400; Lambda: UnknownOperationException, HTTP 404). */
  unavailable?: string[];
  /** Largest page served (default 2). */
  pageSize?: number;
}

export interface Call {
  readonly action: string;
  readonly region: string;
  readonly status: number;
}

export interface FakeAws {
  readonly url: string;
  readonly calls: Call[];
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Serialises an element tree; `list` is the element name of list members (`item` or `member`). */
export function toXml(name: string, v: Xml, list: string): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return `<${name}>${v.map((x) => toXml(list, x, list)).join("")}</${name}>`;
  if (typeof v === "object") {
    const inner = Object.entries(v as Record<string, Xml>)
      .map(([k, x]) => toXml(k, x, list))
      .join("");
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${esc(String(v))}</${name}>`;
}

/** The member element of each RDS list, by the list's element name (RDS API reference shapes). */
const RDS_MEMBERS: Record<string, string> = {
  DBInstances: "DBInstance",
  DBClusters: "DBCluster",
  DBClusterMembers: "DBClusterMember",
  Subnets: "Subnet",
  VpcSecurityGroups: "VpcSecurityGroupMembership",
};

function toRdsXml(name: string, v: Xml): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return `<${name}>${v.map((x) => toRdsXml(RDS_MEMBERS[name] ?? "member", x)).join("")}</${name}>`;
  if (typeof v === "object")
    return `<${name}>${Object.entries(v as Record<string, Xml>)
      .map(([k, x]) => toRdsXml(k, x))
      .join("")}</${name}>`;
  return `<${name}>${esc(String(v))}</${name}>`;
}

function regionOf(req: IncomingMessage): string {
  const auth = String(req.headers.authorization ?? "");
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(auth)?.[1] ?? "unknown";
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** EC2 `Filter.N.Name` / `Filter.N.Value.M` as name -> values. */
function filters(form: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of form) {
    const m = /^Filter\.(\d+)\.Name$/.exec(k);
    if (!m) continue;
    const values: string[] = [];
    for (const [k2, v2] of form) if (new RegExp(`^Filter\\.${m[1]}\\.Value\\.\\d+$`).test(k2)) values.push(v2);
    out.set(v, values);
  }
  return out;
}

/** Which field of an item an EC2 filter compares. */
const FILTER_FIELDS: Record<string, string> = {
  "instance-id": "instanceId",
  "network-interface-id": "networkInterfaceId",
  "vpc-id": "vpcId",
};

/** EC2 Describe actions served as a paginated list: action -> [result element, region field]. */
const EC2_LISTS: Record<string, [string, keyof FakeRegion]> = {
  DescribeVpcs: ["vpcSet", "vpcs"],
  DescribeSubnets: ["subnetSet", "subnets"],
  DescribeRouteTables: ["routeTableSet", "routeTables"],
  DescribeInternetGateways: ["internetGatewaySet", "internetGateways"],
  DescribeEgressOnlyInternetGateways: ["egressOnlyInternetGatewaySet", "egressOnlyInternetGateways"],
  DescribeNatGateways: ["natGatewaySet", "natGateways"],
  DescribeNetworkAcls: ["networkAclSet", "networkAcls"],
  DescribeSecurityGroups: ["securityGroupInfo", "securityGroups"],
  DescribeManagedPrefixLists: ["prefixListSet", "prefixLists"],
  DescribeVpcEndpoints: ["vpcEndpointSet", "vpcEndpoints"],
  DescribeNetworkInterfaces: ["networkInterfaceSet", "networkInterfaces"],
  DescribeVpcBlockPublicAccessExclusions: ["vpcBlockPublicAccessExclusionSet", "blockPublicAccessExclusions"],
};

export async function startFakeAws(account: FakeAccount): Promise<FakeAws> {
  const calls: Call[] = [];
  const throttled = new Set<string>();
  const pageSize = account.pageSize ?? 2;
  const denied = new Set(account.deny ?? []);

  const page = <T>(items: readonly T[], token: string | null, max: string | null): { items: T[]; next: string | null } => {
    const start = token ? Number(token.replace(/^page-/, "")) : 0;
    const size = Math.min(pageSize, max ? Number(max) : pageSize);
    const next = start + size < items.length ? `page-${start + size}` : null;
    return { items: items.slice(start, start + size), next };
  };

  const send = (res: ServerResponse, status: number, type: string, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": type, "x-amzn-requestid": randomUUID(), ...headers });
    res.end(text);
  };
  const xml = (res: ServerResponse, status: number, text: string) =>
    send(res, status, "text/xml;charset=UTF-8", `<?xml version="1.0" encoding="UTF-8"?>\n${text}`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const region = regionOf(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");

    // ---- Lambda (REST-JSON) --------------------------------------------------------------------
    if (
      req.method === "GET" &&
      (url.pathname.startsWith("/2015-03-31/functions") || url.pathname.startsWith("/2025-11-30/capacity-providers"))
    ) {
      const fns = url.pathname.startsWith("/2015-03-31");
      const action = fns ? "lambda:ListFunctions" : "lambda:ListCapacityProviders";
      let status = 200;
      if (denied.has(action)) status = 403;
      else if ((account.unavailable ?? []).includes(action)) status = 404;
      else if ((account.throttleOnce ?? []).includes(action) && !throttled.has(action)) status = 429;
      calls.push({ action, region, status });
      if (status === 403)
        return send(res, 403, "application/json", JSON.stringify({ Message: `User is not authorized to perform: ${action}` }), {
          "x-amzn-errortype": "AccessDeniedException",
        });
      if (status === 404)
        return send(res, 404, "application/json", JSON.stringify({ message: "Unknown operation" }), {
          "x-amzn-errortype": "UnknownOperationException",
        });
      if (status === 429) {
        throttled.add(action);
        return send(res, 429, "application/json", JSON.stringify({ message: "Rate exceeded", Type: "User" }), {
          "x-amzn-errortype": "TooManyRequestsException",
        });
      }
      const r = account.regions[region] ?? {};
      const all = (fns ? r.functions : r.capacityProviders) ?? [];
      const p = page(all, url.searchParams.get("Marker"), url.searchParams.get("MaxItems"));
      return send(
        res,
        200,
        "application/json",
        JSON.stringify({ [fns ? "Functions" : "CapacityProviders"]: p.items, ...(p.next ? { NextMarker: p.next } : {}) }),
      );
    }

    // ---- EFS (REST-JSON) ------------------------------------------------------------------------
    if (req.method === "GET" && url.pathname.startsWith("/2015-02-01/")) {
      const groups = /^\/2015-02-01\/mount-targets\/([^/]+)\/security-groups$/.exec(url.pathname);
      const action = groups
        ? "elasticfilesystem:DescribeMountTargetSecurityGroups"
        : url.pathname === "/2015-02-01/access-points"
          ? "elasticfilesystem:DescribeAccessPoints"
          : "elasticfilesystem:DescribeMountTargets";
      const status = denied.has(action) ? 403 : 200;
      calls.push({ action, region, status });
      if (status === 403)
        return send(
          res,
          403,
          "application/json",
          JSON.stringify({ ErrorCode: "AccessDeniedException", Message: `not authorized to perform: ${action}` }),
          {
            "x-amzn-errortype": "AccessDeniedException",
          },
        );
      const r = account.regions[region] ?? {};
      if (groups) {
        const t = (r.mountTargets ?? []).find((m) => m.MountTargetId === decodeURIComponent(groups[1] as string));
        if (!t)
          return send(res, 404, "application/json", JSON.stringify({ ErrorCode: "MountTargetNotFound", Message: "no such mount target" }), {
            "x-amzn-errortype": "MountTargetNotFound",
          });
        return send(res, 200, "application/json", JSON.stringify({ SecurityGroups: t.SecurityGroups ?? [] }));
      }
      if (action === "elasticfilesystem:DescribeAccessPoints") {
        const p = page(r.accessPoints ?? [], url.searchParams.get("NextToken"), url.searchParams.get("MaxResults"));
        return send(res, 200, "application/json", JSON.stringify({ AccessPoints: p.items, ...(p.next ? { NextToken: p.next } : {}) }));
      }
      const fsId = url.searchParams.get("FileSystemId");
      const targets = (r.mountTargets ?? []).filter((m) => m.FileSystemId === fsId).map(({ SecurityGroups: _sg, ...m }) => m);
      const p = page(targets, url.searchParams.get("Marker"), url.searchParams.get("MaxItems"));
      return send(res, 200, "application/json", JSON.stringify({ MountTargets: p.items, ...(p.next ? { NextMarker: p.next } : {}) }));
    }

    if (req.method !== "POST") return send(res, 404, "text/plain", "not found");
    const form = new URLSearchParams(await body(req));
    const act = form.get("Action") ?? "";
    const version = form.get("Version") ?? "";
    const service =
      version === "2016-11-15"
        ? "ec2"
        : version === "2010-05-08"
          ? "iam"
          : version === "2011-06-15"
            ? "sts"
            : version === "2014-10-31"
              ? "rds"
              : "unknown";
    const action = `${service}:${act}`;
    const requestId = randomUUID();

    // ---- errors --------------------------------------------------------------------------------
    const isThrottled = (account.throttleOnce ?? []).includes(action) && !throttled.has(action);
    if (denied.has(action) || isThrottled) {
      const status = denied.has(action) ? 403 : service === "ec2" ? 503 : 400;
      calls.push({ action, region, status });
      if (isThrottled) throttled.add(action);
      const code = denied.has(action)
        ? service === "ec2"
          ? "UnauthorizedOperation"
          : "AccessDenied"
        : service === "ec2"
          ? "RequestLimitExceeded"
          : "Throttling";
      const message = denied.has(action)
        ? `You are not authorized to perform this operation. User: arn:aws:iam::${account.account}:user/test is not authorized to perform: ${action}`
        : "Request limit exceeded.";
      if (service === "ec2")
        return xml(
          res,
          status,
          `<Response><Errors><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        );
      return xml(
        res,
        status,
        `<ErrorResponse xmlns="https://${service}.amazonaws.com/doc/${version}/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
    if ((account.unavailable ?? []).includes(action)) {
      calls.push({ action, region, status: 400 });
      return xml(
        res,
        400,
        `<Response><Errors><Error><Code>InvalidAction</Code><Message>The action ${esc(act)} is not valid for this web service.</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      );
    }
    calls.push({ action, region, status: 200 });

    // ---- STS, IAM (Query, `<member>` lists) ----------------------------------------------------
    const query = (result: Record<string, Xml>) =>
      xml(
        res,
        200,
        `<${act}Response xmlns="https://${service}.amazonaws.com/doc/${version}/">${toXml(`${act}Result`, result, "member")}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${act}Response>`,
      );
    const iamError = (status: number, code: string, message: string) =>
      xml(
        res,
        status,
        `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    if (action === "sts:GetCallerIdentity") {
      return query({ Arn: `arn:aws:iam::${account.account}:user/test`, UserId: "AIDAEXAMPLEUSERID", Account: account.account });
    }
    if (service === "iam") {
      const roleName = form.get("RoleName") ?? "";
      const role = account.roles?.[roleName];
      const policyArn = form.get("PolicyArn") ?? "";
      const truncated = (items: Xml[], key: string) => {
        const p = page(items, form.get("Marker"), form.get("MaxItems"));
        return query({ [key]: p.items, IsTruncated: p.next !== null, ...(p.next ? { Marker: p.next } : {}) });
      };
      if ((act === "ListRolePolicies" || act === "ListAttachedRolePolicies" || act === "GetRolePolicy") && !role)
        return iamError(404, "NoSuchEntity", `The role with name ${roleName} cannot be found.`);
      if (act === "ListRolePolicies") return truncated(Object.keys(role?.inline ?? {}).sort(), "PolicyNames");
      if (act === "ListAttachedRolePolicies")
        return truncated(
          (role?.attached ?? []).map((a) => ({ PolicyName: a.slice(a.lastIndexOf("/") + 1), PolicyArn: a })),
          "AttachedPolicies",
        );
      if (act === "GetRolePolicy") {
        const name = form.get("PolicyName") ?? "";
        const doc = role?.inline?.[name];
        if (doc === undefined) return iamError(404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`);
        return query({ RoleName: roleName, PolicyName: name, PolicyDocument: encodeURIComponent(JSON.stringify(doc)) });
      }
      if (act === "GetPolicy" || act === "GetPolicyVersion") {
        const doc = account.policies?.[policyArn];
        if (doc === undefined) return iamError(404, "NoSuchEntity", `Policy ${policyArn} does not exist or is not attachable.`);
        if (act === "GetPolicy")
          return query({
            Policy: {
              PolicyName: policyArn.slice(policyArn.lastIndexOf("/") + 1),
              Arn: policyArn,
              DefaultVersionId: "v1",
              AttachmentCount: 1,
              IsAttachable: true,
            },
          });
        return query({ PolicyVersion: { Document: encodeURIComponent(JSON.stringify(doc)), VersionId: "v1", IsDefaultVersion: true } });
      }
      return iamError(400, "InvalidAction", `Could not find operation ${act}`);
    }

    // ---- RDS (Query, members named by their shapes) ---------------------------------------------
    if (service === "rds") {
      const r = account.regions[region] ?? {};
      const lists: Record<string, [string, Record<string, Xml>[] | undefined]> = {
        DescribeDBInstances: ["DBInstances", r.dbInstances],
        DescribeDBClusters: ["DBClusters", r.dbClusters],
        DescribeDBProxies: ["DBProxies", r.dbProxies],
      };
      const listed = lists[act];
      if (!listed)
        return xml(
          res,
          400,
          `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>no ${esc(act)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      const p = page(listed[1] ?? [], form.get("Marker"), form.get("MaxRecords"));
      return xml(
        res,
        200,
        `<${act}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${act}Result>${toRdsXml(listed[0], p.items)}${p.next ? `<Marker>${p.next}</Marker>` : ""}</${act}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${act}Response>`,
      );
    }

    // ---- EC2 (Query, `<item>` lists) -----------------------------------------------------------
    const r = account.regions[region] ?? {};
    const ec2 = (inner: Record<string, Xml>) =>
      xml(
        res,
        200,
        `<${act}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${Object.entries(inner)
          .map(([k, v]) => toXml(k, v, "item"))
          .join("")}</${act}Response>`,
      );
    const ec2Error = (status: number, code: string, message: string) =>
      xml(
        res,
        status,
        `<Response><Errors><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      );
    const filtered = (items: readonly Record<string, Xml>[]) => {
      let out = items;
      for (const [name, values] of filters(form)) {
        const field = FILTER_FIELDS[name];
        if (!field) continue;
        out = out.filter((x) => values.includes(String(x[field])));
      }
      return out;
    };
    const listed = EC2_LISTS[act];
    if (listed) {
      const [element, key] = listed;
      const p = page(filtered((r[key] as Record<string, Xml>[] | undefined) ?? []), form.get("NextToken"), form.get("MaxResults"));
      return ec2({ [element]: p.items, ...(p.next ? { nextToken: p.next } : {}) });
    }
    if (act === "DescribeAddresses") return ec2({ addressesSet: r.addresses ?? [] });
    if (act === "DescribeVpcBlockPublicAccessOptions")
      return ec2({
        vpcBlockPublicAccessOptions: {
          awsAccountId: account.account,
          awsRegion: region,
          state: "default-state",
          internetGatewayBlockMode: r.blockPublicAccessMode ?? "off",
          exclusionsAllowed: "allowed",
        },
      });
    if (act === "DescribeVpcAttribute") {
      const vpcId = form.get("VpcId") ?? "";
      const attr = form.get("Attribute") as "enableDnsSupport" | "enableDnsHostnames";
      const a = r.vpcAttributes?.[vpcId];
      if (!a) return ec2Error(400, "InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
      return ec2({ vpcId, [attr]: { value: a[attr] } });
    }
    if (act === "GetManagedPrefixListEntries") {
      const id = form.get("PrefixListId") ?? "";
      const entries = r.prefixListEntries?.[id];
      if (!entries) return ec2Error(400, "InvalidPrefixListID.NotFound", `The prefix list ID '${id}' does not exist`);
      const p = page(
        entries.map((cidr) => ({ cidr })),
        form.get("NextToken"),
        form.get("MaxResults"),
      );
      return ec2({ entrySet: p.items, ...(p.next ? { nextToken: p.next } : {}) });
    }
    if (act === "DescribeInstances") {
      const p = page(filtered(r.instances ?? []), form.get("NextToken"), form.get("MaxResults"));
      return ec2({
        reservationSet: p.items.map((i) => ({
          reservationId: `r-${String(i.instanceId).slice(2)}`,
          ownerId: account.account,
          instancesSet: [i],
        })),
        ...(p.next ? { nextToken: p.next } : {}),
      });
    }
    return ec2Error(400, "InvalidAction", `The action ${act} is not valid for this web service.`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, "text/plain", String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The environment that points the SDK at the fake: endpoint, fake credentials, region. */
export function fakeAwsEnv(fake: FakeAws, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NO_COLOR: "1",
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}
