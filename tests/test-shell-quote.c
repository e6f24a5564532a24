/* test-shell-quote.c: a quoted word, pasted into a shell, is that text and runs nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sesame-shell-quote.h"

/* Names a person could give a rule, honest and hostile */
static const char * const nasty[] = {
  "Game server",
  "Bob's server",
  "x'; touch PWNED; echo '",
  "$(touch PWNED)",
  "`touch PWNED`",
  "\" & touch PWNED & \"",
  "a\\'b\\\\c\\",
  "${HOME}$HOME$$!#*?[a]~",
  "line one\nline two; touch PWNED",
  "ゲームサーバー「本館」",
  "'",
  "''",
  "-n",
  "",
  "; touch PWNED #",
  "a|touch PWNED",
  "a&&touch PWNED",
  "a>PWNED",
};

/* Pastes "set -- WORD" into @shell in a scratch directory and returns the
 * one argument it got; fails if it got several or if anything ran. */
static char *
paste_into (const char *shell,
            const char *word)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sesame-quote-XXXXXX", &error);
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *argument = NULL;
  int status = 0;
  const char *argv[] = { shell, "-c", NULL, NULL };

  g_assert_no_error (error);
  script = g_strdup_printf ("set -- %s\nprintf '%%s' \"$#\" > count\nprintf '%%s' \"$1\" > argument\n", word);
  argv[2] = script;

  g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  marker = g_build_filename (dir, "PWNED", NULL);
  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    g_error ("%s ran part of %s", shell, word);

  {
    g_autofree char *count_path = g_build_filename (dir, "count", NULL);
    g_autofree char *argument_path = g_build_filename (dir, "argument", NULL);

    g_assert_true (g_file_get_contents (count_path, &out, NULL, NULL));
    g_assert_cmpstr (out, ==, "1");
    g_assert_true (g_file_get_contents (argument_path, &argument, NULL, NULL));
    g_unlink (count_path);
    g_unlink (argument_path);
  }

  g_assert_cmpint (g_rmdir (dir), ==, 0);
  return g_steal_pointer (&argument);
}

static void
test_posix_round_trip (void)
{
  const char * const shells[] = { "sh", "dash", "bash" };

  for (guint s = 0; s < G_N_ELEMENTS (shells); s++)
    {
      g_autofree char *path = g_find_program_in_path (shells[s]);

      if (path == NULL)
        {
          g_test_message ("%s is not installed", shells[s]);
          g_assert_cmpstr (shells[s], !=, "sh");
          continue;
        }

      for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
        {
          g_autofree char *word = sesame_shell_quote_posix (nasty[i]);
          g_autofree char *got = paste_into (path, word);

          g_assert_cmpstr (got, ==, nasty[i]);
        }
    }
}

/* Plain words stay readable; everything else is between single quotes */
static void
test_posix_readable (void)
{
  static const struct { const char *text; const char *quoted; } cases[] = {
    { "192.168.11.0/24", "192.168.11.0/24" },
    { "80/tcp", "80/tcp" },
    { "Sesame: http, ssh", "'Sesame: http, ssh'" },
    { "Bob's server", "'Bob'\\''s server'" },
    { "", "''" },
    { "$x", "'$x'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *word = sesame_shell_quote_posix (cases[i].text);
      g_assert_cmpstr (word, ==, cases[i].quoted);
    }
}

/* Between double quotes, cmd.exe and PowerShell read nothing of these;
 * what they would read is refused rather than quoted badly. */
static void
test_windows (void)
{
  static const char * const safe[] = {
    "Sesame: http, ssh, custom-1", "Game server & co", "a|b<c>d^e", "ゲームサーバー", "(x); y",
  };
  static const char * const unsafe[] = {
    "\" & calc.exe & \"", "%PATH%", "!x!", "$(calc)", "`calc`", "a\nb", "a\rb", "a\x1b[31m",
    "“quoted”", "‘x’", "\xc2\x85",
  };

  for (guint i = 0; i < G_N_ELEMENTS (safe); i++)
    {
      g_autofree char *word = sesame_shell_quote_windows (safe[i]);
      g_autofree char *expected = g_strdup_printf ("\"%s\"", safe[i]);

      g_assert_cmpstr (word, ==, expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (unsafe); i++)
    {
      g_autofree char *word = sesame_shell_quote_windows (unsafe[i]);

      if (word != NULL)
        g_error ("“%s” was quoted for Windows as %s", unsafe[i], word);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/shell-quote/posix/round-trip", test_posix_round_trip);
  g_test_add_func ("/shell-quote/posix/readable", test_posix_readable);
  g_test_add_func ("/shell-quote/windows", test_windows);

  return g_test_run ();
}
