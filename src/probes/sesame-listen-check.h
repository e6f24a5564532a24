/* sesame-listen-check.h: is something on this computer listening on a port?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-probe-report.h"

G_BEGIN_DECLS

gboolean        sesame_proc_net_has_listener (const char *proc_net_text,
                                              guint16     port,
                                              gboolean    tcp);
SesameTristate  sesame_listen_check          (const char *protocol,
                                              guint16     port);

/* The four socket tables, read once: each read of /proc/net/tcp walks the
 * kernel's whole TCP hash table (milliseconds), so read them once per run,
 * in a worker thread, and answer every port from the copy */
typedef struct _SesameListenTables SesameListenTables;

SesameListenTables *sesame_listen_tables_read        (void);
void                sesame_listen_tables_read_async  (GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SesameListenTables *sesame_listen_tables_read_finish (GAsyncResult        *result,
                                                      GError             **error);
SesameTristate      sesame_listen_tables_check       (const SesameListenTables *tables,
                                                      const char               *protocol,
                                                      guint16                   port);
void                sesame_listen_tables_free        (SesameListenTables  *tables);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameListenTables, sesame_listen_tables_free)

G_END_DECLS
