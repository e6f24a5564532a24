#!/usr/bin/env python3
"""The Flatpak manifest, as far as it can be checked without its runtime (TAP).

Usage: test-flatpak-manifest.py SOURCE_ROOT APP_ID

build-aux/flatpak/APP_ID.json: valid JSON for the application id on the
GNOME 47 (or newer) runtime; builds only what that runtime lacks (GSSDP and
GUPnP 1.6; libsoup 3 and json-glib are in it), from sources pinned by a tag,
a commit or a checksum, then Sesame from this tree with its wizard and
sesame-cli; gives the sandbox exactly the permissions Sesame needs (the
network, a display, the GPU; files only through the portal); and
flatpak-builder reads it without a warning and drops nothing. Building it
needs the runtime and the network, so no build is attempted. A missing
flatpak-builder is a failure naming its Debian package, never a skip.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

root = os.path.abspath(sys.argv[1])
app_id = sys.argv[2]
path = os.path.join(root, 'build-aux', 'flatpak', app_id + '.json')
results = []

ALLOWED_FINISH_ARGS = {
    '--share=network',        # the probes, the port checks, UPnP/NAT-PMP/PCP
    '--share=ipc',            # X11 shared memory
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',           # GTK's GL renderer
}
IN_THE_RUNTIME = {'glib', 'gtk', 'gtk4', 'libadwaita', 'libsoup', 'libsoup3', 'json-glib',
                  'libxml2', 'cairo', 'pango'}


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))
    return ok


def finish():
    print('1..%d' % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        for line in (detail if not ok else '').splitlines():
            print('# ' + line)
    sys.exit(0 if results and all(ok for _, ok, _ in results) else 1)


try:
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    error = ''
except (OSError, ValueError) as e:
    manifest, error = None, str(e)
if not check('%s is JSON' % os.path.relpath(path, root), isinstance(manifest, dict), error):
    finish()

check('the application id is %s' % app_id,
      manifest.get('id', manifest.get('app-id')) == app_id, repr(manifest.get('id')))
version = str(manifest.get('runtime-version', ''))
check('the runtime is org.gnome.Platform 47 or newer, with org.gnome.Sdk',
      manifest.get('runtime') == 'org.gnome.Platform' and manifest.get('sdk') == 'org.gnome.Sdk'
      and version.isdigit() and int(version) >= 47,
      '%s %s, %s' % (manifest.get('runtime'), version, manifest.get('sdk')))
check('it starts the wizard (command: sesame)', manifest.get('command') == 'sesame',
      repr(manifest.get('command')))

finish_args = manifest.get('finish-args', [])
check('the sandbox gets exactly %s' % ', '.join(sorted(ALLOWED_FINISH_ARGS)),
      sorted(finish_args) == sorted(ALLOWED_FINISH_ARGS),
      'more: %s\nmissing: %s' % (sorted(set(finish_args) - ALLOWED_FINISH_ARGS),
                                 sorted(ALLOWED_FINISH_ARGS - set(finish_args))))

modules = manifest.get('modules', [])
names = [m.get('name') if isinstance(m, dict) else m for m in modules]
check('it builds GSSDP, GUPnP and then Sesame', names == ['gssdp', 'gupnp', 'sesame'], repr(names))
extra = sorted(set(names) & IN_THE_RUNTIME)
check('it builds nothing the GNOME runtime has (libsoup 3, json-glib, GTK, libadwaita…)', not extra,
      repr(extra))

# Dependencies: upstream sources, pinned
for module in modules:
    if not isinstance(module, dict) or module.get('name') == 'sesame':
        continue
    name = module.get('name')
    sources = module.get('sources', [])
    problems = []
    if module.get('buildsystem') != 'meson':
        problems.append('buildsystem is not meson')
    if not sources:
        problems.append('no sources')
    for source in sources:
        kind = source.get('type')
        url = source.get('url', '')
        if kind == 'git':
            if not url.startswith('https://gitlab.gnome.org/GNOME/'):
                problems.append('%s is not GNOME\'s repository' % url)
            ref = source.get('tag') or source.get('commit') or ''
            if not re.fullmatch(r'%s-1\.6\.[0-9]+' % re.escape(name), source.get('tag', '')) and not source.get('commit'):
                problems.append('not pinned to a %s 1.6 release tag or a commit: %r' % (name, ref))
            if source.get('branch'):
                problems.append('follows the branch %s' % source['branch'])
        elif kind == 'archive':
            if not re.fullmatch(r'https://download\.gnome\.org/sources/%s/1\.6/%s-1\.6\.[0-9]+\.tar\.xz'
                                % (re.escape(name), re.escape(name)), url):
                problems.append('%s is not a %s 1.6 tarball on download.gnome.org' % (url, name))
            if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
                problems.append('%s has no sha256' % url)
        else:
            problems.append('source type %r' % kind)
    check('%s 1.6 comes from upstream, pinned (a release tag, or a tarball with its sha256)' % name,
          not problems, '\n'.join(problems))

# Sesame itself: this tree, with the wizard, and sesame-cli kept
sesame = modules[-1] if modules and isinstance(modules[-1], dict) else {}
sources = sesame.get('sources', [])
here = [s for s in sources if s.get('type') == 'dir'
        and os.path.isdir(os.path.join(os.path.dirname(path), s.get('path', '')))
        and os.path.samefile(os.path.join(os.path.dirname(path), s.get('path', '')), root)]
check('Sesame is built with meson from this source tree',
      sesame.get('buildsystem') == 'meson' and len(here) == 1 and len(sources) == 1, repr(sources))
opts = sesame.get('config-opts', [])
check('with the wizard (-Dgui not disabled)', not any(o.startswith('-Dgui=') and o != '-Dgui=enabled' for o in opts),
      repr(opts))
cleanup = manifest.get('cleanup', []) + sesame.get('cleanup', [])
removed = [c for c in cleanup if c in ('/bin', '/bin/sesame-cli', '/bin/sesame', '/share/locale',
                                       '/share/glib-2.0', '/share/metainfo', '/share/applications')]
check('sesame-cli, the wizard, their translations and data stay in the Flatpak', not removed, repr(removed))

# flatpak-builder reads it: no unknown property or source type (it warns and
# drops them), and what it read back is what the file says
tool = shutil.which('flatpak-builder')
name = 'flatpak-builder --show-manifest reads it, without a warning, dropping nothing'
if check('flatpak-builder is installed (Debian package flatpak-builder)', tool is not None):
    # from a scratch directory: flatpak-builder leaves its state directory,
    # .flatpak-builder, where it runs
    with tempfile.TemporaryDirectory(prefix='sesame-flatpak-') as scratch:
        proc = subprocess.run([tool, '--show-manifest', path], capture_output=True, text=True,
                              cwd=scratch, timeout=120)
    try:
        shown = json.loads(proc.stdout)
    except ValueError:
        shown = None
    check(name, proc.returncode == 0 and not proc.stderr.strip() and shown == manifest,
          'exit status %d\n%s' % (proc.returncode, proc.stderr))

finish()
