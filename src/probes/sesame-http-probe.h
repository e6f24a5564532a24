/* sesame-http-probe.h: "what is my IP" services and port-check services over HTTP(S)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "sesame-probe-report.h"

G_BEGIN_DECLS

#define SESAME_HTTP_PROBE_ERROR (sesame_http_probe_error_quark ())

typedef enum
{
  SESAME_HTTP_PROBE_ERROR_STATUS,
  SESAME_HTTP_PROBE_ERROR_TOO_LARGE,
  SESAME_HTTP_PROBE_ERROR_BAD_RESPONSE,
  SESAME_HTTP_PROBE_ERROR_REDIRECT,      /* sent on to another server, or too often */
} SesameHttpProbeError;

#define SESAME_HTTP_MAX_BODY      4096
#define SESAME_HTTP_MAX_REDIRECTS 3

/* The request header that asks a check service (sesame-reflector) to wait
 * this many ms for a port's answer instead of its own fixed time */
#define SESAME_HTTP_CHECK_WAIT_HEADER "Sesame-Check-Wait"

GQuark    sesame_http_probe_error_quark      (void);

/* Pure parsers for untrusted bodies */
char     *sesame_http_parse_ip_response      (const char           *body,
                                              gsize                 length,
                                              GError              **error);
gboolean  sesame_http_parse_check_response   (const char           *body,
                                              gsize                 length,
                                              SesameReachability   *reachability,
                                              GError              **error);
char     *sesame_http_expand_check_url       (const char           *template,
                                              const char           *protocol,
                                              guint16               port);
char     *sesame_http_follow_redirect        (const char           *url,
                                              const char           *location,
                                              GError              **error);

void      sesame_http_fetch_async            (SoupSession          *session,
                                              const char           *url,
                                              guint                 timeout_ms,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
void      sesame_http_fetch_check_async      (SoupSession          *session,
                                              const char           *url,
                                              guint                 check_wait_ms,
                                              guint                 timeout_ms,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GBytes   *sesame_http_fetch_finish           (SoupSession          *session,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
