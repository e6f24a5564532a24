/* sesame-checklist-outline.h: the sections of a checklist, decided once
 *
 * The checklist and the router change checklist are printed as text,
 * Markdown, HTML and PDF and shown on the checklist page. What they hold
 * and in which order — the header, what the checks found, "Read this
 * first", then numbered sections with a title, an introduction, steps and
 * rows — is built here once; every writer only decides how each kind of
 * section looks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-checklist.h"

G_BEGIN_DECLS

typedef enum
{
  SESAME_SECTION_FINDINGS,     /* unnumbered: items are the SesameFinding to show */
  SESAME_SECTION_WARNINGS,     /* unnumbered: conflicts, then items (SesameWarning) */
  SESAME_SECTION_CHANGES,      /* items are SesameChange; empty_text when there are none */
  SESAME_SECTION_STEPS,        /* paragraphs, steps and (nullable) forwarding rows */
  SESAME_SECTION_PORT_GROUPS,  /* groups: ports not to forward, each list with its intro */
} SesameSectionKind;

/* What a section's forwarding rows are for */
typedef enum
{
  SESAME_ROWS_ENTER,           /* the checklist's rows to enter */
  SESAME_ROWS_ADD,             /* a router change: rows to add */
  SESAME_ROWS_REMOVE,          /* a router change: rows to delete */
} SesameRowsRole;

/* One list of ports not to forward, and what it is */
typedef struct
{
  const char *intro;           /* in the checklist's language */
  GPtrArray  *groups;          /* element-type SesamePortGroup, never empty */
} SesameGroupList;

typedef struct
{
  SesameSectionKind  kind;
  char              *title;
  gboolean           numbered;
  GPtrArray         *paragraphs;  /* element-type utf8: the introduction, may be empty */
  GPtrArray         *steps;       /* nullable, element-type SesameStep */
  GPtrArray         *forwards;    /* nullable, element-type SesameForward */
  SesameRowsRole     rows_role;
  GPtrArray         *items;       /* nullable: findings, warnings or changes, as the kind says */
  GPtrArray         *conflicts;   /* nullable, element-type SesameConflict (WARNINGS) */
  const char        *empty_text;  /* nullable: said when a CHANGES section has no items */
  GArray            *lists;       /* nullable, element-type SesameGroupList (PORT_GROUPS) */
} SesameSection;

/* Everything the arrays point at belongs to the checklist (or migration)
 * the outline was built from, which must outlive it. */
typedef struct
{
  char      *title;
  GPtrArray *labels;           /* element-type utf8: the header's labels… */
  GPtrArray *values;           /* element-type utf8: …and their values */
  GPtrArray *sections;         /* element-type SesameSection */
} SesameOutline;

SesameOutline *sesame_checklist_build_outline (SesameChecklist   *checklist);
SesameOutline *sesame_outline_new             (const char        *title);
void           sesame_outline_free            (SesameOutline     *outline);
void           sesame_outline_add_header_line (SesameOutline     *outline,
                                               const char        *label,
                                               const char        *value);
SesameSection *sesame_outline_add_section     (SesameOutline     *outline,
                                               SesameSectionKind  kind,
                                               const char        *title,
                                               gboolean           numbered);
void           sesame_outline_add_findings    (SesameOutline     *outline,
                                               SesameChecklist   *checklist);
void           sesame_outline_add_warnings    (SesameOutline     *outline,
                                               SesameChecklist   *checklist,
                                               GPtrArray         *warnings,
                                               GPtrArray         *conflicts);
SesameSection *sesame_outline_add_router      (SesameOutline     *outline,
                                               SesameChecklist   *checklist,
                                               GPtrArray         *steps,
                                               GPtrArray         *forwards,
                                               SesameRowsRole     role);
void           sesame_outline_add_verify      (SesameOutline     *outline,
                                               SesameChecklist   *checklist);
gboolean       sesame_finding_shown           (const SesameFinding *finding);
SesameSeverity sesame_finding_alert_severity  (const SesameFinding *finding);
const char    *sesame_severity_label          (SesameTranslation *tr,
                                               SesameSeverity     severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameOutline, sesame_outline_free)

G_END_DECLS
