/* test-checklist-page.c: the checklist page in the real window
 *
 * The seed plan (a Buffalo router, a Mac, web, SSH, file and screen
 * sharing, iChat, XMPP and a custom game server) rendered in both report
 * languages; saving, printing and the settings report written to a
 * temporary directory; the router mappings offered only with a probe report
 * that found a way to ask the router, and never sent without consent (no
 * router is contacted here: the consent dialog is declined). After "I
 * replaced my router" (the seed's Buffalo replaced by an AirPort at
 * 10.0.1.1, the Mac moved to 10.0.1.5) the page adds what changed and what
 * to delete from the old router, saves it as `sesame-cli diff` does and
 * prints it as `sesame-cli diff --format pdf` lays it out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-checklist.h"
#include "sesame-checklist-page.h"
#include "sesame-checklist-writer.h"
#include "sesame-findings.h"
#include "sesame-gui.h"
#include "sesame-migration.h"
#include "sesame-migration-writer.h"
#include "sesame-pdf-writer.h"
#include "sesame-text-document.h"

typedef struct
{
  SesameWindow        *window;
  SesameChecklistPage *page;
  char                *tmpdir;
} Fixture;

static void
fixture_open (Fixture    *fixture,
              const char *report_language)
{
  g_autoptr(GError) error = NULL;

  fixture->window = gui_test_open_window ("seed-plan.json", report_language, "checklist", NULL);
  fixture->page = SESAME_CHECKLIST_PAGE (sesame_window_get_page (fixture->window, "checklist"));
  fixture->tmpdir = g_dir_make_tmp ("sesame-checklist-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_close (Fixture *fixture)
{
  gui_test_close_window (fixture->window);
  remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

static SesameChecklist *
expected_checklist (Fixture    *fixture,
                    const char *language)
{
  SesamePage *page = SESAME_PAGE (fixture->page);
  g_autoptr(GError) error = NULL;
  SesameChecklist *checklist;

  checklist = sesame_checklist_new (sesame_page_get_plan (page), sesame_page_get_catalog (page),
                                    language, &error);
  g_assert_no_error (error);

  return checklist;
}

static char *
forward_title (SesameChecklist     *checklist,
               const SesameForward *forward)
{
  g_autofree char *external = sesame_port_range_to_string (&forward->external);
  g_autofree char *internal = sesame_port_range_to_string (&forward->internal);

  return g_strdup_printf ("%s %s → %s:%s", sesame_checklist_format_protocol (checklist, forward->protocol),
                          external, forward->internal_address, internal);
}

static GtkWidget *
find_heading (Fixture    *fixture,
              guint       section,
              const char *text)
{
  g_autofree char *title = g_strdup_printf ("%u. %s", section, text);

  return gui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_LABEL, title);
}

/* A click, as the mouse or Space makes it */
static void
click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Toasts are labels in the window while they show */
static gboolean
toast_shown (Fixture    *fixture,
             const char *title)
{
  GtkWidget *label = gui_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, title);

  return label != NULL && gui_test_is_shown (label);
}

static gboolean
laid_out (gpointer data)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (data));

  return gtk_adjustment_get_upper (adjustment) > 0;
}

/* Scrolls the page so that @widget is at the top, for a screenshot */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content;
  GtkAdjustment *adjustment;
  graphene_point_t point;

  g_assert_nonnull (scrolled);
  /* A page just switched to is laid out on the next frames */
  gui_test_wait_until (laid_out, scrolled, 5000);
  gui_test_iterate (50);
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_point (widget, content, &GRAPHENE_POINT_INIT (0, 0), &point));
  /* The viewport's coordinates move with the scrolling */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
}

static void
test_rendered (gconstpointer data)
{
  const char *language = data;
  Fixture fixture = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GPtrArray) ticks = NULL;
  g_autofree char *router_heading = NULL;
  g_autofree char *tag = g_strdup_printf ("report_%s", language);
  GPtrArray *forwards;

  fixture_open (&fixture, language);
  checklist = expected_checklist (&fixture, language);
  forwards = sesame_checklist_get_forwards (checklist);
  g_assert_cmpuint (forwards->len, >, 0);

  /* Every forwarded port of the plan is a row with a tick box */
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      g_autofree char *title = forward_title (checklist, forward);
      g_autofree char *names = sesame_checklist_join_names (checklist, forward->names);
      GtkWidget *row = gui_test_find (GTK_WIDGET (fixture.page), ADW_TYPE_ACTION_ROW, title);

      g_assert_nonnull (row);
      g_assert_true (gui_test_is_shown (row));
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, names);
      g_assert_nonnull (gui_test_find (row, GTK_TYPE_CHECK_BUTTON, NULL));
    }
  ticks = gui_test_find_all (GTK_WIDGET (fixture.page), GTK_TYPE_CHECK_BUTTON, NULL);
  g_assert_cmpuint (ticks->len, ==, forwards->len);

  /* The router's own page name, in the report language */
  g_assert_nonnull (strstr (sesame_checklist_get_router_page (checklist),
                            g_str_equal (language, "ja") ? "アドレス変換" : "Address Translation"));
  router_heading = g_strdup_printf (g_str_equal (language, "ja") ? "ルーターの設定: %s" : "Router settings: %s",
                                    sesame_checklist_get_router_page (checklist));
  g_assert_nonnull (find_heading (&fixture, 1, router_heading));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL,
                                   sesame_checklist_get_title (checklist)));

  /* Commands can be copied, whole */
  {
    g_autoptr(GPtrArray) buttons = gui_test_find_all (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, NULL);
    GtkWidget *copy = NULL;
    GdkClipboard *clipboard;
    GValue value = G_VALUE_INIT;
    GVariant *command;

    for (guint i = 0; i < buttons->len && copy == NULL; i++)
      if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), "checklist.copy-command") == 0)
        copy = g_ptr_array_index (buttons, i);
    g_assert_nonnull (copy);

    click (copy);
    gui_test_iterate (50);
    clipboard = gtk_widget_get_clipboard (copy);
    g_assert_true (gdk_clipboard_is_local (clipboard));
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (gdk_clipboard_get_content (clipboard), &value, NULL));
    command = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (copy));
    g_assert_cmpstr (g_value_get_string (&value), ==, g_variant_get_string (command, NULL));
    g_assert_nonnull (gui_test_find (gtk_widget_get_parent (copy), GTK_TYPE_LABEL, g_value_get_string (&value)));
    g_value_unset (&value);
    g_assert_true (toast_shown (&fixture, _("Command copied")));
  }

  gui_test_screenshot (fixture.window, tag);

  /* Down to the forwarding rows */
  {
    g_autofree char *rows_tag = g_strdup_printf ("report_%s-rows", language);

    scroll_to (gtk_widget_get_ancestor (g_ptr_array_index (ticks, 0), GTK_TYPE_LIST_BOX));
    gui_test_screenshot (fixture.window, rows_tag);
  }

  fixture_close (&fixture);
}

static void
test_language_switch (void)
{
  Fixture fixture = { 0 };
  SesamePlan *plan;
  GtkWidget *english;
  GtkWidget *japanese;
  GtkWidget *print_button;
  GtkWidget *tick;
  g_autofree char *text = NULL;

  fixture_open (&fixture, "ja");
  plan = sesame_page_get_plan (SESAME_PAGE (fixture.page));
  english = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_TOGGLE_BUTTON, "English");
  japanese = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_TOGGLE_BUTTON, "日本語");
  print_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Print…"));
  g_assert_nonnull (english);
  g_assert_nonnull (japanese);
  g_assert_nonnull (print_button);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (japanese)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (english)));
  g_assert_nonnull (find_heading (&fixture, 1, "ルーターの設定: アドレス変換"));

  /* A row ticked off stays ticked in the other language */
  tick = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_CHECK_BUTTON, NULL);
  gtk_widget_activate (gtk_widget_get_ancestor (tick, ADW_TYPE_ACTION_ROW));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (tick)));

  click (english);
  gui_test_iterate (50);

  /* The plan's language, and the checklist with it; not the UI's */
  g_assert_cmpstr (sesame_plan_get_language (plan), ==, "en");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (english)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (japanese)));
  text = sesame_checklist_page_dup_text (fixture.page);
  g_assert_nonnull (strstr (text, "Router settings: Address Translation"));
  g_assert_null (strstr (text, "ルーターの設定"));
  g_assert_nonnull (find_heading (&fixture, 1, "Router settings: Address Translation"));
  g_assert_null (find_heading (&fixture, 1, "ルーターの設定: アドレス変換"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (print_button)), ==, _("_Print…"));
  tick = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_CHECK_BUTTON, NULL);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (tick)));

  /* And back */
  click (japanese);
  gui_test_iterate (50);
  g_assert_cmpstr (sesame_plan_get_language (plan), ==, "ja");
  g_clear_pointer (&text, g_free);
  text = sesame_checklist_page_dup_text (fixture.page);
  g_assert_nonnull (strstr (text, "ルーターの設定: アドレス変換"));

  fixture_close (&fixture);
}

/* Saving */

typedef struct
{
  gboolean  done;
  gboolean  saved;
  GError   *error;
} SaveResult;

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  SaveResult *save = user_data;

  save->saved = sesame_checklist_page_save_finish (SESAME_CHECKLIST_PAGE (object), result, &save->error);
  save->done = TRUE;
}

