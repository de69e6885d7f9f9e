import rule from "../../src/rules/wired-resource-unreachable.ts";
import { testRule } from "../support/rule-tester.ts";
import { admitsFunctions, fn, network, PRIVATE_AB } from "../support/rule-templates.ts";

/** A PostgreSQL database in SubnetA and SubnetB behind DbSg; the function holds its address in DB_HOST. */
function wired(dbSg: string): string {
  return network(
    PRIVATE_AB,
    dbSg,
    `  DbSubnets:
    Type: AWS::RDS::DBSubnetGroup
    Properties: { DBSubnetGroupDescription: db, SubnetIds: [!Ref SubnetA, !Ref SubnetB] }
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: '20'
      MasterUsername: app
      ManageMasterUserPassword: true
      DBSubnetGroupName: !Ref DbSubnets
      VPCSecurityGroups: [!Ref DbSg]`,
    fn("Fn", ["SubnetA", "SubnetB"], { properties: ["Environment:", "  Variables:", "    DB_HOST: !GetAtt Database.Endpoint.Address"] }),
  );
}

testRule(rule, {
  valid: [{ name: "the database admits the function on 5432", yaml: wired(admitsFunctions("DbSg", 5432)) }],
  invalid: [
    {
      name: "the database admits 3306 only",
      yaml: wired(admitsFunctions("DbSg", 3306)),
      errors: [
        {
          messageId: "resourceUnreached",
          resource: "Fn",
          data: {
            fn: "Fn",
            resource: "Database",
            because: "environment DB_HOST = Database.Endpoint.Address",
            subnets: "SubnetA, SubnetB",
            blocker: "DbSg (ENI_SG_RULES_MISMATCH)",
            reason: "the security group of Database (DbSg) does not admit tcp 5432 from the function",
          },
        },
      ],
    },
  ],
  notApplicable: [{ name: "no wiring", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"])), reason: "no function is wired to a resource" }],
});
