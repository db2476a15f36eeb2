#!/bin/sh
# Runs the scapy interop test with Debian's python3 (which has python3-scapy).
set -e
exec /usr/bin/python3 "$(dirname "$0")/esp_interop_test.py" "$1" "$2"
