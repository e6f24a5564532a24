/* test-cli.c: sesame-cli as a person or a script runs it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/* Runs sesame-cli with a plain C locale unless @locale says otherwise,
 * after the command @wrapper when there is one */
static void
run_wrapped (Result             *result,
             const char         *locale,
             const char * const *wrapper,
             const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("SESAME_CLI");

  g_assert_nonnull (cli);

  for (guint i = 0; wrapper != NULL && wrapper[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) wrapper[i]);
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_unsetenv (launcher, "LC_MESSAGES");
  g_subprocess_launcher_setenv (launcher, "LANG", locale ? locale : "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", locale ? locale : "C", TRUE);
  /* The test's own directories (GLib points the variables at /dev/null) */
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
}

static void
run (Result             *result,
     const char         *locale,
     const char * const *args)
{
  run_wrapped (result, locale, NULL, args);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    if (*p == '\n')
      n++;

  return n;
}

/* Names the first differing line instead of printing both texts whole */
static void
assert_same_text (const char *actual,
                  const char *expected)
{
  g_auto(GStrv) got = g_strsplit (actual, "\n", -1);
  g_auto(GStrv) want = g_strsplit (expected, "\n", -1);

  for (guint i = 0; got[i] != NULL || want[i] != NULL; i++)
    {
      if (got[i] == NULL || want[i] == NULL || !g_str_equal (got[i], want[i]))
        g_error ("line %u differs:\n  expected: %s\n  actual:   %s", i + 1,
                 want[i] ? want[i] : "(end)", got[i] ? got[i] : "(end)");
    }
}

