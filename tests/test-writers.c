/* test-writers.c: the seed scenario's checklist in every format and both languages
 *
 * The expected files are in tests/data/golden. After a deliberate change,
 * run the test with SESAME_UPDATE_GOLDEN=1 and review the difference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sesame-checklist-writer.h"
#include "sesame-export.h"
#include "sesame-findings.h"
#include "sesame-settings-report.h"

static SesameCatalog *catalog;

static const struct {
  SesameExportFormat format;
  const char *extension;
} formats[] = {
  { SESAME_EXPORT_FORMAT_TEXT, "txt" },
  { SESAME_EXPORT_FORMAT_MARKDOWN, "md" },
  { SESAME_EXPORT_FORMAT_HTML, "html" },
  { SESAME_EXPORT_FORMAT_JSON, "json" },
};

static SesameChecklist *
seed_checklist (const char *language)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "seed-plan.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = sesame_plan_load_from_file (path, catalog, &error);
  SesameChecklist *checklist;

  g_assert_no_error (error);
  checklist = sesame_checklist_new (plan, catalog, language, &error);
  g_assert_no_error (error);
  return checklist;
}

static void
compare_golden (const char *name,
                const char *actual)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "golden", name, NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("SESAME_UPDATE_GOLDEN") != NULL)
    {
      g_assert_true (g_file_set_contents (path, actual, -1, &error));
      g_test_message ("updated %s", path);
      return;
    }

  g_assert_true (g_file_get_contents (path, &expected, NULL, &error));
  g_assert_no_error (error);

  if (g_strcmp0 (expected, actual) != 0)
    {
      g_auto(GStrv) want = g_strsplit (expected, "\n", -1);
      g_auto(GStrv) got = g_strsplit (actual, "\n", -1);

      for (guint i = 0; want[i] != NULL || got[i] != NULL; i++)
        {
          if (want[i] == NULL || got[i] == NULL || !g_str_equal (want[i], got[i]))
            g_error ("%s differs at line %u:\n  expected: %s\n  actual:   %s", name, i + 1,
                     want[i] ? want[i] : "(end)", got[i] ? got[i] : "(end)");
        }
    }
}

static void
test_golden (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameChecklist) checklist = seed_checklist (language);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *text = sesame_checklist_write (checklist, formats[i].format);
      g_autofree char *name = g_strdup_printf ("seed.%s.%s", language, formats[i].extension);

      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_assert_true (g_str_has_suffix (text, "\n"));
      compare_golden (name, text);
    }
}

/* The one export path writes what the writers write, PDF too, and a
 * redacted settings report leaves the server's name out of the copy only */
static void
test_export (void)
{
  g_autoptr(SesameChecklist) checklist = seed_checklist ("ja");
  SesameExportSource source = { .checklist = checklist, .catalog = catalog };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) shared = NULL;
  g_autoptr(GBytes) own = NULL;
  g_autofree char *shared_text = NULL;
  g_autofree char *own_text = NULL;
  SesameExportFormat format;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GBytes) bytes = sesame_export_write (&source, SESAME_DOCUMENT_CHECKLIST, formats[i].format,
                                                     FALSE, &error);
      g_autofree char *text = NULL;
      g_autofree char *name = g_strdup_printf ("seed.ja.%s", formats[i].extension);

      g_assert_no_error (error);
      text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      compare_golden (name, text);
    }

  g_assert_true (sesame_export_format_from_string ("pdf", &format));
  g_assert_cmpint (format, ==, SESAME_EXPORT_FORMAT_PDF);
  g_assert_cmpstr (sesame_export_format_to_string (SESAME_EXPORT_FORMAT_MARKDOWN), ==, "markdown");
  g_assert_false (sesame_export_format_from_string ("PDF", &format));

  pdf = sesame_export_write (&source, SESAME_DOCUMENT_CHECKLIST, SESAME_EXPORT_FORMAT_PDF, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (pdf), >, 5);
  g_assert_cmpmem (g_bytes_get_data (pdf, NULL), 5, "%PDF-", 5);

  own = sesame_export_write (&source, SESAME_DOCUMENT_SETTINGS_REPORT, SESAME_EXPORT_FORMAT_MARKDOWN, FALSE, &error);
  g_assert_no_error (error);
  shared = sesame_export_write (&source, SESAME_DOCUMENT_SETTINGS_REPORT, SESAME_EXPORT_FORMAT_MARKDOWN, TRUE, &error);
  g_assert_no_error (error);
  own_text = g_strndup (g_bytes_get_data (own, NULL), g_bytes_get_size (own));
  shared_text = g_strndup (g_bytes_get_data (shared, NULL), g_bytes_get_size (shared));
  g_assert_nonnull (strstr (own_text, "Mac mini"));
  g_assert_null (strstr (shared_text, "Mac mini"));
  g_assert_cmpstr (sesame_plan_get_host_name (sesame_checklist_get_plan (checklist)), ==, "Mac mini");
}

