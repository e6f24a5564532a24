/* sesame-pdf-writer.h: the checklist and the router change checklist laid out on printed pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "sesame-checklist.h"
#include "sesame-migration.h"

G_BEGIN_DECLS

/* A sheet of paper, in points (1/72 inch), portrait */
typedef struct
{
  const char *name;       /* nullable: "a4", "letter", or NULL for a size of the caller's */
  double      width;
  double      height;
} SesamePaper;

const SesamePaper *sesame_paper_lookup          (const char  *name);
const SesamePaper *sesame_paper_get_default     (void);

#define SESAME_PDF_WRITER_ERROR (sesame_pdf_writer_error_quark ())

typedef enum
{
  SESAME_PDF_WRITER_ERROR_FAILED,   /* cairo could not make the document */
} SesamePdfWriterError;

#define SESAME_TYPE_PDF_WRITER (sesame_pdf_writer_get_type ())

G_DECLARE_FINAL_TYPE (SesamePdfWriter, sesame_pdf_writer, SESAME, PDF_WRITER, GObject)

/* A table after the checklist, such as a settings report's findings */
typedef struct
{
  const char *title;
  GPtrArray  *rows;       /* element-type GStrv: the header row first, all rows as wide */
} SesamePdfTable;

GQuark           sesame_pdf_writer_error_quark        (void);

SesamePdfWriter *sesame_pdf_writer_new                (SesameChecklist    *checklist,
                                                       const SesamePaper  *paper,
                                                       GDateTime          *date);
SesamePdfWriter *sesame_pdf_writer_new_with_tables    (SesameChecklist    *checklist,
                                                       const SesamePaper  *paper,
                                                       GDateTime          *date,
                                                       const SesamePdfTable *tables,
                                                       guint               n_tables);
SesamePdfWriter *sesame_pdf_writer_new_for_migration  (SesameMigration    *migration,
                                                       const SesamePaper  *paper,
                                                       GDateTime          *date);
GBytes          *sesame_pdf_writer_to_pdf             (SesamePdfWriter    *self,
                                                       guint              *n_pages,
                                                       guint              *unknown_glyphs,
                                                       GError            **error);
const SesamePaper *sesame_pdf_writer_get_paper        (SesamePdfWriter    *self);
guint            sesame_pdf_writer_get_n_pages        (SesamePdfWriter    *self);
guint            sesame_pdf_writer_get_unknown_glyphs (SesamePdfWriter    *self);
void             sesame_pdf_writer_draw_page          (SesamePdfWriter    *self,
                                                       cairo_t            *cr,
                                                       guint               page);
GBytes          *sesame_pdf_writer_to_bytes           (SesamePdfWriter    *self,
                                                       GError            **error);

GBytes          *sesame_pdf_writer_write              (SesameChecklist    *checklist,
                                                       const SesamePaper  *paper,
                                                       GDateTime          *date,
                                                       guint              *n_pages,
                                                       guint              *unknown_glyphs,
                                                       GError            **error);
GBytes          *sesame_pdf_writer_write_migration    (SesameMigration    *migration,
                                                       const SesamePaper  *paper,
                                                       GDateTime          *date,
                                                       guint              *n_pages,
                                                       guint              *unknown_glyphs,
                                                       GError            **error);

G_END_DECLS
