/* test-nat-probe.c: the NAT probe against a STUN server on loopback that
 * answers honestly, lies, babbles or says nothing
 *
 * Loopback has no NAT, so an honest server must give "no NAT" and
 * endpoint-independent filtering (open internet). 127.0.0.2 stands in for
 * the server's alternate address.
 *
 * A lying server answers only with what is not a valid answer (garbage, the
 * wrong transaction ID, an error response, a bad FINGERPRINT): UDP passes,
 * so that is "unknown", never "UDP blocked". A server naming a second
 * address it must not send Sesame to (0.0.0.0, which Linux would deliver to
 * this computer) is not followed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sesame-nat-probe.h"
#include "sesame-stun.h"

typedef enum
{
  SERVER_HONEST,
  SERVER_NOISY,          /* wrong IDs, garbage and truncated replies before each right one */
  SERVER_WRONG_SOURCE,   /* answers change requests from the primary address */
  SERVER_NO_OTHER,       /* an RFC 5389 server: no OTHER-ADDRESS, ignores CHANGE-REQUEST */
  SERVER_SILENT,
  SERVER_LIAR,           /* only what is not a valid answer: see Lie */
  SERVER_FOREIGN_OTHER,  /* OTHER-ADDRESS 0.0.0.0, not of the server's kind */
  SERVER_SLOW_CHANGE,    /* answers CHANGE-REQUESTs only after SLOW_CHANGE_MS */
} ServerMode;

#define SLOW_CHANGE_MS 900

typedef enum
{
  LIE_GARBAGE,
  LIE_WRONG_ID,
  LIE_ERROR_RESPONSE,
  LIE_BAD_FINGERPRINT,
} Lie;

typedef struct
{
  ServerMode  mode;
  GSocket    *sockets[4];   /* [ip][port]: 127.0.0.1/127.0.0.2 × P1/P2 */
  GSource    *sources[4];
  guint16     ports[2];
  guint       requests;
  guint       requests_at[4];
  Lie         lie;
} FakeServer;

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
put32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

/* An IPv4 address attribute; XORed with the cookie for XOR-MAPPED-ADDRESS */
static gsize
put_address (guint8       *p,
             guint16       type,
             const guint8 *ip,
             guint16       port,
             gboolean      xor)
{
  put16 (p, type);
  put16 (p + 2, 8);
  p[4] = 0;
  p[5] = 0x01;
  put16 (p + 6, xor ? port ^ (SESAME_STUN_MAGIC_COOKIE >> 16) : port);
  for (guint i = 0; i < 4; i++)
    p[8 + i] = xor ? ip[i] ^ ((SESAME_STUN_MAGIC_COOKIE >> (24 - 8 * i)) & 0xff) : ip[i];
  return 12;
}

static gsize
build_response (FakeServer                    *server,
                const SesameStunTransactionId *id,
                GInetSocketAddress            *client,
                guint8                        *buffer)
{
  const guint8 *client_ip = g_inet_address_to_bytes (g_inet_socket_address_get_address (client));
  static const guint8 other_ip[4] = { 127, 0, 0, 2 };
  static const guint8 unspecified[4] = { 0, 0, 0, 0 };
  gsize length = 20;

  put16 (buffer, 0x0101);
  put32 (buffer + 4, SESAME_STUN_MAGIC_COOKIE);
  memcpy (buffer + 8, id->bytes, 12);

  length += put_address (buffer + length, SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS, client_ip,
                         g_inet_socket_address_get_port (client), TRUE);
  if (server->mode == SERVER_FOREIGN_OTHER)
    length += put_address (buffer + length, SESAME_STUN_ATTR_OTHER_ADDRESS, unspecified, server->ports[1], FALSE);
  else if (server->mode != SERVER_NO_OTHER)
    length += put_address (buffer + length, SESAME_STUN_ATTR_OTHER_ADDRESS, other_ip, server->ports[1], FALSE);

  put16 (buffer + 2, (guint16) (length - 20));
  return length;
}

typedef struct
{
  GSocket        *socket;
  GSocketAddress *to;
  GBytes         *reply;
} Delayed;

static gboolean
on_delayed (gpointer user_data)
{
  Delayed *delayed = user_data;

  g_socket_send_to (delayed->socket, delayed->to, g_bytes_get_data (delayed->reply, NULL),
                    g_bytes_get_size (delayed->reply), NULL, NULL);
  g_object_unref (delayed->socket);
  g_object_unref (delayed->to);
  g_bytes_unref (delayed->reply);
  g_free (delayed);

  return G_SOURCE_REMOVE;
}

