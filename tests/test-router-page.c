/* test-router-page.c: the router page in the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "gui-test-util.h"
#include "gui-tests.h"

static SesamePage *
router_page (SesameWindow *window)
{
  return sesame_window_get_page (window, "router");
}

static SesameCatalog *
catalog (SesameWindow *window)
{
  return sesame_page_get_catalog (router_page (window));
}

static const char *
ui_language (void)
{
  return gui_test_ui_is_japanese () ? "ja" : "en";
}

/* The title a router's row shows */
static const char *
router_title (SesameWindow *window,
              const char   *router_id)
{
  const SesameRouter *router = sesame_catalog_lookup_router (catalog (window), router_id);

  g_assert_nonnull (router);
  if (g_str_equal (router_id, "generic"))
    return _("I don’t know my router");

  return sesame_text_get (&router->model, ui_language ());
}

static GtkWidget *
find_row (SesameWindow *window,
          const char   *title)
{
  GtkWidget *row = gui_test_find (GTK_WIDGET (router_page (window)), ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return row;
}

static GtkWidget *
router_row (SesameWindow *window,
            const char   *router_id)
{
  return find_row (window, router_title (window, router_id));
}

/* The catalog's routers; "I don't know my router" is below, in a list of its own */
static GtkListBox *
router_list (SesameWindow *window)
{
  return GTK_LIST_BOX (gtk_widget_get_parent (router_row (window, "fritzbox")));
}

static GtkWidget *
connection_row (SesameWindow     *window,
                SesameConnection  connection)
{
  switch (connection)
    {
    case SESAME_CONNECTION_PPPOE: return find_row (window, _("PPPoE"));
    case SESAME_CONNECTION_DHCP: return find_row (window, _("Automatic address from the provider (DHCP)"));
    case SESAME_CONNECTION_STATIC: return find_row (window, _("Fixed address from the provider"));
    case SESAME_CONNECTION_MAP_E: return find_row (window, _("IPv4 over IPv6 (MAP-E)"));
    case SESAME_CONNECTION_DS_LITE: return find_row (window, _("IPv4 over IPv6 (DS-Lite)"));
    case SESAME_CONNECTION_UNKNOWN: return find_row (window, _("I don’t know"));
    default: g_assert_not_reached ();
    }
}

static gboolean
row_checked (GtkWidget *row)
{
  GtkWidget *check = gui_test_find (row, GTK_TYPE_CHECK_BUTTON, NULL);

  g_assert_nonnull (check);
  return gtk_check_button_get_active (GTK_CHECK_BUTTON (check));
}

/* Clicking or pressing Enter on a row */
static void
activate_row (GtkWidget *row)
{
  g_assert_true (gtk_widget_activate (row));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
search_entry (SesameWindow *window)
{
  GtkWidget *entry = gui_test_find (GTK_WIDGET (router_page (window)), GTK_TYPE_SEARCH_ENTRY, NULL);

  g_assert_nonnull (entry);
  return entry;
}

/* The ids of the routers the list shows, in order */
static GPtrArray *
shown_router_ids (SesameWindow *window)
{
  GPtrArray *ids = g_ptr_array_new ();
  GPtrArray *routers = sesame_catalog_get_routers (catalog (window));
  GtkListBox *list = router_list (window);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *title;

      if (!GTK_IS_LIST_BOX_ROW (row) || !gtk_widget_get_child_visible (row))
        continue;

      title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
      for (guint i = 0; i < routers->len; i++)
        {
          const SesameRouter *router = g_ptr_array_index (routers, i);

          if (g_str_equal (router_title (window, router->id), title))
            {
              g_ptr_array_add (ids, router->id);
              break;
            }
        }
    }

  return ids;
}

typedef struct
{
  SesameWindow *window;
  guint         count;
} ShownCount;

static gboolean
shows_count (gpointer data)
{
  ShownCount *wanted = data;
  g_autoptr(GPtrArray) ids = shown_router_ids (wanted->window);

  return ids->len == wanted->count;
}

static void
search (SesameWindow *window,
        const char   *text,
        guint         expected)
{
  ShownCount wanted = { window, expected };

  gui_test_type (search_entry (window), text);
  gui_test_wait_until (shows_count, &wanted, 2000);
}

static void
assert_shown (SesameWindow       *window,
              const char * const *expected)
{
  g_autoptr(GPtrArray) ids = shown_router_ids (window);

  g_ptr_array_add (ids, NULL);
  g_assert_cmpstrv ((const char * const *) ids->pdata, expected);
}

static SesameConnection
plan_connection (SesameWindow *window)
{
  return sesame_plan_get_connection (sesame_window_get_plan (window));
}

static const char *
plan_router (SesameWindow *window)
{
  return sesame_plan_get_router_id (sesame_window_get_plan (window));
}

static void
test_new_plan (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "router", NULL);
  SesamePage *page = router_page (window);

  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "router");
  g_assert_cmpstr (sesame_page_get_title (page), ==, _("Router"));

  /* Nothing answered yet: nothing is checked, and Next waits */
  g_assert_false (sesame_page_get_complete (page));
  g_assert_false (gui_test_action_enabled (window, "next"));
  g_assert_false (row_checked (router_row (window, "generic")));
  g_assert_false (row_checked (connection_row (window, SESAME_CONNECTION_UNKNOWN)));
  /* Typing searches at once */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), search_entry (window)));
  gui_test_screenshot (window, "new");

  /* A router alone is not enough */
  activate_row (router_row (window, "buffalo-wsr"));
  g_assert_true (row_checked (router_row (window, "buffalo-wsr")));
  g_assert_cmpstr (plan_router (window), ==, "buffalo-wsr");
  g_assert_false (sesame_page_get_complete (page));
  g_assert_false (gui_test_action_enabled (window, "next"));

  /* A connection type too, and the person may go on */
  activate_row (connection_row (window, SESAME_CONNECTION_MAP_E));
  g_assert_true (row_checked (connection_row (window, SESAME_CONNECTION_MAP_E)));
  g_assert_cmpint (plan_connection (window), ==, SESAME_CONNECTION_MAP_E);
  g_assert_true (sesame_page_get_complete (page));
  g_assert_true (gui_test_action_enabled (window, "next"));

  /* Changing their mind: one router, one connection at a time */
  activate_row (router_row (window, "fritzbox"));
  g_assert_false (row_checked (router_row (window, "buffalo-wsr")));
  g_assert_cmpstr (plan_router (window), ==, "fritzbox");

  /* Not knowing the connection type is an answer */
  activate_row (connection_row (window, SESAME_CONNECTION_UNKNOWN));
  g_assert_false (row_checked (connection_row (window, SESAME_CONNECTION_MAP_E)));
  g_assert_cmpint (plan_connection (window), ==, SESAME_CONNECTION_UNKNOWN);
  g_assert_true (sesame_page_get_complete (page));

  /* Back from the next page finds the answers as they were */
  gui_test_activate (window, "next");
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "host");
  gui_test_activate (window, "back");
  g_assert_true (row_checked (router_row (window, "fritzbox")));
  g_assert_true (row_checked (connection_row (window, SESAME_CONNECTION_UNKNOWN)));
  g_assert_true (gui_test_action_enabled (window, "next"));
  gui_test_screenshot (window, "chosen");

  gui_test_close_window (window);
}

