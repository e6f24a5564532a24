/* sesame-welcome-page.c
 *
 * Two faces: a new setup ("Start"), or "Welcome back" with what the saved
 * plan set up and the three reasons people come back: the router was
 * replaced, to check again, to change the services. Above both, notices
 * the window passes on: a saved plan that could not be read (moved aside,
 * never overwritten) and a router that looks different from last time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-welcome-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-gui.h"
#include "sesame-row-layout.h"
#include "sesame-welcome-page.h"

struct _SesameWelcomePage
{
  SesamePage            parent_instance;

  /* template widgets */
  GtkRevealer          *moved_aside_revealer;
  GtkLabel             *moved_aside_label;
  GtkRevealer          *router_changed_revealer;
  GtkLabel             *router_changed_label;
  GtkExpander          *router_changed_expander;
  GtkLabel             *router_changed_details;
  GtkLabel             *heading_label;
  GtkStack             *mode_stack;
  AdwActionRow         *router_row;
  AdwActionRow         *host_row;
  AdwActionRow         *services_row;
  AdwPreferencesGroup  *servers_group;
  GtkButton            *start_button;
  GtkButton            *check_again_button;
  GtkButton            *replace_router_button;
  GtkButton            *change_services_button;

  GPtrArray            *server_rows;   /* element-type GtkWidget: unowned, in servers_group */
  gboolean              returning;
};

G_DEFINE_FINAL_TYPE (SesameWelcomePage, sesame_welcome_page, SESAME_TYPE_PAGE)

static void
add_server_row (SesameWelcomePage *self,
                const char        *server,
                const char        *purpose)
{
  GtkWidget *row = adw_action_row_new ();

  g_assert (server != NULL);

  /* Server names and URLs are not markup ("&" in query strings) */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), server);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), purpose);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Measured in one pass, as the checks page's rows (sesame-row-layout.c) */
  sesame_row_layout_install (ADW_PREFERENCES_ROW (row));
  adw_preferences_group_add (self->servers_group, row);
  g_ptr_array_add (self->server_rows, row);
}

/* The servers of this window's checks: settings and command line, or none */
static void
update_servers (SesameWelcomePage *self)
{
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));
  g_autoptr(GPtrArray) servers = NULL;

  for (guint i = 0; i < self->server_rows->len; i++)
    adw_preferences_group_remove (self->servers_group, g_ptr_array_index (self->server_rows, i));
  g_ptr_array_set_size (self->server_rows, 0);

  if (session == NULL)
    return;

  servers = sesame_probe_session_list_servers (session);
  for (guint i = 0; i < servers->len; i++)
    {
      const SesameProbeServer *server = g_ptr_array_index (servers, i);

      add_server_row (self, server->server, server->purpose);
    }

  if (servers->len == 0)
    {
      adw_preferences_group_set_title (self->servers_group, _("No Servers on the Internet"));
      adw_preferences_group_set_description (self->servers_group,
                                             _("Sesame was told not to contact servers on the internet. It asks only this computer and your router, so your public address and whether your ports can be reached from outside stay unknown."));
    }
  else
    {
      adw_preferences_group_set_title (self->servers_group, _("Servers Sesame Will Contact"));
      adw_preferences_group_set_description (self->servers_group,
                                             _("To see your network from the outside, Sesame asks these servers for your public address and whether your ports can be reached. They see your public address; nothing from your plan is sent."));
    }
}

static char *
router_summary (SesameWelcomePage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  const SesameRouter *router = sesame_catalog_lookup_router (catalog, sesame_plan_get_router_id (plan));
  const char *address = sesame_plan_get_router_address (plan);
  g_autofree char *name = NULL;

  if (router == NULL)
    return g_strdup (sesame_plan_get_router_id (plan));

  name = sesame_gui_dup_router_name (router);
  if (address != NULL)
    /* Translators: a router's name, then its address, e.g. "Buffalo BBR-4MG at 192.168.11.1" */
    return g_strdup_printf (_("%s at %s"), name, address);

  return g_steal_pointer (&name);
}

