#!/usr/bin/env python3
"""Sesame installs and runs as a GNOME application (TAP).

Usage: test-install.py SOURCE_ROOT [--headless]

Does what a person or a distribution does: `meson setup` with the default
options (only the prefix, a scratch directory, is given) and `meson install`,
then checks that every file the application needs is in the prefix — the
wizard, sesame-cli, the desktop file, the metainfo, the settings schema and
the schema compiled by gnome.post_install(), the icons and their cache, the
Japanese translation — and runs what was installed, in English and Japanese:
sesame-cli (--version, catalog routers, a checklist, an error message) and
the wizard, which must find its schema and translations through
XDG_DATA_DIRS as on an installed system and show its window, titled in the
language of the desktop.

--headless: the same with -Dgui=disabled: sesame-cli and its translation
only, no wizard and no desktop integration.

The wizard needs an X display (run under xvfb-run) and starts its network
checks with the window: run this in a network namespace with only loopback
(tests/netns-run), so nothing leaves the machine. A missing tool is a
failure, never a skip.
"""

import gettext
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

APP_ID = 'io.github.opensesame.Sesame'

root = os.path.abspath(sys.argv[1])
headless = '--headless' in sys.argv[2:]
results = []


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


def run(argv, env=None, timeout=600):
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def base_env(tmp, lang):
    """A desktop session's environment: the prefix on XDG_DATA_DIRS as a
    system that installed Sesame there would have it, nothing that points
    into the source or build tree, a fresh home."""
    home = os.path.join(tmp, 'home-' + lang)
    for sub in ('config', 'data', 'cache', 'runtime'):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    os.chmod(os.path.join(home, 'runtime'), 0o700)
    env = {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'HOME': home,
        'XDG_CONFIG_HOME': os.path.join(home, 'config'),
        'XDG_DATA_HOME': os.path.join(home, 'data'),
        'XDG_CACHE_HOME': os.path.join(home, 'cache'),
        'XDG_RUNTIME_DIR': os.path.join(home, 'runtime'),
        'XDG_DATA_DIRS': os.path.join(prefix, 'share') + ':/usr/local/share:/usr/share',
        'LANG': 'C.UTF-8',
        'LANGUAGE': lang,
        'GSETTINGS_BACKEND': 'memory',
    }
    if 'DISPLAY' in os.environ:
        env['DISPLAY'] = os.environ['DISPLAY']
    if 'XAUTHORITY' in os.environ:
        env['XAUTHORITY'] = os.environ['XAUTHORITY']
    return env


tools = ['meson', 'ninja', 'msgfmt', 'gsettings']
if not headless:
    tools += ['xwininfo']
missing = [t for t in tools if shutil.which(t) is None]
if not check('the tools the test uses are there (meson, ninja, gettext, libglib2.0-bin, x11-utils)',
             not missing, 'missing: ' + ' '.join(missing) if missing else ''):
    finish()
if not headless and not os.environ.get('DISPLAY'):
    check('an X display for the wizard (run under xvfb-run)', False, 'DISPLAY is not set')
    finish()

# The translations as the sources have them, to know what each language shows
tmp_obj = tempfile.TemporaryDirectory(prefix='sesame-install-')
tmp = tmp_obj.name
ja_mo = os.path.join(tmp, 'ja.mo')
subprocess.run(['msgfmt', '-o', ja_mo, os.path.join(root, 'po', 'ja.po')], check=True)
with open(ja_mo, 'rb') as f:
    ja = gettext.GNUTranslations(f)
en = gettext.NullTranslations()
translations = {'en': en, 'ja': ja}

with open(os.path.join(root, 'data', 'catalogs', 'routers.json'), encoding='utf-8') as f:
    routers = {r['id']: r for r in json.load(f)['routers']}
seed_plan = os.path.join(root, 'tests', 'data', 'seed-plan.json')
with open(seed_plan, encoding='utf-8') as f:
    seed_router = routers[json.load(f)['router']['id']]

