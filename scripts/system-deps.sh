#!/usr/bin/env bash
# The system packages the test suites need beyond npm: Debian's PyTorch for the
# oracle suite; chromium for the VS Code host suites (headless workbench page);
# libkrb5-dev, build-essential, python3 and pkg-config for code-server's native
# modules (node host suite, built once by scripts/host/setup-node.sh). On
# Debian/Ubuntu as root they are installed; elsewhere this says exactly what is
# missing and how to get it.
set -euo pipefail

PY="${RLAB_TORCH_PYTHON:-/usr/bin/python3}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then missing+=(python3-torch python3-numpy); fi
if [ ! -x "$CHROMIUM" ]; then missing+=(chromium); fi
have_pkg() { dpkg -s "$1" >/dev/null 2>&1; }
if command -v dpkg >/dev/null 2>&1; then
  for p in libkrb5-dev build-essential python3 pkg-config; do have_pkg "$p" || missing+=("$p"); done
else
  # not Debian: check the tools themselves (gssapi headers for kerberos, a C++ toolchain, python3, pkg-config)
  [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
  command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || missing+=(build-essential)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
fi

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "system-deps: missing ${missing[*]}" >&2
echo "  Debian/Ubuntu: sudo apt-get install -y ${missing[*]}" >&2
echo "  elsewhere: a Python 3 with torch and numpy, named by RLAB_TORCH_PYTHON=/path/to/python3;" >&2
echo "  a Chromium named by CHROMIUM_PATH=/path/to/chromium; Kerberos (gssapi) headers, a C/C++ toolchain, python3 and pkg-config" >&2
exit 1
