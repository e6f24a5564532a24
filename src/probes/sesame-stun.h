/* sesame-stun.h: the STUN codec (RFC 8489, RFC 5780, RFC 3489 replies), without I/O
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_STUN_HEADER_SIZE          20
#define SESAME_STUN_MAGIC_COOKIE         0x2112A442u
#define SESAME_STUN_TRANSACTION_ID_SIZE  12

/* Larger datagrams are refused before they are looked at. */
#define SESAME_STUN_MAX_MESSAGE_SIZE     2048

/* Text attributes (SOFTWARE, the ERROR-CODE reason) are kept up to this many bytes,
 * NUL included. */
#define SESAME_STUN_MAX_TEXT_SIZE        256

/* Enough for any request sesame_stun_build_binding_request() writes. */
#define SESAME_STUN_MAX_REQUEST_SIZE     (SESAME_STUN_HEADER_SIZE + 8 + \
                                          4 + SESAME_STUN_MAX_TEXT_SIZE + 8)

/* Enough for any response sesame_stun_build_binding_response() writes: three
 * IPv6 addresses and a FINGERPRINT. */
#define SESAME_STUN_MAX_RESPONSE_SIZE    (SESAME_STUN_HEADER_SIZE + 3 * (4 + 4 + 16) + 8)

/* How many unknown comprehension-required attribute types a message remembers. */
#define SESAME_STUN_MAX_UNKNOWN          8

#define SESAME_STUN_METHOD_BINDING       0x001

#define SESAME_STUN_ERROR (sesame_stun_error_quark ())

/**
 * SesameStunError:
 * @SESAME_STUN_ERROR_TOO_LARGE: the datagram is larger than %SESAME_STUN_MAX_MESSAGE_SIZE
 * @SESAME_STUN_ERROR_TRUNCATED: shorter than the header, or than the header's length says
 * @SESAME_STUN_ERROR_NOT_STUN: the first two bits are not zero
 * @SESAME_STUN_ERROR_NO_MAGIC_COOKIE: a well-formed header without the magic cookie: an
 *   RFC 3489 message, or something else
 * @SESAME_STUN_ERROR_BAD_LENGTH: the length is not a multiple of 4, or bytes follow the message
 * @SESAME_STUN_ERROR_BAD_ATTRIBUTE: an attribute runs past the end or has a bad length or value
 * @SESAME_STUN_ERROR_BAD_FINGERPRINT: FINGERPRINT is malformed, not last, or does not match
 * @SESAME_STUN_ERROR_NO_INTEGRITY: sesame_stun_verify_integrity() found no MESSAGE-INTEGRITY
 * @SESAME_STUN_ERROR_BAD_INTEGRITY: MESSAGE-INTEGRITY does not match the key
 * @SESAME_STUN_ERROR_NO_SPACE: the buffer given to sesame_stun_build_binding_request() is too small
 */
typedef enum
{
  SESAME_STUN_ERROR_TOO_LARGE,
  SESAME_STUN_ERROR_TRUNCATED,
  SESAME_STUN_ERROR_NOT_STUN,
  SESAME_STUN_ERROR_NO_MAGIC_COOKIE,
  SESAME_STUN_ERROR_BAD_LENGTH,
  SESAME_STUN_ERROR_BAD_ATTRIBUTE,
  SESAME_STUN_ERROR_BAD_FINGERPRINT,
  SESAME_STUN_ERROR_NO_INTEGRITY,
  SESAME_STUN_ERROR_BAD_INTEGRITY,
  SESAME_STUN_ERROR_NO_SPACE,
} SesameStunError;

/**
 * SesameStunClass:
 * @SESAME_STUN_CLASS_REQUEST: a request
 * @SESAME_STUN_CLASS_INDICATION: an indication
 * @SESAME_STUN_CLASS_SUCCESS_RESPONSE: a success response
 * @SESAME_STUN_CLASS_ERROR_RESPONSE: an error response, normally with an ERROR-CODE
 */
typedef enum
{
  SESAME_STUN_CLASS_REQUEST          = 0,
  SESAME_STUN_CLASS_INDICATION       = 1,
  SESAME_STUN_CLASS_SUCCESS_RESPONSE = 2,
  SESAME_STUN_CLASS_ERROR_RESPONSE   = 3,
} SesameStunClass;

/**
 * SesameStunAttributeType:
 *
 * The attribute types this codec knows. The parser decodes the address attributes,
 * CHANGE-REQUEST, ERROR-CODE, SOFTWARE, MESSAGE-INTEGRITY and FINGERPRINT, and skips
 * the others listed here without calling them unknown.
 */
