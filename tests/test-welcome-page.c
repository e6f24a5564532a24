/* test-welcome-page.c: the welcome page, the saved plan and "I replaced my router"
 *
 * The store lives in the test program's own temporary home (gui_test_init),
 * where the application keeps it too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-application.h"
#include "sesame-gui.h"
#include "sesame-welcome-page.h"

static SesameWelcomePage *
welcome_page (SesameWindow *window)
{
  return SESAME_WELCOME_PAGE (sesame_window_get_page (window, "welcome"));
}

static SesameStore *
store_with_seed_plan (void)
{
  SesameStore *store = sesame_store_new (NULL, NULL);
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "seed-plan.json", NULL);
  g_autoptr(SesamePlan) plan = sesame_plan_load_from_file (path, catalog, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (plan);
  sesame_store_save_plan (store, plan, &error);
  g_assert_no_error (error);

  return store;
}

static void
count_runs (SesameProbeSession *session,
            GParamSpec         *pspec,
            guint              *runs)
{
  if (sesame_probe_session_get_running (session))
    (*runs)++;
}

/* A new setup: "Start" leads to the router */
static void
test_new (void)
{
  SesameWindow *window = gui_test_open_window (NULL, NULL, NULL, NULL);
  GtkWidget *page = GTK_WIDGET (welcome_page (window));
  GtkWidget *start;

  g_assert_false (sesame_welcome_page_get_returning (welcome_page (window)));
  start = gui_test_find (page, GTK_TYPE_BUTTON, gui_test_ui_is_japanese () ? "開始(_S)" : "_Start");
  g_assert_nonnull (start);
  g_assert_true (gui_test_is_shown (start));
  /* What it does, said when the pointer rests on it, in the UI language */
  g_assert_cmpstr (sesame_gui_get_tooltip (start), ==, _("Begin with your router"));
  if (gui_test_ui_is_japanese ())
    g_assert_cmpstr (sesame_gui_get_tooltip (start), !=, "Begin with your router");
  gui_test_press (start);
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "router");

  gui_test_close_window (window);
}

/* No servers listed when the checks may not contact the internet, and the
 * configured ones when they may */
static void
test_servers (void)
{
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  static const char * const stun[] = { "127.0.0.1:3478", NULL };
  static const char * const ip_urls[] = { "http://127.0.0.1:8080/ip", "https://127.0.0.1:8443/ip", NULL };
  SesameWindow *window;
  GtkWidget *page;
  GtkWidget *row;

  window = gui_test_open_window (NULL, NULL, NULL, NULL);
  page = GTK_WIDGET (welcome_page (window));
  g_assert_null (gui_test_find (page, ADW_TYPE_ACTION_ROW, "127.0.0.1:3478"));
  g_assert_nonnull (gui_test_find (page, ADW_TYPE_PREFERENCES_GROUP, NULL));
  gui_test_close_window (window);

  sesame_probe_session_set_internet (session, TRUE);
  sesame_probe_session_set_stun_servers (session, stun);
  sesame_probe_session_set_ip_urls (session, ip_urls);
  sesame_probe_session_set_check_url (session, NULL);
  window = gui_test_open_window (NULL, NULL, NULL, session);
  page = GTK_WIDGET (welcome_page (window));
  g_assert_nonnull (gui_test_find (page, ADW_TYPE_ACTION_ROW, "127.0.0.1:3478"));

  /* Only an https:// address is said to be HTTPS */
  row = gui_test_find (page, ADW_TYPE_ACTION_ROW, ip_urls[0]);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   _("Your public address, over plain HTTP, unencrypted"));
  row = gui_test_find (page, ADW_TYPE_ACTION_ROW, ip_urls[1]);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   _("Your public address, over HTTPS"));
  gui_test_screenshot (window, "new");
  gui_test_close_window (window);
}

