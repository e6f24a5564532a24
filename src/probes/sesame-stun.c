/* sesame-stun.c
 *
 * The STUN codec, one file: the message header, every attribute Sesame
 * reads or writes, requests and the reflector's responses share the same
 * bounds-checked readers and writers, and are fuzzed as one (see the
 * section documentation below).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/**
 * SECTION:sesame-stun
 * @title: STUN codec
 * @short_description: build Binding requests and parse STUN replies, without I/O
 *
 * A pure codec for the parts of STUN (RFC 8489, formerly RFC 5389) that NAT behaviour
 * discovery (RFC 5780) needs: Binding requests with CHANGE-REQUEST, SOFTWARE and
 * FINGERPRINT, and Binding responses with XOR-MAPPED-ADDRESS, MAPPED-ADDRESS,
 * OTHER-ADDRESS, RESPONSE-ORIGIN, the RFC 3489 CHANGED-ADDRESS and ERROR-CODE.
 *
 * Nothing here reads from or writes to the network. sesame_stun_parse() treats its input
 * as hostile: every length is checked against the datagram, it allocates nothing unless
 * it reports an error, and it fills a plain #SesameStunMessage only when the whole
 * message is well formed.
 *
 * A reply belongs to a request only when sesame_stun_message_is_response_to() says so
 * for the request's transaction id and the datagram came from the address the request
 * went to (or, after a CHANGE-REQUEST, the one the request asked for): convert the
 * sender with sesame_stun_address_from_socket_address() and compare it with
 * sesame_stun_address_equal().
 *
 * Error messages are short English diagnostics for logs and bug reports; a probe shows
 * the user its own translated sentence and keeps these for the details.
 */

#define G_LOG_DOMAIN "sesame-stun"

#include <string.h>

#include "sesame-bytes.h"
#include "sesame-stun.h"

#define FINGERPRINT_XOR       0x5354554Eu
#define INTEGRITY_SIZE        20
#define ATTRIBUTE_HEADER_SIZE 4

G_DEFINE_QUARK (sesame-stun-error-quark, sesame_stun_error)

static inline gsize
padded (gsize length)
{
  return (length + 3) & ~(gsize) 3;
}

/* CRC-32 as in ISO 3309 / ITU-T V.42, which FINGERPRINT uses; messages are small. */
static guint32
crc32 (const guint8 *data,
       gsize         size)
{
  guint32 crc = 0xFFFFFFFFu;

  for (gsize i = 0; i < size; i++)
    {
      crc ^= data[i];
      for (guint bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }

  return ~crc;
}

static guint32
fingerprint (const guint8 *data,
             gsize         size)
{
  return crc32 (data, size) ^ FINGERPRINT_XOR;
}

static const char *
attribute_name (guint16 type)
{
  switch (type)
    {
    case SESAME_STUN_ATTR_MAPPED_ADDRESS:     return "MAPPED-ADDRESS";
    case SESAME_STUN_ATTR_CHANGE_REQUEST:     return "CHANGE-REQUEST";
    case SESAME_STUN_ATTR_CHANGED_ADDRESS:    return "CHANGED-ADDRESS";
    case SESAME_STUN_ATTR_MESSAGE_INTEGRITY:  return "MESSAGE-INTEGRITY";
    case SESAME_STUN_ATTR_ERROR_CODE:         return "ERROR-CODE";
    case SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS: return "XOR-MAPPED-ADDRESS";
    case SESAME_STUN_ATTR_SOFTWARE:           return "SOFTWARE";
    case SESAME_STUN_ATTR_FINGERPRINT:        return "FINGERPRINT";
    case SESAME_STUN_ATTR_RESPONSE_ORIGIN:    return "RESPONSE-ORIGIN";
    case SESAME_STUN_ATTR_OTHER_ADDRESS:      return "OTHER-ADDRESS";
    default:                                  return "attribute";
    }
}

/* The attributes this codec knows but has no field for; anything else below 0x8000 is
 * an unknown comprehension-required attribute, which the caller must know about. */
static gboolean
is_known_ignored (guint16 type)
{
  switch (type)
    {
    case SESAME_STUN_ATTR_SOURCE_ADDRESS:
    case SESAME_STUN_ATTR_USERNAME:
    case SESAME_STUN_ATTR_UNKNOWN_ATTRIBUTES:
    case SESAME_STUN_ATTR_REFLECTED_FROM:
    case SESAME_STUN_ATTR_PADDING:
    case SESAME_STUN_ATTR_RESPONSE_PORT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Keeps the longest valid UTF-8 prefix (up to the first NUL), control characters blanked. */
static void
copy_text (char         *dest,
           const guint8 *value,
           gsize         length)
{
  gsize n = MIN (length, (gsize) SESAME_STUN_MAX_TEXT_SIZE - 1);
  const char *end;

  memcpy (dest, value, n);
  g_utf8_validate_len (dest, n, &end);
  n = (gsize) (end - dest);
  dest[n] = '\0';

  for (gsize i = 0; i < n; i++)
    {
      if ((guchar) dest[i] < 0x20 || dest[i] == 0x7F)
        dest[i] = ' ';
    }
}

static gboolean
parse_address (guint16                        type,
               const guint8                  *value,
               gsize                          length,
               const SesameStunTransactionId *xor_id,
               SesameStunAddress             *address,
               GError                       **error)
{
  SesameStunAddress parsed = { 0 };
  gsize expected;

  g_assert (value != NULL);
  g_assert (address != NULL);

  if (length < 4)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                   "%s is too short (%" G_GSIZE_FORMAT " bytes) to hold an address",
                   attribute_name (type), length);
      return FALSE;
    }

  switch (value[1])
    {
    case SESAME_STUN_FAMILY_IPV4:
      expected = 4 + 4;
      break;
    case SESAME_STUN_FAMILY_IPV6:
      expected = 4 + 16;
      break;
    default:
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                   "%s has an unknown address family (0x%02x)", attribute_name (type), value[1]);
      return FALSE;
    }

  if (length != expected)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                   "%s is %" G_GSIZE_FORMAT " bytes long; an IPv%c address takes %" G_GSIZE_FORMAT,
                   attribute_name (type), length,
                   value[1] == SESAME_STUN_FAMILY_IPV4 ? '4' : '6', expected);
      return FALSE;
    }

  parsed.family = value[1];
  parsed.port = sesame_read_u16 (value + 2);
  memcpy (parsed.address, value + 4, expected - 4);

  if (xor_id != NULL)
    {
      guint8 mask[16];

      sesame_write_u32 (mask, SESAME_STUN_MAGIC_COOKIE);
      memcpy (mask + 4, xor_id->bytes, SESAME_STUN_TRANSACTION_ID_SIZE);

      parsed.port ^= (guint16) (SESAME_STUN_MAGIC_COOKIE >> 16);
      for (gsize i = 0; i < expected - 4; i++)
        parsed.address[i] ^= mask[i];
    }

  /* Only the first occurrence counts (RFC 8489, section 14) */
  if (address->family == SESAME_STUN_FAMILY_NONE)
    *address = parsed;

  return TRUE;
}

