/* sesame-host-page.h: which computer serves, at which address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

#define SESAME_TYPE_HOST_PAGE (sesame_host_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameHostPage, sesame_host_page, SESAME, HOST_PAGE, SesamePage)

G_END_DECLS
