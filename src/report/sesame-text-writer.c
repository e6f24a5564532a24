/* sesame-text-writer.c: plain text and Markdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-text-writer"

#include "config.h"

#include "sesame-checklist-writer.h"
#include "sesame-text-document.h"

char *
sesame_text_writer_write (SesameChecklist *checklist,
                          gboolean         markdown)
{
  g_autoptr(SesameOutline) outline = NULL;
  SesameTextDocument w;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  outline = sesame_checklist_build_outline (checklist);
  sesame_text_document_init (&w, checklist, markdown);
  sesame_text_document_outline (&w, outline);

  return sesame_text_document_finish (&w);
}