static gboolean
parse_attribute (SesameStunMessage  *message,
                 guint16             type,
                 const guint8       *value,
                 gsize               length,
                 gsize               offset,
                 GError            **error)
{
  g_assert (message != NULL);
  g_assert (value != NULL);

  switch (type)
    {
    case SESAME_STUN_ATTR_MAPPED_ADDRESS:
      return parse_address (type, value, length, NULL, &message->mapped_address, error);

    case SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS:
      return parse_address (type, value, length, &message->transaction_id,
                            &message->xor_mapped_address, error);

    case SESAME_STUN_ATTR_OTHER_ADDRESS:
      return parse_address (type, value, length, NULL, &message->other_address, error);

    case SESAME_STUN_ATTR_RESPONSE_ORIGIN:
      return parse_address (type, value, length, NULL, &message->response_origin, error);

    case SESAME_STUN_ATTR_CHANGED_ADDRESS:
      return parse_address (type, value, length, NULL, &message->changed_address, error);

    case SESAME_STUN_ATTR_CHANGE_REQUEST:
      if (length != 4)
        {
          g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                       "CHANGE-REQUEST is %" G_GSIZE_FORMAT " bytes long instead of 4", length);
          return FALSE;
        }
      if (!message->has_change_request)
        {
          message->has_change_request = TRUE;
          message->change_flags = sesame_read_u32 (value) &
                                  (SESAME_STUN_REQUEST_CHANGE_IP | SESAME_STUN_REQUEST_CHANGE_PORT);
        }
      return TRUE;

    case SESAME_STUN_ATTR_MESSAGE_INTEGRITY:
      if (length != INTEGRITY_SIZE)
        {
          g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                       "MESSAGE-INTEGRITY is %" G_GSIZE_FORMAT " bytes long instead of 20",
                       length);
          return FALSE;
        }
      message->has_message_integrity = TRUE;
      message->integrity_offset = offset;
      return TRUE;

    case SESAME_STUN_ATTR_ERROR_CODE:
      {
        guint error_class;
        guint number;

        if (length < 4)
          {
            g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                         "ERROR-CODE is too short (%" G_GSIZE_FORMAT " bytes)", length);
            return FALSE;
          }

        error_class = value[2] & 0x07;
        number = value[3];
        if (error_class < 3 || error_class > 6 || number > 99)
          {
            g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                         "ERROR-CODE class %u number %u is not a code from 300 to 699",
                         error_class, number);
            return FALSE;
          }

        if (message->error_code == 0)
          {
            message->error_code = error_class * 100 + number;
            copy_text (message->error_reason, value + 4, length - 4);
          }
        return TRUE;
      }

    case SESAME_STUN_ATTR_SOFTWARE:
      if (message->software[0] == '\0')
        copy_text (message->software, value, length);
      return TRUE;

    default:
      if (type < 0x8000 && !is_known_ignored (type))
        {
          if (message->n_unknown_attributes < SESAME_STUN_MAX_UNKNOWN)
            message->unknown_attributes[message->n_unknown_attributes] = type;
          if (message->n_unknown_attributes < G_MAXUINT)
            message->n_unknown_attributes++;
        }
      return TRUE;
    }
}

