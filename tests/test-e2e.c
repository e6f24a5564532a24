/* test-e2e.c: the wizard as a person lives it, from the first start to a
 * replaced router, in the namespace lab
 *
 * tests/integration/test-e2e.py brings a lab up (tests/integration/netlab:
 * STUN, the address and port-check services of sesame-reflector, the
 * router's miniupnpd) and runs this program in the lab's LAN namespace
 * under Xvfb, once per lab, with `-p /e2e/<profile>` and SESAME_E2E_LAB
 * naming the profile; LANGUAGE says the UI language, and
 * SESAME_TEST_RENDERER=default leaves the renderer to Sesame, as main.c does.
 *
 * How the wizard is run: the application object exactly as src/gui/main.c
 * runs it — sesame_application_new () and g_application_run () with a
 * command line a person could type (the lab's servers, no --plan), in a
 * fresh home (no saved plan; gui-test-util.c) — and walked with the
 * keyboard helpers of gui-test-util.c: Tab moves the focus until it is on
 * the control that says the words, Enter or space activates it, typing
 * fills an entry. The alternative, the `sesame` binary driven by xdotool
 * with AT-SPI to read the checks page, was not taken: the desktop's
 * accessibility bus and a second X client in every namespace make a slow,
 * flaky test on a loaded 2-core machine, and reading what the page shows
 * through the widgets is as close to the screen as AT-SPI would be,
 * without its latency. Keys that are shortcuts (Ctrl+S, Ctrl+P, Ctrl+Q,
 * Alt+Left) are the actions those keys are bound to.
 *
 * What it asserts is what a person notices: on the checks page the
 * public address, the NAT type and each port's verdict (the findings'
 * titles, in the UI language, read from src/probes/sesame-findings.c
 * rather than repeated here); on the checklist whether Sesame offers to
 * add the mappings; in the saved PDF (pdftotext) the same blockers; after
 * a restart "Welcome Back"; and after the lab's router is replaced
 * (`netlab swap-router`, run from SESAME_E2E_SWAP_ROUTER), the notice,
 * "I Replaced My Router" and the printed router change checklist naming
 * the new router and its page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "gui-test-util.h"
#include "sesame-application.h"
#include "sesame-checklist-page.h"
#include "sesame-findings.h"
#include "sesame-gui.h"
#include "sesame-store.h"
#include "sesame-welcome-page.h"
#include "sesame-window.h"

/* The lab (tests/integration/netlab) */
#define LAB_CLIENT     "192.168.11.5"
#define LAB_PUBLIC     "203.0.113.2"

/* The lab's servers, as a person would name them on the command line */
static const char * const lab_arguments[] = {
  "--stun", "198.51.100.1:3478",
  "--stun", "198.51.100.2:3478",
  "--ip-url", "http://198.51.100.1/ip",
  "--check-url", "http://198.51.100.1/check?port={port}&proto={proto}",
  NULL
};

/* What the swapped router says it is (netlab swap-router's default), and
 * the catalog's entry for it */
#define NEW_ROUTER_ID  "fritzbox"

/* The plan's services: a TCP and a UDP port */
#define TCP_SERVICE    "http"
#define TCP_PORT       80
#define UDP_SERVICE    "wireguard"
#define UDP_PORT       51820

typedef struct _Walk Walk;
typedef void (*WalkFunc) (Walk *walk);

struct _Walk
{
  const char     *profile;
  SesameWindow   *window;     /* unowned, while the application runs */
  WalkFunc        func;
  char           *dir;        /* where files are saved */
  gboolean        walked;
};

/* Running the program */

static gboolean
walk_cb (gpointer data)
{
  Walk *walk = data;
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (walk->window)));

  while (!gtk_widget_get_realized (GTK_WIDGET (walk->window)))
    g_main_context_iteration (NULL, TRUE);
  /* What a person's machine without a GPU draws with */
  gui_test_assert_renderer (GTK_WINDOW (walk->window));
  walk->func (walk);
  walk->walked = TRUE;

  /* Ctrl+Q */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 Walk           *walk)
{
  if (!SESAME_IS_WINDOW (window) || walk->window != NULL)
    return;

  walk->window = SESAME_WINDOW (window);
  g_idle_add (walk_cb, walk);
}

/* `sesame` with the lab's servers, as src/gui/main.c runs it; @func walks
 * the window it opens, then quits */
