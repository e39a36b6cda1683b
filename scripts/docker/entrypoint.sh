#!/bin/sh
# Entrypoint of pgfleet's locally built test image (build-image.sh). It takes what the
# official postgres images take, so that pgfleet starts either kind the same way:
# POSTGRES_USER and POSTGRES_PASSWORD in the environment, `postgres ARG...` as the command.
# A container is thrown away after one run, so its cluster is made at start: a copy of the
# one initdb made when the image was built (a few times faster than initdb), with the
# user and password set in single-user mode.
set -eu
BIN=/usr/lib/postgresql/15/bin
TEMPLATE=/var/lib/postgresql/template
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [ "${1:-postgres}" != postgres ]; then exec "$@"; fi
if [ $# -gt 0 ]; then shift; fi
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
user="${POSTGRES_USER:-postgres}"
password="${POSTGRES_PASSWORD:-}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  if [ -n "$password" ] && [ -s "$TEMPLATE/PG_VERSION" ]; then
    cp -a "$TEMPLATE/." "$PGDATA/"
    u=$(printf '%s' "$user" | sed 's/"/""/g')
    p=$(printf '%s' "$password" | sed "s/'/''/g")
    if [ "$user" = postgres ]; then sql="ALTER ROLE postgres PASSWORD '$p'"
    else sql="CREATE ROLE \"$u\" SUPERUSER LOGIN PASSWORD '$p'"; fi
    printf '%s\n' "$sql" | as_postgres "$BIN/postgres" --single -D "$PGDATA" postgres >/dev/null
  else
    pwfile=$(mktemp)
    printf '%s\n' "$password" > "$pwfile"
    chown postgres "$pwfile"
    # No password: trust, as the official image does with POSTGRES_HOST_AUTH_METHOD=trust.
    auth=scram-sha-256
    if [ -z "$password" ]; then auth=trust; fi
    as_postgres "$BIN/initdb" --username="$user" --pwfile="$pwfile" \
      --auth-local=trust --auth-host="$auth" --encoding=UTF8 --no-locale --no-sync >/dev/null
    rm -f "$pwfile"
  fi
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" "$@"