static gboolean
save_done (gpointer data)
{
  return ((SaveResult *) data)->done;
}

static void
save (Fixture      *fixture,
      SesameExport  what,
      const char   *path,
      SaveResult   *result)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  sesame_checklist_page_save_async (fixture->page, what, file, NULL, on_saved, result);
  gui_test_wait_until (save_done, result, 10000);
}

/* pdfinfo FILE, pdftotext FILE - */
static char *
run_poppler (const char *tool,
             const char *path)
{
  const char *argv[] = { tool, path, g_str_equal (tool, "pdftotext") ? "-" : NULL, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_steal_pointer (&out);
}

static guint
pdf_pages (const char *path)
{
  g_autofree char *info = run_poppler ("pdfinfo", path);
  const char *pages = strstr (info, "\nPages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("\nPages:"), NULL, 10);
}

static const struct
{
  const char            *name;
  SesameExport           what;
  SesameExportFormat  format;
} save_cases[] = {
  { "checklist.html", SESAME_EXPORT_CHECKLIST_HTML, SESAME_EXPORT_FORMAT_HTML },
  { "checklist.md", SESAME_EXPORT_CHECKLIST_MARKDOWN, SESAME_EXPORT_FORMAT_MARKDOWN },
  { "checklist.json", SESAME_EXPORT_CHECKLIST_JSON, SESAME_EXPORT_FORMAT_JSON },
  { "checklist.pdf", SESAME_EXPORT_CHECKLIST_PDF, 0 },
};

static void
test_save (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *toast = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  fixture_open (&fixture, "en");
  checklist = expected_checklist (&fixture, "en");
  path = g_build_filename (fixture.tmpdir, save_cases[index].name, NULL);

  save (&fixture, save_cases[index].what, path, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.saved);

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  if (save_cases[index].what == SESAME_EXPORT_CHECKLIST_PDF)
    {
      g_autoptr(SesamePdfWriter) writer = sesame_pdf_writer_new (checklist, NULL, NULL);
      g_autofree char *text = run_poppler ("pdftotext", path);

      g_assert_true (g_str_has_prefix (contents, "%PDF-"));
      g_assert_cmpuint (pdf_pages (path), ==, sesame_pdf_writer_get_n_pages (writer));
      g_assert_nonnull (strstr (text, "Address Translation"));
      g_assert_nonnull (strstr (text, "192.168.11.5"));
    }
  else
    {
      /* Exactly what the writer makes of this plan */
      g_autofree char *expected = sesame_checklist_write (checklist, save_cases[index].format);

      g_assert_cmpstr (contents, ==, expected);
    }

  toast = g_strdup_printf (_("Saved “%s”"), save_cases[index].name);
  g_assert_true (toast_shown (&fixture, toast));

  fixture_close (&fixture);
}

/* Save As asks where, offering the checklist's title as the name and the
 * format asked for */
static void
test_save_as (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *name = NULL;
  GtkFileChooser *chooser;
  GtkFileFilter *filter;

  fixture_open (&fixture, "en");
  checklist = expected_checklist (&fixture, "en");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "checklist.save-as", "s", "markdown"));
  chooser = GTK_FILE_CHOOSER (gui_test_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER, 5000));

  expected_name = g_strconcat (sesame_checklist_get_title (checklist), ".md", NULL);
  name = gtk_file_chooser_get_current_name (chooser);
  g_assert_cmpstr (name, ==, expected_name);
  filter = gtk_file_chooser_get_filter (chooser);
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, _("Markdown"));

  click (gui_test_find (GTK_WIDGET (chooser), GTK_TYPE_BUTTON, _("_Cancel")));
  gui_test_wait_toplevel_gone (GTK_TYPE_FILE_CHOOSER, 5000);

  fixture_close (&fixture);
}

static SesameProbeSession *wait_for_checks (Fixture *fixture);

static void
choose_filter (GtkFileChooser *chooser,
               const char     *name)
{
  g_autoptr(GListModel) filters = gtk_file_chooser_get_filters (chooser);

  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);

      if (g_strcmp0 (gtk_file_filter_get_name (filter), name) == 0)
        {
          gtk_file_chooser_set_filter (chooser, filter);
          return;
        }
    }

  g_error ("No file type “%s” offered", name);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
chooser_has_folder (gpointer data)
{
  g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (data);

  return folder != NULL;
}

/* In the file chooser, which opens in the fixture's folder: the name
 * typed, the file type chosen, Save */
static void
save_in_chooser (Fixture    *fixture,
                 const char *action,
                 const char *type,
                 const char *typed,
                 const char *written)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, written, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->tmpdir);
  g_autoptr(GFile) current = NULL;
  GtkFileChooser *chooser;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action, NULL));
  chooser = GTK_FILE_CHOOSER (gui_test_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER, 5000));
  gui_test_wait_until (chooser_has_folder, chooser, 5000);
  current = gtk_file_chooser_get_current_folder (chooser);
  g_assert_true (g_file_equal (current, folder));
  choose_filter (chooser, type);
  if (typed != NULL)
    gtk_file_chooser_set_current_name (chooser, typed);
  click (gui_test_find (GTK_WIDGET (chooser), GTK_TYPE_BUTTON, _("_Save")));
  gui_test_wait_toplevel_gone (GTK_TYPE_FILE_CHOOSER, 5000);
  gui_test_wait_until (file_exists, path, 10000);
}

static char *
read_file (Fixture    *fixture,
           const char *name)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* The file type chosen in the file chooser decides what is written and
 * the name's suffix: Plain text under the offered "….html" name writes
 * plain text to "….txt"; a name without a suffix gets the type's; the
 * settings report as a PDF too. The next file chooser opens where the
 * last file went, also in a new window (the settings keep it). */
static void
test_export_format (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) other = NULL;
  g_autoptr(GFile) current = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *other_dir = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *html_name = NULL;
  g_autofree char *text_name = NULL;
  g_autofree char *html_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *markdown = NULL;
  GtkFileChooser *chooser;
  SesameWindow *second;

  fixture_open (&fixture, "en");
  checklist = expected_checklist (&fixture, "en");
  wait_for_checks (&fixture);
  /* As if the last file had gone there in an earlier run */
  folder = g_file_new_for_path (fixture.tmpdir);
  uri = g_file_get_uri (folder);
  settings = g_settings_new ("io.github.opensesame.Sesame");
  g_settings_set_string (settings, "last-folder", uri);

  /* Plain text, the name offered left as it is */
  name = g_strdup_printf (_("Settings report for %s"), "Mac mini");
  html_name = g_strconcat (name, ".html", NULL);
  text_name = g_strconcat (name, ".txt", NULL);
  save_in_chooser (&fixture, "checklist.export-report", _("Plain text"), NULL, text_name);
  text = read_file (&fixture, text_name);
  /* The title underlined, as the checklist's plain text begins */
  expected = g_strdup_printf ("%s\n===", sesame_checklist_get_title (checklist));
  g_assert_true (g_str_has_prefix (text, expected));
  g_assert_null (strstr (text, "<html"));
  g_assert_null (strstr (text, "| --- |"));
  html_path = g_build_filename (fixture.tmpdir, html_name, NULL);
  g_assert_false (g_file_test (html_path, G_FILE_TEST_EXISTS));

  /* PDF, for a name typed without a suffix */
  save_in_chooser (&fixture, "checklist.export-report", _("PDF document"), "for the forum", "for the forum.pdf");
  pdf = read_file (&fixture, "for the forum.pdf");
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));

  /* Another format's suffix gives way to the chosen format's */
  save_in_chooser (&fixture, "checklist.save-plan", _("Sesame plan (JSON)"), "plan.txt", "plan.json");
  {
    g_autofree char *wrong = g_build_filename (fixture.tmpdir, "plan.txt", NULL);

    g_assert_false (g_file_test (wrong, G_FILE_TEST_EXISTS));
  }
  /* …and a suffix of the chosen format stays */
  save_in_chooser (&fixture, "checklist.export-report", _("Markdown"), "notes.markdown", "notes.markdown");
  markdown = read_file (&fixture, "notes.markdown");
  g_assert_true (g_str_has_prefix (markdown, "# "));

  /* A file saved elsewhere: the next file chooser, in a new window, opens there */
  other_dir = g_dir_make_tmp ("sesame-elsewhere-XXXXXX", NULL);
  g_assert_nonnull (other_dir);
  other_path = g_build_filename (other_dir, "checklist.html", NULL);
  other = g_file_new_for_path (other_dir);
  {
    SaveResult result = { 0 };

    save (&fixture, SESAME_EXPORT_CHECKLIST_HTML, other_path, &result);
    g_assert_no_error (result.error);
  }
  second = gui_test_open_window ("seed-plan.json", "en", "checklist", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sesame_window_get_page (second, "checklist")),
                                             "checklist.save-as", "s", "html"));
  chooser = GTK_FILE_CHOOSER (gui_test_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER, 5000));
  gui_test_wait_until (chooser_has_folder, chooser, 5000);
  current = gtk_file_chooser_get_current_folder (chooser);
  g_assert_true (g_file_equal (current, other));
  click (gui_test_find (GTK_WIDGET (chooser), GTK_TYPE_BUTTON, _("_Cancel")));
  gui_test_wait_toplevel_gone (GTK_TYPE_FILE_CHOOSER, 5000);
  gui_test_close_window (second);
  g_assert_cmpint (g_unlink (other_path), ==, 0);
  g_assert_cmpint (g_rmdir (other_dir), ==, 0);

  fixture_close (&fixture);
}

