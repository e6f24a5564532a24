/* test-host-page.c: the host page in the real window
 *
 * The window's own checks see nothing but loopback in the test namespace;
 * the tests stop them and give the session a report of their own, with
 * this computer on eth0 at 192.168.11.5/24.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-local-probe.h"
#include "sesame-address.h"
#include "sesame-host-page.h"

static SesameInterface *
interface_new (const char *name,
               const char *ipv4,
               gboolean    loopback)
{
  SesameInterface *interface = g_new0 (SesameInterface, 1);
  const char *addresses[] = { ipv4, NULL };

  interface->name = g_strdup (name);
  interface->ipv4 = g_strdupv ((char **) addresses);
  interface->up = TRUE;
  interface->loopback = loopback;

  return interface;
}

/* This computer on 192.168.11.0/24, its router at .1; @extra is another
 * interface's address (nullable) */
static SesameProbeReport *
report_new (const char *extra)
{
  SesameProbeReport *report = sesame_probe_report_new ();

  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("192.168.11.1");
  report->subnet = g_strdup ("192.168.11.0/24");
  sesame_probe_report_add_interface (report, interface_new ("lo", "127.0.0.1/8", TRUE));
  if (extra != NULL)
    sesame_probe_report_add_interface (report, interface_new ("wlan0", extra, FALSE));
  sesame_probe_report_add_interface (report, interface_new ("eth0", "192.168.11.5/24", FALSE));

  return report;
}

/* The window on the host page, its checks replaced by report_new () */
static SesameWindow *
open_with_report (const char          *plan_file,
                  SesameProbeSession **session)
{
  SesameWindow *window;

  *session = gui_test_session_new ();
  window = gui_test_open_window (plan_file, NULL, "host", *session);
  sesame_probe_session_cancel (*session);
  sesame_probe_session_set_report (*session, report_new (NULL));
  gui_test_iterate (50);

  return window;
}

static GtkWidget *
host_page (SesameWindow *window)
{
  GtkWidget *page = GTK_WIDGET (sesame_window_get_page (window, "host"));

  g_assert_true (SESAME_IS_HOST_PAGE (page));
  return page;
}

static SesamePlan *
window_plan (SesameWindow *window)
{
  return sesame_page_get_plan (SESAME_PAGE (host_page (window)));
}

/* The page's entry rows: the other computer's address, then the name */
static GtkWidget *
entry_row (SesameWindow *window,
           guint         index)
{
  g_autoptr(GPtrArray) rows = gui_test_find_all (host_page (window), ADW_TYPE_ENTRY_ROW, NULL);

  g_assert_cmpuint (rows->len, ==, 2);
  return g_ptr_array_index (rows, index);
}

/* The message a person sees under @row, in the same group; NULL if none */
static const char *
message_next_to (GtkWidget *row)
{
  GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
  g_autoptr(GPtrArray) labels = gui_test_find_all (group, GTK_TYPE_LABEL, NULL);
  const char *message = NULL;

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      /* Not the row's own title, nor the group's description */
      if (gtk_widget_get_mapped (label) &&
          gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER) != NULL &&
          !gtk_widget_is_ancestor (label, row))
        {
          g_assert_null (message);
          message = gtk_label_get_text (GTK_LABEL (label));
        }
    }

  return message;
}

static gboolean
is_error_next_to (GtkWidget *row)
{
  GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
  g_autoptr(GPtrArray) labels = gui_test_find_all (group, GTK_TYPE_LABEL, NULL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_get_mapped (label) && gtk_widget_has_css_class (label, "error"))
        return TRUE;
    }

  return FALSE;
}

/* For the screenshots: the advice is at the bottom */
static void
scroll_to_end (GtkWidget *page)
{
  GtkWidget *scrolled = gui_test_find (page, GTK_TYPE_SCROLLED_WINDOW, NULL);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  gui_test_iterate (50);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

static SesameHostOs
expected_os (void)
{
  g_autofree char *firewall_cmd = g_find_program_in_path ("firewall-cmd");

  if (g_file_test ("/usr/sbin/ufw", G_FILE_TEST_EXISTS))
    return SESAME_HOST_OS_LINUX_UFW;
  if (firewall_cmd != NULL)
    return SESAME_HOST_OS_LINUX_FIREWALLD;
  return SESAME_HOST_OS_LINUX_NFTABLES;
}

static GtkCheckButton *
choice_check (GtkWidget  *page,
              const char *address)
{
  GtkWidget *row = gui_test_find (page, ADW_TYPE_ACTION_ROW, address);

  g_assert_nonnull (row);
  g_assert_true (gui_test_is_shown (row));
  return GTK_CHECK_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)));
}

