#!/usr/bin/env bash
# Times scrypt(N=16384, r=16, p=1, 64 bytes) over the same inputs in one run:
# bascrypt single and batch, the RustCrypto `scrypt` crate (1 and THREADS
# threads), Python's hashlib.scrypt and Node's crypto.scryptSync (both
# OpenSSL, maxmem 64 MiB). Rounds are interleaved — every contender runs once
# per round, in turn — so machine noise hits them alike; the table shows
# medians over rounds of wall-clock and CPU milliseconds per hash, and ratios
# to the `scrypt` crate.
#
# usage: benches/compare.sh [ROUNDS=5] [THREADS=nproc]
# env:   CARGO_TARGET_DIR as usual; KDF_ONLY to filter the Rust contenders.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-5}
threads=${2:-$(nproc)}
per_round=3 # hashes (or batch calls) per contender per round
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT

cargo bench --quiet --bench kdf_compare --no-run 2>/dev/null
bin=$(cargo bench --bench kdf_compare --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "kdf_compare" and m.get("executable"):
        print(m["executable"])' | tail -1)

py_bench='
import hashlib, sys, time
n = int(sys.argv[1])
walls, cpus = [], []
for i in range(n):
    w, c = time.perf_counter(), time.process_time()
    hashlib.scrypt(b"password123" + bytes([i]), salt=b"00112233445566778899aabbccddeeff",
                   n=16384, r=16, p=1, dklen=64, maxmem=64 * 2**20)
    walls.append((time.perf_counter() - w) * 1000); cpus.append((time.process_time() - c) * 1000)
walls.sort(); cpus.sort()
print("Python hashlib.scrypt (OpenSSL)\t%.2f\t%.2f" % (walls[n // 2], cpus[n // 2]))
'

node_bench='
const crypto = require("crypto");
const n = Number(process.argv[1]);
const walls = [], cpus = [];
for (let i = 0; i < n; i++) {
  const w = process.hrtime.bigint(), c = process.cpuUsage();
  crypto.scryptSync(Buffer.from("password123" + i), "00112233445566778899aabbccddeeff", 64,
                    { N: 16384, r: 16, p: 1, maxmem: 64 * 1024 * 1024 });
  const cu = process.cpuUsage(c);
  walls.push(Number(process.hrtime.bigint() - w) / 1e6); cpus.push((cu.user + cu.system) / 1000);
}
walls.sort((a, b) => a - b); cpus.sort((a, b) => a - b);
console.log("Node crypto.scryptSync (OpenSSL)\t" + walls[n >> 1].toFixed(2) + "\t" + cpus[n >> 1].toFixed(2));
'

for ((round = 1; round <= rounds; round++)); do
    echo "round $round/$rounds" >&2
    "$bin" "$per_round" "$threads" | tail -n +2 >>"$raw"
    if command -v python3 >/dev/null; then python3 -c "$py_bench" "$per_round" >>"$raw"; fi
    if command -v node >/dev/null; then node -e "$node_bench" "$per_round" >>"$raw"; fi
done

python3 - "$raw" "$rounds" "$threads" <<'EOF'
import collections, statistics, sys
raw, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
wall, cpu = collections.defaultdict(list), collections.defaultdict(list)
order = []
for line in open(raw):
    name, w, c = line.rstrip("\n").split("\t")
    if name not in wall:
        order.append(name)
    wall[name].append(float(w)); cpu[name].append(float(c))
med = lambda v: statistics.median(v)
base1 = "scrypt crate, 1 thread"
baseT = f"scrypt crate, {threads} threads"
openssl = "Python hashlib.scrypt (OpenSSL)"
print(f"scrypt N=16384 r=16 p=1 dkLen=64; {rounds} interleaved rounds, medians; "
      f"batch rows: ms per hash = time of a batch / hashes in it ({threads} threads max). "
      "CPU = process CPU time, all threads: on a busy machine the wall figures "
      "include waiting for a core, the CPU figures do not.\n")
print("| implementation | wall ms/hash | CPU ms/hash | × scrypt crate (same threads), wall / CPU | × OpenSSL (Python), wall / CPU |")
print("|---|---:|---:|---:|---:|")
for name in order:
    w, c = med(wall[name]), med(cpu[name])
    threaded = ("threads" in name and not name.endswith(", 1 threads")) and "1 thread" not in name
    base = baseT if threaded and baseT in wall else base1
    ratio = lambda b: f"{w / med(wall[b]):.3f} / {c / med(cpu[b]):.3f}"
    r1 = ratio(base) if base in wall else "–"
    r2 = ratio(openssl) if openssl in wall and not threaded else "–"
    print(f"| {name} | {w:.2f} | {c:.2f} | {r1} | {r2} |")
EOF
