#!/usr/bin/env bash
# postgres.sh start DIR | stop DIR — a throwaway PostgreSQL server for the tests' team-state runs
# (Pulumi's postgres:// state backend). `start` initialises DIR, starts the server on a free
# loopback port and prints the backend URL as the last line; `stop` stops it.
set -euo pipefail
cmd="${1:?usage: postgres.sh start|stop DIR}"
dir="${2:?usage: postgres.sh start|stop DIR}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$pg_bin" ]; then
  echo "postgres.sh: PostgreSQL is not installed; installing it from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
# PostgreSQL refuses to run as root: the server runs as the `postgres` system user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    as_pg "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres pulumi
    echo "postgres://postgres@127.0.0.1:$port/pulumi?sslmode=disable"
    ;;
  stop)
    as_pg "$pg_bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
