// What a fix tells the user to write, in the language of the input it read.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { languageOf, resourceTerm } from "../src/aws/resource-terms.ts";

describe("resource terms in fixes", () => {
  it("a CloudFormation type for a template (SAM and the implicit defaults too), a Terraform resource for a plan, the EC2 action for an account", () => {
    assert.equal(resourceTerm("subnet-route-table-association", "cloudformation"), "AWS::EC2::SubnetRouteTableAssociation");
    assert.equal(resourceTerm("subnet-route-table-association", "sam"), "AWS::EC2::SubnetRouteTableAssociation");
    assert.equal(resourceTerm("subnet-route-table-association", "default"), "AWS::EC2::SubnetRouteTableAssociation");
    assert.equal(resourceTerm("subnet-route-table-association", "terraform"), "aws_route_table_association");
    assert.equal(resourceTerm("subnet-route-table-association", "aws"), "EC2 AssociateRouteTable");
    assert.equal(
      resourceTerm("internet-gateway-attachment", "terraform"),
      "aws_internet_gateway_attachment, or vpc_id on the aws_internet_gateway",
    );
    assert.equal(resourceTerm("instance-elastic-ip", "aws"), "EC2 AllocateAddress, then AssociateAddress");
    assert.equal(languageOf("terraform"), "terraform");
  });
});
