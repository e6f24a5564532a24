/* sesame-terminal-text.c: text made harmless for a terminal
 *
 * What sesame-cli prints can hold text from elsewhere: a router's model
 * name, a redirect's Location header, an error from a server. An escape
 * code in it would recolour the terminal, retitle the window, move the
 * cursor over what was printed before or, with some terminals, answer back
 * as if typed. Everything written to standard output or standard error
 * goes through sesame_terminal_text () first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-cli"

#include "config.h"

#include <string.h>

#include "sesame-terminal-text.h"

/* Control characters (C0 but line feed and tab, DEL, C1) and the
 * invisible ones that reorder what a terminal shows (bidi embeddings,
 * overrides and isolates, as in "Trojan Source") */
static gboolean
needs_escape (gunichar c)
{
  if (c == '\n' || c == '\t')
    return FALSE;

  return g_unichar_iscntrl (c) ||
         (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069);
}

/**
 * sesame_terminal_text:
 * @text: (array length=length): text, possibly untrusted and not UTF-8
 * @length: its length in bytes, or -1 when nul-terminated
 *
 * Writes each control character as a visible escape, `\u001B` (as in JSON,
 * so a JSON document stays valid and means the same), and each byte that is
 * not UTF-8 as U+FFFD. Line feeds and tabs stay.
 *
 * Returns: (transfer full): text that is safe to print
 */
char *
sesame_terminal_text (const char *text,
                      gssize      length)
{
  GString *out;
  const char *p;
  const char *end;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = (gssize) strlen (text);

  out = g_string_sized_new ((gsize) length);
  p = text;
  end = text + length;

  while (p < end)
    {
      gunichar c;

      if (*p == '\0')
        {
          g_string_append (out, "\\u0000");
          p++;
          continue;
        }

      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_unichar (out, 0xfffd);
          p++;
          continue;
        }

      if (needs_escape (c))
        g_string_append_printf (out, "\\u%04X", (guint) c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);

      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}