static void
test_save_error (void)
{
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *toast = NULL;
  AdwMessageDialog *dialog;

  fixture_open (&fixture, "en");
  path = g_build_filename (fixture.tmpdir, "missing", "checklist.html", NULL);

  save (&fixture, SESAME_EXPORT_CHECKLIST_HTML, path, &result);
  g_assert_false (result.saved);
  g_assert_nonnull (result.error);
  g_clear_error (&result.error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Told, not silent */
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, 5000));
  heading = g_strdup_printf (_("Could Not Save “%s”"), "checklist.html");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_cmpuint (strlen (adw_message_dialog_get_body (dialog)), >, 0);
  toast = g_strdup_printf (_("Saved “%s”"), "checklist.html");
  g_assert_false (toast_shown (&fixture, toast));

  gtk_window_destroy (GTK_WINDOW (dialog));
  fixture_close (&fixture);
}

/* What the person picks is replaced only when it is a regular file (or
 * nothing yet), and keeps its mode: saving over a pipe, a device or a
 * symbolic link is refused and leaves it as it was */
static void
test_save_special_files (void)
{
  Fixture fixture = { 0 };
  g_autofree char *fifo = NULL;
  g_autofree char *link = NULL;
  g_autofree char *target = NULL;
  g_autofree char *private = NULL;
  g_autofree char *contents = NULL;
  const char *refused[3];
  GStatBuf st;

  fixture_open (&fixture, "en");
  fifo = g_build_filename (fixture.tmpdir, "pipe.html", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  target = g_build_filename (fixture.tmpdir, "target.html", NULL);
  g_assert_true (g_file_set_contents (target, "mine", -1, NULL));
  link = g_build_filename (fixture.tmpdir, "link.html", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);
  refused[0] = fifo;
  refused[1] = link;
  refused[2] = "/dev/null";

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      SaveResult result = { 0 };
      AdwMessageDialog *dialog;

      save (&fixture, SESAME_EXPORT_CHECKLIST_HTML, refused[i], &result);
      g_assert_false (result.saved);
      g_assert_nonnull (result.error);
      g_clear_error (&result.error);
      dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, 5000));
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  g_assert_cmpint (g_lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  /* A private file stays private */
  private = g_build_filename (fixture.tmpdir, "private.html", NULL);
  g_assert_true (g_file_set_contents (private, "old", -1, NULL));
  g_assert_cmpint (g_chmod (private, 0600), ==, 0);
  {
    SaveResult result = { 0 };

    save (&fixture, SESAME_EXPORT_CHECKLIST_HTML, private, &result);
    g_assert_no_error (result.error);
    g_assert_true (result.saved);
  }
  g_assert_cmpint (g_stat (private, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  fixture_close (&fixture);
}

static gboolean
session_idle (gpointer data)
{
  return !sesame_probe_session_get_running (data);
}

static SesameProbeSession *
wait_for_checks (Fixture *fixture)
{
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (fixture->page));

  gui_test_wait_until (session_idle, session, 20000);
  return session;
}

static void
test_settings_report (void)
{
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  SesameProbeSession *session;
  SesameProbeReport *report;
  g_autoptr(GDateTime) finished = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autofree char *when = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  fixture_open (&fixture, "en");
  checklist = expected_checklist (&fixture, "en");
  session = wait_for_checks (&fixture);

  /* Checks that ended at a time of their own */
  report = sesame_probe_report_new ();
  report->finished_at = g_strdup ("2025-02-03T04:05:00Z");
  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("192.168.11.1");
  sesame_probe_session_set_report (session, report);
  g_assert_true (sesame_probe_session_get_finished (session));

  path = g_build_filename (fixture.tmpdir, "report.md", NULL);
  save (&fixture, SESAME_EXPORT_REPORT_MARKDOWN, path, &result);
  g_assert_no_error (result.error);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  finished = g_date_time_new_from_iso8601 ("2025-02-03T04:05:00Z", NULL);
  local = g_date_time_to_local (finished);
  when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  g_assert_nonnull (strstr (contents, when));
  g_assert_nonnull (strstr (contents, "192.168.11.1"));
  g_assert_nonnull (strstr (contents, sesame_checklist_get_title (checklist)));

  fixture_close (&fixture);
}

/* For a forum: the report leaves out the public address, the router's
 * identity and the server's name, and the page's own checklist keeps them */
static void
test_settings_report_redacted (void)
{
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  SesameProbeSession *session;
  SesameProbeReport *report;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  fixture_open (&fixture, "en");
  session = wait_for_checks (&fixture);

  report = sesame_probe_report_new ();
  report->finished_at = g_strdup ("2025-02-03T04:05:00Z");
  report->gateway = g_strdup ("192.168.11.1");
  report->gateway_mac = g_strdup ("00:16:01:aa:bb:cc");
  report->external_ipv4 = g_strdup ("203.0.113.77");
  sesame_probe_session_set_report (session, report);

  sesame_checklist_page_set_redact_report (SESAME_CHECKLIST_PAGE (fixture.page), TRUE);
  path = g_build_filename (fixture.tmpdir, "report-shared.md", NULL);
  save (&fixture, SESAME_EXPORT_REPORT_MARKDOWN, path, &result);
  g_assert_no_error (result.error);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (contents, "203.0.113.77"));
  g_assert_null (strstr (contents, "00:16:01:aa:bb:cc"));
  g_assert_null (strstr (contents, "Mac mini"));
  g_assert_nonnull (strstr (contents, "(hidden)"));
  /* The advice still works: home-network addresses stay */
  g_assert_nonnull (strstr (contents, "192.168.11.5"));

  /* Only the file: the page and the plan keep the name */
  text = sesame_checklist_page_dup_text (SESAME_CHECKLIST_PAGE (fixture.page));
  g_assert_nonnull (strstr (text, "Mac mini"));
  g_assert_cmpstr (sesame_plan_get_host_name (sesame_page_get_plan (SESAME_PAGE (fixture.page))), ==, "Mac mini");

  fixture_close (&fixture);
}

static void
test_save_plan (void)
{
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  SesamePage *page;
  g_autoptr(SesamePlan) saved = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture_open (&fixture, "en");
  page = SESAME_PAGE (fixture.page);
  path = g_build_filename (fixture.tmpdir, "plan.json", NULL);

  save (&fixture, SESAME_EXPORT_PLAN, path, &result);
  g_assert_no_error (result.error);

  saved = sesame_plan_load_from_file (path, sesame_page_get_catalog (page), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sesame_plan_get_host_address (saved), ==, "192.168.11.5");
  g_assert_cmpstr (sesame_plan_get_language (saved), ==, "en");
  g_assert_cmpstrv (sesame_plan_get_services (saved), sesame_plan_get_services (sesame_page_get_plan (page)));

  fixture_close (&fixture);
}

static void
test_print (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(SesamePdfWriter) writer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  fixture_open (&fixture, "ja");
  checklist = expected_checklist (&fixture, "ja");
  path = g_build_filename (fixture.tmpdir, "printed.pdf", NULL);

  /* The page's own print path, to a file instead of a printer */
  result = sesame_checklist_page_print (fixture.page, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);

  writer = sesame_pdf_writer_new (checklist, sesame_paper_get_default (), NULL);
  g_assert_cmpuint (pdf_pages (path), ==, sesame_pdf_writer_get_n_pages (writer));
  text = run_poppler ("pdftotext", path);
  g_assert_nonnull (strstr (text, "アドレス変換"));
  /* No router change: the checklist alone */
  g_assert_nonnull (strstr (text, sesame_checklist_get_title (checklist)));
  g_assert_null (strstr (text, "変更点"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Print…"))),
                   ==, _("Print the checklist (Ctrl+P)"));

  fixture_close (&fixture);
}

static void
test_mappings (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  SesameProbeSession *session;
  SesameProbeReport *report;
  GtkWidget *add_button;
  GtkWidget *remove_button;
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) spinners = NULL;
  GPtrArray *forwards;
  guint expected = 0;

  fixture_open (&fixture, "en");
  checklist = expected_checklist (&fixture, "en");
  session = wait_for_checks (&fixture);
  add_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Add Mappings…"));
  remove_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Remove the Mappings Sesame Added"));
  g_assert_nonnull (add_button);
  g_assert_nonnull (remove_button);

  /* Nothing here to ask: no offer */
  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("192.168.11.1");
  sesame_probe_session_set_report (session, report);
  g_assert_false (gui_test_is_shown (add_button));
  g_assert_false (gtk_widget_get_sensitive (add_button));

  /* NAT-PMP maps only for the computer asking, and this is not the server */
  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.9");
  report->gateway = g_strdup ("192.168.11.1");
  report->natpmp_found = TRUE;
  sesame_probe_session_set_report (session, report);
  g_assert_true (gui_test_is_shown (add_button));
  g_assert_false (gtk_widget_get_sensitive (add_button));

  /* A router with UPnP IGD */
  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.9");
  report->gateway = g_strdup ("192.168.11.1");
  report->upnp_found = TRUE;
  report->upnp_host = g_strdup ("192.168.11.1");
  report->upnp_is_gateway = TRUE;
  sesame_probe_session_set_report (session, report);
  g_assert_true (gui_test_is_shown (add_button));
  g_assert_true (gtk_widget_get_sensitive (add_button));
  g_assert_false (gtk_widget_get_sensitive (remove_button));
  scroll_to (gtk_widget_get_ancestor (add_button, ADW_TYPE_PREFERENCES_GROUP));
  gui_test_screenshot (fixture.window, "mappings");

  /* The consent dialog lists every port it would add, and nothing else */
  click (add_button);
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, 5000));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "UPnP IGD"));

  forwards = sesame_checklist_get_forwards (checklist);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      for (guint port = forward->external.first; port <= forward->external.last; port++)
        {
          guint internal = forward->internal.first + (port - forward->external.first);
          g_autofree char *title = g_strdup_printf ("%s %u → %s:%u",
                                                    sesame_checklist_format_protocol (checklist, forward->protocol),
                                                    port, forward->internal_address, internal);

          g_assert_nonnull (gui_test_find (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, title));
          expected++;
        }
    }
  rows = gui_test_find_all (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, NULL);
  g_assert_cmpuint (rows->len, ==, expected);

  /* Declined: the router is left alone */
  click (gui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, _("_Cancel")));
  gui_test_wait_toplevel_gone (ADW_TYPE_MESSAGE_DIALOG, 5000);
  gui_test_iterate (50);
  spinners = gui_test_find_all (GTK_WIDGET (fixture.page), GTK_TYPE_SPINNER, NULL);
  g_assert_cmpuint (spinners->len, ==, 0);
  g_assert_true (gtk_widget_get_sensitive (add_button));
  g_assert_false (gtk_widget_get_sensitive (remove_button));

  fixture_close (&fixture);
}

