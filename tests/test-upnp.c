/* test-upnp.c: the UPnP IGD client against an in-process fake router on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SSDP needs multicast, and the loopback interface of a normal host has neither the
 * MULTICAST flag nor a guarantee that nothing else answers. So before anything else
 * the test moves itself into a network namespace of its own: unshare(CLONE_NEWNET)
 * when root, or a user namespace plus a network namespace (CLONE_NEWUSER |
 * CLONE_NEWNET) when not, where it may bring "lo" up with MULTICAST. Nothing leaves
 * that namespace and no real router can answer. Where neither works (user
 * namespaces disabled, seccomp in a container) the network cases are skipped and
 * only the parser cases run.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* unshare(), CLONE_NEWNET */
#endif

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libgssdp/gssdp.h>
#include <libgupnp/gupnp.h>
#include <libsoup/soup.h>

#include "fake-routers.h"
#include "sesame-upnp-client.h"

#define SLACK_MS      200   /* what a deadline may overrun by */
#define SAFETY_MS     10000 /* a test that waits longer has hung */

/* Waiting for results */

static gboolean
safety_timeout_cb (G_GNUC_UNUSED gpointer user_data)
{
  g_error ("the test waited %u ms for a result", SAFETY_MS);
  return G_SOURCE_REMOVE;
}

static void
store_result_cb (G_GNUC_UNUSED GObject *object,
                 GAsyncResult          *result,
                 gpointer               user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  guint safety = g_timeout_add (SAFETY_MS, safety_timeout_cb, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (safety);
  return *result;
}

/* Helpers around the client */

static SesameUpnpClient *
discover (G_GNUC_UNUSED FakeIgd *fake,
          SesameUpnpDevice      **out_device)
{
  g_autoptr(SesameUpnpClient) client = sesame_upnp_client_new ("lo", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SesameUpnpDevice *device;

  sesame_upnp_client_discover_async (client, 3000, NULL, store_result_cb, &result);
  device = sesame_upnp_client_discover_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (device);

  if (out_device != NULL)
    *out_device = device;
  else
    sesame_upnp_device_free (device);

  return g_steal_pointer (&client);
}

static char *
external_address (SesameUpnpClient  *client,
                  guint              timeout_ms,
                  GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sesame_upnp_client_get_external_address_async (client, timeout_ms, NULL, store_result_cb,
                                                 &result);
  return sesame_upnp_client_get_external_address_finish (client, wait_for (&result), error);
}

static GPtrArray *
list_mappings_full (SesameUpnpClient   *client,
                    guint               timeout_ms,
                    SesameUpnpListEnd  *end,
                    guint              *n_unreadable,
                    GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sesame_upnp_client_list_mappings_async (client, timeout_ms, NULL, store_result_cb, &result);
  return sesame_upnp_client_list_mappings_finish (client, wait_for (&result), end, n_unreadable,
                                                  error);
}

/* Complete: the router said it was the end, and every entry could be read */
static GPtrArray *
list_mappings (SesameUpnpClient  *client,
               guint              timeout_ms,
               gboolean          *complete,
               GError           **error)
{
  SesameUpnpListEnd end = SESAME_UPNP_LIST_END_STOPPED;
  guint n_unreadable = 0;
  GPtrArray *mappings = list_mappings_full (client, timeout_ms, &end, &n_unreadable, error);

  *complete = end == SESAME_UPNP_LIST_END_COMPLETE && n_unreadable == 0;
  return mappings;
}

static gboolean
add_mapping (SesameUpnpClient    *client,
             SesameUpnpProtocol   protocol,
             guint16              port,
             const char          *internal_client,
             const char          *description,
             GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sesame_upnp_client_add_mapping_async (client, protocol, port, internal_client, port,
                                        description, 3600, 0, NULL, store_result_cb, &result);
  return sesame_upnp_client_add_mapping_finish (client, wait_for (&result), error);
}

static gboolean
delete_mapping (SesameUpnpClient    *client,
                SesameUpnpProtocol   protocol,
                guint16              port,
                GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sesame_upnp_client_delete_mapping_async (client, protocol, port, 0, NULL, store_result_cb,
                                           &result);
  return sesame_upnp_client_delete_mapping_finish (client, wait_for (&result), error);
}

static void
assert_clean_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (text, -1), <=, SESAME_UPNP_MAX_TEXT);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      g_assert_cmpint (type, !=, G_UNICODE_CONTROL);
      g_assert_cmpint (type, !=, G_UNICODE_FORMAT);
    }
}

/* A hostile router: SSDP answers from GSSDP, and every HTTP byte from a SoupServer
 * of the test's own, on any loopback address, so that a test decides what the
 * description and the answers are, how large and how fast. */

#define HUGE_BODY   (50 * 1024 * 1024)   /* what a hostile router offers to send */
#define CHUNK       65536
#define IGD1_TYPE   "urn:schemas-upnp-org:device:InternetGatewayDevice:1"

typedef enum
{
  SERVE_NORMAL,
  SERVE_HUGE_LENGTH,    /* Content-Length: 50 MB, and the bytes as fast as they go */
  SERVE_HUGE_CHUNKED,   /* 50 MB chunked, no length announced */
  SERVE_SLOW,           /* chunked, 1 KiB every 20 ms, without end */
  SERVE_FAULT_200,      /* every action a SOAP fault 501, with HTTP 200 */
  SERVE_END_FAULT_200,  /* the end of the table (713) as a fault with HTTP 200 */
} Serve;

typedef struct
{
  GSSDPClient        *ssdp;
  GSSDPResourceGroup *group;
  SoupServer         *server;
  char               *address;        /* where the server listens */
  char               *control_host;   /* where the description says the control URL is */
  guint16             port;
  Serve               description;
  Serve               soap;
  guint               n_entries;
  gsize               served;         /* body bytes handed to the server */
  guint               n_actions;
  guint               n_added;
  guint               delay_ms;       /* before the description is answered */
  gpointer            then;           /* nullable: a Hostile made available once this
                                       * one's description was asked for */
} Hostile;

typedef struct
{
  Hostile           *hostile;
  SoupServerMessage *message;
  gsize              left;
  guint              timer;
} Stream;

static void
stream_append (Stream *stream,
               gsize   size)
{
  SoupMessageBody *body = soup_server_message_get_response_body (stream->message);
  g_autofree char *chunk = NULL;

  size = MIN (size, stream->left);
  if (size == 0)
    {
      soup_message_body_complete (body);
      return;
    }

  chunk = g_malloc (size);
  memset (chunk, 'A', size);
  memcpy (chunk, "<!--", MIN (size, 4));
  soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, size);
  stream->left -= size;
  stream->hostile->served += size;
}

