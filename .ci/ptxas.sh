#!/usr/bin/env bash
# Prints the path of NVIDIA's PTX assembler (ptxas, CUDA 11.8, accepts PTX ISA <= 7.8), fetching it once if needed:
# the one binary out of Debian bookworm's non-free nvidia-cuda-toolkit .deb (apt-get download + dpkg -x, no
# install; it links only libc). Cached under ${AIA_PTXAS_CACHE:-$HOME/.cache/aia-ptxas}. Needs root for apt.
# Exit 1 (with the reason on stderr) when it cannot be had.
set -uo pipefail
cache=${AIA_PTXAS_CACHE:-${HOME:-/tmp}/.cache/aia-ptxas}
bin="$cache/ptxas"
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then echo "$bin"; exit 0; fi
command -v ptxas >/dev/null 2>&1 && ptxas --version >/dev/null 2>&1 && { command -v ptxas; exit 0; }
command -v apt-get >/dev/null 2>&1 || { echo "ptxas: no apt-get on this machine" >&2; exit 1; }
mkdir -p "$cache" || exit 1
src=/etc/apt/sources.list.d/aia-nonfree.sources
if [ ! -f "$src" ] && ! grep -rqs 'non-free' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri=$(grep -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $2}')
  printf 'Types: deb\nURIs: %s\nSuites: bookworm\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "${uri:-http://deb.debian.org/debian}" > "$src" || { echo "ptxas: cannot write $src (not root?)" >&2; exit 1; }
fi
# apt's lock may be held by another apt run for a while: retry
ok=0; for i in 1 2 3 4 5 6; do apt-get update >/dev/null 2>&1 && { ok=1; break; }; sleep 10; done
[ "$ok" = 1 ] || { echo "ptxas: apt-get update failed" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
( cd "$scratch" && apt-get download nvidia-cuda-toolkit >/dev/null 2>&1 ) || { echo "ptxas: apt-get download nvidia-cuda-toolkit failed" >&2; exit 1; }
dpkg -x "$scratch"/nvidia-cuda-toolkit_*.deb "$scratch/x" || { echo "ptxas: dpkg -x failed" >&2; exit 1; }
cp "$scratch/x/usr/bin/ptxas" "$bin.tmp" && mv "$bin.tmp" "$bin" || { echo "ptxas: no usr/bin/ptxas in the package" >&2; exit 1; }
"$bin" --version >/dev/null 2>&1 || { echo "ptxas: $bin does not run" >&2; exit 1; }
echo "$bin"