/* Behind carrier-grade NAT the checklist says so first, marks every row
 * that cannot work, and offers no automatic mappings, though the router
 * speaks UPnP IGD: rows it adds could not help either */
static void
test_findings (void)
{
  Fixture fixture = { 0 };
  SesamePage *page;
  SesameProbeSession *session;
  SesameProbeReport *report;
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) ui_findings = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const SesameFinding *cgnat;
  const SesameFinding *automatic;
  GtkWidget *add_button;
  GtkWidget *group;
  GPtrArray *forwards;
  guint blocker_at = G_MAXUINT;
  guint warnings_at = G_MAXUINT;

  fixture_open (&fixture, "en");
  page = SESAME_PAGE (fixture.page);
  /* A network that stays as it is: no run of its own over the results set here */
  g_signal_handlers_disconnect_matched (g_network_monitor_get_default (), G_SIGNAL_MATCH_DATA,
                                        0, 0, NULL, NULL, fixture.window);
  session = wait_for_checks (&fixture);
  gui_test_iterate (1200);
  session = wait_for_checks (&fixture);
  add_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Add Mappings…"));
  g_assert_nonnull (add_button);

  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("192.168.11.1");
  report->external_ipv4 = g_strdup ("203.0.113.7");
  report->wan_address = g_strdup ("100.64.0.2");
  report->cgnat = SESAME_TRISTATE_YES;
  report->double_nat = SESAME_TRISTATE_NO;
  report->upnp_found = TRUE;
  report->upnp_host = g_strdup ("192.168.11.1");
  report->upnp_is_gateway = TRUE;
  report->ipv6_address = g_strdup ("240b:10:1234:5600::5");
  sesame_probe_session_set_report (session, report);

  /* What the checks found, in the checklist's language, as every writer has it */
  checklist = expected_checklist (&fixture, "en");
  findings = sesame_findings_new (sesame_page_get_plan (page), sesame_page_get_catalog (page),
                                  report, "en", &error);
  g_assert_no_error (error);
  sesame_checklist_set_findings (checklist, findings);
  cgnat = sesame_findings_lookup (findings, "cgnat");
  g_assert_nonnull (cgnat);

  /* The blocker comes first, before the services' own warnings, with what to do instead */
  labels = gui_test_find_all (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, NULL);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *label = gtk_label_get_text (g_ptr_array_index (labels, i));

      if (blocker_at == G_MAXUINT && g_strcmp0 (label, cgnat->title) == 0)
        blocker_at = i;
      if (warnings_at == G_MAXUINT && g_strcmp0 (label, "Read this first") == 0)
        warnings_at = i;
    }
  g_assert_cmpuint (blocker_at, <, warnings_at);
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, cgnat->text));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, cgnat->action));
  /* …and what its words mean, in one plain line */
  g_assert_nonnull (cgnat->explanation);
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, cgnat->explanation));

  /* The way in over IPv6 that the checks found, a numbered section as the writers have it */
  {
    gboolean ipv6 = FALSE;

    for (guint i = 0; i < labels->len; i++)
      ipv6 |= g_str_has_suffix (gtk_label_get_text (g_ptr_array_index (labels, i)), ". Reach it over IPv6");
    g_assert_true (ipv6);
  }

  /* Every forwarding row says it cannot work, and why */
  forwards = sesame_checklist_get_forwards (checklist);
  g_assert_cmpuint (forwards->len, >, 0);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      g_autofree char *title = forward_title (checklist, forward);
      g_autofree char *works = sesame_forward_works_text (checklist, forward);
      GtkWidget *row = gui_test_find (GTK_WIDGET (fixture.page), ADW_TYPE_ACTION_ROW, title);

      g_assert_nonnull (row);
      g_assert_cmpint (sesame_checklist_forward_works (checklist, forward, NULL), ==, SESAME_WORKS_NO);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), works));
    }

  /* The page's text is the checklist's, findings and all */
  text = sesame_checklist_page_dup_text (fixture.page);
  g_assert_nonnull (strstr (text, cgnat->title));
  g_assert_nonnull (strstr (text, cgnat->text));

  /* The router could add the rows, but they would not help: no offer, and why */
  ui_findings = sesame_findings_new (sesame_page_get_plan (page), sesame_page_get_catalog (page),
                                     report, sesame_gui_get_ui_language (), &error);
  g_assert_no_error (error);
  automatic = sesame_findings_lookup (ui_findings, "router-automatic");
  g_assert_nonnull (automatic);
  g_assert_false (sesame_findings_automatic_helps (ui_findings));
  g_assert_false (gtk_widget_get_sensitive (add_button));
  group = gtk_widget_get_ancestor (add_button, ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), ==, automatic->text);
  scroll_to (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, cgnat->title));
  gui_test_screenshot (fixture.window, "findings");

  /* The same router straight on the internet: the offer is back, and no row is marked */
  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("192.168.11.1");
  report->external_ipv4 = g_strdup ("203.0.113.7");
  report->wan_address = g_strdup ("203.0.113.7");
  report->cgnat = SESAME_TRISTATE_NO;
  report->double_nat = SESAME_TRISTATE_NO;
  report->upnp_found = TRUE;
  report->upnp_host = g_strdup ("192.168.11.1");
  report->upnp_is_gateway = TRUE;
  sesame_probe_session_set_report (session, report);
  g_assert_true (gtk_widget_get_sensitive (add_button));
  g_assert_null (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, cgnat->title));

  fixture_close (&fixture);
}

/* A NAT-PMP router on loopback (RFC 6886), in this test's own network
 * namespace: it grants every mapping asked for and keeps a log */

#define NATPMP_PORT 5351

typedef struct
{
  GSocket   *socket;
  GSource   *source;
  GPtrArray *log;      /* element-type utf8: "add TCP 22 22", "remove TCP 22" */
} FakeRouter;

static gboolean
fake_router_on_ready (GSocket      *socket,
                      GIOCondition  condition,
                      gpointer      user_data)
{
  FakeRouter *fake = user_data;
  g_autoptr(GSocketAddress) from = NULL;
  guint8 request[64];
  guint8 reply[16] = { 0 };
  guint16 internal;
  guint16 external;
  guint32 lifetime;
  gssize length;

  length = g_socket_receive_from (socket, &from, (char *) request, sizeof request, NULL, NULL);
  if (length != 12 || request[0] != 0 || (request[1] != 1 && request[1] != 2))
    return G_SOURCE_CONTINUE;

  internal = (guint16) (request[4] << 8 | request[5]);
  external = (guint16) (request[6] << 8 | request[7]);
  lifetime = (guint32) request[8] << 24 | (guint32) request[9] << 16 | (guint32) request[10] << 8 | request[11];
  if (lifetime > 0)
    g_ptr_array_add (fake->log, g_strdup_printf ("add %s %u %u", request[1] == 2 ? "TCP" : "UDP", external, internal));
  else
    {
      g_ptr_array_add (fake->log, g_strdup_printf ("remove %s %u", request[1] == 2 ? "TCP" : "UDP", internal));
      external = 0;
    }

  reply[1] = (guint8) (128 + request[1]);
  reply[7] = 100;                       /* seconds since the table started */
  memcpy (reply + 8, request + 4, 2);   /* internal port */
  reply[10] = (guint8) (external >> 8);
  reply[11] = (guint8) external;
  memcpy (reply + 12, request + 8, 4);  /* the lifetime asked for */
  g_socket_send_to (socket, from, (const char *) reply, sizeof reply, NULL, NULL);

  return G_SOURCE_CONTINUE;
}