# 1. meson setup + meson install, as the README says
build = os.path.join(tmp, 'build')
prefix = os.path.join(tmp, 'prefix')
setup = ['meson', 'setup', build, root, '--prefix', prefix]
if headless:
    setup.append('-Dgui=disabled')
status, out, err = run(setup)
if not check('meson setup %s' % ' '.join(setup[4:]), status == 0, (out + err)[-3000:]):
    finish()
status, out, err = run(['meson', 'install', '-C', build], timeout=1200)
if not check('meson install', status == 0, (out + err)[-3000:]):
    finish()
status, out, err = run(['meson', 'introspect', '--projectinfo', build])
version = json.loads(out)['version'] if status == 0 else '?'

# 2. Every file in its place
share = os.path.join(prefix, 'share')
files = {
    'sesame-cli': os.path.join(prefix, 'bin', 'sesame-cli'),
    'Japanese translation': os.path.join(share, 'locale', 'ja', 'LC_MESSAGES', 'sesame.mo'),
}
gui_files = {
    'wizard': os.path.join(prefix, 'bin', 'sesame'),
    'desktop file': os.path.join(share, 'applications', APP_ID + '.desktop'),
    'AppStream metainfo': os.path.join(share, 'metainfo', APP_ID + '.metainfo.xml'),
    'settings schema': os.path.join(share, 'glib-2.0', 'schemas', APP_ID + '.gschema.xml'),
    'compiled settings schemas (post_install)': os.path.join(share, 'glib-2.0', 'schemas', 'gschemas.compiled'),
    'application icon': os.path.join(share, 'icons', 'hicolor', 'scalable', 'apps', APP_ID + '.svg'),
    'symbolic icon': os.path.join(share, 'icons', 'hicolor', 'symbolic', 'apps', APP_ID + '-symbolic.svg'),
    'icon cache (post_install)': os.path.join(share, 'icons', 'hicolor', 'icon-theme.cache'),
    'desktop file database (post_install)': os.path.join(share, 'applications', 'mimeinfo.cache'),
}
if headless:
    for what, path in files.items():
        check('installs the %s: %s' % (what, os.path.relpath(path, prefix)), os.path.isfile(path))
    present = [os.path.relpath(p, prefix) for p in gui_files.values() if os.path.exists(p)]
    check('-Dgui=disabled installs no wizard and no desktop integration', not present,
          'installed: ' + ', '.join(present) if present else '')
else:
    files.update(gui_files)
    for what, path in files.items():
        check('installs the %s: %s' % (what, os.path.relpath(path, prefix)), os.path.isfile(path))

    for name in ('sesame', 'sesame-cli'):
        path = os.path.join(prefix, 'bin', name)
        check('bin/%s is executable' % name, os.access(path, os.X_OK))

    # The desktop file starts an installed program and names an installed icon
    desktop = {}
    try:
        with open(gui_files['desktop file'], encoding='utf-8') as f:
            for line in f:
                if '=' in line and not line.startswith('#'):
                    key, value = line.rstrip('\n').split('=', 1)
                    desktop[key] = value
    except OSError:
        pass
    exec_program = desktop.get('Exec', '').split(' ')[0]
    check('the desktop file starts the installed wizard (Exec=%s)' % exec_program,
          exec_program and os.access(os.path.join(prefix, 'bin', exec_program), os.X_OK))
    check('the desktop file names the installed icon (Icon=%s)' % desktop.get('Icon'),
          desktop.get('Icon') == APP_ID)
    check('the desktop file is translated (Name[ja], Comment[ja])',
          'Name[ja]' in desktop and 'Comment[ja]' in desktop)
    try:
        with open(gui_files['AppStream metainfo'], encoding='utf-8') as f:
            metainfo = f.read()
    except OSError:
        metainfo = ''
    check('the metainfo is translated (xml:lang="ja")', 'xml:lang="ja"' in metainfo)

    # The compiled schemas in the prefix hold Sesame's schema
    status, out, err = run(['gsettings', '--schemadir', os.path.join(share, 'glib-2.0', 'schemas'),
                            'list-keys', APP_ID])
    check('the compiled schemas in the prefix hold %s' % APP_ID,
          status == 0 and out.strip() != '', out + err)

