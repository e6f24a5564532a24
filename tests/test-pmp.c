/* test-pmp.c: NAT-PMP and PCP, from bytes to a router on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fake-routers.h"
#include "sesame-pmp-client.h"
#include "sesame-pmp-codec.h"

static const guint8 test_nonce[SESAME_PCP_NONCE_SIZE] = {
  0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54, 0x76
};

static GInetAddress *
client_ipv4 (void)
{
  return g_inet_address_new_from_string ("192.168.11.5");
}

static GBytes *
test_pcp_map_request (guint32 lifetime)
{
  g_autoptr(GInetAddress) client = client_ipv4 ();

  return sesame_pcp_build_map_request (client, test_nonce, SESAME_PMP_TRANSPORT_UDP, 40000, 40000,
                                       NULL, lifetime);
}

/* Codec */

static void
test_natpmp_requests (void)
{
  static const guint8 address[] = { 0, 0 };
  static const guint8 map_udp[] = { 0, 1, 0, 0, 0x9c, 0x40, 0x9c, 0x41, 0, 0, 0x0e, 0x10 };
  static const guint8 map_tcp_delete[] = { 0, 2, 0, 0, 0x1f, 0x90, 0, 0, 0, 0, 0, 0 };
  g_autoptr(GBytes) a = sesame_natpmp_build_address_request ();
  g_autoptr(GBytes) b = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 40000, 40001, 3600);
  g_autoptr(GBytes) c = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_TCP, 8080, 0, 0);
  gsize size;
  const guint8 *data;

  data = g_bytes_get_data (a, &size);
  g_assert_cmpmem (data, size, address, sizeof address);
  data = g_bytes_get_data (b, &size);
  g_assert_cmpmem (data, size, map_udp, sizeof map_udp);
  data = g_bytes_get_data (c, &size);
  g_assert_cmpmem (data, size, map_tcp_delete, sizeof map_tcp_delete);
}

static void
test_pcp_requests (void)
{
  g_autoptr(GInetAddress) client = client_ipv4 ();
  g_autoptr(GInetAddress) wanted = g_inet_address_new_from_string ("203.0.113.2");
  g_autoptr(GBytes) announce = sesame_pcp_build_announce_request (client);
  g_autoptr(GBytes) map = sesame_pcp_build_map_request (client, test_nonce, SESAME_PMP_TRANSPORT_TCP,
                                                        8080, 8081, NULL, 7200);
  g_autoptr(GBytes) map_wanted = sesame_pcp_build_map_request (client, test_nonce, SESAME_PMP_TRANSPORT_UDP,
                                                               8080, 0, wanted, 0);
  static const guint8 mapped_client[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 11, 5 };
  static const guint8 mapped_zero[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0 };
  static const guint8 mapped_wanted[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 2 };
  const guint8 *data;
  gsize size;

  data = g_bytes_get_data (announce, &size);
  g_assert_cmpuint (size, ==, 24);
  g_assert_cmpuint (data[0], ==, 2);
  g_assert_cmpuint (data[1], ==, SESAME_PCP_OP_ANNOUNCE);
  g_assert_cmpuint (get_u32 (data + 4), ==, 0);
  g_assert_cmpmem (data + 8, 16, mapped_client, 16);

  data = g_bytes_get_data (map, &size);
  g_assert_cmpuint (size, ==, 60);
  g_assert_cmpuint (data[0], ==, 2);
  g_assert_cmpuint (data[1], ==, SESAME_PCP_OP_MAP);
  g_assert_cmpuint (data[2], ==, 0);
  g_assert_cmpuint (data[3], ==, 0);
  g_assert_cmpuint (get_u32 (data + 4), ==, 7200);
  g_assert_cmpmem (data + 8, 16, mapped_client, 16);
  g_assert_cmpmem (data + 24, 12, test_nonce, 12);
  g_assert_cmpuint (data[36], ==, 6);
  g_assert_cmpuint (data[37] | data[38] | data[39], ==, 0);
  g_assert_cmpuint (get_u16 (data + 40), ==, 8080);
  g_assert_cmpuint (get_u16 (data + 42), ==, 8081);
  g_assert_cmpmem (data + 44, 16, mapped_zero, 16);

  data = g_bytes_get_data (map_wanted, &size);
  g_assert_cmpuint (size, ==, 60);
  g_assert_cmpuint (data[36], ==, 17);
  g_assert_cmpuint (get_u32 (data + 4), ==, 0);
  g_assert_cmpmem (data + 44, 16, mapped_wanted, 16);
}