static void
run_sesame (Walk     *walk,
            WalkFunc  func)
{
  g_autoptr(SesameApplication) app = sesame_application_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status;

  g_ptr_array_add (argv, (gpointer) "sesame");
  for (guint i = 0; lab_arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) lab_arguments[i]);
  g_ptr_array_add (argv, NULL);

  walk->window = NULL;
  walk->walked = FALSE;
  walk->func = func;
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), walk);

  status = g_application_run (G_APPLICATION (app), (int) argv->len - 1, (char **) argv->pdata);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (walk->walked);
}

/* Reading the window */

static gboolean
page_is (SesameWindow *window,
         const char   *name)
{
  return g_strcmp0 (sesame_window_get_page_name (window), name) == 0;
}

static void
press_next (SesameWindow *window)
{
  gui_test_press (gui_test_tab_to (window, g_dpgettext2 (GETTEXT_PACKAGE, "wizard", "_Next")));
}

static gboolean
contains (const char *text,
          const char *part)
{
  return text != NULL && part != NULL && strstr (text, part) != NULL;
}

static gboolean
has_line (const char *text,
          const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  return g_strv_contains ((const char * const *) lines, line);
}

/* A service's name as the wizard shows it */
static const char *
service_name (SesameWindow *window,
              const char   *id)
{
  SesameCatalog *catalog = sesame_page_get_catalog (sesame_window_get_page (window, "services"));
  const SesameService *service = sesame_catalog_lookup_service (catalog, id);

  g_assert_nonnull (service);
  return _(service->name);
}

static gboolean
shown_with_text (SesameWindow *window,
                 GType         type,
                 const char   *text)
{
  g_autoptr(GPtrArray) found = gui_test_find_all (GTK_WIDGET (window), type, text);

  for (guint i = 0; i < found->len; i++)
    if (gui_test_is_shown (g_ptr_array_index (found, i)))
      return TRUE;

  return FALSE;
}

typedef struct
{
  SesameWindow *window;
  GType         type;
  const char   *text;
} Shown;

static gboolean
shown_cb (gpointer data)
{
  Shown *shown = data;

  return shown_with_text (shown->window, shown->type, shown->text);
}

static void
wait_until_shown (SesameWindow *window,
                  GType         type,
                  const char   *text,
                  guint         timeout_ms)
{
  Shown shown = { window, type, text };

  g_test_message ("waiting for “%s”", text);
  gui_test_wait_until (shown_cb, &shown, timeout_ms);
}

/* The checks page */

static SesamePage *
checks_page (SesameWindow *window)
{
  return sesame_window_get_page (window, "checks");
}

static const char *
summary_title (SesameWindow *window)
{
  GtkWidget *label = gui_test_find (GTK_WIDGET (checks_page (window)), GTK_TYPE_LABEL, NULL);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The checks are over and every row says so */
static gboolean
checks_done (gpointer data)
{
  SesameWindow *window = data;
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (checks_page (window)), ADW_TYPE_EXPANDER_ROW, NULL);

  if (sesame_probe_session_get_running (sesame_window_get_session (window)) ||
      sesame_probe_session_get_report (sesame_window_get_session (window)) == NULL ||
      g_strcmp0 (summary_title (window), _("Checking your network…")) == 0)
    return FALSE;

  /* No row's icon (the first image, in front of its title) says it is still checking */
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *icon = gui_test_find (g_ptr_array_index (rows, i), GTK_TYPE_IMAGE, NULL);

      if (icon != NULL && gtk_widget_get_visible (icon) &&
          g_strcmp0 (sesame_gui_get_tooltip (icon), C_("check", "Checking")) == 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
session_done (gpointer data)
{
  SesameProbeSession *session = data;

  return !sesame_probe_session_get_running (session) && sesame_probe_session_get_report (session) != NULL;
}

static AdwExpanderRow *
find_row (SesameWindow *window,
          const char   *title)
{
  GtkWidget *row = gui_test_find (GTK_WIDGET (checks_page (window)), ADW_TYPE_EXPANDER_ROW, title);

  if (row == NULL)
    g_error ("No row “%s” on the checks page", title);

  return ADW_EXPANDER_ROW (row);
}

/* The row of a port: its title starts with "TCP 80 " or "UDP 51820 " */
static AdwExpanderRow *
find_port_row (SesameWindow *window,
               const char   *protocol,
               guint         port)
{
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (checks_page (window)), ADW_TYPE_EXPANDER_ROW, NULL);
  g_autofree char *prefix = g_strdup_printf ("%s %u ", protocol, port);

  for (guint i = 0; i < rows->len; i++)
    if (g_str_has_prefix (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), prefix))
      return g_ptr_array_index (rows, i);

  g_error ("No row for %s %u on the checks page", protocol, port);
}

