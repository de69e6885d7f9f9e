// The deployed-account loader: a snapshot (written by `scan`, or built in memory by `--aws`)
// -> one frozen network model per region, the same Model the template loaders build. Ids are
// the real ones (subnet-..., nat-..., the function's name, the role's name); locations are ARNs,
// with the `Name` tag beside them. A call the scan was refused leaves its part unknown.
import type { DiagnosticCode } from "../../aws/codes.ts";
import { awsManagedPolicyName, awsServiceOfEndpoint } from "../../aws/facts.ts";
import { databaseFacts, EFS_FILE_SYSTEM, endpointToken, engineOf, proxyFacts } from "../vpc-resources.ts";
import type { Cidr } from "../../net/ip.ts";
import { parseCidr } from "../../net/ip.ts";
import { Model } from "../../model/model.ts";
import type {
  Diagnostic,
  Entity,
  EntityRef,
  FunctionFileSystem,
  MountTarget,
  NetworkAclEntry,
  Origin,
  PolicyStatement,
  PortRange,
  Protocol,
  PublicAddress,
  Route,
  RouteDestination,
  RouteTarget,
  SecurityGroupRule,
  Unknown,
  VpcConfig,
} from "../../model/types.ts";
import { ALL_PORTS, unknown } from "../../model/types.ts";
import type { RegionSnapshot, SnapPolicy, SnapResource, SnapRole, SnapSgRule, Snapshot } from "./snapshot.ts";

/** What the text report and `files` name a region's model by: `aws://ACCOUNT/REGION`. */
export function regionLabel(snapshot: Pick<Snapshot, "account">, region: string): string {
  return `aws://${snapshot.account ?? "unknown-account"}/${region}`;
}

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

function protocolOf(p: string): Protocol | Unknown {
  const s = String(p).toLowerCase();
  if (s === "-1" || s === "all") return "all";
  if (s in PROTOCOLS) return PROTOCOLS[s] as number;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : unknown(`unknown protocol ${s}`);
}

function portsOf(protocol: Protocol | Unknown, from: number | null | undefined, to: number | null | undefined): PortRange {
  if (protocol !== 6 && protocol !== 17) return ALL_PORTS;
  if (from === null || from === undefined || from === -1) return ALL_PORTS;
  return { from: Math.max(0, from), to: Math.min(65535, to ?? from) };
}

function cidrOf(text: string | null | undefined): Cidr | Unknown {
  const c = typeof text === "string" ? parseCidr(text) : null;
  return c ? c.cidr : unknown(`not a CIDR: ${JSON.stringify(text)}`);
}

const isCidr = (c: Cidr | Unknown): c is Cidr => !("unknown" in c);

/** The last part of an ARN: `arn:aws:iam::1:role/path/Name` -> `Name`. */
function arnName(arn: string): string {
  return arn.split(/[/:]/).pop() ?? arn;
}

/** A Lambda function ARN without its version or alias (`...:function:name:prod` -> `...:function:name`). */
export function unqualifiedFunctionArn(arn: string): string {
  const parts = arn.split(":");
  return parts.length === 8 && parts[5] === "function" ? parts.slice(0, 7).join(":") : arn;
}

/** Parses an IAM policy document into statements (unknown actions when the document is unreadable). */
export function policyStatements(doc: unknown, origin: Origin): PolicyStatement[] {
  if (typeof doc !== "object" || doc === null) return [];
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const strings = (v: unknown): string[] =>
    v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : "?"));
  const out: PolicyStatement[] = [];
  for (const s of list) {
    if (typeof s !== "object" || s === null) continue;
    const st = s as Record<string, unknown>;
    const cond = typeof st.Condition === "object" && st.Condition !== null ? (st.Condition as Record<string, unknown>) : {};
    const conditionKeys = Object.values(cond).flatMap((o) => (typeof o === "object" && o !== null ? Object.keys(o) : []));
    out.push({
      effect: st.Effect === "Deny" ? "Deny" : "Allow",
      actions: st.NotAction !== undefined && st.Action === undefined ? [] : strings(st.Action),
      ...(st.NotAction !== undefined ? { notActions: strings(st.NotAction) } : {}),
      resources: st.NotResource !== undefined ? unknown("the statement uses NotResource") : strings(st.Resource ?? "*"),
      hasCondition: conditionKeys.length > 0,
      conditionKeys,
      origin,
    });
  }
  return out;
}

