/* test-reflector.c: sesame-reflector on loopback, asked nicely and not
 *
 * The reflector runs in a thread of its own, on 127.0.0.1 and 127.0.0.2;
 * the tests talk to it with blocking sockets and a synchronous SoupSession.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sesame-reflector.h"
#include "sesame-reflector-servers.h"
#include "sesame-stun.h"

typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  SesameReflector *reflector;
  guint            burst;
  guint            per_minute;
  guint            timeout_ms;
  guint16          port, other_port, http_port;
  gint             ready;
} Fixture;

static gpointer
reflector_thread (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GInetAddress) a1 = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GInetAddress) a2 = g_inet_address_new_from_string ("127.0.0.2");
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (f->context);
  f->reflector = sesame_reflector_new (a1, a2, 0, 0, 0);
  sesame_reflector_set_rate_limit (f->reflector, f->burst, f->per_minute);
  sesame_reflector_set_timeout (f->reflector, f->timeout_ms);
  g_assert_true (sesame_reflector_start (f->reflector, &error));
  g_assert_no_error (error);
  f->port = sesame_reflector_get_port (f->reflector);
  f->other_port = sesame_reflector_get_other_port (f->reflector);
  f->http_port = sesame_reflector_get_http_port (f->reflector);
  g_atomic_int_set (&f->ready, 1);

  g_main_loop_run (f->loop);

  g_clear_object (&f->reflector);
  g_main_context_pop_thread_default (f->context);
  return NULL;
}

static void
fixture_start (Fixture *f,
               guint    burst,
               guint    per_minute,
               guint    timeout_ms)
{
  f->context = g_main_context_new ();
  f->loop = g_main_loop_new (f->context, FALSE);
  f->burst = burst;
  f->per_minute = per_minute;
  f->timeout_ms = timeout_ms;
  f->thread = g_thread_new ("reflector", reflector_thread, f);
  while (!g_atomic_int_get (&f->ready))
    g_usleep (1000);
  g_assert_cmpuint (f->port, !=, 0);
  g_assert_cmpuint (f->other_port, !=, 0);
  g_assert_cmpuint (f->port, !=, f->other_port);
  g_assert_cmpuint (f->http_port, !=, 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  fixture_start (f, 128, 120, 500);
}

static void
fixture_setup_limited (Fixture       *f,
                       gconstpointer  data)
{
  fixture_start (f, 3, 0, 500);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_main_loop_quit (f->loop);
  g_thread_join (f->thread);
  g_main_loop_unref (f->loop);
  g_main_context_unref (f->context);
}

/* HTTP, from a chosen local address */

static guint
http_get (Fixture     *f,
          const char  *local,
          const char  *path,
          const char  *header_name,
          const char  *header_value,
          JsonObject **object,
          char       **text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (local);
  g_autoptr(GInetSocketAddress) local_address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, 0));
  g_autoptr(SoupSession) session = soup_session_new_with_options ("local-address", local_address,
                                                                  "proxy-resolver", NULL, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", f->http_port, path);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  g_assert_nonnull (message);
  if (header_name != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), header_name, header_value);

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);

  if (text != NULL)
    *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (object != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                 (gssize) g_bytes_get_size (body), &error));
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      *object = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }

  return soup_message_get_status (message);
}

/* A listener that counts who connects */

typedef struct
{
  GSocket *socket;
  guint16  port;
} Listener;

static void
listener_open (Listener   *listener,
               const char *address_text,
               guint16     port,
               gboolean    udp)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (address_text);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  listener->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, udp ? G_SOCKET_TYPE_DATAGRAM : G_SOCKET_TYPE_STREAM,
                                   G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (listener->socket, socket_address, FALSE, &error));
  g_assert_no_error (error);
  if (!udp)
    {
      g_assert_true (g_socket_listen (listener->socket, &error));
      g_assert_no_error (error);
    }
  bound = g_socket_get_local_address (listener->socket, &error);
  listener->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_set_blocking (listener->socket, FALSE);
}

static guint
listener_count_accepted (Listener *listener)
{
  guint n = 0;

  for (;;)
    {
      g_autoptr(GSocket) accepted = g_socket_accept (listener->socket, NULL, NULL);

      if (accepted == NULL)
        return n;
      n++;
    }
}

