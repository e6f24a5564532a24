/* main.c: sesame, the wizard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "sesame-application.h"
#include "sesame-catalog.h"
#include "sesame-gui.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SesameApplication) app = NULL;
  const char *localedir = g_getenv ("SESAME_LOCALEDIR");

  /* The UI language follows the locale; --lang picks the report language
   * only. SESAME_LOCALEDIR: the translations of an uninstalled build. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The renderer is chosen before the application's threads start; the
   * catalogs load meanwhile the application registers and loads its style */
  sesame_gui_init ();
  sesame_catalog_preload_default ();
  app = sesame_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
