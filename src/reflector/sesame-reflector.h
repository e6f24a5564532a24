/* sesame-reflector.h: Sesame's own STUN, "what is my IP" and connect-back server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_TYPE_REFLECTOR (sesame_reflector_get_type ())

G_DECLARE_FINAL_TYPE (SesameReflector, sesame_reflector, SESAME, REFLECTOR, GObject)

#define SESAME_REFLECTOR_ERROR (sesame_reflector_error_quark ())

/**
 * SesameReflectorError:
 * @SESAME_REFLECTOR_ERROR_BAD_REQUEST: the check request is malformed or names a
 *   parameter the reflector does not know
 * @SESAME_REFLECTOR_ERROR_TOO_MANY_PORTS: more ports than %SESAME_REFLECTOR_MAX_PORTS
 * @SESAME_REFLECTOR_ERROR_BAD_ADDRESS: the two addresses are not usable together
 */
typedef enum
{
  SESAME_REFLECTOR_ERROR_BAD_REQUEST,
  SESAME_REFLECTOR_ERROR_TOO_MANY_PORTS,
  SESAME_REFLECTOR_ERROR_BAD_ADDRESS,
} SesameReflectorError;

/* At most this many ports in one check request */
#define SESAME_REFLECTOR_MAX_PORTS        8
/* A UDP nonce is 1 to this many bytes, sent as hex */
#define SESAME_REFLECTOR_MAX_NONCE        32
/* Longer query strings are refused before they are looked at */
#define SESAME_REFLECTOR_MAX_QUERY        512

#define SESAME_REFLECTOR_DEFAULT_PORT          3478
#define SESAME_REFLECTOR_DEFAULT_OTHER_PORT    3479
#define SESAME_REFLECTOR_DEFAULT_HTTP_PORT     8080
#define SESAME_REFLECTOR_DEFAULT_TIMEOUT_MS    2000
#define SESAME_REFLECTOR_MIN_WAIT_MS           100   /* what a client may ask for (Sesame-Check-Wait) */
#define SESAME_REFLECTOR_MAX_WAIT_MS           5000
/* Ports checked per client address: a burst, refilled by so many a minute */
#define SESAME_REFLECTOR_DEFAULT_BURST         128
#define SESAME_REFLECTOR_DEFAULT_PER_MINUTE    120

/**
 * SesameReflectorCheck:
 * @ports: the ports to check, each once, in the order asked
 * @n_ports: how many, 1 to %SESAME_REFLECTOR_MAX_PORTS
 * @udp: UDP, else TCP
 * @nonce: for UDP: the bytes to send to each port
 * @nonce_size: 0 when no nonce was asked for
 *
 * What one `GET /check` asks for, from sesame_reflector_parse_check().
 */
typedef struct
{
  guint16  ports[SESAME_REFLECTOR_MAX_PORTS];
  guint    n_ports;
  gboolean udp;
  guint8   nonce[SESAME_REFLECTOR_MAX_NONCE];
  gsize    nonce_size;
} SesameReflectorCheck;

GQuark           sesame_reflector_error_quark        (void);

gboolean         sesame_reflector_parse_check        (const char            *query,
                                                      SesameReflectorCheck  *check,
                                                      GError               **error);
guint            sesame_reflector_parse_wait         (const char            *header,
                                                      guint                  default_ms);
guint            sesame_reflector_udp_tries          (gsize                  payload_size,
                                                      guint                  n_ports,
                                                      gsize                  request_size);

SesameReflector *sesame_reflector_new                (GInetAddress     *address,
                                                      GInetAddress     *other_address,
                                                      guint16           port,
                                                      guint16           other_port,
                                                      guint16           http_port);
void             sesame_reflector_set_rate_limit     (SesameReflector  *self,
                                                      guint             burst,
                                                      guint             per_minute);
void             sesame_reflector_set_timeout        (SesameReflector  *self,
                                                      guint             timeout_ms);
void             sesame_reflector_set_https          (SesameReflector  *self,
                                                      GTlsCertificate  *certificate,
                                                      guint16           https_port);
gboolean         sesame_reflector_start              (SesameReflector  *self,
                                                      GError          **error);
guint16          sesame_reflector_get_port           (SesameReflector  *self);
guint16          sesame_reflector_get_other_port     (SesameReflector  *self);
guint16          sesame_reflector_get_http_port      (SesameReflector  *self);

G_END_DECLS