/* A saved plan: "Welcome back" with what was set up, and the way on */
static void
test_returning (void)
{
  g_autoptr(SesameStore) store = store_with_seed_plan ();
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autoptr(SesamePlan) plan = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  SesameWindow *window;
  GtkWidget *page;
  GtkWidget *row;
  guint runs = 0;

  window = sesame_window_new (NULL, plan, catalog, session);
  sesame_window_set_store (window, store, TRUE, NULL);
  gtk_window_present (GTK_WINDOW (window));
  page = GTK_WIDGET (welcome_page (window));

  g_assert_true (sesame_welcome_page_get_returning (welcome_page (window)));
  row = gui_test_find (page, ADW_TYPE_ACTION_ROW, gui_test_ui_is_japanese () ? "ルーター" : "Router");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            gui_test_ui_is_japanese () ? "バッファロー" : "Buffalo"));
  row = gui_test_find (page, ADW_TYPE_ACTION_ROW, gui_test_ui_is_japanese () ? "サービス" : "Services");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "SSH"));
  gui_test_screenshot (window, "returning");

  /* "Change my services" */
  g_action_group_activate_action (G_ACTION_GROUP (window), "go-to", g_variant_new_string ("services"));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "services");

  /* "Check again" runs the checks anew and shows them */
  sesame_probe_session_cancel (session);
  g_signal_connect (session, "notify::running", G_CALLBACK (count_runs), &runs);
  gui_test_activate (window, "check-again");
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "checks");
  g_assert_cmpuint (runs, ==, 1);

  gui_test_close_window (window);
}

typedef struct
{
  const char *path;
  const char *text;
} FileWait;

/* Saves run in a worker thread: wait until one has landed */
static gboolean
file_contains (gpointer data)
{
  FileWait *wait = data;
  g_autofree char *contents = NULL;

  return g_file_get_contents (wait->path, &contents, NULL, NULL) &&
         strstr (contents, wait->text) != NULL;
}

/* Edits are saved as they happen, and closing saves what is still waiting */
static void
test_autosave (void)
{
  g_autoptr(SesameStore) store = store_with_seed_plan ();
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autoptr(SesamePlan) plan = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_autoptr(SesamePlan) saved = NULL;
  SesameWindow *window;

  window = sesame_window_new (NULL, plan, catalog, NULL);
  sesame_probe_session_cancel (sesame_window_get_session (window));
  sesame_window_set_store (window, store, TRUE, NULL);
  gtk_window_present (GTK_WINDOW (window));

  sesame_plan_set_host_name (plan, "renamed-server");
  gui_test_wait_until (file_contains, &(FileWait) { sesame_store_get_plan_path (store), "renamed-server" }, 5000);
  saved = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_assert_cmpstr (sesame_plan_get_host_name (saved), ==, "renamed-server");
  g_clear_object (&saved);

  /* Closed before the save was due */
  sesame_plan_set_host_name (plan, "closed-at-once");
  gtk_window_close (GTK_WINDOW (window));
  gui_test_wait_until (file_contains, &(FileWait) { sesame_store_get_plan_path (store), "closed-at-once" }, 5000);
  saved = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_assert_cmpstr (sesame_plan_get_host_name (saved), ==, "closed-at-once");
}

/* The last run's results are read in a worker thread, then this run's kept:
 * the one before is in the history once both are done */
static gboolean
report_history_kept (gpointer data)
{
  g_autofree char *dir = g_path_get_dirname (data);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "probe-report-"))
      return TRUE;

  return FALSE;
}

typedef struct
{
  SesameWindow *window;
  const char   *text;
} NoticeWait;

static gboolean
notice_contains (gpointer data)
{
  NoticeWait *wait = data;
  g_autofree char *notice = sesame_welcome_page_dup_notice (welcome_page (wait->window));

  return strstr (notice, wait->text) != NULL;
}

static SesameProbeReport *
report_with_router (const char *mac,
                    const char *subnet)
{
  SesameProbeReport *report = sesame_probe_report_new ();

  report->gateway = g_strdup ("192.168.11.1");
  report->gateway_mac = g_strdup (mac);
  report->subnet = g_strdup (subnet);
  report->finished_at = g_strdup ("2026-11-24T10:00:00+09:00");

  return report;
}

