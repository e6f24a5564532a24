/* sesame-udp-check.h: is a UDP port reachable from the internet? A nonce sent by a check service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "sesame-probe-report.h"
#include "sesame-temp-listener.h"

G_BEGIN_DECLS

#define SESAME_UDP_CHECK_NONCE_SIZE 16

char               *sesame_udp_check_build_url (const char          *template,
                                                guint16              port,
                                                const guint8        *nonce,
                                                gsize                nonce_size);
SesameReachability  sesame_udp_check_verdict   (gboolean             listened,
                                                gboolean             nonce_arrived,
                                                SesameReachability   service_said,
                                                guint16              port,
                                                char               **reason);

void                sesame_udp_check_async     (SoupSession         *session,
                                                const char          *template,
                                                guint16              port,
                                                SesameTempListener  *listener,
                                                guint                check_wait_ms,
                                                guint                timeout_ms,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
SesameReachability  sesame_udp_check_finish    (GAsyncResult        *result,
                                                char               **reason,
                                                GError             **error);

G_END_DECLS
