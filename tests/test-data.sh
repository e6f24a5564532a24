#!/bin/sh
# The desktop integration data is valid: the desktop file and the AppStream
# metainfo (as merged with the translations by i18n.merge_file), the GSettings
# schema and the icons.
#
# Usage: tests/test-data.sh BUILD_DATA_DIR SOURCE_DATA_DIR
#   BUILD_DATA_DIR   where merge_file wrote the .desktop and .metainfo.xml
#   SOURCE_DATA_DIR  data/ in the source tree (schema and icons)
# Prints TAP. A missing tool is a failure naming the Debian package to
# install, never a skip: a check that cannot run has not passed.
#
# What fails: desktop-file-validate errors and warnings (hints are shown);
# appstreamcli errors and warnings, and infos other than the ones listed in
# known_infos below (pedantic hints are shown: the one we always get,
# cid-contains-uppercase-letter, is our application id); any message from
# glib-compile-schemas --strict; an SVG that does not render or is not the
# size the icon theme expects.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DATA_DIR SOURCE_DATA_DIR" >&2
  exit 2
fi

build=$1
source=$2
app_id=io.github.opensesame.Sesame
desktop=$build/$app_id.desktop
metainfo=$build/$app_id.metainfo.xml
schema=$source/$app_id.gschema.xml
icon=$source/icons/hicolor/scalable/apps/$app_id.svg
symbolic=$source/icons/hicolor/symbolic/apps/$app_id-symbolic.svg

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
failed=0

# ok NAME / not_ok NAME [DETAIL_FILE]: one TAP line, then the detail as
# diagnostics
ok () {
  n=$((n + 1))
  echo "ok $n - $1"
  [ $# -lt 2 ] || [ ! -s "$2" ] || sed 's/^/# /' "$2"
}

not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  [ $# -lt 2 ] || [ ! -s "$2" ] || sed 's/^/# /' "$2"
}

# need TOOL PACKAGE NAME: true when TOOL is there, else a failing NAME
need () {
  if command -v "$1" >/dev/null 2>&1; then
    return 0
  fi
  not_ok "$3: $1 not found, install the Debian package $2"
  return 1
}

# exists FILE NAME: true when FILE is there, else a failing NAME
exists () {
  if [ -f "$1" ]; then
    return 0
  fi
  not_ok "$2: $1 does not exist"
  return 1
}

echo "1..8"

# 1. The merged desktop file
name="desktop file is valid (desktop-file-validate)"
if need desktop-file-validate desktop-file-utils "$name" && exists "$desktop" "$name"; then
  desktop-file-validate "$desktop" >"$tmp/out" 2>&1
  status=$?
  if [ $status -eq 0 ] && ! grep -q -E ': (error|warning): ' "$tmp/out"; then
    ok "$name" "$tmp/out"
  else
    not_ok "$name" "$tmp/out"
  fi
fi

# 2. The merged metainfo. AppStream 0.16 (Debian 12) does not know the
# AppStream 1.0 <developer> tag yet and says so as an info; any other info
# (such as an unknown tag from a typo) fails.
known_infos="unknown-tag developer"

# appstream_verdict: from appstreamcli's report in $tmp/out, the issues that
# fail the test, one a line, into $tmp/bad
appstream_verdict () {
  sed -n 's/^ *\([EWI]\): [^ ]* \(.*\)$/\1 \2/p' "$tmp/out" |
    grep -v -x -F "I $known_infos" |
    sed 's/^/fails the test: /' >"$tmp/bad"
}

name="metainfo is valid (appstreamcli validate --pedantic)"
if need appstreamcli appstream "$name" && exists "$metainfo" "$name"; then
  appstreamcli validate --no-net --pedantic "$metainfo" >"$tmp/out" 2>&1
  status=$?
  appstream_verdict
  if [ $status -eq 0 ] && [ ! -s "$tmp/bad" ]; then
    ok "$name" "$tmp/out"
  else
    cat "$tmp/bad" >>"$tmp/out"
    not_ok "$name" "$tmp/out"
  fi
fi

# 3. The installed layout: the metainfo's launchable finds the desktop file
name="installed tree is valid (appstreamcli validate-tree)"
if need appstreamcli appstream "$name" && exists "$metainfo" "$name" && exists "$desktop" "$name"; then
  root=$tmp/root/usr/share
  mkdir -p "$root/metainfo" "$root/applications" \
    "$root/icons/hicolor/scalable/apps" "$root/icons/hicolor/symbolic/apps"
  cp "$metainfo" "$root/metainfo/"
  cp "$desktop" "$root/applications/"
  cp "$icon" "$root/icons/hicolor/scalable/apps/" 2>/dev/null
  cp "$symbolic" "$root/icons/hicolor/symbolic/apps/" 2>/dev/null
  appstreamcli validate-tree --no-net --pedantic "$tmp/root" >"$tmp/out" 2>&1
  status=$?
  appstream_verdict
  if [ $status -eq 0 ] && [ ! -s "$tmp/bad" ]; then
    ok "$name" "$tmp/out"
  else
    cat "$tmp/bad" >>"$tmp/out"
    not_ok "$name" "$tmp/out"
  fi
fi

# 4. The desktop file, the metainfo and the icons agree on the application id
name="desktop file, metainfo and icons use the id $app_id"
if exists "$desktop" "$name" && exists "$metainfo" "$name"; then
  : >"$tmp/out"
  grep -q -x "Icon=$app_id" "$desktop" || echo "the desktop file's Icon is not $app_id" >>"$tmp/out"
  grep -q "<id>$app_id</id>" "$metainfo" || echo "the metainfo's <id> is not $app_id" >>"$tmp/out"
  grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
    echo "the metainfo's launchable is not $app_id.desktop" >>"$tmp/out"
  [ -f "$icon" ] || echo "missing $icon" >>"$tmp/out"
  [ -f "$symbolic" ] || echo "missing $symbolic" >>"$tmp/out"
  if [ -s "$tmp/out" ]; then
    not_ok "$name" "$tmp/out"
  else
    ok "$name"
  fi
fi

# 5. The GSettings schema
name="GSettings schema compiles (glib-compile-schemas --strict)"
if need glib-compile-schemas libglib2.0-bin "$name" && exists "$schema" "$name"; then
  # only this schema: the source directory may hold others one day
  mkdir -p "$tmp/schemas"
  cp "$schema" "$tmp/schemas/"
  glib-compile-schemas --strict --dry-run "$tmp/schemas" >"$tmp/out" 2>&1
  status=$?
  if [ $status -eq 0 ] && [ ! -s "$tmp/out" ]; then
    ok "$name"
  else
    not_ok "$name" "$tmp/out"
  fi
fi

# png_size FILE: "WIDTH HEIGHT" of a PNG, from its IHDR
png_size () {
  od -A n -t u1 -j 16 -N 8 "$1" |
    awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4, $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }'
}