static gboolean
on_request (GSocket      *socket,
            GIOCondition  condition,
            gpointer      user_data)
{
  FakeServer *server = user_data;
  guint8 data[2048];
  guint8 reply[256];
  g_autoptr(GSocketAddress) from = NULL;
  SesameStunMessage request;
  guint index = 0;
  gssize size;
  gsize length;

  size = g_socket_receive_from (socket, &from, (char *) data, sizeof data, NULL, NULL);
  if (size <= 0 || !sesame_stun_parse (data, (gsize) size, &request, NULL))
    return G_SOURCE_CONTINUE;

  while (server->sockets[index] != socket)
    index++;

  server->requests++;
  server->requests_at[index]++;
  if (server->mode == SERVER_SILENT)
    return G_SOURCE_CONTINUE;

  /* Answer from the address the request asks for */
  if (request.has_change_request && server->mode != SERVER_NO_OTHER && server->mode != SERVER_WRONG_SOURCE)
    {
      if (request.change_flags & SESAME_STUN_REQUEST_CHANGE_IP)
        index ^= 2;
      if (request.change_flags & SESAME_STUN_REQUEST_CHANGE_PORT)
        index ^= 1;
    }

  length = build_response (server, &request.transaction_id, G_INET_SOCKET_ADDRESS (from), reply);

  if (server->mode == SERVER_SLOW_CHANGE && request.has_change_request)
    {
      Delayed *delayed = g_new0 (Delayed, 1);

      delayed->socket = g_object_ref (server->sockets[index]);
      delayed->to = g_object_ref (from);
      delayed->reply = g_bytes_new (reply, length);
      g_timeout_add (SLOW_CHANGE_MS, on_delayed, delayed);
      return G_SOURCE_CONTINUE;
    }

  if (server->mode == SERVER_LIAR)
    {
      switch (server->lie)
        {
        case LIE_GARBAGE:
          g_socket_send_to (socket, from, "garbage!", 8, NULL, NULL);
          break;
        case LIE_WRONG_ID:
          reply[8] ^= 0xff;
          g_socket_send_to (socket, from, (char *) reply, length, NULL, NULL);
          break;
        case LIE_ERROR_RESPONSE:
          /* 400 Bad Request, with the right transaction ID */
          put16 (reply, 0x0111);
          put16 (reply + 2, 8);
          put16 (reply + 20, SESAME_STUN_ATTR_ERROR_CODE);
          put16 (reply + 22, 4);
          put32 (reply + 24, 0x00000400);
          g_socket_send_to (socket, from, (char *) reply, 28, NULL, NULL);
          break;
        case LIE_BAD_FINGERPRINT:
          put16 (reply + length, SESAME_STUN_ATTR_FINGERPRINT);
          put16 (reply + length + 2, 4);
          put32 (reply + length + 4, 0xdeadbeef);
          length += 8;
          put16 (reply + 2, (guint16) (length - 20));
          g_socket_send_to (socket, from, (char *) reply, length, NULL, NULL);
          break;
        default:
          g_assert_not_reached ();
        }
      return G_SOURCE_CONTINUE;
    }

  if (server->mode == SERVER_NOISY)
    {
      guint8 wrong[256];

      memcpy (wrong, reply, length);
      wrong[8] ^= 0xff;                                             /* another transaction */
      g_socket_send_to (server->sockets[index], from, (char *) wrong, length, NULL, NULL);
      g_socket_send_to (server->sockets[index], from, "garbage!", 8, NULL, NULL);
      g_socket_send_to (server->sockets[index], from, (char *) reply, length - 3, NULL, NULL);
      /* The right reply from a wrong place: another port of the server */
      g_socket_send_to (server->sockets[index ^ 1], from, (char *) reply, length, NULL, NULL);
    }

  g_socket_send_to (server->sockets[index], from, (char *) reply, length, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

static void
fake_server_start (FakeServer *server,
                   ServerMode  mode)
{
  const char *ips[2] = { "127.0.0.1", "127.0.0.2" };

  memset (server, 0, sizeof *server);
  server->mode = mode;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (ips[i / 2]);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (ip, server->ports[i % 2]);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GError) error = NULL;

      server->sockets[i] = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
      g_assert_no_error (error);
      g_assert_true (g_socket_bind (server->sockets[i], address, FALSE, &error));
      g_assert_no_error (error);
      g_socket_set_blocking (server->sockets[i], FALSE);

      /* The first socket of each port picks the port; the others take the same */
      bound = g_socket_get_local_address (server->sockets[i], NULL);
      server->ports[i % 2] = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

      server->sources[i] = g_socket_create_source (server->sockets[i], G_IO_IN, NULL);
      g_source_set_callback (server->sources[i], G_SOURCE_FUNC (on_request), server, NULL);
      g_source_attach (server->sources[i], NULL);
    }
}

