/* sesame-services-page.h: what the server offers, and custom ports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

#define SESAME_TYPE_SERVICES_PAGE (sesame_services_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameServicesPage, sesame_services_page, SESAME, SERVICES_PAGE, SesamePage)

G_END_DECLS