/* A different router than last time is noticed when the checks finish */
static void
test_router_changed (void)
{
  g_autoptr(SesameStore) store = store_with_seed_plan ();
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autoptr(SesamePlan) plan = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  g_autoptr(SesameProbeReport) before = report_with_router ("00:16:01:aa:bb:cc", "192.168.11.0/24");
  g_autofree char *before_json = sesame_probe_report_to_json (before);
  g_autofree char *notice = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GError) error = NULL;
  SesameWindow *window;
  GtkWidget *button;
  GtkWidget *headline;
  GtkWidget *expander;
  GtkWidget *details;

  g_assert_true (sesame_store_save_report (store, before_json, NULL, &error));
  g_assert_no_error (error);

  window = sesame_window_new (NULL, plan, catalog, session);
  sesame_probe_session_cancel (session);
  sesame_window_set_store (window, store, TRUE, NULL);
  gtk_window_present (GTK_WINDOW (window));

  /* The same router: nothing to say */
  sesame_probe_session_set_report (session, report_with_router ("00:16:01:aa:bb:cc", "192.168.11.0/24"));
  gui_test_wait_until (report_history_kept, (gpointer) sesame_store_get_report_path (store), 5000);
  notice = sesame_welcome_page_dup_notice (welcome_page (window));
  g_assert_cmpstr (notice, ==, "");
  g_clear_pointer (&notice, g_free);

  /* Another one */
  sesame_probe_session_set_report (session, report_with_router ("f0:18:98:11:22:33", "10.0.1.0/24"));
  gui_test_wait_until (notice_contains, &(NoticeWait) { window, "f0:18:98:11:22:33" }, 5000);
  notice = sesame_welcome_page_dup_notice (welcome_page (window));
  g_assert_nonnull (strstr (notice, "f0:18:98:11:22:33"));
  g_assert_nonnull (strstr (notice, "10.0.1.0/24"));

  /* Said in plain words; the addresses only behind the expander, closed */
  headline = gui_test_find (GTK_WIDGET (welcome_page (window)), GTK_TYPE_LABEL,
                            _("Your home network looks different since Sesame last checked it: the router seems to be a new one. If you replaced it, Sesame helps you set up the new one; your services stay as they are."));
  g_assert_nonnull (headline);
  g_assert_true (gui_test_is_shown (headline));
  expander = gui_test_find (GTK_WIDGET (welcome_page (window)), GTK_TYPE_EXPANDER, NULL);
  g_assert_nonnull (expander);
  g_assert_true (gui_test_is_shown (expander));
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (expander)));
  details = gtk_expander_get_child (GTK_EXPANDER (expander));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (details)), "f0:18:98:11:22:33"));
  gui_test_iterate (50);
  g_assert_false (gtk_widget_get_mapped (details));
  gui_test_screenshot (window, "router-changed");
  /* A long notice wraps; the window keeps its width */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 800);

  /* This run's results are kept for the next start */
  gui_test_wait_until (file_contains, &(FileWait) { sesame_store_get_report_path (store), "f0:18:98:11:22:33" }, 5000);
  kept = sesame_store_load_report (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (kept, NULL), "f0:18:98:11:22:33"));

  /* The notice offers the way on */
  button = gui_test_find (GTK_WIDGET (welcome_page (window)), GTK_TYPE_BUTTON,
                          gui_test_ui_is_japanese () ? "ルーターを交換した(_R)" : "I _Replaced My Router");
  g_assert_nonnull (button);
  g_assert_true (gui_test_is_shown (button));

  gui_test_close_window (window);
}

