/* test-pdf.c: the printed checklist, read back with poppler-utils
 *
 * pdftotext and pdfinfo (Debian: poppler-utils) read the documents the way
 * a person's PDF viewer would: the text must be there, in the right order,
 * on the right pages, and no character may be a missing-glyph box. The
 * router change checklist is the seed's move from the Buffalo router to an
 * AirPort (tests/data/seed-plan-airport.json), in the order and with the
 * titles of its text version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sesame-migration-writer.h"
#include "sesame-pdf-writer.h"
#include "sesame-settings-report.h"

static SesameCatalog *catalog;

static SesamePlan *
load_plan (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  SesamePlan *plan = sesame_plan_load_from_file (path, catalog, &error);

  g_assert_no_error (error);
  return plan;
}

static SesameChecklist *
seed_checklist (const char *language)
{
  g_autoptr(SesamePlan) plan = load_plan ("seed-plan.json");
  g_autoptr(GError) error = NULL;
  SesameChecklist *checklist;

  checklist = sesame_checklist_new (plan, catalog, language, &error);
  g_assert_no_error (error);
  return checklist;
}

static GDateTime *
test_date (void)
{
  return g_date_time_new_utc (2024, 5, 1, 9, 30, 0);
}

static GBytes *
write_pdf (SesameChecklist   *checklist,
           const SesamePaper *paper,
           guint             *n_pages)
{
  g_autoptr(GDateTime) date = test_date ();
  g_autoptr(GError) error = NULL;
  guint unknown = G_MAXUINT;
  GBytes *pdf;

  pdf = sesame_pdf_writer_write (checklist, paper, date, n_pages, &unknown, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  g_assert_cmpuint (g_bytes_get_size (pdf), >, 1000);
  g_assert_true (memcmp (g_bytes_get_data (pdf, NULL), "%PDF-", 5) == 0);
  /* Every character has a glyph in some installed font: no boxes */
  g_assert_cmpuint (unknown, ==, 0);

  return pdf;
}

static char *
find_tool (const char *name)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_error ("%s is missing: install poppler-utils (build-aux/install-deps test does)", name);

  return path;
}

/* Runs a poppler tool on @pdf and returns what it prints */
static char *
run_tool (const char  *tool,
          GBytes      *pdf,
          const char  *const *args)
{
  g_autofree char *program = find_tool (tool);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd;

  fd = g_file_open_tmp ("sesame-test-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);

  g_ptr_array_add (argv, program);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, path);
  if (g_str_equal (tool, "pdftotext"))
    g_ptr_array_add (argv, (char *) "-");
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed: %s", tool, err);

  g_unlink (path);

  return g_steal_pointer (&out);
}

static char *
pdf_text (GBytes *pdf,
          guint   page)   /* from 1; 0 for every page */
{
  g_autofree char *first = g_strdup_printf ("%u", page);

  if (page == 0)
    return run_tool ("pdftotext", pdf, (const char * const[]) { "-layout", "-enc", "UTF-8", NULL });

  return run_tool ("pdftotext", pdf, (const char * const[]) { "-layout", "-enc", "UTF-8",
                                                              "-f", first, "-l", first, NULL });
}