static GtkWidget *
shown_row_with_subtitle (GtkWidget  *page,
                         const char *needle)
{
  g_autoptr(GPtrArray) rows = gui_test_find_all (page, ADW_TYPE_ACTION_ROW, NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

      if (subtitle != NULL && strstr (subtitle, needle) != NULL && gui_test_is_shown (row))
        return row;
    }

  return NULL;
}

/* A new plan: this computer's address, system and name are taken */
static void
test_new_plan (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  GtkWidget *page = host_page (window);
  SesamePlan *plan = window_plan (window);

  g_assert_true (gtk_check_button_get_active (choice_check (page, "192.168.11.5")));
  g_assert_null (gui_test_find (page, ADW_TYPE_ACTION_ROW, "127.0.0.1"));
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.5");
  g_assert_cmpint (sesame_plan_get_host_os (plan), ==, expected_os ());
  if (g_utf8_strlen (g_get_host_name (), -1) <= 64)
    {
      g_assert_cmpstr (sesame_plan_get_host_name (plan), ==, g_get_host_name ());
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_row (window, 1))), ==, g_get_host_name ());
    }
  g_assert_true (sesame_page_get_complete (SESAME_PAGE (page)));
  g_assert_true (gui_test_action_enabled (window, "next"));
  g_assert_null (message_next_to (entry_row (window, 0)));
  gui_test_screenshot (window, "new");

  /* The settings to type in with a fixed address, as found on this network */
  g_assert_nonnull (shown_row_with_subtitle (page, "255.255.255.0"));
  g_assert_nonnull (shown_row_with_subtitle (page, "192.168.11.1"));

  gui_test_close_window (window);
}

/* New findings add choices but leave the person's own choice alone */
static void
test_refresh_keeps_choice (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  GtkWidget *page = host_page (window);
  SesamePlan *plan = window_plan (window);
  GtkWidget *manual = entry_row (window, 0);

  gui_test_type (manual, "192.168.11.30");
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.30");
  g_assert_false (gtk_check_button_get_active (choice_check (page, "192.168.11.5")));

  sesame_probe_session_set_report (session, report_new ("192.168.11.6/24"));
  gui_test_iterate (50);

  g_assert_false (gtk_check_button_get_active (choice_check (page, "192.168.11.6")));
  g_assert_false (gtk_check_button_get_active (choice_check (page, "192.168.11.5")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (manual)), ==, "192.168.11.30");
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.30");
  g_assert_true (sesame_page_get_complete (SESAME_PAGE (page)));

  /* Choosing a found address again */
  gtk_widget_activate (gui_test_find (page, ADW_TYPE_ACTION_ROW, "192.168.11.6"));
  gui_test_iterate (20);
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.6");

  gui_test_close_window (window);
}

/* Typing another computer's address: each mistake is explained next to the
 * field and holds the person back; a good address goes into the plan */
