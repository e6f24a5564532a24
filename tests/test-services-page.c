/* test-services-page.c: the services page in the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-services-page.h"

static SesamePage *
services_page (SesameWindow *window)
{
  return sesame_window_get_page (window, "services");
}

static SesamePlan *
window_plan (SesameWindow *window)
{
  return sesame_page_get_plan (services_page (window));
}

/* The row of a catalog service, found by its name as shown */
static GtkWidget *
service_row (SesameWindow *window,
             const char   *id)
{
  SesamePage *page = services_page (window);
  const SesameService *service = sesame_catalog_lookup_service (sesame_page_get_catalog (page), id);
  GtkWidget *row;

  g_assert_nonnull (service);
  row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_PREFERENCES_ROW, _(service->name));
  g_assert_nonnull (row);

  return row;
}

static GtkCheckButton *
service_check (SesameWindow *window,
               const char   *id)
{
  GtkWidget *check = gui_test_find (service_row (window, id), GTK_TYPE_CHECK_BUTTON, NULL);

  g_assert_nonnull (check);

  return GTK_CHECK_BUTTON (check);
}

/* Whether the row shows a label with exactly @text, shown */
static gboolean
row_shows (GtkWidget  *row,
           const char *text)
{
  GtkWidget *label = gui_test_find (row, GTK_TYPE_LABEL, text);

  return label != NULL && gui_test_is_shown (label);
}

static gboolean
row_has_icon (GtkWidget  *row,
              const char *icon_name)
{
  g_autoptr(GPtrArray) images = gui_test_find_all (row, GTK_TYPE_IMAGE, NULL);

  for (guint i = 0; i < images->len; i++)
    if (g_strcmp0 (gtk_image_get_icon_name (g_ptr_array_index (images, i)), icon_name) == 0)
      return TRUE;

  return FALSE;
}

/* The widget of @type named @name in the page's template */
static GtkWidget *
page_child (SesameWindow *window,
            const char   *name,
            GType         type)
{
  GtkWidget *widget = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (services_page (window)),
                                                                   SESAME_TYPE_SERVICES_PAGE, name);

  g_assert_nonnull (widget);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (widget, type));

  return widget;
}

static GtkWidget *
add_button (SesameWindow *window)
{
  GtkWidget *button = gui_test_find (GTK_WIDGET (services_page (window)), GTK_TYPE_BUTTON, _("_Add Port"));

  g_assert_nonnull (button);

  return button;
}

/* The message shown under the field, or NULL when it shows none */
static const char *
field_error (SesameWindow *window,
             const char   *field)
{
  g_autofree char *row_name = g_strdup_printf ("%s_error_row", field);
  g_autofree char *label_name = g_strdup_printf ("%s_error_label", field);
  g_autofree char *field_name = g_strdup_printf ("%s_row", field);
  GtkWidget *row = page_child (window, row_name, GTK_TYPE_LIST_BOX_ROW);
  GtkWidget *entry = page_child (window, field_name, ADW_TYPE_ENTRY_ROW);

  if (!gui_test_is_shown (row))
    {
      g_assert_false (gtk_widget_has_css_class (entry, "error"));
      return NULL;
    }

  g_assert_true (gtk_widget_has_css_class (entry, "error"));

  return gtk_label_get_text (GTK_LABEL (page_child (window, label_name, GTK_TYPE_LABEL)));
}

static void
type_into (SesameWindow *window,
           const char   *field,
           const char   *text)
{
  g_autofree char *field_name = g_strdup_printf ("%s_row", field);

  gui_test_type (page_child (window, field_name, ADW_TYPE_ENTRY_ROW), text);
}

