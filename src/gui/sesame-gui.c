/* sesame-gui.c
 *
 * The templates are compiled with --manual-register: a constructor in a
 * static library is dropped by the linker when nothing refers to it, so the
 * classes that load templates register the resource themselves, once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-gui.h"
#include "sesame-gui-resources.h"

void
sesame_gui_ensure_resources (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      sesame_gui_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

/**
 * sesame_gui_get_ui_language:
 *
 * The language the wizard speaks: "ja" when the person's languages put
 * Japanese before English (the one translation there is), else "en". For
 * catalog texts that come in both languages, such as router vendors.
 *
 * Returns: "ja" or "en"
 */
const char *
sesame_gui_get_ui_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "ja"))
        return "ja";
      if (g_str_has_prefix (names[i], "en") || g_str_equal (names[i], "C"))
        return "en";
    }

  return "en";
}

/**
 * sesame_gui_dup_router_name:
 * @router: a router of the catalog
 *
 * The router as the wizard names it, in the wizard's language: maker and
 * model, such as "Buffalo BBR-4MG"; the model alone when it starts with
 * the maker's name ("OpenWrt (LuCI)", "Other or unknown router").
 *
 * Returns: (transfer full): the name
 */
char *
sesame_gui_dup_router_name (const SesameRouter *router)
{
  const char *language = sesame_gui_get_ui_language ();
  const char *vendor;
  const char *model;

  g_return_val_if_fail (router != NULL, NULL);

  vendor = sesame_text_get (&router->vendor, language);
  model = sesame_text_get (&router->model, language);
  if (g_str_has_prefix (model, vendor))
    return g_strdup (model);

  /* Translators: a router's maker and model, such as "Buffalo BBR-4MG" */
  return g_strdup_printf (C_("router name", "%s %s"), vendor, model);
}

static gboolean
on_query_quiet_tooltip (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard_mode,
                        GtkTooltip *tooltip,
                        gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "sesame-tooltip");

  if (text == NULL || *text == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/**
 * sesame_gui_set_tooltip:
 * @widget: a widget
 * @text: (nullable): its tooltip, or %NULL for none
 *
 * Gives @widget a tooltip that is read when the pointer rests on it, and
 * the same words as its accessible description, as
 * gtk_widget_set_tooltip_text () does. That function also asks the
 * display where the pointer is, at once, to show the new text if it is
 * there: under X11 a round trip to the server each time, which on a
 * widget that changes as results come in (a check's icon) is one per
 * change, dozens a frame. This one asks nothing: the text is there the
 * next time a tooltip is asked for.
 */
void
sesame_gui_set_tooltip (GtkWidget  *widget,
                        const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (g_object_get_data (G_OBJECT (widget), "sesame-tooltip"), text) == 0 &&
      gtk_widget_get_has_tooltip (widget) == (text != NULL))
    return;

  if (g_signal_handler_find (widget, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_query_quiet_tooltip, NULL) == 0)
    g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_quiet_tooltip), NULL);

  g_object_set_data_full (G_OBJECT (widget), "sesame-tooltip", g_strdup (text), g_free);
  gtk_widget_set_has_tooltip (widget, text != NULL);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/**
 * sesame_gui_get_tooltip:
 * @widget: a widget
 *
 * Returns: (nullable): the tooltip sesame_gui_set_tooltip () gave @widget
 */
const char *
sesame_gui_get_tooltip (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  return g_object_get_data (G_OBJECT (widget), "sesame-tooltip");
}