/* "Pages: 2" and the like */
static char *
pdf_info (GBytes     *pdf,
          const char *key)
{
  g_autofree char *info = run_tool ("pdfinfo", pdf, (const char * const[]) { "-enc", "UTF-8", NULL });
  g_auto(GStrv) lines = g_strsplit (info, "\n", -1);
  g_autofree char *prefix = g_strconcat (key, ":", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        return g_strstrip (g_strdup (lines[i] + strlen (prefix)));
    }

  g_error ("pdfinfo printed no %s:\n%s", key, info);
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

/* Text wrapped on paper comes back with line breaks and padding: compare
 * without any white space */
static char *
squeeze (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static void
assert_contains_wrapped (const char *text,
                         const char *needle)
{
  g_autofree char *haystack = squeeze (text);
  g_autofree char *wanted = squeeze (needle);

  if (strstr (haystack, wanted) == NULL)
    g_error ("the PDF does not show “%s”; its text is:\n%s", needle, text);
}

static const SesameWarning *
find_warning (SesameChecklist *checklist,
              const char      *service)
{
  GPtrArray *warnings = sesame_checklist_get_warnings (checklist);

  for (guint i = 0; i < warnings->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (warnings, i);

      for (guint j = 0; j < warning->services->len; j++)
        if (g_str_equal (g_ptr_array_index (warning->services, j), service))
          return warning;
    }

  g_error ("no warning for %s", service);
}

/* The seed scenario, as a person would print it */
static void
test_seed (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameChecklist) checklist = seed_checklist (language);
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pages = NULL;
  g_autofree char *title = NULL;
  guint n_pages = 0;
  guint n_again = 0;

  pdf = write_pdf (checklist, sesame_paper_lookup ("a4"), &n_pages);
  g_test_message ("%s: %u pages, %" G_GSIZE_FORMAT " bytes", language, n_pages, g_bytes_get_size (pdf));
  g_assert_cmpuint (n_pages, >=, 1);
  g_assert_cmpuint (n_pages, <=, 4);

  pages = pdf_info (pdf, "Pages");
  g_assert_cmpuint (g_ascii_strtoull (pages, NULL, 10), ==, n_pages);
  title = pdf_info (pdf, "Title");
  g_assert_cmpstr (title, ==, sesame_checklist_get_title (checklist));

  text = pdf_text (pdf, 0);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      g_autofree char *port = sesame_port_range_to_string (&forward->external);

      g_assert_nonnull (strstr (text, port));
    }
  g_assert_nonnull (strstr (text, "16384-16403"));
  g_assert_nonnull (strstr (text, g_str_equal (language, "ja") ? "アドレス変換" : "Address Translation"));
  g_assert_nonnull (strstr (text, "2024-05-01"));
  assert_contains_wrapped (text, find_warning (checklist, "afp")->text);
  assert_contains_wrapped (text, "sudo /usr/libexec/ApplicationFirewall/socketfilterfw --setglobalstate on");

  /* The footer counts the pages */
  if (g_str_equal (language, "en"))
    {
      g_autofree char *last = g_strdup_printf ("Page %u of %u", n_pages, n_pages);

      g_assert_nonnull (strstr (text, "Page 1 of"));
      g_assert_nonnull (strstr (text, last));
    }

  /* Same checklist, same date: the same document, byte for byte */
  again = write_pdf (checklist, sesame_paper_lookup ("a4"), &n_again);
  g_assert_cmpuint (n_again, ==, n_pages);
  g_assert_true (g_bytes_equal (pdf, again));
}

/* The settings report on paper: the checklist, then what the probes found
 * and what was verified of each forwarding row */
static void
test_settings_report (gconstpointer data)
{
  const char *language = data;
  gboolean ja = g_str_equal (language, "ja");
  g_autoptr(SesameChecklist) checklist = seed_checklist (language);
  g_autofree char *probe_path = g_test_build_filename (G_TEST_DIST, "data", "seed-probe-report.json", NULL);
  g_autofree char *probe_json = NULL;
  g_autoptr(GBytes) probe_bytes = NULL;
  g_autoptr(SesameProbeReport) probe = NULL;
  g_autoptr(GDateTime) date = test_date ();
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pages = NULL;
  guint n_plain = 0, n_pages = 0, unknown = G_MAXUINT;
  gsize length;

  g_assert_true (g_file_get_contents (probe_path, &probe_json, &length, NULL));
  probe_bytes = g_bytes_new_take (g_steal_pointer (&probe_json), length);
  probe = sesame_probe_report_new_from_json (probe_bytes, &error);
  g_assert_no_error (error);

  /* Without results it is the checklist itself */
  plain = sesame_settings_report_write_pdf (checklist, NULL, sesame_paper_lookup ("a4"), date, &n_plain, NULL, &error);
  g_assert_no_error (error);

  pdf = sesame_settings_report_write_pdf (checklist, probe, sesame_paper_lookup ("a4"), date, &n_pages, &unknown, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unknown, ==, 0);
  g_assert_cmpuint (n_pages, >=, n_plain);
  pages = pdf_info (pdf, "Pages");
  g_assert_cmpuint (g_ascii_strtoull (pages, NULL, 10), ==, n_pages);

  text = pdf_text (pdf, 0);
  g_assert_nonnull (strstr (text, ja ? "アドレス変換" : "Address Translation"));
  g_assert_nonnull (strstr (text, ja ? "Sesameの調査結果" : "What Sesame found"));
  g_assert_nonnull (strstr (text, ja ? "確認できたこと" : "What was verified"));
  /* The findings: the public address, and one row per forward with its verdict */
  g_assert_nonnull (strstr (text, probe->external_ipv4));
  g_assert_nonnull (strstr (text, "UDP 16384-16403"));
  g_assert_nonnull (strstr (text, ja ? "確認項目" : "Check"));
}