/* The page's form is at the bottom: show it whole */
static void
scroll_to_end (SesameWindow *window)
{
  GtkWidget *scrolled = gui_test_find (GTK_WIDGET (services_page (window)), GTK_TYPE_SCROLLED_WINDOW, NULL);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  gui_test_iterate (50);
  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

static void
test_new_plan (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "services", NULL);
  SesamePage *page = services_page (window);
  SesamePlan *plan = window_plan (window);
  GtkWidget *ssh_row = service_row (window, "ssh");
  GtkCheckButton *ssh = service_check (window, "ssh");
  GtkCheckButton *http = service_check (window, "http");

  /* Nothing chosen: no way on */
  g_assert_false (sesame_page_get_complete (page));
  g_assert_false (gui_test_action_enabled (window, "next"));
  g_assert_false (gtk_check_button_get_active (ssh));
  gui_test_screenshot (window, "new");

  /* Activating the row (Enter, a click) ticks it and writes the plan */
  g_signal_emit_by_name (ssh_row, "activate");
  g_assert_true (gtk_check_button_get_active (ssh));
  g_assert_true (sesame_plan_has_service (plan, "ssh"));
  g_assert_true (sesame_page_get_complete (page));
  g_assert_true (gui_test_action_enabled (window, "next"));

  /* The check button itself too */
  gtk_widget_activate (GTK_WIDGET (http));
  g_assert_true (sesame_plan_has_service (plan, "http"));
  gtk_widget_activate (GTK_WIDGET (http));
  g_assert_false (sesame_plan_has_service (plan, "http"));
  g_assert_true (sesame_page_get_complete (page));

  /* Unticking the last one leaves the page incomplete again */
  gtk_widget_activate (GTK_WIDGET (ssh));
  g_assert_false (sesame_plan_has_service (plan, "ssh"));
  g_assert_cmpuint (g_strv_length ((char **) sesame_plan_get_services (plan)), ==, 0);
  g_assert_false (sesame_page_get_complete (page));
  g_assert_false (gui_test_action_enabled (window, "next"));

  gui_test_close_window (window);
}

static void
test_seed_plan (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "services", NULL);
  SesamePage *page = services_page (window);
  const char * const *services = sesame_plan_get_services (window_plan (window));
  GtkWidget *rule_row;

  /* Every service of the plan is ticked, and nothing else */
  g_assert_cmpuint (g_strv_length ((char **) services), >, 0);
  for (guint i = 0; services[i] != NULL; i++)
    g_assert_true (gtk_check_button_get_active (service_check (window, services[i])));
  g_assert_false (g_strv_contains (services, "https"));
  g_assert_false (gtk_check_button_get_active (service_check (window, "https")));

  /* Its port added by hand is listed */
  rule_row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Game server");
  g_assert_nonnull (rule_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (rule_row)), ==, "UDP 27015-27016");

  g_assert_true (sesame_page_get_complete (page));
  g_assert_true (gui_test_action_enabled (window, "next"));

  /* Ticking a service on the same ports marks the rule */
  g_assert_false (gtk_widget_has_css_class (rule_row, "warning"));
  gtk_widget_activate (GTK_WIDGET (service_check (window, "cs2")));
  rule_row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Game server");
  g_assert_true (gtk_widget_has_css_class (rule_row, "warning"));
  g_assert_true (row_has_icon (rule_row, "dialog-warning-symbolic"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (rule_row)),
                            _("Counter-Strike 2 / Source dedicated server")));
  gtk_widget_activate (GTK_WIDGET (service_check (window, "cs2")));
  rule_row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Game server");
  g_assert_false (gtk_widget_has_css_class (rule_row, "warning"));

  /* The search entry has the focus, ready for typing */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         page_child (window, "search_entry", GTK_TYPE_SEARCH_ENTRY)));
  gui_test_screenshot (window, "seed");

  gui_test_close_window (window);
}

typedef struct
{
  GtkWidget *shown;
  GtkWidget *hidden;
} SearchCheck;

static gboolean
search_applied (gpointer data)
{
  SearchCheck *check = data;

  return gui_test_is_shown (check->shown) && !gui_test_is_shown (check->hidden);
}

static void
search_for (SesameWindow *window,
            const char   *text,
            GtkWidget    *shown,
            GtkWidget    *hidden)
{
  SearchCheck check = { shown, hidden };

  gui_test_type (page_child (window, "search_entry", GTK_TYPE_SEARCH_ENTRY), text);
  /* The search entry waits for a pause in typing */
  gui_test_wait_until (search_applied, &check, 2000);
}

