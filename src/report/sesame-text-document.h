/* sesame-text-document.h: the pieces of plain text and Markdown documents (private to src/report)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-checklist-outline.h"
#include "sesame-migration.h"

G_BEGIN_DECLS

typedef struct
{
  SesameChecklist   *checklist;   /* for names and labels in its language */
  SesameTranslation *tr;
  GString           *out;
  gboolean           markdown;
  guint              section;     /* the number of the last numbered heading */
} SesameTextDocument;

void  sesame_text_document_init      (SesameTextDocument *w,
                                      SesameChecklist    *checklist,
                                      gboolean            markdown);
char *sesame_text_document_finish    (SesameTextDocument *w);
void  sesame_text_document_header    (SesameTextDocument *w,
                                      const char         *title,
                                      const char * const *labels,
                                      const char * const *values,
                                      guint               n);
void  sesame_text_document_heading   (SesameTextDocument *w,
                                      const char         *text,
                                      gboolean            numbered);
void  sesame_text_document_paragraph (SesameTextDocument *w,
                                      const char         *text);
void  sesame_text_document_steps     (SesameTextDocument *w,
                                      GPtrArray          *steps);
void  sesame_text_document_table     (SesameTextDocument *w,
                                      GPtrArray          *rows,
                                      guint               n_columns);
void  sesame_text_document_warnings  (SesameTextDocument *w,
                                      GPtrArray          *warnings,
                                      GPtrArray          *conflicts);
void  sesame_text_document_forwards  (SesameTextDocument *w,
                                      GPtrArray          *forwards);
void  sesame_text_document_findings  (SesameTextDocument *w,
                                      GPtrArray          *findings);
void  sesame_text_document_outline   (SesameTextDocument  *w,
                                      const SesameOutline *outline);
char *sesame_forward_works_text      (SesameChecklist     *checklist,
                                      const SesameForward *forward);
char *sesame_markdown_escape         (const char         *text);

G_END_DECLS