static void
listener_close (Listener *listener)
{
  g_socket_close (listener->socket, NULL);
  g_clear_object (&listener->socket);
}

/* STUN */

static void
stun_exchange (Fixture             *f,
               guint                flags,
               SesameStunMessage   *reply,
               SesameStunAddress   *from,
               SesameStunAddress   *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new (loopback, f->port);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) sender = NULL;
  SesameStunTransactionId id;
  guint8 request[SESAME_STUN_MAX_REQUEST_SIZE];
  guint8 buffer[2048];
  gsize size;
  gssize received;

  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  local = g_socket_get_local_address (socket, &error);
  sesame_stun_address_from_socket_address (local, client);
  g_socket_set_timeout (socket, 2);

  sesame_stun_transaction_id_generate (&id);
  size = sesame_stun_build_binding_request (request, sizeof request, &id,
                                            flags | SESAME_STUN_REQUEST_FINGERPRINT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_socket_send_to (socket, server, (const char *) request, size, NULL, &error), ==, size);

  received = g_socket_receive_from (socket, &sender, (char *) buffer, sizeof buffer, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sesame_stun_parse (buffer, (gsize) received, reply, &error));
  g_assert_no_error (error);
  g_assert_true (sesame_stun_message_is_response_to (reply, &id));
  g_assert_true (reply->has_fingerprint);
  sesame_stun_address_from_socket_address (sender, from);
}

static void
expect_address (const SesameStunAddress *address,
                const char              *ip,
                guint16                  port)
{
  g_autofree char *text = sesame_stun_address_to_string (address);
  g_autofree char *expected = g_strdup_printf ("%s:%u", ip, port);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_stun_rfc5780 (Fixture       *f,
                   gconstpointer  data)
{
  SesameStunMessage reply;
  SesameStunAddress from, client;

  /* Plain: from where it was sent, with the other address and port */
  stun_exchange (f, SESAME_STUN_REQUEST_NONE, &reply, &from, &client);
  g_assert_true (sesame_stun_address_equal (&reply.xor_mapped_address, &client));
  expect_address (&from, "127.0.0.1", f->port);
  expect_address (&reply.response_origin, "127.0.0.1", f->port);
  expect_address (&reply.other_address, "127.0.0.2", f->other_port);

  /* CHANGE-REQUEST: change port */
  stun_exchange (f, SESAME_STUN_REQUEST_CHANGE_PORT, &reply, &from, &client);
  expect_address (&from, "127.0.0.1", f->other_port);
  expect_address (&reply.response_origin, "127.0.0.1", f->other_port);
  g_assert_true (sesame_stun_address_equal (&reply.xor_mapped_address, &client));

  /* Change IP and port: the other address answers */
  stun_exchange (f, SESAME_STUN_REQUEST_CHANGE_IP | SESAME_STUN_REQUEST_CHANGE_PORT, &reply, &from, &client);
  expect_address (&from, "127.0.0.2", f->other_port);
  expect_address (&reply.response_origin, "127.0.0.2", f->other_port);
  expect_address (&reply.other_address, "127.0.0.2", f->other_port);

  /* Change IP alone */
  stun_exchange (f, SESAME_STUN_REQUEST_CHANGE_IP, &reply, &from, &client);
  expect_address (&from, "127.0.0.2", f->port);
}

static void
test_ip (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpuint (http_get (f, "127.0.0.3", "/ip", NULL, NULL, &object, NULL), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object, "ip"), ==, "127.0.0.3");

  /* A forged header changes nothing */
  g_clear_pointer (&object, json_object_unref);
  g_assert_cmpuint (http_get (f, "127.0.0.3", "/ip", "X-Forwarded-For", "198.51.100.7", &object, NULL), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object, "ip"), ==, "127.0.0.3");

  g_assert_cmpuint (http_get (f, "127.0.0.4", "/ip", "Accept", "text/plain", NULL, &text), ==, 200);
  g_assert_cmpstr (text, ==, "127.0.0.4\n");
}

