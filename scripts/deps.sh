#!/usr/bin/env bash
# Installs what `make test` and `make demo` need on Debian: ClickHouse and Prometheus from Debian's
# packages. As root it uses apt-get; otherwise it says what to install and fails.
set -euo pipefail

need=()
command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] || need+=(clickhouse-server)
command -v clickhouse-client >/dev/null 2>&1 || need+=(clickhouse-client)
if [ "${CXPULSE_NO_PROMETHEUS:-0}" != 1 ]; then
  command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
fi
command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || {
  echo "Go is not installed: see https://go.dev/doc/install" >&2
  exit 1
}
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages' own services are not started: tests and the demo run private servers.
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "missing: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