static void
fake_server_stop (FakeServer *server)
{
  for (guint i = 0; i < 4; i++)
    {
      g_source_destroy (server->sources[i]);
      g_source_unref (server->sources[i]);
      g_object_unref (server->sockets[i]);
    }
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SesameNatResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sesame_nat_probe_finish (result, &error);
  g_assert_no_error (error);
}

static SesameNatResult *
run_probe_with_rtt (FakeServer *server,
                    guint       timeout_ms,
                    SesameRtt  *rtt)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string ("127.0.0.1");
  SesameNatResult *result = NULL;

  g_ptr_array_add (servers, g_inet_socket_address_new (ip, server->ports[0]));
  sesame_nat_probe_async (servers, timeout_ms, rtt, NULL, result_cb, &result);

  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return result;
}

static SesameNatResult *
run_probe (FakeServer *server,
           guint       timeout_ms)
{
  return run_probe_with_rtt (server, timeout_ms, NULL);
}

static void
test_honest (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_HONEST);
  result = run_probe (&server, 3000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_mapping_to_string (result->verdict.mapping), ==, "no-nat");
  g_assert_cmpstr (sesame_nat_filtering_to_string (result->verdict.filtering), ==, "endpoint-independent");
  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "open-internet");
  g_assert_cmpstr (result->external_address, ==, "127.0.0.1");
  g_assert_null (result->verdict.reason);
  /* Every answer came at once: no waiting for timeouts */
  g_assert_cmpint (result->elapsed_ms, <, 200);

  /* The second address was contacted, so it is listed */
  {
    g_autofree char *other_ip = g_strdup_printf ("127.0.0.2:%u (STUN OTHER-ADDRESS)", server.ports[0]);
    g_autofree char *other_both = g_strdup_printf ("127.0.0.2:%u (STUN OTHER-ADDRESS)", server.ports[1]);

    g_assert_nonnull (result->contacted);
    g_assert_true (g_strv_contains ((const char * const *) result->contacted->pdata, other_ip));
    g_assert_true (g_strv_contains ((const char * const *) result->contacted->pdata, other_both));
    g_assert_cmpuint (result->contacted->len, ==, 2);
  }
}

/* Wrong transaction IDs, garbage, truncated datagrams and the right reply
 * from the wrong port change nothing */
static void
test_noisy (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_NOISY);
  result = run_probe (&server, 3000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "open-internet");
  g_assert_cmpint (result->elapsed_ms, <, 200);
}

/* Replies to change requests from the primary address are not believed:
 * they would have made the filtering look open */
static void
test_wrong_source (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_WRONG_SOURCE);
  result = run_probe (&server, 3000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_mapping_to_string (result->verdict.mapping), ==, "no-nat");
  g_assert_cmpint (result->verdict.filtering, !=, SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT);
  g_assert_cmpint (result->verdict.classic, !=, SESAME_NAT_CLASSIC_OPEN_INTERNET);
}

static void
test_no_other_address (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_NO_OTHER);
  result = run_probe (&server, 3000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_mapping_to_string (result->verdict.mapping), ==, "no-nat");
  g_assert_cmpstr (sesame_nat_filtering_to_string (result->verdict.filtering), ==, "unknown");
  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "unknown");
  g_assert_nonnull (result->verdict.reason);
}

/* No answer at all: UDP blocked, after retransmissions; with no round
 * trip to the internet measured, never before silence longer than the
 * slowest round trip Sesame copes with (1.5 s): an answer that takes 1 s is
 * no block. Said then, not at the deadline. */
