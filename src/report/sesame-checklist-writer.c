/* sesame-checklist-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-checklist-writer"

#include "config.h"

#include "sesame-checklist-writer.h"

/**
 * sesame_checklist_write:
 * @checklist: a checklist
 * @format: the format, not PDF (sesame_export_write() writes that)
 *
 * Returns: (transfer full): the checklist in @format, in its own language
 */
char *
sesame_checklist_write (SesameChecklist       *checklist,
                        SesameExportFormat  format)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  switch (format)
    {
    case SESAME_EXPORT_FORMAT_TEXT:
      return sesame_text_writer_write (checklist, FALSE);
    case SESAME_EXPORT_FORMAT_MARKDOWN:
      return sesame_text_writer_write (checklist, TRUE);
    case SESAME_EXPORT_FORMAT_HTML:
      return sesame_html_writer_write (checklist);
    case SESAME_EXPORT_FORMAT_JSON:
      return sesame_json_writer_write (checklist);
    default:
      g_return_val_if_reached (NULL);
    }
}
