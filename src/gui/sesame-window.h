/* sesame-window.h: the wizard's window; it alone owns Back and Next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sesame-catalog.h"
#include "sesame-page.h"
#include "sesame-plan.h"
#include "sesame-probe-session.h"
#include "sesame-store.h"

G_BEGIN_DECLS

#define SESAME_TYPE_WINDOW (sesame_window_get_type ())

G_DECLARE_FINAL_TYPE (SesameWindow, sesame_window, SESAME, WINDOW, AdwApplicationWindow)

SesameWindow *sesame_window_new            (GtkApplication     *application,
                                            SesamePlan         *plan,
                                            SesameCatalog      *catalog,
                                            SesameProbeSession *session);
SesameProbeSession *sesame_window_get_session (SesameWindow *self);

gboolean      sesame_window_has_page       (const char     *name);
gboolean      sesame_window_set_page       (SesameWindow   *self,
                                            const char     *name);
const char   *sesame_window_get_page_name  (SesameWindow   *self);
SesamePage   *sesame_window_get_page       (SesameWindow   *self,
                                            const char     *name);
SesamePlan   *sesame_window_get_plan       (SesameWindow   *self);
SesamePlan   *sesame_window_get_previous_plan (SesameWindow *self);
void          sesame_window_set_store      (SesameWindow   *self,
                                            SesameStore    *store,
                                            gboolean        returning,
                                            const char     *notice);
void          sesame_window_add_toast      (SesameWindow   *self,
                                            AdwToast       *toast);

G_END_DECLS
