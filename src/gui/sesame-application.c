/* sesame-application.c
 *
 * sesame [--plan FILE] [--page welcome|router|host|services|checks|checklist] [--lang ja|en]
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
#include "sesame-plan.h"
#include "sesame-translation.h"
#include "sesame-window.h"

struct _SesameApplication
{
  AdwApplication  parent_instance;

  SesameCatalog  *catalog;   /* nullable: loaded on first use */
};

G_DEFINE_FINAL_TYPE (SesameApplication, sesame_application, ADW_TYPE_APPLICATION)

/* Every page --page accepts, including those not built yet */
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
  { NULL }
};

static int
sesame_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  const char *page = NULL;
  const char *lang = NULL;

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
    self->catalog = sesame_catalog_load_default (error);

  return self->catalog;
}

static int
sesame_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *command_line)
{
  SesameApplication *self = SESAME_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(SesamePlan) plan = NULL;
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

  if (g_variant_dict_lookup (options, "plan", "^&ay", &plan_arg))
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, plan_arg);
      g_autofree char *path = g_file_get_path (file);

      if (path == NULL || !(plan = sesame_plan_load_from_file (path, catalog, &error)))
        {
          /* Translators: the first %s is a file name, the second the reason */
          g_application_command_line_printerr (command_line, _("Cannot open the plan %s: %s\n"),
                                               plan_arg,
                                               error != NULL ? error->message : _("not a local file"));
          return 1;
        }
    }
  else
    {
      /* TODO: offer the saved plan ("Welcome back") once the welcome page does */
      plan = sesame_plan_new ();
    }

  if (g_variant_dict_lookup (options, "lang", "&s", &lang))
    sesame_plan_set_language (plan, lang);

  window = sesame_window_new (GTK_APPLICATION (self), plan, catalog);

  if (g_variant_dict_lookup (options, "page", "&s", &page) &&
      !sesame_window_set_page (window, page))
    /* Translators: %s is a page name from the command line */
    g_application_command_line_printerr (command_line,
                                         _("The “%s” page is not there yet; starting at the beginning\n"),
                                         page);

  gtk_window_present (GTK_WINDOW (window));

  return 0;
}

static void
sesame_application_activate (GApplication *app)
{
  SesameApplication *self = SESAME_APPLICATION (app);
  g_autoptr(SesamePlan) plan = NULL;
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

  plan = sesame_plan_new ();
  gtk_window_present (GTK_WINDOW (sesame_window_new (GTK_APPLICATION (self), plan, catalog)));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows;

  /* Close windows one by one so pages get leave() and cancel their work */
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
shortcuts_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/sesame-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, gtk_application_get_active_window (app));
  gtk_window_present (window);
}

static const GActionEntry app_entries[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
  { .name = "shortcuts", .activate = shortcuts_activated },
};

static void
sesame_application_startup (GApplication *app)
{
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit",      { "<Control>q", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "win.back",      { "<Alt>Left", "<Control>Page_Up", NULL } },
    { "win.next",      { "<Alt>Right", "<Control>Page_Down", NULL } },
  };

  G_APPLICATION_CLASS (sesame_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_entries, G_N_ELEMENTS (app_entries),
                                   app);

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
