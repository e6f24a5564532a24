#!/usr/bin/env python3
"""The firewall commands Sesame prints, pasted into a shell, run those commands and nothing else.

Every custom rule below is named to break out of a shell (ufw's single
quotes, nft's double quotes, $(…), backticks, cmd's &). For each server
system, `checklist`, `report` and `diff` are written in every format; the
commands are taken out the way a person copies them (text lines, Markdown
code blocks, the HTML <pre> a browser shows, JSON, the PDF's text) and each
POSIX one is run by sh in a scratch directory whose PATH starts with a
stand-in `sudo` (and ufw, firewall-cmd, nft) that records its arguments. No
payload may run (a PWNED file would appear), and each name must reach the
firewall's comment exactly. Windows lines are checked by their text: the
person's names stay out of netsh entirely.

Usage: test-pasted-commands.py   (SESAME_CLI names the sesame-cli to run)
Prints TAP.
"""

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CLI = os.environ['SESAME_CLI']

NAMES = [
    "x'; touch PWNED; echo '",
    "$(touch PWNED)",
    '" & touch PWNED & "',
    "Bob's `touch PWNED` \\ server",
    "ゲーム「本館」 $HOME ${PWD}",
    '"; add rule inet filter input accept; "',
]

SYSTEMS = ['linux-ufw', 'linux-firewalld', 'linux-nftables', 'macos', 'windows']
FORMATS = ['text', 'markdown', 'html', 'json', 'pdf']

STUB = '''#!/bin/sh
{ printf '%s\\037' "${0##*/}"; for a in "$@"; do printf '%s\\037' "$a"; done; printf '\\035'; } >> "$SESAME_STUB_LOG"
'''

results = []


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def plan(system, address):
    rules = [{'name': n, 'protocol': 'tcp' if i % 2 else 'udp', 'ports': str(8001 + 10 * i)}
             for i, n in enumerate(NAMES)]
    return {
        'version': 1,
        'router': {'id': 'generic', 'lan_address': '192.168.11.1'},
        'host': {'name': "Bob's $(touch PWNED) box", 'address': address, 'os': system},
        'services': ['http', 'ichat'],
        'custom_rules': rules,
    }


class PreText(html.parser.HTMLParser):
    """The text of each <pre> block, as a browser shows it for copying"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == 'pre':
            self.depth += 1
            self.blocks.append('')

    def handle_endtag(self, tag):
        if tag == 'pre':
            self.depth -= 1

    def handle_data(self, data):
        if self.depth > 0:
            self.blocks[-1] += data


def commands_in(fmt, data):
    if fmt == 'text':
        return [m.group(1) for m in re.finditer(r'^\s+\$ (.*)$', data, re.M)]
    if fmt == 'markdown':
        found = []
        for m in re.finditer(r'^( *)```sh\n(.*?)^\1```$', data, re.M | re.S):
            indent = len(m.group(1))
            found += [line[indent:] for line in m.group(2).splitlines()]
        return found
    if fmt == 'html':
        parser = PreText()
        parser.feed(data)
        return [line for block in parser.blocks for line in block.splitlines()]
    if fmt == 'json':
        found = []

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == 'command' and isinstance(value, str):
                        found.append(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(json.loads(data))
        return found
    if fmt == 'pdf':
        # A long command wraps at a space; the copied lines are joined again
        found = []
        current = None
        for line in data.splitlines() + ['']:
            line = line.strip()
            if current is not None and line and not re.match(r'^\d', line):
                current += ' ' + line
                continue
            if current is not None:
                found.append(current)
                current = None
            if line.startswith(('sudo ', 'netsh ')):
                current = line
        return found
    raise ValueError(fmt)


def document(tmp, command, fmt, lang='en'):
    out = os.path.join(tmp, 'out.' + fmt)
    env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', XDG_DATA_HOME=os.path.join(tmp, 'data'))
    env.pop('LANGUAGE', None)
    proc = subprocess.run([CLI] + command + ['--lang', lang, '--format', fmt, '-o', out],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(' '.join(command) + ': ' + proc.stderr)
    if fmt == 'pdf':
        return subprocess.run(['pdftotext', '-enc', 'UTF-8', out, '-'], capture_output=True,
                              text=True, check=True).stdout
    with open(out, encoding='utf-8') as f:
        return f.read()


def paste(tmp, line):
    """Runs @line with sh in a fresh directory; returns (calls, files left)"""
    scratch = tempfile.mkdtemp(dir=tmp)
    stubs = os.path.join(tmp, 'stubs')
    log = os.path.join(tmp, 'calls')
    if os.path.exists(log):
        os.unlink(log)
    env = dict(os.environ, PATH=stubs + ':' + os.environ['PATH'], SESAME_STUB_LOG=log, HOME=scratch)
    subprocess.run(['sh', '-c', line], cwd=scratch, env=env, capture_output=True, timeout=10)
    calls = []
    if os.path.exists(log):
        with open(log, encoding='utf-8') as f:
            calls = [c.split('\037')[:-1] for c in f.read().split('\035')[:-1]]
    left = os.listdir(scratch)
    shutil.rmtree(scratch)
    return calls, left


def expected_comment_parts(system):
    """What each name must look like inside the firewall's own comment"""
    if system == 'linux-ufw':
        return ['custom:' + n for n in NAMES]
    if system == 'linux-nftables':
        # nft strings end at a double quote and have no escape for one
        return ['custom:' + n.replace('"', "'") for n in NAMES]
    return []


