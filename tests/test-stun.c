/* test-stun.c: the STUN codec against RFC 5769 and against hostile datagrams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "sesame-stun.h"

/* RFC 5769 test vectors. Every byte up to FINGERPRINT is covered by the CRC-32 and
 * MESSAGE-INTEGRITY checks the tests make, so a mistyped byte fails a test. */

static const char rfc5769_password[] = "VOkJxbRl1RmTxUk/WvJxBt";

static const SesameStunTransactionId rfc5769_id = {
  { 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae }
};

/* 2.1. Sample Request */
static const guint8 rfc5769_request[] = {
  0x00, 0x01, 0x00, 0x58,   /* Binding request, length 88 */
  0x21, 0x12, 0xa4, 0x42,   /* magic cookie */
  0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
  0x80, 0x22, 0x00, 0x10,   /* SOFTWARE, 16 bytes: "STUN test client" */
  0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74,
  0x00, 0x24, 0x00, 0x04,   /* PRIORITY */
  0x6e, 0x00, 0x01, 0xff,
  0x80, 0x29, 0x00, 0x08,   /* ICE-CONTROLLED */
  0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
  0x00, 0x06, 0x00, 0x09,   /* USERNAME "evtj:h6vY", padded with spaces */
  0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20,
  0x00, 0x08, 0x00, 0x14,   /* MESSAGE-INTEGRITY */
  0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e,
  0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5, 0x71, 0xa2,
  0x80, 0x28, 0x00, 0x04,   /* FINGERPRINT */
  0xe5, 0x7a, 0x3b, 0xcf,
};

/* 2.2. Sample IPv4 Response: 192.0.2.1 port 32853 */
static const guint8 rfc5769_ipv4_response[] = {
  0x01, 0x01, 0x00, 0x3c,   /* Binding success response, length 60 */
  0x21, 0x12, 0xa4, 0x42,
  0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
  0x80, 0x22, 0x00, 0x0b,   /* SOFTWARE "test vector", padded with a space */
  0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
  0x00, 0x20, 0x00, 0x08,   /* XOR-MAPPED-ADDRESS */
  0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
  0x00, 0x08, 0x00, 0x14,   /* MESSAGE-INTEGRITY */
  0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74,
  0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
  0x80, 0x28, 0x00, 0x04,   /* FINGERPRINT */
  0xc0, 0x7d, 0x4c, 0x96,
};

/* 2.3. Sample IPv6 Response: 2001:db8:1234:5678:11:2233:4455:6677 port 32853 */
static const guint8 rfc5769_ipv6_response[] = {
  0x01, 0x01, 0x00, 0x48,   /* Binding success response, length 72 */
  0x21, 0x12, 0xa4, 0x42,
  0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
  0x80, 0x22, 0x00, 0x0b,   /* SOFTWARE "test vector" */
  0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
  0x00, 0x20, 0x00, 0x14,   /* XOR-MAPPED-ADDRESS */
  0x00, 0x02, 0xa1, 0x47,
  0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
  0x00, 0x08, 0x00, 0x14,   /* MESSAGE-INTEGRITY */
  0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84,
  0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41,
  0x80, 0x28, 0x00, 0x04,   /* FINGERPRINT */
  0xc8, 0xfb, 0x0b, 0x4c,
};

/* 2.4. Sample Request with Long-Term Authentication */
static const guint8 rfc5769_long_term_request[] = {
  0x00, 0x01, 0x00, 0x60,   /* Binding request, length 96 */
  0x21, 0x12, 0xa4, 0x42,
  0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e,
  0x00, 0x06, 0x00, 0x12,   /* USERNAME, 18 bytes of katakana */
  0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88, 0xe3, 0x83, 0xaa, 0xe3,
  0x83, 0x83, 0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9, 0x00, 0x00,
  0x00, 0x15, 0x00, 0x1c,   /* NONCE "f//499k954d6OL34oL9FSTvy64sA" */
  0x66, 0x2f, 0x2f, 0x34, 0x39, 0x39, 0x6b, 0x39, 0x35, 0x34, 0x64, 0x36, 0x4f, 0x4c,
  0x33, 0x34, 0x6f, 0x4c, 0x39, 0x46, 0x53, 0x54, 0x76, 0x79, 0x36, 0x34, 0x73, 0x41,
  0x00, 0x14, 0x00, 0x0b,   /* REALM "example.org" */
  0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x00,
  0x00, 0x08, 0x00, 0x14,   /* MESSAGE-INTEGRITY */
  0xf6, 0x70, 0x24, 0x65, 0x6d, 0xd6, 0x4a, 0x3e, 0x02, 0xb8,
  0xe0, 0x71, 0x2e, 0x85, 0xc9, 0xa2, 0x8c, 0xa8, 0x96, 0x66,
};

/* Test helpers: a second CRC-32 (table-driven, unlike the codec's), and a message writer
 * that lets a test put anything anywhere. */

static guint32
test_crc32 (const guint8 *data,
            gsize         size)
{
  static guint32 table[256];
  guint32 crc = 0xFFFFFFFFu;

  if (table[1] == 0)
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (guint k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
    }

  for (gsize i = 0; i < size; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);

  return crc ^ 0xFFFFFFFFu;
}

static void
put_u16 (guint8  *p,
         guint16  value)
{
  p[0] = value >> 8;
  p[1] = value & 0xFF;
}

static void
put_u32 (guint8  *p,
         guint32  value)
{
  put_u16 (p, value >> 16);
  put_u16 (p + 2, value & 0xFFFF);
}

static GByteArray *
message_new (guint16                        type,
             const SesameStunTransactionId *id)
{
  GByteArray *message = g_byte_array_new ();
  guint8 header[SESAME_STUN_HEADER_SIZE];

  put_u16 (header, type);
  put_u16 (header + 2, 0);
  put_u32 (header + 4, SESAME_STUN_MAGIC_COOKIE);
  memcpy (header + 8, id->bytes, SESAME_STUN_TRANSACTION_ID_SIZE);
  g_byte_array_append (message, header, sizeof header);

  return message;
}

/* Appends an attribute, padded with zeros, and updates the header's length. */
static void
message_add (GByteArray *message,
             guint16     type,
             const void *value,
             gsize       length)
{
  static const guint8 zeros[4] = { 0 };
  guint8 header[4];

  put_u16 (header, type);
  put_u16 (header + 2, (guint16) length);
  g_byte_array_append (message, header, sizeof header);
  if (length > 0)
    g_byte_array_append (message, value, (guint) length);
  g_byte_array_append (message, zeros, (guint) ((4 - length % 4) % 4));
  put_u16 (message->data + 2, (guint16) (message->len - SESAME_STUN_HEADER_SIZE));
}

static void
message_add_address (GByteArray *message,
                     guint16     type,
                     guint8      family,
                     const char *ip,
                     guint16     port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
  guint8 value[20] = { 0 };
  gsize size = g_inet_address_get_native_size (address);

  value[1] = family;
  put_u16 (value + 2, port);
  memcpy (value + 4, g_inet_address_to_bytes (address), size);
  message_add (message, type, value, 4 + size);
}