static void
test_dont_know (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "router", NULL);

  activate_row (router_row (window, "buffalo-wsr"));
  activate_row (router_row (window, "generic"));
  g_assert_true (row_checked (router_row (window, "generic")));
  g_assert_false (row_checked (router_row (window, "buffalo-wsr")));
  g_assert_cmpstr (plan_router (window), ==, "generic");

  activate_row (connection_row (window, SESAME_CONNECTION_DHCP));
  g_assert_cmpint (plan_connection (window), ==, SESAME_CONNECTION_DHCP);
  g_assert_true (gui_test_action_enabled (window, "next"));

  gui_test_close_window (window);
}

static void
test_search (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "router", NULL);
  GPtrArray *routers = sesame_catalog_get_routers (catalog (window));
  const char * const airport[] = { "apple-airport-extreme", "apple-airport-legacy", NULL };
  const char * const buffalo[] = { "buffalo-bbr-4mg", "buffalo-airstation", "buffalo-wsr", NULL };
  const char * const fritz[] = { "fritzbox", NULL };
  const char * const nothing[] = { NULL };
  GtkWidget *empty;

  /* Every router but "I don't know" at first, and no empty state */
  {
    g_autoptr(GPtrArray) ids = shown_router_ids (window);

    g_assert_cmpuint (ids->len, ==, routers->len - 1);
    g_assert_false (g_ptr_array_find_with_equal_func (ids, "generic", g_str_equal, NULL));
  }
  empty = gui_test_find (GTK_WIDGET (router_page (window)), GTK_TYPE_LABEL, _("Try the maker’s name or the model printed on the router’s label. If yours is not listed, choose “I don’t know my router” below."));
  g_assert_nonnull (empty);
  g_assert_false (gtk_widget_get_mapped (empty));

  /* Models, in any case */
  search (window, "airport", 2);
  assert_shown (window, airport);
  search (window, "AirPort Extreme", 2);
  assert_shown (window, airport);

  /* Vendors in Japanese, also typed in hiragana or half-width katakana */
  search (window, "バッファロー", 3);
  assert_shown (window, buffalo);
  search (window, "ばっふぁろー", 3);
  assert_shown (window, buffalo);
  search (window, "ﾊﾞｯﾌｧﾛｰ", 3);
  assert_shown (window, buffalo);
  search (window, "BUFFALO", 3);
  assert_shown (window, buffalo);

  /* Japanese model names find the router in either interface language */
  search (window, "無線LANルーター 現行", 1);
  {
    const char * const wsr[] = { "buffalo-wsr", NULL };

    assert_shown (window, wsr);
  }

  /* Nothing found: say so, and point to "I don't know", which stays */
  search (window, "zzyzx", 0);
  assert_shown (window, nothing);
  g_assert_true (gtk_widget_get_mapped (empty));
  g_assert_true (gui_test_is_shown (router_row (window, "generic")));
  {
    g_autofree char *message = g_strdup_printf (_("No routers match “%s”"), "zzyzx");

    g_assert_nonnull (gui_test_find (GTK_WIDGET (router_page (window)), GTK_TYPE_LABEL, message));
  }
  gui_test_screenshot (window, "search-empty");

  /* Enter in the search chooses the first router found */
  search (window, "fritz", 1);
  assert_shown (window, fritz);
  g_assert_false (gtk_widget_get_mapped (empty));
  g_signal_emit_by_name (search_entry (window), "activate");
  g_assert_cmpstr (plan_router (window), ==, "fritzbox");
  g_assert_true (row_checked (router_row (window, "fritzbox")));

  /* Clearing the search brings every router back, the choice kept */
  search (window, "", routers->len - 1);
  g_assert_true (row_checked (router_row (window, "fritzbox")));

  gui_test_close_window (window);
}