static SesameProbeReport *
load_probe_report (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SesameProbeReport *report;
  gsize length;

  g_assert_true (g_file_get_contents (path, &json, &length, &error));
  bytes = g_bytes_new_take (g_steal_pointer (&json), length);
  report = sesame_probe_report_new_from_json (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report->external_ipv4);

  return report;
}

static SesameProbeReport *
seed_probe_report (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "seed-probe-report.json", NULL);

  return load_probe_report (path);
}

static char *
export_text (SesameChecklist         *checklist,
             const SesameProbeReport *probe,
             SesameExportFormat       format,
             gboolean                 redact)
{
  SesameExportSource source = { .checklist = checklist, .catalog = catalog, .probe = probe };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sesame_export_write (&source, SESAME_DOCUMENT_SETTINGS_REPORT, format, redact, &error);

  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A plain text settings report is plain text to its end: the probe results
 * as headings and columns the way the checklist's text has them, with no
 * Markdown table or heading; the Markdown report keeps its tables */
static void
test_settings_report_text (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameChecklist) checklist = seed_checklist (language);
  g_autoptr(SesameProbeReport) probe = seed_probe_report ();
  g_autofree char *text = export_text (checklist, probe, SESAME_EXPORT_FORMAT_TEXT, FALSE);
  g_autofree char *markdown = export_text (checklist, probe, SESAME_EXPORT_FORMAT_MARKDOWN, FALSE);
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  g_autofree char *found = g_strdup_printf ("\n%s\n---", T_ (tr, "What Sesame found"));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const char *address;

  /* The results are there, under a plain heading */
  g_assert_nonnull (strstr (text, found));
  g_assert_nonnull (strstr (text, T_ (tr, "What was verified")));
  address = strstr (text, probe->external_ipv4);
  g_assert_nonnull (address);
  g_assert_true (address > strstr (text, found));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_false (g_str_has_prefix (lines[i], "|"));
      g_assert_false (g_str_has_prefix (lines[i], "#"));
      g_assert_null (strstr (lines[i], "---|"));
      g_assert_null (strstr (lines[i], "| ---"));
    }
  g_assert_true (g_str_has_suffix (text, "\n"));
  g_assert_false (g_str_has_suffix (text, "\n\n"));

  g_assert_nonnull (strstr (markdown, "| --- |"));
}

/* A redacted report says what it left out in its own language */
static void
test_settings_report_redacted (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameChecklist) checklist = seed_checklist (language);
  g_autoptr(SesameProbeReport) probe = seed_probe_report ();
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  const char *hidden = TC_ (tr, "redacted", "(hidden)");

  if (g_str_equal (language, "ja"))
    g_assert_cmpstr (hidden, !=, "(hidden)");
  else
    g_assert_cmpstr (hidden, ==, "(hidden)");

  for (SesameExportFormat format = SESAME_EXPORT_FORMAT_TEXT; format <= SESAME_EXPORT_FORMAT_HTML; format++)
    {
      g_autofree char *shared = export_text (checklist, probe, format, TRUE);

      g_assert_null (strstr (shared, probe->external_ipv4));
      g_assert_nonnull (strstr (shared, hidden));
      if (!g_str_equal (language, "en"))
        g_assert_null (strstr (shared, "(hidden)"));
    }
}

