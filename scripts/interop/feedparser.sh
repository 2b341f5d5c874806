#!/usr/bin/env bash
# Python's feedparser reads the feeds Broadsheet builds (see feedparser-check.ts). Needs a Python with feedparser:
# /usr/bin/python3 with Debian's python3-feedparser, or another interpreter named in FEEDPARSER_PYTHON. Says so
# and fails when it is missing, never skips silently.
set -euo pipefail
cd "$(dirname "$0")/../.."
python="${FEEDPARSER_PYTHON:-/usr/bin/python3}"
if ! "$python" -I -c 'import feedparser' 2>/dev/null; then
  echo "test:interop needs Python's feedparser for $python: apt-get install python3-feedparser (or set FEEDPARSER_PYTHON)" >&2
  exit 1
fi
FEEDPARSER_PYTHON="$python" node --import tsx/esm scripts/interop/feedparser-check.ts