/**
 * sesame_stun_parse:
 * @data: (array length=size): one datagram, untrusted
 * @size: its size in bytes
 * @message: (out caller-allocates): the parsed message
 * @error: a #SesameStunError
 *
 * Checks and decodes a STUN message: a 20-byte header whose first two bits are zero, a
 * length that is a multiple of 4 and accounts for exactly the rest of the datagram, the
 * magic cookie, then attributes each padded to 4 bytes and lying within the message.
 * Address attributes must be 8 (IPv4) or 20 (IPv6) bytes long with a known family.
 * A FINGERPRINT must be the last attribute and match; attributes between
 * MESSAGE-INTEGRITY and FINGERPRINT are ignored, as RFC 8489 requires. Unknown
 * comprehension-optional attributes are skipped; unknown comprehension-required ones are
 * listed in @message, for the caller to refuse a success response that has any.
 *
 * A datagram without the magic cookie but otherwise well formed gives
 * %SESAME_STUN_ERROR_NO_MAGIC_COOKIE: it is an RFC 3489 message. (An RFC 3489 server
 * answering a request from this codec echoes the cookie, so its reply parses.)
 *
 * Nothing is allocated unless an error is reported. On failure @message is left as it
 * was.
 *
 * Returns: %TRUE if @data is a well-formed STUN message
 */
gboolean
sesame_stun_parse (const guint8       *data,
                   gsize               size,
                   SesameStunMessage  *message,
                   GError            **error)
{
  SesameStunMessage parsed = { 0 };
  guint16 type;
  guint16 length;
  gsize offset;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size > SESAME_STUN_MAX_MESSAGE_SIZE)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_TOO_LARGE,
                   "the datagram is too large for a STUN reply (%" G_GSIZE_FORMAT " bytes; "
                   "at most %u)", size, SESAME_STUN_MAX_MESSAGE_SIZE);
      return FALSE;
    }

  if (size < SESAME_STUN_HEADER_SIZE)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_TRUNCATED,
                   "the datagram is shorter than a STUN header (%" G_GSIZE_FORMAT " of %u bytes)",
                   size, SESAME_STUN_HEADER_SIZE);
      return FALSE;
    }

  type = sesame_read_u16 (data);
  if ((type & 0xC000) != 0)
    {
      g_set_error_literal (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NOT_STUN,
                           "the datagram is not STUN: its first two bits are not zero");
      return FALSE;
    }

  length = sesame_read_u16 (data + 2);
  if (length % 4 != 0)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_LENGTH,
                   "the message length (%u) is not a multiple of 4", length);
      return FALSE;
    }

  if ((gsize) length > size - SESAME_STUN_HEADER_SIZE)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_TRUNCATED,
                   "the message is truncated (%" G_GSIZE_FORMAT " of %u bytes arrived)",
                   size, SESAME_STUN_HEADER_SIZE + length);
      return FALSE;
    }

  if ((gsize) length < size - SESAME_STUN_HEADER_SIZE)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_LENGTH,
                   "the datagram has %" G_GSIZE_FORMAT " bytes after the message",
                   size - SESAME_STUN_HEADER_SIZE - length);
      return FALSE;
    }

  if (sesame_read_u32 (data + 4) != SESAME_STUN_MAGIC_COOKIE)
    {
      g_set_error_literal (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NO_MAGIC_COOKIE,
                           "the message has no magic cookie (an RFC 3489 server or not STUN)");
      return FALSE;
    }

  parsed.type = type;
  parsed.message_class = (SesameStunClass) (((type >> 4) & 0x1) | ((type >> 7) & 0x2));
  parsed.method = (guint16) ((type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80));
  parsed.length = length;
  memcpy (parsed.transaction_id.bytes, data + 8, SESAME_STUN_TRANSACTION_ID_SIZE);

  offset = SESAME_STUN_HEADER_SIZE;
  while (offset < size)
    {
      /* offset and size are multiples of 4, so the attribute header is there */
      guint16 attr_type = sesame_read_u16 (data + offset);
      guint16 attr_length = sesame_read_u16 (data + offset + 2);
      const guint8 *value = data + offset + ATTRIBUTE_HEADER_SIZE;

      if (padded (attr_length) > size - offset - ATTRIBUTE_HEADER_SIZE)
        {
          g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_ATTRIBUTE,
                       "%s 0x%04x (%u bytes) runs past the end of the message",
                       attribute_name (attr_type), attr_type, attr_length);
          return FALSE;
        }

      if (attr_type == SESAME_STUN_ATTR_FINGERPRINT)
        {
          if (attr_length != 4)
            {
              g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_FINGERPRINT,
                           "FINGERPRINT is %u bytes long instead of 4", attr_length);
              return FALSE;
            }

          if (offset + ATTRIBUTE_HEADER_SIZE + 4 != size)
            {
              g_set_error_literal (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_FINGERPRINT,
                                   "FINGERPRINT is not the last attribute");
              return FALSE;
            }

          if (sesame_read_u32 (value) != fingerprint (data, offset))
            {
              g_set_error_literal (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_FINGERPRINT,
                                   "FINGERPRINT does not match: the message was damaged");
              return FALSE;
            }

          parsed.has_fingerprint = TRUE;
        }
      else if (parsed.has_message_integrity)
        {
          /* Not covered by MESSAGE-INTEGRITY: ignored (RFC 8489, section 14.5) */
        }
      else if (!parse_attribute (&parsed, attr_type, value, attr_length, offset, error))
        {
          return FALSE;
        }

      offset += ATTRIBUTE_HEADER_SIZE + padded (attr_length);
    }

  *message = parsed;
  return TRUE;
}

