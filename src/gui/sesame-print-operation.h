/* sesame-print-operation.h: the checklist on the printer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sesame-checklist.h"
#include "sesame-migration.h"

G_BEGIN_DECLS

#define SESAME_TYPE_PRINT_OPERATION (sesame_print_operation_get_type ())

G_DECLARE_FINAL_TYPE (SesamePrintOperation, sesame_print_operation, SESAME, PRINT_OPERATION, GtkPrintOperation)

SesamePrintOperation *sesame_print_operation_new (SesameChecklist *checklist,
                                                  SesameMigration *migration);

G_END_DECLS
