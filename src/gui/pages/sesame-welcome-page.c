/* sesame-welcome-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-welcome-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-prober.h"
#include "sesame-welcome-page.h"

struct _SesameWelcomePage
{
  SesamePage            parent_instance;

  AdwPreferencesGroup  *servers_group;
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
  adw_preferences_group_add (self->servers_group, row);
}

static void
sesame_welcome_page_constructed (GObject *object)
{
  SesameWelcomePage *self = SESAME_WELCOME_PAGE (object);
  const char * const *stun = sesame_prober_get_default_stun_servers ();
  const char * const *ip_urls = sesame_prober_get_default_ip_urls ();
  const char *check_url = sesame_prober_get_default_check_url ();

  G_OBJECT_CLASS (sesame_welcome_page_parent_class)->constructed (object);

  /* TODO: the servers of this run (--stun, --ip-url, --check-url, settings) */
  for (guint i = 0; stun != NULL && stun[i] != NULL; i++)
    add_server_row (self, stun[i], _("STUN: your public address and how your router translates addresses"));
  for (guint i = 0; ip_urls != NULL && ip_urls[i] != NULL; i++)
    add_server_row (self, ip_urls[i], _("Your public address, over HTTPS"));
  if (check_url != NULL)
    add_server_row (self, check_url, _("Whether the ports you open can be reached from outside"));

  /* Nothing to answer here */
  sesame_page_set_complete (SESAME_PAGE (self), TRUE);
}

static void
sesame_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (sesame_welcome_page_parent_class)->dispose (object);
}

static void
sesame_welcome_page_class_init (SesameWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sesame_welcome_page_constructed;
  object_class->dispose = sesame_welcome_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameWelcomePage, servers_group);
}

static void
sesame_welcome_page_init (SesameWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