/* Without a date, no date line */
static void
test_no_date (void)
{
  g_autoptr(SesameChecklist) checklist = seed_checklist ("en");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;
  guint unknown = G_MAXUINT;

  pdf = sesame_pdf_writer_write (checklist, sesame_paper_lookup ("a4"), NULL, NULL, &unknown, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unknown, ==, 0);

  text = pdf_text (pdf, 0);
  g_assert_null (strstr (text, "Made on"));
  g_assert_nonnull (strstr (text, "Address Translation"));
}

static void
parse_page_size (GBytes *pdf,
                 double *width,
                 double *height)
{
  g_autofree char *size = pdf_info (pdf, "Page size");
  char *end;

  /* "595.276 x 841.89 pts (A4)" */
  *width = g_ascii_strtod (size, &end);
  g_assert_true (g_str_has_prefix (end, " x "));
  *height = g_ascii_strtod (end + 3, NULL);
}

static void
test_paper (void)
{
  g_autoptr(SesameChecklist) checklist = seed_checklist ("en");
  g_autoptr(GBytes) a4 = NULL;
  g_autoptr(GBytes) letter = NULL;
  guint a4_pages = 0;
  guint letter_pages = 0;
  double width;
  double height;

  g_assert_null (sesame_paper_lookup ("b5"));
  g_assert_cmpstr (sesame_paper_lookup ("A4")->name, ==, "a4");

  /* The paper follows LC_PAPER: A4 in the C locale, Letter in the US */
  g_assert_nonnull (setlocale (LC_PAPER, "C"));
  g_assert_cmpstr (sesame_paper_get_default ()->name, ==, "a4");
  if (setlocale (LC_PAPER, "en_US.UTF-8") != NULL)
    g_assert_cmpstr (sesame_paper_get_default ()->name, ==, "letter");
  else
    g_test_message ("no en_US.UTF-8 locale: Letter from LC_PAPER not checked");
  setlocale (LC_PAPER, "C");

  a4 = write_pdf (checklist, sesame_paper_lookup ("a4"), &a4_pages);
  parse_page_size (a4, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.28, 0.01);
  g_assert_cmpfloat_with_epsilon (height, 841.89, 0.01);

  letter = write_pdf (checklist, sesame_paper_lookup ("letter"), &letter_pages);
  parse_page_size (letter, &width, &height);
  g_assert_cmpfloat (width, ==, 612);
  g_assert_cmpfloat (height, ==, 792);

  /* Letter is shorter: never fewer pages */
  g_assert_cmpuint (letter_pages, >=, a4_pages);

  /* NULL is the locale's paper */
  {
    g_autoptr(GBytes) fallback = write_pdf (checklist, NULL, NULL);

    parse_page_size (fallback, &width, &height);
    g_assert_cmpfloat_with_epsilon (width, 595.28, 0.01);
  }
}

/* A plan with many rows of its own: the table goes over several pages,
 * no row is cut in two and each page repeats the column headers */