static void
test_manual_address (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  GtkWidget *page = host_page (window);
  SesamePlan *plan = window_plan (window);
  GtkWidget *manual = entry_row (window, 0);
  g_autofree char *not_address = NULL;
  const char *message;

  gui_test_type (manual, "192.168.11.300");
  message = message_next_to (manual);
  g_assert_nonnull (message);
  g_assert_true (is_error_next_to (manual));
  not_address = g_strdup (message);
  g_assert_false (sesame_page_get_complete (SESAME_PAGE (page)));
  g_assert_false (gui_test_action_enabled (window, "next"));
  /* The plan keeps the last good answer, never what is not an address */
  g_assert_true (sesame_ipv4_parse (sesame_plan_get_host_address (plan), NULL));
  gui_test_screenshot (window, "not-an-address");

  gui_test_type (manual, "8.8.8.8");
  message = message_next_to (manual);
  g_assert_nonnull (message);
  g_assert_true (is_error_next_to (manual));
  g_assert_nonnull (strstr (message, "8.8.8.8"));
  g_assert_cmpstr (message, !=, not_address);
  if (!gui_test_ui_is_japanese ())
    g_assert_nonnull (strstr (message, "not an address on a home network"));
  g_assert_false (gui_test_action_enabled (window, "next"));

  /* The router's network is known from the report */
  gui_test_type (manual, "192.168.1.20");
  message = message_next_to (manual);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "192.168.11.254"));
  g_assert_false (gui_test_action_enabled (window, "next"));

  gui_test_type (manual, "192.168.11.1");
  g_assert_true (is_error_next_to (manual));
  g_assert_false (gui_test_action_enabled (window, "next"));

  gui_test_type (manual, "192.168.11.20");
  g_assert_null (message_next_to (manual));
  g_assert_true (sesame_page_get_complete (SESAME_PAGE (page)));
  g_assert_true (gui_test_action_enabled (window, "next"));
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.20");

  gui_test_close_window (window);
}

/* The server needs a name */
static void
test_name (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  GtkWidget *page = host_page (window);
  GtkWidget *name = entry_row (window, 1);

  gui_test_type (name, "  ");
  g_assert_true (is_error_next_to (name));
  g_assert_false (gui_test_action_enabled (window, "next"));

  gui_test_type (name, "NAS");
  g_assert_false (is_error_next_to (name));
  g_assert_true (sesame_page_get_complete (SESAME_PAGE (page)));
  g_assert_cmpstr (sesame_plan_get_host_name (window_plan (window)), ==, "NAS");

  gui_test_close_window (window);
}

/* What this page put on the clipboard, or NULL */
static char *
clipboard_text (GtkWidget *widget)
{
  GdkContentProvider *content = gdk_clipboard_get_content (gtk_widget_get_clipboard (widget));
  g_auto(GValue) value = G_VALUE_INIT;

  if (content == NULL)
    return NULL;

  g_value_init (&value, G_TYPE_STRING);
  if (!gdk_content_provider_get_value (content, &value, NULL))
    return NULL;

  return g_value_dup_string (&value);
}

/* The seed plan's Buffalo BBR-4MG has no reservation page in the catalog:
 * the advice proposes a fixed address to set by hand, to copy */
static void
test_seed_by_hand (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", NULL, "host", NULL);
  GtkWidget *page = host_page (window);
  SesamePlan *plan = window_plan (window);
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (page));
  const SesameRouter *router = sesame_catalog_lookup_router (catalog, "buffalo-bbr-4mg");
  GtkWidget *reserve;
  GtkWidget *use;
  g_autofree char *copied = NULL;
  guint32 proposal;
  guint32 router_address;

  g_assert_nonnull (router);
  g_assert_null (router->reservation_page.en);
  g_assert_null (sesame_router_get_reservation_path (router, "en"));

  /* The plan's answers stay: a Mac, not this computer's system */
  g_assert_cmpint (sesame_plan_get_host_os (plan), ==, SESAME_HOST_OS_MACOS);
  g_assert_cmpstr (sesame_plan_get_host_name (plan), ==, "Mac mini");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_row (window, 0))), ==, "192.168.11.5");
  g_assert_true (sesame_page_get_complete (SESAME_PAGE (page)));

  reserve = gui_test_find (page, ADW_TYPE_ACTION_ROW, _("Reserve It on the Router"));
  g_assert_nonnull (reserve);
  g_assert_false (gui_test_is_shown (reserve));

  scroll_to_end (page);
  gui_test_screenshot (window, "seed");

  use = gui_test_find (page, GTK_TYPE_BUTTON, _("_Copy Address"));
  g_assert_nonnull (use);
  g_assert_true (gui_test_is_shown (use));
  gui_test_press (use);

  copied = clipboard_text (page);
  g_assert_nonnull (copied);
  g_assert_true (sesame_ipv4_parse (copied, &proposal));
  g_assert_true (sesame_ipv4_parse ("192.168.11.1", &router_address));
  g_assert_true (sesame_ipv4_same_subnet (proposal, router_address, 24));
  g_assert_cmpstr (copied, !=, "192.168.11.1");
  g_assert_cmpstr (copied, !=, "192.168.11.5");
  g_assert_nonnull (shown_row_with_subtitle (page, copied));

  /* Advice only: the server, its system and its name stay */
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.5");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_row (window, 0))), ==, "192.168.11.5");
  g_assert_cmpint (sesame_plan_get_host_os (plan), ==, SESAME_HOST_OS_MACOS);
  g_assert_cmpstr (sesame_plan_get_host_name (plan), ==, "Mac mini");
  g_assert_true (sesame_page_get_complete (SESAME_PAGE (page)));

  gui_test_close_window (window);
}

