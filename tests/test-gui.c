/* test-gui.c: the wizard as an application, driven through its actions
 * (run under xvfb-run, in a network namespace of its own: tests/netns-run)
 *
 * The UI language comes from the environment (LANGUAGE=ja for Japanese);
 * the report language from --lang, as a person would give it. Every page
 * is saved as a PNG in the test's build directory:
 *   gui-<page>-ui_<UI language>-report_<report language>.png
 * Each page's own tests are in test-<page>-page.c and register from main().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-application.h"
#include "sesame-checklist-page.h"
#include "sesame-gui.h"
#include "sesame-preferences-window.h"
#include "sesame-reflector-servers.h"
#include "sesame-window.h"

typedef struct
{
  const char   *report_language;
  const char   *start_page;       /* nullable */
  SesameWindow *window;           /* unowned */
  gboolean      checked;
} Fixture;

static void
save_screenshot (Fixture *fixture)
{
  g_autofree char *tag = g_strdup_printf ("report_%s", fixture->report_language);

  gui_test_screenshot (fixture->window, tag);
}

static gboolean
action_enabled (Fixture    *fixture,
                const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), name);
}

static void
check_walk (Fixture *fixture)
{
  static const char * const expected_order[] = {
    "welcome", "router", "host", "services", "checks", "checklist", NULL
  };
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  SesamePage *checklist_page;
  g_autofree char *text = NULL;
  guint steps = 0;

  g_assert_cmpstr (sesame_window_get_page_name (fixture->window), ==, "welcome");

  /* The first page: no way back, always complete */
  g_assert_false (action_enabled (fixture, "back"));
  g_assert_true (action_enabled (fixture, "next"));

  /* Walk with Next and record the page order */
  g_ptr_array_add (order, (gpointer) sesame_window_get_page_name (fixture->window));
  save_screenshot (fixture);
  while (action_enabled (fixture, "next"))
    {
      g_assert_cmpuint (++steps, <, 10);
      g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "next", NULL);
      g_ptr_array_add (order, (gpointer) sesame_window_get_page_name (fixture->window));
      g_assert_true (action_enabled (fixture, "back"));
      save_screenshot (fixture);
    }
  g_ptr_array_add (order, NULL);
  g_assert_cmpstrv ((const char * const *) order->pdata, expected_order);

  /* Next led to the checklist, rendered in the report language */
  g_assert_cmpstr (sesame_window_get_page_name (fixture->window), ==, "checklist");
  checklist_page = sesame_window_get_page (fixture->window, "checklist");
  g_assert_true (sesame_page_get_complete (checklist_page));
  text = sesame_checklist_page_dup_text (SESAME_CHECKLIST_PAGE (checklist_page));
  if (g_str_equal (fixture->report_language, "ja"))
    {
      g_assert_nonnull (strstr (text, "アドレス変換"));
      g_assert_nonnull (strstr (text, "ルーターの設定"));
    }
  else
    {
      /* The English checklist names the router's Japanese screens too */
      g_assert_nonnull (strstr (text, "Router settings: Address Translation"));
      g_assert_null (strstr (text, "ルーターの設定"));
    }

  /* And Back returns, page by page, to the start */
  for (guint i = steps; i > 0; i--)
    {
      g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "back", NULL);
      g_assert_cmpstr (sesame_window_get_page_name (fixture->window), ==, expected_order[i - 1]);
    }
  g_assert_false (action_enabled (fixture, "back"));
}

static void
check_start_page (Fixture *fixture)
{
  g_assert_cmpstr (sesame_window_get_page_name (fixture->window), ==, fixture->start_page);
  g_assert_true (action_enabled (fixture, "back"));
  g_assert_false (action_enabled (fixture, "next"));
}

/* Ctrl+? opens the shortcuts window: every shortcut that names an action
 * shows the keys the application gives that action, and none is missing */
