#!/bin/sh
# A throwaway PostgreSQL server for the test suite.
#   pg-test-server.sh start DIR   initdb into DIR, start on a unix socket in DIR,
#                                 create a database, print its URL on stdout
#   pg-test-server.sh stop DIR    stop the server and remove DIR
# The server refuses to run as root, so as root it runs as the postgres user.
# It listens on no TCP port at all: the socket in DIR cannot clash with anything.
set -eu
usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2
bindir=${PROVCTL_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bindir/pg_ctl" ] || { echo "$0: no PostgreSQL server binaries (install postgresql)" >&2; exit 1; }
port=5432
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $action in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U provctl -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -p $port -c listen_addresses= -F" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bindir/createdb" -h "$dir" -p "$port" -U provctl provctl_test
  echo "postgresql://provctl@/provctl_test?host=$dir&port=$port"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) usage ;;
esac