static void
message_add_fingerprint (GByteArray *message)
{
  guint8 value[4] = { 0 };
  guint offset = message->len;

  message_add (message, SESAME_STUN_ATTR_FINGERPRINT, value, sizeof value);
  put_u32 (message->data + offset + 4, test_crc32 (message->data, offset) ^ 0x5354554Eu);
}

/* Parses an exactly-sized heap copy, so the sanitizers see any read past the end. */
static gboolean
parse_copy (const guint8       *data,
            gsize               size,
            SesameStunMessage  *message,
            GError            **error)
{
  g_autofree guint8 *copy = g_memdup2 (data, size);

  return sesame_stun_parse (copy, size, message, error);
}

static void
assert_parse_fails (const guint8    *data,
                    gsize            size,
                    SesameStunError  code)
{
  g_autoptr(GError) error = NULL;
  SesameStunMessage message;
  SesameStunMessage untouched;

  memset (&message, 0xA5, sizeof message);
  memset (&untouched, 0xA5, sizeof untouched);

  g_assert_false (parse_copy (data, size, &message, &error));
  g_assert_error (error, SESAME_STUN_ERROR, (int) code);
  g_assert_cmpstr (error->message, !=, "");
  /* A failed parse leaves the message alone */
  g_assert_cmpmem (&message, sizeof message, &untouched, sizeof untouched);
}

static void
assert_parses (const guint8      *data,
               gsize              size,
               SesameStunMessage *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (parse_copy (data, size, message, &error));
  g_assert_no_error (error);
}

static void
assert_address (const SesameStunAddress *address,
                const char              *expected)
{
  g_autofree char *text = sesame_stun_address_to_string (address);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_rfc5769_request (void)
{
  g_autoptr(GError) error = NULL;
  SesameStunMessage message;

  assert_parses (rfc5769_request, sizeof rfc5769_request, &message);

  g_assert_cmpuint (message.type, ==, 0x0001);
  g_assert_cmpint (message.message_class, ==, SESAME_STUN_CLASS_REQUEST);
  g_assert_cmpuint (message.method, ==, SESAME_STUN_METHOD_BINDING);
  g_assert_cmpuint (message.length, ==, 88);
  g_assert_true (sesame_stun_transaction_id_equal (&message.transaction_id, &rfc5769_id));
  g_assert_cmpstr (message.software, ==, "STUN test client");
  g_assert_true (message.has_message_integrity);
  g_assert_cmpuint (message.integrity_offset, ==, 76);
  g_assert_true (message.has_fingerprint);
  g_assert_false (message.has_change_request);
  /* PRIORITY is comprehension-required and not ours; ICE-CONTROLLED is optional */
  g_assert_cmpuint (message.n_unknown_attributes, ==, 1);
  g_assert_cmphex (message.unknown_attributes[0], ==, 0x0024);
  g_assert_null (sesame_stun_message_get_mapped_address (&message));
  /* A request is no response, even with the right transaction id */
  g_assert_false (sesame_stun_message_is_response_to (&message, &rfc5769_id));

  g_assert_true (sesame_stun_verify_integrity (rfc5769_request, sizeof rfc5769_request,
                                               (const guint8 *) rfc5769_password,
                                               strlen (rfc5769_password), &error));
  g_assert_no_error (error);

  g_assert_false (sesame_stun_verify_integrity (rfc5769_request, sizeof rfc5769_request,
                                                (const guint8 *) "wrong", 5, &error));
  g_assert_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_INTEGRITY);
}

static void
test_rfc5769_ipv4_response (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autofree char *ip = NULL;
  SesameStunMessage message;
  const SesameStunAddress *mapped;

  assert_parses (rfc5769_ipv4_response, sizeof rfc5769_ipv4_response, &message);

  g_assert_cmpint (message.message_class, ==, SESAME_STUN_CLASS_SUCCESS_RESPONSE);
  g_assert_cmpuint (message.method, ==, SESAME_STUN_METHOD_BINDING);
  g_assert_true (sesame_stun_message_is_response_to (&message, &rfc5769_id));
  g_assert_cmpstr (message.software, ==, "test vector");
  g_assert_true (message.has_message_integrity);
  g_assert_true (message.has_fingerprint);
  g_assert_cmpuint (message.n_unknown_attributes, ==, 0);
  g_assert_cmpuint (message.error_code, ==, 0);
  g_assert_cmpstr (message.error_reason, ==, "");

  g_assert_cmpint (message.xor_mapped_address.family, ==, SESAME_STUN_FAMILY_IPV4);
  g_assert_cmpuint (message.xor_mapped_address.port, ==, 32853);
  assert_address (&message.xor_mapped_address, "192.0.2.1:32853");
  g_assert_false (sesame_stun_address_is_set (&message.mapped_address));
  g_assert_false (sesame_stun_address_is_set (&message.other_address));
  g_assert_false (sesame_stun_address_is_set (&message.response_origin));
  g_assert_false (sesame_stun_address_is_set (&message.changed_address));

  mapped = sesame_stun_message_get_mapped_address (&message);
  g_assert_true (mapped == &message.xor_mapped_address);

  socket_address = sesame_stun_address_to_socket_address (mapped);
  g_assert_true (G_IS_INET_SOCKET_ADDRESS (socket_address));
  g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (socket_address)),
                    ==, 32853);
  ip = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (socket_address)));
  g_assert_cmpstr (ip, ==, "192.0.2.1");

  g_assert_true (sesame_stun_verify_integrity (rfc5769_ipv4_response,
                                               sizeof rfc5769_ipv4_response,
                                               (const guint8 *) rfc5769_password,
                                               strlen (rfc5769_password), &error));
  g_assert_no_error (error);
}

static void
test_rfc5769_ipv6_response (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GInetAddress) expected = NULL;
  SesameStunMessage message;
  SesameStunAddress back;

  assert_parses (rfc5769_ipv6_response, sizeof rfc5769_ipv6_response, &message);
  expected = g_inet_address_new_from_string ("2001:db8:1234:5678:11:2233:4455:6677");

  g_assert_true (sesame_stun_message_is_response_to (&message, &rfc5769_id));
  g_assert_true (message.has_fingerprint);
  g_assert_cmpint (message.xor_mapped_address.family, ==, SESAME_STUN_FAMILY_IPV6);
  g_assert_cmpuint (message.xor_mapped_address.port, ==, 32853);
  g_assert_cmpmem (message.xor_mapped_address.address, 16, g_inet_address_to_bytes (expected), 16);
  assert_address (&message.xor_mapped_address, "[2001:db8:1234:5678:11:2233:4455:6677]:32853");

  socket_address = sesame_stun_address_to_socket_address (&message.xor_mapped_address);
  g_assert_true (sesame_stun_address_from_socket_address (socket_address, &back));
  g_assert_true (sesame_stun_address_equal (&back, &message.xor_mapped_address));

  g_assert_true (sesame_stun_verify_integrity (rfc5769_ipv6_response,
                                               sizeof rfc5769_ipv6_response,
                                               (const guint8 *) rfc5769_password,
                                               strlen (rfc5769_password), &error));
  g_assert_no_error (error);
}