static void
check_shortcuts_window (GtkApplication *app)
{
  static const char * const listed[] = {
    "win.next", "win.back", "app.preferences", "app.shortcuts", "app.quit", NULL
  };
  GtkWidget *shortcuts_window;
  g_autoptr(GPtrArray) shortcuts = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  shortcuts_window = GTK_WIDGET (gui_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_nonnull (shortcuts_window);

  shortcuts = gui_test_find_all (shortcuts_window, GTK_TYPE_SHORTCUTS_SHORTCUT, NULL);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *action_name = NULL;
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) keys = NULL;
      g_autofree char *expected = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i),
                    "action-name", &action_name, "accelerator", &accelerator, NULL);
      if (action_name == NULL)
        continue;

      keys = gtk_application_get_accels_for_action (app, action_name);
      g_assert_nonnull (keys[0]);
      expected = g_strjoinv (" ", keys);
      g_assert_cmpstr (accelerator, ==, expected);
      g_ptr_array_add (seen, g_steal_pointer (&action_name));
    }
  g_ptr_array_add (seen, NULL);
  for (guint i = 0; listed[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) seen->pdata, listed[i]));

  gtk_window_destroy (GTK_WINDOW (shortcuts_window));
}

static gboolean
run_checks (gpointer user_data)
{
  Fixture *fixture = user_data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (fixture->window));
  g_autofree char **back_accels = NULL;

  /* The keyboard shortcuts are there */
  back_accels = gtk_application_get_accels_for_action (app, "win.back");
  g_assert_true (g_strv_contains ((const char * const *) back_accels, "<Alt>Left"));
  check_shortcuts_window (app);

  if (fixture->start_page != NULL)
    check_start_page (fixture);
  else
    check_walk (fixture);

  fixture->checked = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 Fixture        *fixture)
{
  g_assert_true (SESAME_IS_WINDOW (window));
  g_assert_null (fixture->window);

  fixture->window = SESAME_WINDOW (window);
  g_idle_add (run_checks, fixture);
}

static void
run_app (Fixture *fixture)
{
  g_autoptr(SesameApplication) app = sesame_application_new ();
  g_autofree char *plan = g_test_build_filename (G_TEST_DIST, "data", "seed-plan.json", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status;

  g_ptr_array_add (argv, (gpointer) "sesame");
  g_ptr_array_add (argv, (gpointer) "--plan");
  g_ptr_array_add (argv, plan);
  g_ptr_array_add (argv, (gpointer) "--lang");
  g_ptr_array_add (argv, (gpointer) fixture->report_language);
  g_ptr_array_add (argv, (gpointer) "--no-internet");
  if (fixture->start_page != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--page");
      g_ptr_array_add (argv, (gpointer) fixture->start_page);
    }
  g_ptr_array_add (argv, NULL);

  /* No session bus under xvfb-run: stay a single, unregistered instance */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), fixture);

  status = g_application_run (G_APPLICATION (app), (int) argv->len - 1, (char **) argv->pdata);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (fixture->checked);
}

static void
test_walk_en (void)
{
  Fixture fixture = { .report_language = "en" };

  run_app (&fixture);
}

static void
test_walk_ja (void)
{
  Fixture fixture = { .report_language = "ja" };

  run_app (&fixture);
}

static void
test_start_page (void)
{
  Fixture fixture = { .report_language = "en", .start_page = "checklist" };

  run_app (&fixture);
}

static gboolean
has_text (const char *text)
{
  return text != NULL && *text != '\0';
}

/* What a screen reader can call @widget: its own accessible label, the
 * text it shows, or the title of the row it sits in (rows name their
 * switches, check buttons and entries) */