static void
test_version (void)
{
  g_auto(Result) r = { 0 };

  run (&r, NULL, (const char *[]) { "--version", NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "sesame-cli " PACKAGE_VERSION "\n");
}

/* Bad usage is 2, with a reason and a hint on stderr and nothing on stdout */
static void
test_usage_errors (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  const char * const *cases[] = {
    (const char *[]) { NULL },
    (const char *[]) { "frobnicate", NULL },
    (const char *[]) { "checklist", NULL },
    (const char *[]) { "checklist", "--plan", plan, "--format", "pdfx", NULL },
    (const char *[]) { "checklist", "--plan", plan, "--lang", "fr", NULL },
    (const char *[]) { "checklist", "--plan", plan, "--bogus", NULL },
    (const char *[]) { "checklist", "--plan", plan, "extra", NULL },
    (const char *[]) { "catalog", NULL },
    (const char *[]) { "catalog", "toasters", NULL },
    (const char *[]) { "plan", NULL },
    (const char *[]) { "plan", "check", NULL },
    (const char *[]) { "report", NULL },
    (const char *[]) { "report", "--plan", plan, "--format", "odt", NULL },
    (const char *[]) { "probe", "--port", "sctp/1", NULL },
    (const char *[]) { "probe", "--deadline-ms", "0", NULL },
    (const char *[]) { "probe", "--reflector", "reflector.example:0", NULL },
    (const char *[]) { "probe", "--reflector", "reflector.example/check", NULL },
    (const char *[]) { "probe", "--reflector", "my reflector", NULL },
    (const char *[]) { "map", "add", "--port", "40000", NULL },
    (const char *[]) { "map", "add", "--protocol", "tcp", "--port", "40000", "--lease", "0", NULL },
    (const char *[]) { "map", "frobnicate", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Result) r = { 0 };

      run (&r, NULL, cases[i]);
      g_test_message ("case %u: %s", i, r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_true (g_str_has_prefix (r.err, "sesame-cli: "));
    }
}

/* Bad input is 1, with one clear line on stderr */
static void
test_bad_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sesame-cli-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *binary = g_build_filename (dir, "binary.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  const char *cases[] = { bad, binary, missing };

  g_assert_true (g_file_set_contents (bad,
                                      "{\"version\":1,\"router\":{\"id\":\"generic\"},"
                                      "\"host\":{\"address\":\"192.168.11.300\",\"os\":\"beos\"}}",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (binary, "\x89PNG\r\n\x1a\n\0\0\0", 11, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Result) r = { 0 };

      run (&r, NULL, (const char *[]) { "checklist", "--plan", cases[i], NULL });
      g_test_message ("%s", r.err);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_cmpuint (count_lines (r.err), ==, 1);
      g_assert_nonnull (strstr (r.err, cases[i]));
    }

  {
    g_auto(Result) r = { 0 };

    run (&r, "C.UTF-8", (const char *[]) { "checklist", "--plan", bad, NULL });
    g_assert_nonnull (strstr (r.err, "host.address: “192.168.11.300” is not an IPv4 address"));
    g_assert_nonnull (strstr (r.err, "1 more problem"));
  }

  /* plan check lists every problem */
  {
    g_auto(Result) r = { 0 };

    run (&r, "C.UTF-8", (const char *[]) { "plan", "check", bad, NULL });
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpuint (count_lines (r.err), ==, 2);
    g_assert_nonnull (strstr (r.err, "host.os: “beos”"));
  }

  g_remove (bad);
  g_remove (binary);
  g_rmdir (dir);
}

static void
test_plan_check (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_auto(Result) r = { 0 };

  run (&r, NULL, (const char *[]) { "plan", "check", plan, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "valid"));
  g_assert_cmpstr (r.err, ==, "");
}

/* --lang ja gives Japanese under LANG=C, and -o writes the file */
static void
test_checklist_japanese_under_c_locale (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *dir = g_dir_make_tmp ("sesame-cli-XXXXXX", NULL);
  g_autofree char *output = g_build_filename (dir, "checklist.html", NULL);
  g_autofree char *written = NULL;
  g_autofree char *golden = g_test_build_filename (G_TEST_DIST, "data", "golden", "seed.ja.txt", NULL);
  g_autofree char *expected = NULL;
  g_auto(Result) text = { 0 };
  g_auto(Result) html = { 0 };
  g_auto(Result) en = { 0 };

  /* Exactly the reviewed Japanese checklist, whatever the locale says */
  run (&text, "C", (const char *[]) { "checklist", "--plan", plan, "--lang", "ja", NULL });
  g_assert_cmpint (text.status, ==, 0);
  g_assert_true (g_file_get_contents (golden, &expected, NULL, NULL));
  assert_same_text (text.out, expected);
  g_assert_nonnull (strstr (text.out, "アドレス変換"));

  run (&en, "C", (const char *[]) { "checklist", "--plan", plan, "--lang", "en", "--format", "markdown", NULL });
  g_assert_cmpint (en.status, ==, 0);
  g_assert_true (g_str_has_prefix (en.out, "# Port forwarding checklist for Mac mini"));
  g_assert_nonnull (strstr (en.out, "Address Translation"));

  run (&html, "C", (const char *[]) { "checklist", "--plan", plan, "--lang", "ja", "--format", "html",
                                      "-o", output, NULL });
  g_assert_cmpint (html.status, ==, 0);
  g_assert_cmpstr (html.out, ==, "");
  g_assert_true (g_file_get_contents (output, &written, NULL, NULL));
  g_assert_true (g_str_has_prefix (written, "<!DOCTYPE html>\n<html lang=\"ja\">"));

  g_remove (output);
  g_rmdir (dir);
}

/* The printable checklist, written atomically to a file */
static void
test_checklist_pdf (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "pdf", NULL);
  g_autofree char *output = g_build_filename (dir, "checklist.pdf", NULL);
  g_autofree char *written = NULL;
  gsize length = 0;
  g_auto(Result) r = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  run (&r, "C", (const char *[]) { "checklist", "--plan", plan, "--lang", "ja", "--format", "pdf", "-o", output, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_true (g_file_get_contents (output, &written, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (written, "%PDF-"));
}

/* The plan's own language is used when --lang is not given */
static void
test_checklist_plan_language (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_auto(Result) r = { 0 };

  run (&r, "C", (const char *[]) { "checklist", "--plan", plan, "--format", "json", NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"language\" : \"ja\""));
}

/* The settings report: plan, latest findings and checklist; redacted for sharing */
static void
test_report (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *probe = data_path ("seed-probe-report.json");
  g_auto(Result) full = { 0 };
  g_auto(Result) redacted = { 0 };
  g_auto(Result) json = { 0 };
  g_auto(Result) missing = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  run (&full, "C.UTF-8", (const char *[]) { "report", "--plan", plan, "--probe-report", probe, "--lang", "en", NULL });
  g_assert_cmpint (full.status, ==, 0);
  g_assert_nonnull (strstr (full.out, "203.0.113.2"));
  g_assert_nonnull (strstr (full.out, "Mac mini"));
  g_assert_nonnull (strstr (full.out, "| TCP 80 | yes | present | open |"));
  g_assert_nonnull (strstr (full.out, "Address Translation"));

  run (&redacted, "C.UTF-8", (const char *[]) { "report", "--plan", plan, "--probe-report", probe, "--lang", "en",
                                               "--redact", "--format", "html", NULL });
  g_assert_cmpint (redacted.status, ==, 0);
  g_assert_null (strstr (redacted.out, "203.0.113.2"));
  g_assert_null (strstr (redacted.out, "Mac mini"));
  g_assert_true (g_str_has_prefix (redacted.out, "<!DOCTYPE html>"));
  g_assert_true (g_str_has_suffix (redacted.out, "</html>\n"));

  run (&json, "C.UTF-8", (const char *[]) { "report", "--plan", plan, "--probe-report", probe, "--format", "json", NULL });
  g_assert_cmpint (json.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json.out, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "plan"));
  g_assert_true (json_object_has_member (root, "probe"));
  g_assert_true (json_object_has_member (root, "checklist"));

  run (&missing, "C.UTF-8", (const char *[]) { "report", "--plan", plan, "--probe-report", "/nonexistent.json", NULL });
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_cmpuint (count_lines (missing.err), ==, 1);
}

/* The seed's own move: Buffalo BBR-4MG at 192.168.11.x to AirPort Extreme at 10.0.1.x */
static void
test_diff (void)
{
  g_autofree char *old_plan = data_path ("seed-plan.json");
  g_autofree char *new_plan = data_path ("seed-plan-airport.json");
  g_auto(Result) en = { 0 };
  g_auto(Result) ja = { 0 };
  g_auto(Result) usage = { 0 };

  run (&en, "C.UTF-8", (const char *[]) { "diff", "--old", old_plan, "--new", new_plan, "--lang", "en",
                                          "--format", "markdown", NULL });
  g_assert_cmpint (en.status, ==, 0);
  g_assert_nonnull (strstr (en.out, "192.168.11.5"));
  g_assert_nonnull (strstr (en.out, "10.0.1.5"));
  g_assert_nonnull (strstr (en.out, "16384-16403"));
  g_assert_nonnull (strstr (en.out, "Address Translation"));

  run (&ja, "C", (const char *[]) { "diff", "--old", old_plan, "--new", new_plan, "--lang", "ja", NULL });
  g_assert_cmpint (ja.status, ==, 0);
  g_assert_nonnull (strstr (ja.out, "アドレス変換"));
  g_assert_false (g_str_is_ascii (ja.out));

  run (&usage, "C", (const char *[]) { "diff", "--old", old_plan, NULL });
  g_assert_cmpint (usage.status, ==, 2);
}

/* Nothing printed carries a control character but line feeds and tabs, nor
 * an invisible reordering one: a terminal would obey it */
static void
assert_terminal_safe (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((g_unichar_iscntrl (c) && c != '\n' && c != '\t') || c == 0x202e)
        g_error ("U+%04X reached the terminal in:\n%s", c, text);
    }
}

#define HOSTILE "\x1b]0;owned\x07 \x1b[2J \xc2\x9b" "2J \xe2\x80\xae" "evil\r"
#define HOSTILE_JSON "\\u001b]0;owned\\u0007 \\u001b[2J \\u009b2J \\u202eevil\\r"

/* Probe results, plan files, file names and options come from elsewhere:
 * whatever escape codes they hold are shown, never obeyed */
static void
test_terminal_safe (void)
{
  g_autofree char *seed_probe = data_path ("seed-probe-report.json");
  g_autofree char *seed_plan = data_path ("seed-plan.json");
  g_autofree char *contents = NULL;
  g_autoptr(GString) hostile = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sesame-cli-XXXXXX", NULL);
  g_autofree char *probe = g_build_filename (dir, "probe.json", NULL);
  g_autofree char *plan = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *escape_path = g_build_filename (dir, "\x1b]0;owned\x07.json", NULL);
  g_auto(Result) json = { 0 };
  g_auto(Result) check = { 0 };
  g_auto(Result) missing = { 0 };
  g_auto(Result) usage = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *ports;

  g_assert_true (g_file_get_contents (seed_probe, &contents, NULL, NULL));
  hostile = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (hostile, "\"reason\": null", "\"reason\": \"" HOSTILE_JSON "\"", 0), >, 0);
  g_assert_true (g_file_set_contents (probe, hostile->str, -1, NULL));

  /* JSON on a terminal keeps its meaning: the escapes are JSON's own */
  run (&json, "C.UTF-8", (const char *[]) { "report", "--plan", seed_plan, "--probe-report", probe,
                                            "--format", "json", NULL });
  g_assert_cmpint (json.status, ==, 0);
  assert_terminal_safe (json.out);
  g_assert_true (json_parser_load_from_data (parser, json.out, -1, NULL));
  ports = json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                       "probe"), "ports");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ports, 0), "reason"), ==, HOSTILE);

  /* A plan with an escape code: refused, and the message shows where */
  g_assert_true (g_file_set_contents (plan,
                                      "{\"version\":1,\"router\":{\"id\":\"generic\"},"
                                      "\"host\":{\"name\":\"" HOSTILE_JSON "\",\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
                                      -1, NULL));
  run (&check, "C.UTF-8", (const char *[]) { "plan", "check", plan, NULL });
  g_assert_cmpint (check.status, ==, 1);
  assert_terminal_safe (check.err);
  g_assert_nonnull (strstr (check.err, "host.name: contains a control character (U+001B)"));

  /* A file name or an option given with an escape code in it */
  run (&missing, "C.UTF-8", (const char *[]) { "checklist", "--plan", escape_path, NULL });
  g_assert_cmpint (missing.status, ==, 1);
  assert_terminal_safe (missing.err);
  g_assert_nonnull (strstr (missing.err, "\\u001B]0;owned\\u0007.json"));

  run (&usage, "C.UTF-8", (const char *[]) { "checklist", "--plan", seed_plan, "--format", HOSTILE, NULL });
  g_assert_cmpint (usage.status, ==, 2);
  assert_terminal_safe (usage.err);

  g_unlink (probe);
  g_unlink (plan);
  g_rmdir (dir);
}