typedef enum
{
  SESAME_STUN_ATTR_MAPPED_ADDRESS     = 0x0001,
  SESAME_STUN_ATTR_CHANGE_REQUEST     = 0x0003,
  SESAME_STUN_ATTR_SOURCE_ADDRESS     = 0x0004,
  SESAME_STUN_ATTR_CHANGED_ADDRESS    = 0x0005,
  SESAME_STUN_ATTR_USERNAME           = 0x0006,
  SESAME_STUN_ATTR_MESSAGE_INTEGRITY  = 0x0008,
  SESAME_STUN_ATTR_ERROR_CODE         = 0x0009,
  SESAME_STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000A,
  SESAME_STUN_ATTR_REFLECTED_FROM     = 0x000B,
  SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,
  SESAME_STUN_ATTR_PADDING            = 0x0026,
  SESAME_STUN_ATTR_RESPONSE_PORT      = 0x0027,
  SESAME_STUN_ATTR_SOFTWARE           = 0x8022,
  SESAME_STUN_ATTR_FINGERPRINT        = 0x8028,
  SESAME_STUN_ATTR_RESPONSE_ORIGIN    = 0x802B,
  SESAME_STUN_ATTR_OTHER_ADDRESS      = 0x802C,
} SesameStunAttributeType;

/**
 * SesameStunFamily:
 * @SESAME_STUN_FAMILY_NONE: no address: the attribute was not in the message
 * @SESAME_STUN_FAMILY_IPV4: an IPv4 address
 * @SESAME_STUN_FAMILY_IPV6: an IPv6 address
 */
typedef enum
{
  SESAME_STUN_FAMILY_NONE = 0,
  SESAME_STUN_FAMILY_IPV4 = 0x01,
  SESAME_STUN_FAMILY_IPV6 = 0x02,
} SesameStunFamily;

/**
 * SesameStunRequestFlags:
 * @SESAME_STUN_REQUEST_NONE: a plain Binding request
 * @SESAME_STUN_REQUEST_CHANGE_PORT: ask the server to answer from its other port (RFC 5780)
 * @SESAME_STUN_REQUEST_CHANGE_IP: ask the server to answer from its other IP address
 * @SESAME_STUN_REQUEST_CHANGE_REQUEST: send CHANGE-REQUEST even with neither flag set
 * @SESAME_STUN_REQUEST_FINGERPRINT: end the request with a FINGERPRINT
 *
 * The two change flags have the values of the CHANGE-REQUEST bits on the wire.
 */
typedef enum /*< flags >*/
{
  SESAME_STUN_REQUEST_NONE           = 0,
  SESAME_STUN_REQUEST_CHANGE_PORT    = 1 << 1,
  SESAME_STUN_REQUEST_CHANGE_IP      = 1 << 2,
  SESAME_STUN_REQUEST_CHANGE_REQUEST = 1 << 3,
  SESAME_STUN_REQUEST_FINGERPRINT    = 1 << 4,
} SesameStunRequestFlags;

/**
 * SesameStunTransactionId:
 * @bytes: the 96-bit transaction id as sent, in network order
 *
 * Copy it by assignment; compare with sesame_stun_transaction_id_equal().
 */
typedef struct
{
  guint8 bytes[SESAME_STUN_TRANSACTION_ID_SIZE];
} SesameStunTransactionId;

/**
 * SesameStunAddress:
 * @family: %SESAME_STUN_FAMILY_NONE when the attribute was missing
 * @port: the port, in host order (already un-XORed for XOR-MAPPED-ADDRESS)
 * @address: the IP address in network order: 4 bytes for IPv4, 16 for IPv6, the rest zero
 */
typedef struct
{
  SesameStunFamily family;
  guint16          port;
  guint8           address[16];
} SesameStunAddress;