static gboolean
stream_slow_cb (gpointer user_data)
{
  Stream *stream = user_data;

  stream->timer = 0;
  stream_append (stream, 1024);
  soup_server_message_unpause (stream->message);
  return G_SOURCE_REMOVE;
}

static void
on_stream_wrote_chunk (SoupServerMessage *message,
                       Stream            *stream)
{
  if (stream->hostile->description == SERVE_SLOW || stream->hostile->soap == SERVE_SLOW)
    {
      soup_server_message_pause (message);
      stream->timer = g_timeout_add (20, stream_slow_cb, stream);
      return;
    }

  stream_append (stream, CHUNK);
}

/* Finished, or the client went away */
static void
on_stream_finished (SoupServerMessage *message,
                    Stream            *stream)
{
  g_clear_handle_id (&stream->timer, g_source_remove);
  g_signal_handlers_disconnect_by_data (message, stream);
  g_object_unref (stream->message);
  g_free (stream);
}

/* Streams HUGE_BODY bytes (or without end, slowly), never holding more than a chunk */
static void
serve_stream (Hostile           *hostile,
              SoupServerMessage *message,
              Serve              how)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  Stream *stream = g_new0 (Stream, 1);

  stream->hostile = hostile;
  stream->message = g_object_ref (message);
  stream->left = how == SERVE_SLOW ? G_MAXSIZE : HUGE_BODY;

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "text/xml", NULL);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (message), FALSE);
  if (how == SERVE_HUGE_LENGTH)
    soup_message_headers_set_content_length (headers, HUGE_BODY);
  else
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);

  g_signal_connect (message, "wrote-chunk", G_CALLBACK (on_stream_wrote_chunk), stream);
  g_signal_connect (message, "finished", G_CALLBACK (on_stream_finished), stream);
  g_signal_connect (message, "disconnected", G_CALLBACK (on_stream_finished), stream);
  stream_append (stream, how == SERVE_SLOW ? 1024 : CHUNK);
}

static char *
hostile_description (Hostile *hostile)
{
  return g_strdup_printf (
    "<?xml version=\"1.0\"?>\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n"
    "  <device>\n"
    "    <deviceType>" IGD1_TYPE "</deviceType>\n"
    "    <friendlyName>Hostile %s</friendlyName>\n"
    "    <manufacturer>Sesame Test Works</manufacturer>\n"
    "    <modelName>Hostile IGD</modelName>\n"
    "    <UDN>uuid:5e5a3e00-0000-4000-8000-%012x</UDN>\n"
    "    <deviceList><device>\n"
    "      <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>\n"
    "      <deviceList><device>\n"
    "        <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>\n"
    "        <serviceList><service>\n"
    "          <serviceType>" WANIP_TYPE "</serviceType>\n"
    "          <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>\n"
    "          <controlURL>http://%s:%u/ctl</controlURL>\n"
    "        </service></serviceList>\n"
    "      </device></deviceList>\n"
    "    </device></deviceList>\n"
    "  </device>\n"
    "</root>\n",
    hostile->address, (guint) hostile->port, hostile->control_host, (guint) hostile->port);
}

static void
reply_xml (SoupServerMessage *message,
           guint              status,
           const char        *xml)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/xml", SOUP_MEMORY_COPY, xml, strlen (xml));
}

static void
reply_soap (SoupServerMessage *message,
            const char        *action,
            const char        *arguments)
{
  g_autofree char *xml = g_strdup_printf (
    "<?xml version=\"1.0\"?>\n"
    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
    "<u:%sResponse xmlns:u=\"" WANIP_TYPE "\">%s</u:%sResponse>"
    "</s:Body></s:Envelope>\n", action, arguments, action);

  reply_xml (message, SOUP_STATUS_OK, xml);
}

static void
reply_fault (SoupServerMessage *message,
             guint              status,
             int                code,
             const char        *description)
{
  g_autofree char *xml = g_strdup_printf (
    "<?xml version=\"1.0\"?>\n"
    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
    "<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
    "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>%d</errorCode>"
    "<errorDescription>%s</errorDescription></UPnPError></detail>"
    "</s:Fault></s:Body></s:Envelope>\n", code, description);

  reply_xml (message, status, xml);
}

static gboolean
unpause_cb (gpointer user_data)
{
  SoupServerMessage *message = user_data;

  soup_server_message_unpause (message);
  g_object_unref (message);
  return G_SOURCE_REMOVE;
}

static gboolean make_available_cb (gpointer user_data);

static void
hostile_handler (G_GNUC_UNUSED SoupServer *server,
                 SoupServerMessage        *message,
                 const char               *path,
                 G_GNUC_UNUSED GHashTable *query,
                 gpointer                  user_data)
{
  Hostile *hostile = user_data;

  if (g_str_equal (path, "/desc.xml"))
    {
      if (hostile->then != NULL)
        g_timeout_add (100, make_available_cb, g_steal_pointer (&hostile->then));

      if (hostile->description != SERVE_NORMAL)
        {
          serve_stream (hostile, message, hostile->description);
          return;
        }

      {
        g_autofree char *xml = hostile_description (hostile);

        reply_xml (message, SOUP_STATUS_OK, xml);
      }
      if (hostile->delay_ms > 0)
        {
          soup_server_message_pause (message);
          g_timeout_add (hostile->delay_ms, unpause_cb, g_object_ref (message));
        }
      return;
    }

  if (g_str_equal (path, "/ctl"))
    {
      const char *soap_action = soup_message_headers_get_one (
        soup_server_message_get_request_headers (message), "SOAPAction");
      const char *hash = soap_action != NULL ? strchr (soap_action, '#') : NULL;
      g_autofree char *action = hash != NULL ? g_strndup (hash + 1, strcspn (hash + 1, "\"")) : NULL;
      SoupMessageBody *request = soup_server_message_get_request_body (message);

      hostile->n_actions++;
      g_assert_nonnull (action);

      if (hostile->soap == SERVE_HUGE_CHUNKED || hostile->soap == SERVE_HUGE_LENGTH ||
          hostile->soap == SERVE_SLOW)
        serve_stream (hostile, message, hostile->soap);
      else if (hostile->soap == SERVE_FAULT_200)
        reply_fault (message, SOUP_STATUS_OK, 501, "ActionFailed");
      else if (g_str_equal (action, "GetExternalIPAddress"))
        reply_soap (message, action, "<NewExternalIPAddress>203.0.113.7</NewExternalIPAddress>");
      else if (g_str_equal (action, "AddPortMapping"))
        {
          hostile->n_added++;
          reply_soap (message, action, "");
        }
      else if (g_str_equal (action, "GetGenericPortMappingEntry"))
        {
          const char *index_text = g_strstr_len (request->data, request->length, "<NewPortMappingIndex>");
          guint64 index = g_ascii_strtoull (index_text + strlen ("<NewPortMappingIndex>"), NULL, 10);

          if (index >= hostile->n_entries)
            reply_fault (message, hostile->soap == SERVE_END_FAULT_200 ? SOUP_STATUS_OK : 500,
                         713, "SpecifiedArrayIndexInvalid");
          else
            {
              g_autofree char *entry = g_strdup_printf (
                "<NewRemoteHost></NewRemoteHost><NewExternalPort>%u</NewExternalPort>"
                "<NewProtocol>TCP</NewProtocol><NewInternalPort>%u</NewInternalPort>"
                "<NewInternalClient>127.0.0.1</NewInternalClient><NewEnabled>1</NewEnabled>"
                "<NewPortMappingDescription>entry %u</NewPortMappingDescription>"
                "<NewLeaseDuration>0</NewLeaseDuration>",
                (guint) (30000 + index), (guint) (30000 + index), (guint) index);

              reply_soap (message, action, entry);
            }
        }
      else
        reply_fault (message, 500, 401, "Invalid Action");
      return;
    }

  soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
}