# svg_check FILE SIZE NAME: FILE renders, at SIZE×SIZE
svg_check () {
  if need rsvg-convert librsvg2-bin "$3" && exists "$1" "$3"; then
    if rsvg-convert -o "$tmp/icon.png" "$1" >"$tmp/out" 2>&1; then
      size=$(png_size "$tmp/icon.png")
      if [ "$size" = "$2 $2" ]; then
        ok "$3"
      else
        echo "rendered at $size, expected $2 $2" >"$tmp/out"
        not_ok "$3" "$tmp/out"
      fi
    else
      not_ok "$3" "$tmp/out"
    fi
  fi
}

# 6, 7. The icons render, at the size of their folder
svg_check "$icon" 128 "application icon renders at 128×128"
svg_check "$symbolic" 16 "symbolic icon renders at 16×16"

# 8. The symbolic icon is recoloured by GTK: one colour, filled, no strokes
name="symbolic icon is filled in one colour, 2e3436, with no strokes"
if exists "$symbolic" "$name"; then
  : >"$tmp/out"
  grep -n -i 'stroke' "$symbolic" >>"$tmp/out"
  grep -o -i -E '#[0-9a-f]{3,8}\b|rgba?\([^)]*\)' "$symbolic" | grep -v -i -x '#2e3436' >>"$tmp/out"
  if [ -s "$tmp/out" ]; then
    not_ok "$name" "$tmp/out"
  else
    ok "$name"
  fi
fi

# A tool missing before the plan's tests all ran still counts each test once
[ "$n" -eq 8 ] || echo "# ran $n of 8 checks" >&2
[ "$failed" -eq 0 ]
