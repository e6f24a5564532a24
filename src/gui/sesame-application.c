/* sesame-application.c
 *
 * sesame [--plan FILE] [--page welcome|router|host|services|checks|checklist] [--lang ja|en]
 *        [--stun HOST:PORT]... [--ip-url URL]... [--check-url TEMPLATE] [--reflector HOST[:PORT]]
 *        [--no-internet]
 *
 * The probe servers come from GSettings; the options override them for
 * this run only. A reflector of one's own (the "reflector" setting or
 * --reflector) stands for all three kinds of server, as with sesame-cli
 * probe; a --stun, --ip-url or --check-url beside it replaces that one.
 *
 * The options are checked in the local process (handle-local-options: a bad
 * value exits with status 2 and one line on stderr) and acted on in the
 * primary instance (command-line), so a second `sesame --plan …` opens
 * another window in the running wizard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-application"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-application.h"
#include "sesame-catalog.h"
#include "sesame-gui.h"
#include "sesame-store.h"
#include "sesame-plan.h"
#include "sesame-preferences-window.h"
#include "sesame-reflector-servers.h"
#include "sesame-translation.h"
#include "sesame-window.h"

struct _SesameApplication
{
  AdwApplication  parent_instance;

  SesameCatalog  *catalog;   /* nullable: loaded on first use */
  GSettings      *settings;  /* nullable: when the schema is not installed */
};

G_DEFINE_FINAL_TYPE (SesameApplication, sesame_application, ADW_TYPE_APPLICATION)

/* Every page --page accepts, in the window's order */
static const char * const page_names[] = {
  "welcome", "router", "host", "services", "checks", "checklist", NULL
};