static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkWidget *ancestor = widget;

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;

  /* A button is "labelled by" its child even when that is an icon: that names nothing */
  if (!GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (widget) &&
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;

  /* A menu button's own toggle: named by the menu button */
  if (GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    return has_accessible_name (gtk_widget_get_parent (widget));

  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget))
    {
      GtkWidget *label = gui_test_find (widget, GTK_TYPE_LABEL, NULL);

      if ((GTK_IS_BUTTON (widget) && has_text (gtk_button_get_label (GTK_BUTTON (widget)))) ||
          (GTK_IS_MENU_BUTTON (widget) && has_text (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)))) ||
          (label != NULL && has_text (gtk_label_get_text (GTK_LABEL (label)))))
        return TRUE;
    }

  if (GTK_IS_CHECK_BUTTON (widget) && has_text (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget))))
    return TRUE;

  for (guint depth = 0; ancestor != NULL && depth < 8; depth++, ancestor = gtk_widget_get_parent (ancestor))
    {
      if (ancestor != widget &&
          (gtk_test_accessible_has_property (GTK_ACCESSIBLE (ancestor), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
           gtk_test_accessible_has_relation (GTK_ACCESSIBLE (ancestor), GTK_ACCESSIBLE_RELATION_LABELLED_BY)) &&
          (GTK_IS_EDITABLE (ancestor) || GTK_IS_DROP_DOWN (ancestor)))
        return TRUE;
      if (ADW_IS_PREFERENCES_ROW (ancestor) &&
          has_text (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (ancestor))))
        return TRUE;
      if (GTK_IS_EDITABLE (ancestor) && GTK_IS_ENTRY (ancestor) &&
          has_text (gtk_entry_get_placeholder_text (GTK_ENTRY (ancestor))))
        return TRUE;
    }

  return FALSE;
}

static gboolean
needs_name (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_TEXT (widget) ||
         GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SCALE (widget);
}

static void
audit (GtkWidget *root,
       GString   *missing,
       guint     *checked)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;

      if (needs_name (child))
        (*checked)++;

      if (needs_name (child) && !has_accessible_name (child))
        {
          GtkWidget *parent = gtk_widget_get_parent (child);

          g_string_append_printf (missing, "  %s in %s (tooltip: %s)\n",
                                  G_OBJECT_TYPE_NAME (child),
                                  parent != NULL ? G_OBJECT_TYPE_NAME (parent) : "nothing",
                                  gtk_widget_get_tooltip_text (child) ? gtk_widget_get_tooltip_text (child) : "none");
        }

      audit (child, missing, checked);
    }
}

/* Every control of every page can be named by a screen reader */
static void
test_accessible_names (void)
{
  static const char * const pages[] = { "welcome", "router", "host", "services", "checks", "checklist" };
  static const char * const plans[] = { "seed-plan.json", NULL };

  /* The audit itself: an icon alone names nothing */
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
    g_autoptr(GString) missing = g_string_new (NULL);
    guint checked = 0;

    g_object_ref_sink (box);
    gtk_box_append (GTK_BOX (box), gtk_button_new_from_icon_name ("edit-copy-symbolic"));
    gtk_box_append (GTK_BOX (box), gtk_button_new_with_label ("Copy"));
    audit (box, missing, &checked);
    g_assert_cmpuint (checked, ==, 2);
    g_assert_nonnull (strstr (missing->str, "GtkButton in GtkBox"));
    /* …the labelled one is fine */
    g_assert_null (strchr (strchr (missing->str, '\n') + 1, '\n'));
    g_object_unref (box);
  }

  for (guint p = 0; p < G_N_ELEMENTS (plans); p++)
    {
      SesameWindow *window = gui_test_open_window (plans[p], NULL, NULL, NULL);

      for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
        {
          g_autoptr(GString) missing = g_string_new (NULL);
          guint checked = 0;

          g_assert_true (sesame_window_set_page (window, pages[i]));
          gui_test_iterate (50);
          audit (GTK_WIDGET (window), missing, &checked);
          g_test_message ("%s page: %u controls", pages[i], checked);
          /* Long texts wrap: no page widens the window */
          g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 800);
          g_assert_cmpuint (checked, >=, 4);
          if (missing->len > 0)
            g_error ("Controls without an accessible name on the %s page (plan %s):\n%s",
                     pages[i], plans[p] ? plans[p] : "new", missing->str);
        }

      gui_test_close_window (window);
    }
}

/* From the first page to the checklist with the keyboard alone: Tab to a
 * control, then Enter or space on it, or typing into it */
