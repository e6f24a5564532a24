/* sesame-checklist-page.h: the checklist for this plan, to tick off, print and save
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

/* What the page saves */
typedef enum
{
  SESAME_EXPORT_CHECKLIST_PDF,
  SESAME_EXPORT_CHECKLIST_HTML,
  SESAME_EXPORT_CHECKLIST_MARKDOWN,
  SESAME_EXPORT_CHECKLIST_JSON,
  SESAME_EXPORT_PLAN,
  SESAME_EXPORT_REPORT_HTML,
  SESAME_EXPORT_REPORT_MARKDOWN,
  SESAME_EXPORT_REPORT_TEXT,
  SESAME_EXPORT_REPORT_JSON,
  /* After "I replaced my router": what to change, on both routers */
  SESAME_EXPORT_MIGRATION_HTML,
  SESAME_EXPORT_MIGRATION_MARKDOWN,
  SESAME_EXPORT_MIGRATION_TEXT,
  SESAME_EXPORT_MIGRATION_JSON,
  SESAME_EXPORT_MIGRATION_PDF,
  SESAME_EXPORT_REPORT_PDF,
} SesameExport;

#define SESAME_TYPE_CHECKLIST_PAGE (sesame_checklist_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameChecklistPage, sesame_checklist_page, SESAME, CHECKLIST_PAGE, SesamePage)

char                    *sesame_checklist_page_dup_text     (SesameChecklistPage  *self);

void                     sesame_checklist_page_save_async   (SesameChecklistPage  *self,
                                                             SesameExport          what,
                                                             GFile                *file,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean                 sesame_checklist_page_save_finish  (SesameChecklistPage  *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

void                     sesame_checklist_page_set_redact_report (SesameChecklistPage *self,
                                                                  gboolean             redact);

GtkPrintOperationResult  sesame_checklist_page_print        (SesameChecklistPage  *self,
                                                             const char           *export_filename,
                                                             GError              **error);

G_END_DECLS
