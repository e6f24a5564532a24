/* sesame-hop-probe.h: the first routers beyond the home gateway
 *
 * TTL-limited UDP datagrams and the kernel's error queue (IP_RECVERR), so
 * no privileges are needed. A first hop in 100.64.0.0/10 or a private range
 * beyond the home router means a second NAT.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_HOP_PROBE_MAX_TTL 3

void       sesame_hop_probe_async  (GInetAddress         *destination,
                                    guint                 timeout_ms,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
GPtrArray *sesame_hop_probe_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
