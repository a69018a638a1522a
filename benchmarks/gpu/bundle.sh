#!/usr/bin/env bash
# Packs aia and the benchmarks as one self-contained linux-x64 publish (a single copy of the .NET runtime) with the
# peer scripts into .device/bundle.tar.xz (ignored by git), for benchmarks/gpu/run.sh on a GPU machine without .NET.
# Two separate publishes, as ../shared/tools/device-bundle.sh makes them, come to 72 MB compressed, over the 64 MiB
# that the device tool carries with the working tree; this one is about half. Run from the repository root:
#     bash benchmarks/gpu/bundle.sh
# then, with the device tool's run and carry [".device"]:  bash benchmarks/gpu/run.sh .device/bundle.tar.xz "$OUT/gpu-results.jsonl"
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
grep -qx '/.device/' "$exclude" 2>/dev/null || echo '/.device/' >> "$exclude"
rm -rf .device && mkdir -p .device/stage/aia
for proj in Aia.Cli/Aia.Cli.csproj benchmarks/Aia.Benchmarks/Aia.Benchmarks.csproj; do
  dotnet publish "$proj" -c Release -r linux-x64 --self-contained -o .device/stage/aia -p:DebugType=none >/dev/null
done
cp benchmarks/peers/*.py .device/stage/
tar cf - -C .device/stage . | xz -9 -T2 > .device/bundle.tar.xz
rm -rf .device/stage
ls -la .device/bundle.tar.xz