/* Another router of the same model: its name is not given as "was X, now X" */
static void
test_same_model_changes (void)
{
  g_autoptr(SesameProbeReport) before = report_with_router (NULL, "192.168.11.0/24");
  g_autoptr(SesameProbeReport) now = report_with_router (NULL, "192.168.11.0/24");
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *expected = NULL;

  before->upnp_found = now->upnp_found = TRUE;
  before->upnp_manufacturer = g_strdup ("Debian");
  now->upnp_manufacturer = g_strdup ("Debian");
  before->upnp_model = g_strdup ("natlab IGD");
  now->upnp_model = g_strdup ("natlab IGD");
  before->upnp_udn = g_strdup ("uuid:11111111-0000-0000-0000-000000000001");
  now->upnp_udn = g_strdup ("uuid:22222222-0000-0000-0000-000000000002");

  changes = sesame_probe_report_router_changes (before, now);
  g_assert_cmpuint (changes->len, ==, 1);
  expected = g_strdup_printf (_("Another router of the same model, “%s”, answers on the network."),
                              "Debian natlab IGD");
  g_assert_cmpstr (g_ptr_array_index (changes, 0), ==, expected);
}

/* The kept report is a regular file again and holds @text (reading a FIFO would block the test) */
static gboolean
regular_file_contains (gpointer data)
{
  FileWait *wait = data;
  GStatBuf st;

  return g_lstat (wait->path, &st) == 0 && S_ISREG (st.st_mode) && file_contains (data);
}

/* Saved results that are a FIFO neither freeze the window nor stay: they
 * are read in a worker thread through the store's reader, which refuses
 * what is not a regular file, moved aside, and this run's are kept */
static void
test_saved_report_fifo (void)
{
  g_autoptr(SesameStore) store = store_with_seed_plan ();
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autoptr(SesamePlan) plan = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  const char *path = sesame_store_get_report_path (store);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) listing = NULL;
  SesameWindow *window;
  const char *name;
  guint fifos_aside = 0;

  g_unlink (path);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);

  window = sesame_window_new (NULL, plan, catalog, session);
  sesame_probe_session_cancel (session);
  sesame_window_set_store (window, store, TRUE, NULL);
  gtk_window_present (GTK_WINDOW (window));

  sesame_probe_session_set_report (session, report_with_router ("00:16:01:aa:bb:cc", "192.168.11.0/24"));
  gui_test_wait_until (regular_file_contains, &(FileWait) { path, "00:16:01:aa:bb:cc" }, 5000);

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "probe-report.json.unreadable-"))
      {
        g_autofree char *aside = g_build_filename (dir, name, NULL);
        GStatBuf st;

        if (g_lstat (aside, &st) == 0 && S_ISFIFO (st.st_mode))
          fifos_aside++;
      }
  g_assert_cmpuint (fifos_aside, ==, 1);

  gui_test_close_window (window);
}

/* "I replaced my router": services kept, router and address asked again,
 * the plan as it was kept for the migration checklist */
static void
test_replace_router (void)
{
  g_autoptr(SesameStore) store = store_with_seed_plan ();
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autoptr(SesamePlan) plan = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  g_autofree char *services_before = g_strjoinv (",", (char **) sesame_plan_get_services (plan));
  g_autofree char *services_after = NULL;
  g_autofree char *router_before = g_strdup (sesame_plan_get_router_id (plan));
  SesamePlan *previous;
  SesameWindow *window;
  guint runs = 0;

  window = sesame_window_new (NULL, plan, catalog, session);
  sesame_probe_session_cancel (session);
  g_signal_connect (session, "notify::running", G_CALLBACK (count_runs), &runs);
  sesame_window_set_store (window, store, TRUE, NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (sesame_window_get_previous_plan (window));

  gui_test_activate (window, "replace-router");

  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "router");
  g_assert_cmpuint (runs, ==, 1);
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "generic");
  g_assert_null (sesame_plan_get_host_address (plan));
  services_after = g_strjoinv (",", (char **) sesame_plan_get_services (plan));
  g_assert_cmpstr (services_after, ==, services_before);

  previous = sesame_window_get_previous_plan (window);
  g_assert_nonnull (previous);
  g_assert_cmpstr (sesame_plan_get_router_id (previous), ==, router_before);
  g_assert_cmpstr (sesame_plan_get_host_address (previous), ==, "192.168.11.5");

  /* The router page asks for the new router; the way the home connects stays */
  g_assert_nonnull (gui_test_find (GTK_WIDGET (sesame_window_get_page (window, "router")), GTK_TYPE_LABEL,
                                   _("Choose your new router. Your services and the computer that serves stay as they were; the checklist then shows what to set up on the new router.")));
  g_assert_false (gui_test_action_enabled (window, "next"));
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_PPPOE);
  gui_test_screenshot (window, "replace-router");

  gui_test_close_window (window);
}

