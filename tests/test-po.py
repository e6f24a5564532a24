#!/usr/bin/env python3
"""The Japanese translation is complete, and the catalog strings it covers are current.

Usage: test-po.py SOURCE_ROOT
Prints TAP.
"""

import os
import subprocess
import sys
import tempfile

root = sys.argv[1]
results = []


def check(name, ok, detail=''):
    results.append((name, ok, detail))


# 1. po/ja.po: every message translated, nothing fuzzy, formats valid
proc = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull,
                       os.path.join(root, 'po', 'ja.po')],
                      capture_output=True, text=True)
stats = proc.stderr.strip()
check('ja.po compiles with --check', proc.returncode == 0, stats)
check('ja.po has no untranslated or fuzzy messages',
      proc.returncode == 0 and 'untranslated' not in stats and 'fuzzy' not in stats, stats)

# 2. ja.po covers every message of the sources (nothing new left out)
with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'sesame.pot')
    with open(os.path.join(root, 'po', 'POTFILES.in')) as f:
        files = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    proc = subprocess.run(['xgettext', '--from-code=UTF-8', '--keyword=_', '--keyword=N_',
                           '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dngettext:2,3',
                           '--keyword=T:2', '--keyword=T_:2', '--keyword=TC_:2c,3',
                           '--keyword=TN_:2,3', '-o', pot, '-D', root] + files,
                          capture_output=True, text=True)
    check('xgettext reads every file in POTFILES.in', proc.returncode == 0, proc.stderr)
    if proc.returncode == 0:
        merged = os.path.join(tmp, 'merged.po')
        subprocess.run(['msgmerge', '-q', '--no-fuzzy-matching', '-o', merged,
                        os.path.join(root, 'po', 'ja.po'), pot], check=True)
        proc = subprocess.run(['msgfmt', '--statistics', '-o', os.devnull, merged],
                              capture_output=True, text=True)
        stats = proc.stderr.strip()
        check('ja.po translates every message in the sources',
              'untranslated' not in stats and 'fuzzy' not in stats, stats)

# 3. every source file with translatable strings is listed in POTFILES.in
import glob
import re
marker = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|T|T_|TC_|TN_) ?\((?:[^()"]*, *)?"')
with open(os.path.join(root, 'po', 'POTFILES.in')) as f:
    listed = {l.strip() for l in f if l.strip() and not l.startswith('#')}
unlisted = []
for path in sorted(glob.glob(os.path.join(root, 'src', '**', '*.c'), recursive=True)):
    rel = os.path.relpath(path, root)
    with open(path, encoding='utf-8') as f:
        if marker.search(f.read()) and rel not in listed:
            unlisted.append(rel)
check('every source file with translatable strings is in po/POTFILES.in', not unlisted,
      'missing: ' + ', '.join(unlisted) if unlisted else '')

# 4. the generated catalog strings match services.json
proc = subprocess.run([sys.executable, os.path.join(root, 'data', 'catalogs', 'extract-strings.py'),
                       os.path.join(root, 'data', 'catalogs', 'services.json')],
                      capture_output=True, text=True)
with open(os.path.join(root, 'data', 'catalogs', 'catalog-strings.h'), encoding='utf-8') as f:
    current = f.read()
check('data/catalogs/catalog-strings.h is up to date with services.json',
      proc.returncode == 0 and proc.stdout == current,
      'run: data/catalogs/extract-strings.py data/catalogs/services.json data/catalogs/catalog-strings.h')

# 5. ja.po follows po/GLOSSARY.md: one term for each thing; a router's own
#    word only in the entries the glossary lists as naming routers' pages;
#    no English terms left in brackets
def po_entries(path):
    """(msgid, msgstr) of each entry, plural forms joined"""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for block in text.split('\n\n'):
        fields = {}
        key = None
        for line in block.splitlines():
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                fields[key] = fields.get(key, '') + m.group(2)
            elif line.startswith('"') and key is not None:
                fields[key] += line[1:-1]
            else:
                key = None
        if 'msgid' in fields:
            yield fields['msgid'], ' '.join(v for k, v in fields.items() if k.startswith('msgstr'))

with open(os.path.join(root, 'po', 'GLOSSARY.md'), encoding='utf-8') as f:
    glossary = f.read()
router_named = set(re.findall(r'^- msgid: "(.*)"$', glossary, re.M))
router_words = ['アドレス変換', 'ポート変換', 'ポートマッピング']
for word in router_words:
    check('po/GLOSSARY.md names %s as a router word' % word, word in glossary.split('## Router words')[-1])
stray = []
for msgid, msgstr in po_entries(os.path.join(root, 'po', 'ja.po')):
    if not msgid or msgid in router_named:
        continue
    for word in router_words:
        if word in msgstr:
            stray.append('%s in "%s"' % (word, msgid[:70]))
    if re.search(r'[（(][A-Za-z -]*[Dd]ependent[）)]|Independent', msgstr):
        stray.append('English left in "%s"' % msgid[:70])
check('ja.po uses the glossary\'s one term, routers\' words only where their pages are named',
      not stray, '\n'.join(stray))

print('1..%d' % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    if detail:
        for line in detail.splitlines():
            print('# ' + line)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