static void
test_search (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "services", NULL);
  GtkWidget *ssh = service_row (window, "ssh");
  GtkWidget *http = service_row (window, "http");
  GtkWidget *syncthing = service_row (window, "syncthing");
  GtkWidget *empty_page = page_child (window, "empty_page", ADW_TYPE_STATUS_PAGE);
  GtkWidget *custom_group = page_child (window, "custom_group", ADW_TYPE_PREFERENCES_GROUP);

  g_assert_true (gui_test_is_shown (ssh));
  g_assert_true (gui_test_is_shown (http));
  g_assert_false (gui_test_is_shown (empty_page));

  /* By name, in any case */
  search_for (window, "SSH", ssh, http);
  g_assert_false (gui_test_is_shown (syncthing));
  /* Only the category with a match is left */
  g_assert_false (gui_test_is_shown (gtk_widget_get_ancestor (http, ADW_TYPE_PREFERENCES_GROUP)));

  /* By port number: 22 is SSH, not Syncthing's 22000 */
  search_for (window, "22", ssh, http);
  g_assert_false (gui_test_is_shown (syncthing));
  gui_test_screenshot (window, "search");

  /* Enter goes to the first service found */
  g_signal_emit_by_name (page_child (window, "search_entry", GTK_TYPE_SEARCH_ENTRY), "activate");
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == ssh);

  /* By a port inside a range: 16390 is one of iChat's */
  search_for (window, "16390", service_row (window, "ichat"), ssh);
  /* By a range, typed with a Japanese input method's full-width digits */
  search_for (window, "２０-２２", ssh, http);
  g_assert_true (gui_test_is_shown (service_row (window, "ftp")));

  /* Nothing found: say so, and keep the way to add a port by hand */
  search_for (window, "no such service", empty_page, ssh);
  g_assert_true (gui_test_is_shown (custom_group));

  /* Escape clears the search and everything comes back */
  g_signal_emit_by_name (page_child (window, "search_entry", GTK_TYPE_SEARCH_ENTRY), "stop-search");
  search_for (window, "", http, empty_page);
  g_assert_true (gui_test_is_shown (ssh));
  g_assert_true (gui_test_is_shown (syncthing));

  gui_test_close_window (window);
}

/* The line saying @text, with its icon */
static void
assert_mark (SesameWindow *window,
             const char   *service_id,
             char         *text,
             const char   *icon_name)
{
  GtkWidget *label = gui_test_find (service_row (window, service_id), GTK_TYPE_LABEL, text);
  GtkWidget *icon;

  g_assert_nonnull (label);
  g_assert_true (gui_test_is_shown (label));

  /* Not colour alone: an icon beside the words */
  icon = gtk_widget_get_prev_sibling (label);
  g_assert_true (GTK_IS_IMAGE (icon));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, icon_name);

  g_free (text);
}

static void
test_port_marks (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "services", NULL);

  assert_mark (window, "afp",
               g_strdup_printf (_("Forwarded to this computer: %s"), "TCP 548"),
               "network-transmit-receive-symbolic");
  assert_mark (window, "mdns",
               g_strdup_printf (_("Home network only, never forwarded: %s"), "UDP 5353"),
               "user-home-symbolic");
  assert_mark (window, "ftp",
               g_strdup_printf (_("Outgoing only, nothing to forward: %s"), "TCP 20"),
               "send-to-symbolic");
  assert_mark (window, "telnet",
               g_strdup_printf (_("Not forwarded, because it is unsafe: %s"), "TCP 23"),
               "action-unavailable-symbolic");

  gui_test_close_window (window);
}

static void
test_risk_warnings (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "services", NULL);
  SesameCatalog *catalog = sesame_page_get_catalog (services_page (window));
  const SesameService *vnc = sesame_catalog_lookup_service (catalog, "vnc");
  const SesameService *rdp = sesame_catalog_lookup_service (catalog, "rdp");
  const SesameService *ssh = sesame_catalog_lookup_service (catalog, "ssh");
  const char *not_forwarded = _("Sesame will not forward this service: it is not safe on the internet.");

  /* Risky: why, and what is safer, right in the row */
  g_assert_cmpint (vnc->risk, ==, SESAME_RISK_RISKY);
  g_assert_true (row_shows (service_row (window, "vnc"), _(vnc->risk_note)));
  g_assert_true (row_shows (service_row (window, "vnc"), _(vnc->instead)));
  g_assert_false (row_shows (service_row (window, "vnc"), not_forwarded));

  /* Dangerous: also that it will not be forwarded */
  g_assert_cmpint (rdp->risk, ==, SESAME_RISK_DANGEROUS);
  g_assert_true (row_shows (service_row (window, "rdp"), not_forwarded));
  g_assert_true (row_shows (service_row (window, "rdp"), _(rdp->risk_note)));
  g_assert_true (row_shows (service_row (window, "rdp"), _(rdp->instead)));

  /* And a safe one has no warning */
  g_assert_cmpint (ssh->risk, ==, SESAME_RISK_NONE);
  g_assert_false (row_has_icon (service_row (window, "ssh"), "dialog-warning-symbolic"));
  g_assert_true (row_has_icon (service_row (window, "vnc"), "dialog-warning-symbolic"));

  gui_test_close_window (window);
}