static guint hostile_serial;

/* An IGD whose HTTP server listens on @address, and whose control URL is on
 * @control_host (nullable: the same address) */
static Hostile *
hostile_new (const char *address,
             const char *control_host)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *location = NULL;
  g_autofree char *usn = NULL;
  Hostile *hostile = g_new0 (Hostile, 1);

  hostile->address = g_strdup (address);
  hostile->control_host = g_strdup (control_host != NULL ? control_host : address);

  /* A small send buffer, so that what is counted as served is what left */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, 16384, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, socket_address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  hostile->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  hostile->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (hostile->server, NULL, hostile_handler, hostile, NULL);
  soup_server_listen_socket (hostile->server, socket, 0, &error);
  g_assert_no_error (error);

  hostile->ssdp = gssdp_client_new_full ("lo", NULL, next_port++, GSSDP_UDA_VERSION_1_0, &error);
  g_assert_no_error (error);
  hostile->group = gssdp_resource_group_new (hostile->ssdp);
  location = g_strdup_printf ("http://%s:%u/desc.xml", address, (guint) hostile->port);
  usn = g_strdup_printf ("uuid:5e5a3e00-0000-4000-8000-%012x::" IGD1_TYPE, ++hostile_serial);
  gssdp_resource_group_add_resource_simple (hostile->group, IGD1_TYPE, usn, location);

  return hostile;
}

static void
hostile_set_available (Hostile  *hostile,
                       gboolean  available)
{
  gssdp_resource_group_set_available (hostile->group, available);
}

static void
hostile_free (Hostile *hostile)
{
  gssdp_resource_group_set_available (hostile->group, FALSE);
  g_clear_object (&hostile->group);
  g_clear_object (&hostile->ssdp);
  soup_server_disconnect (hostile->server);
  g_clear_object (&hostile->server);
  spin (20);
  g_free (hostile->address);
  g_free (hostile->control_host);
  g_free (hostile);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Hostile, hostile_free)

static SesameUpnpDevice *
discover_with (const char        *gateway,
               const char        *igd_host,
               guint              timeout_ms,
               SesameUpnpClient **out_client,
               gint64            *elapsed_ms,
               GError           **error)
{
  g_autoptr(SesameUpnpClient) client = sesame_upnp_client_new ("lo", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  gint64 started = g_get_monotonic_time ();
  SesameUpnpDevice *device;

  sesame_upnp_client_set_gateway (client, gateway);
  sesame_upnp_client_set_igd_host (client, igd_host);
  sesame_upnp_client_discover_async (client, timeout_ms, NULL, store_result_cb, &result);
  device = sesame_upnp_client_discover_finish (client, wait_for (&result), error);
  if (elapsed_ms != NULL)
    *elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  if (out_client != NULL)
    *out_client = g_steal_pointer (&client);

  return device;
}

/* What the client may hold of a body it refuses: the cap, one read, and what the
 * sockets between the two servers' buffers hold */
#define SERVED_LIMIT (SESAME_UPNP_MAX_BODY + 4 * 1024 * 1024)

static void
test_hostile_description_huge (void)
{
  const Serve ways[] = { SERVE_HUGE_LENGTH, SERVE_HUGE_CHUNKED };

  if (skip_without_network ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
    {
      g_autoptr(Hostile) hostile = hostile_new ("127.0.0.1", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SesameUpnpDevice) device = NULL;
      gint64 elapsed_ms;

      hostile->description = ways[i];
      hostile_set_available (hostile, TRUE);

      device = discover_with ("127.0.0.1", NULL, 3000, NULL, &elapsed_ms, &error);
      g_test_message ("%s: %" G_GINT64_FORMAT " ms, %" G_GSIZE_FORMAT " bytes served",
                      i == 0 ? "with a length" : "chunked", elapsed_ms, hostile->served);

      /* Refused, with the reason, before the deadline: the router is the gateway */
      g_assert_null (device);
      g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "256 KiB"));
      g_assert_nonnull (strstr (error->message, "127.0.0.1"));
      g_assert_cmpint (elapsed_ms, <, 3000);

      /* Not 50 MB read: at most the cap and what the sockets hold */
      g_assert_cmpuint (hostile->served, <, SERVED_LIMIT);
    }
}

static void
test_hostile_description_slow (void)
{
  g_autoptr(Hostile) hostile = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  gint64 elapsed_ms;

  if (skip_without_network ())
    return;

  hostile = hostile_new ("127.0.0.1", NULL);
  hostile->description = SERVE_SLOW;
  hostile_set_available (hostile, TRUE);

  /* A trickle without end: the search still ends at its deadline, and says
   * why (a deadline long enough for the search's answer to come first on a
   * loaded machine under AddressSanitizer) */
  device = discover_with ("127.0.0.1", NULL, 3000, NULL, &elapsed_ms, &error);
  g_assert_null (device);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "description"));
  g_assert_cmpint (elapsed_ms, >=, 3000);
  g_assert_cmpint (elapsed_ms, <, 3000 + SLACK_MS);
  g_assert_cmpuint (hostile->served, >, 0);
}