static SesameChecklist *
long_checklist (const char *language,
                guint       n_rules)
{
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  g_autoptr(GError) error = NULL;
  SesameChecklist *checklist;

  sesame_plan_set_router_id (plan, "buffalo-bbr-4mg");
  sesame_plan_set_host_name (plan, "Mac mini");
  sesame_plan_set_host_address (plan, "192.168.11.5");
  sesame_plan_set_host_os (plan, SESAME_HOST_OS_LINUX_UFW);
  sesame_plan_add_service (plan, "ssh");

  for (guint i = 0; i < n_rules; i++)
    {
      g_autofree char *name = g_strdup_printf ("Custom rule %c%c", 'A' + i / 26, 'A' + i % 26);
      /* Far apart, so that no two rows merge; internal ports differ from external */
      SesameCustomRule rule = { name, SESAME_RULE_PROTOCOL_TCP,
                                { (guint16) (41000 + 7 * i), (guint16) (41000 + 7 * i) },
                                { (guint16) (51000 + 7 * i), (guint16) (51000 + 7 * i) } };

      sesame_plan_add_custom_rule (plan, &rule);
    }

  checklist = sesame_checklist_new (plan, catalog, language, &error);
  g_assert_no_error (error);
  return checklist;
}

static void
test_long_table (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameChecklist) short_list = long_checklist (language, 3);
  g_autoptr(SesameChecklist) checklist = long_checklist (language, 60);
  g_autoptr(SesameTranslation) tr = NULL;
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);
  g_autoptr(GBytes) short_pdf = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) page_texts = g_ptr_array_new_with_free_func (g_free);
  const char *column;
  guint short_pages = 0;
  guint n_pages = 0;
  guint pages_with_rows = 0;

  tr = g_object_ref (sesame_checklist_get_translation (checklist));
  column = TC_ (tr, "column", "External port");

  short_pdf = write_pdf (short_list, sesame_paper_lookup ("a4"), &short_pages);
  pdf = write_pdf (checklist, sesame_paper_lookup ("a4"), &n_pages);
  g_test_message ("%s: 3 rules on %u pages, 60 on %u", language, short_pages, n_pages);
  g_assert_cmpuint (forwards->len, >=, 60);
  g_assert_cmpuint (n_pages, >, short_pages);
  g_assert_cmpuint (n_pages, >=, 3);

  text = pdf_text (pdf, 0);

  for (guint p = 1; p <= n_pages; p++)
    g_ptr_array_add (page_texts, pdf_text (pdf, p));

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      g_autofree char *external = sesame_port_range_to_string (&forward->external);
      g_autofree char *internal = sesame_port_range_to_string (&forward->internal);
      g_autofree char *names = sesame_checklist_join_names (checklist, forward->names);
      g_auto(GStrv) lines = NULL;
      guint found = 0;

      if (forward->external.first < 41000)
        continue;

      /* Once in the whole document: the host firewall steps name internal ports only */
      g_assert_cmpuint (count (text, external), ==, 1);

      /* On one line of one page: the whole row together */
      for (guint p = 0; p < page_texts->len; p++)
        {
          lines = g_strsplit (g_ptr_array_index (page_texts, p), "\n", -1);
          for (guint l = 0; lines[l] != NULL; l++)
            {
              if (strstr (lines[l], external) == NULL)
                continue;
              g_assert_nonnull (strstr (lines[l], internal));
              g_assert_nonnull (strstr (lines[l], names));
              g_assert_nonnull (strstr (lines[l], "192.168.11.5"));
              found++;
            }
          g_clear_pointer (&lines, g_strfreev);
        }
      g_assert_cmpuint (found, ==, 1);
    }

  /* Every page that holds rows of the table starts them with the header */
  for (guint p = 0; p < page_texts->len; p++)
    {
      const char *page = g_ptr_array_index (page_texts, p);
      const char *header = strstr (page, column);
      const char *first_row = NULL;

      for (guint i = 0; i < forwards->len; i++)
        {
          const SesameForward *forward = g_ptr_array_index (forwards, i);
          g_autofree char *external = sesame_port_range_to_string (&forward->external);
          const char *row = forward->external.first >= 41000 ? strstr (page, external) : NULL;

          if (row != NULL && (first_row == NULL || row < first_row))
            first_row = row;
        }

      if (first_row == NULL)
        continue;

      pages_with_rows++;
      g_assert_cmpuint (count (page, column), ==, 1);
      g_assert_nonnull (header);
      g_assert_true (header < first_row);
    }
  g_assert_cmpuint (pages_with_rows, >=, 2);
}

