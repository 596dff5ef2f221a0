#!/usr/bin/env bash
# Installs and starts what Hookline needs on a Debian machine, only where missing:
# Redis (required), PostgreSQL (tests and production), Chromium (end-to-end tests), and Ruby with
# Debian's ruby-liquid (Shopify's reference Liquid, for regenerating the conformance fixtures only).
# Safe to run again. Needs root or sudo for apt.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# Shopify's reference Liquid, only for `npm run liquid:fixtures` (conformance fixtures); never at run time.
command -v ruby >/dev/null 2>&1 || need+=(ruby)
compgen -G '/usr/share/rubygems-integration/all/gems/liquid-*' >/dev/null || need+=(ruby-liquid)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup-machine: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! listening 6379; then
  echo "setup-machine: starting Redis"
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

if ! listening 5432; then
  echo "setup-machine: starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
fi

# Tests connect as postgres over TCP without a password: allow that on loopback if it is refused.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  echo "setup-machine: allowing passwordless loopback access in $hba"
  $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload
fi

for _ in $(seq 1 30); do listening 6379 && listening 5432 && break; sleep 1; done
listening 6379 || { echo "setup-machine: Redis is not listening on 127.0.0.1:6379"; exit 1; }
listening 5432 || { echo "setup-machine: PostgreSQL is not listening on 127.0.0.1:5432"; exit 1; }
echo "setup-machine: Redis, PostgreSQL and Chromium are ready"