# 3. The installed sesame-cli, in English and Japanese
cli = os.path.join(prefix, 'bin', 'sesame-cli')
for lang in ('en', 'ja'):
    env = base_env(tmp, lang)
    _ = translations[lang].gettext

    status, out, err = run([cli, '--version'], env=env)
    check('[%s] sesame-cli --version says %s' % (lang, version),
          status == 0 and out.strip() == 'sesame-cli ' + version, out + err)

    status, out, err = run([cli, 'catalog', 'routers', '--lang', lang], env=env)
    expected = [seed_router['vendor'][lang], seed_router['model'][lang], seed_router['forwarding_page'][lang]]
    check('[%s] sesame-cli catalog routers --lang %s names %s' % (lang, lang, ', '.join(expected)),
          status == 0 and all(e in out for e in expected), (out + err)[:2000])

    status, out, err = run([cli, 'checklist', '--plan', seed_plan, '--lang', lang], env=env)
    expected = [seed_router['model'][lang], seed_router['forwarding_page'][lang]]
    check('[%s] sesame-cli checklist --lang %s for the seed plan names %s' % (lang, lang, ', '.join(expected)),
          status == 0 and all(e in out for e in expected), (out + err)[:2000])

    # Messages of the program itself come from the installed catalog
    # (LOCALEDIR in the prefix), not from the source or build tree
    status, out, err = run([cli, 'no-such-command'], env=env)
    expected = _('“%s” is not a command') % 'no-such-command'
    check('[%s] sesame-cli speaks the desktop\'s language: "%s"' % (lang, expected),
          status == 2 and expected in err, out + err)

if headless:
    finish()

# 4. The installed wizard, in English and Japanese
wizard = os.path.join(prefix, 'bin', 'sesame')


def window_titles(env):
    """The titles of the top-level windows on the display."""
    status, out, err = run(['xwininfo', '-root', '-children'], env=env, timeout=30)
    titles = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith('0x') and '"' in line:
            titles.append(line[line.index('"') + 1:line.rindex('"')].split('": (')[0])
    return titles


for lang in ('en', 'ja'):
    env = base_env(tmp, lang)
    _ = translations[lang].gettext

    # The option summary from --help: the installed translation is found
    status, out, err = run([wizard, '--help'], env=env)
    expected = _('Get a home server reachable from the internet.')
    check('[%s] sesame --help: "%s"' % (lang, expected), status == 0 and expected in out, out + err)

    # The window, titled in the desktop's language
    expected = _('%s — Sesame') % _('Welcome')
    log_path = os.path.join(tmp, 'wizard-%s.log' % lang)
    with open(log_path, 'w') as log:
        proc = subprocess.Popen([wizard, '--page', 'welcome'], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    titles = []
    shown = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        titles = window_titles(env)
        if expected in titles:
            shown = True
            break
        time.sleep(0.2)
    # still up a moment later: not a window that flashes and crashes
    if shown:
        time.sleep(2)
    running = proc.poll() is None
    if running:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with open(log_path, errors='replace') as f:
        log_text = f.read()
    check('[%s] the installed wizard shows its window "%s" and keeps running' % (lang, expected),
          shown and running,
          'windows: %s\nexit status: %s\n%s' % (titles, proc.returncode, log_text[-3000:]))
    bad = [l for l in log_text.splitlines()
           if 'is not installed' in l or 'CRITICAL' in l or '-ERROR' in l]
    check('[%s] the installed wizard finds its settings schema and logs no error' % lang,
          not bad, '\n'.join(bad))

finish()
