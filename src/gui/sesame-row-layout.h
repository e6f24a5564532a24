/* sesame-row-layout.h: a one-pass layout for the header of libadwaita's rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SESAME_TYPE_ROW_LAYOUT (sesame_row_layout_get_type ())

G_DECLARE_FINAL_TYPE (SesameRowLayout, sesame_row_layout, SESAME, ROW_LAYOUT, GtkLayoutManager)

GtkLayoutManager *sesame_row_layout_new     (GtkOrientation     orientation,
                                             int                spacing);
gboolean          sesame_row_layout_install (AdwPreferencesRow *row);

G_END_DECLS