/**
 * sesame_stun_verify_integrity:
 * @data: (array length=size): one datagram
 * @size: its size in bytes
 * @key: (array length=key_size): the HMAC key: for short-term credentials the password
 *   (after OpaqueString processing), for long-term ones MD5 (username:realm:password)
 * @key_size: its size in bytes
 * @error: a #SesameStunError
 *
 * Parses @data like sesame_stun_parse() and checks its MESSAGE-INTEGRITY: the
 * HMAC-SHA1, keyed with @key, of the message up to that attribute, with the header's
 * length field counting up to the end of MESSAGE-INTEGRITY.
 *
 * Returns: %TRUE if the message is well formed and its MESSAGE-INTEGRITY matches;
 *   %SESAME_STUN_ERROR_NO_INTEGRITY if it has none
 */
gboolean
sesame_stun_verify_integrity (const guint8  *data,
                              gsize          size,
                              const guint8  *key,
                              gsize          key_size,
                              GError       **error)
{
  static const guint8 empty_key[1] = { 0 };
  g_autoptr(GHmac) hmac = NULL;
  SesameStunMessage message;
  guint8 header[SESAME_STUN_HEADER_SIZE];
  guint8 digest[INTEGRITY_SIZE];
  gsize digest_size = sizeof digest;
  guint8 difference = 0;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (key != NULL || key_size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sesame_stun_parse (data, size, &message, error))
    return FALSE;

  if (!message.has_message_integrity)
    {
      g_set_error_literal (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NO_INTEGRITY,
                           "the message has no MESSAGE-INTEGRITY");
      return FALSE;
    }

  g_assert (message.integrity_offset >= SESAME_STUN_HEADER_SIZE);
  g_assert (message.integrity_offset + ATTRIBUTE_HEADER_SIZE + INTEGRITY_SIZE <= size);

  memcpy (header, data, SESAME_STUN_HEADER_SIZE);
  sesame_write_u16 (header + 2, (guint16) (message.integrity_offset + ATTRIBUTE_HEADER_SIZE +
                                    INTEGRITY_SIZE - SESAME_STUN_HEADER_SIZE));

  hmac = g_hmac_new (G_CHECKSUM_SHA1, key != NULL ? key : empty_key, key_size);
  g_hmac_update (hmac, header, sizeof header);
  g_hmac_update (hmac, data + SESAME_STUN_HEADER_SIZE,
                 message.integrity_offset - SESAME_STUN_HEADER_SIZE);
  g_hmac_get_digest (hmac, digest, &digest_size);
  g_assert (digest_size == INTEGRITY_SIZE);

  for (gsize i = 0; i < INTEGRITY_SIZE; i++)
    difference |= digest[i] ^ data[message.integrity_offset + ATTRIBUTE_HEADER_SIZE + i];

  if (difference != 0)
    {
      g_set_error_literal (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_INTEGRITY,
                           "MESSAGE-INTEGRITY does not match: wrong key or altered message");
      return FALSE;
    }

  return TRUE;
}

/**
 * sesame_stun_build_binding_request:
 * @buffer: (out caller-allocates) (array length=buffer_size): where the request is written;
 *   %SESAME_STUN_MAX_REQUEST_SIZE bytes are always enough
 * @buffer_size: the size of @buffer
 * @transaction_id: the request's transaction id, from
 *   sesame_stun_transaction_id_generate() unless a test fixes it
 * @flags: %SESAME_STUN_REQUEST_CHANGE_IP and %SESAME_STUN_REQUEST_CHANGE_PORT add a
 *   CHANGE-REQUEST with those flags (%SESAME_STUN_REQUEST_CHANGE_REQUEST adds one even
 *   with neither); %SESAME_STUN_REQUEST_FINGERPRINT ends the request with a FINGERPRINT
 * @software: (nullable): UTF-8 text for a SOFTWARE attribute, shorter than
 *   %SESAME_STUN_MAX_TEXT_SIZE bytes, or %NULL
 * @error: %SESAME_STUN_ERROR_NO_SPACE if @buffer is too small
 *
 * Writes a Binding request: the header with the magic cookie and @transaction_id, then
 * CHANGE-REQUEST, SOFTWARE and FINGERPRINT as asked, in that order.
 *
 * Returns: the size of the request in bytes, or 0 on error
 */
