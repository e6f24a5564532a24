/* sesame-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-preferences-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-gui.h"
#include "sesame-preferences-window.h"

struct _SesamePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (SesamePreferencesWindow, sesame_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
sesame_preferences_window_dispose (GObject *object)
{
  SesamePreferencesWindow *self = SESAME_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SESAME_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sesame_preferences_window_parent_class)->dispose (object);
}

static void
sesame_preferences_window_class_init (SesamePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  sesame_gui_ensure_resources ();

  object_class->dispose = sesame_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-preferences-window.ui");
}

static void
sesame_preferences_window_init (SesamePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sesame_preferences_window_new (GSettings *settings)
{
  SesamePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SESAME_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  return GTK_WIDGET (self);
}