static FakeRouter *
fake_router_new (void)
{
  FakeRouter *fake = g_new0 (FakeRouter, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, NATPMP_PORT);
  g_autoptr(GError) error = NULL;

  fake->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (fake->socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (fake->socket, FALSE);

  fake->log = g_ptr_array_new_with_free_func (g_free);
  fake->source = g_socket_create_source (fake->socket, G_IO_IN, NULL);
  g_source_set_callback (fake->source, G_SOURCE_FUNC (fake_router_on_ready), fake, NULL);
  g_source_attach (fake->source, NULL);

  return fake;
}

static void
fake_router_free (FakeRouter *fake)
{
  g_source_destroy (fake->source);
  g_source_unref (fake->source);
  g_object_unref (fake->socket);
  g_ptr_array_unref (fake->log);
  g_free (fake);
}

static gboolean
button_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

/* What the session did while the test waited */
typedef struct
{
  SesameWindow *window;
  guint         finished;        /* runs ended, reports set */
  gboolean      stale_mappings;  /* marked stale for a mapping change */
  char         *notice;          /* what the window's notice said then */
} Observed;

static void
on_observed_finished (SesameProbeSession *session,
                      Observed           *observed)
{
  observed->finished++;
}

static void
on_observed_stale (SesameProbeSession *session,
                   GParamSpec         *pspec,
                   Observed           *observed)
{
  GtkWidget *revealer;

  if (!sesame_probe_session_get_stale_mappings (session))
    return;

  observed->stale_mappings = TRUE;
  revealer = gui_test_find (GTK_WIDGET (observed->window), GTK_TYPE_REVEALER, NULL);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_free (observed->notice);
  observed->notice = g_strdup (gtk_label_get_text (GTK_LABEL (gui_test_find (revealer, GTK_TYPE_LABEL, NULL))));
}

/* Every mapping row says it was removed */
static gboolean
rows_removed (gpointer data)
{
  GPtrArray *rows = data;

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_action_row_get_subtitle (g_ptr_array_index (rows, i)), _("Removed")) != 0)
      return FALSE;

  return TRUE;
}

static void
test_mappings_added (void)
{
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  const SesameFinding *added;
  GtkWidget *notice;
  Observed observed = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GPtrArray) expected_log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = NULL;
  FakeRouter *fake;
  SesameProbeSession *session;
  SesameProbeReport *report;
  GtkWidget *add_button;
  GtkWidget *remove_button;
  GtkWidget *group;
  AdwMessageDialog *dialog;
  GPtrArray *forwards;

  fixture_open (&fixture, "en");
  checklist = expected_checklist (&fixture, "en");
  session = wait_for_checks (&fixture);
  fake = fake_router_new ();
  add_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Add Mappings…"));
  remove_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Remove the Mappings Sesame Added"));
  group = gtk_widget_get_ancestor (add_button, ADW_TYPE_PREFERENCES_GROUP);

  /* This computer is the server, and the router speaks NAT-PMP */
  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("127.0.0.1");
  report->natpmp_found = TRUE;
  sesame_probe_session_set_report (session, report);
  g_assert_true (gtk_widget_get_sensitive (add_button));

  forwards = sesame_checklist_get_forwards (checklist);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      for (guint port = forward->external.first; port <= forward->external.last; port++)
        g_ptr_array_add (expected_log,
                         g_strdup_printf ("add %s %u %u", sesame_checklist_format_protocol (checklist, forward->protocol),
                                          port, forward->internal.first + (port - forward->external.first)));
    }

  /* What the session does once the mappings are on the router */
  g_signal_connect (session, "finished", G_CALLBACK (on_observed_finished), &observed);
  g_signal_connect (session, "notify::stale", G_CALLBACK (on_observed_stale), &observed);
  observed.window = fixture.window;

  /* Nothing reaches the router before the person agrees */
  click (add_button);
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, 5000));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "NAT-PMP"));
  gui_test_iterate (100);
  g_assert_cmpuint (fake->log->len, ==, 0);

  click (gui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, _("_Add Mappings")));
  gui_test_wait_toplevel_gone (ADW_TYPE_MESSAGE_DIALOG, 5000);

  /* Every row, one request each, each with its result */
  gui_test_wait_until (button_sensitive, remove_button, 20000);
  g_assert_cmpuint (fake->log->len, ==, expected_log->len);
  for (guint i = 0; i < expected_log->len; i++)
    g_assert_cmpstr (g_ptr_array_index (fake->log, i), ==, g_ptr_array_index (expected_log, i));
  rows = gui_test_find_all (group, ADW_TYPE_ACTION_ROW, NULL);
  g_assert_cmpuint (rows->len, ==, expected_log->len);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, i)), ==, _("Added"));
  g_assert_false (gtk_widget_get_sensitive (add_button));
  scroll_to (group);
  gui_test_screenshot (fixture.window, "mappings-added");

  /* Issue 10, item 3: the checks ran again at once, and until they were
   * done the window said that what they had said was out of date */
  session = wait_for_checks (&fixture);
  g_assert_cmpuint (observed.finished, ==, 1);
  g_assert_true (observed.stale_mappings);
  g_assert_cmpstr (observed.notice, ==,
                   _("Sesame changed the port forwarding on your router. The results may be out of date "
                     "until the checks, running again now, are done."));
  g_assert_false (sesame_probe_session_get_stale (session));
  notice = gui_test_find (GTK_WIDGET (fixture.window), GTK_TYPE_LABEL, observed.notice);
  g_assert_nonnull (notice);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (notice, GTK_TYPE_REVEALER))));

  /* Their report keeps what Sesame added, and the checklist and the
   * settings report name it: until when, and how to remove it */
  g_assert_cmpuint (sesame_probe_session_get_report (session)->added_mappings->len, ==, expected_log->len);
  findings = sesame_findings_new (sesame_page_get_plan (SESAME_PAGE (fixture.page)),
                                  sesame_page_get_catalog (SESAME_PAGE (fixture.page)),
                                  sesame_probe_session_get_report (session), "en", NULL);
  added = sesame_findings_lookup (findings, "port-mapped-by-sesame");
  g_assert_nonnull (added);
  g_assert_nonnull (strstr (added->action, "sesame-cli map remove --protocol tcp --port 22 --via natpmp"));
  text = sesame_checklist_page_dup_text (fixture.page);
  g_assert_nonnull (strstr (text, added->title));
  g_assert_nonnull (strstr (text, added->text));
  g_assert_nonnull (strstr (text, added->action));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, added->title));
  path = g_build_filename (fixture.tmpdir, "report.txt", NULL);
  save (&fixture, SESAME_EXPORT_REPORT_TEXT, path, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.saved);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, added->title));
  g_assert_nonnull (strstr (contents, "sesame-cli map remove --protocol tcp --port 22 --via natpmp"));

  /* And taken away again, from the router that took them */
  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("127.0.0.1");
  report->natpmp_found = TRUE;
  sesame_probe_session_set_report (session, report);
  g_ptr_array_set_size (fake->log, 0);
  click (remove_button);
  gui_test_wait_until (rows_removed, rows, 20000);
  /* Each once, though a request the router seemed slow to answer is sent again */
  {
    g_autoptr(GHashTable) removed = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < fake->log->len; i++)
      {
        g_assert_true (g_str_has_prefix (g_ptr_array_index (fake->log, i), "remove "));
        g_hash_table_add (removed, g_ptr_array_index (fake->log, i));
      }
    g_assert_cmpuint (g_hash_table_size (removed), ==, expected_log->len);
  }
  g_assert_false (gtk_widget_get_sensitive (remove_button));

  /* The checks run again, and nothing is said of them any more */
  session = wait_for_checks (&fixture);
  g_assert_cmpuint (observed.finished, ==, 3);
  g_assert_cmpuint (sesame_probe_session_get_report (session)->added_mappings->len, ==, 0);
  g_clear_pointer (&text, g_free);
  text = sesame_checklist_page_dup_text (fixture.page);
  g_assert_null (strstr (text, "sesame-cli map remove"));

  g_signal_handlers_disconnect_by_data (session, &observed);
  g_free (observed.notice);
  fake_router_free (fake);
  fixture_close (&fixture);
}

/* A router that answered PCP with a refusal (no resources, not authorized)
 * speaks PCP but will not map with it: the mappings go by NAT-PMP, which it
 * answered with its address, and the person is told so */
static void
test_mappings_pcp_refused (void)
{
  Fixture fixture = { 0 };
  FakeRouter *fake;
  SesameProbeSession *session;
  SesameProbeReport *report;
  GtkWidget *add_button;
  GtkWidget *remove_button;
  AdwMessageDialog *dialog;
  const char *body;

  fixture_open (&fixture, "en");
  session = wait_for_checks (&fixture);
  fake = fake_router_new ();
  add_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Add Mappings…"));
  remove_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Remove the Mappings Sesame Added"));

  report = sesame_probe_report_new ();
  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("127.0.0.1");
  report->pcp_found = TRUE;
  report->pcp_error = g_strdup ("the router refused: it has no resources left for mappings");
  report->natpmp_found = TRUE;
  sesame_probe_session_set_report (session, report);
  g_assert_true (gtk_widget_get_sensitive (add_button));

  click (add_button);
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, 5000));
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "NAT-PMP"));
  g_assert_null (strstr (body, "PCP"));

  click (gui_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, _("_Add Mappings")));
  gui_test_wait_toplevel_gone (ADW_TYPE_MESSAGE_DIALOG, 5000);
  gui_test_wait_until (button_sensitive, remove_button, 20000);
  /* The NAT-PMP router was asked, and granted them */
  g_assert_cmpuint (fake->log->len, >, 0);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fake->log, 0), "add "));

  fake_router_free (fake);
  fixture_close (&fixture);
}

