/* sesame-pmp-codec.h: NAT-PMP (RFC 6886) and PCP (RFC 6887) messages, without I/O
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_PMP_SERVER_PORT       5351

#define SESAME_NATPMP_VERSION        0
#define SESAME_NATPMP_ADDRESS_SIZE   12  /* a successful external address reply */
#define SESAME_NATPMP_MAP_SIZE       16  /* a successful mapping reply */

#define SESAME_PCP_VERSION           2
#define SESAME_PCP_HEADER_SIZE       24
#define SESAME_PCP_MAP_PAYLOAD_SIZE  36
#define SESAME_PCP_MAX_SIZE          1100
#define SESAME_PCP_NONCE_SIZE        12

#define SESAME_PMP_ERROR (sesame_pmp_error_quark ())

typedef enum
{
  /* The datagram is not a reply to the request: drop it and keep waiting */
  SESAME_PMP_ERROR_MALFORMED,
  SESAME_PMP_ERROR_MISMATCH,               /* well formed, but answers another request */

  /* The router does not speak this protocol or version: fall back */
  SESAME_PMP_ERROR_UNSUPPORTED_VERSION,

  /* The router answered and refused; one per result code of either protocol */
  SESAME_PMP_ERROR_NOT_AUTHORIZED,
  SESAME_PMP_ERROR_MALFORMED_REQUEST,
  SESAME_PMP_ERROR_UNSUPPORTED_OPCODE,
  SESAME_PMP_ERROR_UNSUPPORTED_OPTION,
  SESAME_PMP_ERROR_MALFORMED_OPTION,
  SESAME_PMP_ERROR_NETWORK_FAILURE,
  SESAME_PMP_ERROR_NO_RESOURCES,
  SESAME_PMP_ERROR_UNSUPPORTED_PROTOCOL,
  SESAME_PMP_ERROR_QUOTA_EXCEEDED,
  SESAME_PMP_ERROR_CANNOT_PROVIDE_EXTERNAL,
  SESAME_PMP_ERROR_ADDRESS_MISMATCH,
  SESAME_PMP_ERROR_EXCESSIVE_REMOTE_PEERS,
  SESAME_PMP_ERROR_UNKNOWN_RESULT,

  /* The router granted a longer lease than asked for, or an unlimited one:
   * refused, and the mapping removed again */
  SESAME_PMP_ERROR_LEASE_REFUSED,
} SesamePmpError;

/* IANA protocol numbers, as PCP carries them */
typedef enum
{
  SESAME_PMP_TRANSPORT_TCP = 6,
  SESAME_PMP_TRANSPORT_UDP = 17,
} SesamePmpTransport;

typedef enum
{
  SESAME_NATPMP_OP_EXTERNAL_ADDRESS = 0,
  SESAME_NATPMP_OP_MAP_UDP          = 1,
  SESAME_NATPMP_OP_MAP_TCP          = 2,
} SesameNatpmpOpcode;

typedef enum
{
  SESAME_NATPMP_RESULT_SUCCESS             = 0,
  SESAME_NATPMP_RESULT_UNSUPPORTED_VERSION = 1,
  SESAME_NATPMP_RESULT_NOT_AUTHORIZED      = 2,
  SESAME_NATPMP_RESULT_NETWORK_FAILURE     = 3,
  SESAME_NATPMP_RESULT_OUT_OF_RESOURCES    = 4,
  SESAME_NATPMP_RESULT_UNSUPPORTED_OPCODE  = 5,
} SesameNatpmpResult;

typedef enum
{
  SESAME_PCP_OP_ANNOUNCE = 0,
  SESAME_PCP_OP_MAP      = 1,
} SesamePcpOpcode;

typedef enum
{
  SESAME_PCP_RESULT_SUCCESS                 = 0,
  SESAME_PCP_RESULT_UNSUPP_VERSION          = 1,
  SESAME_PCP_RESULT_NOT_AUTHORIZED          = 2,
  SESAME_PCP_RESULT_MALFORMED_REQUEST       = 3,
  SESAME_PCP_RESULT_UNSUPP_OPCODE           = 4,
  SESAME_PCP_RESULT_UNSUPP_OPTION           = 5,
  SESAME_PCP_RESULT_MALFORMED_OPTION        = 6,
  SESAME_PCP_RESULT_NETWORK_FAILURE         = 7,
  SESAME_PCP_RESULT_NO_RESOURCES            = 8,
  SESAME_PCP_RESULT_UNSUPP_PROTOCOL         = 9,
  SESAME_PCP_RESULT_USER_EX_QUOTA           = 10,
  SESAME_PCP_RESULT_CANNOT_PROVIDE_EXTERNAL = 11,
  SESAME_PCP_RESULT_ADDRESS_MISMATCH        = 12,
  SESAME_PCP_RESULT_EXCESSIVE_REMOTE_PEERS  = 13,
} SesamePcpResult;

/* A NAT-PMP reply; fields the reply does not carry are zero. */
typedef struct
{
  guint8   opcode;               /* the request's opcode, without the response bit */
  guint16  result_code;          /* SesameNatpmpResult */
  guint32  epoch;                /* seconds since the router's mapping table started */
  guint8   external_address[4];  /* external address replies, network order */
  guint16  internal_port;        /* mapping replies */
  guint16  external_port;
  guint32  lifetime;
} SesameNatpmpResponse;

/* A PCP reply; MAP fields are zero for ANNOUNCE. */
typedef struct
{
  guint8   version;
  guint8   opcode;               /* without the R bit */
  guint8   result_code;          /* SesamePcpResult */
  guint32  lifetime;
  guint32  epoch;
  guint8   nonce[SESAME_PCP_NONCE_SIZE];
  guint8   protocol;
  guint16  internal_port;
  guint16  external_port;
  guint8   external_address[16]; /* as sent: IPv4-mapped IPv6 for IPv4 */
} SesamePcpResponse;

GQuark       sesame_pmp_error_quark             (void);

GBytes      *sesame_natpmp_build_address_request (void);
GBytes      *sesame_natpmp_build_map_request    (SesamePmpTransport    transport,
                                                 guint16               internal_port,
                                                 guint16               suggested_external_port,
                                                 guint32               lifetime);
gboolean     sesame_natpmp_parse_response       (GBytes               *request,
                                                 const guint8         *data,
                                                 gsize                 length,
                                                 SesameNatpmpResponse *response,
                                                 GError              **error);

GBytes      *sesame_pcp_build_announce_request  (GInetAddress         *client_address);
GBytes      *sesame_pcp_build_map_request       (GInetAddress         *client_address,
                                                 const guint8         *nonce,
                                                 SesamePmpTransport    transport,
                                                 guint16               internal_port,
                                                 guint16               suggested_external_port,
                                                 GInetAddress         *suggested_external_address,
                                                 guint32               lifetime);
gboolean     sesame_pcp_parse_response          (GBytes               *request,
                                                 const guint8         *data,
                                                 gsize                 length,
                                                 SesamePcpResponse    *response,
                                                 GError              **error);

const char  *sesame_natpmp_result_to_string     (guint                 result_code);
gboolean     sesame_natpmp_check_result         (guint                 result_code,
                                                 GError              **error);
const char  *sesame_pcp_result_to_string        (guint                 result_code);
gboolean     sesame_pcp_check_result            (guint                 result_code,
                                                 GError              **error);

gboolean     sesame_pcp_address_is_ipv4         (const guint8         *address);
char        *sesame_pcp_address_to_string       (const guint8         *address);

G_END_DECLS