static void
test_natpmp_round_trip (void)
{
  g_autoptr(GBytes) address_request = sesame_natpmp_build_address_request ();
  g_autoptr(GBytes) map_request = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_TCP, 8080, 8080, 3600);
  g_autoptr(GBytes) address_reply = natpmp_address_reply (0, public_address);
  g_autoptr(GBytes) map_reply = natpmp_map_reply (g_bytes_get_data (map_request, NULL), 0, 18080);
  static const guint8 short_error[8] = { 0, 130, 0, 4, 0, 0, 0x04, 0xd2 };
  g_autoptr(GError) error = NULL;
  SesameNatpmpResponse response;
  const guint8 *data;
  gsize size;

  data = g_bytes_get_data (address_reply, &size);
  g_assert_true (sesame_natpmp_parse_response (address_request, data, size, &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response.opcode, ==, 0);
  g_assert_cmpuint (response.result_code, ==, 0);
  g_assert_cmpuint (response.epoch, ==, EPOCH);
  g_assert_cmpmem (response.external_address, 4, public_address, 4);

  data = g_bytes_get_data (map_reply, &size);
  g_assert_true (sesame_natpmp_parse_response (map_request, data, size, &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response.opcode, ==, SESAME_NATPMP_OP_MAP_TCP);
  g_assert_cmpuint (response.internal_port, ==, 8080);
  g_assert_cmpuint (response.external_port, ==, 18080);
  g_assert_cmpuint (response.lifetime, ==, 3600);

  /* RFC 6886 lets an error reply stop after the epoch */
  g_assert_true (sesame_natpmp_parse_response (map_request, short_error, sizeof short_error, &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response.result_code, ==, SESAME_NATPMP_RESULT_OUT_OF_RESOURCES);
  g_assert_cmpuint (response.epoch, ==, EPOCH);
  g_assert_cmpuint (response.external_port, ==, 0);
}

static void
test_pcp_round_trip (void)
{
  g_autoptr(GInetAddress) client = client_ipv4 ();
  g_autoptr(GBytes) request = test_pcp_map_request (3600);
  g_autoptr(GBytes) announce = sesame_pcp_build_announce_request (client);
  g_autoptr(GBytes) reply = pcp_reply_for (g_bytes_get_data (request, NULL), 60, 0, 40001, public_address);
  g_autoptr(GBytes) announce_reply = pcp_reply_for (g_bytes_get_data (announce, NULL), 24, 0, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree guint8 *with_options = NULL;
  SesamePcpResponse response;
  const guint8 *data;
  gsize size;

  data = g_bytes_get_data (reply, &size);
  g_assert_true (sesame_pcp_parse_response (request, data, size, &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response.version, ==, 2);
  g_assert_cmpuint (response.opcode, ==, SESAME_PCP_OP_MAP);
  g_assert_cmpuint (response.result_code, ==, 0);
  g_assert_cmpuint (response.lifetime, ==, 3600);
  g_assert_cmpuint (response.epoch, ==, EPOCH);
  g_assert_cmpmem (response.nonce, 12, test_nonce, 12);
  g_assert_cmpuint (response.protocol, ==, 17);
  g_assert_cmpuint (response.internal_port, ==, 40000);
  g_assert_cmpuint (response.external_port, ==, 40001);
  g_assert_true (sesame_pcp_address_is_ipv4 (response.external_address));
  text = sesame_pcp_address_to_string (response.external_address);
  g_assert_cmpstr (text, ==, "203.0.113.2");

  /* Options are skipped: one of 5 bytes padded to 8, one empty, one unknown optional */
  with_options = g_malloc0 (60 + 12 + 4 + 8);
  memcpy (with_options, data, 60);
  with_options[60] = 130;
  put_u16 (with_options + 62, 5);
  with_options[72] = 2;
  put_u16 (with_options + 74, 0);
  with_options[76] = 200;
  put_u16 (with_options + 78, 4);
  g_assert_true (sesame_pcp_parse_response (request, with_options, 84, &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response.external_port, ==, 40001);

  data = g_bytes_get_data (announce_reply, &size);
  g_assert_true (sesame_pcp_parse_response (announce, data, size, &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response.opcode, ==, SESAME_PCP_OP_ANNOUNCE);
  g_assert_cmpuint (response.epoch, ==, EPOCH);
}

/* A macro, so that the parse runs before its error is looked at */
#define assert_rejected(parse, error, code)                 \
  G_STMT_START {                                            \
    gboolean parsed_ = (parse);                             \
    g_assert_false (parsed_);                               \
    g_assert_error ((error), SESAME_PMP_ERROR, (gint) (code)); \
    g_assert_cmpstr ((error)->message, !=, "");             \
  } G_STMT_END

static void
test_truncated (void)
{
  g_autoptr(GInetAddress) client = client_ipv4 ();
  g_autoptr(GBytes) address_request = sesame_natpmp_build_address_request ();
  g_autoptr(GBytes) map_request = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 40000, 0, 60);
  g_autoptr(GBytes) pcp_request = test_pcp_map_request (3600);
  g_autoptr(GBytes) announce = sesame_pcp_build_announce_request (client);
  g_autoptr(GBytes) natpmp_address = natpmp_address_reply (0, public_address);
  g_autoptr(GBytes) natpmp_map = natpmp_map_reply (g_bytes_get_data (map_request, NULL), 0, 40000);
  g_autoptr(GBytes) pcp_map = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 0, 40001, public_address);
  g_autoptr(GBytes) pcp_announce = pcp_reply_for (g_bytes_get_data (announce, NULL), 24, 0, 0, NULL);
  g_autofree guint8 *with_option = g_malloc0 (72);
  const guint8 *data;
  gsize size;

  memcpy (with_option, g_bytes_get_data (pcp_map, NULL), 60);
  with_option[60] = 3;
  put_u16 (with_option + 62, 8);

  data = g_bytes_get_data (natpmp_address, &size);
  for (gsize length = 0; length < size; length++)
    {
      g_autoptr(GError) error = NULL;
      assert_rejected (sesame_natpmp_parse_response (address_request, data, length, NULL, &error),
                       error, SESAME_PMP_ERROR_MALFORMED);
    }

  data = g_bytes_get_data (natpmp_map, &size);
  for (gsize length = 0; length < size; length++)
    {
      g_autoptr(GError) error = NULL;
      assert_rejected (sesame_natpmp_parse_response (map_request, data, length, NULL, &error),
                       error, SESAME_PMP_ERROR_MALFORMED);
    }

  data = g_bytes_get_data (pcp_map, &size);
  for (gsize length = 0; length < size; length++)
    {
      g_autoptr(GError) error = NULL;
      assert_rejected (sesame_pcp_parse_response (pcp_request, data, length, NULL, &error),
                       error, SESAME_PMP_ERROR_MALFORMED);
    }

  for (gsize length = 0; length < 72; length++)
    {
      g_autoptr(GError) error = NULL;
      gboolean parsed = sesame_pcp_parse_response (pcp_request, with_option, length, NULL, &error);

      /* Cut right after the MAP payload, it is a complete reply without options */
      if (length == 60)
        g_assert_true (parsed);
      else
        assert_rejected (parsed, error, SESAME_PMP_ERROR_MALFORMED);
    }

  data = g_bytes_get_data (pcp_announce, &size);
  for (gsize length = 0; length < size; length++)
    {
      g_autoptr(GError) error = NULL;
      assert_rejected (sesame_pcp_parse_response (announce, data, length, NULL, &error),
                       error, SESAME_PMP_ERROR_MALFORMED);
    }
}

static void
test_wrong_version (void)
{
  g_autoptr(GBytes) address_request = sesame_natpmp_build_address_request ();
  g_autoptr(GBytes) pcp_request = test_pcp_map_request (3600);
  g_autoptr(GBytes) pcp_reply = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 0, 40001, public_address);
  g_autoptr(GBytes) unsupported = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 1, 0, public_address);
  g_autoptr(GBytes) natpmp_reply = natpmp_address_reply (0, public_address);
  g_autofree guint8 *copy = NULL;
  static const guint8 natpmp_unsupported[8] = { 0, 129, 0, 1, 0, 0, 0, 9 };
  static const guint8 pcp_v1_unsupported[24] = { 1, 0x81, 0, 1 };
  g_autoptr(GError) error = NULL;

  /* NAT-PMP: anything but version 0 */
  copy = g_memdup2 (g_bytes_get_data (natpmp_reply, NULL), 12);
  copy[0] = 2;
  assert_rejected (sesame_natpmp_parse_response (address_request, copy, 12, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);
  g_clear_pointer (&copy, g_free);

  /* PCP: a version 1 success is not understood */
  copy = g_memdup2 (g_bytes_get_data (pcp_reply, NULL), 60);
  copy[0] = 1;
  assert_rejected (sesame_pcp_parse_response (pcp_request, copy, 60, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  /* The router says it does not speak PCP version 2, in any of three ways */
  assert_rejected (sesame_pcp_parse_response (pcp_request, g_bytes_get_data (unsupported, NULL), 60, NULL, &error),
                   error, SESAME_PMP_ERROR_UNSUPPORTED_VERSION);
  g_clear_error (&error);
  assert_rejected (sesame_pcp_parse_response (pcp_request, pcp_v1_unsupported, sizeof pcp_v1_unsupported,
                                              NULL, &error),
                   error, SESAME_PMP_ERROR_UNSUPPORTED_VERSION);
  g_clear_error (&error);
  assert_rejected (sesame_pcp_parse_response (pcp_request, natpmp_unsupported, sizeof natpmp_unsupported,
                                              NULL, &error),
                   error, SESAME_PMP_ERROR_UNSUPPORTED_VERSION);
  g_clear_error (&error);

  /* A NAT-PMP request echoed back is not an answer */
  assert_rejected (sesame_pcp_parse_response (pcp_request, (const guint8 *) "\0\0\0\0", 4, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
}

static void
test_wrong_opcode (void)
{
  g_autoptr(GInetAddress) client = client_ipv4 ();
  g_autoptr(GBytes) address_request = sesame_natpmp_build_address_request ();
  g_autoptr(GBytes) tcp_request = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_TCP, 8080, 0, 60);
  g_autoptr(GBytes) udp_request = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 8080, 0, 60);
  g_autoptr(GBytes) udp_reply = natpmp_map_reply (g_bytes_get_data (udp_request, NULL), 0, 8080);
  g_autoptr(GBytes) pcp_request = test_pcp_map_request (3600);
  g_autoptr(GBytes) announce = sesame_pcp_build_announce_request (client);
  g_autoptr(GBytes) announce_reply = pcp_reply_for (g_bytes_get_data (announce, NULL), 24, 0, 0, NULL);
  g_autoptr(GBytes) pcp_reply = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 0, 40001, public_address);
  g_autofree guint8 *request_echo = NULL;
  g_autoptr(GError) error = NULL;

  assert_rejected (sesame_natpmp_parse_response (tcp_request, g_bytes_get_data (udp_reply, NULL), 16, NULL, &error),
                   error, SESAME_PMP_ERROR_MISMATCH);
  g_clear_error (&error);
  assert_rejected (sesame_natpmp_parse_response (address_request, g_bytes_get_data (udp_reply, NULL), 16, NULL,
                                                 &error),
                   error, SESAME_PMP_ERROR_MISMATCH);
  g_clear_error (&error);
  /* the request itself, reflected */
  assert_rejected (sesame_natpmp_parse_response (udp_request, g_bytes_get_data (udp_request, NULL), 12, NULL,
                                                 &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  assert_rejected (sesame_pcp_parse_response (pcp_request, g_bytes_get_data (announce_reply, NULL), 24, NULL,
                                              &error),
                   error, SESAME_PMP_ERROR_MISMATCH);
  g_clear_error (&error);
  assert_rejected (sesame_pcp_parse_response (announce, g_bytes_get_data (pcp_reply, NULL), 60, NULL, &error),
                   error, SESAME_PMP_ERROR_MISMATCH);
  g_clear_error (&error);

  request_echo = g_memdup2 (g_bytes_get_data (pcp_request, NULL), 60);
  assert_rejected (sesame_pcp_parse_response (pcp_request, request_echo, 60, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
}

static void
test_wrong_match (void)
{
  g_autoptr(GBytes) pcp_request = test_pcp_map_request (3600);
  g_autoptr(GBytes) pcp_reply = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 0, 40001, public_address);
  g_autoptr(GBytes) natpmp_request = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 40000, 0, 60);
  g_autoptr(GBytes) natpmp_reply = natpmp_map_reply (g_bytes_get_data (natpmp_request, NULL), 0, 40000);
  static const struct {
    gsize offset;
    const char *what;
  } pcp_fields[] = {
    { 24, "first byte of the nonce" },
    { 35, "last byte of the nonce" },
    { 36, "protocol" },
    { 41, "internal port" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pcp_fields); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (pcp_reply, NULL), 60);
      g_autoptr(GError) error = NULL;

      g_test_message ("PCP %s", pcp_fields[i].what);
      copy[pcp_fields[i].offset] ^= 0x40;
      assert_rejected (sesame_pcp_parse_response (pcp_request, copy, 60, NULL, &error),
                       error, SESAME_PMP_ERROR_MISMATCH);
    }

  /* An error reply still has to carry our nonce */
  {
    g_autoptr(GBytes) refusal = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 2, 0, public_address);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (refusal, NULL), 60);
    g_autoptr(GError) error = NULL;
    SesamePcpResponse response;

    g_assert_true (sesame_pcp_parse_response (pcp_request, copy, 60, &response, &error));
    g_assert_cmpuint (response.result_code, ==, SESAME_PCP_RESULT_NOT_AUTHORIZED);
    copy[30] ^= 1;
    assert_rejected (sesame_pcp_parse_response (pcp_request, copy, 60, NULL, &error),
                     error, SESAME_PMP_ERROR_MISMATCH);
  }

  {
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (natpmp_reply, NULL), 16);
    g_autoptr(GError) error = NULL;

    copy[9] ^= 1;
    assert_rejected (sesame_natpmp_parse_response (natpmp_request, copy, 16, NULL, &error),
                     error, SESAME_PMP_ERROR_MISMATCH);
  }
}

static void
test_oversized (void)
{
  g_autoptr(GBytes) address_request = sesame_natpmp_build_address_request ();
  g_autoptr(GBytes) map_request = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 40000, 0, 60);
  g_autoptr(GBytes) pcp_request = test_pcp_map_request (3600);
  g_autoptr(GBytes) pcp_reply = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 0, 40001, public_address);
  g_autoptr(GBytes) address_reply = natpmp_address_reply (0, public_address);
  g_autoptr(GBytes) map_reply = natpmp_map_reply (g_bytes_get_data (map_request, NULL), 0, 40000);
  g_autofree guint8 *big = g_malloc0 (2048);
  g_autoptr(GError) error = NULL;

  memcpy (big, g_bytes_get_data (address_reply, NULL), 12);
  for (gsize length = 13; length <= 20; length++)
    {
      assert_rejected (sesame_natpmp_parse_response (address_request, big, length, NULL, &error),
                       error, SESAME_PMP_ERROR_MALFORMED);
      g_clear_error (&error);
    }

  memset (big, 0, 2048);
  memcpy (big, g_bytes_get_data (map_reply, NULL), 16);
  assert_rejected (sesame_natpmp_parse_response (map_request, big, 20, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  /* PCP: one long option fills the reply up to exactly 1100 bytes, which is fine; beyond is not */
  memset (big, 0, 2048);
  memcpy (big, g_bytes_get_data (pcp_reply, NULL), 60);
  big[60] = 200;
  put_u16 (big + 62, 1100 - 64);
  g_assert_true (sesame_pcp_parse_response (pcp_request, big, 1100, NULL, &error));
  g_assert_no_error (error);

  put_u16 (big + 62, 1104 - 64);
  assert_rejected (sesame_pcp_parse_response (pcp_request, big, 1104, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Not a multiple of 4 */
  put_u16 (big + 62, 0);
  assert_rejected (sesame_pcp_parse_response (pcp_request, big, 66, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  /* An option that claims more than there is */
  put_u16 (big + 62, 0xffff);
  assert_rejected (sesame_pcp_parse_response (pcp_request, big, 68, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
}

static void
test_success_fields (void)
{
  g_autoptr(GBytes) pcp_request = test_pcp_map_request (3600);
  g_autoptr(GBytes) pcp_delete = test_pcp_map_request (0);
  g_autoptr(GBytes) natpmp_request = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 40000, 0, 60);
  g_autoptr(GBytes) zero_port = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 0, 0, public_address);
  g_autoptr(GBytes) natpmp_zero = natpmp_map_reply (g_bytes_get_data (natpmp_request, NULL), 0, 0);
  g_autoptr(GBytes) reply = pcp_reply_for (g_bytes_get_data (pcp_request, NULL), 60, 0, 40001, public_address);
  g_autofree guint8 *ipv6 = g_memdup2 (g_bytes_get_data (reply, NULL), 60);
  g_autoptr(GError) error = NULL;

  assert_rejected (sesame_pcp_parse_response (pcp_request, g_bytes_get_data (zero_port, NULL), 60, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  assert_rejected (sesame_natpmp_parse_response (natpmp_request, g_bytes_get_data (natpmp_zero, NULL), 16, NULL,
                                                 &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  ipv6[44] = 0x20;
  ipv6[45] = 0x01;
  assert_rejected (sesame_pcp_parse_response (pcp_request, ipv6, 60, NULL, &error),
                   error, SESAME_PMP_ERROR_MALFORMED);
  g_clear_error (&error);

  /* A deletion's reply may carry port 0 */
  {
    g_autoptr(GBytes) deleted = pcp_reply_for (g_bytes_get_data (pcp_delete, NULL), 60, 0, 0, public_address);

    g_assert_true (sesame_pcp_parse_response (pcp_delete, g_bytes_get_data (deleted, NULL), 60, NULL, &error));
    g_assert_no_error (error);
  }
}

static void
check_pcp_invariants (GBytes                  *request,
                      const SesamePcpResponse *response)
{
  const guint8 *req = g_bytes_get_data (request, NULL);

  g_assert_cmpuint (response->version, ==, SESAME_PCP_VERSION);
  g_assert_cmpuint (response->opcode, ==, req[1]);
  g_assert_cmpuint (response->result_code, !=, SESAME_PCP_RESULT_UNSUPP_VERSION);
  if (response->opcode == SESAME_PCP_OP_MAP)
    {
      g_assert_cmpmem (response->nonce, 12, req + 24, 12);
      g_assert_cmpuint (response->internal_port, ==, get_u16 (req + 40));
    }
}

static void
test_random (void)
{
  g_autoptr(GInetAddress) client = client_ipv4 ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x5e5a3e);
  GBytes *natpmp_requests[3];
  GBytes *pcp_requests[2];
  GBytes *valid[5];
  guint accepted = 0;

  natpmp_requests[0] = sesame_natpmp_build_address_request ();
  natpmp_requests[1] = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 40000, 0, 60);
  natpmp_requests[2] = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_TCP, 40000, 0, 60);
  pcp_requests[0] = sesame_pcp_build_announce_request (client);
  pcp_requests[1] = test_pcp_map_request (3600);
  valid[0] = natpmp_address_reply (0, public_address);
  valid[1] = natpmp_map_reply (g_bytes_get_data (natpmp_requests[1], NULL), 0, 40000);
  valid[2] = natpmp_map_reply (g_bytes_get_data (natpmp_requests[2], NULL), 0, 40000);
  valid[3] = pcp_reply_for (g_bytes_get_data (pcp_requests[0], NULL), 24, 0, 0, NULL);
  valid[4] = pcp_reply_for (g_bytes_get_data (pcp_requests[1], NULL), 60, 0, 40001, public_address);

  for (guint round = 0; round < 200000; round++)
    {
      guint8 data[1200];
      gsize length;

      if (round % 2 == 0)
        {
          /* Noise, sometimes with a plausible first two bytes */
          length = (gsize) g_rand_int_range (rand, 0, sizeof data + 1);
          for (gsize i = 0; i < length; i++)
            data[i] = (guint8) g_rand_int (rand);
          if (length >= 2 && g_rand_boolean (rand))
            {
              data[0] = g_rand_boolean (rand) ? 0 : 2;
              data[1] = (guint8) (0x80 | g_rand_int_range (rand, 0, 3));
            }
          if (length >= 60 && g_rand_boolean (rand))
            memcpy (data + 24, test_nonce, 12);
        }
      else
        {
          /* A valid reply, mutated: bytes flipped, cut, or extended */
          GBytes *base = valid[g_rand_int_range (rand, 0, G_N_ELEMENTS (valid))];
          gsize base_length;
          const guint8 *base_data = g_bytes_get_data (base, &base_length);
          guint flips = (guint) g_rand_int_range (rand, 0, 4);

          memcpy (data, base_data, base_length);
          length = base_length;
          for (guint i = 0; i < flips; i++)
            data[g_rand_int_range (rand, 0, (gint32) base_length)] ^= (guint8) (1 << g_rand_int_range (rand, 0, 8));
          if (g_rand_int_range (rand, 0, 4) == 0)
            length = (gsize) g_rand_int_range (rand, 0, (gint32) base_length + 1);
          else if (g_rand_int_range (rand, 0, 4) == 0)
            {
              gsize extra = (gsize) g_rand_int_range (rand, 1, 64);
              for (gsize i = 0; i < extra; i++)
                data[length + i] = (guint8) g_rand_int (rand);
              length += extra;
            }
        }

      for (guint r = 0; r < G_N_ELEMENTS (natpmp_requests); r++)
        {
          g_autoptr(GError) error = NULL;
          SesameNatpmpResponse response;

          if (sesame_natpmp_parse_response (natpmp_requests[r], data, length, &response, &error))
            {
              g_assert_no_error (error);
              g_assert_cmpuint (data[0], ==, 0);
              g_assert_cmpuint (response.opcode, ==, ((const guint8 *) g_bytes_get_data (natpmp_requests[r], NULL))[1]);
              accepted++;
            }
          else
            g_assert_nonnull (error);
        }

      for (guint r = 0; r < G_N_ELEMENTS (pcp_requests); r++)
        {
          g_autoptr(GError) error = NULL;
          SesamePcpResponse response;

          if (sesame_pcp_parse_response (pcp_requests[r], data, length, &response, &error))
            {
              g_assert_no_error (error);
              check_pcp_invariants (pcp_requests[r], &response);
              accepted++;
            }
          else
            g_assert_nonnull (error);
        }
    }

  /* Flips in ignored bytes (epoch, reserved, lifetime) keep a reply valid */
  g_test_message ("%u of the mutated datagrams were accepted", accepted);
  g_assert_cmpuint (accepted, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (natpmp_requests); i++)
    g_bytes_unref (natpmp_requests[i]);
  for (guint i = 0; i < G_N_ELEMENTS (pcp_requests); i++)
    g_bytes_unref (pcp_requests[i]);
  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_bytes_unref (valid[i]);
}

static void
test_results (void)
{
  static const struct {
    gboolean pcp;
    guint code;
    gint error;
    const char *reason;
  } cases[] = {
    { FALSE, 1, SESAME_PMP_ERROR_UNSUPPORTED_VERSION, NULL },
    { FALSE, 2, SESAME_PMP_ERROR_NOT_AUTHORIZED, NULL },
    { FALSE, 3, SESAME_PMP_ERROR_NETWORK_FAILURE, "network failure: the router has no external address yet" },
    { FALSE, 4, SESAME_PMP_ERROR_NO_RESOURCES, NULL },
    { FALSE, 5, SESAME_PMP_ERROR_UNSUPPORTED_OPCODE, NULL },
    { FALSE, 6, SESAME_PMP_ERROR_UNKNOWN_RESULT, NULL },
    { TRUE, 1, SESAME_PMP_ERROR_UNSUPPORTED_VERSION, NULL },
    { TRUE, 2, SESAME_PMP_ERROR_NOT_AUTHORIZED, NULL },
    { TRUE, 3, SESAME_PMP_ERROR_MALFORMED_REQUEST, NULL },
    { TRUE, 4, SESAME_PMP_ERROR_UNSUPPORTED_OPCODE, NULL },
    { TRUE, 5, SESAME_PMP_ERROR_UNSUPPORTED_OPTION, NULL },
    { TRUE, 6, SESAME_PMP_ERROR_MALFORMED_OPTION, NULL },
    { TRUE, 7, SESAME_PMP_ERROR_NETWORK_FAILURE, "network failure: the router has no external address yet" },
    { TRUE, 8, SESAME_PMP_ERROR_NO_RESOURCES, NULL },
    { TRUE, 9, SESAME_PMP_ERROR_UNSUPPORTED_PROTOCOL, NULL },
    { TRUE, 10, SESAME_PMP_ERROR_QUOTA_EXCEEDED, NULL },
    { TRUE, 11, SESAME_PMP_ERROR_CANNOT_PROVIDE_EXTERNAL, NULL },
    { TRUE, 12, SESAME_PMP_ERROR_ADDRESS_MISMATCH, NULL },
    { TRUE, 13, SESAME_PMP_ERROR_EXCESSIVE_REMOTE_PEERS, NULL },
    { TRUE, 99, SESAME_PMP_ERROR_UNKNOWN_RESULT, NULL },
  };

  g_assert_true (sesame_natpmp_check_result (0, NULL));
  g_assert_true (sesame_pcp_check_result (0, NULL));
  g_assert_cmpstr (sesame_pcp_result_to_string (0), ==, "success");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      const char *reason;

      g_test_message ("%s %u", cases[i].pcp ? "PCP" : "NAT-PMP", cases[i].code);
      if (cases[i].pcp)
        {
          g_assert_false (sesame_pcp_check_result (cases[i].code, &error));
          reason = sesame_pcp_result_to_string (cases[i].code);
        }
      else
        {
          g_assert_false (sesame_natpmp_check_result (cases[i].code, &error));
          reason = sesame_natpmp_result_to_string (cases[i].code);
        }

      g_assert_error (error, SESAME_PMP_ERROR, cases[i].error);
      g_assert_cmpstr (reason, !=, "");
      if (cases[i].reason != NULL)
        {
          g_assert_cmpstr (error->message, ==, cases[i].reason);
          g_assert_cmpstr (reason, ==, cases[i].reason);
        }
      if (cases[i].error == SESAME_PMP_ERROR_UNKNOWN_RESULT)
        {
          g_autofree char *code = g_strdup_printf ("%u", cases[i].code);
          g_assert_nonnull (strstr (error->message, code));
        }
      else
        g_assert_cmpstr (error->message, ==, reason);
    }
}

static void
test_address_text (void)
{
  static const guint8 mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 100, 64, 0, 2 };
  static const guint8 ipv6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  g_autofree char *a = sesame_pcp_address_to_string (mapped);
  g_autofree char *b = sesame_pcp_address_to_string (ipv6);

  g_assert_true (sesame_pcp_address_is_ipv4 (mapped));
  g_assert_false (sesame_pcp_address_is_ipv4 (ipv6));
  g_assert_cmpstr (a, ==, "100.64.0.2");
  g_assert_cmpstr (b, ==, "2001:db8::1");
}

typedef struct
{
  GMainContext     *context;
  FakeRouter       *fake;
  SesamePmpClient  *client;
  GAsyncResult     *result;
  GCancellable     *cancellable;
  gint64            started;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  /* Everything runs on a thread-default context of its own */
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);

  fixture->fake = fake_router_new ();
  fixture->client = sesame_pmp_client_new (loopback, loopback);
  sesame_pmp_client_set_port (fixture->client, fixture->fake->port);
  fixture->cancellable = g_cancellable_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->result);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->cancellable);
  fake_router_free (fixture->fake);

  while (g_main_context_iteration (fixture->context, FALSE))
    ;

  g_main_context_pop_thread_default (fixture->context);
  g_main_context_unref (fixture->context);
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_assert_null (fixture->result);
  fixture->result = g_object_ref (result);
}

static gboolean
on_guard (gpointer user_data)
{
  g_error ("the test did not finish in time");
  return G_SOURCE_REMOVE;
}

/* Runs the loop until the result is in, or until *until becomes true */
static void
run_until (Fixture  *fixture,
           gboolean *until)
{
  GSource *guard = g_timeout_source_new_seconds (20);

  g_source_set_callback (guard, on_guard, NULL, NULL);
  g_source_attach (guard, fixture->context);

  while (until != NULL ? !*until : fixture->result == NULL)
    g_main_context_iteration (fixture->context, TRUE);

  g_source_destroy (guard);
  g_source_unref (guard);
}

/* Runs the loop until the router has counted something */
static void
run_until_counted (Fixture     *fixture,
                   const guint *counter)
{
  GSource *guard = g_timeout_source_new_seconds (20);

  g_source_set_callback (guard, on_guard, NULL, NULL);
  g_source_attach (guard, fixture->context);

  while (*counter == 0)
    g_main_context_iteration (fixture->context, TRUE);

  g_source_destroy (guard);
  g_source_unref (guard);
}

static guint
elapsed_ms (Fixture *fixture)
{
  return (guint) ((g_get_monotonic_time () - fixture->started) / 1000);
}

static void
start_clock (Fixture *fixture)
{
  g_clear_object (&fixture->result);
  fixture->started = g_get_monotonic_time ();
}

static SesamePmpMapping *
add_mapping (Fixture             *fixture,
             SesamePmpTransport   transport,
             guint16              internal_port,
             guint                timeout_ms,
             GError             **error)
{
  start_clock (fixture);
  sesame_pmp_client_add_mapping_async (fixture->client, transport, internal_port, internal_port, 3600,
                                       timeout_ms, fixture->cancellable, on_result, fixture);
  run_until (fixture, NULL);
  return sesame_pmp_client_add_mapping_finish (fixture->client, fixture->result, error);
}

static gboolean
remove_mapping (Fixture             *fixture,
                SesamePmpTransport   transport,
                guint16              internal_port,
                SesamePmpProtocol   *protocol,
                GError             **error)
{
  start_clock (fixture);
  sesame_pmp_client_remove_mapping_async (fixture->client, transport, internal_port, 2000,
                                          fixture->cancellable, on_result, fixture);
  run_until (fixture, NULL);
  return sesame_pmp_client_remove_mapping_finish (fixture->client, fixture->result, protocol, error);
}

static char *
get_address (Fixture            *fixture,
             guint               timeout_ms,
             SesamePmpProtocol  *protocol,
             GError            **error)
{
  start_clock (fixture);
  sesame_pmp_client_get_external_address_async (fixture->client, timeout_ms, fixture->cancellable,
                                                on_result, fixture);
  run_until (fixture, NULL);
  return sesame_pmp_client_get_external_address_finish (fixture->client, fixture->result, protocol,
                                                        NULL, error);
}

static void
test_client_pcp (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  SesamePmpProtocol protocol = SESAME_PMP_PROTOCOL_NATPMP;

  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 40000, 2000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mapping);
  g_assert_cmpint (mapping->protocol, ==, SESAME_PMP_PROTOCOL_PCP);
  g_assert_cmpint (mapping->transport, ==, SESAME_PMP_TRANSPORT_UDP);
  g_assert_cmpuint (mapping->internal_port, ==, 40000);
  g_assert_cmpuint (mapping->external_port, ==, 40001);
  g_assert_cmpuint (mapping->lifetime, ==, 3600);
  g_assert_cmpuint (mapping->epoch, ==, EPOCH);
  g_assert_cmpstr (mapping->external_address, ==, "203.0.113.2");
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 1);
  g_assert_cmpuint (fixture->fake->n_natpmp, ==, 0);

  /* Deleting uses the nonce that created the mapping */
  g_assert_true (remove_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 40000, &protocol, &error));
  g_assert_no_error (error);
  g_assert_cmpint (protocol, ==, SESAME_PMP_PROTOCOL_PCP);
  g_assert_cmpuint (fixture->fake->n_pcp_delete, ==, 1);
  g_assert_true (fixture->fake->delete_nonce_matched);
}