static void
test_keyboard (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) chain = NULL;
  GtkWidget *wanted[5];
  GtkWidget *save_button;

  fixture_open (&fixture, "en");
  wanted[0] = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_TOGGLE_BUTTON, "日本語");
  wanted[1] = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_TOGGLE_BUTTON, "English");
  wanted[2] = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Print…"));
  save_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_MENU_BUTTON, NULL);
  wanted[3] = gtk_widget_get_first_child (save_button);
  wanted[4] = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_CHECK_BUTTON, NULL);

  chain = gui_test_focus_chain (fixture.window, 400);
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    {
      g_assert_nonnull (wanted[i]);
      g_assert_true (g_ptr_array_find (chain, wanted[i], NULL));
    }

  fixture_close (&fixture);
}

static void
test_not_ready (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "checklist", NULL);
  GtkWidget *page = GTK_WIDGET (sesame_window_get_page (window, "checklist"));
  GtkWidget *status = gui_test_find (page, ADW_TYPE_STATUS_PAGE, _("The Checklist Is Not Ready Yet"));
  GtkWidget *print_button = gui_test_find (page, GTK_TYPE_BUTTON, _("_Print…"));
  g_autofree char *text = sesame_checklist_page_dup_text (SESAME_CHECKLIST_PAGE (page));

  /* A new plan has no router and no server yet: the page says why */
  g_assert_nonnull (status);
  g_assert_true (gui_test_is_shown (status));
  g_assert_cmpuint (strlen (adw_status_page_get_description (ADW_STATUS_PAGE (status))), >, 0);
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), ==, text);
  g_assert_null (gui_test_find (page, GTK_TYPE_CHECK_BUTTON, NULL));
  g_assert_false (gtk_widget_get_sensitive (print_button));
  gui_test_screenshot (window, "not-ready");

  gui_test_close_window (window);
}

/* After a router change */

/* The seed plan, then "I replaced my router", then the router and the
 * server's address set as the router and host pages set them */
static void
fixture_open_replaced (Fixture    *fixture,
                       const char *report_language,
                       const char *router_id,
                       const char *router_address,
                       const char *host_address)
{
  g_autoptr(GError) error = NULL;
  SesamePlan *plan;

  fixture->window = gui_test_open_window ("seed-plan.json", report_language, NULL, NULL);
  gui_test_activate (fixture->window, "replace-router");
  g_assert_cmpstr (sesame_window_get_page_name (fixture->window), ==, "router");
  g_assert_nonnull (sesame_window_get_previous_plan (fixture->window));

  plan = sesame_window_get_plan (fixture->window);
  sesame_plan_set_router_id (plan, router_id);
  sesame_plan_set_router_address (plan, router_address);
  sesame_plan_set_connection (plan, SESAME_CONNECTION_PPPOE);
  sesame_plan_set_host_address (plan, host_address);

  g_assert_true (sesame_window_set_page (fixture->window, "checklist"));
  fixture->page = SESAME_CHECKLIST_PAGE (sesame_window_get_page (fixture->window, "checklist"));
  fixture->tmpdir = g_dir_make_tmp ("sesame-checklist-XXXXXX", &error);
  g_assert_no_error (error);
}

static SesameMigration *
expected_migration (Fixture    *fixture,
                    const char *language)
{
  SesamePage *page = SESAME_PAGE (fixture->page);
  g_autoptr(GError) error = NULL;
  SesameMigration *migration;

  migration = sesame_migration_new (sesame_window_get_previous_plan (fixture->window),
                                    sesame_page_get_plan (page), sesame_page_get_catalog (page),
                                    language, &error);
  g_assert_no_error (error);

  return migration;
}

/* The change of @kind, which the test expects to be there */
static const SesameChange *
find_change (SesameMigration  *migration,
             SesameChangeKind  kind)
{
  GPtrArray *changes = sesame_migration_get_changes (migration);

  for (guint i = 0; i < changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (changes, i);

      if (change->kind == kind)
        return change;
    }

  g_error ("No “%s” change", sesame_change_kind_to_string (kind));
}

/* A forwarding row with its tick box, shown, under @parent */
static GtkWidget *
find_forward_row (GtkWidget           *parent,
                  SesameChecklist     *checklist,
                  const SesameForward *forward)
{
  g_autofree char *title = forward_title (checklist, forward);
  GtkWidget *row = gui_test_find (parent, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  g_assert_true (gui_test_is_shown (row));
  g_assert_nonnull (gui_test_find (row, GTK_TYPE_CHECK_BUTTON, NULL));

  return row;
}

static void
test_router_change (gconstpointer data)
{
  const char *language = data;
  gboolean ja = g_str_equal (language, "ja");
  Fixture fixture = { 0 };
  g_autoptr(SesameMigration) migration = NULL;
  g_autoptr(GPtrArray) ticks = NULL;
  g_autofree char *router_heading = NULL;
  g_autofree char *tag = g_strdup_printf ("router-change_%s", language);
  g_autofree char *remove_tag = g_strdup_printf ("router-change_%s-remove", language);
  SesameChecklist *old_checklist;
  SesameChecklist *new_checklist;
  const SesameChange *change;
  GtkWidget *changes_heading;
  GtkWidget *remove_heading;
  GtkWidget *remove_part;
  GtkWidget *list;
  GtkWidget *label;
  GPtrArray *changes;
  GPtrArray *add;
  GPtrArray *remove;
  GPtrArray *steps;

  fixture_open_replaced (&fixture, language, "apple-airport-extreme", "10.0.1.1", "10.0.1.5");
  migration = expected_migration (&fixture, language);
  old_checklist = sesame_migration_get_old_checklist (migration);
  new_checklist = sesame_migration_get_new_checklist (migration);
  changes = sesame_migration_get_changes (migration);
  add = sesame_migration_get_add_forwards (migration);
  remove = sesame_migration_get_remove_forwards (migration);

  /* The header names both routers, under the router change's title */
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, sesame_migration_get_title (migration)));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, ja ? "以前のルーター" : "Old router"));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL,
                                   sesame_checklist_get_router_name (old_checklist)));

  /* What changed, first: one row a sentence, as the migration has them */
  changes_heading = find_heading (&fixture, 1, ja ? "変更点" : "What changed");
  g_assert_nonnull (changes_heading);
  g_assert_true (gui_test_is_shown (changes_heading));
  g_assert_cmpuint (changes->len, >, 0);
  list = NULL;
  for (guint i = 0; i < changes->len; i++)
    {
      const SesameChange *each = g_ptr_array_index (changes, i);
      GtkWidget *row = gui_test_find (GTK_WIDGET (fixture.page), ADW_TYPE_ACTION_ROW, each->text);

      g_assert_nonnull (row);
      g_assert_true (gui_test_is_shown (row));
      list = gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX);
    }
  {
    g_autoptr(GPtrArray) rows = gui_test_find_all (list, ADW_TYPE_ACTION_ROW, NULL);

    g_assert_cmpuint (rows->len, ==, changes->len);
  }

  /* …among them the router's page names and the home network */
  change = find_change (migration, SESAME_CHANGE_PAGE);
  g_assert_nonnull (strstr (change->old_value, ja ? "アドレス変換" : "Address Translation"));
  g_assert_nonnull (strstr (change->text, change->old_value));
  g_assert_nonnull (strstr (change->text, change->new_value));
  g_assert_nonnull (gui_test_find (list, ADW_TYPE_ACTION_ROW, change->text));
  change = find_change (migration, SESAME_CHANGE_SUBNET);
  g_assert_cmpstr (change->old_value, ==, "192.168.11.0/24");
  g_assert_cmpstr (change->new_value, ==, "10.0.1.0/24");
  g_assert_nonnull (gui_test_find (list, ADW_TYPE_ACTION_ROW, change->text));

  /* The new router's rows, once, leading to the new address */
  router_heading = g_strdup_printf (ja ? "ルーターの設定: %s" : "Router settings: %s",
                                    sesame_checklist_get_router_page (new_checklist));
  g_assert_nonnull (find_heading (&fixture, 2, router_heading));
  for (guint i = 0; i < add->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (add, i);

      g_assert_cmpstr (forward->internal_address, ==, "10.0.1.5");
      find_forward_row (GTK_WIDGET (fixture.page), new_checklist, forward);
    }

  scroll_to (changes_heading);
  gui_test_screenshot (fixture.window, tag);

  /* Then the old router's rows, with how to delete them: its page by name */
  remove_heading = find_heading (&fixture, 3, ja ? "以前のルーターを使い続ける場合は、そのルーターから削除する"
                                                 : "Remove from the old router if it stays in use");
  g_assert_nonnull (remove_heading);
  g_assert_true (gui_test_is_shown (remove_heading));
  remove_part = gtk_widget_get_parent (remove_heading);
  g_assert_cmpuint (remove->len, ==, add->len);
  for (guint i = 0; i < remove->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (remove, i);

      g_assert_cmpstr (forward->internal_address, ==, "192.168.11.5");
      find_forward_row (remove_part, old_checklist, forward);
    }
  steps = sesame_migration_get_remove_steps (migration);
  g_assert_cmpuint (steps->len, ==, 3);
  g_assert_nonnull (strstr (((SesameStep *) g_ptr_array_index (steps, 1))->text,
                            ja ? "アドレス変換" : "Address Translation"));
  for (guint i = 0; i < steps->len; i++)
    {
      label = gui_test_find (remove_part, GTK_TYPE_LABEL, ((SesameStep *) g_ptr_array_index (steps, i))->text);
      g_assert_nonnull (label);
      g_assert_true (gui_test_is_shown (label));
    }
  label = gui_test_find (remove_part, GTK_TYPE_LABEL, g_ptr_array_index (sesame_migration_get_remove_notes (migration), 0));
  g_assert_nonnull (label);

  /* No row twice: a tick box for each row to add and each to delete */
  ticks = gui_test_find_all (GTK_WIDGET (fixture.page), GTK_TYPE_CHECK_BUTTON, NULL);
  g_assert_cmpuint (ticks->len, ==, add->len + remove->len);

  /* The rows to delete are ticked off with the keyboard too */
  {
    g_autoptr(GPtrArray) chain = gui_test_focus_chain (fixture.window, 400);
    GtkWidget *row = find_forward_row (remove_part, old_checklist, g_ptr_array_index (remove, 0));

    g_assert_true (g_ptr_array_find (chain, gui_test_find (row, GTK_TYPE_CHECK_BUTTON, NULL), NULL));
  }

  /* The server moved: its firewall rules are looked at again */
  g_assert_true (sesame_migration_get_firewall_changed (migration));
  label = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, sesame_migration_get_firewall_note (migration));
  g_assert_nonnull (label);
  g_assert_true (gui_test_is_shown (label));

  scroll_to (remove_heading);
  gui_test_screenshot (fixture.window, remove_tag);

  fixture_close (&fixture);
}