static void
test_keyboard_walk (void)
{
  SesameWindow *window = gui_test_open_window (NULL, NULL, NULL, NULL);
  SesamePlan *plan = sesame_window_get_plan (window);
  const char *next = g_dpgettext2 (GETTEXT_PACKAGE, "wizard", "_Next");
  g_autofree char *text = NULL;
  GtkWidget *focus;

  gui_test_press (gui_test_tab_to (window, _("_Start")));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "router");

  /* Next waits for the answers */
  g_assert_false (gui_test_action_enabled (window, "next"));
  gui_test_press (gui_test_tab_to (window, _("I don’t know my router")));
  gui_test_press (gui_test_tab_to (window, _("PPPoE")));
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_PPPOE);
  gui_test_press (gui_test_tab_to (window, next));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "host");

  /* Nothing found on this namespace's network: type the address */
  focus = gui_test_tab_to (window, _("Server Address"));
  g_assert_true (GTK_IS_EDITABLE (focus));
  gui_test_type (focus, "192.168.1.20");
  gui_test_press (gui_test_tab_to (window, next));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "services");
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.1.20");

  g_assert_false (gui_test_action_enabled (window, "next"));
  gui_test_press (gui_test_tab_to (window, _("Remote login (SSH and SFTP)")));
  g_assert_true (sesame_plan_has_service (plan, "ssh"));
  gui_test_press (gui_test_tab_to (window, next));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "checks");

  gui_test_press (gui_test_tab_to (window, next));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "checklist");

  /* The checklist forwards SSH to the address typed */
  text = sesame_checklist_page_dup_text (SESAME_CHECKLIST_PAGE (sesame_window_get_page (window, "checklist")));
  g_assert_nonnull (strstr (text, "192.168.1.20"));
  g_assert_nonnull (strstr (text, "22"));

  /* And Back is a Tab away too */
  gui_test_press (gui_test_tab_to (window, g_dpgettext2 (GETTEXT_PACKAGE, "wizard", "_Back")));
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "checks");

  gui_test_close_window (window);
}

/* The preferences: what is typed is checked before it reaches the settings */
static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.opensesame.Sesame");
  g_auto(GStrv) stun = NULL;
  g_autofree char *check_url = NULL;
  GtkWidget *window = sesame_preferences_window_new (settings);
  GtkWidget *entry;
  GtkWidget *error;
  GtkWidget *remove;

  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  /* One row per configured server */
  g_assert_nonnull (gui_test_find (window, ADW_TYPE_ACTION_ROW, "stun.stunprotocol.org:3478"));

  /* A bad server: the reason under the field, the settings untouched */
  entry = gui_test_find (window, ADW_TYPE_ENTRY_ROW, gui_test_ui_is_japanese () ? "STUNサーバーを追加" : "Add a STUN server");
  g_assert_nonnull (entry);
  gui_test_type (entry, "stun server.example");
  g_signal_emit_by_name (entry, "apply");
  stun = g_settings_get_strv (settings, "stun-servers");
  g_assert_cmpuint (g_strv_length (stun), ==, 2);
  g_clear_pointer (&stun, g_strfreev);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  error = gui_test_find (window, GTK_TYPE_LABEL, "“stun server.example” is not a STUN server; use HOST or HOST:PORT");
  if (!gui_test_ui_is_japanese ())
    {
      g_assert_nonnull (error);
      g_assert_true (gui_test_is_shown (error));
    }

  /* A good one is added, and listed */
  gui_test_type (entry, "127.0.0.1:3478");
  g_signal_emit_by_name (entry, "apply");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  stun = g_settings_get_strv (settings, "stun-servers");
  g_assert_true (g_strv_contains ((const char * const *) stun, "127.0.0.1:3478"));
  g_clear_pointer (&stun, g_strfreev);
  g_assert_nonnull (gui_test_find (window, ADW_TYPE_ACTION_ROW, "127.0.0.1:3478"));
  gui_test_iterate (50);

  /* And removed again with its button */
  remove = gui_test_find (gui_test_find (window, ADW_TYPE_ACTION_ROW, "127.0.0.1:3478"), GTK_TYPE_BUTTON, NULL);
  g_assert_nonnull (remove);
  gui_test_press (remove);
  stun = g_settings_get_strv (settings, "stun-servers");
  g_assert_false (g_strv_contains ((const char * const *) stun, "127.0.0.1:3478"));
  g_clear_pointer (&stun, g_strfreev);

  /* A port check address without {port} is refused */
  entry = gui_test_find (window, ADW_TYPE_ENTRY_ROW, gui_test_ui_is_japanese () ? "アドレス" : "Address");
  g_assert_nonnull (entry);
  gui_test_type (entry, "https://check.example/");
  g_signal_emit_by_name (entry, "apply");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  check_url = g_settings_get_string (settings, "check-url");
  g_assert_cmpstr (check_url, ==, "https://portcheck.transmissionbt.com/{port}");
  g_clear_pointer (&check_url, g_free);

  /* Empty turns the check from outside off */
  gui_test_type (entry, "");
  g_signal_emit_by_name (entry, "apply");
  check_url = g_settings_get_string (settings, "check-url");
  g_assert_cmpstr (check_url, ==, "");
  g_clear_pointer (&check_url, g_free);

  /* Reset brings the defaults back */
  gtk_widget_activate_action (window, "preferences.reset", NULL);
  check_url = g_settings_get_string (settings, "check-url");
  g_assert_cmpstr (check_url, ==, "https://portcheck.transmissionbt.com/{port}");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, check_url);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Your own reflector: set in the preferences (checked as typed), it gives
 * the window's probe session its three servers, live; --reflector does
 * the same for one run, a --check-url beside it replaces only that one */