static void
test_rfc5769_long_term_request (void)
{
  static const SesameStunTransactionId id = {
    { 0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e }
  };
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(GError) error = NULL;
  SesameStunMessage message;
  guint8 key[16];
  gsize key_size = sizeof key;

  assert_parses (rfc5769_long_term_request, sizeof rfc5769_long_term_request, &message);

  g_assert_cmpint (message.message_class, ==, SESAME_STUN_CLASS_REQUEST);
  g_assert_true (sesame_stun_transaction_id_equal (&message.transaction_id, &id));
  g_assert_true (message.has_message_integrity);
  g_assert_cmpuint (message.integrity_offset, ==, 92);
  g_assert_false (message.has_fingerprint);
  /* NONCE and REALM are comprehension-required and not interpreted here */
  g_assert_cmpuint (message.n_unknown_attributes, ==, 2);
  g_assert_cmphex (message.unknown_attributes[0], ==, 0x0015);
  g_assert_cmphex (message.unknown_attributes[1], ==, 0x0014);

  /* key = MD5 (username ":" realm ":" SASLprep (password)) */
  g_checksum_update (md5, (const guchar *) "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"
                                           ":example.org:TheMatrIX", -1);
  g_checksum_get_digest (md5, key, &key_size);
  g_assert_true (sesame_stun_verify_integrity (rfc5769_long_term_request,
                                               sizeof rfc5769_long_term_request,
                                               key, key_size, &error));
  g_assert_no_error (error);
}

static void
test_integrity (void)
{
  g_autoptr(GByteArray) tampered = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  SesameStunMessage message;

  /* Change the mapped address and fix up the FINGERPRINT: only MESSAGE-INTEGRITY can tell */
  g_byte_array_append (tampered, rfc5769_ipv4_response, sizeof rfc5769_ipv4_response);
  tampered->data[47] ^= 0x01;
  tampered->len -= 8;
  message_add_fingerprint (tampered);
  assert_parses (tampered->data, tampered->len, &message);
  assert_address (&message.xor_mapped_address, "192.0.2.0:32853");
  g_assert_false (sesame_stun_verify_integrity (tampered->data, tampered->len,
                                                (const guint8 *) rfc5769_password,
                                                strlen (rfc5769_password), &error));
  g_assert_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_INTEGRITY);
  g_clear_error (&error);

  /* Without MESSAGE-INTEGRITY there is nothing to verify */
  {
    g_autoptr(GByteArray) plain = message_new (0x0101, &rfc5769_id);

    message_add_address (plain, SESAME_STUN_ATTR_MAPPED_ADDRESS, 1, "192.0.2.1", 3478);
    g_assert_false (sesame_stun_verify_integrity (plain->data, plain->len,
                                                  (const guint8 *) rfc5769_password,
                                                  strlen (rfc5769_password), &error));
    g_assert_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NO_INTEGRITY);
    g_clear_error (&error);
  }

  /* A malformed message is reported as such */
  g_assert_false (sesame_stun_verify_integrity (rfc5769_ipv4_response, 19,
                                                (const guint8 *) rfc5769_password,
                                                strlen (rfc5769_password), &error));
  g_assert_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_TRUNCATED);
}

static void
test_build_round_trip (void)
{
  static const SesameStunRequestFlags flag_cases[] = {
    SESAME_STUN_REQUEST_NONE,
    SESAME_STUN_REQUEST_FINGERPRINT,
    SESAME_STUN_REQUEST_CHANGE_REQUEST,
    SESAME_STUN_REQUEST_CHANGE_PORT,
    SESAME_STUN_REQUEST_CHANGE_IP,
    SESAME_STUN_REQUEST_CHANGE_IP | SESAME_STUN_REQUEST_CHANGE_PORT,
    SESAME_STUN_REQUEST_CHANGE_IP | SESAME_STUN_REQUEST_CHANGE_PORT |
      SESAME_STUN_REQUEST_FINGERPRINT,
    SESAME_STUN_REQUEST_CHANGE_REQUEST | SESAME_STUN_REQUEST_FINGERPRINT,
  };
  g_autofree char *longest = g_strnfill (SESAME_STUN_MAX_TEXT_SIZE - 1, 'x');
  const char *software_cases[] = { NULL, "", "S", "Sesame 0.1.0", "Sesam\u00e9", longest };

  for (guint i = 0; i < G_N_ELEMENTS (flag_cases); i++)
    for (guint j = 0; j < G_N_ELEMENTS (software_cases); j++)
      {
        SesameStunRequestFlags flags = flag_cases[i];
        const char *software = software_cases[j];
        gboolean change = (flags & (SESAME_STUN_REQUEST_CHANGE_IP |
                                    SESAME_STUN_REQUEST_CHANGE_PORT |
                                    SESAME_STUN_REQUEST_CHANGE_REQUEST)) != 0;
        gsize software_length = software != NULL ? strlen (software) : 0;
        gsize expected_size = 20 + (change ? 8 : 0) +
                              (software_length > 0 ? 4 + (software_length + 3) / 4 * 4 : 0) +
                              ((flags & SESAME_STUN_REQUEST_FINGERPRINT) ? 8 : 0);
        g_autoptr(GError) error = NULL;
        SesameStunTransactionId id;
        SesameStunMessage message;
        guint8 buffer[SESAME_STUN_MAX_REQUEST_SIZE];
        gsize size;

        g_test_message ("flags 0x%x, software of %" G_GSIZE_FORMAT " bytes%s", (guint) flags,
                        software_length, software == NULL ? " (NULL)" : "");

        sesame_stun_transaction_id_generate (&id);
        size = sesame_stun_build_binding_request (buffer, sizeof buffer, &id, flags, software,
                                                  &error);
        g_assert_no_error (error);
        g_assert_cmpuint (size, ==, expected_size);
        g_assert_cmpuint (size % 4, ==, 0);

        /* The header, byte for byte */
        g_assert_cmphex (buffer[0], ==, 0x00);
        g_assert_cmphex (buffer[1], ==, 0x01);
        g_assert_cmpuint ((guint) buffer[2] << 8 | buffer[3], ==, size - 20);
        g_assert_cmphex (buffer[4], ==, 0x21);
        g_assert_cmphex (buffer[5], ==, 0x12);
        g_assert_cmphex (buffer[6], ==, 0xa4);
        g_assert_cmphex (buffer[7], ==, 0x42);
        g_assert_cmpmem (buffer + 8, 12, id.bytes, 12);

        if (flags & SESAME_STUN_REQUEST_FINGERPRINT)
          {
            /* Checked with the test's own CRC-32 too */
            guint32 value = (guint32) buffer[size - 4] << 24 | (guint32) buffer[size - 3] << 16 |
                            (guint32) buffer[size - 2] << 8 | buffer[size - 1];

            g_assert_cmphex (value, ==, test_crc32 (buffer, size - 8) ^ 0x5354554Eu);
          }

        assert_parses (buffer, size, &message);
        g_assert_cmpint (message.message_class, ==, SESAME_STUN_CLASS_REQUEST);
        g_assert_cmpuint (message.method, ==, SESAME_STUN_METHOD_BINDING);
        g_assert_true (sesame_stun_transaction_id_equal (&message.transaction_id, &id));
        g_assert_cmpint (message.has_change_request, ==, change);
        g_assert_cmphex (message.change_flags, ==,
                         flags & (SESAME_STUN_REQUEST_CHANGE_IP | SESAME_STUN_REQUEST_CHANGE_PORT));
        g_assert_cmpint (message.has_fingerprint, ==,
                         (flags & SESAME_STUN_REQUEST_FINGERPRINT) != 0);
        g_assert_cmpstr (message.software, ==, software != NULL ? software : "");
        g_assert_false (message.has_message_integrity);
        g_assert_cmpuint (message.n_unknown_attributes, ==, 0);
        g_assert_false (sesame_stun_message_is_response_to (&message, &id));
      }
}

