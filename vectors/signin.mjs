// A real Better Auth sign-in oracle: what would `POST /sign-in/email` answer
// for these rows? Runs the genuine better-auth package (1.6.x or 1.7.x,
// installed side by side) over its in-memory adapter. Never touches the network.
//
//   node vectors/signin.mjs < input.json > output.json
//
// Each attempt is sent through auth.handler as a real HTTP Request (in
// process), so statuses are what a browser would see, including the 500 of an
// unparsable stored hash.
//
// Input (JSON on stdin):
//   {
//     "version": "16" | "17",
//     "users":    [ component `user` rows as in a Convex export: _id, email, name,
//                   emailVerified, createdAt/updatedAt (epoch ms), ... ],
//     "accounts": [ component `account` rows: _id, userId, accountId, providerId,
//                   password, createdAt/updatedAt, ... ],
//     "attempts": [ { "email": "...", "password": "..." },          // sign-in
//                   { "kind": "reset", "email": "..." } ],             // request-password-reset
//     "requireEmailVerification": false,          // optional, default false
//     "minPasswordLength": 8, "maxPasswordLength": 128   // optional
//   }
// Rows are mapped the way the Convex adapter does: `id` = `_id`, `_id` and
// `_creationTime` dropped, numeric `*At` fields turned into Dates.
//
// Output (JSON on stdout):
//   {
//     "better_auth": "<exact version>",
//     "init_logs": [ messages logged while building the auth instance ],
//     (a log message with extra arguments appears in "logs" as message + " " + args)
//     "results": [ { "email", "kind", "status": <HTTP status>, "code": <error code or null>,
//                    "logs": [ messages ], "log_entries": [ {level, message} ],
//                    "reset_email_sent": bool (reset attempts only) } ]
//   }

import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"));
const version = String(input.version ?? "");
if (version !== "16" && version !== "17") {
  console.error('signin.mjs: "version" must be "16" or "17"');
  process.exit(2);
}
const pkg = `better-auth-${version}`;
const { betterAuth } = await import(pkg);
const { memoryAdapter } = await import(`${pkg}/adapters/memory`);
const exactVersion = JSON.parse(
  readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), "utf8"),
).version;

function mapRow(row) {
  const out = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === "_id" || k === "_creationTime") continue;
    out[k] = /At$/.test(k) && typeof v === "number" ? new Date(v) : v;
  }
  if (row._id !== undefined) out.id = row._id;
  return out;
}

const db = {
  user: (input.users ?? []).map(mapRow),
  account: (input.accounts ?? []).map(mapRow),
  session: [],
  verification: [],
};

let captured = [];
let resetSentTo = [];
const logger = {
  level: "debug",
  log: (level, message, ...args) => {
    const entry = { level, message: String(message) };
    if (args.length) {
      try {
        entry.args = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === "string" ? a : JSON.stringify(a)));
      } catch {
        entry.args = args.map(String);
      }
    }
    captured.push(entry);
  },
};

// Anything printed straight to the console (bypassing the logger) is captured too,
// so stdout stays pure JSON.
for (const method of ["log", "info", "warn", "error", "debug"]) {
  console[method] = (...args) => {
    const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" ");
    captured.push({ level: `console.${method}`, message: text.split("\n")[0] });
  };
}

const auth = betterAuth({
  database: memoryAdapter(db),
  emailAndPassword: {
    enabled: true,
    requireEmailVerification: !!input.requireEmailVerification,
    // Records the reset e-mail instead of sending anything.
    sendResetPassword: async ({ user }) => {
      resetSentTo.push(user.email);
    },
    ...(input.minPasswordLength !== undefined ? { minPasswordLength: input.minPasswordLength } : {}),
    ...(input.maxPasswordLength !== undefined ? { maxPasswordLength: input.maxPasswordLength } : {}),
  },
  secret: "x".repeat(32),
  baseURL: "http://localhost:3000",
  telemetry: { enabled: false },
  rateLimit: { enabled: false },
  logger,
});
// Force initialisation so its log lines are separated from the attempts'.
await auth.$context;
const initLogs = captured.map((e) => e.message);

// Each attempt goes through auth.handler with a real Request object, i.e. the
// same path as an HTTP POST /api/auth/sign-in/email (in process, no socket).
// Unlike auth.api.signInEmail({asResponse: true}), this turns an error thrown
// inside the endpoint (e.g. "Invalid password hash") into the HTTP 500 the
// user really gets.
const results = [];
for (const attempt of input.attempts ?? []) {
  captured = [];
  resetSentTo = [];
  const kind = attempt.kind ?? "sign-in";
  if (kind !== "sign-in" && kind !== "reset") throw new Error(`unknown attempt kind ${kind}`);
  let status = null;
  let code = null;
  try {
    const res = await auth.handler(
      new Request(`http://localhost:3000/api/auth/${kind === "reset" ? "request-password-reset" : "sign-in/email"}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:3000" },
        body: JSON.stringify(
          kind === "reset"
            ? { email: attempt.email, redirectTo: "/reset-password" }
            : { email: attempt.email, password: attempt.password },
        ),
      }),
    );
    // Let a background e-mail send finish.
    await new Promise((r) => setTimeout(r, 20));
    status = res.status;
    const text = await res.text();
    try {
      code = JSON.parse(text)?.code ?? null;
    } catch {
      /* empty or non-JSON body (e.g. the 500 answer) */
    }
  } catch (e) {
    code = `thrown: ${e?.name}: ${e?.message}`;
  }
  results.push({
    email: attempt.email,
    kind,
    status,
    code,
    logs: captured.map((e) => (e.args ? [e.message, ...e.args].join(" ") : e.message)),
    log_entries: captured,
    ...(kind === "reset" ? { reset_email_sent: resetSentTo.length > 0 } : {}),
  });
}

process.stdout.write(JSON.stringify({ better_auth: exactVersion, init_logs: initLogs, results }, null, 2) + "\n");
