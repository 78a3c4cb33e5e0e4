#!/usr/bin/env bash
# Builds the web console into web/dist (served by the gateway from WEB_ROOT). Build time only:
# npm packages pinned by web/package-lock.json, `npm ci` only when the lockfile changed, and
# the bundle rebuilt only when a source is newer than the last build.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WEB=$ROOT/web
cd "$WEB"
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  echo "build-web: npm ci (web console)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.package-lock.json.installed
  rm -f dist/index.html  # new tools: build again
fi
if [ ! -f dist/index.html ] || [ -n "$(find index.html vite.config.ts tsconfig.json package.json src \
    -newer dist/index.html -print -quit)" ]; then
  echo "build-web: building web/dist" >&2
  npm run --silent build >&2
fi