static void
test_tcp_check (Fixture       *f,
                gconstpointer  data)
{
  Listener listener = { 0 };
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *path = NULL;

  listener_open (&listener, "127.0.0.3", 0, FALSE);
  path = g_strdup_printf ("/check?port=%u&proto=tcp", listener.port);
  g_assert_cmpuint (http_get (f, "127.0.0.3", path, NULL, NULL, &object, NULL), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "open");
  g_assert_true (json_object_get_boolean_member (object, "open"));
  g_assert_cmpuint (listener_count_accepted (&listener), ==, 1);
  listener_close (&listener);

  /* Nothing listens there now: the kernel refuses */
  g_clear_pointer (&object, json_object_unref);
  g_assert_cmpuint (http_get (f, "127.0.0.3", path, NULL, NULL, &object, NULL), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "refused");
  g_assert_false (json_object_get_boolean_member (object, "open"));
}

/* The requester is 127.0.0.3; a decoy listens on 127.0.0.1 and 127.0.0.5
 * on the same port. Whatever the request says, only the requester is
 * connected to. */
static void
test_only_requester (Fixture       *f,
                     gconstpointer  data)
{
  Listener requester = { 0 }, decoy = { 0 }, decoy2 = { 0 };
  g_autofree char *path = NULL;
  static const char * const smuggled[] = {
    "&host=127.0.0.1", "&ip=127.0.0.1", "&target=127.0.0.5", "&address=127.0.0.5",
  };

  listener_open (&requester, "127.0.0.3", 0, FALSE);
  listener_open (&decoy, "127.0.0.1", requester.port, FALSE);
  listener_open (&decoy2, "127.0.0.5", requester.port, FALSE);
  path = g_strdup_printf ("/check?port=%u&proto=tcp", requester.port);

  for (guint i = 0; i < G_N_ELEMENTS (smuggled); i++)
    {
      g_autofree char *bad = g_strconcat (path, smuggled[i], NULL);
      g_autoptr(JsonObject) object = NULL;

      g_assert_cmpuint (http_get (f, "127.0.0.3", bad, NULL, NULL, &object, NULL), ==, 400);
      g_assert_true (json_object_has_member (object, "error"));
    }

  {
    g_autoptr(JsonObject) object = NULL;

    g_assert_cmpuint (http_get (f, "127.0.0.3", path, "X-Forwarded-For", "127.0.0.1", &object, NULL), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (object, "ip"), ==, "127.0.0.3");
    g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "open");
  }
  {
    g_autoptr(JsonObject) object = NULL;

    g_assert_cmpuint (http_get (f, "127.0.0.3", path, "Forwarded", "for=127.0.0.5", &object, NULL), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "open");
  }

  g_assert_cmpuint (listener_count_accepted (&requester), ==, 2);
  g_assert_cmpuint (listener_count_accepted (&decoy), ==, 0);
  g_assert_cmpuint (listener_count_accepted (&decoy2), ==, 0);

  listener_close (&requester);
  listener_close (&decoy);
  listener_close (&decoy2);
}