static void
test_vendor_order (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "router", NULL);
  GtkListBox *list = router_list (window);
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();
  g_autoptr(GPtrArray) japan = g_ptr_array_new ();
  GPtrArray *routers = sesame_catalog_get_routers (catalog (window));
  const char *first_japanese_vendor = NULL;
  gboolean seen_global = FALSE;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *header;

      if (!GTK_IS_LIST_BOX_ROW (row) || (header = gtk_list_box_row_get_header (GTK_LIST_BOX_ROW (row))) == NULL)
        continue;
      g_assert_true (GTK_IS_LABEL (header));
      g_ptr_array_add (headers, (gpointer) gtk_label_get_text (GTK_LABEL (header)));
    }

  /* One header per vendor */
  g_assert_cmpuint (headers->len, >, 10);

  for (guint i = 0; i < routers->len; i++)
    {
      const SesameRouter *router = g_ptr_array_index (routers, i);

      if (router->japan)
        {
          g_ptr_array_add (japan, (gpointer) sesame_text_get (&router->vendor, ui_language ()));
          if (first_japanese_vendor == NULL)
            first_japanese_vendor = sesame_text_get (&router->vendor, ui_language ());
        }
    }
  g_assert_nonnull (first_japanese_vendor);

  if (gui_test_ui_is_japanese ())
    {
      /* The routers common in Japan first, the most common (Buffalo) on top */
      g_assert_cmpstr (g_ptr_array_index (headers, 0), ==, "バッファロー");
      g_assert_cmpstr (g_ptr_array_index (headers, 0), ==, first_japanese_vendor);
      for (guint i = 0; i < headers->len; i++)
        {
          gboolean is_japan = g_ptr_array_find_with_equal_func (japan, g_ptr_array_index (headers, i), g_str_equal, NULL);

          if (!is_japan)
            seen_global = TRUE;
          else
            g_assert_false (seen_global);
        }
      g_assert_true (seen_global);
    }
  else
    {
      /* Alphabetical: Apple before Buffalo before NEC, wherever they sell */
      g_assert_cmpstr (g_ptr_array_index (headers, 0), ==, "Apple");
      for (guint i = 1; i < headers->len; i++)
        g_assert_cmpint (g_ascii_strcasecmp (g_ptr_array_index (headers, i - 1), g_ptr_array_index (headers, i)), <, 0);
    }

  gui_test_close_window (window);
}

