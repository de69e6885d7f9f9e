// scan, snapshots and check --aws, with the real AWS SDK clients against a local server that
// answers in AWS's wire formats (test/support/aws-server.ts).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./cli-helpers.ts";
import { seedAccount } from "./support/aws-account.ts";
import type { FakeAccount } from "./support/aws-server.ts";
import { fakeAwsEnv, startFakeAws } from "./support/aws-server.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-scan-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function withFake<T>(
  account: FakeAccount,
  f: (env: Record<string, string>, calls: { action: string; status: number }[]) => Promise<T>,
): Promise<T> {
  const fake = await startFakeAws(account);
  try {
    return await f(fakeAwsEnv(fake), fake.calls);
  } finally {
    await fake.close();
  }
}

describe("smoke", () => {
  it("scans", async () => {
    await withFake(seedAccount(), async (env, calls) => {
      const out = join(dir, "s.json");
      const r = await runCli(["scan", "-o", out], env);
      console.log(r.code, r.stderr);
      console.log(readFileSync(out, "utf8").slice(0, 3000));
      const c = await runCli(["check", out], env);
      console.log(c.code, c.stdout, c.stderr);
      console.log(calls.map((x) => `${x.action} ${x.status}`).join("\n"));
    });
  });
});