static void
test_hostile_requests (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const bad[] = {
    "/check",
    "/check?",
    "/check?port=0",
    "/check?port=65536",
    "/check?port=99999999999",
    "/check?port=-1",
    "/check?port=%2B80",
    "/check?port=80x",
    "/check?port=0x50",
    "/check?port=",
    "/check?port=80,",
    "/check?port=80,80",
    "/check?port=1,2,3,4,5,6,7,8,9",
    "/check?port=80&port=81",
    "/check?port=80&proto=icmp",
    "/check?port=80&proto=TCP%00",
    "/check?port=80&nonce=00",                  /* a nonce is for UDP */
    "/check?port=80&proto=udp&nonce=abc",       /* odd */
    "/check?port=80&proto=udp&nonce=zz",
    "/check?port=80&proto=udp&nonce=00000000000000000000000000000000000000000000000000000000000000000000",
    "/check?port=80&proto",
    "/check?port=80&timeout=60",
    "/check?port=80&%ff=1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) object = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_cmpuint (http_get (f, "127.0.0.3", bad[i], NULL, NULL, &object, NULL), ==, 400);
      g_assert_true (json_object_has_member (object, "error"));
    }

  /* Over the limit says so */
  {
    g_autoptr(JsonObject) object = NULL;

    g_assert_cmpuint (http_get (f, "127.0.0.3", "/check?port=1,2,3,4,5,6,7,8,9", NULL, NULL, &object, NULL), ==, 400);
    g_assert_nonnull (strstr (json_object_get_string_member (object, "error"), "at most 8"));
  }

  /* Garbage on the wire: the reflector answers and keeps serving */
  {
    g_autoptr(GSocketClient) client = g_socket_client_new ();
    g_autoptr(GSocketConnection) connection = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", f->http_port);
    static const char garbage[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not HTTP at all\r\n\r\n";
    char answer[256] = { 0 };

    g_socket_client_set_enable_proxy (client, FALSE);
    connection = g_socket_client_connect_to_host (client, host, 0, NULL, &error);
    g_assert_no_error (error);
    g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                               garbage, sizeof garbage - 1, NULL, NULL, &error);
    g_assert_no_error (error);
    g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                         answer, sizeof answer - 1, NULL, NULL);
    g_test_message ("garbage answered: %.12s", answer);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.") && strstr (answer, " 400 ") != NULL);
  }
  {
    g_autoptr(JsonObject) object = NULL;

    g_assert_cmpuint (http_get (f, "127.0.0.3", "/ip", NULL, NULL, &object, NULL), ==, 200);
  }
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  Listener listener = { 0 };
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

  listener_open (&listener, "127.0.0.3", 0, FALSE);
  one = g_strdup_printf ("/check?port=%u", listener.port);
  two = g_strdup_printf ("/check?port=%u,%u", listener.port, listener.port == 65535 ? 1 : listener.port + 1);

  /* A burst of 3 ports: 2 + 1 pass, the fourth does not */
  g_assert_cmpuint (http_get (f, "127.0.0.3", two, NULL, NULL, NULL, NULL), ==, 200);
  g_assert_cmpuint (http_get (f, "127.0.0.3", one, NULL, NULL, NULL, NULL), ==, 200);
  g_assert_cmpuint (listener_count_accepted (&listener), ==, 2);
  {
    g_autoptr(JsonObject) object = NULL;

    g_assert_cmpuint (http_get (f, "127.0.0.3", one, NULL, NULL, &object, NULL), ==, 429);
    g_assert_true (json_object_has_member (object, "error"));
  }
  /* …and nothing was connected to for it */
  g_assert_cmpuint (listener_count_accepted (&listener), ==, 0);

  /* Another client address has its own bucket; a forged header does not borrow one */
  g_assert_cmpuint (http_get (f, "127.0.0.3", one, "X-Forwarded-For", "127.0.0.9", NULL, NULL), ==, 429);
  listener_close (&listener);
  listener_open (&listener, "127.0.0.4", 0, FALSE);
  g_free (one);
  one = g_strdup_printf ("/check?port=%u", listener.port);
  g_assert_cmpuint (http_get (f, "127.0.0.4", one, NULL, NULL, NULL, NULL), ==, 200);
  g_assert_cmpuint (listener_count_accepted (&listener), ==, 1);
  listener_close (&listener);

  /* What is my IP is not a check: not limited */
  g_assert_cmpuint (http_get (f, "127.0.0.3", "/ip", NULL, NULL, NULL, NULL), ==, 200);
}

/* A raw HTTP request of known size; the UDP listener counts what comes back */
static gsize
raw_get_with (Fixture    *f,
              const char *local,
              const char *path,
              const char *headers,
              char      **answer)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (local);
  g_autoptr(GSocketAddress) local_address = g_inet_socket_address_new (address, 0);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", f->http_port);
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: r\r\nConnection: close\r\n%s\r\n",
                                              path, headers);
  GString *text = g_string_new (NULL);
  char buffer[512];
  gssize n;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_local_address (client, local_address);
  connection = g_socket_client_connect_to_host (client, host, 0, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (text, buffer, n);

  *answer = g_string_free (text, FALSE);
  return strlen (request);
}

static gsize
raw_get (Fixture    *f,
         const char *local,
         const char *path,
         char      **answer)
{
  return raw_get_with (f, local, path, "", answer);
}

