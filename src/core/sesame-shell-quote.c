/* sesame-shell-quote.c: strings made safe for the shell a command is pasted into
 *
 * Every string that goes into a command Sesame prints (a rule's name in a
 * firewall comment, a subnet, a rich rule) is quoted here and nowhere else,
 * so that pasting the command runs that command and nothing else, and the
 * text arrives as exactly one argument, unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-shell-quote"

#include "config.h"

#include <string.h>

#include "sesame-shell-quote.h"

/* Characters no POSIX shell treats specially anywhere in a word */
#define POSIX_PLAIN "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-"

/**
 * sesame_shell_quote_posix:
 * @text: any UTF-8 text
 *
 * Quotes @text as one word for sh, bash, dash and zsh: as it is when it holds
 * only letters, digits and `@%+=:,./_-`, else between single quotes, where
 * nothing is special ($, backticks, backslashes, double quotes and line
 * breaks stay as they are) and a single quote is written `'\''`.
 *
 * Returns: (transfer full): the word
 */
char *
sesame_shell_quote_posix (const char *text)
{
  GString *word;

  g_return_val_if_fail (text != NULL, NULL);

  if (*text != '\0' && strspn (text, POSIX_PLAIN) == strlen (text))
    return g_strdup (text);

  word = g_string_new ("'");
  for (const char *p = text; *p; p++)
    {
      if (*p == '\'')
        g_string_append (word, "'\\''");
      else
        g_string_append_c (word, *p);
    }
  g_string_append_c (word, '\'');

  return g_string_free (word, FALSE);
}

/* What cmd.exe or PowerShell would still read between double quotes: the
 * quote itself, cmd's %VAR% and !VAR!, PowerShell's $ and backtick, the
 * typographic quotes PowerShell takes for quotes, and control characters
 * (a line break ends the command). */
static gboolean
windows_special (gunichar c)
{
  switch (c)
    {
    case '"':
    case '%':
    case '!':
    case '$':
    case '`':
    case 0x2018: case 0x2019: case 0x201A: case 0x201B:
    case 0x201C: case 0x201D: case 0x201E:
      return TRUE;
    default:
      return g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029;
    }
}

/**
 * sesame_shell_quote_windows:
 * @text: any UTF-8 text
 *
 * Quotes @text as one argument between double quotes, read the same by
 * Command Prompt (cmd.exe) and PowerShell: inside the quotes `&`, `|`, `<`,
 * `>`, `^` and spaces are plain. Neither shell has a way to write a double
 * quote, `%` or a line break there that works in both, so text holding one
 * of those (or `!`, `$`, a backtick, a typographic quote, a control
 * character) is not quoted at all: use a generated name instead.
 *
 * Returns: (transfer full) (nullable): `"text"`, or %NULL when @text cannot
 *   be pasted into both shells safely
 */
char *
sesame_shell_quote_windows (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    return NULL;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (windows_special (g_utf8_get_char (p)))
      return NULL;

  return g_strconcat ("\"", text, "\"", NULL);
}