static void
test_build_fixed (void)
{
  /* RFC 5780 test II from the RFC 5769 transaction id: change IP and port */
  static const guint8 expected[] = {
    0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42,
    0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
    0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x06,
  };
  g_autoptr(GError) error = NULL;
  guint8 buffer[SESAME_STUN_MAX_REQUEST_SIZE];
  gsize size;

  size = sesame_stun_build_binding_request (buffer, sizeof buffer, &rfc5769_id,
                                            SESAME_STUN_REQUEST_CHANGE_IP |
                                            SESAME_STUN_REQUEST_CHANGE_PORT,
                                            NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, size, expected, sizeof expected);
}

static void
test_build_no_space (void)
{
  SesameStunRequestFlags flags = SESAME_STUN_REQUEST_CHANGE_IP | SESAME_STUN_REQUEST_FINGERPRINT;
  guint8 buffer[SESAME_STUN_MAX_REQUEST_SIZE];
  SesameStunTransactionId id;
  gsize needed;

  sesame_stun_transaction_id_generate (&id);
  needed = sesame_stun_build_binding_request (buffer, sizeof buffer, &id, flags, "Sesame", NULL);
  g_assert_cmpuint (needed, ==, 20 + 8 + 12 + 8);

  for (gsize size = 0; size < needed; size++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *small = g_malloc (MAX (size, 1));

      g_assert_cmpuint (sesame_stun_build_binding_request (small, size, &id, flags, "Sesame",
                                                           &error), ==, 0);
      g_assert_error (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NO_SPACE);
    }
}

static void
test_transaction_id (void)
{
  SesameStunTransactionId a;
  SesameStunTransactionId b;

  sesame_stun_transaction_id_generate (&a);
  sesame_stun_transaction_id_generate (&b);
  g_assert_false (sesame_stun_transaction_id_equal (&a, &b));

  b = a;
  g_assert_true (sesame_stun_transaction_id_equal (&a, &b));
  b.bytes[11] ^= 1;
  g_assert_false (sesame_stun_transaction_id_equal (&a, &b));
}

/* RFC 5780: a reply with OTHER-ADDRESS and RESPONSE-ORIGIN, and the caller's acceptance rule */
static void
test_rfc5780_response (void)
{
  g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new_from_string ("198.51.100.1", 3478);
  g_autoptr(GSocketAddress) impostor = g_inet_socket_address_new_from_string ("198.51.100.9", 3478);
  g_autoptr(GSocketAddress) mapped_sender =
    g_inet_socket_address_new_from_string ("::ffff:198.51.100.1", 3478);
  SesameStunTransactionId other_id = rfc5769_id;
  SesameStunAddress expected;
  SesameStunAddress sender;
  SesameStunMessage message;

  message_add_address (reply, SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS, 1, "203.0.113.7", 40000);
  /* The XOR is applied by hand here: 203.0.113.7 ^ 0x2112A442, 40000 ^ 0x2112 */
  {
    guint8 *value = reply->data + reply->len - 8;

    put_u16 (value + 2, 40000 ^ 0x2112);
    put_u32 (value + 4, ((203u << 24) | (0u << 16) | (113u << 8) | 7u) ^ 0x2112A442u);
  }
  message_add_address (reply, SESAME_STUN_ATTR_OTHER_ADDRESS, 1, "198.51.100.2", 3479);
  message_add_address (reply, SESAME_STUN_ATTR_RESPONSE_ORIGIN, 1, "198.51.100.1", 3478);
  message_add_fingerprint (reply);

  assert_parses (reply->data, reply->len, &message);
  assert_address (&message.xor_mapped_address, "203.0.113.7:40000");
  assert_address (&message.other_address, "198.51.100.2:3479");
  assert_address (&message.response_origin, "198.51.100.1:3478");
  g_assert_true (message.has_fingerprint);

  g_assert_true (sesame_stun_address_from_socket_address (server, &expected));

  /* Right id, right sender: accepted */
  g_assert_true (sesame_stun_message_is_response_to (&message, &rfc5769_id));
  g_assert_true (sesame_stun_address_from_socket_address (server, &sender));
  g_assert_true (sesame_stun_address_equal (&sender, &expected));
  g_assert_true (sesame_stun_address_equal (&sender, &message.response_origin));

  /* A dual-stack socket reports the same sender as ::ffff:198.51.100.1 */
  g_assert_true (sesame_stun_address_from_socket_address (mapped_sender, &sender));
  g_assert_cmpint (sender.family, ==, SESAME_STUN_FAMILY_IPV4);
  g_assert_true (sesame_stun_address_equal (&sender, &expected));

  /* Wrong sender, or wrong id: refused */
  g_assert_true (sesame_stun_address_from_socket_address (impostor, &sender));
  g_assert_false (sesame_stun_address_equal (&sender, &expected));
  g_assert_false (sesame_stun_address_equal_ip (&message.other_address, &message.response_origin));
  other_id.bytes[0] ^= 0x80;
  g_assert_false (sesame_stun_message_is_response_to (&message, &other_id));
}

/* An RFC 3489 server echoes the whole 128-bit id, cookie included, and answers with
 * MAPPED-ADDRESS, SOURCE-ADDRESS and CHANGED-ADDRESS. Without the cookie it is refused. */
static void
test_rfc3489_response (void)
{
  g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
  SesameStunMessage message;

  message_add_address (reply, SESAME_STUN_ATTR_MAPPED_ADDRESS, 1, "203.0.113.7", 40000);
  message_add_address (reply, SESAME_STUN_ATTR_SOURCE_ADDRESS, 1, "198.51.100.1", 3478);
  message_add_address (reply, SESAME_STUN_ATTR_CHANGED_ADDRESS, 1, "198.51.100.2", 3479);

  assert_parses (reply->data, reply->len, &message);
  g_assert_true (sesame_stun_message_is_response_to (&message, &rfc5769_id));
  g_assert_cmpuint (message.n_unknown_attributes, ==, 0);
  g_assert_false (sesame_stun_address_is_set (&message.xor_mapped_address));
  g_assert_true (sesame_stun_message_get_mapped_address (&message) == &message.mapped_address);
  assert_address (&message.mapped_address, "203.0.113.7:40000");
  assert_address (&message.changed_address, "198.51.100.2:3479");

  /* The same reply to a request without a cookie */
  put_u32 (reply->data + 4, 0x0badcafe);
  assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_NO_MAGIC_COOKIE);
}

