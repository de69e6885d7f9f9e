// VPC Block Public Access: AWS::EC2::VPCBlockPublicAccessOptions (InternetGatewayBlockMode:
// block-bidirectional | block-ingress; "off" cannot be created) and
// AWS::EC2::VPCBlockPublicAccessExclusion (VpcId or SubnetId, InternetGatewayExclusionMode:
// allow-bidirectional | allow-egress). CloudFormation reference:
// aws-resource-ec2-vpcblockpublicaccessoptions.html, aws-resource-ec2-vpcblockpublicaccessexclusion.html.
import { BLOCK_PUBLIC_ACCESS_EXCLUSION_MODES, BLOCK_PUBLIC_ACCESS_MODES } from "../../../aws/facts.ts";
import type { BlockPublicAccessExclusion, BlockPublicAccessOptions, Unknown } from "../../../model/types.ts";
import { isUnknown, unknown } from "../../../model/types.ts";
import type { Value } from "../intrinsics.ts";
import type { LoaderKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";

function mode<T extends string>(kit: LoaderKit, id: string, key: string, v: Value | undefined, allowed: readonly T[]): T | Unknown {
  if (isUnknown(v)) return v;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  const what = v === undefined ? "is missing" : `${JSON.stringify(v)} is not one of ${allowed.join(", ")}`;
  kit.report("LOAD_INVALID_VALUE", "error", `${key} of ${id} ${what}`, id, key);
  return unknown(`${key} of ${id} ${what}`);
}

export function blockPublicAccessOptions(kit: LoaderKit, id: string, p: Props): BlockPublicAccessOptions {
  return {
    kind: "block-public-access-options",
    id,
    origin: kit.origin(id),
    mode: mode(kit, id, "InternetGatewayBlockMode", p.InternetGatewayBlockMode, BLOCK_PUBLIC_ACCESS_MODES),
  };
}

export function blockPublicAccessExclusion(kit: LoaderKit, id: string, p: Props): BlockPublicAccessExclusion {
  let scope: BlockPublicAccessExclusion["scope"];
  if ((p.VpcId === undefined) === (p.SubnetId === undefined)) {
    kit.report("LOAD_INVALID_VALUE", "error", `${id} must name exactly one of VpcId and SubnetId`, id);
    scope = unknown(`${id} names ${p.VpcId === undefined ? "neither" : "both"} VpcId and SubnetId`);
  } else if (p.VpcId !== undefined) {
    scope = { kind: "vpc", id: kit.ref(p.VpcId, "VpcId") ?? unknown(`${id} has an empty VpcId`) };
  } else {
    scope = { kind: "subnet", id: kit.ref(p.SubnetId, "SubnetId") ?? unknown(`${id} has an empty SubnetId`) };
  }
  return {
    kind: "block-public-access-exclusion",
    id,
    origin: kit.origin(id),
    scope,
    mode: mode(kit, id, "InternetGatewayExclusionMode", p.InternetGatewayExclusionMode, BLOCK_PUBLIC_ACCESS_EXCLUSION_MODES),
  };
}

export const ACCOUNT: readonly Converter[] = [
  {
    type: "AWS::EC2::VPCBlockPublicAccessOptions",
    phase: "account",
    convert: (k, id, p) => k.draft.others.push(blockPublicAccessOptions(k, id, p)),
  },
  {
    type: "AWS::EC2::VPCBlockPublicAccessExclusion",
    phase: "account",
    convert: (k, id, p) => k.draft.others.push(blockPublicAccessExclusion(k, id, p)),
  },
];