/* This computer serves: copying the proposed fixed address leaves it the
 * server, with the system found on it, rather than another computer at the
 * proposed address */
static void
test_copy_keeps_server (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  GtkWidget *page = host_page (window);
  SesamePlan *plan = window_plan (window);
  GtkCheckButton *manual = GTK_CHECK_BUTTON (gui_test_find (entry_row (window, 0), GTK_TYPE_CHECK_BUTTON, NULL));
  g_autofree char *name = g_strdup (sesame_plan_get_host_name (plan));
  GtkWidget *use = gui_test_find (page, GTK_TYPE_BUTTON, _("_Copy Address"));
  g_autofree char *copied = NULL;

  g_assert_true (gtk_check_button_get_active (choice_check (page, "192.168.11.5")));
  g_assert_nonnull (use);
  g_assert_true (gui_test_is_shown (use));
  gui_test_press (use);

  copied = clipboard_text (page);
  g_assert_nonnull (copied);
  g_assert_cmpstr (copied, ==, "192.168.11.200");
  g_assert_true (gtk_check_button_get_active (choice_check (page, "192.168.11.5")));
  g_assert_false (gtk_check_button_get_active (manual));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_row (window, 0))), ==, "");
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.5");
  g_assert_cmpint (sesame_plan_get_host_os (plan), ==, expected_os ());
  g_assert_cmpstr (sesame_plan_get_host_name (plan), ==, name);
  g_assert_true (sesame_page_get_complete (SESAME_PAGE (page)));
  /* Still on offer: nothing was taken */
  g_assert_true (gui_test_is_shown (use));
  scroll_to_end (page);
  gui_test_screenshot (window, "copy-address");

  gui_test_close_window (window);
}

static gboolean
session_running (gpointer data)
{
  return sesame_probe_session_get_running (data);
}

static gboolean
session_done (gpointer data)
{
  return !sesame_probe_session_get_running (data);
}

/* The notice across the window that the results are out of date */
static gboolean
stale_notice_shown (SesameWindow *window)
{
  GtkWidget *label = gui_test_find (GTK_WIDGET (window), GTK_TYPE_LABEL,
                                    _("Your network changed since Sesame checked it. The results may be out of date until the checks, running again now, are done."));
  GtkWidget *revealer;

  g_assert_nonnull (label);
  revealer = gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER);
  g_assert_nonnull (revealer);

  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

/* A network change while the wizard is open (a cable, Wi-Fi, a new router):
 * the results on screen are marked out of date and the checks run again,
 * and what they find then replaces them. Here the old results had this
 * computer on eth0; the namespace has only loopback. */
static void
test_network_change (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  GtkWidget *page = host_page (window);
  GtkWidget *status;

  g_assert_nonnull (gui_test_find (page, ADW_TYPE_ACTION_ROW, "192.168.11.5"));
  g_assert_false (sesame_probe_session_get_running (session));
  g_assert_false (sesame_probe_session_get_stale (session));
  g_assert_false (stale_notice_shown (window));

  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  gui_test_wait_until (session_running, session, 5000);
  g_assert_true (sesame_probe_session_get_stale (session));
  g_assert_true (stale_notice_shown (window));
  gui_test_iterate (300);
  gui_test_screenshot (window, "network-changed");

  gui_test_wait_until (session_done, session, 10000);
  g_assert_false (sesame_probe_session_get_stale (session));
  g_assert_false (stale_notice_shown (window));
  g_assert_null (gui_test_find (page, ADW_TYPE_ACTION_ROW, "192.168.11.5"));
  status = gui_test_find (page, ADW_TYPE_ACTION_ROW, _("No Home-Network Address Found"));
  g_assert_nonnull (status);
  g_assert_true (gui_test_is_shown (status));

  gui_test_close_window (window);
}

