/* sesame-gui.h: what the wizard's types share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sesame-catalog.h"

G_BEGIN_DECLS

gboolean    sesame_gui_init                  (void);
gboolean    sesame_gui_gl_driver_is_software (const char         *path);
void        sesame_gui_ensure_resources      (void);
const char *sesame_gui_get_ui_language       (void);
char       *sesame_gui_dup_router_name       (const SesameRouter *router);
void        sesame_gui_set_tooltip           (GtkWidget          *widget,
                                              const char         *text);
const char *sesame_gui_get_tooltip           (GtkWidget          *widget);
void        sesame_gui_measure_when_revealed (GtkRevealer        *revealer);
void        sesame_gui_preload_icon_theme    (GdkDisplay         *display);

G_END_DECLS
