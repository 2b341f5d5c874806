#!/usr/bin/env bash
# Python's feedparser reads the feeds Broadsheet builds (see feedparser-check.ts). Needs /usr/bin/python3 with
# feedparser (Debian: python3-feedparser); says so and fails when it is missing, never skips silently.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import feedparser' 2>/dev/null; then
  echo "test:interop needs Python's feedparser for /usr/bin/python3: apt-get install python3-feedparser" >&2
  exit 1
fi
node --import tsx/esm test/interop/feedparser-check.ts
