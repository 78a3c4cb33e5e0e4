#!/usr/bin/env bash
# Installs every Debian package MicroCoin needs to build, test and run.
# Idempotent: when everything is already installed it returns in well under a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git make python3
  clang libclang-rt-14-dev clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpqxx-dev libpq-dev libhiredis-dev libsodium-dev libjwt-dev libssl-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  liburing-dev  # bench/gateway/loopback_floor --io-uring
  postgresql-15 postgresql-client-15 redis-server redis-tools
  wrk nginx-light curl procps
  docker-compose python3-yaml gettext-base
  chromium  # the web console's browser test (headless, driven by playwright-core)
)

# One dpkg-query for all packages (one per package costs over a second on a loaded machine).
declare -A installed=()
while IFS=$'\t' read -r name status; do
  if [ "$status" = "install ok installed" ]; then installed[$name]=1; fi
done < <(dpkg-query -W -f='${Package}\t${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if [ -z "${installed[$pkg]:-}" ]; then missing+=("$pkg"); fi
done

# kubectl renders deploy/k8s offline in the tests (`kubectl kustomize`). A machine that already
# has a kubectl (another distribution of it, which would conflict) keeps it; otherwise Debian's.
if ! command -v kubectl >/dev/null; then
  missing+=(kubernetes-client)
fi

# Node.js runs the OpenAPI linter at test time (never at run time). A machine that already has
# node and npm (another distribution of them) keeps them; otherwise Debian's (bookworm: Node 18,
# which runs the pinned @redocly/cli although the CLI prints that it expects Node 20.19+).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

install_packages() {
  echo "bootstrap: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # Boost 1.81's dev packages conflict with 1.74's; remove the old ones first if present.
  if dpkg-query -W -f='${Status}' libboost1.74-dev 2>/dev/null | grep -q "install ok installed"; then
    $SUDO apt-get remove -y -q libboost1.74-dev >&2 || true
  fi
  $SUDO apt-get update -q >&2
  # Don't let the Debian service scripts start system-wide PostgreSQL/Redis/nginx: we run private ones.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    policy_added=1
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  if [ $policy_added -eq 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
}

if [ ${#missing[@]} -gt 0 ]; then install_packages; fi

# npm tooling, pinned by package-lock.json; reinstalled only when the lockfile changed.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if ! cmp -s "$ROOT/package-lock.json" "$ROOT/node_modules/.package-lock.json.installed" 2>/dev/null; then
  echo "bootstrap: npm ci (OpenAPI linter)" >&2
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$ROOT/package-lock.json" "$ROOT/node_modules/.package-lock.json.installed"
fi