/** One model per region of the snapshot, in the snapshot's order. */
export function loadSnapshot(snapshot: Snapshot): Model[] {
  return snapshot.regions.map((r) => loadRegion(snapshot, r));
}

export function loadRegion(snapshot: Snapshot, rs: RegionSnapshot): Model {
  const region = rs.region;
  const account = snapshot.account ?? "";
  const partition = snapshot.partition || "aws";
  const label = regionLabel(snapshot, region);
  const entities: Entity[] = [];
  const diagnostics: Diagnostic[] = [];
  const undecided: { reason: string; location: { file: string } }[] = [];
  const arn = (type: string, id: string, owner?: string | null) => `arn:${partition}:ec2:${region}:${owner ?? account}:${type}/${id}`;
  const origin = (file: string, id: string, name?: string, extra: Partial<Origin> = {}): Origin => ({
    source: "aws",
    file,
    logicalId: id,
    ...(name !== undefined && name !== "" ? { name } : {}),
    ...extra,
  });
  const report = (code: DiagnosticCode, severity: Diagnostic["severity"], message: string, file: string, resource?: string) =>
    diagnostics.push({ code, severity, message, location: { file }, ...(resource ? { resource } : {}) });
  /** Runs one element's conversion; a malformed element is a diagnostic, never the end of the load. */
  const each = <T>(list: readonly T[], what: string, f: (x: T) => void) => {
    list.forEach((x, i) => {
      try {
        f(x);
      } catch (e) {
        report("LOAD_BAD_SNAPSHOT_ENTRY", "warning", `${what}[${i}] is malformed and was skipped: ${(e as Error).message}`, label);
      }
    });
  };

  for (const d of rs.denied) {
    const reason = `${d.action} was denied (${d.code}): ${d.affects} unknown`;
    report("AWS_ACCESS_DENIED", "warning", reason, label);
    // The network's own parts: without them no road is proven. IAM and Lambda denials leave
    // their roles and functions unknown where they are used instead.
    if (d.action.startsWith("ec2:") && d.action !== "ec2:DescribeVpcAttribute") undecided.push({ reason, location: { file: label } });
  }

  // ---- lookups -------------------------------------------------------------------------------
  const vpcIds = new Set(rs.vpcs.map((v) => v.id));
  const mainTable = new Map<string, string>();
  const explicitTable = new Map<string, string>();
  for (const rt of rs.routeTables) {
    if (rt.main) mainTable.set(rt.vpcId, rt.id);
    for (const s of rt.subnetIds) explicitTable.set(s, rt.id);
  }
  const aclOf = new Map<string, { id: string; isDefault: boolean }>();
  const defaultAcl = new Map<string, string>();
  for (const acl of rs.networkAcls) {
    if (acl.isDefault) defaultAcl.set(acl.vpcId, acl.id);
    for (const s of acl.subnetIds) aclOf.set(s, { id: acl.id, isDefault: acl.isDefault });
  }
  const defaultSg = new Map<string, string>();
  for (const sg of rs.securityGroups) if (sg.name === "default" && sg.vpcId) defaultSg.set(sg.vpcId, sg.id);
  const prefixCidrs = new Map<string, readonly Cidr[] | Unknown>();
  for (const pl of rs.prefixLists) {
    prefixCidrs.set(
      pl.id,
      pl.cidrs === null ? unknown(`the entries of prefix list ${pl.id} could not be read`) : pl.cidrs.map(cidrOf).filter(isCidr),
    );
  }
  const gatewayEndpoints = new Set(rs.vpcEndpoints.filter((e) => e.type === "Gateway").map((e) => e.id));
  const eniById = new Map(rs.networkInterfaces.map((n) => [n.id, n]));
  const deniedActions = new Set(rs.denied.map((d) => d.action));
  const whyMissing = (action: string, what: string, id: string) =>
    deniedActions.has(action)
      ? unknown(`${what} ${id}: ${action} was denied`, id)
      : unknown(`${what} ${id} was not found in the account`, id);
  // The ids each list call returned, to tell a reference to a resource the scan saw from one it could not see.
  const seen: Record<string, { ids: Set<string>; action: string; what: string }> = {
    subnet: { ids: new Set(rs.subnets.map((x) => x.id)), action: "ec2:DescribeSubnets", what: "subnet" },
    "security-group": { ids: new Set(rs.securityGroups.map((x) => x.id)), action: "ec2:DescribeSecurityGroups", what: "security group" },
    "route-table": { ids: new Set(rs.routeTables.map((x) => x.id)), action: "ec2:DescribeRouteTables", what: "route table" },
    "nat-gateway": { ids: new Set(rs.natGateways.map((x) => x.id)), action: "ec2:DescribeNatGateways", what: "NAT gateway" },
    "internet-gateway": {
      ids: new Set(rs.internetGateways.map((x) => x.id)),
      action: "ec2:DescribeInternetGateways",
      what: "internet gateway",
    },
    "egress-only-internet-gateway": {
      ids: new Set(rs.egressOnlyInternetGateways.map((x) => x.id)),
      action: "ec2:DescribeEgressOnlyInternetGateways",
      what: "egress-only internet gateway",
    },
    instance: { ids: new Set(rs.instances.map((x) => x.id)), action: "ec2:DescribeInstances", what: "instance" },
    "network-interface": {
      ids: new Set(rs.networkInterfaces.map((x) => x.id)),
      action: "ec2:DescribeNetworkInterfaces",
      what: "network interface",
    },
  };
  /** `id` when the scan saw it, else an Unknown that says why it did not (a denied call, or not in this account). */
  const ref = (kind: string, id: string): EntityRef => {
    const k = seen[kind];
    return !k || k.ids.has(id) ? id : whyMissing(k.action, k.what, id);
  };
  const refs = (kind: string, ids: readonly string[]): EntityRef[] => ids.map((id) => ref(kind, id));

  // ---- VPCs and subnets ------------------------------------------------------------------------
  each(rs.vpcs, "vpcs", (v) => {
    const o = origin(arn("vpc", v.id, v.ownerId), v.id, v.name);
    if (v.enableDnsSupport === null || v.enableDnsHostnames === null) {
      const reason = `the DNS attributes of ${v.id}: ec2:DescribeVpcAttribute was denied`;
      undecided.push({ reason, location: { file: o.file } });
    }
    entities.push({
      kind: "vpc",
      id: v.id,
      origin: o,
      cidrs: [...v.cidrs, ...v.ipv6Cidrs].map(cidrOf),
      enableDnsSupport: v.enableDnsSupport ?? true,
      enableDnsHostnames: v.enableDnsHostnames ?? false,
      mainRouteTableId: mainTable.get(v.id) ?? "",
      defaultNetworkAclId: defaultAcl.get(v.id) ?? "",
      defaultSecurityGroupId: defaultSg.get(v.id) ?? "",
    });
  });

  each(rs.subnets, "subnets", (s) => {
    const o = origin(arn("subnet", s.id, s.ownerId), s.id, s.name);
    const shared = s.ownerId !== null && account !== "" && s.ownerId !== account;
    const sharedWhy = (what: string) =>
      unknown(`${s.id} is shared from account ${s.ownerId} (AWS RAM): its ${what} belongs to that account and is not visible to this one`);
    let routeTableId: EntityRef;
    let routeTableIsMain = false;
    const explicit = explicitTable.get(s.id);
    if (explicit) routeTableId = explicit;
    else if (mainTable.has(s.vpcId)) {
      routeTableId = mainTable.get(s.vpcId) as string;
      routeTableIsMain = true;
    } else if (shared) routeTableId = sharedWhy("route table");
    else if (deniedActions.has("ec2:DescribeRouteTables"))
      routeTableId = unknown(`the route table of ${s.id}: ec2:DescribeRouteTables was denied`);
    else routeTableId = unknown(`no route table of ${s.vpcId} is associated with ${s.id}, and it has no main route table`);
    const acl = aclOf.get(s.id);
    const networkAclId: EntityRef = acl
      ? acl.id
      : shared
        ? sharedWhy("network ACL")
        : deniedActions.has("ec2:DescribeNetworkAcls")
          ? unknown(`the network ACL of ${s.id}: ec2:DescribeNetworkAcls was denied`)
          : unknown(`no network ACL is associated with ${s.id}`);
    entities.push({
      kind: "subnet",
      id: s.id,
      origin: o,
      vpcId: vpcIds.has(s.vpcId) ? s.vpcId : unknown(`VPC ${s.vpcId} is not visible`, s.vpcId),
      az: s.az,
      ...(s.azId ? { azId: s.azId } : {}),
      cidr: s.cidr === null ? unknown(`${s.id} has no IPv4 block`) : cidrOf(s.cidr),
      ipv6Cidrs: s.ipv6Cidrs.map(cidrOf),
      mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
      ipv6Native: s.ipv6Native,
      routeTableId,
      routeTableIsMain,
      networkAclId,
      networkAclIsDefault: acl?.isDefault ?? false,
    });
  });

  // ---- route tables --------------------------------------------------------------------------
  const targetOf = (t: string): RouteTarget => {
    if (t === "local") return { kind: "local" };
    const prefix = t.slice(0, t.indexOf("-") + 1);
    const kinds: Record<string, RouteTarget["kind"]> = {
      "igw-": "internet-gateway",
      "eigw-": "egress-only-internet-gateway",
      "nat-": "nat-gateway",
      "i-": "instance",
      "eni-": "network-interface",
      "vpce-": "vpc-endpoint",
      "pcx-": "vpc-peering-connection",
      "tgw-": "transit-gateway",
      "vgw-": "vpn-gateway",
      "cagw-": "carrier-gateway",
      "lgw-": "local-gateway",
    };
    if (t.startsWith("arn:") && t.includes(":core-network/")) return { kind: "core-network", id: t };
    const kind = kinds[prefix];
    if (!kind) return { kind: "none", reason: `route target ${t} is not modelled` };
    return { kind, id: ref(kind, t) } as RouteTarget;
  };
  each(rs.routeTables, "routeTables", (rt) => {
    const o = origin(arn("route-table", rt.id, rt.ownerId), rt.id, rt.name);
    const routes: Route[] = [];
    for (const r of rt.routes) {
      // Gateway endpoint routes are the endpoint's route tables in the model (as in a template).
      if (gatewayEndpoints.has(r.target)) continue;
      let destination: RouteDestination;
      if (r.destination.startsWith("pl-")) {
        destination = {
          kind: "prefix-list",
          id: r.destination,
          cidrs: prefixCidrs.get(r.destination) ?? whyMissing("ec2:DescribeManagedPrefixLists", "prefix list", r.destination),
        };
      } else {
        const c = cidrOf(r.destination);
        destination = isCidr(c) ? { kind: "cidr", cidr: c } : { kind: "unknown", reason: c.reason };
      }
      routes.push({
        destination,
        target: targetOf(r.target),
        state: r.state === "blackhole" ? "blackhole" : "active",
        origin: origin(o.file, rt.id, rt.name, { path: `route ${r.destination} -> ${r.target}` }),
      });
    }
    entities.push({ kind: "route-table", id: rt.id, origin: o, vpcId: rt.vpcId, isMain: rt.main, routes });
  });

  // ---- gateways, addresses -------------------------------------------------------------------
  each(rs.internetGateways, "internetGateways", (g) => {
    entities.push({
      kind: "internet-gateway",
      id: g.id,
      origin: origin(arn("internet-gateway", g.id), g.id, g.name),
      attachedVpcIds: [...g.vpcIds],
    });
  });
  each(rs.egressOnlyInternetGateways, "egressOnlyInternetGateways", (g) => {
    entities.push({
      kind: "egress-only-internet-gateway",
      id: g.id,
      origin: origin(arn("egress-only-internet-gateway", g.id), g.id, g.name),
      vpcId: g.vpcIds[0] ?? unknown(`${g.id} is not attached to a VPC`),
    });
  });
  const eipByAllocation = new Map(rs.addresses.map((a) => [a.allocationId, a]));
  /** An allocation the scan saw is the model's Elastic IP (priced once, as a template's); another is a bare allocation id. */
  const allocated = (allocationId: string, publicIp: string | null): PublicAddress => {
    const eip = eipByAllocation.get(allocationId);
    return eip
      ? { kind: "elastic-ip", eipId: allocationId, publicIp: publicIp ?? eip.publicIp }
      : { kind: "allocation", allocationId, publicIp };
  };
  each(rs.addresses, "addresses", (a) => {
    entities.push({
      kind: "elastic-ip",
      id: a.allocationId,
      origin: origin(arn("elastic-ip", a.allocationId), a.allocationId, a.name),
      publicIp: a.publicIp,
    });
  });
  each(rs.natGateways, "natGateways", (n) => {
    const o = origin(arn("natgateway", n.id), n.id, n.name);
    if (n.state !== "available") {
      // A NAT gateway that is deleted or failed carries nothing: routes to it show `blackhole`.
      if (n.state === "pending") report("AWS_NAT_GATEWAY_PENDING", "info", `NAT gateway ${n.id} is still pending`, o.file, n.id);
      if (n.state !== "pending") return;
    }
    const addresses: PublicAddress[] =
      n.connectivity === "private"
        ? []
        : n.addresses
            .filter((a) => a.allocationId !== null || a.publicIp !== null)
            .map((a): PublicAddress =>
              a.allocationId !== null
                ? (allocated(a.allocationId, a.publicIp) as PublicAddress)
                : { kind: "unknown", reason: `address ${a.publicIp} of ${n.id} has no allocation id` },
            );
    const azs = [...new Set(n.addresses.map((a) => a.az).filter((z): z is string => z !== null))].sort();
    entities.push({
      kind: "nat-gateway",
      id: n.id,
      origin: o,
      vpcId: n.vpcId,
      connectivity: n.connectivity,
      availability: n.availability,
      subnetId: n.availability === "regional" ? null : (n.subnetId ?? unknown(`${n.id} names no subnet`)),
      addresses,
      regionalAzs: n.availability === "regional" ? azs : [],
    });
  });

  // ---- network ACLs, security groups, prefix lists -------------------------------------------
  each(rs.networkAcls, "networkAcls", (acl) => {
    const o = origin(arn("network-acl", acl.id), acl.id, acl.name);
    const entries: NetworkAclEntry[] = acl.entries.map((e) => {
      const protocol = protocolOf(e.protocol);
      return {
        ruleNumber: e.ruleNumber,
        egress: e.egress,
        action: e.action === "allow" ? "allow" : "deny",
        protocol,
        ports: protocol === 6 || protocol === 17 ? (e.ports ?? ALL_PORTS) : ALL_PORTS,
        cidr: cidrOf(e.cidr),
        origin: origin(o.file, acl.id, acl.name, { path: `${e.egress ? "egress" : "ingress"} rule ${e.ruleNumber}` }),
      };
    });
    entities.push({ kind: "network-acl", id: acl.id, origin: o, vpcId: acl.vpcId, isDefault: acl.isDefault, entries });
  });
  each(rs.securityGroups, "securityGroups", (sg) => {
    const o = origin(arn("security-group", sg.id), sg.id, sg.name);
    const rules = (list: readonly SnapSgRule[], dir: string): SecurityGroupRule[] =>
      list.map((r) => {
        const protocol = protocolOf(r.protocol);
        const peer: SecurityGroupRule["peer"] =
          r.cidr !== undefined
            ? (() => {
                const c = cidrOf(r.cidr);
                return isCidr(c) ? { kind: "cidr" as const, cidr: c } : { kind: "unknown" as const, reason: c.reason };
              })()
            : r.groupId !== undefined
              ? { kind: "security-group", id: r.groupId }
              : r.prefixListId !== undefined
                ? { kind: "prefix-list", id: r.prefixListId }
                : { kind: "unknown", reason: "a rule with no peer" };
        return { protocol, ports: portsOf(protocol, r.fromPort, r.toPort), peer, origin: origin(o.file, sg.id, sg.name, { path: dir }) };
      });
    entities.push({
      kind: "security-group",
      id: sg.id,
      origin: o,
      vpcId: sg.vpcId,
      ingress: rules(sg.ingress, "ingress"),
      egress: rules(sg.egress, "egress"),
    });
  });
  each(rs.prefixLists, "prefixLists", (pl) => {
    const cidrs = prefixCidrs.get(pl.id);
    entities.push({
      kind: "prefix-list",
      id: pl.id,
      origin: origin(arn("prefix-list", pl.id), pl.id, pl.name),
      cidrs: cidrs && Array.isArray(cidrs) ? cidrs : [],
    });
  });

  // ---- endpoints, interfaces, instances ------------------------------------------------------
  each(rs.vpcEndpoints, "vpcEndpoints", (e) => {
    const o = origin(arn("vpc-endpoint", e.id), e.id, e.name);
    if (e.state.toLowerCase() !== "available") {
      report("AWS_ENDPOINT_NOT_AVAILABLE", "warning", `VPC endpoint ${e.id} is ${e.state}: it carries no traffic`, o.file, e.id);
      return;
    }
    const type = ["Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork"].includes(e.type)
      ? (e.type as "Interface")
      : unknown(`endpoint type ${e.type}`);
    entities.push({
      kind: "vpc-endpoint",
      id: e.id,
      origin: o,
      vpcId: e.vpcId,
      type,
      serviceName: e.serviceName,
      service: awsServiceOfEndpoint(e.serviceName, region),
      privateDnsEnabled: e.privateDnsEnabled,
      privateDnsInboundOnly: e.privateDnsInboundOnly,
      subnetIds: refs("subnet", e.subnetIds),
      securityGroupIds: refs("security-group", e.securityGroupIds),
      routeTableIds: refs("route-table", e.routeTableIds),
      hasCustomPolicy: e.customPolicy,
    });
  });
  const addressOf = (allocationId: string | null, publicIp: string | null): PublicAddress | null =>
    allocationId !== null ? allocated(allocationId, publicIp) : publicIp !== null ? { kind: "auto-assigned" } : null;
  each(rs.networkInterfaces, "networkInterfaces", (n) => {
    entities.push({
      kind: "network-interface",
      id: n.id,
      origin: origin(arn("network-interface", n.id), n.id),
      subnetId: n.subnetId,
      securityGroupIds: refs("security-group", n.securityGroupIds),
      sourceDestCheck: n.sourceDestCheck,
      instanceId: n.instanceId,
      publicAddress: addressOf(n.allocationId, n.publicIp),
    });
  });
  each(rs.instances, "instances", (i) => {
    if (i.state !== "running" && i.state !== "pending") {
      report(
        "AWS_INSTANCE_NOT_RUNNING",
        "warning",
        `instance ${i.id}, a route target, is ${i.state}: it forwards nothing`,
        arn("instance", i.id),
        i.id,
      );
    }
    const primary = i.networkInterfaceIds[0] ? eniById.get(i.networkInterfaceIds[0]) : undefined;
    const eip = rs.addresses.find((a) => a.instanceId === i.id);
    entities.push({
      kind: "instance",
      id: i.id,
      origin: origin(arn("instance", i.id), i.id, i.name),
      subnetId: i.subnetId ?? unknown(`${i.id} is in no subnet`),
      securityGroupIds: refs("security-group", i.securityGroupIds),
      sourceDestCheck: i.sourceDestCheck,
      publicAddress: eip
        ? addressOf(eip.allocationId, eip.publicIp)
        : primary
          ? addressOf(primary.allocationId, primary.publicIp)
          : i.publicIp
            ? { kind: "auto-assigned" }
            : null,
      networkInterfaceIds: [...i.networkInterfaceIds],
      instanceType: i.instanceType,
    });
  });

  // ---- Lambda and IAM ------------------------------------------------------------------------
  const functionByArn = new Map(rs.functions.map((f) => [f.arn, f.name]));
  const roleByArn = new Map(rs.roles.map((r) => [r.arn, r]));
  const cpByArn = new Map(rs.capacityProviders.map((c) => [c.arn, c.name]));
  each(rs.capacityProviders, "capacityProviders", (c) => {
    const o = origin(c.arn, c.name);
    entities.push({
      kind: "capacity-provider",
      id: c.name,
      origin: o,
      name: c.name,
      vpcConfig: {
        subnetIds: refs("subnet", c.subnetIds),
        securityGroupIds: refs("security-group", c.securityGroupIds),
        ipv6AllowedForDualStack: false,
        origin: { ...o, path: "VpcConfig" },
      },
    });
  });
  each(rs.roles, "roles", (r: SnapRole) => {
    const o = origin(r.arn, r.name);
    const statements: PolicyStatement[] = [];
    const unknownPolicies: string[] = [...r.incomplete];
    for (const p of r.policies as readonly SnapPolicy[]) {
      if (p.document === null || p.document === undefined) {
        unknownPolicies.push(p.unreadable ? `${p.arn ?? p.name}: ${p.unreadable}` : (p.arn ?? p.name));
        continue;
      }
      const where = p.kind === "inline" ? `${r.arn} (inline policy ${p.name})` : (p.arn ?? p.name);
      const managed = p.kind === "managed" && p.arn ? awsManagedPolicyName(p.arn) : null;
      const read = policyStatements(
        p.document,
        origin(where, p.kind === "inline" ? r.name : p.name, undefined, { path: `${p.kind} policy ${p.name}` }),
      );
      statements.push(...(managed ? read.map((s) => ({ ...s, policy: { kind: "aws-managed-policy" as const, name: managed } })) : read));
    }
    entities.push({ kind: "role", id: r.name, origin: o, statements, unknownPolicies, attachedPolicyResources: [] });
  });
  const deniedRoles = deniedActions.has("iam:ListRolePolicies") || deniedActions.has("iam:ListAttachedRolePolicies");

  // ---- databases, proxies and file systems -----------------------------------------------------
  /** Each endpoint address -> the token of its resource; each access point ARN -> its file system. */
  const endpointTokens = new Map<string, string>();
  const fileSystemOf = new Map<string, string>();
  const resourceIds = new Set<string>();
  each(rs.resources ?? [], "resources", (r: SnapResource) => {
    const o = origin(r.arn, r.id);
    const groups = refs("security-group", r.securityGroupIds);
    const subnetIds: EntityRef[] | Unknown =
      r.subnetIds === null
        ? unknown(`the subnets of ${r.id} are not known: the scan read no subnet group for it`)
        : refs("subnet", r.subnetIds);
    const base = { kind: "resource" as const, id: r.id, origin: o, subnetIds, securityGroupIds: groups };
    for (const e of r.endpoints) endpointTokens.set(e, `\${${r.id}.Endpoint}`);
    resourceIds.add(r.id);
    if (r.type === "db-instance" || r.type === "db-cluster") {
      const instance = r.type === "db-instance";
      entities.push({
        ...base,
        type: instance ? "AWS::RDS::DBInstance" : "AWS::RDS::DBCluster",
        ...databaseFacts(engineOf(r.engine), instance ? "DB instance" : "DB cluster", r.port),
      });
    } else if (r.type === "db-proxy") {
      entities.push({ ...base, type: "AWS::RDS::DBProxy", ...proxyFacts(r.engine ?? undefined, false) });
    } else if (r.type === "efs-file-system") {
      for (const a of r.accessPointArns ?? []) fileSystemOf.set(a, r.id);
      const mountTargets: MountTarget[] =
        r.mountTargets === null || r.mountTargets === undefined
          ? [
              {
                id: `the mount targets of ${r.id}`,
                origin: o,
                subnetId: unknown(`the mount targets of ${r.id}: elasticfilesystem:DescribeMountTargets was denied`),
                securityGroupIds: [],
              },
            ]
          : r.mountTargets.map((m) => ({
              id: m.id,
              origin: origin(`${r.arn.replace(/file-system\/.*$/, "mount-target/")}${m.id}`, m.id),
              subnetId: ref("subnet", m.subnetId),
              securityGroupIds:
                m.securityGroupIds === null
                  ? unknown(`the security groups of mount target ${m.id}: elasticfilesystem:DescribeMountTargetSecurityGroups was denied`)
                  : refs("security-group", m.securityGroupIds),
            }));
      entities.push({ ...base, type: "AWS::EFS::FileSystem", ...EFS_FILE_SYSTEM, mountTargets });
    }
  });
  /** A function's FileSystemConfigs entry: the access point's file system, or why it is not known. */
  const fileSystemEntry = (apArn: string, o: Origin): FunctionFileSystem => {
    const accessPoint = apArn.slice(apArn.lastIndexOf("/") + 1);
    const fs = fileSystemOf.get(apArn);
    if (fs) return { fileSystem: fs, accessPoint, origin: o };
    if (!deniedActions.has("elasticfilesystem:DescribeAccessPoints"))
      return { fileSystem: unknown(`access point ${apArn} was not found in the account`, apArn), accessPoint: null, origin: o };
    // Denied: the file system is not known, so the road to it is not either. The access point stands for it.
    if (!resourceIds.has(accessPoint)) {
      resourceIds.add(accessPoint);
      entities.push({
        kind: "resource",
        id: accessPoint,
        origin: origin(apArn, accessPoint),
        type: "AWS::EFS::FileSystem",
        ...EFS_FILE_SYSTEM,
        subnetIds: [],
        securityGroupIds: [],
        mountTargets: [
          {
            id: `the file system of ${accessPoint}`,
            origin: origin(apArn, accessPoint),
            subnetId: unknown(`the file system of access point ${accessPoint}: elasticfilesystem:DescribeAccessPoints was denied`),
            securityGroupIds: [],
          },
        ],
      });
    }
    return { fileSystem: accessPoint, accessPoint: null, origin: o };
  };

  each(rs.functions, "functions", (f) => {
    const o = origin(f.arn, f.name);
    const vc = f.vpcConfig;
    const vpcConfig: VpcConfig | null =
      vc && vc.subnetIds.length > 0
        ? {
            subnetIds: refs("subnet", vc.subnetIds),
            securityGroupIds: refs("security-group", vc.securityGroupIds),
            ipv6AllowedForDualStack: vc.ipv6AllowedForDualStack,
            origin: { ...o, path: "VpcConfig" },
          }
        : null;
    let roleId: EntityRef | null = null;
    if (f.role !== null) {
      const role = roleByArn.get(f.role);
      roleId = role
        ? role.name
        : unknown(deniedRoles ? `role ${f.role}: its policies could not be read` : `role ${f.role} was not read`, arnName(f.role));
    }
    // Environment values are not kept; a reference to a function of this scan is given by its
    // name (as a template's Ref gives the function), an ARN of one outside it as it is.
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.environmentReferences)) {
      environment[k] = functionByArn.get(unqualifiedFunctionArn(v)) ?? endpointToken(v, endpointTokens) ?? v;
    }
    entities.push({
      kind: "function",
      id: f.name,
      origin: o,
      name: f.name,
      vpcConfig,
      roleId,
      capacityProviderId:
        f.capacityProviderArn === null
          ? null
          : (cpByArn.get(f.capacityProviderArn) ??
            unknown(`capacity provider ${f.capacityProviderArn} was not read`, f.capacityProviderArn)),
      environment,
      code: {
        runtime: f.runtime,
        handler: f.handler,
        timeoutSeconds: f.timeout,
        source: unknown("the code of a deployed function is not read by the scan"),
      },
      // A snapshot of version 1 did not read the file systems.
      ...(rs.resources !== undefined
        ? { fileSystems: f.fileSystems.map((a) => fileSystemEntry(a, { ...o, path: "FileSystemConfigs" })) }
        : {}),
    });
  });

  // ---- VPC Block Public Access -----------------------------------------------------------------
  const bpa = rs.blockPublicAccess;
  const bpaFile = `arn:${partition}:ec2:${region}:${account}:vpc-block-public-access`;
  if (bpa === null || bpa === undefined) {
    if (!deniedActions.has("ec2:DescribeVpcBlockPublicAccessOptions") && !deniedActions.has("ec2:DescribeVpcBlockPublicAccessExclusions"))
      report("AWS_NOT_SCANNED", "warning", "the snapshot does not say whether VPC Block Public Access is on", label);
  } else {
    const modes = ["off", "block-bidirectional", "block-ingress"];
    entities.push({
      kind: "block-public-access-options",
      id: "vpc-block-public-access",
      origin: origin(bpaFile, "vpc-block-public-access"),
      mode: modes.includes(bpa.mode) ? (bpa.mode as "off") : unknown(`InternetGatewayBlockMode ${bpa.mode}`),
    });
    for (const x of bpa.exclusions) {
      const kind = x.resource.startsWith("subnet-") ? "subnet" : x.resource.startsWith("vpc-") ? "vpc" : null;
      entities.push({
        kind: "block-public-access-exclusion",
        id: x.id,
        origin: origin(arn("vpc-block-public-access-exclusion", x.id), x.id),
        scope: kind ? { kind, id: x.resource } : unknown(`exclusion ${x.id} names ${x.resource}`),
        mode: x.mode === "allow-bidirectional" || x.mode === "allow-egress" ? x.mode : unknown(`InternetGatewayExclusionMode ${x.mode}`),
      });
    }
  }

  return new Model({
    files: [label],
    region,
    entities,
    diagnostics,
    dependencies: () => new Set(),
    undecided,
  });
}
