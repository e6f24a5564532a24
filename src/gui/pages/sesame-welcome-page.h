/* sesame-welcome-page.h: what Sesame will do, and whom it will ask
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

#define SESAME_TYPE_WELCOME_PAGE (sesame_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameWelcomePage, sesame_welcome_page, SESAME, WELCOME_PAGE, SesamePage)

G_END_DECLS