static void
test_catalog (void)
{
  g_auto(Result) services = { 0 };
  g_auto(Result) routers = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();

  run (&services, NULL, (const char *[]) { "catalog", "services", "--json", NULL });
  g_assert_cmpint (services.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, services.out, -1, NULL));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), >=, 40);

  run (&routers, NULL, (const char *[]) { "catalog", "routers", "--lang", "ja", NULL });
  g_assert_cmpint (routers.status, ==, 0);
  g_assert_nonnull (strstr (routers.out, "buffalo-bbr-4mg"));
  g_assert_nonnull (strstr (routers.out, "アドレス変換"));
}

/* A scratch directory of the test's own */
static char *
scratch_dir (const char *name)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static char *
read_text (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* The seed's probe results with @from replaced by @to, in a file of its own */
static char *
probe_report_with (const char *name,
                   const char *from,
                   const char *to)
{
  g_autofree char *seed = data_path ("seed-probe-report.json");
  g_autofree char *text = read_text (seed);
  g_autofree char *dir = scratch_dir ("probe-reports");
  g_auto(GStrv) parts = g_strsplit (text, from, -1);
  g_autofree char *changed = g_strjoinv (to, parts);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_assert_true (g_file_set_contents (path, changed, -1, NULL));
  return path;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* With probe results the checklist puts the blockers first and marks each
 * row that cannot work, and why; without them it is as it always was */
static void
test_checklist_findings (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *cgnat = probe_report_with ("cgnat.json", "\"cgnat\": false", "\"cgnat\": true");
  g_autofree char *udp = probe_report_with ("udp.json", "\"classic\": \"port-restricted-cone\"",
                                            "\"classic\": \"udp-blocked\"");
  g_auto(Result) text = { 0 };
  g_auto(Result) json = { 0 };
  g_auto(Result) udp_json = { 0 };
  g_auto(Result) plain = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) udp_parser = json_parser_new ();
  g_autoptr(JsonParser) plain_parser = json_parser_new ();
  JsonObject *root;
  JsonArray *forwards;
  JsonObject *first;
  const char *blocker;
  const char *router;

  /* Behind carrier-grade NAT: said first, in plain words, and on every row */
  run (&text, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "--probe-report", cgnat, "--lang", "en", NULL });
  g_assert_cmpint (text.status, ==, 0);
  blocker = strstr (text.out, "[!] Carrier-grade NAT");
  router = strstr (text.out, "Router settings");
  g_assert_nonnull (blocker);
  g_assert_nonnull (router);
  g_assert_true (blocker < router);
  g_assert_nonnull (strstr (text.out, "What to do instead: Ask the provider for a public IPv4 address"));
  g_assert_nonnull (strstr (text.out, "Game server                   No: Carrier-grade NAT"));
  /* Automatic rows are not offered where they cannot help */
  g_assert_nonnull (strstr (text.out, "cannot help here"));

  run (&json, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "--probe-report", cgnat, "--format", "json", NULL });
  g_assert_cmpint (json.status, ==, 0);
  root = parse_object (parser, json.out);
  first = json_array_get_object_element (json_object_get_array_member (root, "findings"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, "cgnat");
  g_assert_cmpstr (json_object_get_string_member (first, "severity"), ==, "blocker");
  g_assert_true (json_object_has_member (first, "title") && json_object_has_member (first, "text") &&
                 json_object_has_member (first, "action") && json_object_has_member (first, "ports"));
  forwards = json_object_get_array_member (root, "forwards");
  g_assert_cmpuint (json_array_get_length (forwards), >, 0);
  for (guint i = 0; i < json_array_get_length (forwards); i++)
    {
      JsonObject *row = json_array_get_object_element (forwards, i);
      JsonArray *because = json_object_get_array_member (row, "because");

      g_assert_cmpstr (json_object_get_string_member (row, "works"), ==, "no");
      g_assert_cmpuint (json_array_get_length (because), ==, 1);
      g_assert_cmpstr (json_array_get_string_element (because, 0), ==, "cgnat");
    }

  /* UDP blocked: the UDP rows cannot work, the TCP ones are not marked so */
  run (&udp_json, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "--probe-report", udp, "--format", "json", NULL });
  g_assert_cmpint (udp_json.status, ==, 0);
  root = parse_object (udp_parser, udp_json.out);
  first = json_array_get_object_element (json_object_get_array_member (root, "findings"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, "udp-blocked");
  forwards = json_object_get_array_member (root, "forwards");
  for (guint i = 0; i < json_array_get_length (forwards); i++)
    {
      JsonObject *row = json_array_get_object_element (forwards, i);
      gboolean is_udp = g_str_equal (json_object_get_string_member (row, "protocol"), "udp");

      g_assert_cmpint (g_str_equal (json_object_get_string_member (row, "works"), "no"), ==, is_udp);
    }

  /* Without probe results, none of it */
  run (&plain, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "--format", "json", NULL });
  g_assert_cmpint (plain.status, ==, 0);
  root = parse_object (plain_parser, plain.out);
  g_assert_false (json_object_has_member (root, "findings"));
  g_assert_false (json_object_has_member (json_array_get_object_element (json_object_get_array_member (root, "forwards"), 0),
                                          "works"));
}