static void
test_silent (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_SILENT);
  result = run_probe (&server, 4000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "udp-blocked");
  g_assert_cmpstr (sesame_nat_mapping_to_string (result->verdict.mapping), ==, "unknown");
  g_assert_nonnull (result->verdict.reason);
  g_assert_null (result->external_address);
  g_assert_cmpint (result->elapsed_ms, >=, 2500);
  g_assert_cmpint (result->elapsed_ms, <, 3000);
  g_assert_cmpuint (server.requests, >=, 8);
}

/* Another probe of the run had an answer over the internet (an HTTP "what
 * is my IP" service) and measured the round trip: a silent server means
 * UDP blocked after 8 round trips, at least 1 s, not 2.5 s. With a 1.5 s
 * round trip that would be 12 s: by a 3 s deadline, unknown. */
typedef struct
{
  SesameRtt  *rtt;
  const char *source;
  gint64      rtt_ms;
} Sample;

static gboolean
add_sample (gpointer user_data)
{
  const Sample *sample = user_data;

  sesame_rtt_add_sample (sample->rtt, sample->source, sample->rtt_ms);

  return G_SOURCE_REMOVE;
}

/* The sample comes @after_ms into the probe, as an answer would */
static SesameNatResult *
run_silent_with_sample (FakeServer *server,
                        const char *source,
                        gint64      rtt_ms,
                        guint       after_ms,
                        guint       timeout_ms)
{
  g_autoptr(SesameRtt) rtt = sesame_rtt_new ();
  Sample sample = { rtt, source, rtt_ms };

  fake_server_start (server, SERVER_SILENT);
  g_timeout_add (after_ms, add_sample, &sample);
  return run_probe_with_rtt (server, timeout_ms, rtt);
}

/* @data: the round trip measured, 50 ms or 0 (an answer within the
 * millisecond, as from a lab next door) */
static void
test_silent_fast_internet (gconstpointer data)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  result = run_silent_with_sample (&server, "http", GPOINTER_TO_INT (data), 100, 4000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "udp-blocked");
  g_assert_cmpint (result->elapsed_ms, >=, 1000);
  g_assert_cmpint (result->elapsed_ms, <, 1400);
  g_assert_cmpuint (server.requests, >=, 17);
}

static void
test_silent_slow_internet (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  result = run_silent_with_sample (&server, "http", 1500, 10, 3000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "unknown");
  g_assert_nonnull (result->verdict.reason);
  g_assert_cmpint (result->elapsed_ms, >=, 2900);
}

/* The router's answer (PCP, NAT-PMP) says nothing of the way beyond it:
 * silence is judged as if nothing had been measured */
static void
test_silent_router_only (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  result = run_silent_with_sample (&server, "pcp", 2, 10, 4000);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "udp-blocked");
  g_assert_cmpint (result->elapsed_ms, >=, 2500);
  g_assert_cmpint (result->elapsed_ms, <, 3000);
}

/* Anything that came back, even what is no valid answer, proves that UDP
 * passes: the NAT type is unknown, with the reason, never "UDP blocked" */
static void
test_liar (gconstpointer data)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_LIAR);
  server.lie = GPOINTER_TO_INT (data);
  result = run_probe (&server, 3000);
  fake_server_stop (&server);

  g_assert_cmpuint (server.requests, >, 0);
  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "unknown");
  g_assert_cmpstr (sesame_nat_mapping_to_string (result->verdict.mapping), ==, "unknown");
  g_assert_nonnull (result->verdict.reason);
  g_assert_nonnull (strstr (result->verdict.reason, "not a valid STUN response"));
  g_assert_null (result->external_address);
  g_assert_cmpint (result->elapsed_ms, <, 2000);
}

/* An OTHER-ADDRESS of another kind than the server's own is never sent to */
static void
test_foreign_other (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_FOREIGN_OTHER);
  result = run_probe (&server, 3000);
  fake_server_stop (&server);

  /* Only the primary address and port saw requests; 0.0.0.0 would have
   * reached this computer's sockets at the second port */
  g_assert_cmpuint (server.requests_at[0], >, 0);
  g_assert_cmpuint (server.requests_at[1], ==, 0);
  g_assert_cmpuint (server.requests_at[2], ==, 0);
  g_assert_cmpuint (server.requests_at[3], ==, 0);

  g_assert_cmpstr (sesame_nat_mapping_to_string (result->verdict.mapping), ==, "no-nat");
  g_assert_cmpstr (sesame_nat_filtering_to_string (result->verdict.filtering), ==, "unknown");
  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "unknown");
  g_assert_cmpstr (result->external_address, ==, "127.0.0.1");
  g_assert_nonnull (strstr (result->verdict.reason, "did not send anything there"));
  g_assert_nonnull (result->contacted);
  g_assert_cmpuint (result->contacted->len, ==, 0);
  /* The tests that needed it were dropped, not waited for */
  g_assert_cmpint (result->elapsed_ms, <, 1000);
}