static void
test_client_pcp_address (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  SesamePmpProtocol protocol = SESAME_PMP_PROTOCOL_NATPMP;
  guint32 epoch = 0;

  start_clock (fixture);
  sesame_pmp_client_get_external_address_async (fixture->client, 0, NULL, on_result, fixture);
  run_until (fixture, NULL);
  address = sesame_pmp_client_get_external_address_finish (fixture->client, fixture->result,
                                                           &protocol, &epoch, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.2");
  g_assert_cmpint (protocol, ==, SESAME_PMP_PROTOCOL_PCP);
  g_assert_cmpuint (epoch, ==, EPOCH);

  /* The short-lived mapping that told the address is deleted, with its nonce */
  run_until_counted (fixture, &fixture->fake->n_pcp_delete);
  g_assert_true (fixture->fake->delete_nonce_matched);
  g_assert_cmpuint (fixture->fake->n_natpmp, ==, 0);
}

static void
test_client_pcp_refuses_address (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  SesamePmpProtocol protocol = SESAME_PMP_PROTOCOL_PCP;

  /* A router may refuse the mapping yet tell the address over NAT-PMP */
  fixture->fake->pcp_result = SESAME_PCP_RESULT_NOT_AUTHORIZED;
  address = get_address (fixture, 2000, &protocol, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.2");
  g_assert_cmpint (protocol, ==, SESAME_PMP_PROTOCOL_NATPMP);
  g_clear_pointer (&address, g_free);

  /* ...or have none to tell: NAT-PMP's reason is the one that says why */
  fixture->fake->natpmp_result = SESAME_NATPMP_RESULT_NETWORK_FAILURE;
  address = get_address (fixture, 2000, &protocol, &error);
  g_assert_null (address);
  g_assert_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_NETWORK_FAILURE);
  g_assert_cmpstr (error->message, ==, "network failure: the router has no external address yet");
}

static void
test_client_pcp_error (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;

  fixture->fake->pcp_result = SESAME_PCP_RESULT_NOT_AUTHORIZED;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 22, 2000, &error);
  g_assert_null (mapping);
  g_assert_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_NOT_AUTHORIZED);
  g_assert_cmpstr (error->message, ==, sesame_pcp_result_to_string (SESAME_PCP_RESULT_NOT_AUTHORIZED));
  /* A refusal is an answer: no retransmission, no NAT-PMP */
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 1);
  g_assert_cmpuint (fixture->fake->n_natpmp, ==, 0);
  g_assert_cmpuint (elapsed_ms (fixture), <, 250);
}