/* A dangerous service and a port conflict: red, marked boxes */
static void
test_critical (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;
  SesameTranslation *tr;
  SesameCustomRule rule = { (char *) "My SSH", SESAME_RULE_PROTOCOL_TCP, { 22, 22 }, { 2222, 2222 } };
  GPtrArray *conflicts;

  sesame_plan_set_router_id (plan, "fritzbox");
  sesame_plan_set_host_address (plan, "192.168.178.20");
  sesame_plan_set_host_os (plan, SESAME_HOST_OS_WINDOWS);
  sesame_plan_add_service (plan, "ssh");
  sesame_plan_add_service (plan, "rdp");
  sesame_plan_add_custom_rule (plan, &rule);
  checklist = sesame_checklist_new (plan, catalog, language, &error);
  g_assert_no_error (error);
  tr = sesame_checklist_get_translation (checklist);
  conflicts = sesame_checklist_get_conflicts (checklist);
  g_assert_cmpuint (conflicts->len, >, 0);

  pdf = write_pdf (checklist, sesame_paper_lookup ("a4"), NULL);
  text = pdf_text (pdf, 0);
  g_assert_nonnull (strstr (text, TC_ (tr, "severity", "Important")));
  g_assert_nonnull (strstr (text, TC_ (tr, "severity", "Conflict")));
  assert_contains_wrapped (text, ((SesameConflict *) g_ptr_array_index (conflicts, 0))->text);
  assert_contains_wrapped (text, find_warning (checklist, "rdp")->advice);
}

/* The path the GUI takes through GtkPrintOperation: any cairo_t in points */
static void
test_draw_page (void)
{
  g_autoptr(SesameChecklist) checklist = seed_checklist ("ja");
  g_autoptr(SesamePdfWriter) writer = NULL;
  const SesamePaper *paper = sesame_paper_lookup ("a4");
  cairo_surface_t *surface;
  cairo_matrix_t before;
  cairo_matrix_t after;
  cairo_t *cr;
  guint dark = 0;
  int width = (int) (paper->width / 2);
  int height = (int) (paper->height / 2);

  writer = sesame_pdf_writer_new (checklist, paper, NULL);
  g_assert_cmpfloat (sesame_pdf_writer_get_paper (writer)->width, ==, paper->width);
  g_assert_cmpuint (sesame_pdf_writer_get_n_pages (writer), >=, 1);
  g_assert_cmpuint (sesame_pdf_writer_get_unknown_glyphs (writer), ==, 0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, 0.5, 0.5);
  cairo_get_matrix (cr, &before);

  sesame_pdf_writer_draw_page (writer, cr, 0);

  cairo_get_matrix (cr, &after);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  g_assert_true (memcmp (&before, &after, sizeof before) == 0);

  cairo_surface_flush (surface);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface) +
                                              y * cairo_image_surface_get_stride (surface));

      for (int x = 0; x < width; x++)
        if ((row[x] & 0xff) < 0x80)
          dark++;
    }
  /* Ink on the page */
  g_assert_cmpuint (dark, >, 1000);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  g_test_expect_message ("sesame-pdf-writer", G_LOG_LEVEL_CRITICAL, "*page < self->n_pages*");
  {
    cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 10, 10);
    cairo_t *scratch_cr = cairo_create (scratch);

    sesame_pdf_writer_draw_page (writer, scratch_cr, sesame_pdf_writer_get_n_pages (writer));
    cairo_destroy (scratch_cr);
    cairo_surface_destroy (scratch);
  }
  g_test_assert_expected_messages ();
}

/* The router change */