static const char *
row_subtitle (AdwExpanderRow *row)
{
  return adw_expander_row_get_subtitle (row);
}

static const char *
row_icon (AdwExpanderRow *row)
{
  GtkWidget *icon = gui_test_find (GTK_WIDGET (row), GTK_TYPE_IMAGE, NULL);

  g_assert_nonnull (icon);
  g_assert_true (gtk_widget_get_visible (icon));
  return gtk_image_get_icon_name (GTK_IMAGE (icon));
}

/* What the checks found, in the UI language, as src/probes/sesame-findings.c decides it */
static GPtrArray *
window_findings (SesameWindow *window)
{
  SesamePage *page = checks_page (window);
  const SesameProbeReport *report = sesame_probe_session_get_report (sesame_window_get_session (window));
  g_autoptr(GError) error = NULL;
  GPtrArray *findings;

  g_assert_nonnull (report);
  findings = sesame_findings_new (sesame_page_get_plan (page), sesame_page_get_catalog (page),
                                  report, sesame_gui_get_ui_language (), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < findings->len; i++)
    g_test_message ("finding %s: %s", ((SesameFinding *) g_ptr_array_index (findings, i))->id,
                    ((SesameFinding *) g_ptr_array_index (findings, i))->title);

  return findings;
}

static const SesameFinding *
expect_finding (GPtrArray  *findings,
                const char *id)
{
  const SesameFinding *finding = sesame_findings_lookup (findings, id);

  if (finding == NULL)
    g_error ("No finding “%s”", id);

  return finding;
}

/* Every finding about a port shows on that port's row */
static void
assert_port_verdicts (SesameWindow   *window,
                      GPtrArray      *findings,
                      SesameProtocol  protocol,
                      guint           port)
{
  AdwExpanderRow *row = find_port_row (window, protocol == SESAME_PROTOCOL_UDP ? "UDP" : "TCP", port);
  SesamePortRange range = { port, port };
  guint shown = 0;

  g_test_message ("%s: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), row_subtitle (row));
  for (guint i = 0; i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);

      if (finding->ports->len == 0 || !sesame_finding_concerns (finding, protocol, &range, &range))
        continue;
      /* In what the finding says of that port alone, not the list of every port */
      if (!has_line (row_subtitle (row), sesame_finding_get_port_title (finding)))
        g_error ("The row of port %u does not say “%s” (%s)", port, sesame_finding_get_port_title (finding), finding->id);
      shown++;
    }
  g_assert_cmpuint (shown, >, 0);
}

/* pdftotext FILE - */
static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("pdftotext %s failed: %s", path, err);

  return out;
}

/* Whether @text has @words, allowing pdftotext's line breaks and
 * layout spaces between them */
static gboolean
pdf_says (const char *text,
          const char *words)
{
  g_autoptr(GString) flat = g_string_new (NULL);
  g_autoptr(GString) wanted = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (flat, *p);
  for (const char *p = words; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (wanted, *p);

  return strstr (flat->str, wanted->str) != NULL;
}

/* The file at @data is there */
static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

typedef struct
{
  GtkFileChooser *chooser;
  GFile          *file;
} ChooserFile;

static gboolean
chooser_has_file (gpointer data)
{
  ChooserFile *wanted = data;
  g_autoptr(GFile) file = gtk_file_chooser_get_file (wanted->chooser);

  return file != NULL && g_file_equal (file, wanted->file);
}

/* Ctrl+S: the checklist as PDF, where the person chooses, under the name
 * Sesame offers */
static char *
save_checklist_pdf (Walk *walk)
{
  SesameChecklistPage *page = SESAME_CHECKLIST_PAGE (sesame_window_get_page (walk->window, "checklist"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;
  GtkFileChooser *chooser;
  GtkWidget *entry;
  GtkWidget *save;
  char *path;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "checklist.save-as", "s", "pdf"));
  chooser = GTK_FILE_CHOOSER (gui_test_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER, 10000));
  name = gtk_file_chooser_get_current_name (chooser);
  g_assert_true (g_str_has_suffix (name, ".pdf"));

  /* Into the test's own folder, under the name offered: typed before it */
  path = g_build_filename (walk->dir, name, NULL);
  file = g_file_new_for_path (path);
  entry = gui_test_find (GTK_WIDGET (chooser), GTK_TYPE_EDITABLE, name);
  g_assert_nonnull (entry);
  gtk_widget_grab_focus (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), path);
  gui_test_wait_until (chooser_has_file, &(ChooserFile) { chooser, file }, 10000);

  save = gui_test_find (GTK_WIDGET (chooser), GTK_TYPE_BUTTON, _("_Save"));
  g_assert_nonnull (save);
  gui_test_press (save);

  g_test_message ("saving %s", path);
  gui_test_wait_until (file_exists, path, 20000);
  /* Written in one step: once there, it is whole; the toast says it too */
  {
    g_autofree char *toast = g_strdup_printf (_("Saved “%s”"), name);

    wait_until_shown (walk->window, GTK_TYPE_LABEL, toast, 10000);
  }

  return path;
}