static void
test_error_response (void)
{
  g_autoptr(GByteArray) reply = message_new (0x0111, &rfc5769_id);
  static const guint8 error_code[] = { 0, 0, 4, 20, 'U', 'n', 'k', 'n', 'o', 'w', 'n' };
  static const guint8 unknown[] = { 0x00, 0x24 };
  SesameStunMessage message;

  message_add (reply, SESAME_STUN_ATTR_ERROR_CODE, error_code, sizeof error_code);
  message_add (reply, SESAME_STUN_ATTR_UNKNOWN_ATTRIBUTES, unknown, sizeof unknown);

  assert_parses (reply->data, reply->len, &message);
  g_assert_cmpint (message.message_class, ==, SESAME_STUN_CLASS_ERROR_RESPONSE);
  g_assert_cmpuint (message.method, ==, SESAME_STUN_METHOD_BINDING);
  g_assert_true (sesame_stun_message_is_response_to (&message, &rfc5769_id));
  g_assert_cmpuint (message.error_code, ==, 420);
  g_assert_cmpstr (message.error_reason, ==, "Unknown");
  g_assert_cmpuint (message.n_unknown_attributes, ==, 0);
  g_assert_null (sesame_stun_message_get_mapped_address (&message));
}

static void
test_error_code_values (void)
{
  static const struct {
    guint8 error_class;
    guint8 number;
    guint code;
  } cases[] = {
    { 3, 0, 300 }, { 4, 1, 401 }, { 5, 0, 500 }, { 6, 99, 699 },
    { 2, 0, 0 }, { 7, 0, 0 }, { 0, 0, 0 }, { 4, 100, 0 }, { 4, 255, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) reply = message_new (0x0111, &rfc5769_id);
      guint8 value[4] = { 0xFF, 0xFF, 0xF8 | cases[i].error_class, cases[i].number };
      SesameStunMessage message;

      message_add (reply, SESAME_STUN_ATTR_ERROR_CODE, value, sizeof value);
      if (cases[i].code == 0)
        assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_BAD_ATTRIBUTE);
      else
        {
          assert_parses (reply->data, reply->len, &message);
          g_assert_cmpuint (message.error_code, ==, cases[i].code);
          g_assert_cmpstr (message.error_reason, ==, "");
        }
    }

  /* Shorter than its fixed part */
  {
    g_autoptr(GByteArray) reply = message_new (0x0111, &rfc5769_id);
    static const guint8 value[3] = { 0, 0, 4 };

    message_add (reply, SESAME_STUN_ATTR_ERROR_CODE, value, sizeof value);
    assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_BAD_ATTRIBUTE);
  }
}

/* Text from the network comes out as bounded, valid UTF-8 without control characters */
static void
test_text_attributes (void)
{
  static const struct {
    const char *wire;
    gsize length;
    const char *kept;
  } cases[] = {
    { "plain", 5, "plain" },
    { "tab\there\r\n", 10, "tab here  " },
    { "cut\0here", 8, "cut" },
    { "bad \xff utf8", 10, "bad " },
    { "half \xe3\x83", 7, "half " },
    { "\xe3\x83\x9e", 3, "\u30DE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) reply = message_new (0x0111, &rfc5769_id);
      g_autoptr(GByteArray) value = g_byte_array_new ();
      static const guint8 code[4] = { 0, 0, 5, 0 };
      SesameStunMessage message;

      g_byte_array_append (value, code, sizeof code);
      g_byte_array_append (value, (const guint8 *) cases[i].wire, (guint) cases[i].length);
      message_add (reply, SESAME_STUN_ATTR_ERROR_CODE, value->data, value->len);
      message_add (reply, SESAME_STUN_ATTR_SOFTWARE, cases[i].wire, cases[i].length);

      assert_parses (reply->data, reply->len, &message);
      g_assert_cmpuint (message.error_code, ==, 500);
      g_assert_cmpstr (message.error_reason, ==, cases[i].kept);
      g_assert_cmpstr (message.software, ==, cases[i].kept);
    }

  /* 700 bytes of three-byte characters: cut to whole characters within the bound */
  {
    g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
    g_autoptr(GString) text = g_string_new (NULL);
    SesameStunMessage message;

    while (text->len < 700)
      g_string_append (text, "\u30DE");
    message_add (reply, SESAME_STUN_ATTR_SOFTWARE, text->str, text->len);

    assert_parses (reply->data, reply->len, &message);
    g_assert_cmpuint (strlen (message.software), ==, 255);
    g_assert_true (g_utf8_validate (message.software, -1, NULL));
  }
}

static void
test_unknown_attributes (void)
{
  g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
  static const guint8 value[4] = { 1, 2, 3, 4 };
  SesameStunMessage message;

  /* Comprehension-optional ones are skipped silently */
  message_add (reply, 0x8123, value, 3);
  message_add (reply, 0xFFFF, NULL, 0);
  message_add_address (reply, SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS, 1, "1.2.3.4", 5);
  /* Comprehension-required ones are counted, the first few kept */
  for (guint16 type = 0x7F00; type < 0x7F0A; type++)
    message_add (reply, type, value, 1);
  message_add_fingerprint (reply);

  assert_parses (reply->data, reply->len, &message);
  g_assert_true (sesame_stun_address_is_set (&message.xor_mapped_address));
  g_assert_true (message.has_fingerprint);
  g_assert_cmpuint (message.n_unknown_attributes, ==, 10);
  for (guint i = 0; i < SESAME_STUN_MAX_UNKNOWN; i++)
    g_assert_cmphex (message.unknown_attributes[i], ==, 0x7F00 + i);
}

/* Only the first occurrence counts, and nothing after MESSAGE-INTEGRITY but FINGERPRINT */
static void
test_attribute_order (void)
{
  g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
  guint8 integrity[20] = { 0 };
  SesameStunMessage message;

  message_add_address (reply, SESAME_STUN_ATTR_MAPPED_ADDRESS, 1, "192.0.2.1", 1000);
  message_add_address (reply, SESAME_STUN_ATTR_MAPPED_ADDRESS, 1, "192.0.2.2", 2000);
  message_add (reply, SESAME_STUN_ATTR_MESSAGE_INTEGRITY, integrity, sizeof integrity);
  message_add_address (reply, SESAME_STUN_ATTR_OTHER_ADDRESS, 1, "192.0.2.3", 3000);
  message_add (reply, 0x7F00, integrity, 4);
  message_add_fingerprint (reply);

  assert_parses (reply->data, reply->len, &message);
  assert_address (&message.mapped_address, "192.0.2.1:1000");
  g_assert_true (message.has_message_integrity);
  g_assert_cmpuint (message.integrity_offset, ==, 20 + 12 + 12);
  g_assert_false (sesame_stun_address_is_set (&message.other_address));
  g_assert_cmpuint (message.n_unknown_attributes, ==, 0);
  g_assert_true (message.has_fingerprint);
}

static void
test_hostile_truncated (void)
{
  const guint8 *vectors[] = { rfc5769_ipv4_response, rfc5769_ipv6_response, rfc5769_request };
  gsize sizes[] = {
    sizeof rfc5769_ipv4_response, sizeof rfc5769_ipv6_response, sizeof rfc5769_request
  };

  for (guint v = 0; v < G_N_ELEMENTS (vectors); v++)
    for (gsize size = 0; size < sizes[v]; size++)
      assert_parse_fails (vectors[v], size, SESAME_STUN_ERROR_TRUNCATED);

  /* NULL with no bytes is an empty datagram */
  assert_parse_fails (NULL, 0, SESAME_STUN_ERROR_TRUNCATED);
}

static void
test_hostile_length (void)
{
  guint8 copy[sizeof rfc5769_ipv4_response + 8];

  memcpy (copy, rfc5769_ipv4_response, sizeof rfc5769_ipv4_response);

  /* Announces more than arrived */
  put_u16 (copy + 2, 0x40);
  assert_parse_fails (copy, sizeof rfc5769_ipv4_response, SESAME_STUN_ERROR_TRUNCATED);
  put_u16 (copy + 2, 0xFFFC);
  assert_parse_fails (copy, sizeof rfc5769_ipv4_response, SESAME_STUN_ERROR_TRUNCATED);

  /* Announces less than arrived */
  put_u16 (copy + 2, 0x38);
  assert_parse_fails (copy, sizeof rfc5769_ipv4_response, SESAME_STUN_ERROR_BAD_LENGTH);
  put_u16 (copy + 2, 0);
  assert_parse_fails (copy, sizeof rfc5769_ipv4_response, SESAME_STUN_ERROR_BAD_LENGTH);

  /* Not a multiple of 4 */
  for (guint16 length = 0x3d; length <= 0x3f; length++)
    {
      put_u16 (copy + 2, length);
      assert_parse_fails (copy, sizeof rfc5769_ipv4_response, SESAME_STUN_ERROR_BAD_LENGTH);
    }
  put_u16 (copy + 2, 0x3b);
  assert_parse_fails (copy, sizeof rfc5769_ipv4_response, SESAME_STUN_ERROR_BAD_LENGTH);

  /* Trailing bytes after a correct message */
  put_u16 (copy + 2, 0x3c);
  memset (copy + sizeof rfc5769_ipv4_response, 0, 8);
  assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_BAD_LENGTH);
}

