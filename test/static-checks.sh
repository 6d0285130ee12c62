#!/usr/bin/env bash
# `npm test`'s first step: typecheck, lint and format check, side by side (each is single-threaded,
# and together they take about as long as eslint alone). Each one's output is held until it ends,
# so the three do not interleave; the exit status is non-zero if any of them failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

checks=(typecheck lint format:check)
pids=()
for check in "${checks[@]}"; do
  npm run --silent "$check" >"$out/$check.log" 2>&1 &
  pids+=($!)
done

failed=0
for i in "${!checks[@]}"; do
  check=${checks[$i]}
  if wait "${pids[$i]}"; then
    echo "✓ $check"
  else
    echo "✗ $check failed:"
    cat "$out/$check.log"
    failed=1
  fi
done
exit "$failed"