/* The same router and address, another address for the server: the old
 * entries on that router go before the new ones */
static void
test_router_change_same_router (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameMigration) migration = NULL;
  GPtrArray *remove;

  fixture_open_replaced (&fixture, "en", "buffalo-bbr-4mg", "192.168.11.1", "192.168.11.7");
  migration = expected_migration (&fixture, "en");
  g_assert_true (sesame_migration_is_same_router (migration));
  g_assert_cmpstr (find_change (migration, SESAME_CHANGE_HOST_ADDRESS)->new_value, ==, "192.168.11.7");

  g_assert_nonnull (find_heading (&fixture, 1, "What changed"));
  g_assert_nonnull (find_heading (&fixture, 2, "Delete the old entries first"));
  g_assert_nonnull (find_heading (&fixture, 3, "Router settings: Address Translation"));
  g_assert_null (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, "Old router"));

  remove = sesame_migration_get_remove_forwards (migration);
  for (guint i = 0; i < remove->len; i++)
    find_forward_row (gtk_widget_get_parent (find_heading (&fixture, 2, "Delete the old entries first")),
                      sesame_migration_get_old_checklist (migration), g_ptr_array_index (remove, i));

  fixture_close (&fixture);
}

/* Back on the same router at the same address: nothing to add */
static void
test_router_change_nothing_changed (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(SesameMigration) migration = NULL;
  g_autoptr(GPtrArray) ticks = NULL;

  fixture_open_replaced (&fixture, "en", "buffalo-bbr-4mg", "192.168.11.1", "192.168.11.5");
  migration = expected_migration (&fixture, "en");
  g_assert_cmpuint (sesame_migration_get_changes (migration)->len, ==, 0);
  checklist = expected_checklist (&fixture, "en");

  g_assert_null (find_heading (&fixture, 1, "What changed"));
  g_assert_nonnull (find_heading (&fixture, 1, "Router settings: Address Translation"));
  g_assert_null (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, "Old router"));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, sesame_checklist_get_title (checklist)));
  ticks = gui_test_find_all (GTK_WIDGET (fixture.page), GTK_TYPE_CHECK_BUTTON, NULL);
  g_assert_cmpuint (ticks->len, ==, sesame_checklist_get_forwards (checklist)->len);

  fixture_close (&fixture);
}

static void
test_router_change_language_switch (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameMigration) migration = NULL;
  GtkWidget *english;
  const SesameChange *change;

  fixture_open_replaced (&fixture, "ja", "apple-airport-extreme", "10.0.1.1", "10.0.1.5");
  g_assert_nonnull (find_heading (&fixture, 1, "変更点"));

  english = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_TOGGLE_BUTTON, "English");
  click (english);
  gui_test_iterate (50);

  /* The router change follows the checklist into English */
  migration = expected_migration (&fixture, "en");
  g_assert_null (find_heading (&fixture, 1, "変更点"));
  g_assert_nonnull (find_heading (&fixture, 1, "What changed"));
  g_assert_nonnull (find_heading (&fixture, 3, "Remove from the old router if it stays in use"));
  change = find_change (migration, SESAME_CHANGE_PAGE);
  g_assert_nonnull (strstr (change->text, "Address Translation"));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), ADW_TYPE_ACTION_ROW, change->text));
  g_assert_nonnull (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, sesame_migration_get_title (migration)));

  fixture_close (&fixture);
}

/* Print prints the router change checklist the page shows, in the report
 * language: what changed, the new rows and the old ones */
static void
test_router_change_print (gconstpointer data)
{
  const char *language = data;
  Fixture fixture = { 0 };
  g_autoptr(SesameMigration) migration = NULL;
  g_autoptr(SesamePdfWriter) writer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *print_button;
  SesameTranslation *tr;
  GtkPrintOperationResult result;

  fixture_open_replaced (&fixture, language, "apple-airport-extreme", "10.0.1.1", "10.0.1.5");
  migration = expected_migration (&fixture, language);
  tr = sesame_migration_get_translation (migration);

  /* The button says what it prints */
  print_button = gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_BUTTON, _("_Print…"));
  g_assert_nonnull (print_button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (print_button), ==, _("Print the router change checklist (Ctrl+P)"));

  path = g_build_filename (fixture.tmpdir, "printed.pdf", NULL);
  result = sesame_checklist_page_print (fixture.page, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);

  /* As `sesame-cli diff --format pdf` lays it out on the default paper */
  writer = sesame_pdf_writer_new_for_migration (migration, sesame_paper_get_default (), NULL);
  g_assert_cmpuint (pdf_pages (path), ==, sesame_pdf_writer_get_n_pages (writer));
  text = run_poppler ("pdftotext", path);
  g_assert_nonnull (strstr (text, T_ (tr, "What changed")));
  g_assert_nonnull (strstr (text, T_ (tr, "Remove from the old router if it stays in use")));
  g_assert_nonnull (strstr (text, "10.0.1.5"));
  g_assert_nonnull (strstr (text, "192.168.11.5"));

  fixture_close (&fixture);
}

/* The items the Save menu shows, as they read: without the mnemonic's underscore */
static void
collect_menu_labels (GtkWidget *widget,
                     GPtrArray *labels)
{
  GParamSpec *text = g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "text");

  if (text != NULL && text->value_type == G_TYPE_STRING && gtk_widget_get_visible (widget))
    {
      g_autofree char *label = NULL;

      g_object_get (widget, "text", &label, NULL);
      if (label != NULL)
        g_ptr_array_add (labels, g_steal_pointer (&label));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_menu_labels (child, labels);
}

static char *
without_mnemonic (const char *label)
{
  g_auto(GStrv) parts = g_strsplit (label, "_", -1);

  return g_strjoinv ("", parts);
}

static gboolean
save_menu_has (Fixture    *fixture,
               const char *label)
{
  GtkWidget *button = gui_test_find (GTK_WIDGET (fixture->page), GTK_TYPE_MENU_BUTTON, NULL);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *pdf = without_mnemonic (_("Save as _PDF…"));
  g_autofree char *wanted = without_mnemonic (label);

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  gui_test_iterate (50);
  collect_menu_labels (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))), labels);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  gui_test_iterate (50);

  /* The menu is there at all */
  g_assert_true (g_ptr_array_find_with_equal_func (labels, pdf, g_str_equal, NULL));

  return g_ptr_array_find_with_equal_func (labels, wanted, g_str_equal, NULL);
}

static const struct
{
  const char            *name;
  SesameExport           what;
  SesameExportFormat  format;
} router_change_save_cases[] = {
  { "router-change.html", SESAME_EXPORT_MIGRATION_HTML, SESAME_EXPORT_FORMAT_HTML },
  { "router-change.md", SESAME_EXPORT_MIGRATION_MARKDOWN, SESAME_EXPORT_FORMAT_MARKDOWN },
  { "router-change.txt", SESAME_EXPORT_MIGRATION_TEXT, SESAME_EXPORT_FORMAT_TEXT },
  { "router-change.json", SESAME_EXPORT_MIGRATION_JSON, SESAME_EXPORT_FORMAT_JSON },
};

static void
test_router_change_save (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  g_autoptr(SesameMigration) migration = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *toast = NULL;
  g_autoptr(GError) error = NULL;

  fixture_open_replaced (&fixture, "ja", "apple-airport-extreme", "10.0.1.1", "10.0.1.5");
  migration = expected_migration (&fixture, "ja");
  path = g_build_filename (fixture.tmpdir, router_change_save_cases[index].name, NULL);

  save (&fixture, router_change_save_cases[index].what, path, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.saved);

  /* Exactly what `sesame-cli diff` writes for these two plans */
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  expected = sesame_migration_write (migration, router_change_save_cases[index].format);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_nonnull (strstr (contents, "192.168.11.5"));
  g_assert_nonnull (strstr (contents, "10.0.1.5"));

  toast = g_strdup_printf (_("Saved “%s”"), router_change_save_cases[index].name);
  g_assert_true (toast_shown (&fixture, toast));

  fixture_close (&fixture);
}