static void
test_client_natpmp_fallback (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  SesamePmpProtocol protocol = SESAME_PMP_PROTOCOL_PCP;
  guint n_pcp;

  fixture->fake->kind = GPOINTER_TO_INT (data);

  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 8080, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->protocol, ==, SESAME_PMP_PROTOCOL_NATPMP);
  g_assert_cmpint (mapping->transport, ==, SESAME_PMP_TRANSPORT_TCP);
  g_assert_cmpuint (mapping->internal_port, ==, 8080);
  g_assert_cmpuint (mapping->external_port, ==, 8081);
  g_assert_cmpuint (mapping->lifetime, ==, 3600);
  g_assert_null (mapping->external_address);
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 1);
  g_assert_cmpuint (fixture->fake->n_natpmp, ==, 1);
  /* The answer made the fallback, not the clock */
  g_assert_cmpuint (elapsed_ms (fixture), <, 250);

  /* The client remembers: no more PCP for this router */
  n_pcp = fixture->fake->n_pcp;
  g_assert_true (remove_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 8080, &protocol, &error));
  g_assert_no_error (error);
  g_assert_cmpint (protocol, ==, SESAME_PMP_PROTOCOL_NATPMP);
  g_assert_cmpuint (fixture->fake->n_natpmp_delete, ==, 1);
  g_assert_cmpuint (fixture->fake->last_natpmp_suggested, ==, 0);

  {
    g_autofree char *address = get_address (fixture, 2000, &protocol, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (address, ==, "203.0.113.2");
    g_assert_cmpint (protocol, ==, SESAME_PMP_PROTOCOL_NATPMP);
  }
  g_assert_cmpuint (fixture->fake->n_pcp, ==, n_pcp);
}