static void
test_rule_errors (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "services", NULL);
  GtkWidget *add = add_button (window);
  g_autofree char *expected = NULL;
  const char *message;

  /* An empty form shows no errors, but cannot be added */
  g_assert_null (field_error (window, "name"));
  g_assert_null (field_error (window, "external"));
  g_assert_null (field_error (window, "internal"));
  g_assert_false (gtk_widget_get_sensitive (add));

  type_into (window, "name", "Web admin");
  g_assert_null (field_error (window, "name"));

  /* Not a port */
  type_into (window, "external", "70000");
  message = field_error (window, "external");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "70000"));
  g_assert_false (gtk_widget_get_sensitive (add));

  type_into (window, "external", "abc");
  g_assert_nonnull (field_error (window, "external"));
  g_assert_false (gtk_widget_get_sensitive (add));

  /* Enter does not add it either */
  g_signal_emit_by_name (page_child (window, "external_row", ADW_TYPE_ENTRY_ROW), "entry-activated");
  g_assert_cmpuint (sesame_plan_get_custom_rules (window_plan (window))->len, ==, 1);

  /* A reversed range */
  type_into (window, "external", "9000-8000");
  expected = g_strdup_printf (_("“%s” is reversed: put the smaller port first, such as 8000-9000."),
                              "9000-8000");
  g_assert_cmpstr (field_error (window, "external"), ==, expected);
  g_assert_false (gtk_widget_get_sensitive (add));

  /* Fixed: the error goes away and the rule can be added */
  type_into (window, "external", "8000-8010");
  g_assert_null (field_error (window, "external"));
  g_assert_true (gtk_widget_get_sensitive (add));

  /* A range of another length on this computer */
  type_into (window, "internal", "80");
  g_assert_nonnull (field_error (window, "internal"));
  g_assert_false (gtk_widget_get_sensitive (add));
  type_into (window, "internal", "9000-9010");
  g_assert_null (field_error (window, "internal"));
  g_assert_true (gtk_widget_get_sensitive (add));
  type_into (window, "internal", "");

  /* The port of a ticked service (SSH, TCP) */
  type_into (window, "external", "22");
  message = field_error (window, "external");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, _("Remote login (SSH and SFTP)")));
  g_assert_false (gtk_widget_get_sensitive (add));

  /* On UDP the same number is free */
  adw_combo_row_set_selected (ADW_COMBO_ROW (page_child (window, "protocol_row", ADW_TYPE_COMBO_ROW)),
                              SESAME_RULE_PROTOCOL_UDP);
  g_assert_null (field_error (window, "external"));
  g_assert_true (gtk_widget_get_sensitive (add));

  /* Another rule's ports, on the same protocol */
  type_into (window, "external", "27016");
  message = field_error (window, "external");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Game server"));

  /* Every field at fault at once, for the screenshot: a name in use,
   * a taken port, and a range of another length */
  type_into (window, "name", "game SERVER");
  g_assert_nonnull (field_error (window, "name"));
  type_into (window, "internal", "80-81");
  g_assert_nonnull (field_error (window, "internal"));
  g_assert_false (gtk_widget_get_sensitive (add));
  scroll_to_end (window);
  gui_test_screenshot (window, "rule-errors");

  /* An emptied name says what is missing */
  type_into (window, "name", "");
  g_assert_nonnull (field_error (window, "name"));

  gui_test_close_window (window);
}

