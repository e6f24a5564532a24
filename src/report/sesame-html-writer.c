/* sesame-html-writer.c: one self-contained, printable page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-html-writer"

#include "config.h"

#include "sesame-checklist-writer.h"
#include "sesame-html-document.h"

char *
sesame_html_writer_write (SesameChecklist *checklist)
{
  g_autoptr(SesameOutline) outline = NULL;
  GString *out;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  outline = sesame_checklist_build_outline (checklist);
  out = g_string_new (NULL);
  sesame_html_outline (out, checklist, sesame_checklist_get_language (checklist), outline);

  return g_string_free (out, FALSE);
}