/* The new router on the same home network: the server's address and the
 * router's stay, only the router itself is asked for again */
static void
test_replace_router_same_network (void)
{
  g_autoptr(SesameStore) store = store_with_seed_plan ();
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autoptr(SesamePlan) plan = sesame_store_load_plan (store, catalog, NULL, NULL);
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  SesameWindow *window;

  window = sesame_window_new (NULL, plan, catalog, session);
  sesame_probe_session_cancel (session);
  sesame_probe_session_set_report (session, report_with_router ("f0:18:98:11:22:33", "192.168.11.0/24"));
  gtk_window_present (GTK_WINDOW (window));

  gui_test_activate (window, "replace-router");
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "router");
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "generic");
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.5");
  g_assert_cmpstr (sesame_plan_get_router_address (plan), ==, "192.168.11.1");
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_PPPOE);
  g_assert_false (gui_test_action_enabled (window, "next"));

  gui_test_close_window (window);
}

static gboolean
window_added (gpointer data)
{
  SesameWindow **window = data;

  return *window != NULL;
}

static void
on_window_added (GtkApplication  *app,
                 GtkWindow       *window,
                 SesameWindow   **result)
{
  *result = SESAME_WINDOW (window);
}

static gboolean
check_unreadable (gpointer data)
{
  SesameWindow **window = data;
  g_autofree char *notice = NULL;

  if (*window == NULL)
    return G_SOURCE_CONTINUE;

  notice = sesame_welcome_page_dup_notice (welcome_page (*window));
  g_assert_nonnull (strstr (notice, ".unreadable-"));
  g_assert_false (sesame_welcome_page_get_returning (welcome_page (*window)));
  gui_test_screenshot (*window, "unreadable");

  /* The new plan is saved; the broken file stays where it was moved */
  sesame_plan_set_host_name (sesame_window_get_plan (*window), "fresh-start");
  g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (*window))),
                                  "quit", NULL);

  return G_SOURCE_REMOVE;
}

/* The application moves an unreadable saved plan aside and says so; it is never overwritten */
static void
test_unreadable (void)
{
  g_autoptr(SesameApplication) app = sesame_application_new ();
  g_autoptr(SesameStore) store = sesame_store_new (NULL, NULL);
  g_autofree char *dir = g_path_get_dirname (sesame_store_get_plan_path (store));
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sesame", "--no-internet", NULL };
  SesameWindow *window = NULL;
  const char *name;
  gboolean found_aside = FALSE;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (sesame_store_get_plan_path (store), "{\"version\": 1, \"router\": ", -1, NULL));

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), &window);
  g_idle_add (check_unreadable, &window);
  /* check_unreadable runs once the window is there */
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 2, (char **) argv), ==, 0);
  g_assert_true (window_added (&window));

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (strstr (name, ".unreadable-") != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;

        g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
        g_assert_cmpstr (contents, ==, "{\"version\": 1, \"router\": ");
        found_aside = TRUE;
      }
  g_assert_true (found_aside);
}

void
gui_test_add_welcome_page_tests (void)
{
  g_test_add_func ("/gui/welcome/new", test_new);
  g_test_add_func ("/gui/welcome/servers", test_servers);
  g_test_add_func ("/gui/welcome/returning", test_returning);
  g_test_add_func ("/gui/welcome/autosave", test_autosave);
  g_test_add_func ("/gui/welcome/router-changed", test_router_changed);
  g_test_add_func ("/gui/welcome/saved-report-fifo", test_saved_report_fifo);
  g_test_add_func ("/gui/welcome/replace-router", test_replace_router);
  g_test_add_func ("/gui/welcome/replace-router-same-network", test_replace_router_same_network);
  g_test_add_func ("/gui/welcome/same-model-changes", test_same_model_changes);
  g_test_add_func ("/gui/welcome/unreadable", test_unreadable);
}
