/* sesame-gui.c
 *
 * The templates are compiled with --manual-register: a constructor in a
 * static library is dropped by the linker when nothing refers to it, so the
 * classes that load templates register the resource themselves, once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

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

/**
 * sesame_gui_dup_router_name:
 * @router: a router of the catalog
 *
 * The router as the wizard names it, in the wizard's language: maker and
 * model, such as "Buffalo BBR-4MG"; the model alone when it starts with
 * the maker's name ("OpenWrt (LuCI)", "Other or unknown router").
 *
 * Returns: (transfer full): the name
 */
char *
sesame_gui_dup_router_name (const SesameRouter *router)
{
  const char *language = sesame_gui_get_ui_language ();
  const char *vendor;
  const char *model;

  g_return_val_if_fail (router != NULL, NULL);

  vendor = sesame_text_get (&router->vendor, language);
  model = sesame_text_get (&router->model, language);
  if (g_str_has_prefix (model, vendor))
    return g_strdup (model);

  /* Translators: a router's maker and model, such as "Buffalo BBR-4MG" */
  return g_strdup_printf (C_("router name", "%s %s"), vendor, model);
}