static void
test_seed_plan (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "router", NULL);

  /* The plan's answers, shown as chosen */
  g_assert_true (row_checked (router_row (window, "buffalo-bbr-4mg")));
  g_assert_false (row_checked (router_row (window, "generic")));
  g_assert_true (row_checked (connection_row (window, SESAME_CONNECTION_PPPOE)));
  g_assert_true (sesame_page_get_complete (router_page (window)));
  g_assert_true (gui_test_action_enabled (window, "next"));
  gui_test_screenshot (window, "seed");

  /* A plan changed elsewhere is shown again when the page comes back */
  gui_test_activate (window, "next");
  sesame_plan_set_router_id (sesame_window_get_plan (window), "nec-aterm");
  sesame_plan_set_connection (sesame_window_get_plan (window), SESAME_CONNECTION_DS_LITE);
  gui_test_activate (window, "back");
  g_assert_true (row_checked (router_row (window, "nec-aterm")));
  g_assert_false (row_checked (router_row (window, "buffalo-bbr-4mg")));
  g_assert_true (row_checked (connection_row (window, SESAME_CONNECTION_DS_LITE)));
  g_assert_false (row_checked (connection_row (window, SESAME_CONNECTION_PPPOE)));

  gui_test_close_window (window);
}

/* A window on the router page whose checks reported @report */
static SesameWindow *
open_with_report (const char         *plan_file,
                  SesameProbeSession *session)
{
  SesameWindow *window = gui_test_open_window (plan_file, "en", "router", session);

  /* Only the report the test gives */
  sesame_probe_session_cancel (session);
  return window;
}

static SesameProbeReport *
upnp_report (const char *catalog_id,
             const char *manufacturer,
             const char *model,
             const char *gateway)
{
  SesameProbeReport *report = sesame_probe_report_new ();

  report->gateway = g_strdup (gateway);
  report->upnp_found = TRUE;
  report->upnp_catalog_id = g_strdup (catalog_id);
  report->upnp_manufacturer = g_strdup (manufacturer);
  report->upnp_model = g_strdup (model);

  return report;
}

static GtkWidget *
use_button (SesameWindow *window)
{
  GtkWidget *button = gui_test_find (GTK_WIDGET (router_page (window)), GTK_TYPE_BUTTON, _("Use This Router"));

  g_assert_nonnull (button);
  return button;
}

