/* sesame-migration-writer.h: a router change checklist as text, Markdown, HTML or JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-checklist-writer.h"
#include "sesame-migration.h"

G_BEGIN_DECLS

/* The formats are the checklist's: sesame_export_format_from_string() reads their names */
char     *sesame_migration_write                  (SesameMigration       *migration,
                                                   SesameExportFormat     format);

/* One per format; the dispatch above is the way in */
char     *sesame_migration_text_writer_write      (SesameMigration       *migration,
                                                   gboolean               markdown);
char     *sesame_migration_html_writer_write      (SesameMigration       *migration);
char     *sesame_migration_json_writer_write      (SesameMigration       *migration);

G_END_DECLS
