#!/usr/bin/env bash
# The Neo4j Browser test drives the system's headless Chromium (tests/test_browser.py). Called by
# `make test` and .ci/run: does nothing when Chromium is there; installs Debian's `chromium` when it is
# missing and this machine can (root and apt-get); otherwise fails with one line saying what to install.
# Chromium is $IDGRAPH_CHROMIUM when set (as in the test), else `chromium` on the PATH.
set -euo pipefail

found() {
  if [ -n "${IDGRAPH_CHROMIUM:-}" ]; then
    [ -x "$IDGRAPH_CHROMIUM" ]
  else
    command -v chromium >/dev/null 2>&1
  fi
}

found && exit 0
where="${IDGRAPH_CHROMIUM:-chromium on the PATH}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $where is missing; installing Debian's chromium with apt-get" >&2
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
    found && exit 0
  fi
fi
echo "make test needs Chromium for the Neo4j Browser test and cannot install it here: install it" \
  "(Debian/Ubuntu: sudo apt-get install -y chromium) or set IDGRAPH_CHROMIUM to its path; $where not found" >&2
exit 1
