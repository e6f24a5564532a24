/* sesame-gui.c
 *
 * The templates are compiled with --manual-register: a constructor in a
 * static library is dropped by the linker when nothing refers to it, so the
 * classes that load templates register the resource themselves, once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* dl_iterate_phdr () */
#include "config.h"

#include <link.h>

#include <adwaita.h>
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

/* Mesa's software rasterizers (llvmpipe, softpipe) load as these drivers,
 * on X11 and Wayland, through EGL or GLX */
static const char * const software_gl_drivers[] = { "swrast_dri.so", "kms_swrast_dri.so" };

/**
 * sesame_gui_gl_driver_is_software:
 * @path: the file name of a loaded library
 *
 * Whether @path is the driver of a GL rasterized on the CPU.
 *
 * Returns: %TRUE for Mesa's software drivers
 */
gboolean
sesame_gui_gl_driver_is_software (const char *path)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  name = g_path_get_basename (path);
  for (guint i = 0; i < G_N_ELEMENTS (software_gl_drivers); i++)
    if (g_str_equal (name, software_gl_drivers[i]))
      return TRUE;

  return FALSE;
}

static int
find_software_gl (struct dl_phdr_info *info,
                  size_t               size,
                  gpointer             data)
{
  gboolean *software = data;

  if (info->dlpi_name != NULL && *info->dlpi_name != '\0' &&
      sesame_gui_gl_driver_is_software (info->dlpi_name))
    *software = TRUE;

  return *software ? 1 : 0;
}

/* libadwaita 1.2 holds CSS transitions back for 250 ms whenever it sets
 * up a display's style sheets, as it does in adw_init () (AdwStyleManager's
 * update_stylesheet (): a style provider that says "* { transition: none; }",
 * taken back by a 250 ms timeout). Taking it back restyles every widget of
 * every window, 10 to 13 ms on two slow cores for the checks page with its
 * rows: by then the window is on screen, showing its first results. At
 * start there is no window to restyle, nor any transition to hold back:
 * the timeout is made due and run now. Only for libadwaita 1.2, whose code
 * this follows; where the timeout is not found, nothing changes. */
static void
settle_style (GdkDisplay *display)
{
  AdwStyleManager *manager;
  GSource *source;

  if (adw_get_major_version () != 1 || adw_get_minor_version () != 2)
    return;

  /* The one timeout libadwaita adds with the display's manager as its data */
  manager = adw_style_manager_get_for_display (display);
  source = g_main_context_find_source_by_funcs_user_data (NULL, &g_timeout_funcs, manager);
  if (source == NULL)
    return;

  g_source_ref (source);
  g_source_set_ready_time (source, 0);
  /* Due now: the next turn of the main loop runs it (bounded all the same) */
  for (guint i = 0; i < 8 && !g_source_is_destroyed (source); i++)
    g_main_context_iteration (NULL, FALSE);
  g_source_unref (source);
}

/**
 * sesame_gui_init:
 *
 * Initializes GTK for the wizard's windows, with the renderer they draw
 * with. GTK 4.8 draws with GL wherever GL works, also where the GL is Mesa
 * rasterizing on the CPU: a computer or a virtual machine without a GPU,
 * Xvfb, a VNC or remote desktop. There it cannot tell what changed (no
 * buffer age), so every frame is the whole window rasterized on the CPU,
 * 30 to 60 ms on two cores, and a page whose checks report their progress
 * holds the main loop that long at every step. The cairo renderer draws
 * only what changed: on a software GL the wizard asks for it. A
 * GSK_RENDERER the person set is theirs and stays. Then it initializes
 * libadwaita, its style settled before any window is styled (see
 * settle_style ()).
 *
 * Call it from main(), before any other thread starts and before the
 * application runs: it may set the environment, which GTK reads when it
 * realizes the first window, and it runs the main loop for a turn.
 *
 * Returns: %TRUE when GTK could open the display
 */
gboolean
sesame_gui_init (void)
{
  gboolean own_choice = g_getenv ("GSK_RENDERER") == NULL;
  gboolean software = FALSE;
  GdkDisplay *display;

  /* Set before GTK starts threads of its own (the GL driver's); only
   * taken back below when the GL is a GPU's */
  if (own_choice)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);

  if (!gtk_init_check ())
    {
      if (own_choice)
        g_unsetenv ("GSK_RENDERER");
      return FALSE;
    }

  display = gdk_display_get_default ();
  if (own_choice)
    {
      if (gdk_display_prepare_gl (display, NULL))
        dl_iterate_phdr (find_software_gl, &software);

      if (software)
        g_debug ("GL is rasterized on the CPU here: drawing with cairo");
      else
        g_unsetenv ("GSK_RENDERER");
    }

  adw_init ();
  settle_style (display);

  return TRUE;
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
 * change, dozens a frame, and one per button of a template (tooltip-text)
 * while the first window is built. This one asks nothing: the text is
 * there the next time a tooltip is asked for.
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

static void
on_reveal_child (GtkRevealer *revealer)
{
  GtkWidget *child = gtk_revealer_get_child (revealer);

  if (child == NULL)
    return;
  if (gtk_revealer_get_reveal_child (revealer))
    gtk_widget_set_visible (child, TRUE);
  else if (!gtk_revealer_get_child_revealed (revealer))
    gtk_widget_set_visible (child, FALSE);
}

/**
 * sesame_gui_measure_when_revealed:
 * @revealer: a revealer of a template
 *
 * A GtkRevealer of GTK 4.8 measures its child also while it is hidden,
 * at every relayout of the window: a hidden banner with a wrapping label
 * costs as much as a shown one. Here the child is hidden while the
 * revealer is, and shown when it starts to reveal it; the transitions
 * are those of the revealer.
 */
void
sesame_gui_measure_when_revealed (GtkRevealer *revealer)
{
  g_return_if_fail (GTK_IS_REVEALER (revealer));

  g_signal_connect (revealer, "notify::reveal-child", G_CALLBACK (on_reveal_child), NULL);
  g_signal_connect (revealer, "notify::child-revealed", G_CALLBACK (on_reveal_child), NULL);
  on_reveal_child (revealer);
}

static void
load_icon_theme_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  /* Looks up one icon: reads the themes' indexes, under the theme's lock */
  gtk_icon_theme_has_icon (GTK_ICON_THEME (task_data), "network-server-symbolic");
  g_task_return_boolean (task, TRUE);
}

/**
 * sesame_gui_preload_icon_theme:
 * @display: the display of the windows to come
 *
 * Reads the icon theme in a worker thread. GTK 4.8 reads it in one when
 * the display's theme is made, but an application's icon path, added as
 * it starts, throws that away, and the first icon of the first window
 * then reads it all again on the main thread. Called before a window is
 * built, the reading goes on while the window is built; a lookup that
 * comes first waits for it, as it would have read it itself. Lookups are
 * thread-safe once the theme is set up (gtk/gtkicontheme.c).
 */
void
sesame_gui_preload_icon_theme (GdkDisplay *display)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GDK_IS_DISPLAY (display));

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, sesame_gui_preload_icon_theme);
  g_task_set_task_data (task, g_object_ref (gtk_icon_theme_get_for_display (display)), g_object_unref);
  g_task_run_in_thread (task, load_icon_theme_thread);
}
