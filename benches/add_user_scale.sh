#!/usr/bin/env bash
# Wall time and peak RSS of `snapshot add-user`, `set-password`, `users` and `doctor` on a generated export.
#   benches/add_user_scale.sh [USERS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release -q --example synthetic_export --bin bascrypt
bin=target/release/bascrypt
/usr/bin/time -f "generate: %e s, peak RSS %M KiB" target/release/examples/synthetic_export "$work/big.zip" "$users"
ls -l "$work/big.zip" | awk '{print "export size: " $5 " bytes"}'
hash='00112233445566778899aabbccddeeff:73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85'
/usr/bin/time -f "add-user: %e s, peak RSS %M KiB" "$bin" snapshot add-user "$work/big.zip" \
  --email new.admin@example.com --password-hash "$hash" --app-table users --app-set isAdmin=true \
  -o "$work/out.zip" >/dev/null
/usr/bin/time -f "set-password: %e s, peak RSS %M KiB" "$bin" snapshot set-password "$work/out.zip" \
  --email new.admin@example.com --password-hash "$hash" -o "$work/out2.zip" >/dev/null
/usr/bin/time -f "users: %e s, peak RSS %M KiB" "$bin" snapshot users "$work/out.zip" --json >/dev/null
# doctor exits 1 when it finds errors; the synthetic export has some on purpose.
/usr/bin/time -f "doctor (whole export): %e s, peak RSS %M KiB" "$bin" doctor "$work/out.zip" >/dev/null || [ $? -eq 1 ]
/usr/bin/time -f "doctor --email: %e s, peak RSS %M KiB" "$bin" doctor "$work/out.zip" --email new.admin@example.com >/dev/null || [ $? -eq 1 ]