/* Same plan, same output: nothing depends on time, order of hashing or locale */
static void
test_pure (void)
{
  g_autoptr(SesameChecklist) a = seed_checklist ("ja");
  g_autoptr(SesameChecklist) b = seed_checklist ("ja");

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *ta = sesame_checklist_write (a, formats[i].format);
      g_autofree char *tb = sesame_checklist_write (b, formats[i].format);

      g_assert_cmpstr (ta, ==, tb);
    }
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* One printable page: a tick box for every row, every text escaped */
static void
test_html (void)
{
  g_autoptr(SesameChecklist) checklist = seed_checklist ("ja");
  g_autofree char *html = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_HTML);
  guint forwards = sesame_checklist_get_forwards (checklist)->len;

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"ja\">"));
  g_assert_cmpuint (count (html, "<input type=\"checkbox\""), ==, forwards);
  g_assert_cmpuint (count (html, "<tr>") + count (html, "<tr><td class=\"tick\">"), >=, forwards);
  g_assert_nonnull (strstr (html, "@media print"));
  g_assert_nonnull (strstr (html, "アドレス変換"));
  /* Self-contained: no scripts, no links to elsewhere */
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "<link"));
  g_assert_null (strstr (html, "src="));
}

static void
test_html_escapes (void)
{
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;
  g_autofree char *markdown = NULL;
  SesameCustomRule rule = { (char *) "<script>alert(1)</script> | *x*", SESAME_RULE_PROTOCOL_TCP,
                            { 8080, 8080 }, { 8080, 8080 } };

  sesame_plan_set_host_name (plan, "Tom & Jerry's <server>");
  sesame_plan_set_host_address (plan, "192.168.1.5");
  sesame_plan_add_custom_rule (plan, &rule);
  checklist = sesame_checklist_new (plan, catalog, "en", &error);
  g_assert_no_error (error);

  html = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_HTML);
  g_assert_null (strstr (html, "<script>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;"));
  g_assert_nonnull (strstr (html, "Tom &amp; Jerry"));

  markdown = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_MARKDOWN);
  g_assert_nonnull (strstr (markdown, "\\<script\\>"));
  g_assert_nonnull (strstr (markdown, "\\| \\*x\\*"));
}

/* Each finding the checklist shows says what its words mean, in one plain
 * line, in every format: carrier-grade NAT, as the lab saw it */
static void
test_findings_explained (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameChecklist) checklist = seed_checklist (language);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "reports", "cgnat.json", NULL);
  g_autoptr(SesameProbeReport) probe = load_probe_report (path);
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *html = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) unescaped = g_string_new (NULL);
  JsonArray *written;
  guint explained = 0;

  findings = sesame_findings_new (sesame_checklist_get_plan (checklist), catalog, probe, language, &error);
  g_assert_no_error (error);
  sesame_checklist_set_findings (checklist, findings);

  text = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_TEXT);
  markdown = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_MARKDOWN);
  html = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_HTML);
  json = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_JSON);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  written = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "findings");
  for (const char *c = markdown; *c != '\0'; c++)
    if (*c != '\\')
      g_string_append_c (unescaped, *c);
  g_assert_cmpuint (json_array_get_length (written), ==, sesame_checklist_get_findings (checklist)->len);

  for (guint i = 0; i < sesame_checklist_get_findings (checklist)->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (sesame_checklist_get_findings (checklist), i);
      JsonObject *object = json_array_get_object_element (written, i);
      g_autofree char *escaped = NULL;

      if (finding->explanation == NULL)
        {
          g_assert_true (json_object_get_null_member (object, "explanation"));
          continue;
        }

      g_assert_cmpstr (json_object_get_string_member (object, "explanation"), ==, finding->explanation);
      if (!sesame_finding_shown (finding))
        continue;

      escaped = g_markup_escape_text (finding->explanation, -1);
      g_assert_nonnull (strstr (text, finding->explanation));
      g_assert_nonnull (strstr (html, escaped));
      /* Markdown escapes its own characters with backslashes */
      g_assert_nonnull (strstr (unescaped->str, finding->explanation));
      explained++;
    }

  g_assert_cmpuint (explained, >, 0);
}