static void
test_hostile_soap (void)
{
  g_autoptr(Hostile) hostile = NULL;
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  SesameUpnpListEnd end = SESAME_UPNP_LIST_END_STOPPED;
  guint n_unreadable = 1;
  gint64 started, elapsed_ms;

  if (skip_without_network ())
    return;

  hostile = hostile_new ("127.0.0.1", NULL);
  hostile->n_entries = 3;
  hostile_set_available (hostile, TRUE);
  device = discover_with ("127.0.0.1", NULL, 3000, &client, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (device->is_gateway);

  mappings = list_mappings_full (client, 0, &end, &n_unreadable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mappings->len, ==, 3);
  g_assert_cmpint (end, ==, SESAME_UPNP_LIST_END_COMPLETE);
  g_assert_cmpuint (n_unreadable, ==, 0);
  g_clear_pointer (&mappings, g_ptr_array_unref);

  /* 50 MB answers, with and without a length: refused after at most the cap */
  for (Serve way = SERVE_HUGE_LENGTH; way <= SERVE_HUGE_CHUNKED; way++)
    {
      hostile->soap = way;
      hostile->served = 0;
      started = g_get_monotonic_time ();
      g_assert_null (external_address (client, 3000, &error));
      elapsed_ms = (g_get_monotonic_time () - started) / 1000;
      g_test_message ("answer %d: %" G_GINT64_FORMAT " ms, %" G_GSIZE_FORMAT " bytes served",
                      way, elapsed_ms, hostile->served);
      g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "GetExternalIPAddress"));
      g_assert_nonnull (strstr (error->message, "256 KiB"));
      g_assert_cmpuint (hostile->served, <, SERVED_LIMIT);
      g_assert_cmpint (elapsed_ms, <, 3000);
      g_clear_error (&error);
    }

  /* A slow answer ends at the deadline */
  hostile->soap = SERVE_SLOW;
  started = g_get_monotonic_time ();
  g_assert_null (external_address (client, 500, &error));
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (elapsed_ms, <, 500 + SLACK_MS);
  g_clear_error (&error);

  /* Faults with HTTP 200 are faults: one error, after one request, and no
   * warning (G_DEBUG=fatal-warnings in the test environment) */
  hostile->soap = SERVE_FAULT_200;
  hostile->n_actions = 0;
  mappings = list_mappings_full (client, 0, &end, &n_unreadable, &error);
  g_assert_null (mappings);
  g_assert_error (error, SESAME_UPNP_ACTION_ERROR, SESAME_UPNP_ACTION_ERROR_ACTION_FAILED);
  g_assert_nonnull (strstr (error->message, "501"));
  g_assert_cmpuint (hostile->n_actions, ==, 1);
  g_clear_error (&error);

  g_assert_null (external_address (client, 0, &error));
  g_assert_error (error, SESAME_UPNP_ACTION_ERROR, SESAME_UPNP_ACTION_ERROR_ACTION_FAILED);
  g_clear_error (&error);

  /* The end of the table said with HTTP 200 */
  hostile->soap = SERVE_END_FAULT_200;
  hostile->n_actions = 0;
  mappings = list_mappings_full (client, 0, &end, &n_unreadable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mappings->len, ==, 3);
  g_assert_cmpint (end, ==, SESAME_UPNP_LIST_END_COMPLETE);
  g_assert_cmpuint (hostile->n_actions, ==, 4);
  g_clear_pointer (&mappings, g_ptr_array_unref);

  /* Still usable */
  hostile->soap = SERVE_NORMAL;
  address = external_address (client, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.7");
}

static gboolean
make_available_cb (gpointer user_data)
{
  hostile_set_available (user_data, TRUE);
  return G_SOURCE_REMOVE;
}