static gsize
drain_udp (Listener *listener,
           const guint8 *expected,
           gsize         expected_size,
           guint        *datagrams)
{
  gsize total = 0;
  guint8 buffer[2048];
  gssize n;

  *datagrams = 0;
  while ((n = g_socket_receive (listener->socket, (char *) buffer, sizeof buffer, NULL, NULL)) >= 0)
    {
      total += (gsize) n;
      (*datagrams)++;
      if (expected != NULL)
        {
          g_assert_cmpmem (buffer, n, expected, expected_size);
        }
    }

  return total;
}

static void
test_udp_reply_size (Fixture       *f,
                     gconstpointer  data)
{
  Listener listener = { 0 };
  static const guint8 nonce[] = { 0x5e, 0x5a, 0x3e, 0x01, 0x02, 0x03, 0x04, 0x05,
                                  0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d };
  g_autofree char *path = NULL;
  g_autofree char *answer = NULL;
  gsize request_size;
  guint datagrams;
  gsize received;

  /* Nobody answers: filtered, and what came is no larger than what was asked */
  listener_open (&listener, "127.0.0.3", 0, TRUE);
  path = g_strdup_printf ("/check?port=%u&proto=udp&nonce=5e5a3e0102030405060708090a0b0c0d", listener.port);
  request_size = raw_get (f, "127.0.0.3", path, &answer);
  g_assert_nonnull (strstr (answer, "\"state\":\"filtered\""));
  received = drain_udp (&listener, nonce, sizeof nonce, &datagrams);
  g_assert_cmpuint (datagrams, >=, 1);
  g_assert_cmpuint (received, <=, request_size);

  /* Without a nonce: a short probe, also no larger in all than the request */
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&answer, g_free);
  path = g_strdup_printf ("/check?port=%u&proto=udp", listener.port);
  request_size = raw_get (f, "127.0.0.3", path, &answer);
  received = drain_udp (&listener, NULL, 0, &datagrams);
  g_assert_cmpuint (datagrams, >=, 1);
  g_assert_cmpuint (received, <=, request_size);

  /* Eight ports and the longest nonce in one short request: refused, nothing sent */
  {
    g_autofree char *many = g_strdup_printf ("/check?port=%u,2,3,4,5,6,7,8&proto=udp&nonce=%s",
                                             listener.port,
                                             "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    g_clear_pointer (&answer, g_free);
    request_size = raw_get (f, "127.0.0.3", many, &answer);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400"));
    received = drain_udp (&listener, NULL, 0, &datagrams);
    g_assert_cmpuint (datagrams, ==, 0);
  }

  listener_close (&listener);

  /* Nothing bound there: the kernel says port unreachable */
  g_clear_pointer (&answer, g_free);
  raw_get (f, "127.0.0.3", path, &answer);
  g_assert_nonnull (strstr (answer, "\"state\":\"refused\""));
}

/* A listener that echoes what comes: the reflector calls that open */
typedef struct
{
  Listener listener;
  gint     stop;
} Echo;

static gpointer
echo_thread (gpointer data)
{
  Echo *echo = data;

  while (!g_atomic_int_get (&echo->stop))
    {
      g_autoptr(GSocketAddress) sender = NULL;
      char buffer[256];
      gssize n = g_socket_receive_from (echo->listener.socket, &sender, buffer, sizeof buffer, NULL, NULL);

      if (n >= 0)
        g_socket_send_to (echo->listener.socket, sender, buffer, (gsize) n, NULL, NULL);
      else
        g_usleep (2000);
    }

  return NULL;
}

static void
test_udp_open (Fixture       *f,
               gconstpointer  data)
{
  Echo echo = { 0 };
  GThread *thread;
  g_autofree char *path = NULL;
  g_autofree char *answer = NULL;
  gint64 start;

  listener_open (&echo.listener, "127.0.0.3", 0, TRUE);
  thread = g_thread_new ("echo", echo_thread, &echo);
  path = g_strdup_printf ("/check?port=%u&proto=udp&nonce=0123456789abcdef", echo.listener.port);
  start = g_get_monotonic_time ();
  raw_get (f, "127.0.0.3", path, &answer);
  g_assert_nonnull (strstr (answer, "\"state\":\"open\""));
  /* Open is said at once, not after the timeout */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 400 * G_TIME_SPAN_MILLISECOND);

  g_atomic_int_set (&echo.stop, 1);
  g_thread_join (thread);
  listener_close (&echo.listener);
}