static void
test_add_remove_rule (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "services", NULL);
  SesamePage *page = services_page (window);
  GPtrArray *rules = sesame_plan_get_custom_rules (window_plan (window));
  const SesameCustomRule *rule;
  GtkWidget *row;
  GtkWidget *remove;
  g_autofree char *remove_label = NULL;

  g_assert_false (sesame_page_get_complete (page));

  type_into (window, "name", "  Web admin ");
  type_into (window, "external", "8080");
  type_into (window, "internal", "80");
  g_assert_true (gtk_widget_get_sensitive (add_button (window)));

  /* Enter in a field adds it, as the button does */
  g_signal_emit_by_name (page_child (window, "internal_row", ADW_TYPE_ENTRY_ROW), "entry-activated");

  g_assert_cmpuint (rules->len, ==, 1);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmpstr (rule->name, ==, "Web admin");
  g_assert_cmpint (rule->protocol, ==, SESAME_RULE_PROTOCOL_TCP);
  g_assert_cmpuint (rule->external.first, ==, 8080);
  g_assert_cmpuint (rule->external.last, ==, 8080);
  g_assert_cmpuint (rule->internal.first, ==, 80);
  g_assert_true (sesame_page_get_complete (page));
  g_assert_true (gui_test_action_enabled (window, "next"));

  /* The form is empty again, without complaining about it */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (window, "name_row", ADW_TYPE_ENTRY_ROW))), ==, "");
  g_assert_null (field_error (window, "name"));
  g_assert_null (field_error (window, "external"));
  g_assert_false (gtk_widget_get_sensitive (add_button (window)));

  /* Listed, with a remove button that says what it removes */
  row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Web admin");
  g_assert_nonnull (row);
  g_assert_true (gui_test_is_shown (row));
  remove = gui_test_find (row, GTK_TYPE_BUTTON, NULL);
  g_assert_nonnull (remove);
  remove_label = g_strdup_printf (_("Remove “%s”"), "Web admin");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (remove), ==, remove_label);

  /* A second one, with a range */
  type_into (window, "name", "Games");
  adw_combo_row_set_selected (ADW_COMBO_ROW (page_child (window, "protocol_row", ADW_TYPE_COMBO_ROW)),
                              SESAME_RULE_PROTOCOL_BOTH);
  type_into (window, "external", "27000-27005");
  g_signal_emit_by_name (add_button (window), "clicked");
  g_assert_cmpuint (rules->len, ==, 2);
  rule = g_ptr_array_index (rules, 1);
  g_assert_cmpint (rule->protocol, ==, SESAME_RULE_PROTOCOL_BOTH);
  g_assert_cmpuint (rule->internal.last, ==, 27005);
  g_assert_nonnull (gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Games"));
  gui_test_screenshot (window, "rules");

  /* Removing the first leaves the second, and keeps the focus on the list */
  row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Web admin");
  g_signal_emit_by_name (gui_test_find (row, GTK_TYPE_BUTTON, NULL), "clicked");
  g_assert_cmpuint (rules->len, ==, 1);
  g_assert_cmpstr (((SesameCustomRule *) g_ptr_array_index (rules, 0))->name, ==, "Games");
  g_assert_null (gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Web admin"));
  g_assert_true (sesame_page_get_complete (page));

  /* Removing the last leaves nothing to go on with */
  row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Games");
  g_signal_emit_by_name (gui_test_find (row, GTK_TYPE_BUTTON, NULL), "clicked");
  g_assert_cmpuint (rules->len, ==, 0);
  g_assert_null (gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Games"));
  g_assert_false (sesame_page_get_complete (page));
  g_assert_false (gui_test_action_enabled (window, "next"));

  gui_test_close_window (window);
}

/* A port typed into the form but not added is never dropped: Next adds a
 * valid one; one that is not finished keeps Next off, saying why */
static void
test_pending_rule (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "services", NULL);
  GPtrArray *rules = sesame_plan_get_custom_rules (window_plan (window));
  GtkWidget *status = page_child (window, "form_status_label", GTK_TYPE_LABEL);
  const SesameCustomRule *rule;

  g_assert_false (gui_test_action_enabled (window, "next"));
  g_assert_false (gui_test_is_shown (status));

  /* Started, not finished: Next stays off, and the page says why */
  type_into (window, "name", "Game server");
  g_assert_false (gui_test_action_enabled (window, "next"));
  g_assert_nonnull (field_error (window, "external"));
  g_assert_true (gui_test_is_shown (status));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==,
                   _("This port is not complete yet, so Next stays off. Fix what is marked above, add the port, or empty its fields to go on without it."));

  /* Finished, not added: Next adds it */
  adw_combo_row_set_selected (ADW_COMBO_ROW (page_child (window, "protocol_row", ADW_TYPE_COMBO_ROW)),
                              SESAME_RULE_PROTOCOL_UDP);
  type_into (window, "external", "27015");
  g_assert_true (gui_test_action_enabled (window, "next"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==,
                   _("Next adds this port to your plan, as Add Port does."));
  scroll_to_end (window);
  gui_test_screenshot (window, "pending-rule");
  g_assert_cmpuint (rules->len, ==, 0);

  /* Back keeps it in the form, without adding it */
  gui_test_activate (window, "back");
  g_assert_cmpuint (rules->len, ==, 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "go-to", g_variant_new_string ("services"));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "services");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (window, "external_row", ADW_TYPE_ENTRY_ROW))), ==, "27015");

  gui_test_activate (window, "next");
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "checks");
  g_assert_cmpuint (rules->len, ==, 1);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmpstr (rule->name, ==, "Game server");
  g_assert_cmpint (rule->protocol, ==, SESAME_RULE_PROTOCOL_UDP);
  g_assert_cmpuint (rule->external.first, ==, 27015);
  g_assert_cmpuint (rule->external.last, ==, 27015);

  /* Back again: the port is in the list, the form empty */
  gui_test_activate (window, "back");
  g_assert_nonnull (gui_test_find (GTK_WIDGET (services_page (window)), ADW_TYPE_ACTION_ROW, "Game server"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (window, "external_row", ADW_TYPE_ENTRY_ROW))), ==, "");
  g_assert_false (gui_test_is_shown (status));

  gui_test_close_window (window);
}

