/* sesame-welcome-page.h: what Sesame will do, and whom it will ask; "Welcome back" for a saved plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

#define SESAME_TYPE_WELCOME_PAGE (sesame_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameWelcomePage, sesame_welcome_page, SESAME, WELCOME_PAGE, SesamePage)

void     sesame_welcome_page_set_returning      (SesameWelcomePage  *self,
                                                 gboolean            returning);
gboolean sesame_welcome_page_get_returning      (SesameWelcomePage  *self);
void     sesame_welcome_page_set_plan_notice    (SesameWelcomePage  *self,
                                                 const char         *text);
void     sesame_welcome_page_set_router_changes (SesameWelcomePage  *self,
                                                 GPtrArray          *changes);
char    *sesame_welcome_page_dup_notice         (SesameWelcomePage  *self);

G_END_DECLS
