/* sesame-settings-report.h: the plan, the latest probe results and the checklist, to keep or share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-checklist-writer.h"
#include "sesame-pdf-writer.h"
#include "sesame-probe-report.h"

G_BEGIN_DECLS

void  sesame_probe_report_redact      (SesameProbeReport       *report);
char *sesame_settings_report_write    (SesameChecklist         *checklist,
                                       const SesameProbeReport *probe,
                                       SesameExportFormat       format);

GBytes *sesame_settings_report_write_pdf (SesameChecklist         *checklist,
                                         const SesameProbeReport *probe,
                                         const SesamePaper       *paper,
                                         GDateTime               *date,
                                         guint                   *n_pages,
                                         guint                   *unknown_glyphs,
                                         GError                 **error);

G_END_DECLS
