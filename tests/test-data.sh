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
# appstreamcli validate --strict (any error, warning or info; pedantic hints
# are shown: the one we always get, cid-contains-uppercase-letter, is our
# application id), an unknown tag other than the ones in known_tags below;
# a screenshot that is not in data/screenshots/ as the metainfo says; any
# message from glib-compile-schemas --strict; an SVG that does not render or
# is not the size the icon theme expects.
#
# appstreamcli runs with --no-net: without it, it fetches every URL of the
# metainfo (homepage, bug tracker, screenshots), and a test never reaches
# beyond this machine. Check 9 checks the screenshots offline instead.
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

echo "1..9"

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

# 2. The merged metainfo, validated strictly: every error, warning and info
# fails. AppStream 0.16 (Debian 12) does not know the AppStream 1.0
# <developer> tag yet and says so as an info: unknown tags are made pedantic
# hints, and any unknown tag but the ones in known_tags (such as a typo)
# fails here.
known_tags="developer"
appstream_strict="--no-net --pedantic --strict --override=unknown-tag=pedantic"

# appstream_verdict: from appstreamcli's report in $tmp/out, the issues that
# fail the test, one a line, into $tmp/bad
appstream_verdict () {
  {
    sed -n 's/^ *\([EWI]\): [^ ]* \(.*\)$/\1 \2/p' "$tmp/out"
    sed -n 's/^ *P: [^ ]* \(unknown-tag .*\)$/\1/p' "$tmp/out" |
      grep -v -x -F "$(printf 'unknown-tag %s\n' $known_tags)"
  } | sed 's/^/fails the test: /' >"$tmp/bad"
}

name="metainfo is valid (appstreamcli validate --strict --pedantic)"
if need appstreamcli appstream "$name" && exists "$metainfo" "$name"; then
  # shellcheck disable=SC2086
  appstreamcli validate $appstream_strict "$metainfo" >"$tmp/out" 2>&1
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
  # shellcheck disable=SC2086
  appstreamcli validate-tree $appstream_strict "$tmp/root" >"$tmp/out" 2>&1
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

# 9. The screenshots: each one the metainfo names is in data/screenshots/
# under the repository's raw URL, a PNG of the size it declares and small
# (at most 80 KB: optipng), with a caption in Japanese as well
name="screenshots are in data/screenshots/, as the metainfo says, captioned in Japanese"
if exists "$metainfo" "$name"; then
  : >"$tmp/out"
  url_base=https://raw.githubusercontent.com/opensesame/sesame/main/data/screenshots/
  grep -o '<image[^>]*>[^<]*</image>' "$metainfo" >"$tmp/images"
  [ -s "$tmp/images" ] || echo "the metainfo has no screenshot" >>"$tmp/out"
  [ "$(grep -c '<screenshot type="default">' "$metainfo")" -eq 1 ] ||
    echo "not exactly one default screenshot" >>"$tmp/out"
  while read -r image; do
    url=$(echo "$image" | sed 's/^<image[^>]*>\(.*\)<\/image>$/\1/')
    file=$source/screenshots/${url#"$url_base"}
    width=$(echo "$image" | sed -n 's/.* width="\([0-9]*\)".*/\1/p')
    height=$(echo "$image" | sed -n 's/.* height="\([0-9]*\)".*/\1/p')
    case $url in
      "$url_base"*.png) ;;
      *) echo "$url is not under $url_base" >>"$tmp/out"; continue ;;
    esac
    if [ ! -f "$file" ]; then
      echo "$url: $file does not exist" >>"$tmp/out"
      continue
    fi
    size=$(png_size "$file")
    [ "$size" = "$width $height" ] || echo "$file is $size, the metainfo says $width $height" >>"$tmp/out"
    bytes=$(wc -c <"$file")
    [ "$bytes" -le 81920 ] || echo "$file is $bytes bytes, more than 80 KB: optipng -o5 -strip all" >>"$tmp/out"
  done <"$tmp/images"
  captions=$(grep -c '<caption>' "$metainfo")
  captions_ja=$(grep -c '<caption xml:lang="ja">' "$metainfo")
  [ "$captions" -eq "$(wc -l <"$tmp/images")" ] || echo "$captions captions for $(wc -l <"$tmp/images") screenshots" >>"$tmp/out"
  [ "$captions_ja" -eq "$captions" ] || echo "$captions_ja of $captions captions in Japanese" >>"$tmp/out"
  if [ -s "$tmp/out" ]; then
    not_ok "$name" "$tmp/out"
  else
    ok "$name"
  fi
fi

# A tool missing before the plan's tests all ran still counts each test once
[ "$n" -eq 9 ] || echo "# ran $n of 9 checks" >&2
[ "$failed" -eq 0 ]