/* At a deadline before silence could mean anything, what is not known is
 * unknown, not blocked */
static void
test_deadline (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;

  fake_server_start (&server, SERVER_SILENT);
  result = run_probe (&server, 200);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "unknown");
  g_assert_nonnull (result->verdict.reason);
  g_assert_cmpint (result->elapsed_ms, <, 400);
}

/* The STUN server answers the mapping test at once but the filtering tests
 * only after SLOW_CHANGE_MS (as when the answers from its second address
 * take a slower way): its own round trip alone would call them silent after
 * some 450 ms. Another probe of the run measured a longer round trip first,
 * and the NAT probe waits by that one: the answers count, and loopback is
 * open internet. The probe's own answers go to the run's round trips. */
static gboolean
add_hint (gpointer user_data)
{
  sesame_rtt_add_sample (user_data, "http", 600);

  return G_SOURCE_REMOVE;
}

static void
test_rtt_hint (void)
{
  FakeServer server;
  g_autoptr(SesameNatResult) result = NULL;
  g_autoptr(SesameRtt) rtt = sesame_rtt_new ();

  fake_server_start (&server, SERVER_SLOW_CHANGE);
  /* Given early: before the slow answers, after the probe started */
  g_timeout_add (10, add_hint, rtt);
  result = run_probe_with_rtt (&server, 3000, rtt);
  fake_server_stop (&server);

  g_assert_cmpstr (sesame_nat_mapping_to_string (result->verdict.mapping), ==, "no-nat");
  g_assert_cmpstr (sesame_nat_filtering_to_string (result->verdict.filtering), ==, "endpoint-independent");
  g_assert_cmpstr (sesame_nat_classic_to_string (result->verdict.classic), ==, "open-internet");
  g_assert_cmpint (result->elapsed_ms, >=, SLOW_CHANGE_MS);
  g_assert_cmpint (result->elapsed_ms, <, 2000);
  /* Its own STUN answers were added too */
  g_assert_cmpuint (sesame_rtt_get_samples (rtt), >, 1);
  g_assert_cmpint (sesame_rtt_get_longest (rtt), >=, SLOW_CHANGE_MS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/nat-probe/honest", test_honest);
  g_test_add_func ("/nat-probe/noisy", test_noisy);
  g_test_add_func ("/nat-probe/wrong-source", test_wrong_source);
  g_test_add_func ("/nat-probe/no-other-address", test_no_other_address);
  g_test_add_func ("/nat-probe/silent", test_silent);
  g_test_add_data_func ("/nat-probe/silent/fast-internet", GINT_TO_POINTER (50), test_silent_fast_internet);
  g_test_add_data_func ("/nat-probe/silent/next-door", GINT_TO_POINTER (0), test_silent_fast_internet);
  g_test_add_func ("/nat-probe/silent/slow-internet", test_silent_slow_internet);
  g_test_add_func ("/nat-probe/silent/router-only", test_silent_router_only);
  g_test_add_func ("/nat-probe/deadline", test_deadline);
  g_test_add_data_func ("/nat-probe/liar/garbage", GINT_TO_POINTER (LIE_GARBAGE), test_liar);
  g_test_add_data_func ("/nat-probe/liar/wrong-id", GINT_TO_POINTER (LIE_WRONG_ID), test_liar);
  g_test_add_data_func ("/nat-probe/liar/error-response", GINT_TO_POINTER (LIE_ERROR_RESPONSE), test_liar);
  g_test_add_data_func ("/nat-probe/liar/bad-fingerprint", GINT_TO_POINTER (LIE_BAD_FINGERPRINT), test_liar);
  g_test_add_func ("/nat-probe/foreign-other-address", test_foreign_other);
  g_test_add_func ("/nat-probe/rtt-hint", test_rtt_hint);

  return g_test_run ();
}