static void
test_hostile_attribute_length (void)
{
  guint8 copy[sizeof rfc5769_ipv4_response];

  /* SOFTWARE claims more than the message holds */
  memcpy (copy, rfc5769_ipv4_response, sizeof copy);
  put_u16 (copy + 22, 0x0100);
  assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_BAD_ATTRIBUTE);
  put_u16 (copy + 22, 0xFFFF);
  assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_BAD_ATTRIBUTE);

  /* The last attribute's padding would run past the end */
  memcpy (copy, rfc5769_ipv4_response, sizeof copy);
  put_u16 (copy + 74, 5);
  assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_BAD_ATTRIBUTE);

  /* MESSAGE-INTEGRITY of the wrong size (the rest stays within the message) */
  {
    g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
    guint8 integrity[16] = { 0 };

    message_add (reply, SESAME_STUN_ATTR_MESSAGE_INTEGRITY, integrity, sizeof integrity);
    assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_BAD_ATTRIBUTE);
  }

  /* CHANGE-REQUEST of the wrong size */
  {
    g_autoptr(GByteArray) request = message_new (0x0001, &rfc5769_id);
    guint8 flags[8] = { 0, 0, 0, 6 };

    message_add (request, SESAME_STUN_ATTR_CHANGE_REQUEST, flags, sizeof flags);
    assert_parse_fails (request->data, request->len, SESAME_STUN_ERROR_BAD_ATTRIBUTE);
  }
}

static void
test_hostile_address (void)
{
  static const guint16 types[] = {
    SESAME_STUN_ATTR_MAPPED_ADDRESS,
    SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS,
    SESAME_STUN_ATTR_OTHER_ADDRESS,
    SESAME_STUN_ATTR_RESPONSE_ORIGIN,
    SESAME_STUN_ATTR_CHANGED_ADDRESS,
  };
  static const struct {
    guint8 family;
    gsize length;
    gboolean valid;
  } cases[] = {
    { 1, 8, TRUE }, { 2, 20, TRUE },
    { 1, 0, FALSE }, { 1, 2, FALSE }, { 1, 4, FALSE }, { 1, 7, FALSE }, { 1, 12, FALSE },
    { 1, 20, FALSE }, { 2, 8, FALSE }, { 2, 16, FALSE }, { 2, 24, FALSE },
    { 0, 8, FALSE }, { 3, 8, FALSE }, { 3, 20, FALSE }, { 0xFF, 8, FALSE },
  };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
        guint8 value[24] = { 0 };
        SesameStunMessage message;

        g_test_message ("attribute 0x%04x, family %u, %" G_GSIZE_FORMAT " bytes",
                        types[t], cases[i].family, cases[i].length);

        if (cases[i].length >= 2)
          value[1] = cases[i].family;
        message_add (reply, types[t], value, cases[i].length);
        message_add_fingerprint (reply);

        if (cases[i].valid)
          assert_parses (reply->data, reply->len, &message);
        else
          assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_BAD_ATTRIBUTE);
      }
}

static void
test_hostile_header (void)
{
  guint8 copy[sizeof rfc5769_ipv4_response];

  /* Wrong magic cookie, one byte at a time */
  for (guint i = 4; i < 8; i++)
    {
      memcpy (copy, rfc5769_ipv4_response, sizeof copy);
      copy[i] ^= 0x10;
      assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_NO_MAGIC_COOKIE);
    }

  /* The first two bits set: RTP, DTLS, ... */
  for (guint8 bits = 0x40; bits != 0; bits += 0x40)
    {
      memcpy (copy, rfc5769_ipv4_response, sizeof copy);
      copy[0] |= bits;
      assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_NOT_STUN);
    }
}

static void
test_hostile_fingerprint (void)
{
  guint8 copy[sizeof rfc5769_ipv4_response];

  /* A damaged byte anywhere after the header and before the FINGERPRINT: in a value, the
   * FINGERPRINT catches it; in an attribute's type, length or address family, the parser
   * may stop on that first, with an error of its own */
  for (gsize i = 20; i < sizeof copy - 8; i++)
    {
      gboolean structural = (i >= 20 && i < 24) || (i >= 36 && i < 40) || i == 41 ||
                            (i >= 48 && i < 52);

      g_test_message ("byte %" G_GSIZE_FORMAT, i);
      memcpy (copy, rfc5769_ipv4_response, sizeof copy);
      copy[i] ^= 0x01;

      if (structural)
        {
          g_autoptr(GError) error = NULL;
          SesameStunMessage message;

          g_assert_false (parse_copy (copy, sizeof copy, &message, &error));
          g_assert_true (error->domain == SESAME_STUN_ERROR);
        }
      else
        assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_BAD_FINGERPRINT);
    }

  /* The fingerprint itself damaged */
  for (gsize i = sizeof copy - 4; i < sizeof copy; i++)
    {
      memcpy (copy, rfc5769_ipv4_response, sizeof copy);
      copy[i] ^= 0x80;
      assert_parse_fails (copy, sizeof copy, SESAME_STUN_ERROR_BAD_FINGERPRINT);
    }

  /* Not the last attribute */
  {
    g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);

    message_add_fingerprint (reply);
    message_add (reply, SESAME_STUN_ATTR_SOFTWARE, "late", 4);
    assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_BAD_FINGERPRINT);
  }

  /* Two of them */
  {
    g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);

    message_add_fingerprint (reply);
    message_add_fingerprint (reply);
    assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_BAD_FINGERPRINT);
  }

  /* Of the wrong size, though within the message */
  {
    g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
    guint8 value[8] = { 0 };

    message_add (reply, SESAME_STUN_ATTR_FINGERPRINT, value, sizeof value);
    assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_BAD_FINGERPRINT);
  }
}

