// Interop suite: the official JavaScript SDK (@azure/communication-phone-numbers) against
// `phonenumbers serve --access-key`. Run by interop/run.sh (make interop); by hand:
//
//   PN_ENDPOINT=https://127.0.0.1:PORT/ PN_ACCESS_KEY=<base64> NODE_EXTRA_CA_CERTS=DIR/cert.pem \
//     node interop.mjs [MODULES_DIR]
//
// MODULES_DIR is the directory whose node_modules hold the SDK (default: this one); the
// variants (e.g. common-2.3.1/) pin another @azure/communication-common. PN_EXPECT_COMMON,
// when set, is the @azure/communication-common version the SDK must have loaded.
//
// The client is built as users build it: the public PhoneNumbersClient from a connection
// string, default options (api-version 2025-06-01, the SDK's own HMAC policy and retries).
// With default options the SDK's HTTP client refuses plain http:// ("Cannot connect to ...
// while allowInsecureConnection is false"), so the server runs with --tls-self-signed DIR and
// Node trusts DIR/cert.pem through NODE_EXTRA_CA_CERTS.
// The public client has no getOperation/cancelOperation, so the suite calls them on the
// generated client it wraps (its `client` property), through the very same pipeline.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modulesDir = path.resolve(process.argv[2] ?? here);
const endpoint = mustEnv("PN_ENDPOINT");
const accessKey = mustEnv("PN_ACCESS_KEY");
const label = process.env.PN_LABEL ?? "js";

const require = createRequire(path.join(modulesDir, "package.json"));
const sdkEntry = require.resolve("@azure/communication-phone-numbers");
const { PhoneNumbersClient } = require(sdkEntry);
// The common package the SDK itself loads (resolved from the SDK's own location).
const commonEntry = createRequire(sdkEntry).resolve("@azure/communication-common");

function packageVersion(entry, name) {
  let dir = path.dirname(entry);
  while (dir !== path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      if (pkg.name === name) return pkg.version;
    } catch {
      // not here: go up
    }
    dir = path.dirname(dir);
  }
  return "?";
}

function mustEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return v;
}

const versions = {
  phoneNumbers: packageVersion(sdkEntry, "@azure/communication-phone-numbers"),
  common: packageVersion(commonEntry, "@azure/communication-common"),
};

// @azure/communication-common refuses an endpoint with a path (assertValidEndpoint), so a
// resource served path-style (serve --resource NAME) is reached from JS with the server's
// root as the endpoint and a per-call policy that puts /NAME in front of every path; it
// runs before the signing policy, so the signature covers the prefixed path.
const resourcePrefix = process.env.PN_RESOURCE_PREFIX ?? "";
const prefixPolicy = {
  name: "resourcePrefix",
  sendRequest(request, next) {
    const url = new URL(request.url);
    url.pathname = resourcePrefix + url.pathname;
    request.url = url.toString();
    return next(request);
  },
};

function newClient(key) {
  const options = resourcePrefix ? { additionalPolicies: [{ policy: prefixPolicy, position: "perCall" }] } : {};
  const client = new PhoneNumbersClient(`endpoint=${endpoint};accesskey=${key}`, options);
  const generated = client.client; // the generated PhoneNumbersClient (TypeScript-private)
  if (!generated?.phoneNumbers?.getOperation || !generated.phoneNumbers.cancelOperation) {
    throw new Error("this SDK build has no generated client with getOperation/cancelOperation");
  }
  return generated;
}

const api = newClient(accessKey).phoneNumbers;
// Another valid base64 key of the same length: the server must refuse its signatures.
const wrongKey = Buffer.from(Buffer.from(accessKey, "base64").map((b) => b ^ 0xff)).toString("base64");
const wrongApi = newClient(wrongKey).phoneNumbers;