static SesameMigration *
make_migration (SesamePlan *old_plan,
                SesamePlan *new_plan,
                const char *language)
{
  g_autoptr(GError) error = NULL;
  SesameMigration *migration = sesame_migration_new (old_plan, new_plan, catalog, language, &error);

  g_assert_no_error (error);
  return migration;
}

/* Writes @migration as the CLI and the GUI do, checking what every
 * document must be: the pages pdfinfo counts, the title, no missing glyph */
static GBytes *
write_migration_pdf (SesameMigration *migration,
                     guint           *n_pages)
{
  g_autoptr(GDateTime) date = test_date ();
  g_autoptr(SesamePdfWriter) writer = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pages = NULL;
  g_autofree char *title = NULL;
  guint again_pages = 0;
  guint unknown = G_MAXUINT;

  writer = sesame_pdf_writer_new_for_migration (migration, sesame_paper_lookup ("a4"), date);
  g_assert_nonnull (writer);
  g_assert_cmpuint (sesame_pdf_writer_get_unknown_glyphs (writer), ==, 0);
  pdf = sesame_pdf_writer_to_bytes (writer, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (g_bytes_get_data (pdf, NULL), "%PDF-", 5) == 0);

  pages = pdf_info (pdf, "Pages");
  g_assert_cmpuint (g_ascii_strtoull (pages, NULL, 10), ==, sesame_pdf_writer_get_n_pages (writer));
  title = pdf_info (pdf, "Title");
  g_assert_cmpstr (title, ==, sesame_migration_get_title (migration));

  /* The convenience makes the same document */
  again = sesame_pdf_writer_write_migration (migration, sesame_paper_lookup ("a4"), date,
                                             &again_pages, &unknown, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again_pages, ==, sesame_pdf_writer_get_n_pages (writer));
  g_assert_cmpuint (unknown, ==, 0);
  g_assert_true (g_bytes_equal (pdf, again));

  if (n_pages != NULL)
    *n_pages = sesame_pdf_writer_get_n_pages (writer);

  return g_steal_pointer (&pdf);
}

/* The headings of the text version ("2. Router settings: Port Mapping",
 * each over a line of dashes), in their order */
static GPtrArray *
text_headings (SesameMigration *migration)
{
  g_autofree char *text = sesame_migration_write (migration, SESAME_EXPORT_FORMAT_TEXT);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *headings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      if (lines[i][0] != '\0' && g_str_has_prefix (lines[i + 1], "---") &&
          strspn (lines[i + 1], "-") == strlen (lines[i + 1]))
        g_ptr_array_add (headings, g_strdup (lines[i]));
    }

  return headings;
}

/* The PDF has the text version's headings, in the same order */
static void
assert_same_sections (SesameMigration *migration,
                      const char      *text)
{
  g_autoptr(GPtrArray) headings = text_headings (migration);
  g_autofree char *haystack = squeeze (text);
  const char *from = haystack;

  g_assert_cmpuint (headings->len, >=, 3);

  for (guint i = 0; i < headings->len; i++)
    {
      g_autofree char *wanted = squeeze (g_ptr_array_index (headings, i));
      const char *found = strstr (from, wanted);

      if (found == NULL)
        g_error ("the PDF does not show “%s” after the sections before it; its text is:\n%s",
                 (char *) g_ptr_array_index (headings, i), text);
      from = found + strlen (wanted);
    }
}