/* "Always a finite lease": a router granting an unlimited or a longer
 * lease than asked is refused, and the mapping removed again at once */
static void
test_client_lease_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;

  /* PCP, unlimited */
  fixture->fake->granted_lifetime = G_MAXUINT32;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 8080, 2000, &error);
  g_assert_null (mapping);
  g_assert_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_LEASE_REFUSED);
  g_assert_nonnull (strstr (error->message, "unlimited lease"));
  g_assert_nonnull (strstr (error->message, "removed the mapping again"));
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 1);
  g_assert_cmpuint (fixture->fake->n_pcp_delete, ==, 1);
  g_assert_true (fixture->fake->delete_nonce_matched);
  g_assert_cmpuint (elapsed_ms (fixture), <, 250);
  g_clear_error (&error);

  /* PCP, longer than asked */
  fixture->fake->granted_lifetime = 7200;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 8080, 2000, &error);
  g_assert_null (mapping);
  g_assert_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_LEASE_REFUSED);
  g_assert_nonnull (strstr (error->message, "7200 s, longer than the 3600 s"));
  g_assert_cmpuint (fixture->fake->n_pcp_delete, ==, 2);
  g_clear_error (&error);

  /* A shorter lease is the router's right */
  fixture->fake->granted_lifetime = 600;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 8080, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mapping->lifetime, ==, 600);
  g_assert_cmpuint (fixture->fake->n_pcp_delete, ==, 2);
}

