// Price data for `lambda-egress cost`: every figure with where it was seen and the date of that
// source. One module; no price is written anywhere else. Researched 2026-11-22 from the AWS pricing pages
// (https://aws.amazon.com/vpc/pricing/, https://aws.amazon.com/privatelink/pricing/,
// https://aws.amazon.com/ec2/pricing/on-demand/) and the AWS Price List; each figure names its own. Refresh from the AWS Price List (offers AmazonEC2, AmazonVPC,
// AWSDataTransfer) before relying on a figure; the dates say how fresh each one is.
import { LambdaEgressError } from "../errors.ts";

/** AWS and Infracost bill a month as 730 hours (8,760 / 12). */
export const HOURS_PER_MONTH = 730;

/**
 * How sure the figure is: `confirmed` = a dated 2026 AWS source (price list, pricing page, bill);
 * `likely` = an older fixture or undated maps that agree; `unconfirmed` = one undated map or an assumption.
 */
export type Confidence = "confirmed" | "likely" | "unconfirmed";

export interface Price {
  /** USD per unit. */
  readonly usd: number;
  readonly unit: "hour" | "GB" | "GB-month";
  readonly source: string;
  /** When the source was published, read or billed (YYYY-MM-DD, a range, or YYYY-MM); null when the source is undated. */
  readonly seen: string | null;
  readonly confidence: Confidence;
}

/** A per-GB price by monthly volume: each tier up to `upToGb` (null: no upper bound). */
export interface TieredPrice {
  readonly tiers: readonly { readonly upToGb: number | null; readonly usd: number }[];
  readonly source: string;
  readonly seen: string | null;
  readonly confidence: Confidence;
}

export interface RegionPrices {
  /** Zonal NAT gateway, per gateway-hour (usage type `<PFX>-NatGateway-Hours`). */
  readonly natGatewayHour: Price;
  /** NAT gateway data processed, per GB in either direction (`<PFX>-NatGateway-Bytes`). */
  readonly natGatewayGb: Price;
  /** Regional NAT gateway, per hour in each active AZ (`<PFX>-RegionalNatGateway-Hours`). */
  readonly regionalNatGatewayHour: Price;
  /** Regional NAT gateway data processed, per GB (`<PFX>-RegionalNatGateway-Bytes`). */
  readonly regionalNatGatewayGb: Price;
  /** Interface endpoint, per endpoint per AZ-hour (`<PFX>-VpcEndpoint-Hours`); null: not in the data. */
  readonly interfaceEndpointAzHour: Price | null;
  /** Interface endpoint data processed, tiered per region and month (`<PFX>-VpcEndpoint-Bytes`); null: not in the data. */
  readonly interfaceEndpointGb: TieredPrice | null;
  /** Data transfer out to the internet, tiered per month (`<PFX>-DataTransfer-Out-Bytes`). */
  readonly internetOut: TieredPrice;
  /** EC2 on-demand Linux instance-hours by instance type (NAT instances). */
  readonly instanceHour: Readonly<Record<string, Price>>;
  /** EBS gp3 volume, per GB-month; null: not in the data. */
  readonly gp3GbMonth: Price | null;
}

/** Public IPv4 address, in use or idle, every type but BYOIP (NAT gateways' EIPs included), since 2024-02-01. */
export const PUBLIC_IPV4_HOUR: Price = {
  usd: 0.005,
  unit: "hour",
  source:
    "AWS Price List AmazonVPC <PFX>-PublicIPv4:InUseAddress / IdleAddress; AWS Networking blog 'Identify and optimize public IPv4 address usage on AWS' (all types except BYOIP, effective 2024-02-01)",
  seen: "2026-07-24",
  confidence: "confirmed",
};

/** Data transfer between AZs of one region, per GB in each direction (`<PFX>-DataTransfer-Regional-Bytes`). */
export const CROSS_AZ_GB: Price = {
  usd: 0.01,
  unit: "GB",
  source: `AWS Price List AWSDataTransfer <PFX>-DataTransfer-Regional-Bytes (transferType IntraRegion); EC2 pricing page "in each direction"`,
  seen: "2026-07-20",
  confidence: "confirmed",
};