/* Each row of @forwards on one line of one page, leading to @address */
static void
assert_rows (GBytes          *pdf,
             guint            n_pages,
             SesameChecklist *checklist,
             GPtrArray       *forwards,
             const char      *address)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GPtrArray) page_lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint p = 1; p <= n_pages; p++)
    {
      g_autofree char *page = pdf_text (pdf, p);
      char **split = g_strsplit (page, "\n", -1);

      g_ptr_array_add (page_lines, split);
      for (guint l = 0; split[l] != NULL; l++)
        g_ptr_array_add (lines, split[l]);
    }

  g_assert_cmpuint (forwards->len, >, 0);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      g_autofree char *external = sesame_port_range_to_string (&forward->external);
      g_autofree char *internal = sesame_port_range_to_string (&forward->internal);
      g_autofree char *names = sesame_checklist_join_names (checklist, forward->names);
      const char *protocol = sesame_checklist_format_protocol (checklist, forward->protocol);
      gboolean found = FALSE;

      g_assert_cmpstr (forward->internal_address, ==, address);

      for (guint l = 0; l < lines->len && !found; l++)
        {
          const char *line = g_ptr_array_index (lines, l);
          const char *at = strstr (line, protocol);

          /* Protocol, external port, address, internal port, what for: in this order */
          at = at != NULL ? strstr (at + strlen (protocol), external) : NULL;
          at = at != NULL ? strstr (at + strlen (external), address) : NULL;
          at = at != NULL ? strstr (at + strlen (address), internal) : NULL;
          found = at != NULL && strstr (at + strlen (internal), names) != NULL;
        }

      if (!found)
        g_error ("no row “%s %s → %s:%s (%s)” in the PDF", protocol, external, address, internal, names);
    }
}

/* The seed's move to an AirPort, the server at 10.0.1.5: the changes, the
 * rows to enter on the new router, the rows to delete from the old one */
static void
test_migration (gconstpointer data)
{
  const char *language = data;
  gboolean ja = g_str_equal (language, "ja");
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");
  g_autoptr(SesameMigration) migration = make_migration (old_plan, new_plan, language);
  SesameChecklist *checklist = sesame_migration_get_new_checklist (migration);
  SesameChecklist *old_checklist = sesame_migration_get_old_checklist (migration);
  SesameTranslation *tr = sesame_migration_get_translation (migration);
  GPtrArray *changes = sesame_migration_get_changes (migration);
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squeezed = NULL;
  g_autofree char *new_heading = NULL;
  const char *remove_heading;
  guint n_pages = 0;

  g_assert_false (sesame_migration_is_same_router (migration));
  g_assert_true (sesame_migration_get_firewall_changed (migration));
  g_assert_cmpuint (changes->len, >=, 5);

  pdf = write_migration_pdf (migration, &n_pages);
  g_test_message ("%s: %u pages, %" G_GSIZE_FORMAT " bytes", language, n_pages, g_bytes_get_size (pdf));
  g_assert_cmpuint (n_pages, >=, 2);
  g_assert_cmpuint (n_pages, <=, 5);

  text = pdf_text (pdf, 0);
  squeezed = squeeze (text);
  assert_same_sections (migration, text);

  /* The header names both routers */
  g_assert_nonnull (strstr (text, "2024-05-01"));
  assert_contains_wrapped (text, sesame_checklist_get_router_name (checklist));
  assert_contains_wrapped (text, sesame_checklist_get_router_name (old_checklist));
  g_assert_nonnull (strstr (text, TC_ (tr, "checklist header", "Old router")));

  /* Every change, whole */
  for (guint i = 0; i < changes->len; i++)
    assert_contains_wrapped (text, ((const SesameChange *) g_ptr_array_index (changes, i))->text);

  /* The new rows lead to the new address, the old rows to the old one,
   * each under its own heading */
  assert_rows (pdf, n_pages, checklist, sesame_migration_get_add_forwards (migration), "10.0.1.5");
  assert_rows (pdf, n_pages, checklist, sesame_migration_get_remove_forwards (migration), "192.168.11.5");
  remove_heading = T_ (tr, "Remove from the old router if it stays in use");
  new_heading = g_strdup_printf (T_ (tr, "Router settings: %s"), sesame_checklist_get_router_page (checklist));
  {
    g_autofree char *new_part = squeeze (new_heading);
    g_autofree char *remove_part = squeeze (remove_heading);
    const char *new_at = strstr (squeezed, new_part);
    const char *remove_at = strstr (squeezed, remove_part);

    g_assert_nonnull (new_at);
    g_assert_nonnull (remove_at);
    g_assert_nonnull (strstr (new_at, "10.0.1.5"));
    g_assert_true (strstr (new_at, "10.0.1.5") < remove_at);
    g_assert_nonnull (strstr (remove_at, "192.168.11.5"));
  }

  /* Where the old entries are, and why they go */
  g_assert_nonnull (strstr (text, ja ? "アドレス変換" : "Address Translation"));
  assert_contains_wrapped (text, g_ptr_array_index (sesame_migration_get_remove_notes (migration), 0));
  assert_contains_wrapped (text, ((const SesameStep *) g_ptr_array_index (sesame_migration_get_remove_steps (migration), 0))->text);

  /* The firewall, since the server moved */
  assert_contains_wrapped (text, sesame_migration_get_firewall_note (migration));
  assert_contains_wrapped (text, "sudo /usr/libexec/ApplicationFirewall/socketfilterfw --setglobalstate on");

  /* The footer names the router change on every page */
  for (guint p = 1; p <= n_pages; p++)
    {
      g_autofree char *page = pdf_text (pdf, p);

      assert_contains_wrapped (page, sesame_migration_get_title (migration));
    }
}