static void
test_detected (void)
{
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  SesameWindow *window = open_with_report (NULL, session);
  SesamePlan *plan = sesame_window_get_plan (window);
  g_autofree char *answered = g_strdup_printf (_("Your router answered as “%s”."), "NEC Aterm WX3000HP");
  GtkWidget *detected;

  g_assert_null (gui_test_find (GTK_WIDGET (router_page (window)), ADW_TYPE_ACTION_ROW, "NEC Aterm WX3000HP"));

  sesame_probe_session_set_report (session, upnp_report ("nec-aterm", "NEC", "Aterm WX3000HP", "192.168.10.1"));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* Chosen for the person, and saying so */
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "nec-aterm");
  g_assert_true (row_checked (router_row (window, "nec-aterm")));
  detected = gui_test_find (GTK_WIDGET (router_page (window)), GTK_TYPE_LABEL, answered);
  g_assert_nonnull (detected);
  g_assert_true (gui_test_is_shown (detected));
  g_assert_false (gui_test_is_shown (use_button (window)));
  /* The checklist opens the router's admin page at its own address */
  g_assert_cmpstr (sesame_plan_get_router_address (plan), ==, "192.168.10.1");
  gui_test_screenshot (window, "detected");
  /* The connection is still the person's to say */
  g_assert_false (sesame_page_get_complete (router_page (window)));
  activate_row (connection_row (window, SESAME_CONNECTION_PPPOE));
  g_assert_true (sesame_page_get_complete (router_page (window)));

  /* Until the person chooses, a better finding replaces it */
  sesame_probe_session_set_report (session, upnp_report ("buffalo-wsr", "BUFFALO", "WSR-1800AX4", "192.168.11.1"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "buffalo-wsr");
  /* The address the plan has stays */
  g_assert_cmpstr (sesame_plan_get_router_address (plan), ==, "192.168.10.1");

  /* Clicking the router Sesame chose makes it the person's choice */
  activate_row (router_row (window, "buffalo-wsr"));
  sesame_probe_session_set_report (session, upnp_report ("nec-aterm", "NEC", "Aterm WX3000HP", "192.168.10.1"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "buffalo-wsr");

  /* So is choosing another one */
  activate_row (router_row (window, "fritzbox"));
  sesame_probe_session_set_report (session, upnp_report ("nec-aterm", "NEC", "Aterm WX3000HP", "192.168.10.1"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "fritzbox");
  g_assert_true (row_checked (router_row (window, "fritzbox")));
  g_assert_false (row_checked (router_row (window, "nec-aterm")));

  /* …and the detected one is one click away */
  g_assert_true (gui_test_is_shown (use_button (window)));
  gtk_widget_grab_focus (use_button (window));
  gui_test_screenshot (window, "detected-other");
  g_signal_emit_by_name (use_button (window), "clicked");
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "nec-aterm");
  g_assert_true (row_checked (router_row (window, "nec-aterm")));
  g_assert_false (gui_test_is_shown (use_button (window)));

  gui_test_close_window (window);
}

/* A report whose IPv6 address names the line's IPv4 transition */
static SesameProbeReport *
ipv6_report (const char *address)
{
  SesameProbeReport *report = sesame_probe_report_new ();
  GPtrArray *addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_ipv6_address_free);
  SesameIpv6Address *entry = g_new0 (SesameIpv6Address, 1);

  entry->address = g_strdup (address);
  entry->prefix_length = 64;
  entry->interface = g_strdup ("eth0");
  g_ptr_array_add (addresses, entry);
  report->gateway = g_strdup ("192.168.11.1");
  sesame_probe_report_set_ipv6_addresses (report, addresses);

  return report;
}

/* The connection type proposed from the line's IPv6 address, with the
 * reason, until the person chooses; never over their choice */
static void
test_connection_proposed (void)
{
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  SesameWindow *window = open_with_report (NULL, session);
  SesamePlan *plan = sesame_window_get_plan (window);
  g_autofree char *mape = g_strdup_printf (_("Sesame chose IPv4 over IPv6 (MAP-E) from this computer’s IPv6 address %s: it belongs to %s, which shares the IPv4 address %s among several lines and gives this one %u ports. Choose another if you know better."),
                                           "240b:10:1234:5600::5", "v6プラス (JPIX)", "106.72.18.52", 240);
  g_autofree char *dslite = NULL;
  g_autoptr(SesameProbeReport) transix = ipv6_report ("2409:10:1234:5600::5");

  sesame_probe_session_set_report (session, ipv6_report ("240b:10:1234:5600::5"));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* MAP-E, saying why, and the checklist gets the line's prefix */
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_MAP_E);
  g_assert_true (row_checked (connection_row (window, SESAME_CONNECTION_MAP_E)));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (
                     gtk_widget_get_ancestor (connection_row (window, SESAME_CONNECTION_MAP_E), ADW_TYPE_PREFERENCES_GROUP))),
                   ==, mape);
  g_assert_cmpstr (sesame_plan_get_ipv6_prefix (plan), ==, "240b:10:1234:5600::/64");

  /* Until the person chooses, a newer finding replaces it */
  dslite = g_strdup_printf (_("Sesame chose IPv4 over IPv6 (DS-Lite) from this computer’s IPv6 address %s, which belongs to %s. Choose another if you know better."),
                            "2409:10:1234:5600::5", transix->transition->provider);
  sesame_probe_session_set_report (session, ipv6_report ("2409:10:1234:5600::5"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_DS_LITE);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (
                     gtk_widget_get_ancestor (connection_row (window, SESAME_CONNECTION_DS_LITE), ADW_TYPE_PREFERENCES_GROUP))),
                   ==, dslite);

  /* The person's choice stands */
  activate_row (connection_row (window, SESAME_CONNECTION_PPPOE));
  sesame_probe_session_set_report (session, ipv6_report ("240b:10:1234:5600::5"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_PPPOE);
  g_assert_true (row_checked (connection_row (window, SESAME_CONNECTION_PPPOE)));
  g_assert_null (gui_test_find (GTK_WIDGET (router_page (window)), GTK_TYPE_LABEL, mape));

  gui_test_close_window (window);
}

