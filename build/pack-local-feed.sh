#!/usr/bin/env bash
# Packs the GfpAnalyzers package into a local folder feed and prints what a consumer project needs to use it:
# the package is not on a public feed yet, so this is the install path (README, Install).
#
#   build/pack-local-feed.sh [--output <feed-dir>] [--suffix <prerelease-suffix>] [--quiet]
#
#   --output  the feed folder (default: artifacts/feed in this repository)
#   --suffix  the version's prerelease suffix (default: local.<UTC timestamp>, a version no NuGet cache can hold yet);
#             --suffix '' packs the plain version from build/Version.props, which NuGet caches by version:
#             repacking it needs ~/.nuget/packages/gfpanalyzers/<version> deleted, or the consumer keeps the old copy
#   --quiet   print only the two lines "feed: <dir>" and "version: <version>" (for scripts: .ci/run, try-sample.sh)
#
# The last lines printed are always "feed: <absolute feed dir>" and "version: <package version>".
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
feed="$repo/artifacts/feed"
suffix="local.$(date -u +%Y%m%d%H%M%S)"
quiet=false
while [ $# -gt 0 ]; do
  case "$1" in
    --output) feed=${2:?--output needs a folder}; shift 2 ;;
    --suffix) suffix=${2-}; [ $# -ge 2 ] || { echo "--suffix needs a value ('' for none)" >&2; exit 2; }; shift 2 ;;
    --quiet) quiet=true; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [--output <feed-dir>] [--suffix <prerelease-suffix>] [--quiet]" >&2; exit 2 ;;
  esac
done

prefix=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/build/Version.props")
version=$prefix${suffix:+-$suffix}
mkdir -p "$feed"
feed=$(cd "$feed" && pwd)

log=$(mktemp "${TMPDIR:-/tmp}/gfpanalyzers-pack.XXXXXX")
trap 'rm -f "$log"' EXIT
if ! dotnet pack "$repo/build/GfpAnalyzers.Package" -c Release -o "$feed" -p:VersionSuffix="$suffix" -tl:off -nologo > "$log" 2>&1; then
  cat "$log" >&2
  echo "pack-local-feed: dotnet pack failed" >&2
  exit 1
fi
if [ ! -f "$feed/GfpAnalyzers.$version.nupkg" ]; then
  cat "$log" >&2
  echo "pack-local-feed: expected $feed/GfpAnalyzers.$version.nupkg" >&2
  exit 1
fi

if ! $quiet; then
  cat <<EOF
Packed GfpAnalyzers $version into the folder feed $feed

In your project's folder, point NuGet at that feed and add the package:

  dotnet new nugetconfig
  dotnet nuget add source "$feed" --name gfpanalyzers-local --configfile nuget.config
  dotnet add package GfpAnalyzers --version $version
  dotnet build

(dotnet new nugetconfig writes a nuget.config with nuget.org; the second line adds the feed to it. A nuget.config you
already have works too: add <add key="gfpanalyzers-local" value="$feed" /> to its <packageSources>.)
EOF
  if [ -z "$suffix" ]; then
    cat <<EOF

This is the plain version $version. NuGet caches a package by version: if an earlier $version was restored on this
machine, projects keep that copy. Delete ~/.nuget/packages/gfpanalyzers/$version (or pack with a new --suffix).
EOF
  fi
  echo
fi
echo "feed: $feed"
echo "version: $version"
