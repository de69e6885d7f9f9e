// How a fix names what to write, in the input's own language: a CloudFormation type for a template, a Terraform
// resource for a plan or state, the EC2 API action for a deployed account (what the console's button does).
// Sources: CloudFormation Template Reference (AWS::EC2::*), the Terraform AWS provider's resource documentation
// (aws_route_table_association, aws_internet_gateway_attachment, aws_eip, aws_eip_association,
// aws_network_interface_attachment, aws_vpc_block_public_access_exclusion), Amazon EC2 API Reference
// (AssociateRouteTable, AttachInternetGateway, AssociateAddress, AttachNetworkInterface,
// CreateVpcBlockPublicAccessExclusion).
import type { Origin } from "../model/types.ts";

export type ResourceConcept =
  | "subnet-route-table-association"
  | "internet-gateway-attachment"
  | "instance-elastic-ip"
  | "network-interface-attachment"
  | "block-public-access-exclusion";

type Language = "cloudformation" | "terraform" | "aws";

const TERMS: Readonly<Record<ResourceConcept, Readonly<Record<Language, string>>>> = {
  "subnet-route-table-association": {
    cloudformation: "AWS::EC2::SubnetRouteTableAssociation",
    terraform: "aws_route_table_association",
    aws: "EC2 AssociateRouteTable",
  },
  "internet-gateway-attachment": {
    cloudformation: "AWS::EC2::VPCGatewayAttachment",
    terraform: "aws_internet_gateway_attachment, or vpc_id on the aws_internet_gateway",
    aws: "EC2 AttachInternetGateway",
  },
  "instance-elastic-ip": {
    cloudformation: "AWS::EC2::EIP with InstanceId",
    terraform: "aws_eip with instance, or aws_eip_association",
    aws: "EC2 AllocateAddress, then AssociateAddress",
  },
  "network-interface-attachment": {
    cloudformation: "AWS::EC2::NetworkInterfaceAttachment",
    terraform: "aws_network_interface_attachment",
    aws: "EC2 AttachNetworkInterface",
  },
  "block-public-access-exclusion": {
    cloudformation: "AWS::EC2::VPCBlockPublicAccessExclusion",
    terraform: "aws_vpc_block_public_access_exclusion",
    aws: "EC2 CreateVpcBlockPublicAccessExclusion",
  },
};

/** The language a resource of this origin is written in (SAM and the implicit defaults are CloudFormation's). */
export function languageOf(source: Origin["source"]): Language {
  return source === "terraform" ? "terraform" : source === "aws" ? "aws" : "cloudformation";
}

/** What to write for `concept`, in the language of the input a resource of `source` comes from. */
export function resourceTerm(concept: ResourceConcept, source: Origin["source"]): string {
  return TERMS[concept][languageOf(source)];
}