def run_checks(tmp):
    stubs = os.path.join(tmp, 'stubs')
    os.mkdir(stubs)
    for name in ('sudo', 'ufw', 'firewall-cmd', 'nft'):
        path = os.path.join(stubs, name)
        with open(path, 'w') as f:
            f.write(STUB)
        os.chmod(path, 0o755)

    # The stand-in and the marker work: an unquoted payload is caught
    calls, left = paste(tmp, "sudo ufw allow 1/tcp comment 'x'; touch PWNED; echo ''")
    check('an unquoted payload is seen by this test', 'PWNED' in left and calls and calls[0][:2] == ['sudo', 'ufw'])

    for system in SYSTEMS:
        old_path = os.path.join(tmp, system + '-old.json')
        new_path = os.path.join(tmp, system + '-new.json')
        with open(old_path, 'w') as f:
            json.dump(plan(system, '192.168.11.5'), f, ensure_ascii=False)
        with open(new_path, 'w') as f:
            json.dump(plan(system, '192.168.11.6'), f, ensure_ascii=False)

        commands = {
            'checklist': ['checklist', '--plan', old_path],
            'report': ['report', '--plan', old_path],
            'diff': ['diff', '--old', old_path, '--new', new_path],
        }
        for what, command in commands.items():
            for fmt in FORMATS:
                label = '%s %s --format %s' % (system, what, fmt)
                try:
                    lines = commands_in(fmt, document(tmp, command, fmt))
                except Exception as e:  # noqa: BLE001 - reported as a failure
                    check(label + ' is written', False, str(e))
                    continue
                firewall_lines = [l for l in lines if 'ufw allow' in l or 'firewall-cmd --permanent' in l
                                  or 'nft add rule' in l or 'netsh advfirewall firewall add rule' in l]
                check(label + ': the firewall commands are there',
                      system == 'macos' or len(firewall_lines) >= len(NAMES), '\n'.join(lines))

                if system == 'windows':
                    bad = [l for l in lines if 'custom:' in l or 'PWNED' in l or '$' in l
                           or (l.startswith('netsh advfirewall firewall add rule')
                               and not re.match(r'^netsh advfirewall firewall add rule name="Sesame: [a-z0-9, -]+" '
                                                r'dir=in action=allow protocol=(TCP|UDP) localport=[0-9-]+'
                                                r'( remoteip=localsubnet)?$', l))]
                    check(label + ': no name reaches a netsh line', not bad, '\n'.join(bad))
                    continue

                not_sudo = [l for l in lines if not l.startswith('sudo ')]
                check(label + ': every command starts with sudo', not not_sudo, '\n'.join(not_sudo))
                if not_sudo:
                    continue

                ran = []
                got = []
                for line in lines:
                    calls, left = paste(tmp, line)
                    if left or any(c[0] != 'sudo' for c in calls) or not calls:
                        ran.append('%s\n  ran: %r, left: %r' % (line, calls, left))
                    got += ['\n'.join(c) for c in calls]
                check(label + ': pasted, each command runs sudo and nothing else', not ran, '\n'.join(ran))

                # A PDF wraps a long line anywhere; its text tells not whether
                # there was a space at the break, so spaces are not compared
                if fmt == 'pdf':
                    got = [re.sub(r'\s', '', g) for g in got]
                    parts = [re.sub(r'\s', '', p) for p in expected_comment_parts(system)]
                else:
                    parts = expected_comment_parts(system)
                missing = [p for p in parts if not any(p in g for g in got)]
                check(label + ': each name reaches the comment intact', not missing,
                      'missing: %r\ngot:\n%s' % (missing, '\n'.join(got)))


with tempfile.TemporaryDirectory() as tmp:
    run_checks(tmp)

print('1..%d' % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    if not ok and detail:
        for line in detail.splitlines():
            print('# ' + line)
sys.exit(0)