static void
test_client_natpmp_lease_refused (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;

  fixture->fake->kind = FAKE_NATPMP_ONLY;
  fixture->fake->granted_lifetime = G_MAXUINT32;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 27015, 2000, &error);
  g_assert_null (mapping);
  g_assert_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_LEASE_REFUSED);
  g_assert_nonnull (strstr (error->message, "unlimited lease"));
  g_assert_nonnull (strstr (error->message, "removed the mapping again"));
  g_assert_cmpuint (fixture->fake->n_natpmp, ==, 1);
  g_assert_cmpuint (fixture->fake->n_natpmp_delete, ==, 1);
  g_assert_cmpuint (fixture->fake->last_natpmp_suggested, ==, 0);
  g_clear_error (&error);

  /* The router does not confirm the deletion: retransmitted, and said so */
  fixture->fake->ignore_deletes = TRUE;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 27015, 1000, &error);
  g_assert_null (mapping);
  g_assert_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_LEASE_REFUSED);
  g_assert_nonnull (strstr (error->message, "did not confirm"));
  g_assert_cmpuint (fixture->fake->n_natpmp_delete, >=, 2);
}

static void
test_client_silent (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  const guint timeout_ms = 700;
  guint elapsed;

  fixture->fake->kind = FAKE_SILENT;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 40000, timeout_ms, &error);
  elapsed = elapsed_ms (fixture);
  g_assert_null (mapping);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_test_message ("gave up after %u ms: %s", elapsed, error->message);
  g_assert_cmpuint (elapsed, >=, timeout_ms - 20);
  g_assert_cmpuint (elapsed, <, timeout_ms + 200);

  /* PCP at 0 and 250 ms, then NAT-PMP from 350 ms at 0 and 250 ms */
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 2);
  g_assert_cmpuint (fixture->fake->n_natpmp, ==, 2);
}