gsize
sesame_stun_build_binding_request (guint8                         *buffer,
                                   gsize                           buffer_size,
                                   const SesameStunTransactionId  *transaction_id,
                                   SesameStunRequestFlags          flags,
                                   const char                     *software,
                                   GError                        **error)
{
  const SesameStunRequestFlags all_flags = SESAME_STUN_REQUEST_CHANGE_IP |
                                           SESAME_STUN_REQUEST_CHANGE_PORT |
                                           SESAME_STUN_REQUEST_CHANGE_REQUEST |
                                           SESAME_STUN_REQUEST_FINGERPRINT;
  const SesameStunRequestFlags change_flags = SESAME_STUN_REQUEST_CHANGE_IP |
                                              SESAME_STUN_REQUEST_CHANGE_PORT;
  gboolean change_request = (flags & (change_flags | SESAME_STUN_REQUEST_CHANGE_REQUEST)) != 0;
  gsize software_length = software != NULL ? strlen (software) : 0;
  gsize needed = SESAME_STUN_HEADER_SIZE;
  gsize offset = SESAME_STUN_HEADER_SIZE;

  g_return_val_if_fail (buffer != NULL || buffer_size == 0, 0);
  g_return_val_if_fail (transaction_id != NULL, 0);
  g_return_val_if_fail ((flags & ~all_flags) == 0, 0);
  g_return_val_if_fail (software_length < SESAME_STUN_MAX_TEXT_SIZE, 0);
  g_return_val_if_fail (software == NULL || g_utf8_validate (software, -1, NULL), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (change_request)
    needed += ATTRIBUTE_HEADER_SIZE + 4;
  if (software_length > 0)
    needed += ATTRIBUTE_HEADER_SIZE + padded (software_length);
  if (flags & SESAME_STUN_REQUEST_FINGERPRINT)
    needed += ATTRIBUTE_HEADER_SIZE + 4;

  g_assert (needed <= SESAME_STUN_MAX_REQUEST_SIZE);

  if (needed > buffer_size)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NO_SPACE,
                   "the request takes %" G_GSIZE_FORMAT " bytes but the buffer holds %"
                   G_GSIZE_FORMAT, needed, buffer_size);
      return 0;
    }

  memset (buffer, 0, needed);
  sesame_write_u16 (buffer, SESAME_STUN_METHOD_BINDING);
  sesame_write_u16 (buffer + 2, (guint16) (needed - SESAME_STUN_HEADER_SIZE));
  sesame_write_u32 (buffer + 4, SESAME_STUN_MAGIC_COOKIE);
  memcpy (buffer + 8, transaction_id->bytes, SESAME_STUN_TRANSACTION_ID_SIZE);

  if (change_request)
    {
      sesame_write_u16 (buffer + offset, SESAME_STUN_ATTR_CHANGE_REQUEST);
      sesame_write_u16 (buffer + offset + 2, 4);
      sesame_write_u32 (buffer + offset + 4, (guint32) (flags & change_flags));
      offset += ATTRIBUTE_HEADER_SIZE + 4;
    }

  if (software_length > 0)
    {
      sesame_write_u16 (buffer + offset, SESAME_STUN_ATTR_SOFTWARE);
      sesame_write_u16 (buffer + offset + 2, (guint16) software_length);
      memcpy (buffer + offset + ATTRIBUTE_HEADER_SIZE, software, software_length);
      offset += ATTRIBUTE_HEADER_SIZE + padded (software_length);
    }

  if (flags & SESAME_STUN_REQUEST_FINGERPRINT)
    {
      /* The header's length already counts the FINGERPRINT */
      sesame_write_u16 (buffer + offset, SESAME_STUN_ATTR_FINGERPRINT);
      sesame_write_u16 (buffer + offset + 2, 4);
      sesame_write_u32 (buffer + offset + 4, fingerprint (buffer, offset));
      offset += ATTRIBUTE_HEADER_SIZE + 4;
    }

  g_assert (offset == needed);
  return needed;
}

static gsize
write_address (guint8                        *buffer,
               guint16                        type,
               const SesameStunAddress       *address,
               const SesameStunTransactionId *xor_id)
{
  gsize size = address->family == SESAME_STUN_FAMILY_IPV4 ? 4 : 16;
  guint16 port = address->port;
  guint8 value[16];

  memcpy (value, address->address, size);
  if (xor_id != NULL)
    {
      guint8 mask[16];

      sesame_write_u32 (mask, SESAME_STUN_MAGIC_COOKIE);
      memcpy (mask + 4, xor_id->bytes, SESAME_STUN_TRANSACTION_ID_SIZE);
      port ^= (guint16) (SESAME_STUN_MAGIC_COOKIE >> 16);
      for (gsize i = 0; i < size; i++)
        value[i] ^= mask[i];
    }

  sesame_write_u16 (buffer, type);
  sesame_write_u16 (buffer + 2, (guint16) (4 + size));
  buffer[4] = 0;
  buffer[5] = (guint8) address->family;
  sesame_write_u16 (buffer + 6, port);
  memcpy (buffer + 8, value, size);

  return ATTRIBUTE_HEADER_SIZE + 4 + size;
}

/**
 * sesame_stun_build_binding_response:
 * @buffer: (out caller-allocates) (array length=buffer_size): where to write the response
 * @buffer_size: its size; %SESAME_STUN_MAX_RESPONSE_SIZE is always enough
 * @transaction_id: the request's transaction id
 * @mapped: the address the request came from: XOR-MAPPED-ADDRESS
 * @other: (nullable): the server's alternate address and port: OTHER-ADDRESS (RFC 5780)
 * @origin: (nullable): where the response is sent from: RESPONSE-ORIGIN (RFC 5780)
 * @with_fingerprint: end the response with a FINGERPRINT (answer one with one)
 * @error: %SESAME_STUN_ERROR_NO_SPACE if @buffer is too small
 *
 * Writes a Binding success response, the server side of
 * sesame_stun_build_binding_request(); the addresses must be set.
 *
 * Returns: the size of the response in bytes, or 0 on error
 */
