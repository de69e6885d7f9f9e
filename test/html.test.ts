// `check --format html -o FILE`: one self-contained page with a drawing of each function's roads (Graphviz), checked
// as text and in a real browser (Debian's chromium driven by playwright-core): it renders, logs no error, shows the
// example's subnets, NAT gateways and Elastic IPs, and asks the network for nothing.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, it } from "node:test";
import { functionDot } from "../src/report/html.ts";
import { runCli } from "./support/cli-helpers.ts";
import { checkFile, ROOT } from "./support/helpers.ts";

const EXAMPLE = "examples/nat-gateway-per-az/template.yaml";
const CHROMIUM = "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "lambda-egress-html-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("html", () => {
  it("the drawing: ENIs in AZ clusters, route tables, NAT gateways with their EIPs, the IGW, roads coloured by verdict", () => {
    const fn = checkFile(join(ROOT, EXAMPLE)).functions[0]!;
    const dot = functionDot(fn);
    assert.match(dot, /subgraph cluster_0 \{\n {4}label="us-east-1a";/);
    assert.match(dot, /subgraph cluster_1 \{\n {4}label="us-east-1b";/);
    assert.match(dot, /"nat-gateway:NatGatewayA" \[label="NatGatewayA\\nNAT gateway\\nEIP NatEipA", shape=box3d\]/);
    assert.match(dot, /"internet-gateway:InternetGateway" \[label="InternetGateway\\ninternet gateway", shape=house\]/);
    assert.match(dot, /"eni:PrivateSubnetA" -> "route-table:PrivateRouteTableA" \[color="#1a7f37"/);
  });

  it("the blocking hop is marked with its code, the road red", () => {
    const fn = checkFile(join(ROOT, "test/fixtures/function-in-public-subnet/template.yaml")).functions[0]!;
    const dot = functionDot(fn);
    assert.match(
      dot,
      /"internet-gateway:InternetGateway" \[label="InternetGateway\\ninternet gateway\\n✖ IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", shape=octagon/,
    );
    assert.match(dot, /-> "internet-gateway:InternetGateway" \[color="#cf222e"/);
    assert.doesNotMatch(dot, /"dest:internet"/, "a blocked road does not reach the destination");
  });

  it("-o FILE: one page, no script, nothing fetched; the exit code is check's", async () => {
    const out = join(dir, "report.html");
    const r = await runCli(["check", EXAMPLE, "--format", "html", "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `wrote ${out}\n`);
    const html = readFileSync(out, "utf8");
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /<script|<link|<img|@import|url\(|<!DOCTYPE svg/i);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?https?:/i);
    assert.match(html, /<svg /);
    assert.match(html, /<li><code>NatEipA<\/code><\/li><li><code>NatEipB<\/code><\/li>/);
    const bad = await runCli([
      "check",
      "test/fixtures/function-in-public-subnet/template.yaml",
      "--format",
      "html",
      "-o",
      join(dir, "bad.html"),
    ]);
    assert.equal(bad.code, 1);
    assert.match(readFileSync(join(dir, "bad.html"), "utf8"), /function-in-public-subnet/);
    const misplaced = await runCli(["check", EXAMPLE, "-o", join(dir, "x.txt")]);
    assert.equal(misplaced.code, 2);
    assert.match(misplaced.stderr, /-o FILE goes with --format html/);
  });

  it("trace --format html: the traced roads as the same page, trace's exit code", async () => {
    const out = join(dir, "trace.html");
    const r = await runCli([
      "trace",
      "test/fixtures/one-of-two-subnets-misrouted/template.yaml",
      "--function",
      "ApiClientFunction",
      "--format",
      "html",
      "-o",
      out,
    ]);
    assert.equal(r.code, 1, r.stderr);
    const html = readFileSync(out, "utf8");
    assert.match(html, /<title>lambda-egress trace: test\/fixtures\/one-of-two-subnets-misrouted\/template\.yaml<\/title>/);
    assert.match(html, /<code>internet<\/code> <span class="v" style="background:#bc4c00">partial<\/span>/);
    assert.match(html, /NO_ROUTE_TO_DESTINATION/);
    assert.match(html, /<svg /);
  });

  it("renders in chromium, offline, without console errors, showing the subnets, NATs and EIPs", async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed (apt-get install chromium): the browser test is skipped`);
      return;
    }
    const out = join(dir, "browser.html");
    assert.equal((await runCli(["check", EXAMPLE, "--format", "html", "-o", out])).code, 0);
    const { chromium } = await import("playwright-core");
    const profile = mkdtempSync(join(dir, "profile-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      await context.setOffline(true);
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) requests.push(r.url());
      });
      await page.goto(pathToFileURL(out).href, { waitUntil: "load" });
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], "the page asks the network for nothing");
      const svg = page.locator("figure.drawing svg");
      assert.equal(await svg.count(), 1);
      const box = await svg.boundingBox();
      assert.ok(box && box.width > 200 && box.height > 100, JSON.stringify(box));
      const drawn = (await svg.textContent()) ?? "";
      for (const s of [
        "PrivateSubnetA",
        "PrivateSubnetB",
        "us-east-1a",
        "us-east-1b",
        "NatGatewayA",
        "NatGatewayB",
        "EIP NatEipA",
        "EIP NatEipB",
        "InternetGateway",
      ])
        assert.ok(drawn.includes(s), `the drawing shows ${s}`);
      const shot = join(dir, "report.png");
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000, "a screenshot was written");
    } finally {
      await context.close();
    }
  });
});
