/* sesame-gui.c
 *
 * The templates are compiled with --manual-register: a constructor in a
 * static library is dropped by the linker when nothing refers to it, so the
 * classes that load templates register the resource themselves, once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sesame-gui.h"
#include "sesame-gui-resources.h"

void
sesame_gui_ensure_resources (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      sesame_gui_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}