typedef struct
{
  GSettings   *settings;
  GtkWidget   *preferences;
  const char  *reflector_arg;   /* nullable */
  SesameWindow *window;         /* unowned, while the app runs */
  gboolean     checked;
} ReflectorFixture;

static void
assert_servers (SesameProbeSession *session,
                const char         *stun,
                const char         *ip_url,
                const char         *check_url)
{
  const char * const *stun_servers = sesame_probe_session_get_stun_servers (session);
  const char * const *ip_urls = sesame_probe_session_get_ip_urls (session);

  g_assert_cmpuint (g_strv_length ((char **) stun_servers), ==, 1);
  g_assert_cmpstr (stun_servers[0], ==, stun);
  g_assert_cmpuint (g_strv_length ((char **) ip_urls), ==, 1);
  g_assert_cmpstr (ip_urls[0], ==, ip_url);
  g_assert_cmpstr (sesame_probe_session_get_check_url (session), ==, check_url);
}

static void
apply_typed (GtkWidget  *entry,
             const char *text)
{
  gui_test_type (entry, text);
  g_signal_emit_by_name (entry, "apply");
}

static gboolean
check_reflector_session (gpointer user_data)
{
  ReflectorFixture *fixture = user_data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (fixture->window));
  SesameProbeSession *session = sesame_window_get_session (fixture->window);
  GtkWidget *entry = gui_test_find (fixture->preferences, ADW_TYPE_ENTRY_ROW, _("Your own reflector (optional)"));

  g_assert_nonnull (entry);
  if (fixture->reflector_arg != NULL)
    {
      /* --reflector 127.0.0.2 --check-url …: the command line over the setting */
      assert_servers (session, "127.0.0.2:3478", "http://127.0.0.2:8080/ip", "http://127.0.0.3/check/{port}");
    }
  else
    {
      /* The setting from the preferences */
      assert_servers (session, "127.0.0.1:3478", "http://127.0.0.1:8081/ip",
                      "http://127.0.0.1:8081/check?port={port}&proto={proto}");

      /* Another reflector, applied while the window is open: used from the next run */
      apply_typed (entry, "[::1]");
      assert_servers (session, "[::1]:3478", "http://[::1]:8080/ip",
                      "http://[::1]:8080/check?port={port}&proto={proto}");
    }

  /* Cleared: the lists again */
  apply_typed (entry, "");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (sesame_probe_session_get_stun_servers (session)[0], ==, "stun.stunprotocol.org:3478");
  g_assert_cmpstr (sesame_probe_session_get_check_url (session), ==, "https://portcheck.transmissionbt.com/{port}");

  fixture->checked = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_reflector_window_added (GtkApplication   *app,
                           GtkWindow        *window,
                           ReflectorFixture *fixture)
{
  g_assert_true (SESAME_IS_WINDOW (window));
  fixture->window = SESAME_WINDOW (window);
  g_idle_add (check_reflector_session, fixture);
}