/* The first start: no saved plan */

/* Welcome → router → this computer → services → checks, with the keyboard */
static void
walk_to_checks (Walk *walk)
{
  SesameWindow *window = walk->window;
  SesamePlan *plan = sesame_window_get_plan (window);

  /* Nothing saved yet: the first face of the welcome page */
  g_assert_true (page_is (window, "welcome"));
  g_assert_true (shown_with_text (window, GTK_TYPE_LABEL, _("Open Your Home Server to the Internet")));
  g_assert_false (shown_with_text (window, GTK_TYPE_LABEL, _("Welcome Back")));
  gui_test_press (gui_test_tab_to (window, _("_Start")));
  g_assert_true (page_is (window, "router"));

  /* The lab's router is no model Sesame knows */
  gui_test_press (gui_test_tab_to (window, _("I don’t know my router")));
  gui_test_press (gui_test_tab_to (window, _("Automatic address from the provider (DHCP)")));
  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "generic");
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_DHCP);
  press_next (window);
  g_assert_true (page_is (window, "host"));

  /* This computer, as the checks found it on the lab's network */
  wait_until_shown (window, ADW_TYPE_ACTION_ROW, LAB_CLIENT, 15000);
  gui_test_press (gui_test_tab_to (window, LAB_CLIENT));
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, LAB_CLIENT);
  if (sesame_plan_get_host_name (plan) == NULL)
    gui_test_type (gui_test_tab_to (window, _("Name")), "lab server");
  press_next (window);
  g_assert_true (page_is (window, "services"));

  /* A website and a VPN: a TCP and a UDP port */
  gui_test_press (gui_test_tab_to (window, service_name (window, TCP_SERVICE)));
  gui_test_press (gui_test_tab_to (window, service_name (window, UDP_SERVICE)));
  g_assert_true (sesame_plan_has_service (plan, TCP_SERVICE));
  g_assert_true (sesame_plan_has_service (plan, UDP_SERVICE));
  press_next (window);
  g_assert_true (page_is (window, "checks"));

  gui_test_wait_until (checks_done, window, 60000);
  gui_test_screenshot (window, walk->profile);
}

/* On the checklist: whether Sesame offers to add the mappings itself */
static gboolean
offers_mappings (SesameWindow *window)
{
  GtkWidget *add = gui_test_find (GTK_WIDGET (sesame_window_get_page (window, "checklist")),
                                  GTK_TYPE_BUTTON, _("_Add Mappings…"));

  return add != NULL && gui_test_is_shown (add) && gtk_widget_is_sensitive (add);
}

/* The mappings are on the router: Sesame offers to remove them */
static gboolean
mappings_added (gpointer data)
{
  GtkWidget *remove = gui_test_find (GTK_WIDGET (sesame_window_get_page (data, "checklist")),
                                     GTK_TYPE_BUTTON, _("_Remove the Mappings Sesame Added"));

  return remove != NULL && gui_test_is_shown (remove) && gtk_widget_is_sensitive (remove);
}