class Fail extends Error {}
function check(cond, what) {
  if (!cond) throw new Fail(what);
}
function eq(got, want, what) {
  check(got === want, `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// What the SDK sent and got back, for a failure report: never the key or a signature.
function describeExchange(err) {
  const lines = [];
  const req = err?.request;
  if (req) {
    lines.push(`    sent: ${req.method} ${req.url}`);
    for (const [name, value] of req.headers) {
      let v = value;
      if (name.toLowerCase() === "authorization") {
        v = value.replace(/Signature=[^&\s]*/i, "Signature=<redacted>");
      }
      lines.push(`      ${name}: ${v}`);
    }
  }
  const res = err?.response;
  if (res) {
    lines.push(`    got: ${res.status}`);
    for (const [name, value] of res.headers) lines.push(`      ${name}: ${value}`);
    if (res.bodyAsText) lines.push(`      body: ${res.bodyAsText.slice(0, 500)}`);
  }
  return lines.join("\n");
}

async function expectRestError(promise, status, code, what) {
  let op;
  try {
    op = await promise;
  } catch (err) {
    try {
      check(err?.name === "RestError", `${what}: threw ${err?.name}: ${err?.message}, want a RestError`);
      eq(err.statusCode, status, `${what}: RestError.statusCode`);
      eq(err.code, code, `${what}: RestError.code`);
    } catch (fail) {
      fail.cause = err; // the exchange gets reported
      throw fail;
    }
    return err;
  }
  throw new Fail(`${what}: succeeded with ${JSON.stringify(op)}, want HTTP ${status} ${code}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const scenarios = [
  [
    "get the seed operation search-my-operation-id",
    async () => {
      const op = await api.getOperation("search-my-operation-id");
      eq(op.id, "search-my-operation-id", "id");
      eq(op.status, "succeeded", "status");
      eq(op.operationType, "search", "operationType");
      const loc = "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28";
      eq(op.resourceLocation, loc, "resourceLocation");
      eq(op.location, loc, "Location header");
      check(op.createdDateTime instanceof Date, "createdDateTime is a Date");
      eq(op.createdDateTime.toISOString(), "2020-11-19T16:31:49.048Z", "createdDateTime");
      eq(op.lastActionDateTime?.toISOString(), "2020-11-19T22:31:49.048Z", "lastActionDateTime");
      eq(op.error, undefined, "error");
    },
  ],
  [
    "unknown id: RestError 404 NotFound",
    async () => {
      await expectRestError(api.getOperation("interop-no-such-operation"), 404, "NotFound", "get unknown id");
    },
  ],
  [
    "wrong access key: RestError 401",
    async () => {
      await expectRestError(wrongApi.getOperation("search-my-operation-id"), 401, "Unauthorized", "get with a wrong key");
    },
  ],
  [
    "lifecycle running -> notStarted -> succeeded, polled with getOperation",
    async () => {
      const seen = [];
      for (let i = 0; i < 20; i++) {
        const op = await api.getOperation("interop-lifecycle");
        eq(op.id, "interop-lifecycle", "id");
        eq(op.operationType, "purchase", "operationType");
        if (seen.at(-1) !== op.status) seen.push(op.status);
        if (op.status === "succeeded") break;
        await sleep(50);
      }
      eq(seen.join(" -> "), "running -> notStarted -> succeeded", "statuses seen");
    },
  ],
  [
    "failed operation: status failed with its error",
    async () => {
      let op;
      for (let i = 0; i < 10; i++) {
        op = await api.getOperation("interop-failed");
        if (op.status !== "running") break;
        await sleep(50);
      }
      eq(op.status, "failed", "status");
      eq(op.error?.code, "InternalError", "error.code");
      eq(op.error?.message, "The server encountered an internal error.", "error.message");
    },
  ],
  [
    "getOperation through a 503 and a 429 with Retry-After: 1, waiting as asked",
    async () => {
      const start = Date.now();
      const op = await api.getOperation("interop-flaky");
      const waited = Date.now() - start;
      eq(op.id, "interop-flaky", "id");
      eq(op.status, "running", "status (the faulted requests were not polls)");
      check(waited >= 1900, `answered after ${waited} ms; the two Retry-After: 1 ask for 2000`);
    },
  ],
  [
    "cancel: cancelOperation accepts 204, then getOperation is RestError 404",
    async () => {
      const op = await api.getOperation("interop-cancel");
      eq(op.status, "running", "status before cancel");
      let status;
      await api.cancelOperation("interop-cancel", { onResponse: (raw) => (status = raw.status) });
      eq(status, 204, "cancel status");
      await expectRestError(api.getOperation("interop-cancel"), 404, "NotFound", "get after cancel");
    },
  ],
];

console.log(
  `${label}: @azure/communication-phone-numbers ${versions.phoneNumbers}, ` +
    `@azure/communication-common ${versions.common}, node ${process.version}, endpoint ${endpoint}`,
);
if (process.env.PN_EXPECT_COMMON && process.env.PN_EXPECT_COMMON !== versions.common) {
  console.log(`FAIL ${label}: loaded @azure/communication-common ${versions.common}, want ${process.env.PN_EXPECT_COMMON}`);
  process.exit(1);
}
let failed = 0;
for (const [name, run] of scenarios) {
  try {
    await run();
    console.log(`PASS ${label}: ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${label}: ${name}: ${err instanceof Fail ? err.message : `${err?.name}: ${err?.message}`}`);
    const exchange = describeExchange(err?.cause ?? err);
    if (exchange) console.log(exchange);
  }
}
console.log(`${label}: ${scenarios.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
