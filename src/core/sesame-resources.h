/* sesame-resources.h: the catalogs and message catalogs built into Sesame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void sesame_resources_ensure (void);

G_END_DECLS
