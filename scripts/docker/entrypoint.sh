#!/bin/sh
# Entrypoint of pgfleet's locally built test image (build-image.sh). It takes what the
# official postgres images take, so that pgfleet starts either kind the same way:
# POSTGRES_USER and POSTGRES_PASSWORD in the environment, `postgres ARG...` as the command.
# The cluster is initialised on first start: a container is thrown away after one run.
set -eu
BIN=/usr/lib/postgresql/15/bin
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [ "${1:-postgres}" != postgres ]; then exec "$@"; fi
if [ $# -gt 0 ]; then shift; fi
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  chown postgres "$pwfile"
  # No password: trust, as the official image does with POSTGRES_HOST_AUTH_METHOD=trust.
  auth=scram-sha-256
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then auth=trust; fi
  as_postgres "$BIN/initdb" --username="${POSTGRES_USER:-postgres}" --pwfile="$pwfile" \
    --auth-local=trust --auth-host="$auth" --encoding=UTF8 --no-locale --no-sync >/dev/null
  rm -f "$pwfile"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" "$@"
