#!/usr/bin/env bash
# Runs the README demo and checks its verdict and its show outputs.
set -euo pipefail
out="$("$1" examples/configs)"
echo "$out"
grep -q "^demo OK" <<<"$out"
grep -q "Status(Description)         : READY (Negotiation done)" <<<"$out"
grep -q "Encrypt Algorithm    : ESP_256_AES" <<<"$out"
