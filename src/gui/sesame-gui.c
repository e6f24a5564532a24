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

/**
 * sesame_gui_get_ui_language:
 *
 * The language the wizard speaks: "ja" when the person's languages put
 * Japanese before English (the one translation there is), else "en". For
 * catalog texts that come in both languages, such as router vendors.
 *
 * Returns: "ja" or "en"
 */
const char *
sesame_gui_get_ui_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "ja"))
        return "ja";
      if (g_str_has_prefix (names[i], "en") || g_str_equal (names[i], "C"))
        return "en";
    }

  return "en";
}
