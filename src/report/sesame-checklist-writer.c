/* sesame-checklist-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-checklist-writer"

#include "config.h"

#include "sesame-checklist-writer.h"

static const char * const format_names[] = { "text", "markdown", "html", "json", NULL };

gboolean
sesame_checklist_format_from_string (const char            *text,
                                     SesameChecklistFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  for (guint i = 0; text != NULL && format_names[i] != NULL; i++)
    {
      if (g_str_equal (text, format_names[i]))
        {
          *format = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * sesame_checklist_write:
 * @checklist: a checklist
 * @format: the format
 *
 * Returns: (transfer full): the checklist in @format, in its own language
 */
char *
sesame_checklist_write (SesameChecklist       *checklist,
                        SesameChecklistFormat  format)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  switch (format)
    {
    case SESAME_CHECKLIST_FORMAT_TEXT:
      return sesame_text_writer_write (checklist, FALSE);
    case SESAME_CHECKLIST_FORMAT_MARKDOWN:
      return sesame_text_writer_write (checklist, TRUE);
    case SESAME_CHECKLIST_FORMAT_HTML:
      return sesame_html_writer_write (checklist);
    case SESAME_CHECKLIST_FORMAT_JSON:
      return sesame_json_writer_write (checklist);
    default:
      g_return_val_if_reached (NULL);
    }
}