/* -o writes a regular file or a new one, and nothing else: a device, a
 * FIFO or a symbolic link is refused with one line and left as it was */
static void
test_output_refuses (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *dir = scratch_dir ("output");
  g_autofree char *fifo = g_build_filename (dir, "checklist.fifo", NULL);
  g_autofree char *device = g_build_filename (dir, "null", NULL);
  g_autofree char *target = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *link = g_build_filename (dir, "checklist.txt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *link_target = NULL;
  gboolean have_device;
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  have_device = mknod (device, S_IFCHR | 0666, makedev (1, 3)) == 0;
  g_assert_true (g_file_set_contents (target, "my notes\n", -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);

  {
    const char *refused[] = { fifo, have_device ? device : "/dev/null", "/dev/null", link, dir };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_auto(Result) r = { 0 };

        run (&r, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "-o", refused[i], NULL });
        g_test_message ("%s", r.err);
        g_assert_cmpint (r.status, ==, 1);
        g_assert_cmpstr (r.out, ==, "");
        g_assert_cmpuint (count_lines (r.err), ==, 1);
        g_assert_nonnull (strstr (r.err, refused[i]));
      }
  }

  /* Each left as it was */
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpint (g_lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
  if (have_device)
    {
      g_assert_cmpint (g_lstat (device, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
    }
  link_target = g_file_read_link (link, NULL);
  g_assert_cmpstr (link_target, ==, target);
  contents = read_text (target);
  g_assert_cmpstr (contents, ==, "my notes\n");

  /* The one line says why */
  {
    g_auto(Result) r = { 0 };

    run (&r, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "-o", link, NULL });
    g_assert_nonnull (strstr (r.err, "symbolic link"));
  }
}

/* A file -o replaces keeps its permissions (and, as root, its owner) */
static void
test_output_keeps_mode (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *dir = scratch_dir ("output");
  g_autofree char *path = g_build_filename (dir, "private.md", NULL);
  g_autofree char *contents = NULL;
  g_auto(Result) r = { 0 };
  GStatBuf st;

  g_assert_true (g_file_set_contents (path, "old\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  if (geteuid () == 0)
    g_assert_cmpint (chown (path, 65534, 65534), ==, 0);

  run (&r, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "--format", "markdown", "-o", path, NULL });
  g_assert_cmpint (r.status, ==, 0);
  contents = read_text (path);
  g_assert_true (g_str_has_prefix (contents, "# "));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  if (geteuid () == 0)
    g_assert_cmpuint (st.st_uid, ==, 65534);
}

/* What a killed sesame-cli left beside an -o file goes at the next write
 * there; files of the same name and another ending are the person's */
static void
test_output_cleans_temporaries (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *dir = scratch_dir ("output");
  g_autofree char *path = g_build_filename (dir, "checklist.html", NULL);
  g_autofree char *stale = g_build_filename (dir, ".checklist.html.sesame-tmp-Q7xk2P", NULL);
  const char *mine[] = { "checklist.html.backup", "checklist.html.Q7xk2P", ".checklist.html.swp" };
  g_auto(Result) r = { 0 };

  g_assert_true (g_file_set_contents (stale, "<html", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
    {
      g_autofree char *other = g_build_filename (dir, mine[i], NULL);
      g_assert_true (g_file_set_contents (other, "mine", -1, NULL));
    }

  run (&r, "C.UTF-8", (const char *[]) { "checklist", "--plan", plan, "--format", "html", "-o", path, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
    {
      g_autofree char *other = g_build_filename (dir, mine[i], NULL);
      g_autofree char *contents = read_text (other);

      g_assert_cmpstr (contents, ==, "mine");
    }
}

/* --probe-report reads a regular file of at most 1 MiB: /dev/zero, a FIFO
 * and a 2 MiB file are refused at once, with one line */
static void
test_probe_report_refuses (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *dir = scratch_dir ("reports");
  g_autofree char *fifo = g_build_filename (dir, "report.fifo", NULL);
  g_autofree char *large = g_build_filename (dir, "large.json", NULL);
  g_autofree char *big = g_strnfill (2 * 1024 * 1024, ' ');
  const char *cases[] = { "/dev/zero", fifo, large };

  big[0] = '{';
  g_assert_true (g_file_set_contents (large, big, -1, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  alarm (60);   /* a hang or a 2 GB read is a failure */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Result) r = { 0 };

      run (&r, "C.UTF-8", (const char *[]) { "report", "--plan", plan, "--probe-report", cases[i], NULL });
      g_test_message ("%s", r.err);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_cmpuint (count_lines (r.err), ==, 1);
      g_assert_nonnull (strstr (r.err, cases[i]));
      g_assert_true (strstr (r.err, "not a regular file") || strstr (r.err, "too large"));
    }
  alarm (0);
}

static guint
count_names (const char *dir,
             const char *prefix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;

  return n;
}

/* probe in a network namespace with only loopback: nothing leaves the machine */
static void
run_probe_save (Result *result)
{
  g_autofree char *netns_run = g_test_build_filename (G_TEST_DIST, "netns-run", NULL);

  run_wrapped (result, "C.UTF-8", (const char *[]) { netns_run, NULL },
               (const char *[]) { "probe", "--no-internet", "--no-defaults", "--deadline-ms", "300",
                                  "--json", "--save", NULL });
}

#define BAD_REPORT "{\"version\": 1, \"nat\": {\"mapping\": "

/* A damaged saved report costs one warning, not every later run: report
 * moves it aside and goes on; probe --save never rotates it into the history */
static void
test_saved_report_corrupt (void)
{
  g_autofree char *plan = data_path ("seed-plan.json");
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "sesame", NULL);
  g_autofree char *saved = g_build_filename (dir, "probe-report.json", NULL);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (saved, BAD_REPORT, -1, NULL));

  for (guint i = 0; i < 3; i++)
    {
      g_auto(Result) r = { 0 };

      run (&r, "C.UTF-8", (const char *[]) { "report", "--plan", plan, "--lang", "en", NULL });
      g_test_message ("%s", r.err);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Address Translation"));
      if (i == 0)
        {
          g_assert_cmpuint (count_lines (r.err), ==, 1);
          g_assert_nonnull (strstr (r.err, "moved to"));
        }
      else
        g_assert_cmpstr (r.err, ==, "");
    }
  g_assert_cmpuint (count_names (dir, "probe-report.json.unreadable-"), ==, 1);

  /* Damaged again, then several runs of probe --save */
  g_assert_true (g_file_set_contents (saved, BAD_REPORT, -1, NULL));
  for (guint i = 0; i < 3; i++)
    {
      g_auto(Result) r = { 0 };

      run_probe_save (&r);
      g_test_message ("%s", r.err);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "\"version\""));
      g_assert_cmpuint (count_lines (r.err), ==, i == 0 ? 1 : 0);
      g_usleep (2000);
    }
  g_assert_cmpuint (count_names (dir, "probe-report.json.unreadable-"), ==, 2);

  /* The history holds only good copies, and report reads the latest */
  g_assert_cmpuint (count_names (dir, "probe-report-"), ==, 2);
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "probe-report-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = read_text (path);

        g_assert_null (strstr (contents, BAD_REPORT));
      }

  {
    g_auto(Result) r = { 0 };

    run (&r, "C.UTF-8", (const char *[]) { "report", "--plan", plan, "--lang", "en", NULL });
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
  }
}

/* A full disk: probe --save still prints the results and says, in one
 * line, that they were not kept (a 64 KiB tmpfs, in a mount namespace of
 * the test's own, filled up) */
static void
test_probe_save_full_disk (void)
{
  g_autofree char *netns_run = g_test_build_filename (G_TEST_DIST, "netns-run", NULL);
  g_autofree char *full = scratch_dir ("full");
  g_auto(Result) r = { 0 };
  static const char fill[] =
    "mount -t tmpfs -o size=64k tmpfs \"$0\" && mkdir \"$0/sesame\" && "
    "{ dd if=/dev/zero of=\"$0/fill\" bs=4k 2>/dev/null || true; } && "
    "XDG_DATA_HOME=\"$0\" exec \"$@\"";

  run_wrapped (&r, "C.UTF-8", (const char *[]) { netns_run, "unshare", "--mount", "--", "sh", "-c", fill, full, NULL },
               (const char *[]) { "probe", "--no-internet", "--no-defaults", "--deadline-ms", "300",
                                  "--json", "--save", NULL });
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (g_str_has_prefix (r.out, "{"));
  g_assert_nonnull (strstr (r.out, "\"version\""));
  g_assert_cmpuint (count_lines (r.err), ==, 1);
  g_assert_nonnull (strstr (r.err, "could not be kept"));
  g_assert_nonnull (strstr (r.err, "only in this output"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/bad-input", test_bad_input);
  g_test_add_func ("/cli/plan-check", test_plan_check);
  g_test_add_func ("/cli/checklist-japanese-under-c-locale", test_checklist_japanese_under_c_locale);
  g_test_add_func ("/cli/checklist-plan-language", test_checklist_plan_language);
  g_test_add_func ("/cli/checklist-pdf", test_checklist_pdf);
  g_test_add_func ("/cli/catalog", test_catalog);
  g_test_add_func ("/cli/report", test_report);
  g_test_add_func ("/cli/diff", test_diff);
  g_test_add_func ("/cli/checklist-findings", test_checklist_findings);
  g_test_add_func ("/cli/output-refuses", test_output_refuses);
  g_test_add_func ("/cli/output-keeps-mode", test_output_keeps_mode);
  g_test_add_func ("/cli/output-cleans-temporaries", test_output_cleans_temporaries);
  g_test_add_func ("/cli/probe-report-refuses", test_probe_report_refuses);
  g_test_add_func ("/cli/saved-report-corrupt", test_saved_report_corrupt);
  g_test_add_func ("/cli/probe-save-full-disk", test_probe_save_full_disk);
  g_test_add_func ("/cli/terminal-safe", test_terminal_safe);

  return g_test_run ();
}