/* The client asks for a wait that follows the reflector's answers to it:
 * a filtered port then costs that, shorter or longer than the reflector's
 * own time (500 ms in these tests) */
static gint64
timed_check (Fixture    *f,
             const char *path,
             const char *headers)
{
  g_autofree char *answer = NULL;
  gint64 start = g_get_monotonic_time ();

  raw_get_with (f, "127.0.0.3", path, headers, &answer);
  g_assert_nonnull (strstr (answer, "\"state\":\"filtered\""));

  return (g_get_monotonic_time () - start) / 1000;
}

static void
test_check_wait (Fixture       *f,
                 gconstpointer  data)
{
  Listener listener = { 0 };
  g_autofree char *path = NULL;
  gint64 elapsed;

  listener_open (&listener, "127.0.0.3", 0, TRUE);
  path = g_strdup_printf ("/check?port=%u&proto=udp&nonce=5e5a3e0102030405060708090a0b0c0d", listener.port);

  elapsed = timed_check (f, path, "Sesame-Check-Wait: 150\r\n");
  g_assert_cmpint (elapsed, >=, 150);
  g_assert_cmpint (elapsed, <, 450);

  elapsed = timed_check (f, path, "");
  g_assert_cmpint (elapsed, >=, 500);
  g_assert_cmpint (elapsed, <, 1200);

  elapsed = timed_check (f, path, "Sesame-Check-Wait: 1300\r\n");
  g_assert_cmpint (elapsed, >=, 1300);

  listener_close (&listener);

  /* What the header may say */
  g_assert_cmpuint (sesame_reflector_parse_wait (NULL, 2000), ==, 2000);
  g_assert_cmpuint (sesame_reflector_parse_wait ("", 2000), ==, 2000);
  g_assert_cmpuint (sesame_reflector_parse_wait ("450", 2000), ==, 450);
  g_assert_cmpuint (sesame_reflector_parse_wait ("3500", 2000), ==, 3500);
  g_assert_cmpuint (sesame_reflector_parse_wait ("7", 2000), ==, SESAME_REFLECTOR_MIN_WAIT_MS);
  g_assert_cmpuint (sesame_reflector_parse_wait ("999999", 2000), ==, SESAME_REFLECTOR_MAX_WAIT_MS);
  g_assert_cmpuint (sesame_reflector_parse_wait ("999999", 8000), ==, 8000);
  g_assert_cmpuint (sesame_reflector_parse_wait ("9999999999999999999999", 2000), ==, 2000);
  g_assert_cmpuint (sesame_reflector_parse_wait ("-300", 2000), ==, 2000);
  g_assert_cmpuint (sesame_reflector_parse_wait ("300ms", 2000), ==, 2000);
  g_assert_cmpuint (sesame_reflector_parse_wait (" 300", 2000), ==, 2000);
}