static void
update_summary (SesameWelcomePage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  const char * const *services = sesame_plan_get_services (plan);
  GPtrArray *rules = sesame_plan_get_custom_rules (plan);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *router = router_summary (self);
  g_autofree char *host = NULL;
  const char *host_name = sesame_plan_get_host_name (plan);
  const char *host_address = sesame_plan_get_host_address (plan);

  adw_action_row_set_subtitle (self->router_row, router);

  if (host_name != NULL && host_address != NULL)
    /* Translators: a computer's name and its address, e.g. "mac-mini at 192.168.11.5" */
    host = g_strdup_printf (_("%s at %s"), host_name, host_address);
  else
    host = g_strdup (host_address != NULL ? host_address : host_name != NULL ? host_name : _("Not chosen yet"));
  adw_action_row_set_subtitle (self->host_row, host);

  for (guint i = 0; services != NULL && services[i] != NULL; i++)
    {
      const SesameService *service = sesame_catalog_lookup_service (catalog, services[i]);

      if (names->len > 0)
        /* Translators: between the names of services in a list */
        g_string_append (names, _(", "));
      g_string_append (names, service != NULL ? _(service->name) : services[i]);
    }
  for (guint i = 0; rules != NULL && i < rules->len; i++)
    {
      const SesameCustomRule *rule = g_ptr_array_index (rules, i);

      if (names->len > 0)
        g_string_append (names, _(", "));
      g_string_append (names, rule->name);
    }
  adw_action_row_set_subtitle (self->services_row, names->len > 0 ? names->str : _("None yet"));
}

static void
sesame_welcome_page_shown (SesamePage *page)
{
  SesameWelcomePage *self = SESAME_WELCOME_PAGE (page);

  update_servers (self);
  if (self->returning)
    update_summary (self);
}

static void
sesame_welcome_page_constructed (GObject *object)
{
  SesameWelcomePage *self = SESAME_WELCOME_PAGE (object);

  G_OBJECT_CLASS (sesame_welcome_page_parent_class)->constructed (object);

  update_servers (self);

  /* Nothing to answer here */
  sesame_page_set_complete (SESAME_PAGE (self), TRUE);
}

static void
sesame_welcome_page_dispose (GObject *object)
{
  SesameWelcomePage *self = SESAME_WELCOME_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_WELCOME_PAGE);
  g_clear_pointer (&self->server_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sesame_welcome_page_parent_class)->dispose (object);
}

static void
sesame_welcome_page_class_init (SesameWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SesamePageClass *page_class = SESAME_PAGE_CLASS (klass);

  object_class->constructed = sesame_welcome_page_constructed;
  object_class->dispose = sesame_welcome_page_dispose;

  page_class->shown = sesame_welcome_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, moved_aside_revealer);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, moved_aside_label);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, router_changed_revealer);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, router_changed_label);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, router_changed_expander);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, router_changed_details);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, heading_label);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, router_row);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, host_row);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, services_row);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, servers_group);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, start_button);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, check_again_button);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, replace_router_button);
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, change_services_button);
}

static void
sesame_welcome_page_init (SesameWelcomePage *self)
{
  self->server_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  sesame_gui_measure_when_revealed (self->moved_aside_revealer);
  sesame_gui_measure_when_revealed (self->router_changed_revealer);
  sesame_row_layout_install (ADW_PREFERENCES_ROW (self->router_row));
  sesame_row_layout_install (ADW_PREFERENCES_ROW (self->host_row));
  sesame_row_layout_install (ADW_PREFERENCES_ROW (self->services_row));
  /* Not in the template: see sesame_gui_set_tooltip () */
  sesame_gui_set_tooltip (GTK_WIDGET (self->start_button), _("Begin with your router"));
  sesame_gui_set_tooltip (GTK_WIDGET (self->check_again_button), _("Run the network checks for the same setup"));
  sesame_gui_set_tooltip (GTK_WIDGET (self->replace_router_button),
                          _("Keep your services and set them up on the new router"));
  sesame_gui_set_tooltip (GTK_WIDGET (self->change_services_button), _("Add or remove what the server offers"));
}