static void
test_client_pcp_silent (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  SesamePmpProtocol protocol = SESAME_PMP_PROTOCOL_PCP;
  guint elapsed;

  /* PCP gets half the time, then NAT-PMP answers */
  fixture->fake->kind = FAKE_PCP_SILENT;
  address = get_address (fixture, 1000, &protocol, &error);
  elapsed = elapsed_ms (fixture);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.2");
  g_assert_cmpint (protocol, ==, SESAME_PMP_PROTOCOL_NATPMP);
  g_assert_cmpuint (elapsed, >=, 500 - 20);
  g_assert_cmpuint (elapsed, <, 1000);
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 2);

  /* and is asked first from then on */
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 40000, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->protocol, ==, SESAME_PMP_PROTOCOL_NATPMP);
  g_assert_cmpuint (elapsed_ms (fixture), <, 250);
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 2);
}

static void
test_client_wrong_source (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;

  /* Replies from another port and address come first and are not taken */
  fixture->fake->wrong_source_first = TRUE;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 40000, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mapping->external_port, ==, 40001);
  g_assert_cmpstr (mapping->external_address, ==, "203.0.113.2");
  g_clear_pointer (&mapping, sesame_pmp_mapping_free);

  /* Only from there: as good as silence */
  fixture->fake->wrong_source_first = FALSE;
  fixture->fake->wrong_source_only = TRUE;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 40002, 600, &error);
  g_assert_null (mapping);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (elapsed_ms (fixture), <, 600 + 200);
}