/* What a network monitor also calls a change (its own start, a route or an
 * address elsewhere) leaves the results standing: nothing flickers, no
 * check runs again, while the way to the router is the one they were made
 * on (here: this namespace, with only loopback, as the local probe sees it) */
static void
test_network_change_same_network (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  SesameProbeReport *now = sesame_probe_report_new ();

  sesame_local_probe_run (now);
  sesame_probe_session_set_report (session, now);
  gui_test_iterate (50);

  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  gui_test_iterate (1500);
  g_assert_false (sesame_probe_session_get_running (session));
  g_assert_false (sesame_probe_session_get_stale (session));
  g_assert_false (stale_notice_shown (window));

  gui_test_close_window (window);
}

/* A router with a reservation page: the advice names it and its menu, in
 * the language of the interface, as the catalog has them */
static void
test_reservation (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan-airport.json", NULL, "host", NULL);
  GtkWidget *page = host_page (window);
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (page));
  const char *language = gui_test_ui_is_japanese () ? "ja" : "en";
  const SesameRouter *router = sesame_catalog_lookup_router (catalog, "apple-airport-extreme");
  const char * const *path;
  g_autofree char *joined = NULL;
  GtkWidget *row;
  const char *subtitle;

  g_assert_nonnull (router);
  path = sesame_router_get_reservation_path (router, language);
  g_assert_nonnull (path);
  joined = g_strjoinv (" > ", (char **) path);

  row = shown_row_with_subtitle (page, sesame_text_get (&router->reservation_page, language));
  g_assert_nonnull (row);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, joined));
  g_assert_nonnull (strstr (subtitle, "10.0.1.5"));
  g_assert_nonnull (strstr (subtitle, sesame_text_get (&router->vendor, language)));
  scroll_to_end (page);
  gui_test_screenshot (window, "reservation");

  gui_test_close_window (window);
}

/* Tab reaches the address choices, both entries, the system and the advice */
static void
test_keyboard (void)
{
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window = open_with_report (NULL, &session);
  GtkWidget *page = host_page (window);
  g_autoptr(GPtrArray) chain = gui_test_focus_chain (window, 100);
  GtkWidget *use = gui_test_find (page, GTK_TYPE_BUTTON, _("_Copy Address"));

  g_assert_true (gui_test_chain_reaches (chain, gui_test_find (page, ADW_TYPE_ACTION_ROW, "192.168.11.5")));
  g_assert_true (gui_test_chain_reaches (chain, entry_row (window, 0)));
  g_assert_true (gui_test_chain_reaches (chain, entry_row (window, 1)));
  g_assert_true (gui_test_chain_reaches (chain, gui_test_find (page, ADW_TYPE_COMBO_ROW, NULL)));
  g_assert_nonnull (use);
  g_assert_true (gui_test_chain_reaches (chain, use));

  gui_test_close_window (window);
}

void
gui_test_add_host_page_tests (void)
{
  g_test_add_func ("/gui/host/new-plan", test_new_plan);
  g_test_add_func ("/gui/host/refresh-keeps-choice", test_refresh_keeps_choice);
  g_test_add_func ("/gui/host/manual-address", test_manual_address);
  g_test_add_func ("/gui/host/name", test_name);
  g_test_add_func ("/gui/host/seed-by-hand", test_seed_by_hand);
  g_test_add_func ("/gui/host/copy-keeps-server", test_copy_keeps_server);
  g_test_add_func ("/gui/host/reservation", test_reservation);
  g_test_add_func ("/gui/host/network-change", test_network_change);
  g_test_add_func ("/gui/host/network-change-same-network", test_network_change_same_network);
  g_test_add_func ("/gui/host/keyboard", test_keyboard);
}
