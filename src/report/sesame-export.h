/* sesame-export.h: the one way a document is written, in any format
 *
 * The checklist, the router change checklist and the settings report are
 * written as text, Markdown, HTML, JSON or PDF, for the person or (redacted)
 * for sharing; sesame-cli and the wizard both call sesame_export_write().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-catalog.h"
#include "sesame-checklist.h"
#include "sesame-migration.h"
#include "sesame-probe-report.h"

G_BEGIN_DECLS

/* The nicks are the names sesame-cli --format takes */
typedef enum
{
  SESAME_EXPORT_FORMAT_TEXT,
  SESAME_EXPORT_FORMAT_MARKDOWN,
  SESAME_EXPORT_FORMAT_HTML,
  SESAME_EXPORT_FORMAT_JSON,
  SESAME_EXPORT_FORMAT_PDF,
} SesameExportFormat;

typedef enum
{
  SESAME_DOCUMENT_CHECKLIST,
  SESAME_DOCUMENT_ROUTER_CHANGE,
  SESAME_DOCUMENT_SETTINGS_REPORT,
} SesameDocument;

/* What a document is made from */
typedef struct
{
  SesameChecklist         *checklist;  /* the checklist and the settings report */
  SesameMigration         *migration;  /* nullable: the router change checklist */
  SesameCatalog           *catalog;    /* nullable: needed to redact */
  const SesameProbeReport *probe;      /* nullable: the settings report's probe results */
  GDateTime               *date;       /* nullable: the PDF's "Made on" */
} SesameExportSource;

const char *sesame_export_format_to_string   (SesameExportFormat        format);
gboolean    sesame_export_format_from_string (const char               *text,
                                              SesameExportFormat       *format);

GBytes     *sesame_export_write              (const SesameExportSource *source,
                                              SesameDocument            document,
                                              SesameExportFormat        format,
                                              gboolean                  redact,
                                              GError                  **error);

G_END_DECLS