static void
test_client_bad_replies (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  /* Another nonce, garbage, 2000 bytes and a cut reply, then the right one */
  fixture->fake->bad_replies_first = TRUE;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_UDP, 40000, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mapping->external_port, ==, 40001);
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 1);
  g_assert_cmpuint (elapsed_ms (fixture), <, 250);

  /* The same over NAT-PMP */
  fixture->fake->kind = FAKE_NATPMP_ONLY;
  address = get_address (fixture, 2000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.2");
}

static void
test_client_first_lost (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  guint elapsed;

  fixture->fake->drop_first = 1;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 8443, 2000, &error);
  elapsed = elapsed_ms (fixture);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->protocol, ==, SESAME_PMP_PROTOCOL_PCP);
  g_assert_cmpuint (mapping->external_port, ==, 8444);
  g_assert_cmpuint (fixture->fake->n_pcp, ==, 2);
  g_assert_cmpuint (elapsed, >=, 240);
  g_assert_cmpuint (elapsed, <, 750);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_client_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GSource) timeout = g_timeout_source_new (100);
  SesamePmpMapping *mapping;

  fixture->fake->kind = FAKE_SILENT;
  g_source_set_callback (timeout, cancel_later, fixture->cancellable, NULL);
  g_source_attach (timeout, fixture->context);

  address = get_address (fixture, 5000, NULL, &error);
  g_assert_null (address);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (elapsed_ms (fixture), <, 300);
  g_clear_error (&error);

  /* The mapping that may have been made for the address is deleted all the same */
  run_until_counted (fixture, &fixture->fake->n_pcp_delete);

  /* Already cancelled: nothing is sent */
  fixture->fake->n_received = 0;
  mapping = add_mapping (fixture, SESAME_PMP_TRANSPORT_TCP, 8080, 2000, &error);
  g_assert_null (mapping);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  while (g_main_context_iteration (fixture->context, FALSE))
    ;
  g_assert_cmpuint (fixture->fake->n_received, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pmp/codec/natpmp-requests", test_natpmp_requests);
  g_test_add_func ("/pmp/codec/pcp-requests", test_pcp_requests);
  g_test_add_func ("/pmp/codec/natpmp-round-trip", test_natpmp_round_trip);
  g_test_add_func ("/pmp/codec/pcp-round-trip", test_pcp_round_trip);
  g_test_add_func ("/pmp/codec/truncated", test_truncated);
  g_test_add_func ("/pmp/codec/wrong-version", test_wrong_version);
  g_test_add_func ("/pmp/codec/wrong-opcode", test_wrong_opcode);
  g_test_add_func ("/pmp/codec/wrong-nonce-protocol-port", test_wrong_match);
  g_test_add_func ("/pmp/codec/oversized", test_oversized);
  g_test_add_func ("/pmp/codec/success-fields", test_success_fields);
  g_test_add_func ("/pmp/codec/random", test_random);
  g_test_add_func ("/pmp/codec/results", test_results);
  g_test_add_func ("/pmp/codec/address-text", test_address_text);

  g_test_add ("/pmp/client/pcp", Fixture, NULL,
              fixture_set_up, test_client_pcp, fixture_tear_down);
  g_test_add ("/pmp/client/pcp-address", Fixture, NULL,
              fixture_set_up, test_client_pcp_address, fixture_tear_down);
  g_test_add ("/pmp/client/pcp-refuses-address", Fixture, NULL,
              fixture_set_up, test_client_pcp_refuses_address, fixture_tear_down);
  g_test_add ("/pmp/client/pcp-error", Fixture, NULL,
              fixture_set_up, test_client_pcp_error, fixture_tear_down);
  g_test_add ("/pmp/client/natpmp-fallback", Fixture, GINT_TO_POINTER (FAKE_NATPMP_ONLY),
              fixture_set_up, test_client_natpmp_fallback, fixture_tear_down);
  g_test_add ("/pmp/client/pcp-unsupp-version", Fixture, GINT_TO_POINTER (FAKE_PCP_V1),
              fixture_set_up, test_client_natpmp_fallback, fixture_tear_down);
  g_test_add ("/pmp/client/pcp-silent", Fixture, NULL,
              fixture_set_up, test_client_pcp_silent, fixture_tear_down);
  g_test_add ("/pmp/client/lease-refused", Fixture, NULL,
              fixture_set_up, test_client_lease_refused, fixture_tear_down);
  g_test_add ("/pmp/client/natpmp-lease-refused", Fixture, NULL,
              fixture_set_up, test_client_natpmp_lease_refused, fixture_tear_down);
  g_test_add ("/pmp/client/silent", Fixture, NULL,
              fixture_set_up, test_client_silent, fixture_tear_down);
  g_test_add ("/pmp/client/wrong-source", Fixture, NULL,
              fixture_set_up, test_client_wrong_source, fixture_tear_down);
  g_test_add ("/pmp/client/bad-replies", Fixture, NULL,
              fixture_set_up, test_client_bad_replies, fixture_tear_down);
  g_test_add ("/pmp/client/first-lost", Fixture, NULL,
              fixture_set_up, test_client_first_lost, fixture_tear_down);
  g_test_add ("/pmp/client/cancel", Fixture, NULL,
              fixture_set_up, test_client_cancel, fixture_tear_down);

  return g_test_run ();
}
