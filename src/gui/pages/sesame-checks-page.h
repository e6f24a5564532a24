/* sesame-checks-page.h: the network checks, one live row each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

#define SESAME_TYPE_CHECKS_PAGE (sesame_checks_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameChecksPage, sesame_checks_page, SESAME, CHECKS_PAGE, SesamePage)

G_END_DECLS
