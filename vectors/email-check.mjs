// Oracle for tests/email_check_vs_zod.rs: which emails pass the check Better
// Auth runs first in signInEmail, `z.email().safeParse(email)`, with the zod
// that each installed better-auth version resolves.
//   node email-check.mjs < ["a@b.com", ...]   →   {"16": [true, ...], "17": [...], "zod": {...}}
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const emails = JSON.parse(readFileSync(0, "utf8"));
const out = { zod: {} };
for (const v of ["16", "17"]) {
  // Resolve zod from inside the better-auth package, as its own code does.
  const dir = fileURLToPath(new URL(`./node_modules/better-auth-${v}/`, import.meta.url));
  const req = createRequire(dir);
  const { z } = req("zod");
  out.zod[v] = JSON.parse(readFileSync(req.resolve("zod").replace(/index\.c?js$/, "package.json"), "utf8")).version;
  out[v] = emails.map((e) => z.email().safeParse(e).success);
}
console.log(JSON.stringify(out));