/** Gateway endpoints (S3, DynamoDB): no hourly and no data-processing charge. */
export const GATEWAY_ENDPOINT: Price = {
  usd: 0,
  unit: "hour",
  source: `AWS VPC pricing page: "There are no data processing or hourly charges for using Gateway Type VPC endpoints" (quoted in two 2026 repositories)`,
  seen: "2026-09",
  confidence: "confirmed",
};

/**
 * How many sides of a cross-AZ transfer are billed when a Lambda ENI's traffic goes to a NAT in
 * another AZ: not confirmed (the EC2 on-demand pricing page says $0.01/GB "in each direction"); 2 (in and out, as
 * Infracost counts) by default.
 */
export const DEFAULT_CROSS_AZ_SIDES: 1 | 2 = 2;

/** Regional NAT gateways bill each AZ where they are active (very likely from AWS's launch post "Introducing Amazon VPC Regional NAT Gateway", not confirmed by a price page). */
export const REGIONAL_NAT_BILLING_NOTE =
  "a regional NAT gateway is billed per hour in each AZ where it is active and per public IPv4 address AWS allocates, one per AZ (very likely, not confirmed from AWS's pricing page)";

// ---- region data --------------------------------------------------------------------------------

const p = (usd: number, unit: Price["unit"], source: string, seen: string | null, confidence: Confidence): Price => ({
  usd,
  unit,
  source,
  seen,
  confidence,
});

const UNDATED_MAP = `undated Go map of NAT gateway prices`;

/** Internet egress tiers 10 TB / 40 TB / 100 TB / beyond (boundaries in GB, as Infracost's data_transfer.go). */
const dto = (t1: number, t2: number, t3: number, t4: number, source: string, seen: string | null, confidence: Confidence): TieredPrice => ({
  tiers: [
    { upToGb: 10240, usd: t1 },
    { upToGb: 51200, usd: t2 },
    { upToGb: 153600, usd: t3 },
    { upToGb: null, usd: t4 },
  ],
  source,
  seen,
  confidence,
});

const DTO_US_EU = (confidence: Confidence, seen: string | null, source: string) => dto(0.09, 0.085, 0.07, 0.05, source, seen, confidence);
const INFRACOST_DTO = `Infracost golden test data_transfer (2024)`;

/** Interface endpoint per-GB, first 1 PB only (the tiers beyond it are known for us-east-1 only). */
const vpceGbFirstTier = (source: string, seen: string | null, confidence: Confidence): TieredPrice => ({
  tiers: [{ upToGb: 1048576, usd: 0.01 }],
  source,
  seen,
  confidence,
});

/** NAT gateway hour and per-GB prices, zonal and regional at the same rates (https://aws.amazon.com/vpc/pricing/). */
function nat(
  hour: number,
  source: string,
  seen: string | null,
  confidence: Confidence,
  gb?: { source: string; seen: string | null; confidence: Confidence },
) {
  const g = gb ?? {
    source: `${source} (per-GB assumed equal to the hourly rate, as in every region where both were seen)`,
    seen,
    confidence: "unconfirmed" as const,
  };
  const regional = `${source}; regional NAT gateway at the zonal rates`;
  return {
    natGatewayHour: p(hour, "hour", source, seen, confidence),
    natGatewayGb: p(hour, "GB", g.source, g.seen, g.confidence),
    regionalNatGatewayHour: p(hour, "hour", regional, seen, confidence === "confirmed" ? "likely" : confidence),
    regionalNatGatewayGb: p(hour, "GB", regional, g.seen, g.confidence === "confirmed" ? "likely" : g.confidence),
  };
}

