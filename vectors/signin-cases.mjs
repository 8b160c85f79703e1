// Runs signin.mjs (the real sign-in oracle) over a fixed set of account
// situations under both Better Auth versions and writes what really happened
// to signin-observed.json (status, error code, log lines per case).
//
//   node vectors/signin-cases.mjs
//
// Stored password values come from the real hashPassword of better-auth-16.

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashPassword } from "better-auth-16/crypto";

const here = dirname(fileURLToPath(import.meta.url));
const T = 1733000000000; // a fixed epoch-ms timestamp, as Convex exports store them
let n = 0;
const users = [];
const accounts = [];
const cases = [];

/** One component user + optional accounts, and the sign-in attempts to make. */
async function person(label, { email, emailVerified = true, accountsOf = [], attempts }) {
  const uid = `u${++n}_${label}`;
  users.push({ _id: uid, _creationTime: T, name: label, email, emailVerified, createdAt: T, updatedAt: T });
  for (const a of accountsOf) {
    accounts.push({
      _id: `a${n}_${accounts.length}`,
      _creationTime: T,
      userId: uid,
      accountId: a.accountId ?? uid,
      providerId: a.providerId ?? "credential",
      ...(a.password !== undefined ? { password: a.password } : {}),
      createdAt: T,
      updatedAt: T,
    });
  }
  for (const at of attempts)
    cases.push({ label: `${label}: ${at.what}`, kind: at.kind, email: at.email ?? email, password: at.password });
}

const good = await hashPassword("password123");
const [gs, gk] = good.split(":");

await person("good", {
  email: "good@example.com",
  accountsOf: [{ password: good }],
  attempts: [
    { what: "right password", password: "password123" },
    { what: "wrong password", password: "password124" },
    { what: "email typed in uppercase", password: "password123", email: "GOOD@Example.COM" },
  ],
});
await person("unknown", {
  email: "someone@example.com",
  attempts: [{ what: "email not in user table", email: "nobody@example.com", password: "password123" }],
});
await person("oauth-only", {
  email: "oauth@example.com",
  accountsOf: [{ providerId: "github", accountId: "12345" }],
  attempts: [{ what: "no credential account", password: "password123" }],
});
await person("no-password", {
  email: "nopass@example.com",
  accountsOf: [{}],
  attempts: [{ what: "credential account without password", password: "password123" }],
});
await person("bcrypt", {
  email: "bcrypt@example.com",
  accountsOf: [{ password: "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy" }],
  attempts: [{ what: "bcrypt hash stored", password: "password123" }],
});
await person("empty-key", {
  email: "emptykey@example.com",
  accountsOf: [{ password: `${gs}:` }],
  attempts: [{ what: "stored 'salt:'", password: "password123" }],
});
await person("accountid-mismatch", {
  email: "mismatch@example.com",
  accountsOf: [{ password: good, accountId: "mismatch@example.com" }],
  attempts: [{ what: "credential accountId != user id", password: "password123" }],
});
await person("mixed-case-stored-email", {
  email: "Mixed@Example.com",
  accountsOf: [{ password: good }],
  attempts: [
    { what: "typed lowercase", email: "mixed@example.com", password: "password123" },
    { what: "typed exactly as stored", email: "Mixed@Example.com", password: "password123" },
  ],
});
await person("uppercase-key", {
  email: "upper@example.com",
  accountsOf: [{ password: `${gs}:${gk.toUpperCase()}` }],
  attempts: [{ what: "stored key uppercased", password: "password123" }],
});
await person("junk-part", {
  email: "junk@example.com",
  accountsOf: [{ password: `${good}:junk` }],
  attempts: [{ what: "stored 'salt:key:junk'", password: "password123" }],
});
const long129 = "L".repeat(129);
await person("long-129", {
  email: "long@example.com",
  accountsOf: [{ password: await hashPassword(long129) }],
  attempts: [
    { what: "129-char password (right)", password: long129 },
    { what: "128-char prefix", password: long129.slice(0, 128) },
  ],
});
await person("short", {
  email: "short@example.com",
  accountsOf: [{ password: await hashPassword("abc") }],
  attempts: [{ what: "3-char password (below the min length)", password: "abc" }],
});
await person("nfkc", {
  email: "nfkc@example.com",
  accountsOf: [{ password: await hashPassword("\uFB01nance-\uFB01le") }],
  attempts: [{ what: "ligature stored, typed plain 'fi'", password: "finance-file" }],
});
await person("unverified", {
  email: "unverified@example.com",
  emailVerified: false,
  accountsOf: [{ password: good }],
  attempts: [{ what: "emailVerified false, right password", password: "password123" }],
});
await person("two-credential", {
  email: "two@example.com",
  accountsOf: [
    { password: await hashPassword("first-password"), accountId: "legacy-id" },
    { password: await hashPassword("second-password") },
  ],
  attempts: [
    { what: "password of the first (accountId mismatch) account", password: "first-password" },
    { what: "password of the second (accountId = user id) account", password: "second-password" },
  ],
});

await person("reset", {
  email: "reset@example.com",
  accountsOf: [{ password: good }],
  attempts: [
    { what: "password reset, known email", kind: "reset" },
    { what: "password reset, unknown email", kind: "reset", email: "nobody@example.com" },
  ],
});
await person("reset-oauth-only", {
  email: "reset-oauth@example.com",
  accountsOf: [{ providerId: "google", accountId: "g-1" }],
  attempts: [{ what: "password reset, OAuth-only user", kind: "reset" }],
});

function run(version, requireEmailVerification) {
  const input = { version, users, accounts, attempts: cases.map(({ kind, email, password }) => ({ kind, email, password })), requireEmailVerification };
  const r = spawnSync(process.execPath, [join(here, "signin.mjs")], { input: JSON.stringify(input), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`signin.mjs ${version} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const observed = [];
for (const requireEmailVerification of [false, true]) {
  const out = { "16": run("16", requireEmailVerification), "17": run("17", requireEmailVerification) };
  cases.forEach((c, i) => {
    const row = { case: c.label, requireEmailVerification };
    for (const v of ["16", "17"]) {
      const r = out[v].results[i];
      row[out[v].better_auth] = {
        status: r.status,
        code: r.code,
        logs: r.logs,
        ...(r.reset_email_sent !== undefined ? { reset_email_sent: r.reset_email_sent } : {}),
      };
    }
    observed.push(row);
  });
}
writeFileSync(join(here, "signin-observed.json"), JSON.stringify(observed, null, 2) + "\n");
for (const row of observed) {
  const [a, b] = Object.keys(row).slice(2);
  const f = (x) =>
    `${x.status} ${x.code ?? ""} [${x.logs.join(" | ")}]${x.reset_email_sent !== undefined ? ` mail:${x.reset_email_sent}` : ""}`;
  console.log(`${row.requireEmailVerification ? "REV " : "    "}${row.case.padEnd(62)} ${a}: ${f(row[a]).padEnd(60)} ${b}: ${f(row[b])}`);
}
