/* test-terminal-text.c: what sesame-cli prints holds no terminal control
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "sesame-terminal-text.h"

static void
test_escapes (void)
{
  static const struct { const char *text; gssize length; const char *shown; } cases[] = {
    { "plain text\n\tindented\n", -1, "plain text\n\tindented\n" },
    { "ルーター「本館」", -1, "ルーター「本館」" },
    { "\x1b]0;owned\x07title", -1, "\\u001B]0;owned\\u0007title" },
    { "\x1b[2J\x1b[H", -1, "\\u001B[2J\\u001B[H" },
    { "over\rwrite", -1, "over\\u000Dwrite" },
    { "del\x7f", -1, "del\\u007F" },
    { "c1 \xc2\x9b" "2J \xc2\x85", -1, "c1 \\u009B2J \\u0085" },
    { "\xe2\x80\xae" "evil\xe2\x81\xa6", -1, "\\u202Eevil\\u2066" },
    { "bad \xff\xfe utf8 \xe3\x81", -1, "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd\xef\xbf\xbd" },
    { "cut\0here", 8, "cut\\u0000here" },
    { "", -1, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = sesame_terminal_text (cases[i].text, cases[i].length);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

/* JSON written to a terminal stays JSON and means the same */
static void
test_json_stays_valid (void)
{
  static const char json[] = "{\"reason\": \"a\xc2\x9b" "b\x7f" "c\xe2\x80\xae" "d\"}";
  g_autofree char *shown = sesame_terminal_text (json, -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_null (strstr (shown, "\xc2\x9b"));
  g_assert_true (json_parser_load_from_data (parser, shown, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, "a\xc2\x9b" "b\x7f" "c\xe2\x80\xae" "d");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/terminal-text/escapes", test_escapes);
  g_test_add_func ("/terminal-text/json-stays-valid", test_json_stays_valid);

  return g_test_run ();
}