static int
run_reflector_app (ReflectorFixture   *fixture,
                   const char * const *extra)
{
  g_autoptr(SesameApplication) app = sesame_application_new ();
  g_autofree char *plan = g_test_build_filename (G_TEST_DIST, "data", "seed-plan.json", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) "sesame");
  g_ptr_array_add (argv, (gpointer) "--plan");
  g_ptr_array_add (argv, plan);
  g_ptr_array_add (argv, (gpointer) "--no-internet");
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (on_reflector_window_added), fixture);

  return g_application_run (G_APPLICATION (app), (int) argv->len - 1, (char **) argv->pdata);
}

static void
test_reflector (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.opensesame.Sesame");
  ReflectorFixture fixture = { .settings = settings };
  g_autofree char *reflector = NULL;
  g_autoptr(GError) expected = NULL;
  GtkWidget *entry;
  GtkWidget *error;
  GtkWidget *stun_entry;
  const char *title = _("Your own reflector (optional)");

  /* Said in the UI's language */
  if (gui_test_ui_is_japanese ())
    g_assert_cmpstr (title, !=, "Your own reflector (optional)");

  fixture.preferences = sesame_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (fixture.preferences));
  while (!gtk_widget_get_mapped (fixture.preferences))
    g_main_context_iteration (NULL, TRUE);

  entry = gui_test_find (fixture.preferences, ADW_TYPE_ENTRY_ROW, title);
  g_assert_nonnull (entry);
  stun_entry = gui_test_find (fixture.preferences, ADW_TYPE_ENTRY_ROW, _("Add a STUN server"));
  g_assert_nonnull (stun_entry);
  g_assert_true (gtk_widget_is_sensitive (stun_entry));

  /* A bad host: the reason under the field, the setting untouched */
  apply_typed (entry, "my reflector/ip");
  reflector = g_settings_get_string (settings, "reflector");
  g_assert_cmpstr (reflector, ==, "");
  g_clear_pointer (&reflector, g_free);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_null (sesame_reflector_servers_new ("my reflector/ip", &expected));
  error = gui_test_find (fixture.preferences, GTK_TYPE_LABEL, expected->message);
  g_assert_nonnull (error);
  g_assert_true (gui_test_is_shown (error));

  /* A good one is kept; the lists it stands for are greyed out */
  apply_typed (entry, " 127.0.0.1:8081 ");
  reflector = g_settings_get_string (settings, "reflector");
  g_assert_cmpstr (reflector, ==, "127.0.0.1:8081");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_false (gui_test_is_shown (error));
  g_assert_false (gtk_widget_is_sensitive (stun_entry));

  /* The wizard's probe session gets the three servers */
  g_assert_cmpint (run_reflector_app (&fixture, (const char *[]) { NULL }), ==, 0);
  g_assert_true (fixture.checked);
  g_assert_true (gtk_widget_is_sensitive (stun_entry));

  /* --reflector for this run, as sesame-cli probe takes it */
  g_settings_set_string (settings, "reflector", "127.0.0.1:8081");
  fixture.checked = FALSE;
  fixture.reflector_arg = "127.0.0.2";
  g_assert_cmpint (run_reflector_app (&fixture, (const char *[]) { "--reflector", "127.0.0.2",
                                                                   "--check-url", "http://127.0.0.3/check/{port}",
                                                                   NULL }), ==, 0);
  g_assert_true (fixture.checked);

  /* A bad one is bad usage, before any window */
  fixture.checked = FALSE;
  g_assert_cmpint (run_reflector_app (&fixture, (const char *[]) { "--reflector", "http://127.0.0.2/", NULL }), ==, 2);
  g_assert_false (fixture.checked);

  g_settings_reset (settings, "reflector");
  gtk_window_destroy (GTK_WINDOW (fixture.preferences));
}