static void
test_detected_not_over_plan (void)
{
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  SesameWindow *window = open_with_report ("seed-plan.json", session);

  /* The plan's router is a choice already made */
  sesame_probe_session_set_report (session, upnp_report ("nec-aterm", "NEC", "Aterm WX3000HP", "192.168.10.1"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (plan_router (window), ==, "buffalo-bbr-4mg");
  g_assert_true (row_checked (router_row (window, "buffalo-bbr-4mg")));
  g_assert_true (gui_test_is_shown (use_button (window)));
  g_assert_cmpstr (sesame_plan_get_router_address (sesame_window_get_plan (window)), ==, "192.168.11.1");

  gui_test_close_window (window);
}

static void
test_detected_gateway (void)
{
  g_autoptr(SesameProbeSession) session = gui_test_session_new ();
  SesameWindow *window = open_with_report (NULL, session);
  SesameProbeReport *report = sesame_probe_report_new ();
  g_autofree char *guess = g_strdup_printf (_("Probably your router: your network uses %s, the address this router has when new."),
                                            "192.168.178.1");

  /* No UPnP answer, but the factory address of exactly one router */
  report->gateway = g_strdup ("192.168.178.1");
  sesame_probe_session_set_report (session, report);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_cmpstr (plan_router (window), ==, "fritzbox");
  g_assert_true (row_checked (router_row (window, "fritzbox")));
  g_assert_true (gui_test_is_shown (gui_test_find (GTK_WIDGET (router_page (window)), GTK_TYPE_LABEL, guess)));

  /* An address many routers use says nothing */
  report = sesame_probe_report_new ();
  report->gateway = g_strdup ("192.168.1.1");
  sesame_probe_session_set_report (session, report);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (plan_router (window), ==, "fritzbox");

  /* Going on with the router Sesame chose is choosing it */
  activate_row (connection_row (window, SESAME_CONNECTION_DHCP));
  gui_test_activate (window, "next");
  sesame_probe_session_set_report (session, upnp_report ("nec-aterm", "NEC", "Aterm WX3000HP", "192.168.10.1"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (plan_router (window), ==, "fritzbox");
  gui_test_activate (window, "back");
  g_assert_true (row_checked (router_row (window, "fritzbox")));
  g_assert_true (gui_test_is_shown (use_button (window)));

  gui_test_close_window (window);
}

/* Down arrow from the first row visits every row of @list, in order */
static void
assert_arrows_visit_all (SesameWindow *window,
                         GtkListBox   *list)
{
  GtkWidget *root = gtk_widget_get_first_child (GTK_WIDGET (list));
  guint rows = 0;

  g_assert_true (GTK_IS_LIST_BOX_ROW (root));
  g_assert_true (gtk_widget_grab_focus (root));

  for (GtkWidget *row = root; row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      if (!GTK_IS_LIST_BOX_ROW (row) || !gtk_widget_get_child_visible (row))
        continue;

      g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == row);
      rows++;
      g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
    }

  g_assert_cmpuint (rows, >, 1);
}

/* The Down arrow as the search entry's own key handlers see it */
static gboolean
press_down (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
    }

  return handled;
}

static void
test_keyboard (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "router", NULL);
  g_autoptr(GPtrArray) chain = gui_test_focus_chain (window, 200);
  GtkListBox *connections = GTK_LIST_BOX (gtk_widget_get_parent (connection_row (window, SESAME_CONNECTION_PPPOE)));
  GtkWidget *row;

  /* Tab reaches the search, the routers and the connection types */
  g_assert_true (gui_test_chain_reaches (chain, search_entry (window)));
  g_assert_true (gui_test_chain_reaches (chain, GTK_WIDGET (router_list (window))));
  g_assert_true (gui_test_chain_reaches (chain, router_row (window, "generic")));
  g_assert_true (gui_test_chain_reaches (chain, GTK_WIDGET (connections)));

  /* Arrows walk every row of both lists */
  assert_arrows_visit_all (window, router_list (window));
  assert_arrows_visit_all (window, connections);

  /* Enter (or space) on the focused row chooses it */
  row = router_row (window, "yamaha-rtx");
  g_assert_true (gtk_widget_grab_focus (row));
  g_signal_emit_by_name (router_list (window), "activate-cursor-row");
  g_assert_cmpstr (plan_router (window), ==, "yamaha-rtx");

  row = connection_row (window, SESAME_CONNECTION_STATIC);
  g_assert_true (gtk_widget_grab_focus (row));
  g_signal_emit_by_name (connections, "activate-cursor-row");
  g_assert_cmpint (plan_connection (window), ==, SESAME_CONNECTION_STATIC);

  /* Down from the search goes to the first router found */
  search (window, "openwrt", 1);
  g_assert_true (press_down (search_entry (window)));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == router_row (window, "openwrt"));

  gui_test_close_window (window);
}