/* The same router, the server at another address: the old entries are on
 * the router being set up; the checklist of a new router whose server kept
 * its address and system has no firewall section */
static void
test_migration_variants (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) moved = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) router_only = load_plan ("seed-plan.json");
  g_autoptr(SesameMigration) same_router = NULL;
  g_autoptr(SesameMigration) new_router = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;
  guint n_pages = 0;

  sesame_plan_set_host_address (moved, "192.168.11.7");
  same_router = make_migration (old_plan, moved, "en");
  g_assert_true (sesame_migration_is_same_router (same_router));

  pdf = write_migration_pdf (same_router, &n_pages);
  text = pdf_text (pdf, 0);
  assert_same_sections (same_router, text);
  g_assert_nonnull (strstr (text, "Delete the old entries first"));
  g_assert_null (strstr (text, "Remove from the old router"));
  g_assert_nonnull (strstr (text, "Firewall on the Mac"));
  assert_rows (pdf, n_pages, sesame_migration_get_new_checklist (same_router),
               sesame_migration_get_add_forwards (same_router), "192.168.11.7");
  assert_rows (pdf, n_pages, sesame_migration_get_new_checklist (same_router),
               sesame_migration_get_remove_forwards (same_router), "192.168.11.5");
  g_clear_pointer (&pdf, g_bytes_unref);
  g_clear_pointer (&text, g_free);

  sesame_plan_set_router_id (router_only, "apple-airport-extreme");
  new_router = make_migration (old_plan, router_only, "en");
  g_assert_false (sesame_migration_get_firewall_changed (new_router));

  pdf = write_migration_pdf (new_router, &n_pages);
  text = pdf_text (pdf, 0);
  assert_same_sections (new_router, text);
  g_assert_nonnull (strstr (text, "Remove from the old router if it stays in use"));
  g_assert_null (strstr (text, "Firewall on the Mac"));
  g_assert_null (strstr (text, "socketfilterfw"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  g_test_add_data_func ("/pdf/seed/en", "en", test_seed);
  g_test_add_data_func ("/pdf/seed/ja", "ja", test_seed);
  g_test_add_func ("/pdf/no-date", test_no_date);
  g_test_add_data_func ("/pdf/settings-report/en", "en", test_settings_report);
  g_test_add_data_func ("/pdf/settings-report/ja", "ja", test_settings_report);
  g_test_add_func ("/pdf/paper", test_paper);
  g_test_add_data_func ("/pdf/long-table/en", "en", test_long_table);
  g_test_add_data_func ("/pdf/long-table/ja", "ja", test_long_table);
  g_test_add_data_func ("/pdf/critical/en", "en", test_critical);
  g_test_add_data_func ("/pdf/critical/ja", "ja", test_critical);
  g_test_add_func ("/pdf/draw-page", test_draw_page);
  g_test_add_data_func ("/pdf/migration/en", "en", test_migration);
  g_test_add_data_func ("/pdf/migration/ja", "ja", test_migration);
  g_test_add_func ("/pdf/migration/variants", test_migration_variants);

  return g_test_run ();
}
