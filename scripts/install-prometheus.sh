#!/usr/bin/env bash
# Installs Debian's prometheus (prometheus + promtool) for the metrics tests without leaving a system
# Prometheus running: package scripts may not start daemons (policy-rc.d), and one already running is stopped.
set -euo pipefail
if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  policy=/usr/sbin/policy-rc.d
  own_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# no daemons started by package installs\nexit 101\n' >"$policy" && chmod +x "$policy"
    own_policy=1
  fi
  apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  [ -z "$own_policy" ] || rm -f "$policy"
fi
if [ -x /etc/init.d/prometheus ] && /etc/init.d/prometheus status >/dev/null 2>&1; then
  /etc/init.d/prometheus stop >/dev/null || true
fi
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