static void
walk_full_cone (Walk *walk)
{
  SesameWindow *window = walk->window;
  g_autoptr(GPtrArray) findings = NULL;
  const SesameProbeReport *report;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;

  walk_to_checks (walk);
  report = sesame_probe_session_get_report (sesame_window_get_session (window));
  findings = window_findings (window);

  /* The address the internet sees */
  g_assert_true (contains (row_subtitle (find_row (window, _("Public Address"))), LAB_PUBLIC));
  g_assert_cmpstr (row_icon (find_row (window, _("Public Address"))), ==, "emblem-ok-symbolic");

  /* The NAT type, in the words of the findings */
  g_assert_cmpint (report->classic, ==, SESAME_NAT_CLASSIC_FULL_CONE);
  g_assert_true (has_line (row_subtitle (find_row (window, _("Address Translation (NAT)"))),
                           expect_finding (findings, "nat")->title));
  g_assert_null (sesame_findings_lookup (findings, "cgnat"));
  g_assert_null (sesame_findings_lookup (findings, "udp-blocked"));

  /* Each forwarded port's verdict; the router could add them itself */
  assert_port_verdicts (window, findings, SESAME_PROTOCOL_TCP, TCP_PORT);
  assert_port_verdicts (window, findings, SESAME_PROTOCOL_UDP, UDP_PORT);
  expect_finding (findings, "router-automatic");
  g_assert_true (has_line (row_subtitle (find_row (window, _("Router Automatic Setup"))),
                           expect_finding (findings, "router-automatic")->title));

  /* The checklist offers the mappings */
  press_next (window);
  g_assert_true (page_is (window, "checklist"));
  gui_test_iterate (200);
  g_assert_true (offers_mappings (window));
  gui_test_screenshot (window, walk->profile);

  /* Agreed to, the router adds them… */
  gui_test_press (gui_test_tab_to (window, _("_Add Mappings…")));
  gui_test_press (gui_test_find (GTK_WIDGET (gui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, 10000)),
                                 GTK_TYPE_BUTTON, _("_Add Mappings")));
  gui_test_wait_until (mappings_added, window, 30000);

  /* …and checked again, the router forwards both ports here: no port is
   * unmapped or unreachable any more */
  while (!page_is (window, "checks"))
    gui_test_activate (window, "back");
  gui_test_press (gui_test_tab_to (window, _("_Check Again")));
  gui_test_wait_until (checks_done, window, 60000);
  g_ptr_array_unref (findings);
  findings = window_findings (window);
  g_assert_null (sesame_findings_lookup (findings, "port-not-mapped"));
  g_assert_null (sesame_findings_lookup (findings, "port-unreachable"));
  report = sesame_probe_session_get_report (sesame_window_get_session (window));
  g_assert_true (report->upnp_found);
  gui_test_screenshot (window, "full-cone-mapped");
  press_next (window);
  g_assert_true (page_is (window, "checklist"));

  /* The saved PDF: the router's rows to this computer */
  pdf = save_checklist_pdf (walk);
  text = pdf_text (pdf);
  g_assert_true (contains (text, LAB_CLIENT));
  g_assert_true (contains (text, "51820"));
}

/* Behind carrier-grade NAT */
static void
walk_cgnat (Walk *walk)
{
  SesameWindow *window = walk->window;
  g_autoptr(GPtrArray) findings = NULL;
  const SesameFinding *cgnat;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;

  walk_to_checks (walk);
  findings = window_findings (window);
  cgnat = expect_finding (findings, "cgnat");

  /* The page says first that forwarding cannot work, and on the path */
  g_assert_cmpstr (summary_title (window), ==, cgnat->title);
  g_assert_true (has_line (row_subtitle (find_row (window, _("Path to the Internet"))), cgnat->title));
  g_assert_cmpstr (row_icon (find_row (window, _("Path to the Internet"))), ==, "dialog-error-symbolic");
  /* …and on each port, none of them green */
  g_assert_true (has_line (row_subtitle (find_port_row (window, "TCP", TCP_PORT)), cgnat->title));
  g_assert_true (has_line (row_subtitle (find_port_row (window, "UDP", UDP_PORT)), cgnat->title));
  g_assert_cmpstr (row_icon (find_port_row (window, "TCP", TCP_PORT)), !=, "emblem-ok-symbolic");
  g_assert_cmpstr (row_icon (find_port_row (window, "UDP", UDP_PORT)), !=, "emblem-ok-symbolic");

  /* The router answers UPnP, yet the checklist offers no mappings */
  press_next (window);
  g_assert_true (page_is (window, "checklist"));
  gui_test_iterate (200);
  g_assert_true (sesame_probe_session_get_report (sesame_window_get_session (window))->upnp_found);
  g_assert_false (offers_mappings (window));
  gui_test_screenshot (window, walk->profile);

  /* The saved PDF says it too, with what to do instead */
  pdf = save_checklist_pdf (walk);
  text = pdf_text (pdf);
  g_test_message ("%s", text);
  g_assert_true (pdf_says (text, cgnat->title));
  if (cgnat->action != NULL)
    g_assert_true (pdf_says (text, cgnat->action));
}