static const GOptionEntry option_entries[] = {
  { "plan", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open this plan"), N_("FILE") },
  { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Start at this page: welcome, router, host, services, checks or checklist"), N_("PAGE") },
  { "lang", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Language of the checklist and reports: en or ja"), N_("LANG") },
  { "stun", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Use this STUN server for this run (repeatable)"), N_("HOST:PORT") },
  { "ip-url", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Ask this address service for the public address (repeatable)"), N_("URL") },
  { "check-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Port check service, with {port} and {proto}; empty for none"), N_("TEMPLATE") },
  { "reflector", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Use your own sesame-reflector for STUN, the address and the port checks"), N_("HOST[:PORT]") },
  { "no-internet", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Contact nothing beyond the router"), NULL },
  { NULL }
};

static gboolean
check_servers (GVariantDict *options)
{
  g_autofree const char **stun = NULL;
  g_autofree const char **ip_urls = NULL;
  const char *check_url = NULL;
  const char *reflector = NULL;
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_lookup (options, "reflector", "&s", &reflector))
    sesame_reflector_servers_free (sesame_reflector_servers_new (reflector, &error));

  if (error == NULL && g_variant_dict_lookup (options, "stun", "^a&s", &stun))
    for (guint i = 0; stun[i] != NULL && error == NULL; i++)
      sesame_probe_session_check_stun_server (stun[i], &error);

  if (error == NULL && g_variant_dict_lookup (options, "ip-url", "^a&s", &ip_urls))
    for (guint i = 0; ip_urls[i] != NULL && error == NULL; i++)
      sesame_probe_session_check_ip_url (ip_urls[i], &error);

  if (error == NULL && g_variant_dict_lookup (options, "check-url", "&s", &check_url))
    sesame_probe_session_check_check_url (check_url, &error);

  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }

  return TRUE;
}

static int
sesame_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  const char *page = NULL;
  const char *lang = NULL;

  if (!check_servers (options))
    return 2;

  if (g_variant_dict_lookup (options, "page", "&s", &page) &&
      !g_strv_contains (page_names, page))
    {
      g_printerr (_("“%s” is not a page; use welcome, router, host, services, checks or checklist\n"), page);
      return 2;
    }

  if (g_variant_dict_lookup (options, "lang", "&s", &lang) &&
      !sesame_translation_is_supported (lang))
    {
      g_printerr (_("“%s” is not a report language; use en or ja\n"), lang);
      return 2;
    }

  /* Go on to the primary instance */
  return -1;
}

static SesameCatalog *
get_catalog (SesameApplication  *self,
             GError            **error)
{
  if (self->catalog == NULL)
    self->catalog = sesame_catalog_get_default (error);

  return self->catalog;
}

/* The reflector's three servers for @session; FALSE when @address names none */
static gboolean
use_reflector (SesameProbeSession *session,
               const char         *address)
{
  g_autoptr(SesameReflectorServers) servers = NULL;
  g_autoptr(GError) error = NULL;
  const char *stun[2] = { NULL, NULL };
  const char *ip_urls[2] = { NULL, NULL };

  if (!(servers = sesame_reflector_servers_new (address, &error)))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }

  stun[0] = servers->stun_server;
  ip_urls[0] = servers->ip_url;
  sesame_probe_session_set_stun_servers (session, stun);
  sesame_probe_session_set_ip_urls (session, ip_urls);
  sesame_probe_session_set_check_url (session, servers->check_url);

  return TRUE;
}

static void
apply_settings (SesameApplication  *self,
                SesameProbeSession *session)
{
  g_auto(GStrv) stun = NULL;
  g_auto(GStrv) ip_urls = NULL;
  g_autofree char *check_url = NULL;
  g_autofree char *reflector = NULL;

  if (self->settings == NULL)
    return;

  reflector = g_settings_get_string (self->settings, "reflector");
  if (*reflector == '\0' || !use_reflector (session, reflector))
    {
      stun = g_settings_get_strv (self->settings, "stun-servers");
      ip_urls = g_settings_get_strv (self->settings, "ip-urls");
      check_url = g_settings_get_string (self->settings, "check-url");

      sesame_probe_session_set_stun_servers (session, (const char * const *) stun);
      sesame_probe_session_set_ip_urls (session, (const char * const *) ip_urls);
      sesame_probe_session_set_check_url (session, check_url);
    }
  sesame_probe_session_set_internet (session, g_settings_get_boolean (self->settings, "contact-internet"));
}

/* Preferences apply to the next run of every window; a server given on
 * the command line gives way to a later choice in the preferences */
static void
on_settings_changed (SesameApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SESAME_IS_WINDOW (l->data))
      apply_settings (self, sesame_window_get_session (l->data));
}

/* The servers of this run: settings, then the command line over them */
static SesameProbeSession *
new_session (SesameApplication *self,
             GVariantDict      *options)
{
  SesameProbeSession *session = sesame_probe_session_new ();
  g_autofree const char **stun = NULL;
  g_autofree const char **ip_urls = NULL;
  const char *check_url = NULL;
  const char *reflector = NULL;

  apply_settings (self, session);

  if (options == NULL)
    return session;

  /* handle_local_options() checked it */
  if (g_variant_dict_lookup (options, "reflector", "&s", &reflector))
    use_reflector (session, reflector);
  if (g_variant_dict_lookup (options, "stun", "^a&s", &stun))
    sesame_probe_session_set_stun_servers (session, stun);
  if (g_variant_dict_lookup (options, "ip-url", "^a&s", &ip_urls))
    sesame_probe_session_set_ip_urls (session, ip_urls);
  if (g_variant_dict_lookup (options, "check-url", "&s", &check_url))
    sesame_probe_session_set_check_url (session, check_url);
  if (g_variant_dict_contains (options, "no-internet"))
    sesame_probe_session_set_internet (session, FALSE);

  return session;
}

/* The language of checklists for a plan that names none: the setting,
 * where "desktop" follows the UI */
static void
default_report_language (SesameApplication *self,
                         SesamePlan        *plan)
{
  g_autofree char *setting = NULL;

  if (sesame_plan_get_language (plan) != NULL)
    return;

  if (self->settings != NULL)
    setting = g_settings_get_string (self->settings, "report-language");

  if (setting != NULL && sesame_translation_is_supported (setting))
    sesame_plan_set_language (plan, setting);
  else
    sesame_plan_set_language (plan, sesame_gui_get_ui_language ());
}

/* The window opens as large as it was last closed */
static SesameWindow *
new_window (SesameApplication  *self,
            SesamePlan         *plan,
            SesameCatalog      *catalog,
            SesameProbeSession *session)
{
  SesameWindow *window = sesame_window_new (GTK_APPLICATION (self), plan, catalog, session);

  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "window-width", window, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", window, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", window, "maximized", G_SETTINGS_BIND_DEFAULT);
    }

  return window;
}

