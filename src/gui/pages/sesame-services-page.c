/* sesame-services-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-services-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-services-page.h"

struct _SesameServicesPage
{
  SesamePage  parent_instance;
};

G_DEFINE_FINAL_TYPE (SesameServicesPage, sesame_services_page, SESAME_TYPE_PAGE)

static void
sesame_services_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (sesame_services_page_parent_class)->constructed (object);

  sesame_page_set_complete (SESAME_PAGE (object), TRUE);
}

static void
sesame_services_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_SERVICES_PAGE);

  G_OBJECT_CLASS (sesame_services_page_parent_class)->dispose (object);
}

static void
sesame_services_page_class_init (SesameServicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sesame_services_page_constructed;
  object_class->dispose = sesame_services_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-services-page.ui");
}

static void
sesame_services_page_init (SesameServicesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
