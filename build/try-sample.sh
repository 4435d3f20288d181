#!/usr/bin/env bash
# Builds a sample the way a user's project consumes GfpAnalyzers: packs the package (with a version of its own, so no
# cached package can stand in for it), then builds a throwaway copy of the sample that restores it from that folder.
#
#   build/try-sample.sh samples/EarlyPfn.V5 [dotnet build arguments, e.g. -p:GfpAnalyzersPreset=strict]
#   build/try-sample.sh samples/EarlyPfn.V6 --run
#
# Package: artifacts/feed/ (build/pack-local-feed.sh). Consumer: artifacts/consumers/<sample>/ (replaced on every run).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 samples/<name> [--run | dotnet build arguments]" >&2
  exit 2
fi
sample=$(cd "$1" && pwd); shift
name=$(basename "$sample")
feed="$repo/artifacts/feed"
dest="$repo/artifacts/consumers/$name"

# The same packing as the README's install path: a version of its own (local.<UTC time>) in the local folder feed.
packed=$("$repo/build/pack-local-feed.sh" --output "$feed" --quiet)
version=$(sed -n 's/^version: //p' <<< "$packed")
rm -rf "$dest"
"$repo/build/sample-consumer.sh" "$feed" "$version" "$sample" "$dest"
cd "$dest"
if [ "${1:-}" = "--run" ]; then
  exec dotnet run
fi
exec dotnet build -nologo "$@"