static void
test_hostile_not_gateway (void)
{
  g_autoptr(Hostile) rogue = NULL;
  g_autoptr(Hostile) gateway = NULL;
  g_autoptr(Hostile) split = NULL;
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  gint64 elapsed_ms;

  if (skip_without_network ())
    return;

  /* Only another host answers: found, but marked as not the gateway */
  rogue = hostile_new ("127.0.0.2", NULL);
  hostile_set_available (rogue, TRUE);
  device = discover_with ("127.0.0.1", NULL, 3000, &client, &elapsed_ms, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (device->address, ==, "127.0.0.2");
  g_assert_false (device->is_gateway);
  g_assert_false (sesame_upnp_client_get_device (client)->is_gateway);
  g_assert_cmpint (elapsed_ms, <, 3000);
  g_clear_pointer (&device, sesame_upnp_device_free);
  g_clear_object (&client);

  /* With only the gateway wanted, another host is never taken */
  device = discover_with ("127.0.0.1", "127.0.0.1", 1000, NULL, NULL, &error);
  g_assert_null (device);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);

  /* Named, it is taken, and the mapping goes there */
  device = discover_with ("127.0.0.1", "127.0.0.2", 3000, &client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (device->address, ==, "127.0.0.2");
  g_assert_false (device->is_gateway);
  g_assert_true (add_mapping (client, SESAME_UPNP_PROTOCOL_TCP, 40000, "127.0.0.1", "ssh", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rogue->n_added, ==, 1);
  g_clear_pointer (&device, sesame_upnp_device_free);
  g_clear_object (&client);

  /* The gateway's IGD answers after the other one was described: the gateway's is
   * taken all the same */
  gateway = hostile_new ("127.0.0.1", NULL);
  rogue->then = gateway;
  device = discover_with ("127.0.0.1", NULL, 3000, &client, &elapsed_ms, &error);
  g_assert_no_error (error);
  g_test_message ("the gateway's IGD after %" G_GINT64_FORMAT " ms", elapsed_ms);
  g_assert_cmpstr (device->address, ==, "127.0.0.1");
  g_assert_true (device->is_gateway);
  g_assert_true (add_mapping (client, SESAME_UPNP_PROTOCOL_TCP, 40000, "127.0.0.1", "ssh", &error));
  g_assert_cmpuint (gateway->n_added, ==, 1);
  g_assert_cmpuint (rogue->n_added, ==, 1);   /* nothing more went there */
  g_clear_pointer (&device, sesame_upnp_device_free);
  g_clear_object (&client);
  g_clear_pointer (&gateway, hostile_free);
  g_clear_pointer (&rogue, hostile_free);

  /* A description on the gateway whose control URL is on another host is not the
   * gateway's IGD, and no request goes to that other host */
  split = hostile_new ("127.0.0.1", "127.0.0.2");
  hostile_set_available (split, TRUE);
  device = discover_with ("127.0.0.1", NULL, 1500, NULL, NULL, &error);
  if (device != NULL)
    g_test_message ("found %s, control URL %s", device->location, device->control_url);
  g_assert_null (device);
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NO_SERVICE);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

/* The two readers alone */
static void
test_parse_soap (void)
{
  static const char * const names[] = { "NewExternalIPAddress", NULL };
  static const char fault[] =
    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
    "<detail><UPnPError><errorCode>718</errorCode><errorDescription>Conflict\x1b[2J"
    "</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>";
  static const char answer[] =
    "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"x\"><s:Body>"
    "<m:GetExternalIPAddressResponse xmlns:m=\"y\"><NewExternalIPAddress> 203.0.113.9 "
    "</NewExternalIPAddress></m:GetExternalIPAddressResponse></s:Body></s:Envelope>";
  static const char entity[] =
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]><Envelope><Body><GetExternalIPAddressResponse>"
    "<NewExternalIPAddress>&a;</NewExternalIPAddress></GetExternalIPAddressResponse></Body></Envelope>";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *huge = g_malloc0 (SESAME_UPNP_MAX_BODY + 1);

  /* A fault is a fault with HTTP 200 as with 500 */
  for (guint status = 200; status <= 500; status += 300)
    {
      g_assert_null (sesame_upnp_parse_soap_response (status, fault, strlen (fault),
                                                      "GetExternalIPAddress", names, &error));
      g_assert_error (error, SESAME_UPNP_ACTION_ERROR,
                      SESAME_UPNP_ACTION_ERROR_CONFLICT_IN_MAPPING_ENTRY);
      assert_clean_text (error->message);
      g_clear_error (&error);
    }

  values = sesame_upnp_parse_soap_response (200, answer, strlen (answer), "GetExternalIPAddress",
                                            names, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (values, 0), ==, " 203.0.113.9 ");
  g_clear_pointer (&values, g_ptr_array_unref);

  /* An answer that leaves out an early argument keeps the later ones in
   * their slots, and freeing the array frees them (found by fuzzing: a
   * router leaving out NewRemoteHost leaked every entry under LeakSanitizer) */
  {
    static const char gap[] =
      "<u:GetGenericPortMappingEntryResponse xmlns:u=\"y\"><NewExternalPort>8080</NewExternalPort>"
      "<NewProtocol>TCP</NewProtocol></u:GetGenericPortMappingEntryResponse>";
    static const char *entry_names[] = { "NewRemoteHost", "NewExternalPort", "NewProtocol", NULL };

    values = sesame_upnp_parse_soap_response (200, gap, strlen (gap), "GetGenericPortMappingEntry",
                                              entry_names, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (values->len, ==, 3);
    g_assert_null (g_ptr_array_index (values, 0));
    g_assert_cmpstr (g_ptr_array_index (values, 1), ==, "8080");
    g_assert_cmpstr (g_ptr_array_index (values, 2), ==, "TCP");
    g_clear_pointer (&values, g_ptr_array_unref);

    /* The same, cut off: an error, and nothing read so far is kept */
    g_assert_null (sesame_upnp_parse_soap_response (200, gap, strlen (gap) - 20, "GetGenericPortMappingEntry",
                                                    entry_names, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  /* The answer to another action, HTML, entities, an HTTP error, too much */
  g_assert_null (sesame_upnp_parse_soap_response (200, answer, strlen (answer), "AddPortMapping",
                                                  names, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (sesame_upnp_parse_soap_response (200, "<html><p>hi", 11, "GetExternalIPAddress",
                                                  names, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (sesame_upnp_parse_soap_response (200, entity, strlen (entity),
                                                  "GetExternalIPAddress", names, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (sesame_upnp_parse_soap_response (404, answer, strlen (answer),
                                                  "GetExternalIPAddress", names, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  memset (huge, ' ', SESAME_UPNP_MAX_BODY + 1);
  g_assert_null (sesame_upnp_parse_soap_response (200, huge, SESAME_UPNP_MAX_BODY + 1,
                                                  "GetExternalIPAddress", names, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_TOO_LARGE);
}

static void
test_parse_description (void)
{
  g_autofree char *xml = description_xml ("Fake router");
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);

  device = sesame_upnp_parse_description ("http://192.168.11.1:5000/igd.xml", xml, strlen (xml),
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpstr (device->address, ==, "192.168.11.1");
  g_assert_cmpstr (device->service_type, ==, WANIP_TYPE);
  g_assert_cmpstr (device->control_url, ==, "http://192.168.11.1:5000/ctl/IPConn");
  g_assert_cmpstr (device->presentation_url, ==, "http://192.168.11.1:5000/admin/");
  g_assert_cmpstr (device->friendly_name, ==, "Fake router");
  g_assert_false (device->is_gateway);
  g_clear_pointer (&device, sesame_upnp_device_free);

  g_assert_null (sesame_upnp_parse_description ("http://192.168.11.1:5000/igd.xml", xml,
                                                SESAME_UPNP_MAX_BODY + 1, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  for (guint i = 0; i < 10000; i++)
    g_string_append (deep, "<a>");
  g_assert_null (sesame_upnp_parse_description ("http://192.168.11.1:5000/igd.xml", deep->str,
                                                deep->len, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
}

/* Parsers, no network */

static void
test_sanitize (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "Buffalo BBR-4MG", "Buffalo BBR-4MG" },
    { "  two\tlines\r\nhere  ", "two lines here" },
    { "bell\a escape\x1b[31m red", "bell escape[31m red" },
    { "evil\xe2\x80\xaetxt.exe", "eviltxt.exe" },          /* U+202E RIGHT-TO-LEFT OVERRIDE */
    { "zero\xe2\x80\x8bwidth", "zerowidth" },              /* U+200B ZERO WIDTH SPACE */
    { "bad \xff\xfe utf8", "bad \xef\xbf\xbd\xef\xbf\xbd utf8" },
    { "ルーター", "ルーター" },
    { "", "" },
  };
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autofree char *clean = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = sesame_upnp_sanitize_text (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }

  g_assert_null (sesame_upnp_sanitize_text (NULL));

  /* 10 KB of text and control characters: cut at 256 characters */
  for (guint i = 0; i < 1024; i++)
    g_string_append (huge, "ab\x01\x02\x1b\x7f\ncd\t");
  clean = sesame_upnp_sanitize_text (huge->str);
  assert_clean_text (clean);
  g_assert_cmpint (g_utf8_strlen (clean, -1), ==, SESAME_UPNP_MAX_TEXT);
  g_assert_true (g_str_has_prefix (clean, "ab cd ab cd"));
}

static void
test_parse_external_address (void)
{
  static const char * const invalid[] = {
    "203.0.113.300", "203.0.113", "203.0.113.2.1", " 203.0.113.02", "2001:db8::1",
    "router.example", "203.0.113.2:80", "224.0.0.1", "255.255.255.255", "1.2.3.4\n5",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  address = sesame_upnp_parse_external_address (" 203.0.113.2\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.2");
  g_clear_pointer (&address, g_free);

  /* Private and shared addresses are valid answers: what they mean is for the caller */
  address = sesame_upnp_parse_external_address ("100.64.0.2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "100.64.0.2");
  g_clear_pointer (&address, g_free);

  for (guint i = 0; i < 3; i++)
    {
      const char *none[] = { NULL, "", "0.0.0.0" };

      g_assert_null (sesame_upnp_parse_external_address (none[i], &error));
      g_assert_error (error, SESAME_UPNP_CLIENT_ERROR,
                      SESAME_UPNP_CLIENT_ERROR_NO_EXTERNAL_ADDRESS);
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("%s", invalid[i]);
      g_assert_null (sesame_upnp_parse_external_address (invalid[i], &error));
      g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
      assert_clean_text (error->message);
      g_clear_error (&error);
    }
}

static void
test_parse_mapping (void)
{
  static const struct {
    const char *fields[N_FIELDS];
  } invalid[] = {
    { { "", "0", "TCP", "22", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "70000", "TCP", "22", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "22", "TCP", "-1", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "22", "TCP", "22 22", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "0x16", "TCP", "22", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "22", "SCTP", "22", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "22", NULL, "22", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "22", "TCP", "22", "host.lan", "1", "ssh", "0" } },
    { { "", "22", "TCP", "22", "192.168.11.256", "1", "ssh", "0" } },
    { { "", "22", "TCP", "22", "0.0.0.0", "1", "ssh", "0" } },
    { { "nowhere", "22", "TCP", "22", "192.168.11.5", "1", "ssh", "0" } },
    { { "", "22", "TCP", "22", "192.168.11.5", "maybe", "ssh", "0" } },
    { { "", "22", "TCP", "22", "192.168.11.5", "1", "ssh", "4294967296" } },
    { { "", "22", "TCP", "22", "192.168.11.5", "1", "ssh", "-5" } },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameUpnpMapping) mapping = NULL;
  g_autoptr(GString) description = g_string_new (NULL);

  mapping = sesame_upnp_parse_mapping ("", " 40000 ", "tcp", "40000", "192.168.11.5", "1",
                                       "Sesame (ssh)", "3600", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->protocol, ==, SESAME_UPNP_PROTOCOL_TCP);
  g_assert_cmpuint (mapping->external_port, ==, 40000);
  g_assert_cmpuint (mapping->internal_port, ==, 40000);
  g_assert_cmpstr (mapping->internal_client, ==, "192.168.11.5");
  g_assert_cmpstr (mapping->description, ==, "Sesame (ssh)");
  g_assert_true (mapping->enabled);
  g_assert_cmpuint (mapping->lease_seconds, ==, 3600);
  g_assert_null (mapping->remote_host);
  g_clear_pointer (&mapping, sesame_upnp_mapping_free);

  for (guint i = 0; i < 1000; i++)
    g_string_append (description, "x\x01y\x1b\n\t");
  mapping = sesame_upnp_parse_mapping ("198.51.100.7", "65535", "Udp", "1", "10.0.0.9", "false",
                                       description->str, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mapping->protocol, ==, SESAME_UPNP_PROTOCOL_UDP);
  g_assert_cmpuint (mapping->external_port, ==, 65535);
  g_assert_cmpstr (mapping->remote_host, ==, "198.51.100.7");
  g_assert_false (mapping->enabled);
  g_assert_cmpuint (mapping->lease_seconds, ==, 0);
  assert_clean_text (mapping->description);
  g_assert_cmpint (g_utf8_strlen (mapping->description, -1), ==, SESAME_UPNP_MAX_TEXT);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      const char * const *f = invalid[i].fields;

      g_test_message ("invalid case %u", i);
      g_assert_null (sesame_upnp_parse_mapping (f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
                                                &error));
      g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
      assert_clean_text (error->message);
      g_clear_error (&error);
    }
}

static void
test_not_discovered (void)
{
  g_autoptr(SesameUpnpClient) client = sesame_upnp_client_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (sesame_upnp_client_get_device (client));
  g_assert_null (external_address (client, 0, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NOT_DISCOVERED);
}

/* Against the fake router */

static void
test_discover_timeout (void)
{
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started, elapsed_ms;

  if (skip_without_network ())
    return;

  client = sesame_upnp_client_new ("lo", NULL);
  started = g_get_monotonic_time ();
  sesame_upnp_client_discover_async (client, 300, NULL, store_result_cb, &result);

  /* One search at a time */
  sesame_upnp_client_discover_async (client, 300, NULL, store_result_cb, &second);
  g_assert_null (sesame_upnp_client_discover_finish (client, wait_for (&second), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);

  g_assert_null (sesame_upnp_client_discover_finish (client, wait_for (&result), &error));
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "300 ms"));
  g_assert_cmpint (elapsed_ms, >=, 300);
  g_assert_cmpint (elapsed_ms, <, 300 + SLACK_MS);
  g_assert_null (sesame_upnp_client_get_device (client));
}

static void
test_discover_cancel (void)
{
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;

  if (skip_without_network ())
    return;

  client = sesame_upnp_client_new ("lo", NULL);
  started = g_get_monotonic_time ();
  sesame_upnp_client_discover_async (client, 3000, cancellable, store_result_cb, &result);
  spin (50);
  g_cancellable_cancel (cancellable);
  g_assert_null (sesame_upnp_client_discover_finish (client, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint ((g_get_monotonic_time () - started) / 1000, <, 50 + SLACK_MS);
}

static void
test_round_trip (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  SesameUpnpMapping *mapping;
  gboolean complete = FALSE;
  gint64 started;

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake\trouter\xe2\x80\xae");

  started = g_get_monotonic_time ();
  client = discover (fake, &device);
  g_test_message ("discovery took %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000);

  g_assert_cmpstr (device->friendly_name, ==, "Fake router");
  g_assert_cmpstr (device->manufacturer, ==, "Sesame Test Works");
  g_assert_cmpstr (device->model_name, ==, "Fake IGD");
  g_assert_cmpstr (device->model_number, ==, "FI-1");
  g_assert_cmpstr (device->model_description, ==, "An in-process router for tests");
  g_assert_cmpstr (device->udn, ==, "uuid:5e5a3e00-0000-4000-8000-000000000001");
  g_assert_cmpstr (device->service_type, ==, WANIP_TYPE);   /* not WANPPPConnection */
  g_assert_cmpstr (device->address, ==, "127.0.0.1");
  g_assert_true (g_str_has_prefix (device->location, "http://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (device->presentation_url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (device->presentation_url, "/admin/"));
  g_assert_cmpstr (sesame_upnp_client_get_device (client)->udn, ==, device->udn);

  address = external_address (client, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.2");

  mappings = list_mappings (client, 0, &complete, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mappings->len, ==, 0);
  g_assert_true (complete);
  g_clear_pointer (&mappings, g_ptr_array_unref);

  g_assert_true (add_mapping (client, SESAME_UPNP_PROTOCOL_TCP, 40000, "127.0.0.1",
                              "Sesame: ssh\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake->entries->len, ==, 1);
  g_assert_cmpstr (((GStrv) g_ptr_array_index (fake->entries, 0))[F_DESCRIPTION], ==,
                   "Sesame: ssh");
  g_assert_cmpstr (((GStrv) g_ptr_array_index (fake->entries, 0))[F_LEASE], ==, "3600");
  g_assert_cmpstr (((GStrv) g_ptr_array_index (fake->entries, 0))[F_ENABLED], ==, "1");

  /* Someone else's mapping on the same port */
  fake_add_entry (fake, "", "40001", "TCP", "22", "127.0.0.9", "1", "other", "0");
  g_assert_false (add_mapping (client, SESAME_UPNP_PROTOCOL_TCP, 40001, "127.0.0.1", "ssh",
                               &error));
  g_assert_error (error, SESAME_UPNP_ACTION_ERROR,
                  SESAME_UPNP_ACTION_ERROR_CONFLICT_IN_MAPPING_ENTRY);
  g_assert_nonnull (strstr (error->message, "718"));
  g_assert_nonnull (strstr (error->message, "ConflictInMappingEntry"));
  g_clear_error (&error);

  mappings = list_mappings (client, 0, &complete, &error);
  g_assert_no_error (error);
  g_assert_true (complete);
  g_assert_cmpuint (mappings->len, ==, 2);
  mapping = g_ptr_array_index (mappings, 0);
  g_assert_cmpint (mapping->protocol, ==, SESAME_UPNP_PROTOCOL_TCP);
  g_assert_cmpuint (mapping->external_port, ==, 40000);
  g_assert_cmpstr (mapping->internal_client, ==, "127.0.0.1");
  g_assert_cmpuint (mapping->internal_port, ==, 40000);
  g_assert_cmpstr (mapping->description, ==, "Sesame: ssh");
  g_assert_true (mapping->enabled);
  g_assert_cmpuint (mapping->lease_seconds, ==, 3600);
  g_assert_null (mapping->remote_host);
  mapping = g_ptr_array_index (mappings, 1);
  g_assert_cmpuint (mapping->external_port, ==, 40001);
  g_assert_cmpuint (mapping->internal_port, ==, 22);
  g_assert_cmpstr (mapping->internal_client, ==, "127.0.0.9");
  g_clear_pointer (&mappings, g_ptr_array_unref);

  g_assert_true (delete_mapping (client, SESAME_UPNP_PROTOCOL_TCP, 40000, &error));
  g_assert_no_error (error);
  g_assert_false (delete_mapping (client, SESAME_UPNP_PROTOCOL_TCP, 40000, &error));
  g_assert_error (error, SESAME_UPNP_ACTION_ERROR, SESAME_UPNP_ACTION_ERROR_NO_SUCH_ENTRY);
  g_clear_error (&error);

  mappings = list_mappings (client, 0, &complete, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mappings->len, ==, 1);
}

static void
test_refusals (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake router");
  client = discover (fake, NULL);

  /* A second search with the same client finds the router again */
  sesame_upnp_client_discover_async (client, 3000, NULL, store_result_cb, &result);
  device = sesame_upnp_client_discover_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (device->service_type, ==, WANIP_TYPE);

  fake->refuse_code = 606;
  g_assert_false (add_mapping (client, SESAME_UPNP_PROTOCOL_UDP, 41000, "127.0.0.1", "game",
                               &error));
  g_assert_error (error, SESAME_UPNP_ACTION_ERROR, SESAME_UPNP_ACTION_ERROR_NOT_AUTHORIZED);
  g_assert_nonnull (strstr (error->message, "606"));
  g_clear_error (&error);

  fake->refuse_code = 0;
  fake->permanent_only = TRUE;
  g_assert_false (add_mapping (client, SESAME_UPNP_PROTOCOL_UDP, 41000, "127.0.0.1", "game",
                               &error));
  g_assert_error (error, SESAME_UPNP_ACTION_ERROR,
                  SESAME_UPNP_ACTION_ERROR_ONLY_PERMANENT_LEASES_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "OnlyPermanentLeasesSupported"));
  g_clear_error (&error);
  g_assert_cmpuint (fake->entries->len, ==, 0);   /* never fell back to a permanent mapping */

  /* A code the client has no name for keeps the router's words */
  fake->permanent_only = FALSE;
  fake->refuse_code = 899;
  g_assert_false (delete_mapping (client, SESAME_UPNP_PROTOCOL_UDP, 41000, &error));
  g_assert_error (error, SESAME_UPNP_ACTION_ERROR, 899);
  g_assert_nonnull (strstr (error->message, "Refused"));
}

static void
test_hostile (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *address = NULL;
  SesameUpnpMapping *last;
  gboolean complete = TRUE;

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake router");
  client = discover (fake, NULL);

  for (guint i = 0; i < 1024; i++)
    g_string_append (description, "Open\x01\x1b[2J\x7f\n\t ");

  fake_add_entry (fake, "", "0", "TCP", "22", "127.0.0.1", "1", "port 0", "0");
  fake_add_entry (fake, "", "70000", "TCP", "22", "127.0.0.1", "1", "port 70000", "0");
  fake_add_entry (fake, "", "5000", "SCTP", "5000", "127.0.0.1", "1", "sctp", "0");
  fake_add_entry (fake, "", "8080", "tcp", "80", "127.0.0.1", "1", description->str, "600");
  fake_add_entry (fake, "", "8081", "TCP", "80", "127.0.0.300", "1", "bad client", "0");
  fake_add_entry (fake, "", "9000", "UDP", "9000", "127.0.0.1", "yes", "good", "0");

  mappings = list_mappings (client, 0, &complete, &error);
  g_assert_no_error (error);
  g_assert_false (complete);   /* entries the client could not read */

  /* The valid entries survive; the one with a 10 KB description either comes back
   * sanitised or, if the SOAP answer could not be parsed at all, is skipped. */
  g_assert_cmpuint (mappings->len, >=, 1);
  g_assert_cmpuint (mappings->len, <=, 2);
  for (guint i = 0; i < mappings->len; i++)
    {
      SesameUpnpMapping *mapping = g_ptr_array_index (mappings, i);

      assert_clean_text (mapping->description);
      g_assert_true (mapping->external_port == 8080 || mapping->external_port == 9000);
      if (mapping->external_port == 8080)
        {
          g_assert_cmpint (mapping->protocol, ==, SESAME_UPNP_PROTOCOL_TCP);
          g_assert_true (g_str_has_prefix (mapping->description, "Open"));
        }
    }
  last = g_ptr_array_index (mappings, mappings->len - 1);
  g_assert_cmpuint (last->external_port, ==, 9000);   /* the list went on after bad entries */

  g_free (fake->external_address);
  fake->external_address = g_strdup ("203.0.113.300");
  g_assert_null (external_address (client, 0, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  g_free (fake->external_address);
  fake->external_address = g_strdup ("");
  g_assert_null (external_address (client, 0, &error));
  g_assert_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NO_EXTERNAL_ADDRESS);
  g_clear_error (&error);

  g_free (fake->external_address);
  fake->external_address = g_strdup (description->str);
  g_assert_null (external_address (client, 0, &error));
  g_assert_nonnull (error);
  assert_clean_text (error->message);
  g_clear_error (&error);

  /* Still usable afterwards */
  g_free (fake->external_address);
  fake->external_address = g_strdup ("203.0.113.2");
  address = external_address (client, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "203.0.113.2");
}

static void
test_many_mappings (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  g_autoptr(GError) error = NULL;
  SesameUpnpListEnd end = SESAME_UPNP_LIST_END_COMPLETE;
  guint n_unreadable = 1;
  gboolean complete = FALSE;

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake router");
  client = discover (fake, NULL);

  for (guint i = 0; i < SESAME_UPNP_MAX_MAPPINGS + 44; i++)
    {
      g_autofree char *port = g_strdup_printf ("%u", 20000 + i);

      fake_add_entry (fake, "", port, "UDP", port, "127.0.0.1", "1", "many", "0");
    }

  /* One request per entry: give it time (under AddressSanitizer too). The list is
   * cut at the limit, and said to be: the router has more, it did not stop
   * answering. One request past the limit tells which. */
  mappings = list_mappings_full (client, SAFETY_MS - 2000, &end, &n_unreadable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mappings->len, ==, SESAME_UPNP_MAX_MAPPINGS);
  g_assert_cmpint (end, ==, SESAME_UPNP_LIST_END_LIMIT);
  g_assert_cmpuint (n_unreadable, ==, 0);
  g_assert_cmpuint (fake->n_actions, ==, SESAME_UPNP_MAX_MAPPINGS + 1);
  g_clear_pointer (&mappings, g_ptr_array_unref);

  /* Exactly as many as the limit: the whole table */
  g_ptr_array_set_size (fake->entries, SESAME_UPNP_MAX_MAPPINGS);
  mappings = list_mappings (client, SAFETY_MS - 2000, &complete, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mappings->len, ==, SESAME_UPNP_MAX_MAPPINGS);
  g_assert_true (complete);
}

static void
test_action_deadline (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameUpnpClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started, elapsed_ms;

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake router");
  client = discover (fake, NULL);
  fake->hang = TRUE;

  started = g_get_monotonic_time ();
  g_assert_null (external_address (client, 300, &error));
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (elapsed_ms, >=, 300);
  g_assert_cmpint (elapsed_ms, <, 300 + SLACK_MS);
  g_clear_error (&error);

  started = g_get_monotonic_time ();
  sesame_upnp_client_add_mapping_async (client, SESAME_UPNP_PROTOCOL_TCP, 40000, "127.0.0.1",
                                        40000, "ssh", 3600, 3000, cancellable, store_result_cb,
                                        &result);
  spin (50);
  g_cancellable_cancel (cancellable);
  g_assert_false (sesame_upnp_client_add_mapping_finish (client, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint ((g_get_monotonic_time () - started) / 1000, <, 50 + SLACK_MS);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A listing that runs into its deadline */
  sesame_upnp_client_list_mappings_async (client, 200, NULL, store_result_cb, &result);
  g_assert_null (sesame_upnp_client_list_mappings_finish (client, wait_for (&result), NULL, NULL,
                                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

int
main (int   argc,
      char *argv[])
{
  enter_private_network ();

  /* GUPnP's HTTP sessions look up the desktop's proxy resolver when they are made;
   * with G_TEST_OPTION_ISOLATE_DIRS there are no GSettings schemas for it to read */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/upnp/parse/sanitize", test_sanitize);
  g_test_add_func ("/upnp/parse/external-address", test_parse_external_address);
  g_test_add_func ("/upnp/parse/mapping", test_parse_mapping);
  g_test_add_func ("/upnp/client/not-discovered", test_not_discovered);
  g_test_add_func ("/upnp/discover/timeout", test_discover_timeout);
  g_test_add_func ("/upnp/discover/cancel", test_discover_cancel);
  g_test_add_func ("/upnp/igd/round-trip", test_round_trip);
  g_test_add_func ("/upnp/igd/refusals", test_refusals);
  g_test_add_func ("/upnp/igd/hostile", test_hostile);
  g_test_add_func ("/upnp/igd/many-mappings", test_many_mappings);
  g_test_add_func ("/upnp/igd/action-deadline", test_action_deadline);
  g_test_add_func ("/upnp/parse/soap", test_parse_soap);
  g_test_add_func ("/upnp/parse/description", test_parse_description);
  g_test_add_func ("/upnp/hostile/description-huge", test_hostile_description_huge);
  g_test_add_func ("/upnp/hostile/description-slow", test_hostile_description_slow);
  g_test_add_func ("/upnp/hostile/soap", test_hostile_soap);
  g_test_add_func ("/upnp/hostile/not-gateway", test_hostile_not_gateway);

  return g_test_run ();
}