/* Which GL drivers rasterize on the CPU, where the wizard draws with cairo
 * (what it then draws with is asserted for every window the tests open:
 * gui_test_assert_renderer ()) */
static void
test_software_gl (void)
{
  const struct {
    const char *path;
    gboolean    software;
  } drivers[] = {
    { "/usr/lib/x86_64-linux-gnu/dri/swrast_dri.so", TRUE },      /* llvmpipe, X11 without DRI */
    { "/usr/lib/x86_64-linux-gnu/dri/kms_swrast_dri.so", TRUE },  /* llvmpipe on a KMS device */
    { "/usr/lib/aarch64-linux-gnu/dri/swrast_dri.so", TRUE },
    { "/usr/lib/x86_64-linux-gnu/dri/iris_dri.so", FALSE },       /* Intel */
    { "/usr/lib/x86_64-linux-gnu/dri/radeonsi_dri.so", FALSE },   /* AMD */
    { "/usr/lib/x86_64-linux-gnu/dri/virtio_gpu_dri.so", FALSE }, /* a virtual machine's host GPU */
    { "/usr/lib/x86_64-linux-gnu/libnvidia-eglcore.so.525.147.05", FALSE },
    { "/usr/lib/x86_64-linux-gnu/libswrast_dri.so.1", FALSE },
    { "swrast_dri.so.bak", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (drivers); i++)
    {
      g_test_message ("%s", drivers[i].path);
      g_assert_cmpint (sesame_gui_gl_driver_is_software (drivers[i].path), ==, drivers[i].software);
    }
}

/* A widget that counts how often it is styled again */
G_DECLARE_FINAL_TYPE (StyleProbe, style_probe, STYLE, PROBE, GtkWidget)

struct _StyleProbe
{
  GtkWidget parent_instance;
  guint     restyles;
};

G_DEFINE_FINAL_TYPE (StyleProbe, style_probe, GTK_TYPE_WIDGET)

static void
style_probe_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (style_probe_parent_class)->css_changed (widget, change);
  ((StyleProbe *) widget)->restyles++;
}

static void
style_probe_class_init (StyleProbeClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->css_changed = style_probe_css_changed;
  gtk_widget_class_set_css_name (widget_class, "sesamestyleprobe");
}

static void
style_probe_init (StyleProbe *self)
{
}

/* A window opened as the wizard starts is styled before its first frame
 * and not again while nothing in it changes: libadwaita 1.2 restyles every
 * window 250 ms after it starts unless Sesame settles its style first
 * (sesame_gui_init ()). The first test of its program: nothing may run the
 * main loop between the start and this window. */
static void
test_style_settled (void)
{
  GtkWidget *window = gtk_window_new ();
  StyleProbe *probe = g_object_new (style_probe_get_type (), NULL);
  guint restyles;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (probe));
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 100);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for_frames (window, 1);

  restyles = probe->restyles;
  g_assert_cmpuint (restyles, >, 0);
  /* Past libadwaita's 250 ms, with time to spare */
  gui_test_iterate (600);
  g_assert_cmpuint (probe->restyles, ==, restyles);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  /* First: see test_style_settled () */
  g_test_add_func ("/gui/app/style-settled", test_style_settled);
  g_test_add_func ("/gui/app/software-gl", test_software_gl);
  g_test_add_func ("/gui/app/walk-report-en", test_walk_en);
  g_test_add_func ("/gui/app/walk-report-ja", test_walk_ja);
  g_test_add_func ("/gui/app/start-page", test_start_page);
  g_test_add_func ("/gui/app/preferences", test_preferences);
  g_test_add_func ("/gui/app/reflector", test_reflector);
  g_test_add_func ("/gui/app/keyboard-walk", test_keyboard_walk);
  g_test_add_func ("/gui/app/accessible-names", test_accessible_names);

  gui_test_add_welcome_page_tests ();
  gui_test_add_router_page_tests ();
  gui_test_add_host_page_tests ();
  gui_test_add_services_page_tests ();
  gui_test_add_checks_page_tests ();
  gui_test_add_row_layout_tests ();
  gui_test_add_checklist_page_tests ();

  return g_test_run ();
}
