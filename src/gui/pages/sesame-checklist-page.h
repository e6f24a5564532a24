/* sesame-checklist-page.h: the checklist for this plan, as the text writer renders it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-page.h"

G_BEGIN_DECLS

#define SESAME_TYPE_CHECKLIST_PAGE (sesame_checklist_page_get_type ())

G_DECLARE_FINAL_TYPE (SesameChecklistPage, sesame_checklist_page, SESAME, CHECKLIST_PAGE, SesamePage)

char *sesame_checklist_page_dup_text (SesameChecklistPage *self);

G_END_DECLS
