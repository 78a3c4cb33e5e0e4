#!/bin/sh
# Entry point of the MicroCoin image: `<binary> [args]` where binary is gateway, quotes,
# tradeledger or monolith. Secrets may be given as files (Docker/Compose secrets, Kubernetes
# secret volumes): FOO_FILE=/run/secrets/foo sets FOO from that file, so no secret has to
# sit in the environment of `docker inspect` or in the image.
set -eu

for name in JWT_SECRET SERVICE_JWT_SECRET POSTGRES_URL; do
  file=$(eval "printf '%s' \"\${${name}_FILE:-}\"")
  if [ -n "$file" ]; then
    if [ ! -r "$file" ]; then
      echo "docker-entrypoint: ${name}_FILE: cannot read $file" >&2
      exit 2
    fi
    # Trailing newlines of the file are not part of the secret.
    value=$(cat "$file")
    export "$name=$value"
    unset "${name}_FILE"
  fi
done

binary=${1:-gateway}
case "$binary" in
  gateway|quotes|tradeledger|monolith) shift || true; exec "/usr/local/bin/$binary" "$@" ;;
  *) exec "$@" ;;  # anything else (a shell, for debugging) runs as given
esac