/* A window on the plan saved by the last run, or on a new one. A saved
 * plan that cannot be read is moved aside and said so; one from a newer
 * Sesame is left alone and nothing is saved over it. */
static SesameWindow *
open_saved (SesameApplication  *self,
            SesameCatalog      *catalog,
            SesameProbeSession *session)
{
  g_autoptr(SesameStore) store = sesame_store_new (NULL, NULL);
  g_autoptr(SesamePlan) plan = NULL;
  g_autofree char *moved_aside = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GError) error = NULL;
  SesameWindow *window;
  gboolean returning;

  plan = sesame_store_load_plan (store, catalog, &moved_aside, &error);
  returning = plan != NULL;

  if (moved_aside != NULL)
    /* Translators: the first %s is a file name, the second the reason */
    notice = g_strdup_printf (_("Your saved plan could not be read, so Sesame starts a new one. The old file was kept as %s (%s)."),
                              moved_aside, error->message);
  else if (g_error_matches (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_NEWER))
    {
      /* Translators: %s is a file name */
      notice = g_strdup_printf (_("Your saved plan %s was written by a newer version of Sesame. It is left as it is, and nothing you do here is saved over it."),
                                sesame_store_get_plan_path (store));
      g_clear_object (&store);
    }
  else if (error != NULL)
    {
      /* Translators: the first %s is a file name, the second the reason */
      notice = g_strdup_printf (_("Your saved plan %s could not be opened (%s). It is left as it is, and nothing you do here is saved over it."),
                                sesame_store_get_plan_path (store), error->message);
      g_clear_object (&store);
    }

  if (plan == NULL)
    plan = sesame_plan_new ();
  default_report_language (self, plan);

  window = new_window (self, plan, catalog, session);
  sesame_window_set_store (window, store, returning, notice);

  return window;
}

static int
sesame_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *command_line)
{
  SesameApplication *self = SESAME_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(SesameProbeSession) session = NULL;
  g_autoptr(GError) error = NULL;
  SesameCatalog *catalog;
  SesameWindow *window;
  const char *plan_arg = NULL;
  const char *page = NULL;
  const char *lang = NULL;

  if (!(catalog = get_catalog (self, &error)))
    {
      /* Translators: %s is the reason */
      g_application_command_line_printerr (command_line, _("Cannot load the catalog: %s\n"), error->message);
      return 1;
    }

  session = new_session (self, options);

  if (g_variant_dict_lookup (options, "plan", "^&ay", &plan_arg))
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, plan_arg);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(SesamePlan) plan = NULL;

      if (path == NULL || !(plan = sesame_plan_load_from_file (path, catalog, &error)))
        {
          /* Translators: the first %s is a file name, the second the reason */
          g_application_command_line_printerr (command_line, _("Cannot open the plan %s: %s\n"),
                                               plan_arg,
                                               error != NULL ? error->message : _("not a local file"));
          return 1;
        }

      if (g_variant_dict_lookup (options, "lang", "&s", &lang))
        sesame_plan_set_language (plan, lang);
      default_report_language (self, plan);

      /* A plan from a file is the person's own: "Save Plan" writes it, the store is left alone */
      window = new_window (self, plan, catalog, session);
    }
  else
    {
      window = open_saved (self, catalog, session);
      if (g_variant_dict_lookup (options, "lang", "&s", &lang))
        sesame_plan_set_language (sesame_window_get_plan (window), lang);
    }

  /* handle_local_options() checked the name */
  if (g_variant_dict_lookup (options, "page", "&s", &page))
    sesame_window_set_page (window, page);

  gtk_window_present (GTK_WINDOW (window));

  return 0;
}

