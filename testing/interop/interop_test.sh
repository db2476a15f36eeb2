#!/bin/bash
# Bazel entry point: runs interop_test.py (next to this script in the
# runfiles) with the ikev2_peer binary and the case names given as arguments.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
exec /usr/bin/python3 "$(dirname "$0")/interop_test.py" "$@"
