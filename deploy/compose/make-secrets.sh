#!/usr/bin/env bash
# Writes random JWT keys for docker-compose.yml (once; existing files are kept, so tokens
# stay valid across restarts). The folder is git-ignored and never baked into the image.
#   deploy/compose/make-secrets.sh [DIR]   default deploy/compose/secrets (MICROCOIN_SECRETS_DIR)
set -euo pipefail
DIR=${1:-${MICROCOIN_SECRETS_DIR:-$(cd "$(dirname "$0")" && pwd)/secrets}}
mkdir -p "$DIR"
chmod 700 "$DIR"
for name in jwt_secret service_jwt_secret; do
  if [ ! -s "$DIR/$name" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/$name"
    # Bind-mounted as a file, read by the image's non-root user (65534): the folder's 0700
    # keeps it private on the host.
    chmod 644 "$DIR/$name"
    echo "wrote $DIR/$name"
  fi
done