/* The page scrolls as one: the router list has no scrolled window of its
 * own to take the wheel, and it is one Tab stop, on the chosen router,
 * with the arrow keys inside it */
static void
test_one_scroll_one_stop (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "router", NULL);
  GtkWidget *page = GTK_WIDGET (router_page (window));
  GtkWidget *list = GTK_WIDGET (router_list (window));
  g_autoptr(GPtrArray) scrollers = gui_test_find_all (page, GTK_TYPE_SCROLLED_WINDOW, NULL);
  g_autoptr(GPtrArray) chain = NULL;
  GtkWidget *chosen = router_row (window, "buffalo-bbr-4mg");
  guint stops = 0;
  int natural;

  gui_test_iterate (200);
  g_assert_cmpuint (scrollers->len, ==, 1);
  g_assert_true (gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW) == g_ptr_array_index (scrollers, 0));
  /* Every router is laid out in the page, none cut off by a window of its own */
  gtk_widget_measure (list, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (list), NULL, &natural, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_height (list), >=, natural);

  chain = gui_test_focus_chain (window, 200);
  for (guint i = 0; i < chain->len; i++)
    {
      GtkWidget *focus = g_ptr_array_index (chain, i);

      if (focus == list || gtk_widget_is_ancestor (focus, list))
        {
          stops++;
          /* Entered on the router of the plan */
          g_assert_true (focus == chosen);
        }
    }
  g_assert_cmpuint (stops, ==, 1);
  g_assert_true (gui_test_chain_reaches (chain, search_entry (window)));
  g_assert_true (gui_test_chain_reaches (chain, router_row (window, "generic")));

  /* Down moves to the next router, and the focused router is scrolled into sight */
  g_assert_true (gtk_widget_grab_focus (chosen));
  g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) != chosen);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), list));
  gui_test_iterate (100);
  gui_test_screenshot (window, "one-scroll");

  gui_test_close_window (window);
}

void
gui_test_add_router_page_tests (void)
{
  g_test_add_func ("/gui/router/new-plan", test_new_plan);
  g_test_add_func ("/gui/router/dont-know", test_dont_know);
  g_test_add_func ("/gui/router/search", test_search);
  g_test_add_func ("/gui/router/vendor-order", test_vendor_order);
  g_test_add_func ("/gui/router/seed-plan", test_seed_plan);
  g_test_add_func ("/gui/router/detected", test_detected);
  g_test_add_func ("/gui/router/detected-not-over-plan", test_detected_not_over_plan);
  g_test_add_func ("/gui/router/connection-proposed", test_connection_proposed);
  g_test_add_func ("/gui/router/detected-gateway", test_detected_gateway);
  g_test_add_func ("/gui/router/keyboard", test_keyboard);
  g_test_add_func ("/gui/router/one-scroll-one-stop", test_one_scroll_one_stop);
}