/* The JSON keys other programs rely on */
static void
test_json_contract (void)
{
  g_autoptr(SesameChecklist) checklist = seed_checklist ("en");
  g_autofree char *json = sesame_checklist_write (checklist, SESAME_EXPORT_FORMAT_JSON);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonObject *router;
  JsonObject *forward;
  JsonObject *firewall;
  JsonArray *forwards;
  JsonArray *steps;
  gboolean seen_range = FALSE;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (root, "language"), ==, "en");

  router = json_object_get_object_member (root, "router");
  g_assert_cmpstr (json_object_get_string_member (router, "id"), ==, "buffalo-bbr-4mg");
  g_assert_cmpstr (json_object_get_string_member (router, "admin_url"), ==, "http://192.168.11.1/");
  g_assert_cmpstr (json_object_get_string_member (router, "page"), ==, "Address Translation");
  g_assert_true (json_object_has_member (router, "name"));
  g_assert_true (json_object_has_member (router, "menu_path"));

  forwards = json_object_get_array_member (root, "forwards");
  g_assert_cmpuint (json_array_get_length (forwards), ==, sesame_checklist_get_forwards (checklist)->len);
  for (guint i = 0; i < json_array_get_length (forwards); i++)
    {
      forward = json_array_get_object_element (forwards, i);
      g_assert_cmpstr (json_object_get_string_member (forward, "internal_address"), ==, "192.168.11.5");
      g_assert_true (json_object_has_member (forward, "protocol"));
      g_assert_true (json_object_has_member (forward, "internal_ports"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (forward, "services")), >, 0);
      if (g_str_equal (json_object_get_string_member (forward, "external_ports"), "16384-16403"))
        seen_range = TRUE;
    }
  g_assert_true (seen_range);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "lan_only")), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "outbound_only")), >, 0);
  g_assert_true (json_object_has_member (root, "conflicts"));

  firewall = json_object_get_object_member (root, "host_firewall");
  g_assert_cmpstr (json_object_get_string_member (firewall, "os"), ==, "macos");
  steps = json_object_get_array_member (firewall, "steps");
  g_assert_cmpuint (json_array_get_length (steps), >, 0);
  g_assert_true (json_object_has_member (json_array_get_object_element (steps, 0), "command"));

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "warnings")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (root, "warnings"), 0), "severity"),
                   ==, "warning");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  g_test_add_data_func ("/writers/golden/en", "en", test_golden);
  g_test_add_data_func ("/writers/golden/ja", "ja", test_golden);
  g_test_add_func ("/writers/pure", test_pure);
  g_test_add_func ("/writers/html", test_html);
  g_test_add_func ("/writers/html-escapes", test_html_escapes);
  g_test_add_func ("/writers/json-contract", test_json_contract);
  g_test_add_data_func ("/writers/findings-explained/en", "en", test_findings_explained);
  g_test_add_data_func ("/writers/findings-explained/ja", "ja", test_findings_explained);
  g_test_add_func ("/writers/export", test_export);
  g_test_add_data_func ("/writers/settings-report-text/en", "en", test_settings_report_text);
  g_test_add_data_func ("/writers/settings-report-text/ja", "ja", test_settings_report_text);
  g_test_add_data_func ("/writers/settings-report-redacted/en", "en", test_settings_report_redacted);
  g_test_add_data_func ("/writers/settings-report-redacted/ja", "ja", test_settings_report_redacted);

  return g_test_run ();
}