static void
test_keyboard (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "services", NULL);
  g_autoptr(GPtrArray) chain = gui_test_focus_chain (window, 500);
  g_autoptr(GPtrArray) checks = NULL;
  guint n_checks = 0;

  g_assert_true (gui_test_chain_reaches (chain, page_child (window, "search_entry", GTK_TYPE_SEARCH_ENTRY)));
  g_assert_true (gui_test_chain_reaches (chain, page_child (window, "name_row", ADW_TYPE_ENTRY_ROW)));
  g_assert_true (gui_test_chain_reaches (chain, page_child (window, "protocol_row", ADW_TYPE_COMBO_ROW)));
  g_assert_true (gui_test_chain_reaches (chain, page_child (window, "external_row", ADW_TYPE_ENTRY_ROW)));
  g_assert_true (gui_test_chain_reaches (chain, page_child (window, "internal_row", ADW_TYPE_ENTRY_ROW)));
  g_assert_true (gui_test_chain_reaches (chain, gui_test_find (gui_test_find (GTK_WIDGET (services_page (window)),
                                                                     ADW_TYPE_ACTION_ROW, "Game server"),
                                                      GTK_TYPE_BUTTON, NULL)));

  /* Each service's check button, in every category */
  checks = gui_test_find_all (GTK_WIDGET (services_page (window)), GTK_TYPE_CHECK_BUTTON, NULL);
  for (guint i = 0; i < checks->len; i++)
    if (gui_test_chain_reaches (chain, g_ptr_array_index (checks, i)))
      n_checks++;
  g_assert_cmpuint (n_checks, >, 0);
  g_assert_true (gui_test_chain_reaches (chain, GTK_WIDGET (service_check (window, "ssh"))));
  g_assert_true (gui_test_chain_reaches (chain, GTK_WIDGET (service_check (window, "dhcp"))));

  gui_test_close_window (window);
}

void
gui_test_add_services_page_tests (void)
{
  g_test_add_func ("/gui/services/new-plan", test_new_plan);
  g_test_add_func ("/gui/services/seed-plan", test_seed_plan);
  g_test_add_func ("/gui/services/search", test_search);
  g_test_add_func ("/gui/services/port-marks", test_port_marks);
  g_test_add_func ("/gui/services/risk-warnings", test_risk_warnings);
  g_test_add_func ("/gui/services/rule-errors", test_rule_errors);
  g_test_add_func ("/gui/services/add-remove-rule", test_add_remove_rule);
  g_test_add_func ("/gui/services/pending-rule", test_pending_rule);
  g_test_add_func ("/gui/services/keyboard", test_keyboard);
}