/**
 * SesameStunMessage:
 * @type: the raw message type (0x0101 is a Binding success response)
 * @message_class: the class encoded in @type
 * @method: the method encoded in @type (%SESAME_STUN_METHOD_BINDING)
 * @length: the header's length field: the size of the attributes
 * @transaction_id: the transaction id
 * @xor_mapped_address: XOR-MAPPED-ADDRESS, the reflexive address (RFC 8489)
 * @mapped_address: MAPPED-ADDRESS, the reflexive address from an RFC 3489 server
 * @other_address: OTHER-ADDRESS, the server's alternate address (RFC 5780)
 * @response_origin: RESPONSE-ORIGIN, where the server says it sent the reply from (RFC 5780)
 * @changed_address: CHANGED-ADDRESS, the alternate address of an RFC 3489 server
 * @error_code: the ERROR-CODE, from 300 to 699, or 0 if there is none
 * @error_reason: the ERROR-CODE reason phrase: valid UTF-8, without control characters,
 *   at most %SESAME_STUN_MAX_TEXT_SIZE - 1 bytes; "" if there is none
 * @software: the SOFTWARE attribute, kept like @error_reason
 * @has_change_request: whether the message has a CHANGE-REQUEST (only requests do)
 * @change_flags: its %SESAME_STUN_REQUEST_CHANGE_IP and %SESAME_STUN_REQUEST_CHANGE_PORT bits
 * @has_message_integrity: whether the message has MESSAGE-INTEGRITY; check it with
 *   sesame_stun_verify_integrity()
 * @integrity_offset: where MESSAGE-INTEGRITY starts, from the start of the message
 * @has_fingerprint: whether the message has a FINGERPRINT; if it does, it matched
 * @n_unknown_attributes: how many unknown comprehension-required attributes the message
 *   has; a client must treat a success response with any as a failed transaction
 * @unknown_attributes: the types of the first %SESAME_STUN_MAX_UNKNOWN of them
 *
 * What sesame_stun_parse() found in a message. Only the first occurrence of each
 * attribute counts, and none after MESSAGE-INTEGRITY but FINGERPRINT.
 */
typedef struct
{
  guint16                 type;
  SesameStunClass         message_class;
  guint16                 method;
  guint16                 length;
  SesameStunTransactionId transaction_id;

  SesameStunAddress       xor_mapped_address;
  SesameStunAddress       mapped_address;
  SesameStunAddress       other_address;
  SesameStunAddress       response_origin;
  SesameStunAddress       changed_address;

  guint                   error_code;
  char                    error_reason[SESAME_STUN_MAX_TEXT_SIZE];
  char                    software[SESAME_STUN_MAX_TEXT_SIZE];

  gboolean                has_change_request;
  guint                   change_flags;

  gboolean                has_message_integrity;
  gsize                   integrity_offset;
  gboolean                has_fingerprint;

  guint                   n_unknown_attributes;
  guint16                 unknown_attributes[SESAME_STUN_MAX_UNKNOWN];
} SesameStunMessage;

GQuark          sesame_stun_error_quark             (void);

void            sesame_stun_transaction_id_generate (SesameStunTransactionId       *transaction_id);
gboolean        sesame_stun_transaction_id_equal    (const SesameStunTransactionId *a,
                                                     const SesameStunTransactionId *b);

gsize           sesame_stun_build_binding_request   (guint8                         *buffer,
                                                     gsize                           buffer_size,
                                                     const SesameStunTransactionId  *transaction_id,
                                                     SesameStunRequestFlags          flags,
                                                     const char                     *software,
                                                     GError                        **error);

gsize           sesame_stun_build_binding_response  (guint8                         *buffer,
                                                     gsize                           buffer_size,
                                                     const SesameStunTransactionId  *transaction_id,
                                                     const SesameStunAddress        *mapped,
                                                     const SesameStunAddress        *other,
                                                     const SesameStunAddress        *origin,
                                                     gboolean                        with_fingerprint,
                                                     GError                        **error);

gboolean        sesame_stun_parse                   (const guint8       *data,
                                                     gsize               size,
                                                     SesameStunMessage  *message,
                                                     GError            **error);
gboolean        sesame_stun_verify_integrity        (const guint8       *data,
                                                     gsize               size,
                                                     const guint8       *key,
                                                     gsize               key_size,
                                                     GError            **error);

gboolean        sesame_stun_message_is_response_to  (const SesameStunMessage       *message,
                                                     const SesameStunTransactionId *transaction_id);
const SesameStunAddress *
                sesame_stun_message_get_mapped_address
                                                    (const SesameStunMessage       *message);

gboolean        sesame_stun_address_is_set          (const SesameStunAddress *address);
gboolean        sesame_stun_address_equal           (const SesameStunAddress *a,
                                                     const SesameStunAddress *b);
gboolean        sesame_stun_address_equal_ip        (const SesameStunAddress *a,
                                                     const SesameStunAddress *b);
gboolean        sesame_stun_address_may_contact     (const SesameStunAddress *server,
                                                     const SesameStunAddress *candidate);
char           *sesame_stun_address_to_string       (const SesameStunAddress *address);
GSocketAddress *sesame_stun_address_to_socket_address
                                                    (const SesameStunAddress *address);
gboolean        sesame_stun_address_from_socket_address
                                                    (GSocketAddress          *socket_address,
                                                     SesameStunAddress       *address);

G_END_DECLS
