#!/usr/bin/env bash
# The system packages the test suites need beyond npm: Debian's PyTorch for the
# oracle suite. On Debian/Ubuntu as root they are installed; elsewhere this
# says exactly what is missing and how to get it.
set -euo pipefail

PY="${RLAB_TORCH_PYTHON:-/usr/bin/python3}"
missing=()
if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then missing+=(python3-torch python3-numpy); fi

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
echo "  elsewhere: a Python 3 with torch and numpy, named by RLAB_TORCH_PYTHON=/path/to/python3" >&2
exit 1
