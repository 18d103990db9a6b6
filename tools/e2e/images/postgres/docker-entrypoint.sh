#!/bin/sh
# Entrypoint of the local cluster's PostgreSQL image (Debian's postgresql binaries). It keeps
# the official postgres image's environment contract, so the Postgres component runs as
# written: POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required for a new cluster),
# POSTGRES_DB (default: the user), PGDATA, POSTGRES_INITDB_ARGS. A new data directory is
# initialised with password (scram-sha-256) authentication for every TCP client and trust on
# the local socket; an existing one is used as it is. Then the command runs (default postgres).
set -eu
if [ "${1#-}" != "${1:-}" ]; then set -- postgres "$@"; fi
if [ "${1:-}" = postgres ]; then
  : "${PGDATA:=/var/lib/postgresql/data}"
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
      echo "docker-entrypoint: POSTGRES_PASSWORD is required to initialise $PGDATA" >&2
      exit 1
    fi
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    # shellcheck disable=SC2086
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
    rm -f "$pwfile"
    printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
    sock=$(mktemp -d)
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$sock" -w start
    if [ "$POSTGRES_DB" != postgres ]; then
      psql -v ON_ERROR_STOP=1 -h "$sock" -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\""
    fi
    pg_ctl -D "$PGDATA" -m fast -w stop
    rmdir "$sock" 2>/dev/null || true
  fi
fi
exec "$@"