/* UDP blocked on the way out */
static void
walk_udp_blocked (Walk *walk)
{
  SesameWindow *window = walk->window;
  g_autoptr(GPtrArray) findings = NULL;
  const SesameFinding *blocked;
  AdwExpanderRow *udp;
  AdwExpanderRow *tcp;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;

  walk_to_checks (walk);
  findings = window_findings (window);
  blocked = expect_finding (findings, "udp-blocked");

  /* The NAT row and the UDP port's row say UDP does not get through */
  g_assert_true (has_line (row_subtitle (find_row (window, _("Address Translation (NAT)"))), blocked->title));
  udp = find_port_row (window, "UDP", UDP_PORT);
  g_assert_true (has_line (row_subtitle (udp), blocked->title));
  g_assert_cmpstr (row_icon (udp), ==, blocked->severity == SESAME_FINDING_SEVERITY_BLOCKER
                                         ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  /* …and the TCP port's row does not */
  tcp = find_port_row (window, "TCP", TCP_PORT);
  g_assert_false (has_line (row_subtitle (tcp), blocked->title));

  press_next (window);
  g_assert_true (page_is (window, "checklist"));
  gui_test_iterate (200);
  gui_test_screenshot (window, walk->profile);

  pdf = save_checklist_pdf (walk);
  text = pdf_text (pdf);
  g_assert_true (pdf_says (text, blocked->title));
}

/* The second start, on the plan the first one saved */

static void
swap_router (void)
{
  const char *command = g_getenv ("SESAME_E2E_SWAP_ROUTER");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  g_assert_nonnull (command);
  g_shell_parse_argv (command, NULL, &argv, &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %s%s", command, out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static gboolean
router_changed_shown (gpointer data)
{
  SesameWindow *window = data;
  g_autofree char *notice = sesame_welcome_page_dup_notice (SESAME_WELCOME_PAGE (sesame_window_get_page (window, "welcome")));

  return *notice != '\0';
}

static void
walk_router_change (Walk *walk)
{
  SesameWindow *window = walk->window;
  SesameProbeSession *session = sesame_window_get_session (window);
  SesameCatalog *catalog = sesame_page_get_catalog (checks_page (window));
  const SesameRouter *router = sesame_catalog_lookup_router (catalog, NEW_ROUTER_ID);
  g_autofree char *router_name = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *language = NULL;
  GtkWidget *again;
  GtkPrintOperationResult result;

  /* The plan the first start saved */
  g_assert_true (page_is (window, "welcome"));
  g_assert_true (shown_with_text (window, GTK_TYPE_LABEL, _("Welcome Back")));
  g_assert_true (sesame_plan_has_service (sesame_window_get_plan (window), UDP_SERVICE));

  /* The same router as last time: nothing to say */
  gui_test_wait_until (session_done, session, 30000);
  gui_test_iterate (500);
  notice = sesame_welcome_page_dup_notice (SESAME_WELCOME_PAGE (sesame_window_get_page (window, "welcome")));
  g_assert_cmpstr (notice, ==, "");
  gui_test_screenshot (window, "welcome-back");

  /* "Check Again", and meanwhile the router is replaced */
  again = gui_test_tab_to (window, _("_Check Again"));
  swap_router ();
  gui_test_press (again);
  g_assert_true (page_is (window, "checks"));
  gui_test_wait_until (checks_done, window, 60000);

  /* Back on the first page (Alt+Left), the notice says the router is another one */
  while (!page_is (window, "welcome"))
    gui_test_activate (window, "back");
  gui_test_wait_until (router_changed_shown, window, 20000);
  g_clear_pointer (&notice, g_free);
  notice = sesame_welcome_page_dup_notice (SESAME_WELCOME_PAGE (sesame_window_get_page (window, "welcome")));
  g_test_message ("notice: %s", notice);
  /* …with what gave it away: the name the new one gives itself */
  g_assert_true (contains (notice, "FRITZ!Box 7590"));
  gui_test_screenshot (window, "router-changed");

  /* "I Replaced My Router": the router the checks found is chosen for the person */
  gui_test_press (gui_test_tab_to (window, _("I _Replaced My Router")));
  g_assert_true (page_is (window, "router"));
  gui_test_wait_until (session_done, session, 30000);
  router_name = sesame_gui_dup_router_name (router);
  wait_until_shown (window, ADW_TYPE_ACTION_ROW, router_name, 10000);
  if (g_strcmp0 (sesame_plan_get_router_id (sesame_window_get_plan (window)), NEW_ROUTER_ID) != 0)
    gui_test_press (gui_test_tab_to (window, router_name));
  g_assert_cmpstr (sesame_plan_get_router_id (sesame_window_get_plan (window)), ==, NEW_ROUTER_ID);
  gui_test_screenshot (window, "new-router");

  /* The rest as it was: Next to the checklist */
  while (!page_is (window, "checklist"))
    press_next (window);
  gui_test_iterate (200);
  g_assert_nonnull (sesame_window_get_previous_plan (window));
  gui_test_screenshot (window, "router-change");

  /* Ctrl+P, to a PDF file: the router change checklist, with the new router's page */
  g_free (pdf);
  pdf = g_build_filename (walk->dir, "router-change.pdf", NULL);
  result = sesame_checklist_page_print (SESAME_CHECKLIST_PAGE (sesame_window_get_page (window, "checklist")), pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  text = pdf_text (pdf);
  g_test_message ("%s", text);
  language = g_strdup (sesame_plan_get_language (sesame_window_get_plan (window)));
  g_assert_true (pdf_says (text, sesame_text_get (&router->model, language)));
  g_assert_true (pdf_says (text, sesame_text_get (&router->forwarding_page, language)));
  g_assert_true (contains (text, LAB_CLIENT));

  /* The checklist in the other language, and Ctrl+Q at once: the answer is
   * kept for the next start, as closing the window keeps it */
  gui_test_press (gui_test_tab_to (window, g_str_equal (language, "ja") ? "English" : "日本語"));
  g_assert_cmpstr (sesame_plan_get_language (sesame_window_get_plan (window)), !=, language);
}

/* What the store saved for the next start */
static SesamePlan *
saved_plan (void)
{
  g_autoptr(SesameStore) store = sesame_store_new (NULL, NULL);
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (NULL);
  g_autoptr(GError) error = NULL;
  SesamePlan *plan;

  plan = sesame_store_load_plan (store, catalog, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);

  return plan;
}

/* The tests, one per lab */

static gboolean
in_lab (const char *profile)
{
  if (g_strcmp0 (g_getenv ("SESAME_E2E_LAB"), profile) == 0)
    return TRUE;

  g_test_skip ("Runs in the namespace lab: tests/integration/test-e2e.py");
  return FALSE;
}

static void
walk_init (Walk       *walk,
           const char *profile)
{
  g_autoptr(GError) error = NULL;

  walk->profile = profile;
  walk->dir = g_dir_make_tmp ("sesame-e2e-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
walk_clear (Walk *walk)
{
  g_autoptr(GDir) dir = g_dir_open (walk->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (walk->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (walk->dir);
  g_clear_pointer (&walk->dir, g_free);
}

static void
test_full_cone (void)
{
  Walk walk = { 0 };

  if (!in_lab ("full-cone"))
    return;

  walk_init (&walk, "full-cone");
  run_sesame (&walk, walk_full_cone);
  /* Quit, and start again */
  run_sesame (&walk, walk_router_change);
  {
    g_autoptr(SesamePlan) plan = saved_plan ();

    g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, NEW_ROUTER_ID);
    g_assert_cmpstr (sesame_plan_get_language (plan), ==, (gui_test_ui_is_japanese () ? "en" : "ja"));
  }
  walk_clear (&walk);
}

static void
test_cgnat (void)
{
  Walk walk = { 0 };

  if (!in_lab ("cgnat"))
    return;

  walk_init (&walk, "cgnat");
  run_sesame (&walk, walk_cgnat);
  walk_clear (&walk);
}

static void
test_udp_blocked (void)
{
  Walk walk = { 0 };

  if (!in_lab ("udp-blocked"))
    return;

  walk_init (&walk, "udp-blocked");
  run_sesame (&walk, walk_udp_blocked);
  walk_clear (&walk);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/e2e/full-cone", test_full_cone);
  g_test_add_func ("/e2e/cgnat", test_cgnat);
  g_test_add_func ("/e2e/udp-blocked", test_udp_blocked);

  return g_test_run ();
}