gsize
sesame_stun_build_binding_response (guint8                         *buffer,
                                    gsize                           buffer_size,
                                    const SesameStunTransactionId  *transaction_id,
                                    const SesameStunAddress        *mapped,
                                    const SesameStunAddress        *other,
                                    const SesameStunAddress        *origin,
                                    gboolean                        with_fingerprint,
                                    GError                        **error)
{
  const SesameStunAddress *addresses[3] = { mapped, other, origin };
  const guint16 types[3] = { SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS,
                             SESAME_STUN_ATTR_OTHER_ADDRESS,
                             SESAME_STUN_ATTR_RESPONSE_ORIGIN };
  gsize needed = SESAME_STUN_HEADER_SIZE;
  gsize offset = SESAME_STUN_HEADER_SIZE;

  g_return_val_if_fail (buffer != NULL || buffer_size == 0, 0);
  g_return_val_if_fail (transaction_id != NULL, 0);
  g_return_val_if_fail (mapped != NULL && sesame_stun_address_is_set (mapped), 0);
  g_return_val_if_fail (other == NULL || sesame_stun_address_is_set (other), 0);
  g_return_val_if_fail (origin == NULL || sesame_stun_address_is_set (origin), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    if (addresses[i] != NULL)
      needed += ATTRIBUTE_HEADER_SIZE + 4 + (addresses[i]->family == SESAME_STUN_FAMILY_IPV4 ? 4 : 16);
  if (with_fingerprint)
    needed += ATTRIBUTE_HEADER_SIZE + 4;

  g_assert (needed <= SESAME_STUN_MAX_RESPONSE_SIZE);

  if (needed > buffer_size)
    {
      g_set_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NO_SPACE,
                   "the response takes %" G_GSIZE_FORMAT " bytes but the buffer holds %"
                   G_GSIZE_FORMAT, needed, buffer_size);
      return 0;
    }

  memset (buffer, 0, needed);
  sesame_write_u16 (buffer, 0x0100 | SESAME_STUN_METHOD_BINDING);
  sesame_write_u16 (buffer + 2, (guint16) (needed - SESAME_STUN_HEADER_SIZE));
  sesame_write_u32 (buffer + 4, SESAME_STUN_MAGIC_COOKIE);
  memcpy (buffer + 8, transaction_id->bytes, SESAME_STUN_TRANSACTION_ID_SIZE);

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    if (addresses[i] != NULL)
      offset += write_address (buffer + offset, types[i], addresses[i], i == 0 ? transaction_id : NULL);

  if (with_fingerprint)
    {
      sesame_write_u16 (buffer + offset, SESAME_STUN_ATTR_FINGERPRINT);
      sesame_write_u16 (buffer + offset + 2, 4);
      sesame_write_u32 (buffer + offset + 4, fingerprint (buffer, offset));
      offset += ATTRIBUTE_HEADER_SIZE + 4;
    }

  g_assert (offset == needed);
  return needed;
}

/**
 * sesame_stun_transaction_id_generate:
 * @transaction_id: (out caller-allocates): filled with 96 random bits
 *
 * Uses g_random_int(): unpredictable to anyone who cannot see earlier ids, which is
 * what matching replies to requests needs; not a cryptographic generator.
 */
void
sesame_stun_transaction_id_generate (SesameStunTransactionId *transaction_id)
{
  g_return_if_fail (transaction_id != NULL);

  for (guint i = 0; i < SESAME_STUN_TRANSACTION_ID_SIZE; i += 4)
    sesame_write_u32 (transaction_id->bytes + i, g_random_int ());
}

/**
 * sesame_stun_transaction_id_equal:
 * @a: a transaction id
 * @b: another one
 *
 * Returns: %TRUE if @a and @b are the same 96 bits
 */
gboolean
sesame_stun_transaction_id_equal (const SesameStunTransactionId *a,
                                  const SesameStunTransactionId *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return memcmp (a->bytes, b->bytes, SESAME_STUN_TRANSACTION_ID_SIZE) == 0;
}

/**
 * sesame_stun_message_is_response_to:
 * @message: a parsed message
 * @transaction_id: the id of a Binding request that was sent
 *
 * The caller must also check that the datagram came from the expected address.
 *
 * Returns: %TRUE if @message is a Binding success or error response carrying
 *   @transaction_id
 */
gboolean
sesame_stun_message_is_response_to (const SesameStunMessage       *message,
                                    const SesameStunTransactionId *transaction_id)
{
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (transaction_id != NULL, FALSE);

  return message->method == SESAME_STUN_METHOD_BINDING &&
         (message->message_class == SESAME_STUN_CLASS_SUCCESS_RESPONSE ||
          message->message_class == SESAME_STUN_CLASS_ERROR_RESPONSE) &&
         sesame_stun_transaction_id_equal (&message->transaction_id, transaction_id);
}