static void
test_parse_check (void)
{
  SesameReflectorCheck check;
  g_autoptr(GError) error = NULL;

  g_assert_true (sesame_reflector_parse_check ("port=80,443&proto=tcp", &check, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (check.n_ports, ==, 2);
  g_assert_cmpuint (check.ports[0], ==, 80);
  g_assert_cmpuint (check.ports[1], ==, 443);
  g_assert_false (check.udp);

  g_assert_true (sesame_reflector_parse_check ("proto=udp&nonce=A0ff&port=16384", &check, &error));
  g_assert_true (check.udp);
  g_assert_cmpuint (check.nonce_size, ==, 2);
  g_assert_cmpuint (check.nonce[0], ==, 0xa0);
  g_assert_cmpuint (check.nonce[1], ==, 0xff);

  g_assert_false (sesame_reflector_parse_check ("port=1,2,3,4,5,6,7,8,9", &check, &error));
  g_assert_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_TOO_MANY_PORTS);

  /* Together never more than the request */
  g_assert_cmpuint (sesame_reflector_udp_tries (16, 1, 100), ==, 3);
  g_assert_cmpuint (sesame_reflector_udp_tries (16, 1, 40), ==, 2);
  g_assert_cmpuint (sesame_reflector_udp_tries (32, 8, 200), ==, 0);
}

/* What a person names as their reflector (sesame-cli probe --reflector, the
 * wizard's preferences) becomes the three servers this reflector serves by
 * default; anything that could bend the URLs is refused */
static void
test_named_servers (void)
{
  static const struct
  {
    const char *typed;
    const char *stun, *ip, *check;
  } good[] = {
    { "192.0.2.10", "192.0.2.10:3478", "http://192.0.2.10:8080/ip",
      "http://192.0.2.10:8080/check?port={port}&proto={proto}" },
    { "192.0.2.10:80", "192.0.2.10:3478", "http://192.0.2.10:80/ip",
      "http://192.0.2.10:80/check?port={port}&proto={proto}" },
    { "Reflector.Example", "reflector.example:3478", "http://reflector.example:8080/ip",
      "http://reflector.example:8080/check?port={port}&proto={proto}" },
    { "2001:db8::10", "[2001:db8::10]:3478", "http://[2001:db8::10]:8080/ip",
      "http://[2001:db8::10]:8080/check?port={port}&proto={proto}" },
    { "[2001:db8::10]:8081", "[2001:db8::10]:3478", "http://[2001:db8::10]:8081/ip",
      "http://[2001:db8::10]:8081/check?port={port}&proto={proto}" },
  };
  static const char * const bad[] = {
    "", " ", "my reflector", "reflector.example:0", "reflector.example:65536", "reflector.example:",
    "http://reflector.example", "reflector.example/ip", "reflector.example?port=22",
    "user@reflector.example", "reflector.example#x", "-reflector.example", "reflector..example",
    "reflector_example", "fe80::1%eth0", "reflector.example\n", ":8080", "[2001:db8::10",
  };

  /* Sesame's idea of a reflector's ports is the reflector's own */
  g_assert_cmpuint (SESAME_REFLECTOR_STUN_PORT, ==, SESAME_REFLECTOR_DEFAULT_PORT);
  g_assert_cmpuint (SESAME_REFLECTOR_HTTP_PORT, ==, SESAME_REFLECTOR_DEFAULT_HTTP_PORT);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesameReflectorServers) servers = sesame_reflector_servers_new (good[i].typed, &error);

      g_assert_no_error (error);
      g_assert_nonnull (servers);
      g_assert_cmpstr (servers->stun_server, ==, good[i].stun);
      g_assert_cmpstr (servers->ip_url, ==, good[i].ip);
      g_assert_cmpstr (servers->check_url, ==, good[i].check);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesameReflectorServers) servers = sesame_reflector_servers_new (bad[i], &error);
      g_autofree char *said = g_strdup_printf ("“%s” is not a reflector; write it as HOST or HOST:PORT", bad[i]);

      g_test_message ("refused: %s", bad[i]);
      g_assert_null (servers);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, said);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/reflector/parse-check", test_parse_check);
  g_test_add_func ("/reflector/named-servers", test_named_servers);
  g_test_add ("/reflector/stun-rfc5780", Fixture, NULL, fixture_setup, test_stun_rfc5780, fixture_teardown);
  g_test_add ("/reflector/ip", Fixture, NULL, fixture_setup, test_ip, fixture_teardown);
  g_test_add ("/reflector/tcp-check", Fixture, NULL, fixture_setup, test_tcp_check, fixture_teardown);
  g_test_add ("/reflector/only-the-requester", Fixture, NULL, fixture_setup, test_only_requester, fixture_teardown);
  g_test_add ("/reflector/hostile-requests", Fixture, NULL, fixture_setup, test_hostile_requests, fixture_teardown);
  g_test_add ("/reflector/rate-limit", Fixture, NULL, fixture_setup_limited, test_rate_limit, fixture_teardown);
  g_test_add ("/reflector/udp-reply-size", Fixture, NULL, fixture_setup, test_udp_reply_size, fixture_teardown);
  g_test_add ("/reflector/udp-open", Fixture, NULL, fixture_setup, test_udp_open, fixture_teardown);
  g_test_add ("/reflector/check-wait", Fixture, NULL, fixture_setup, test_check_wait, fixture_teardown);

  return g_test_run ();
}