static void
assert_fails_quietly (const guint8 *data,
                      gsize         size)
{
  g_autoptr(GError) error = NULL;
  SesameStunMessage message;

  if (parse_copy (data, size, &message, &error))
    {
      g_assert_no_error (error);
      g_assert_true (message.length == size - SESAME_STUN_HEADER_SIZE);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SESAME_STUN_ERROR);
      g_assert_cmpstr (error->message, !=, "");
    }
}

static void
test_hostile_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5780);
  g_autofree guint8 *noise = g_malloc (64 * 1024);
  guint accepted = 0;

  for (gsize i = 0; i < 64 * 1024; i++)
    noise[i] = (guint8) g_rand_int_range (rand, 0, 256);

  assert_parse_fails (noise, 64 * 1024, SESAME_STUN_ERROR_TOO_LARGE);

  /* Every window of a few sizes, raw */
  for (gsize size = 0; size <= 64; size += 4)
    for (gsize offset = 0; offset + size <= 64 * 1024; offset += 61)
      assert_fails_quietly (noise + offset, size);

  /* The same noise behind a believable header, so the attribute walk sees it */
  for (gsize offset = 0; offset + SESAME_STUN_MAX_MESSAGE_SIZE <= 64 * 1024; offset += 97)
    {
      gsize size = SESAME_STUN_HEADER_SIZE + 4 * (gsize) g_rand_int_range (rand, 0, 100);
      g_autofree guint8 *copy = g_memdup2 (noise + offset, size);
      g_autoptr(GError) error = NULL;
      SesameStunMessage message;

      put_u16 (copy, 0x0101);
      put_u16 (copy + 2, (guint16) (size - SESAME_STUN_HEADER_SIZE));
      put_u32 (copy + 4, SESAME_STUN_MAGIC_COOKIE);
      /* Mostly small attribute lengths, so that walks go further */
      for (gsize at = SESAME_STUN_HEADER_SIZE; at + 4 <= size; at += 4)
        if (g_rand_boolean (rand))
          copy[at + 2] = 0;

      if (sesame_stun_parse (copy, size, &message, &error))
        accepted++;
      else
        g_assert_true (error->domain == SESAME_STUN_ERROR);
    }

  g_test_message ("%u random messages accepted", accepted);
}

static void
test_hostile_constant (void)
{
  static const gsize sizes[] = { 0, 1, 19, 20, 21, 24, 100, 2048, 2049, 65536 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *zeros = g_malloc0 (MAX (sizes[i], 1));
      g_autofree guint8 *ones = g_malloc (MAX (sizes[i], 1));

      memset (ones, 0xFF, sizes[i]);
      g_test_message ("%" G_GSIZE_FORMAT " bytes", sizes[i]);

      if (sizes[i] > SESAME_STUN_MAX_MESSAGE_SIZE)
        {
          assert_parse_fails (zeros, sizes[i], SESAME_STUN_ERROR_TOO_LARGE);
          assert_parse_fails (ones, sizes[i], SESAME_STUN_ERROR_TOO_LARGE);
        }
      else if (sizes[i] < SESAME_STUN_HEADER_SIZE)
        {
          assert_parse_fails (zeros, sizes[i], SESAME_STUN_ERROR_TRUNCATED);
          assert_parse_fails (ones, sizes[i], SESAME_STUN_ERROR_TRUNCATED);
        }
      else
        {
          /* Zeros: a header announcing no attributes, without a cookie */
          assert_parse_fails (zeros, sizes[i],
                              sizes[i] == SESAME_STUN_HEADER_SIZE ?
                              SESAME_STUN_ERROR_NO_MAGIC_COOKIE : SESAME_STUN_ERROR_BAD_LENGTH);
          assert_parse_fails (ones, sizes[i], SESAME_STUN_ERROR_NOT_STUN);
        }
    }
}

static void
test_hostile_too_large (void)
{
  g_autoptr(GByteArray) reply = message_new (0x0101, &rfc5769_id);
  g_autofree guint8 *padding = g_malloc0 (2048);
  SesameStunMessage message;

  /* Exactly the limit is fine */
  message_add (reply, SESAME_STUN_ATTR_PADDING, padding, 2048 - 20 - 4 - 12);
  message_add_address (reply, SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS, 1, "1.2.3.4", 5);
  g_assert_cmpuint (reply->len, ==, 2048);
  assert_parses (reply->data, reply->len, &message);

  /* One word more is refused before anything else is looked at */
  message_add (reply, SESAME_STUN_ATTR_PADDING, NULL, 0);
  g_assert_cmpuint (reply->len, ==, 2052);
  assert_parse_fails (reply->data, reply->len, SESAME_STUN_ERROR_TOO_LARGE);
  assert_parse_fails (reply->data, 2049, SESAME_STUN_ERROR_TOO_LARGE);
}

static void
test_address_helpers (void)
{
  g_autoptr(GSocketAddress) v4 = g_inet_socket_address_new_from_string ("192.0.2.1", 3478);
  g_autoptr(GSocketAddress) v4_other_port =
    g_inet_socket_address_new_from_string ("192.0.2.1", 3479);
  g_autoptr(GSocketAddress) v6 = g_inet_socket_address_new_from_string ("2001:db8::1", 3478);
  g_autoptr(GSocketAddress) back = NULL;
  SesameStunAddress a;
  SesameStunAddress b;
  SesameStunAddress c;
  SesameStunAddress unset = { 0 };

  g_assert_true (sesame_stun_address_from_socket_address (v4, &a));
  g_assert_true (sesame_stun_address_from_socket_address (v4_other_port, &b));
  g_assert_true (sesame_stun_address_from_socket_address (v6, &c));

  assert_address (&a, "192.0.2.1:3478");
  assert_address (&c, "[2001:db8::1]:3478");
  g_assert_null (sesame_stun_address_to_string (&unset));
  g_assert_null (sesame_stun_address_to_socket_address (&unset));

  g_assert_true (sesame_stun_address_equal (&a, &a));
  g_assert_false (sesame_stun_address_equal (&a, &b));
  g_assert_true (sesame_stun_address_equal_ip (&a, &b));
  g_assert_false (sesame_stun_address_equal_ip (&a, &c));
  /* Unset addresses never match, not even each other */
  g_assert_false (sesame_stun_address_equal (&unset, &unset));
  g_assert_false (sesame_stun_address_equal (&a, &unset));
  g_assert_false (sesame_stun_address_equal_ip (&unset, &a));

  back = sesame_stun_address_to_socket_address (&c);
  g_assert_true (g_socket_address_get_family (back) == G_SOCKET_FAMILY_IPV6);
  g_assert_true (sesame_stun_address_from_socket_address (back, &b));
  g_assert_true (sesame_stun_address_equal (&b, &c));
}

