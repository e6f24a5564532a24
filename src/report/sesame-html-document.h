/* sesame-html-document.h: the pieces of the printable HTML pages (private to src/report)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-checklist-outline.h"

G_BEGIN_DECLS

void sesame_html_begin    (GString           *out,
                           const char        *language,
                           const char        *title);
void sesame_html_escaped  (GString           *out,
                           const char        *text);
void sesame_html_element  (GString           *out,
                           const char        *open,
                           const char        *text,
                           const char        *close);
void sesame_html_steps    (GString           *out,
                           GPtrArray         *steps);
void sesame_html_forwards (GString           *out,
                           SesameChecklist   *checklist,
                           GPtrArray         *forwards,
                           const char        *css_class);
void sesame_html_findings (GString           *out,
                           SesameTranslation *tr,
                           GPtrArray         *findings);
void sesame_html_warnings (GString           *out,
                           SesameTranslation *tr,
                           GPtrArray         *warnings,
                           GPtrArray         *conflicts);
void sesame_html_outline  (GString             *out,
                           SesameChecklist     *checklist,
                           const char          *language,
                           const SesameOutline *outline);

G_END_DECLS