export const REGIONS: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": {
    ...nat(
      0.045,
      `AWS Price List AmazonEC2 us-east-1 NatGateway-Hours / NatGateway-Bytes (published 2026-08-17)`,
      "2026-08-17",
      "confirmed",
      {
        source: `AWS Price List AmazonEC2 us-east-1 NatGateway-Bytes (published 2026-08-17)`,
        seen: "2026-08-17",
        confidence: "confirmed",
      },
    ),
    regionalNatGatewayHour: p(
      0.045,
      "hour",
      `AWS Price List AmazonEC2 us-east-1 RegionalNatGateway-Hours (2026-09-24)`,
      "2026-09-24",
      "confirmed",
    ),
    interfaceEndpointAzHour: p(
      0.01,
      "hour",
      `AWS Price List AmazonVPC us-east-1 VpcEndpoint-Hours (published 2026-07-24)`,
      "2026-07-24",
      "confirmed",
    ),
    interfaceEndpointGb: {
      tiers: [
        { upToGb: 1048576, usd: 0.01 },
        { upToGb: 5242880, usd: 0.006 },
        { upToGb: null, usd: 0.004 },
      ],
      source: `AWS Price List AmazonVPC us-east-1 VpcEndpoint-Bytes (published 2026-07-24): first 1 PB, next 4 PB, over 5 PB`,
      seen: "2026-07-24",
      confidence: "confirmed",
    },
    internetOut: DTO_US_EU("confirmed", "2026-07-20", `AWS Price List AWSDataTransfer us-east-1 (published 2026-07-20)`),
    instanceHour: {
      "t4g.nano": p(0.0042, "hour", `fck-nat README (HEAD 2026-05-31) and many price maps`, "2026-05-31", "likely"),
      "t3.nano": p(0.0052, "hour", `open-source EC2 price maps`, null, "likely"),
      "t3.micro": p(0.0104, "hour", `open-source EC2 price maps`, null, "unconfirmed"),
    },
    gp3GbMonth: p(0.08, "GB-month", `AWS documentation table (pt-BR, 2026-08-12)`, "2026-08-12", "confirmed"),
  },
  "us-east-2": {
    ...nat(0.045, `AWS VPC pricing page worked example "US East (Ohio)" (read 2026-09-20)`, "2026-09-20", "confirmed", {
      source: `AWS VPC pricing page worked example "US East (Ohio)" (read 2026-09-20)`,
      seen: "2026-09-20",
      confidence: "confirmed",
    }),
    interfaceEndpointAzHour: null,
    interfaceEndpointGb: null,
    internetOut: DTO_US_EU("likely", "2024", INFRACOST_DTO),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "us-west-2": {
    ...nat(0.045, `AWS Price List AmazonEC2 version 20260910195514`, "2026-09-10", "confirmed", {
      source: `AWS Price List AmazonEC2 version 20260910195514`,
      seen: "2026-09-10",
      confidence: "confirmed",
    }),
    interfaceEndpointAzHour: p(0.01, "hour", `AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    interfaceEndpointGb: vpceGbFirstTier(`AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    internetOut: DTO_US_EU("likely", "2024", INFRACOST_DTO),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "ca-central-1": {
    ...nat(0.05, `AWS Price List AmazonEC2 version 20260910195514`, "2026-09-10", "confirmed", {
      source: `AWS Price List AmazonEC2 version 20260910195514`,
      seen: "2026-09-10",
      confidence: "confirmed",
    }),
    interfaceEndpointAzHour: p(0.011, "hour", `AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    interfaceEndpointGb: vpceGbFirstTier(`AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    internetOut: DTO_US_EU("likely", "2024", INFRACOST_DTO),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "eu-west-1": {
    ...nat(
      0.048,
      `AWS Price List offers/v1.0/aws/AmazonEC2/20260925174521/eu-west-1/index.json EU-NatGateway-Hours / -Bytes (publicationDate 2026-09-25, retrieved 2026-10-02)`,
      "2026-09-25",
      "confirmed",
      {
        source: `AWS Price List AmazonEC2 eu-west-1 EU-NatGateway-Bytes (publicationDate 2026-09-25)`,
        seen: "2026-09-25",
        confidence: "confirmed",
      },
    ),
    regionalNatGatewayHour: p(
      0.048,
      "hour",
      `AWS Price List AmazonEC2 eu-west-1 EU-RegionalNatGateway-Hours (2026-09-25)`,
      "2026-09-25",
      "confirmed",
    ),
    regionalNatGatewayGb: p(
      0.048,
      "GB",
      `AWS Price List AmazonEC2 eu-west-1 EU-RegionalNatGateway-Bytes (2026-09-25)`,
      "2026-09-25",
      "confirmed",
    ),
    interfaceEndpointAzHour: p(0.011, "hour", `AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    interfaceEndpointGb: vpceGbFirstTier(`AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    internetOut: DTO_US_EU("confirmed", "2026-10-02", `AWS Price List AWSDataTransfer eu-west-1 rows (retrieved 2026-10-02)`),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "eu-west-2": {
    ...nat(0.05, `AWS Price List AmazonEC2 version 20260910195514 (EUW2-NatGateway-*)`, "2026-09-10", "confirmed", {
      source: `AWS Price List AmazonEC2 version 20260910195514 (EUW2-NatGateway-Bytes)`,
      seen: "2026-09-10",
      confidence: "confirmed",
    }),
    interfaceEndpointAzHour: p(0.011, "hour", `AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    interfaceEndpointGb: vpceGbFirstTier(`AWS Price List AmazonVPC (research note, 2026-09)`, "2026-09", "confirmed"),
    internetOut: DTO_US_EU("likely", "2024", INFRACOST_DTO),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "eu-central-1": {
    ...nat(0.052, `${UNDATED_MAP}; Python test fixture EUC1-NatGateway-Hours 0.052`, null, "likely"),
    interfaceEndpointAzHour: p(0.012, "hour", `AWS Price List EUC1-VpcEndpoint-Hours (pulled ~2026-09-09)`, "2026-09-09", "confirmed"),
    interfaceEndpointGb: vpceGbFirstTier(`AWS Price List EUC1-VpcEndpoint-Bytes (pulled ~2026-09-09)`, "2026-09-09", "confirmed"),
    internetOut: DTO_US_EU("likely", "2024", INFRACOST_DTO),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "ap-northeast-1": {
    ...nat(
      0.062,
      `AWS Price List AmazonEC2/current/ap-northeast-1/index.json APN1-NatGateway-Hours (downloaded 2026-09-23, -25, -27 by three repositories; a bill of 2026-08 at $0.062/h)`,
      "2026-09-27",
      "confirmed",
      {
        source: `AWS Price List AmazonEC2/current/ap-northeast-1/index.json APN1-NatGateway-Bytes (downloaded 2026-09-23..27)`,
        seen: "2026-09-27",
        confidence: "confirmed",
      },
    ),
    regionalNatGatewayHour: p(0.062, "hour", `AWS Price List APN1-RegionalNatGateway-Hours (2026-09-27)`, "2026-09-27", "confirmed"),
    interfaceEndpointAzHour: p(0.014, "hour", `AWS Price List APN1-VpcEndpoint-Hours (2026-09-13, -23, -25)`, "2026-09-25", "confirmed"),
    interfaceEndpointGb: vpceGbFirstTier(`AWS Price List APN1-VpcEndpoint-Bytes (2026-09)`, "2026-09-25", "confirmed"),
    internetOut: dto(
      0.114,
      0.089,
      0.086,
      0.084,
      `first tier: AWS Price List AWSDataTransfer ap-northeast-1 (2026-09-23); later tiers: Infracost golden test (2024)`,
      "2026-09-23",
      "likely",
    ),
    instanceHour: {
      "t4g.nano": p(0.0054, "hour", `undated TypeScript price map`, null, "unconfirmed"),
      "t3.nano": p(0.0068, "hour", `undated price maps`, null, "unconfirmed"),
      "t3.micro": p(0.0136, "hour", `undated price maps`, null, "unconfirmed"),
    },
    gp3GbMonth: p(0.096, "GB-month", "an assumed figure, not seen in a dated source", null, "unconfirmed"),
  },
  "ap-southeast-1": {
    ...nat(0.059, `AWS Pricing API APS1-NatGateway-Hours / -Bytes (queried 2026-08-21)`, "2026-08-21", "confirmed", {
      source: `AWS Pricing API APS1-NatGateway-Bytes (queried 2026-08-21)`,
      seen: "2026-08-21",
      confidence: "confirmed",
    }),
    interfaceEndpointAzHour: p(0.013, "hour", `AWS Pricing API APS1-VpcEndpoint-Hours (queried 2026-08-21)`, "2026-08-21", "confirmed"),
    interfaceEndpointGb: null,
    internetOut: dto(0.12, 0.085, 0.082, 0.08, INFRACOST_DTO, "2024", "likely"),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "ap-southeast-2": {
    ...nat(0.059, UNDATED_MAP, null, "unconfirmed"),
    interfaceEndpointAzHour: null,
    interfaceEndpointGb: null,
    internetOut: dto(0.114, 0.098, 0.094, 0.092, INFRACOST_DTO, "2024", "likely"),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "ap-northeast-2": {
    ...nat(0.059, UNDATED_MAP, null, "unconfirmed"),
    interfaceEndpointAzHour: p(
      0.013,
      "hour",
      `Korean bill line "$0.013 per VPC Endpoint Hour" (undated, 2024 or later)`,
      null,
      "unconfirmed",
    ),
    interfaceEndpointGb: vpceGbFirstTier(`Korean bill (undated, 2024 or later)`, null, "unconfirmed"),
    internetOut: dto(0.126, 0.122, 0.117, 0.108, INFRACOST_DTO, "2024", "likely"),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "ap-south-1": {
    ...nat(0.056, `bill-derived unit price APS3-NatGateway-Hours $0.056 (bill 2026-09-16)`, "2026-09-16", "confirmed"),
    interfaceEndpointAzHour: null,
    interfaceEndpointGb: null,
    internetOut: dto(0.1093, 0.085, 0.082, 0.08, INFRACOST_DTO, "2024", "likely"),
    instanceHour: {},
    gp3GbMonth: null,
  },
  "sa-east-1": {
    ...nat(0.093, `${UNDATED_MAP} and a 2026 fallback map`, null, "unconfirmed"),
    interfaceEndpointAzHour: null,
    interfaceEndpointGb: null,
    internetOut: dto(0.15, 0.138, 0.126, 0.114, INFRACOST_DTO, "2024", "likely"),
    instanceHour: {},
    gp3GbMonth: null,
  },
};

/** The regions the price data covers, sorted. */
export const PRICED_REGIONS: readonly string[] = Object.keys(REGIONS).sort();

/** A region the price data does not cover (never a guess). */
export class PriceDataError extends LambdaEgressError {
  constructor(message: string) {
    super("input", "NO_PRICE_DATA", message);
    this.name = "PriceDataError";
  }
}

/** The prices of a region; a PriceDataError naming the regions that have data when it has none (never a guess). */
export function regionPrices(region: string): RegionPrices {
  const r = REGIONS[region];
  if (!r) throw new PriceDataError(`no price data for region ${region}; prices are known for ${PRICED_REGIONS.join(", ")}`);
  return r;
}

/** The oldest and newest dated figure among `prices` (undated ones are counted apart). */
export function dateRange(prices: readonly (Price | TieredPrice)[]): { oldest: string | null; newest: string | null; undated: number } {
  const dates = prices
    .map((x) => x.seen)
    .filter((s): s is string => s !== null)
    .sort();
  return { oldest: dates[0] ?? null, newest: dates[dates.length - 1] ?? null, undated: prices.filter((x) => x.seen === null).length };
}
