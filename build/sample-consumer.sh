#!/usr/bin/env bash
# Makes a throwaway consumer of the GfpAnalyzers package: a copy of a sample that restores the package from a local
# folder feed, the way a user's project restores it from a registry.
#
#   build/sample-consumer.sh <feed-dir> <package-version> <sample-dir> <dest-dir>
#
# <dest-dir> gets the sample's sources (no bin/obj), a nuget.config that adds <feed-dir> to the machine's usual
# sources and keeps its own global-packages folder (so no package cache, stale or not, is shared with anything
# else), a Directory.Build.props that pins GfpAnalyzersPackageVersion to <package-version>, and an empty
# Directory.Packages.props. The two props files also stop MSBuild from picking up this repository's own settings
# (warnings as errors, central package versions) when <dest-dir> lies inside it.
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: $0 <feed-dir> <package-version> <sample-dir> <dest-dir>" >&2
  exit 2
fi
feed=$(cd "$1" && pwd)
version=$2
sample=$3
dest=$4

mkdir -p "$dest"
(cd "$sample" && tar --exclude=./bin --exclude=./obj -cf - .) | (cd "$dest" && tar -xf -)
dest=$(cd "$dest" && pwd)

cat > "$dest/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$dest/.packages" />
  </config>
  <packageSources>
    <add key="gfpanalyzers-local" value="$feed" />
  </packageSources>
</configuration>
XML

cat > "$dest/Directory.Build.props" <<XML
<Project>
  <PropertyGroup>
    <GfpAnalyzersPackageVersion>$version</GfpAnalyzersPackageVersion>
  </PropertyGroup>
</Project>
XML

echo '<Project />' > "$dest/Directory.Packages.props"