/**
 * sesame_stun_message_get_mapped_address:
 * @message: a parsed message
 *
 * Returns: (nullable) (transfer none): XOR-MAPPED-ADDRESS, or else the MAPPED-ADDRESS
 *   of an RFC 3489 server, or %NULL if the message has neither
 */
const SesameStunAddress *
sesame_stun_message_get_mapped_address (const SesameStunMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);

  if (sesame_stun_address_is_set (&message->xor_mapped_address))
    return &message->xor_mapped_address;
  if (sesame_stun_address_is_set (&message->mapped_address))
    return &message->mapped_address;
  return NULL;
}

static gsize
address_size (SesameStunFamily family)
{
  switch (family)
    {
    case SESAME_STUN_FAMILY_IPV4: return 4;
    case SESAME_STUN_FAMILY_IPV6: return 16;
    case SESAME_STUN_FAMILY_NONE:
    default:                      return 0;
    }
}

/**
 * sesame_stun_address_is_set:
 * @address: an address
 *
 * Returns: %TRUE if @address holds an IPv4 or IPv6 address, %FALSE if the attribute
 *   it comes from was missing
 */
gboolean
sesame_stun_address_is_set (const SesameStunAddress *address)
{
  g_return_val_if_fail (address != NULL, FALSE);

  return address->family == SESAME_STUN_FAMILY_IPV4 || address->family == SESAME_STUN_FAMILY_IPV6;
}

/**
 * sesame_stun_address_equal_ip:
 * @a: an address
 * @b: another one
 *
 * An address that is not set equals nothing, not even another one that is not set.
 *
 * Returns: %TRUE if @a and @b are set and have the same family and IP address; the
 *   ports may differ
 */
gboolean
sesame_stun_address_equal_ip (const SesameStunAddress *a,
                              const SesameStunAddress *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return sesame_stun_address_is_set (a) &&
         a->family == b->family &&
         memcmp (a->address, b->address, address_size (a->family)) == 0;
}

/**
 * sesame_stun_address_equal:
 * @a: an address
 * @b: another one
 *
 * Use it to accept a reply only from the address the request went to. An address that
 * is not set equals nothing, so a missing OTHER-ADDRESS never matches a sender.
 *
 * Returns: %TRUE if @a and @b are set and have the same family, IP address and port
 */
gboolean
sesame_stun_address_equal (const SesameStunAddress *a,
                           const SesameStunAddress *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return sesame_stun_address_equal_ip (a, b) && a->port == b->port;
}

/* Which addresses a STUN server may send Sesame on to (see
 * sesame_stun_address_may_contact()): only these three kinds, each to its own */
typedef enum
{
  ADDRESS_KIND_NEVER,          /* private, shared, link-local, multicast, unspecified, reserved… */
  ADDRESS_KIND_PUBLIC,
  ADDRESS_KIND_DOCUMENTATION,  /* 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32 */
  ADDRESS_KIND_LOOPBACK,
} AddressKind;

static gboolean
ipv4_in (const guint8 *a,
         guint32       prefix,
         guint         bits)
{
  guint32 value = ((guint32) a[0] << 24) | ((guint32) a[1] << 16) | ((guint32) a[2] << 8) | a[3];
  guint32 mask = bits == 0 ? 0 : G_MAXUINT32 << (32 - bits);

  return (value & mask) == prefix;
}

static AddressKind
address_kind (const SesameStunAddress *address)
{
  const guint8 *a = address->address;

  if (address->family == SESAME_STUN_FAMILY_IPV4)
    {
      if (ipv4_in (a, 0x7F000000, 8))
        return ADDRESS_KIND_LOOPBACK;
      if (ipv4_in (a, 0xC0000200, 24) || ipv4_in (a, 0xC6336400, 24) || ipv4_in (a, 0xCB007100, 24))
        return ADDRESS_KIND_DOCUMENTATION;
      if (ipv4_in (a, 0x00000000, 8) ||     /* "this network", unspecified */
          ipv4_in (a, 0x0A000000, 8) ||     /* private */
          ipv4_in (a, 0x64400000, 10) ||    /* shared, carrier-grade NAT */
          ipv4_in (a, 0xA9FE0000, 16) ||    /* link-local */
          ipv4_in (a, 0xAC100000, 12) ||    /* private */
          ipv4_in (a, 0xC0000000, 24) ||    /* IETF protocol assignments */
          ipv4_in (a, 0xC0A80000, 16) ||    /* private */
          ipv4_in (a, 0xC6120000, 15) ||    /* benchmarking */
          ipv4_in (a, 0xE0000000, 4) ||     /* multicast */
          ipv4_in (a, 0xF0000000, 4))       /* reserved, and the broadcast address */
        return ADDRESS_KIND_NEVER;
      return ADDRESS_KIND_PUBLIC;
    }

  if (address->family == SESAME_STUN_FAMILY_IPV6)
    {
      static const guint8 loopback[16] = { [15] = 1 };

      if (memcmp (a, loopback, sizeof loopback) == 0)
        return ADDRESS_KIND_LOOPBACK;
      if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
        return ADDRESS_KIND_DOCUMENTATION;
      /* Global unicast is 2000::/3; everything else (unique local, link-local,
       * multicast, IPv4-mapped, unspecified) is never followed */
      if ((a[0] & 0xe0) == 0x20)
        return ADDRESS_KIND_PUBLIC;
    }

  return ADDRESS_KIND_NEVER;
}

