/* sesame-router-page.h: which router, and how the home connects to the internet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

#define SESAME_TYPE_ROUTER_PAGE (sesame_router_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameRouterPage, sesame_router_page, SESAME, ROUTER_PAGE, SesamePage)

void sesame_router_page_choose_new (SesameRouterPage *self);

G_END_DECLS