static void
sesame_application_activate (GApplication *app)
{
  SesameApplication *self = SESAME_APPLICATION (app);
  g_autoptr(SesameProbeSession) session = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  SesameCatalog *catalog;

  if ((window = gtk_application_get_active_window (GTK_APPLICATION (self))) != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (!(catalog = get_catalog (self, &error)))
    {
      g_critical ("Cannot load the catalog: %s", error->message);
      return;
    }

  session = new_session (self, NULL);
  gtk_window_present (GTK_WINDOW (open_saved (self, catalog, session)));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows;

  /* Close windows one by one as their close button does, so pages get
   * leave() and cancel their work, and answers not saved yet are saved
   * (gtk_window_destroy () alone skips close-request, and drops them) */
  windows = g_list_copy_deep (gtk_application_get_windows (app), (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);

  /* Whatever would not close */
  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Sesame authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Sesame"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Open your home server to the internet, with a printable checklist of router and firewall settings"),
                         "developers", developers,
                         /* Translators: your name(s), one a line */
                         "translator-credits", _("translator-credits"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SesameApplication *self = user_data;
  GtkWidget *window;

  if (self->settings == NULL)
    return;

  window = sesame_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (window),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (window));
}

/* A shortcuts window shown on its own finds no keys for an action (only a
 * window's help overlay does): each shortcut under @widget that names an
 * action shows the keys the application gives that action */
static void
show_action_keys (GtkApplication *app,
                  GtkWidget      *widget)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *action_name = NULL;
      g_auto(GStrv) keys = NULL;
      g_autofree char *accelerator = NULL;

      g_object_get (widget, "action-name", &action_name, NULL);
      if (action_name == NULL)
        return;

      keys = gtk_application_get_accels_for_action (app, action_name);
      accelerator = g_strjoinv (" ", keys);
      g_object_set (widget, "accelerator", accelerator, NULL);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    show_action_keys (app, child);
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/sesame-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  show_action_keys (app, GTK_WIDGET (window));

  gtk_window_set_transient_for (window, gtk_application_get_active_window (app));
  gtk_window_present (window);
}

static const GActionEntry app_entries[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "shortcuts", .activate = shortcuts_activated },
};

static void
sesame_application_startup (GApplication *app)
{
  SesameApplication *self = SESAME_APPLICATION (app);
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit",      { "<Control>q", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.back",      { "<Alt>Left", "<Control>Page_Up", NULL } },
    { "win.next",      { "<Alt>Right", "<Control>Page_Down", NULL } },
  };

  G_APPLICATION_CLASS (sesame_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_entries, G_N_ELEMENTS (app_entries),
                                   app);

  /* Settings only where the schema is installed (or GSETTINGS_SCHEMA_DIR points at it) */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = NULL;

    if (source != NULL && (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) != NULL)
      {
        self->settings = g_settings_new (APP_ID);
        g_signal_connect_object (self->settings, "changed",
                                 G_CALLBACK (on_settings_changed), self,
                                 G_CONNECT_SWAPPED);
      }
    else
      g_message ("The settings schema %s is not installed; using the built-in servers", APP_ID);
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app), "preferences")),
                                 self->settings != NULL);
  }

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           accels[i].action,
                                           accels[i].accels);
}

static void
sesame_application_dispose (GObject *object)
{
  SesameApplication *self = SESAME_APPLICATION (object);

  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sesame_application_parent_class)->dispose (object);
}

static void
sesame_application_class_init (SesameApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  sesame_gui_ensure_resources ();

  object_class->dispose = sesame_application_dispose;

  app_class->handle_local_options = sesame_application_handle_local_options;
  app_class->command_line = sesame_application_command_line;
  app_class->activate = sesame_application_activate;
  app_class->startup = sesame_application_startup;
}

static void
sesame_application_init (SesameApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Get a home server reachable from the internet."));
}

SesameApplication *
sesame_application_new (void)
{
  return g_object_new (SESAME_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
