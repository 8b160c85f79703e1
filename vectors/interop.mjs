// Interop oracle for tests/interop_better_auth.rs: the real better-auth
// hashPassword / verifyPassword of both installed versions, driven by JSON on
// stdin (passwords never go on the command line).
//
//   node vectors/interop.mjs verify < [{"stored": "...", "password": "..."}, ...]
//     -> {"versions": {"16": "1.6.x", "17": "1.7.x"},
//         "results": [{"16": {"result": true} | {"throws": "message"}, "17": ...}, ...]}
//
//   node vectors/interop.mjs hash < [{"password": "..."}, ...]
//     -> {"versions": {...}, "results": [{"16": "<salt>:<key>", "17": "<salt>:<key>"}, ...]}

import { readFileSync } from "node:fs";
import * as ba16 from "better-auth-16/crypto";
import * as ba17 from "better-auth-17/crypto";

const mode = process.argv[2];
const version = (alias) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${alias}/package.json`, import.meta.url), "utf8")).version;
const MODS = { "16": ba16, "17": ba17 };
const versions = { "16": version("better-auth-16"), "17": version("better-auth-17") };

const input = JSON.parse(readFileSync(0, "utf8"));
if (!Array.isArray(input)) {
  console.error("interop.mjs: stdin must be a JSON array");
  process.exit(2);
}

const results = [];
if (mode === "verify") {
  for (const { stored, password } of input) {
    const row = {};
    for (const [tag, mod] of Object.entries(MODS)) {
      try {
        row[tag] = { result: await mod.verifyPassword({ hash: stored, password }) };
      } catch (e) {
        row[tag] = { throws: String(e?.message) };
      }
    }
    results.push(row);
  }
} else if (mode === "hash") {
  for (const { password } of input) {
    const row = {};
    for (const [tag, mod] of Object.entries(MODS)) row[tag] = await mod.hashPassword(password);
    results.push(row);
  }
} else {
  console.error("usage: node interop.mjs verify|hash < cases.json");
  process.exit(2);
}
process.stdout.write(JSON.stringify({ versions, results }) + "\n");
