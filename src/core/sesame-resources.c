/* sesame-resources.c
 *
 * The core is a static library; a resource registered from a constructor
 * would be dropped by the linker when nothing refers to it, so it is
 * registered on first use instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "sesame-core-resources.h"
#include "sesame-resources.h"

void
sesame_resources_ensure (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      sesame_core_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}