/**
 * sesame_stun_address_may_contact:
 * @server: the address of the STUN server Sesame was told to use
 * @candidate: an address that server named: its OTHER-ADDRESS, or the mapped
 *   address to send a hairpinning test to
 *
 * A STUN server must not be able to send Sesame on to anything but its own
 * kind of address. A public server's second address must be public (never
 * private, carrier-grade NAT, link-local, loopback, multicast, unspecified,
 * broadcast or reserved); a server in a documentation range (a test
 * network's "internet") may name another documentation address, and a
 * server on loopback (a test) another loopback address. Both must be of the
 * same family.
 *
 * Returns: %TRUE if Sesame may send to @candidate
 */
gboolean
sesame_stun_address_may_contact (const SesameStunAddress *server,
                                 const SesameStunAddress *candidate)
{
  AddressKind kind;

  g_return_val_if_fail (server != NULL && candidate != NULL, FALSE);

  if (!sesame_stun_address_is_set (server) || !sesame_stun_address_is_set (candidate) ||
      server->family != candidate->family || candidate->port == 0)
    return FALSE;

  kind = address_kind (candidate);
  return kind != ADDRESS_KIND_NEVER && kind == address_kind (server);
}

static GInetAddress *
address_to_inet_address (const SesameStunAddress *address)
{
  g_assert (sesame_stun_address_is_set (address));

  return g_inet_address_new_from_bytes (address->address,
                                        address->family == SESAME_STUN_FAMILY_IPV4 ?
                                        G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
}

/**
 * sesame_stun_address_to_string:
 * @address: an address
 *
 * Returns: (transfer full) (nullable): "192.0.2.1:32853" or "[2001:db8::1]:32853",
 *   or %NULL if @address is not set
 */
char *
sesame_stun_address_to_string (const SesameStunAddress *address)
{
  g_autoptr(GInetAddress) inet_address = NULL;
  g_autofree char *ip = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  if (!sesame_stun_address_is_set (address))
    return NULL;

  inet_address = address_to_inet_address (address);
  ip = g_inet_address_to_string (inet_address);

  if (address->family == SESAME_STUN_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", ip, address->port);

  return g_strdup_printf ("%s:%u", ip, address->port);
}

/**
 * sesame_stun_address_to_socket_address:
 * @address: an address
 *
 * Returns: (transfer full) (nullable): a #GInetSocketAddress, or %NULL if @address is
 *   not set
 */
GSocketAddress *
sesame_stun_address_to_socket_address (const SesameStunAddress *address)
{
  g_autoptr(GInetAddress) inet_address = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  if (!sesame_stun_address_is_set (address))
    return NULL;

  inet_address = address_to_inet_address (address);
  return g_inet_socket_address_new (inet_address, address->port);
}

/**
 * sesame_stun_address_from_socket_address:
 * @socket_address: the sender of a datagram, or the address a request went to
 * @address: (out caller-allocates): the same as a #SesameStunAddress
 *
 * An IPv4-mapped IPv6 address (::ffff:192.0.2.1, as a dual-stack socket reports IPv4
 * senders) becomes the IPv4 address, so that it compares equal to what STUN reports.
 *
 * Returns: %TRUE if @socket_address is an IPv4 or IPv6 socket address; otherwise
 *   @address is cleared
 */
gboolean
sesame_stun_address_from_socket_address (GSocketAddress    *socket_address,
                                         SesameStunAddress *address)
{
  static const guint8 v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
  GInetSocketAddress *inet_socket_address;
  GInetAddress *inet_address;
  const guint8 *bytes;

  g_return_val_if_fail (address != NULL, FALSE);

  memset (address, 0, sizeof *address);

  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (socket_address), FALSE);

  if (!G_IS_INET_SOCKET_ADDRESS (socket_address))
    return FALSE;

  inet_socket_address = G_INET_SOCKET_ADDRESS (socket_address);
  inet_address = g_inet_socket_address_get_address (inet_socket_address);
  bytes = g_inet_address_to_bytes (inet_address);

  switch (g_inet_address_get_family (inet_address))
    {
    case G_SOCKET_FAMILY_IPV4:
      address->family = SESAME_STUN_FAMILY_IPV4;
      memcpy (address->address, bytes, 4);
      break;

    case G_SOCKET_FAMILY_IPV6:
      if (memcmp (bytes, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0)
        {
          address->family = SESAME_STUN_FAMILY_IPV4;
          memcpy (address->address, bytes + 12, 4);
        }
      else
        {
          address->family = SESAME_STUN_FAMILY_IPV6;
          memcpy (address->address, bytes, 16);
        }
      break;

    case G_SOCKET_FAMILY_INVALID:
    case G_SOCKET_FAMILY_UNIX:
    default:
      return FALSE;
    }

  address->port = g_inet_socket_address_get_port (inet_socket_address);
  return TRUE;
}