/* The router change on paper, saved: the same layout Print uses */
static void
test_router_change_save_pdf (void)
{
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  g_autoptr(SesameMigration) migration = NULL;
  g_autoptr(SesamePdfWriter) writer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  fixture_open_replaced (&fixture, "en", "apple-airport-extreme", "10.0.1.1", "10.0.1.5");
  migration = expected_migration (&fixture, "en");
  path = g_build_filename (fixture.tmpdir, "router-change.pdf", NULL);

  save (&fixture, SESAME_EXPORT_MIGRATION_PDF, path, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.saved);

  writer = sesame_pdf_writer_new_for_migration (migration, NULL, NULL);
  g_assert_cmpuint (pdf_pages (path), ==, sesame_pdf_writer_get_n_pages (writer));
  text = run_poppler ("pdftotext", path);
  g_assert_nonnull (strstr (text, sesame_migration_get_title (migration)));
  g_assert_nonnull (strstr (text, "10.0.1.5"));
  g_assert_nonnull (strstr (text, "192.168.11.5"));

  fixture_close (&fixture);
}

/* Save offers the router change too, named after it, next to the
 * checklist's own formats */
static void
test_router_change_save_as (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SesameMigration) migration = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *name = NULL;
  GtkFileChooser *chooser;
  GtkFileFilter *filter;

  fixture_open_replaced (&fixture, "en", "apple-airport-extreme", "10.0.1.1", "10.0.1.5");
  migration = expected_migration (&fixture, "en");
  g_assert_true (save_menu_has (&fixture, _("Save Router _Change Checklist…")));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "checklist.save-migration", NULL));
  chooser = GTK_FILE_CHOOSER (gui_test_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER, 5000));

  expected_name = g_strconcat (sesame_migration_get_title (migration), ".html", NULL);
  name = gtk_file_chooser_get_current_name (chooser);
  g_assert_cmpstr (name, ==, expected_name);
  filter = gtk_file_chooser_get_filter (chooser);
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, _("Web page (HTML)"));

  click (gui_test_find (GTK_WIDGET (chooser), GTK_TYPE_BUTTON, _("_Cancel")));
  gui_test_wait_toplevel_gone (GTK_TYPE_FILE_CHOOSER, 5000);

  fixture_close (&fixture);
}

/* Without "I replaced my router" the page is the checklist alone */
static void
test_no_router_change (void)
{
  Fixture fixture = { 0 };
  SaveResult result = { 0 };
  g_autofree char *path = NULL;
  AdwMessageDialog *dialog;

  fixture_open (&fixture, "en");
  g_assert_null (sesame_window_get_previous_plan (fixture.window));

  g_assert_null (find_heading (&fixture, 1, "What changed"));
  g_assert_nonnull (find_heading (&fixture, 1, "Router settings: Address Translation"));
  g_assert_null (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL, "Old router"));
  g_assert_null (gui_test_find (GTK_WIDGET (fixture.page), GTK_TYPE_LABEL,
                                "Remove from the old router if it stays in use"));
  g_assert_false (save_menu_has (&fixture, _("Save Router _Change Checklist…")));

  /* Nothing to save, and the page says so */
  path = g_build_filename (fixture.tmpdir, "router-change.html", NULL);
  save (&fixture, SESAME_EXPORT_MIGRATION_HTML, path, &result);
  g_assert_false (result.saved);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&result.error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, 5000));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   _("There is no router change to save. After you replace your router, "
                     "choose “I Replaced My Router” on the first page."));
  gtk_window_destroy (GTK_WINDOW (dialog));

  fixture_close (&fixture);
}

/* The page's key bindings, as "trigger action": "<Control>p checklist.print" */
static GPtrArray *
page_bindings (GtkWidget *page)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (page);
  GPtrArray *bindings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint s = 0; s < g_list_model_get_n_items (G_LIST_MODEL (controller)); s++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), s);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (GTK_IS_NAMED_ACTION (action))
            g_ptr_array_add (bindings, g_strdup_printf ("%s %s", trigger,
                                                        gtk_named_action_get_action_name (GTK_NAMED_ACTION (action))));
        }
    }

  return bindings;
}

/* The shortcuts window lists the page's own bindings, as the page has them */
static void
test_shortcuts_window (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  GtkWidget *window;
  GtkWidget *group = NULL;
  g_autoptr(GPtrArray) shortcuts = NULL;
  const struct
  {
    const char *accelerator;
    const char *action;
  } expected[] = {
    { "<Control>p", "checklist.print" },
    { "<Control>s", "checklist.save-as" },
    { "<Shift><Control>s", "checklist.save-plan" },
  };

  /* The window's templates come with the page's */
  fixture_open (&fixture, "en");
  bindings = page_bindings (GTK_WIDGET (fixture.page));
  g_assert_cmpuint (bindings->len, ==, G_N_ELEMENTS (expected));

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/sesame-shortcuts-window.ui");
  window = GTK_WIDGET (gtk_builder_get_object (builder, "shortcuts_window"));
  groups = gui_test_find_all (window, GTK_TYPE_SHORTCUTS_GROUP, NULL);

  for (guint i = 0; i < groups->len; i++)
    {
      g_autofree char *title = NULL;

      g_object_get (g_ptr_array_index (groups, i), "title", &title, NULL);
      if (g_strcmp0 (title, _("Checklist")) == 0)
        group = g_ptr_array_index (groups, i);
    }
  g_assert_nonnull (group);

  shortcuts = gui_test_find_all (group, GTK_TYPE_SHORTCUTS_SHORTCUT, NULL);
  g_assert_cmpuint (shortcuts->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *title = NULL;
      g_autofree char *binding = g_strdup_printf ("%s %s", expected[i].accelerator, expected[i].action);

      g_object_get (g_ptr_array_index (shortcuts, i), "accelerator", &accelerator, "title", &title, NULL);
      g_assert_cmpstr (accelerator, ==, expected[i].accelerator);
      g_assert_cmpuint (strlen (title), >, 0);
      g_assert_true (g_ptr_array_find_with_equal_func (bindings, binding, g_str_equal, NULL));
    }

  gtk_window_destroy (GTK_WINDOW (window));
  fixture_close (&fixture);
}

void
gui_test_add_checklist_page_tests (void)
{
  g_test_add_data_func ("/gui/checklist/rendered-report-en", "en", test_rendered);
  g_test_add_data_func ("/gui/checklist/rendered-report-ja", "ja", test_rendered);
  g_test_add_func ("/gui/checklist/language-switch", test_language_switch);
  g_test_add_func ("/gui/checklist/not-ready", test_not_ready);
  for (guint i = 0; i < G_N_ELEMENTS (save_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/gui/checklist/save-%s", save_cases[i].name);

      g_test_add_data_func (name, GUINT_TO_POINTER (i), test_save);
    }
  g_test_add_func ("/gui/checklist/save-error", test_save_error);
  g_test_add_func ("/gui/checklist/save-special-files", test_save_special_files);
  g_test_add_func ("/gui/checklist/save-as", test_save_as);
  g_test_add_func ("/gui/checklist/export-format", test_export_format);
  g_test_add_func ("/gui/checklist/save-plan", test_save_plan);
  g_test_add_func ("/gui/checklist/settings-report", test_settings_report);
  g_test_add_func ("/gui/checklist/settings-report-redacted", test_settings_report_redacted);
  g_test_add_func ("/gui/checklist/print", test_print);
  g_test_add_func ("/gui/checklist/mappings", test_mappings);
  g_test_add_func ("/gui/checklist/findings", test_findings);
  g_test_add_func ("/gui/checklist/mappings-added", test_mappings_added);
  g_test_add_func ("/gui/checklist/mappings-pcp-refused", test_mappings_pcp_refused);
  g_test_add_func ("/gui/checklist/keyboard", test_keyboard);
  g_test_add_data_func ("/gui/checklist/router-change-en", "en", test_router_change);
  g_test_add_data_func ("/gui/checklist/router-change-ja", "ja", test_router_change);
  g_test_add_func ("/gui/checklist/router-change-same-router", test_router_change_same_router);
  g_test_add_func ("/gui/checklist/router-change-nothing-changed", test_router_change_nothing_changed);
  g_test_add_func ("/gui/checklist/router-change-language-switch", test_router_change_language_switch);
  for (guint i = 0; i < G_N_ELEMENTS (router_change_save_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/gui/checklist/save-%s", router_change_save_cases[i].name);

      g_test_add_data_func (name, GUINT_TO_POINTER (i), test_router_change_save);
    }
  g_test_add_func ("/gui/checklist/router-change-save-as", test_router_change_save_as);
  g_test_add_func ("/gui/checklist/router-change-save-pdf", test_router_change_save_pdf);
  g_test_add_data_func ("/gui/checklist/router-change-print-en", "en", test_router_change_print);
  g_test_add_data_func ("/gui/checklist/router-change-print-ja", "ja", test_router_change_print);
  g_test_add_func ("/gui/checklist/no-router-change", test_no_router_change);
  g_test_add_func ("/gui/checklist/shortcuts-window", test_shortcuts_window);
}
