/* sesame-checklist-writer.h: a checklist as text, Markdown, HTML or JSON (PDF: sesame-export.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sesame-checklist.h"
#include "sesame-export.h"

G_BEGIN_DECLS

char     *sesame_checklist_write              (SesameChecklist       *checklist,
                                               SesameExportFormat     format);

/* One per format; the dispatch above is the way in */
char     *sesame_text_writer_write            (SesameChecklist       *checklist,
                                               gboolean               markdown);
char     *sesame_html_writer_write            (SesameChecklist       *checklist);
char     *sesame_json_writer_write            (SesameChecklist       *checklist);
JsonNode *sesame_json_writer_build            (SesameChecklist       *checklist);

G_END_DECLS