/**
 * sesame_welcome_page_set_returning:
 * @self: the page
 * @returning: whether the plan is one saved by an earlier run
 *
 * Shows "Welcome back" with what the plan set up, instead of "Start".
 */
void
sesame_welcome_page_set_returning (SesameWelcomePage *self,
                                   gboolean           returning)
{
  g_return_if_fail (SESAME_IS_WELCOME_PAGE (self));

  self->returning = !!returning;
  gtk_stack_set_visible_child_name (self->mode_stack, self->returning ? "returning" : "new");
  gtk_label_set_label (self->heading_label,
                       self->returning ? _("Welcome Back")
                                       : _("Open Your Home Server to the Internet"));
  if (self->returning)
    update_summary (self);
}

gboolean
sesame_welcome_page_get_returning (SesameWelcomePage *self)
{
  g_return_val_if_fail (SESAME_IS_WELCOME_PAGE (self), FALSE);

  return self->returning;
}

/**
 * sesame_welcome_page_set_plan_notice:
 * @self: the page
 * @text: (nullable): what happened to the saved plan, e.g. that it could not
 *   be read and was moved aside; %NULL for nothing to say
 */
void
sesame_welcome_page_set_plan_notice (SesameWelcomePage *self,
                                     const char        *text)
{
  g_return_if_fail (SESAME_IS_WELCOME_PAGE (self));

  gtk_label_set_label (self->moved_aside_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->moved_aside_revealer, text != NULL);
}

/**
 * sesame_welcome_page_set_router_changes:
 * @self: the page
 * @changes: (nullable) (element-type utf8): what says the router is
 *   another one since the last run, one sentence each; %NULL or empty for none
 */
void
sesame_welcome_page_set_router_changes (SesameWelcomePage *self,
                                        GPtrArray         *changes)
{
  g_autoptr(GString) text = NULL;

  g_return_if_fail (SESAME_IS_WELCOME_PAGE (self));

  if (changes == NULL || changes->len == 0)
    {
      gtk_revealer_set_reveal_child (self->router_changed_revealer, FALSE);
      return;
    }

  /* In plain words; what gave it away (addresses, names) behind the expander */
  text = g_string_new (NULL);
  for (guint i = 0; i < changes->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_ptr_array_index (changes, i));
    }

  gtk_label_set_label (self->router_changed_label,
                       _("Your home network looks different since Sesame last checked it: the router seems to be a new one. If you replaced it, Sesame helps you set up the new one; your services stay as they are."));
  gtk_label_set_label (self->router_changed_details, text->str);
  gtk_expander_set_expanded (self->router_changed_expander, FALSE);
  gtk_revealer_set_reveal_child (self->router_changed_revealer, TRUE);
}

/**
 * sesame_welcome_page_dup_notice:
 * @self: the page
 *
 * Returns: (transfer full): the notices shown at the top, one a line; empty when none
 */
char *
sesame_welcome_page_dup_notice (SesameWelcomePage *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (SESAME_IS_WELCOME_PAGE (self), NULL);

  if (gtk_revealer_get_reveal_child (self->moved_aside_revealer))
    g_string_append_printf (text, "%s\n", gtk_label_get_label (self->moved_aside_label));
  if (gtk_revealer_get_reveal_child (self->router_changed_revealer))
    g_string_append_printf (text, "%s\n%s\n", gtk_label_get_label (self->router_changed_label),
                            gtk_label_get_label (self->router_changed_details));

  return g_string_free (text, FALSE);
}