static SesameStunAddress
stun_address (const char *ip,
              guint16     port)
{
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new_from_string (ip, port);
  SesameStunAddress address;

  g_assert_nonnull (socket_address);
  g_assert_true (sesame_stun_address_from_socket_address (socket_address, &address));
  return address;
}

/* A STUN server sends Sesame on only to its own kind of address: an
 * OTHER-ADDRESS of a public server pointing into the home network, at this
 * computer or at a multicast group is never contacted */
static void
test_may_contact (void)
{
  static const struct {
    const char *server;
    const char *candidate;
    gboolean    allowed;
  } cases[] = {
    { "192.0.43.10",   "192.0.43.11",     TRUE },    /* public, as stun.stunprotocol.org */
    { "192.0.43.10",   "8.8.8.8",         TRUE },
    { "192.0.43.10",   "192.168.1.1",     FALSE },   /* the home router */
    { "192.0.43.10",   "10.0.0.5",        FALSE },
    { "192.0.43.10",   "172.16.0.1",      FALSE },
    { "192.0.43.10",   "100.64.0.1",      FALSE },   /* carrier-grade NAT */
    { "192.0.43.10",   "169.254.1.1",     FALSE },
    { "192.0.43.10",   "127.0.0.1",       FALSE },
    { "192.0.43.10",   "127.0.0.3",       FALSE },
    { "192.0.43.10",   "0.0.0.0",         FALSE },
    { "192.0.43.10",   "224.0.0.251",     FALSE },   /* multicast (mDNS) */
    { "192.0.43.10",   "239.255.255.250", FALSE },   /* SSDP */
    { "192.0.43.10",   "255.255.255.255", FALSE },   /* broadcast */
    { "192.0.43.10",   "240.0.0.1",       FALSE },
    { "192.0.43.10",   "198.18.0.1",      FALSE },   /* benchmarking */
    { "192.0.43.10",   "192.0.0.8",       FALSE },
    { "192.0.43.10",   "203.0.113.5",     FALSE },   /* documentation is not the internet */
    { "192.0.43.10",   "2001:4860::1",    FALSE },   /* another family */
    { "203.0.113.10",  "203.0.113.11",    TRUE },    /* a test network's "internet" */
    { "203.0.113.10",  "198.51.100.11",   TRUE },
    { "198.51.100.10", "192.0.2.1",       TRUE },
    { "203.0.113.10",  "8.8.8.8",         FALSE },
    { "203.0.113.10",  "192.168.1.1",     FALSE },
    { "203.0.113.10",  "127.0.0.1",       FALSE },
    { "127.0.0.1",     "127.0.0.2",       TRUE },    /* a test on loopback */
    { "127.0.0.1",     "127.0.0.3",       TRUE },
    { "127.0.0.1",     "8.8.8.8",         FALSE },
    { "127.0.0.1",     "10.0.0.1",        FALSE },
    { "127.0.0.1",     "0.0.0.0",         FALSE },
    { "192.168.1.10",  "192.168.1.11",    FALSE },   /* a private server never sends Sesame on */
    { "10.0.0.1",      "8.8.8.8",         FALSE },
    { "2001:4860::1",  "2001:4860::2",    TRUE },
    { "2001:4860::1",  "fd00::1",         FALSE },   /* unique local */
    { "2001:4860::1",  "fe80::1",         FALSE },
    { "2001:4860::1",  "::1",             FALSE },
    { "2001:4860::1",  "ff02::1",         FALSE },
    { "2001:4860::1",  "::ffff:10.0.0.1", FALSE },
    { "2001:4860::1",  "192.0.43.11",     FALSE },
    { "2001:db8::1",   "2001:db8::2",     TRUE },
    { "::1",           "::1",             TRUE },
  };
  SesameStunAddress server = stun_address ("192.0.43.10", 3478);
  SesameStunAddress candidate = stun_address ("192.0.43.11", 0);
  SesameStunAddress unset = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SesameStunAddress s = stun_address (cases[i].server, 3478);
      SesameStunAddress c = stun_address (cases[i].candidate, 3479);

      g_test_message ("%s → %s", cases[i].server, cases[i].candidate);
      g_assert_cmpint (sesame_stun_address_may_contact (&s, &c), ==, cases[i].allowed);
    }

  /* Port 0 and missing addresses are never contacted */
  g_assert_false (sesame_stun_address_may_contact (&server, &candidate));
  g_assert_false (sesame_stun_address_may_contact (&server, &unset));
  g_assert_false (sesame_stun_address_may_contact (&unset, &server));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/stun/rfc5769/request", test_rfc5769_request);
  g_test_add_func ("/stun/rfc5769/ipv4-response", test_rfc5769_ipv4_response);
  g_test_add_func ("/stun/rfc5769/ipv6-response", test_rfc5769_ipv6_response);
  g_test_add_func ("/stun/rfc5769/long-term-request", test_rfc5769_long_term_request);
  g_test_add_func ("/stun/integrity", test_integrity);
  g_test_add_func ("/stun/build/round-trip", test_build_round_trip);
  g_test_add_func ("/stun/build/fixed", test_build_fixed);
  g_test_add_func ("/stun/build/no-space", test_build_no_space);
  g_test_add_func ("/stun/transaction-id", test_transaction_id);
  g_test_add_func ("/stun/rfc5780-response", test_rfc5780_response);
  g_test_add_func ("/stun/rfc3489-response", test_rfc3489_response);
  g_test_add_func ("/stun/error-response", test_error_response);
  g_test_add_func ("/stun/error-code-values", test_error_code_values);
  g_test_add_func ("/stun/text-attributes", test_text_attributes);
  g_test_add_func ("/stun/unknown-attributes", test_unknown_attributes);
  g_test_add_func ("/stun/attribute-order", test_attribute_order);
  g_test_add_func ("/stun/hostile/truncated", test_hostile_truncated);
  g_test_add_func ("/stun/hostile/length", test_hostile_length);
  g_test_add_func ("/stun/hostile/attribute-length", test_hostile_attribute_length);
  g_test_add_func ("/stun/hostile/address", test_hostile_address);
  g_test_add_func ("/stun/hostile/header", test_hostile_header);
  g_test_add_func ("/stun/hostile/fingerprint", test_hostile_fingerprint);
  g_test_add_func ("/stun/hostile/random", test_hostile_random);
  g_test_add_func ("/stun/hostile/constant", test_hostile_constant);
  g_test_add_func ("/stun/hostile/too-large", test_hostile_too_large);
  g_test_add_func ("/stun/address", test_address_helpers);
  g_test_add_func ("/stun/may-contact", test_may_contact);

  return g_test_run ();
}
