/* sesame-store.h: the plan and the last probe report in the person's own directories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-plan.h"

G_BEGIN_DECLS

#define SESAME_TYPE_STORE (sesame_store_get_type ())

G_DECLARE_FINAL_TYPE (SesameStore, sesame_store, SESAME, STORE, GObject)

#define SESAME_STORE_HISTORY 5

SesameStore *sesame_store_new               (const char    *config_dir,
                                             const char    *data_dir);
const char  *sesame_store_get_plan_path     (SesameStore   *self);
const char  *sesame_store_get_report_path   (SesameStore   *self);

gboolean     sesame_store_save_plan         (SesameStore   *self,
                                             SesamePlan    *plan,
                                             GError       **error);
SesamePlan  *sesame_store_load_plan         (SesameStore   *self,
                                             SesameCatalog *catalog,
                                             char         **moved_aside,
                                             GError       **error);
gboolean     sesame_store_save_report       (SesameStore   *self,
                                             const char    *json,
                                             char         **moved_aside,
                                             GError       **error);
void         sesame_store_save_plan_async   (SesameStore         *self,
                                             SesamePlan          *plan,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     sesame_store_save_plan_finish  (SesameStore         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void         sesame_store_save_report_async (SesameStore         *self,
                                             const char          *json,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     sesame_store_save_report_finish (SesameStore        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
GBytes      *sesame_store_load_report       (SesameStore   *self,
                                             char         **moved_aside,
                                             GError       **error);
void         sesame_store_load_report_async (SesameStore         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GBytes      *sesame_store_load_report_finish (SesameStore        *self,
                                             GAsyncResult        *result,
                                             char               **moved_aside,
                                             GError             **error);
GPtrArray   *sesame_store_list_plan_history (SesameStore   *self);

G_END_DECLS
