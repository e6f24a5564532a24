/* test-probe-parsers.c: untrusted answers of HTTP services and local tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sesame-hop-probe.h"
#include "sesame-http-probe.h"
#include "sesame-listen-check.h"
#include "sesame-local-probe.h"
#include "sesame-probe-report.h"
#include "sesame-prober.h"
#include "sesame-temp-listener.h"

static void
test_ip_response (void)
{
  static const struct {
    const char *body;
    const char *address;
  } cases[] = {
    { "{\"ip\": \"203.0.113.2\", \"port\": 40123}", "203.0.113.2" },
    { "203.0.113.2\n", "203.0.113.2" },
    { "  198.51.100.7  ", "198.51.100.7" },
    { "{\"address\":\"2001:db8::1\"}", "2001:db8::1" },
    { "{\"origin\":\"203.0.113.9\"}", "203.0.113.9" },
    /* Refused */
    { "", NULL },
    { "<html>hello</html>", NULL },
    { "{\"ip\": 12}", NULL },
    { "{\"ip\": \"example.com\"}", NULL },
    { "{\"ip\": \"203.0.113.2\"", NULL },
    { "203.0.113.2:80", NULL },
    { "999.1.1.1", NULL },
    { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", NULL },
    { "{\"ip\": \"\xff\xfe\"}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *address = sesame_http_parse_ip_response (cases[i].body, strlen (cases[i].body), &error);
      g_autofree char *escaped = g_strescape (cases[i].body, NULL);

      g_test_message ("%s", escaped);
      g_assert_cmpstr (address, ==, cases[i].address);
      if (cases[i].address == NULL)
        g_assert_nonnull (error);
    }

  {
    g_autofree char *huge = g_strnfill (SESAME_HTTP_MAX_BODY + 1, ' ');
    g_autoptr(GError) error = NULL;
    g_autofree char *address = sesame_http_parse_ip_response (huge, strlen (huge), &error);

    g_assert_null (address);
    g_assert_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_TOO_LARGE);
  }
}

static void
test_check_response (void)
{
  static const struct {
    const char *body;
    gboolean ok;
    SesameReachability reachability;
  } cases[] = {
    { "{\"open\": true, \"state\": \"open\"}", TRUE, SESAME_REACHABILITY_OPEN },
    { "{\"open\": false, \"state\": \"refused\"}", TRUE, SESAME_REACHABILITY_REFUSED },
    { "{\"open\": false, \"state\": \"filtered\"}", TRUE, SESAME_REACHABILITY_FILTERED },
    { "{\"reachable\": true}", TRUE, SESAME_REACHABILITY_OPEN },
    { "{\"open\": false}", TRUE, SESAME_REACHABILITY_FILTERED },
    { "1", TRUE, SESAME_REACHABILITY_OPEN },
    { "0\n", TRUE, SESAME_REACHABILITY_FILTERED },
    { "yes", FALSE, SESAME_REACHABILITY_UNKNOWN },
    { "{\"open\": \"true\"}", FALSE, SESAME_REACHABILITY_UNKNOWN },
    { "{}", FALSE, SESAME_REACHABILITY_UNKNOWN },
    { "", FALSE, SESAME_REACHABILITY_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      SesameReachability reachability = SESAME_REACHABILITY_UNKNOWN;
      gboolean ok = sesame_http_parse_check_response (cases[i].body, strlen (cases[i].body), &reachability, &error);

      g_test_message ("%s", cases[i].body);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (reachability, ==, cases[i].reachability);
      else
        g_assert_nonnull (error);
    }
}

static void
test_check_url (void)
{
  g_autofree char *url = sesame_http_expand_check_url ("http://198.51.100.1/check?port={port}&proto={proto}&again={port}",
                                                       "udp", 5060);

  g_assert_cmpstr (url, ==, "http://198.51.100.1/check?port=5060&proto=udp&again=5060");
}

static void
test_route_table (void)
{
  static const char table[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "wlan0\t0000A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n"
    "eth0\t00000000\t010BA8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "wlan0\t00000000\t0100A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
    "garbage line\n"
    "tun0\t00000000\tZZZZZZZZ\t0003\t0\t0\t1\t00000000\t0\t0\t0\n";
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;
  guint32 probe = 0x01020304;
  guint8 bytes[4];

  g_assert_true (sesame_route_table_find_gateway (table, &interface, &gateway));
  g_assert_cmpstr (interface, ==, "eth0");

  /* The kernel prints the address's bytes as a number in this machine's order */
  memcpy (bytes, &probe, 4);
  if (bytes[0] == 0x04)
    g_assert_cmpstr (gateway, ==, "192.168.11.1");

  g_clear_pointer (&interface, g_free);
  g_clear_pointer (&gateway, g_free);
  g_assert_false (sesame_route_table_find_gateway ("Iface\tDestination\n", &interface, &gateway));
  g_assert_false (sesame_route_table_find_gateway ("", &interface, &gateway));
  g_assert_false (sesame_route_table_find_gateway (NULL, &interface, &gateway));
}

static void
test_proc_net (void)
{
  static const char tcp[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n"
    "   1: 0100007F:0016 0100007F:D2C4 01 00000000:00000000 00:00000000 00000000     0        0 2 1\n"
    "   2: 050BA8C0:0050\n";
  static const char udp[] =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
    "  7: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   105        0 3 2 0 0\n";

  g_assert_true (sesame_proc_net_has_listener (tcp, 8080, TRUE));
  /* An established connection on 22 is no listener */
  g_assert_false (sesame_proc_net_has_listener (tcp, 22, TRUE));
  g_assert_false (sesame_proc_net_has_listener (tcp, 80, TRUE));
  g_assert_true (sesame_proc_net_has_listener (udp, 5353, FALSE));
  g_assert_false (sesame_proc_net_has_listener (udp, 5354, FALSE));
  g_assert_false (sesame_proc_net_has_listener ("", 80, TRUE));
  g_assert_false (sesame_proc_net_has_listener (NULL, 80, TRUE));
}

/* This process listens on a port: the check sees it, and stops seeing it */
static void
test_listen_check_live (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sesame_listen_check ("tcp", port), ==, SESAME_TRISTATE_YES);
  g_socket_listener_close (listener);
  g_assert_cmpint (sesame_listen_check ("tcp", port), ==, SESAME_TRISTATE_NO);
}

static void
tables_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SesameListenTables **tables = user_data;
  g_autoptr(GError) error = NULL;

  *tables = sesame_listen_tables_read_finish (result, &error);
  g_assert_no_error (error);
}

/* The tables read in a worker thread, once, answer for every port */
static void
test_listen_tables_async (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(SesameListenTables) tables = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  guint16 other;

  g_assert_no_error (error);
  other = port == 65535 ? port - 1 : port + 1;

  sesame_listen_tables_read_async (NULL, tables_read_cb, &tables);
  while (tables == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (sesame_listen_tables_check (tables, "tcp", port), ==, SESAME_TRISTATE_YES);
  g_assert_cmpint (sesame_listen_tables_check (tables, "udp", port), !=, SESAME_TRISTATE_UNKNOWN);
  /* A copy: closing the listener later does not change what was read */
  g_socket_listener_close (listener);
  g_assert_cmpint (sesame_listen_tables_check (tables, "tcp", port), ==, SESAME_TRISTATE_YES);
  if (sesame_listen_check ("tcp", other) == SESAME_TRISTATE_NO)
    g_assert_cmpint (sesame_listen_tables_check (tables, "tcp", other), ==, SESAME_TRISTATE_NO);
}

static void
test_report_json (void)
{
  g_autoptr(SesameProbeReport) report = sesame_probe_report_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  SesameAddressSource *source;
  SesamePortFinding *port;
  JsonObject *root;

  report->local_address = g_strdup ("192.168.11.5");
  report->external_ipv4 = g_strdup ("203.0.113.2");
  source = sesame_probe_report_add_source (report, "http", "http://198.51.100.1/ip");
  source->address = g_strdup ("203.0.113.2");
  port = sesame_probe_report_add_port (report, "tcp", 8080);
  port->listening = SESAME_TRISTATE_YES;
  port->reachable = SESAME_REACHABILITY_REFUSED;
  sesame_probe_report_add_server (report, "198.51.100.1:3478");
  sesame_probe_report_add_server (report, "198.51.100.1:3478");

  json = sesame_probe_report_to_json (report);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "external"), "ipv4"),
                   ==, "203.0.113.2");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "nat"), "classic"),
                   ==, "unknown");
  g_assert_true (json_node_is_null (json_object_get_member (json_object_get_object_member (root, "nat"),
                                                            "hairpinning")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "servers_contacted")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (root, "ports"), 0),
                                                  "reachable"), ==, "refused");
}

static void
test_arp_table (void)
{
  static const char table[] =
    "IP address       HW type     Flags       HW address            Mask     Device\n"
    "192.168.11.7     0x1         0x0         00:00:00:00:00:00     *        eth0\n"
    "192.168.11.1     0x1         0x2         F6:4B:B6:56:D2:23     *        eth0\n"
    "10.0.1.1         0x1         0x2         not-a-mac-address     *        eth1\n";
  g_autofree char *mac = sesame_arp_table_find (table, "192.168.11.1");
  g_autofree char *incomplete = sesame_arp_table_find (table, "192.168.11.7");
  g_autofree char *garbage = sesame_arp_table_find (table, "10.0.1.1");
  g_autofree char *absent = sesame_arp_table_find (table, "192.168.11.2");

  g_assert_cmpstr (mac, ==, "f6:4b:b6:56:d2:23");
  g_assert_null (incomplete);
  g_assert_null (garbage);
  g_assert_null (absent);
  g_assert_null (sesame_arp_table_find ("", "192.168.11.1"));
}

static SesameProbeReport *
report_round_trip (SesameProbeReport *report)
{
  g_autofree char *json = sesame_probe_report_to_json (report);
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  SesameProbeReport *back = sesame_probe_report_new_from_json (bytes, &error);

  g_assert_no_error (error);
  return back;
}

/* A saved report reads back with what a later run compares */
static void
test_report_read_back (void)
{
  g_autoptr(SesameProbeReport) report = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) back = NULL;
  static const char * const hostile[] = {
    "", "[]", "{\"version\": 2}", "{\"version\": \"1\"}", "{\"local\": {}}",
  };

  report->gateway = g_strdup ("192.168.11.1");
  report->gateway_mac = g_strdup ("f6:4b:b6:56:d2:23");
  report->subnet = g_strdup ("192.168.11.0/24");
  report->external_ipv4 = g_strdup ("203.0.113.2");
  report->mapping = SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT;
  report->filtering = SESAME_NAT_FILTERING_ADDRESS_DEPENDENT;
  report->classic = SESAME_NAT_CLASSIC_RESTRICTED_CONE;
  report->double_nat = SESAME_TRISTATE_NO;
  report->upnp_found = TRUE;
  report->upnp_manufacturer = g_strdup ("Buffalo");
  report->upnp_model = g_strdup ("BBR-4MG");
  report->upnp_udn = g_strdup ("uuid:1");
  {
    SesamePortFinding *finding = sesame_probe_report_add_port (report, "udp", 16390);

    finding->listening = SESAME_TRISTATE_YES;
    finding->router_mapping = SESAME_MAPPING_STATE_WRONG_HOST;
    finding->reachable = SESAME_REACHABILITY_REFUSED;
  }

  back = report_round_trip (report);
  g_assert_cmpuint (back->ports->len, ==, 1);
  g_assert_cmpstr (((SesamePortFinding *) g_ptr_array_index (back->ports, 0))->protocol, ==, "udp");
  g_assert_cmpint (((SesamePortFinding *) g_ptr_array_index (back->ports, 0))->router_mapping, ==, SESAME_MAPPING_STATE_WRONG_HOST);
  g_assert_cmpint (((SesamePortFinding *) g_ptr_array_index (back->ports, 0))->reachable, ==, SESAME_REACHABILITY_REFUSED);
  g_assert_cmpstr (back->gateway_mac, ==, "f6:4b:b6:56:d2:23");
  g_assert_cmpstr (back->subnet, ==, "192.168.11.0/24");
  g_assert_cmpstr (back->external_ipv4, ==, "203.0.113.2");
  g_assert_cmpint (back->classic, ==, SESAME_NAT_CLASSIC_RESTRICTED_CONE);
  g_assert_cmpint (back->filtering, ==, SESAME_NAT_FILTERING_ADDRESS_DEPENDENT);
  g_assert_cmpint (back->double_nat, ==, SESAME_TRISTATE_NO);
  g_assert_cmpint (back->cgnat, ==, SESAME_TRISTATE_UNKNOWN);
  g_assert_true (back->upnp_found);
  g_assert_cmpstr (back->upnp_udn, ==, "uuid:1");

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (hostile[i], strlen (hostile[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(SesameProbeReport) bad = sesame_probe_report_new_from_json (bytes, &error);

      g_assert_null (bad);
      g_assert_nonnull (error);
    }

  /* Wrong types stay unknown */
  {
    static const char odd[] = "{\"version\": 1, \"local\": {\"gateway\": 7, \"subnet\": [\"x\"]},"
                              " \"nat\": {\"classic\": \"wormhole\", \"hairpinning\": \"yes\"}, \"router\": 3}";
    g_autoptr(GBytes) bytes = g_bytes_new_static (odd, strlen (odd));
    g_autoptr(GError) error = NULL;
    g_autoptr(SesameProbeReport) read = sesame_probe_report_new_from_json (bytes, &error);

    g_assert_no_error (error);
    g_assert_null (read->gateway);
    g_assert_null (read->subnet);
    g_assert_cmpint (read->classic, ==, SESAME_NAT_CLASSIC_UNKNOWN);
    g_assert_cmpint (read->hairpinning, ==, SESAME_TRISTATE_UNKNOWN);
    g_assert_false (read->upnp_found);
  }
}

/* The seed's move: another hardware address, another UPnP device, another network */
static void
test_router_changes (void)
{
  g_autoptr(SesameProbeReport) before = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) same = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) after = sesame_probe_report_new ();
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  before->gateway = g_strdup ("192.168.11.1");
  before->gateway_mac = g_strdup ("00:1d:73:aa:bb:cc");
  before->subnet = g_strdup ("192.168.11.0/24");
  before->upnp_found = TRUE;
  before->upnp_udn = g_strdup ("uuid:buffalo");
  before->upnp_manufacturer = g_strdup ("Buffalo");
  before->upnp_model = g_strdup ("BBR-4MG");

  same->gateway = g_strdup ("192.168.11.1");
  same->gateway_mac = g_strdup ("00:1D:73:AA:BB:CC");
  same->subnet = g_strdup ("192.168.11.0/24");
  same->upnp_found = TRUE;
  same->upnp_udn = g_strdup ("uuid:buffalo");

  none = sesame_probe_report_router_changes (before, same);
  g_assert_cmpuint (none->len, ==, 0);

  after->gateway = g_strdup ("10.0.1.1");
  after->gateway_mac = g_strdup ("00:25:00:11:22:33");
  after->subnet = g_strdup ("10.0.1.0/24");
  after->upnp_found = FALSE;

  changes = sesame_probe_report_router_changes (before, after);
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (changes, 0), "00:25:00:11:22:33"));
  g_assert_nonnull (strstr (g_ptr_array_index (changes, 1), "10.0.1.0/24"));
}

static void
hops_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GPtrArray **hops = user_data;
  g_autoptr(GError) error = NULL;

  *hops = sesame_hop_probe_finish (result, &error);
  g_assert_no_error (error);
}

/* Towards this machine itself the path ends at once: one hop, the destination */
static void
test_hop_probe_loopback (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GPtrArray) hops = NULL;
  gint64 start = g_get_monotonic_time ();

  sesame_hop_probe_async (loopback, 2000, NULL, hops_cb, &hops);
  while (hops == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (hops->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (hops, 0), ==, "127.0.0.1");
  /* It did not wait for its deadline */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * G_TIME_SPAN_MILLISECOND);
}

static void
hops_cancelled_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hops = sesame_hop_probe_finish (result, &error);

  g_assert_null (hops);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
test_hop_probe_cancel (void)
{
  /* Loopback, like every test: cancelled before anything is sent */
  g_autoptr(GInetAddress) nowhere = g_inet_address_new_from_string ("127.0.0.2");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean done = FALSE;

  g_cancellable_cancel (cancellable);
  sesame_hop_probe_async (nowhere, 5000, cancellable, hops_cancelled_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Redirects: only to the same scheme, host and port */
static void
test_follow_redirect (void)
{
  static const struct {
    const char *url;
    const char *location;
    const char *followed;   /* NULL: refused */
    const char *named;      /* in the refusal */
  } cases[] = {
    { "https://api.example.org/ip", "/v2/ip", "https://api.example.org/v2/ip", NULL },
    { "https://api.example.org/ip", "v2?format=json", "https://api.example.org/v2?format=json", NULL },
    { "https://api.example.org/ip", "https://API.example.org:443/ip", "https://API.example.org/ip", NULL },
    { "http://127.0.0.1:8080/ip", "http://127.0.0.1:8080/other", "http://127.0.0.1:8080/other", NULL },
    { "https://api.example.org/ip", "https://evil.example.net/ip", NULL, "https://evil.example.net" },
    { "https://api.example.org/ip", "//evil.example.net/ip", NULL, "https://evil.example.net" },
    { "https://api.example.org/ip", "http://api.example.org/ip", NULL, "http://api.example.org" },
    { "https://api.example.org/ip", "https://api.example.org:8443/ip", NULL, "https://api.example.org:8443" },
    { "http://127.0.0.1:8080/ip", "http://127.0.0.2:8080/ip", NULL, "http://127.0.0.2:8080" },
    { "http://127.0.0.1:8080/ip", "http://192.168.1.1/", NULL, "http://192.168.1.1" },
    { "https://api.example.org/ip", "file:///etc/passwd", NULL, "" },
    { "https://api.example.org/ip", "", "https://api.example.org/ip", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *next = sesame_http_follow_redirect (cases[i].url, cases[i].location, &error);

      g_test_message ("%s → %s", cases[i].url, cases[i].location);
      if (cases[i].followed != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (next, ==, cases[i].followed);
        }
      else
        {
          g_assert_null (next);
          g_assert_nonnull (error);
          g_assert_nonnull (strstr (error->message, cases[i].named));
        }
    }

  /* No Location, or one that is not an address */
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (sesame_http_follow_redirect ("https://api.example.org/ip", NULL, &error));
    g_assert_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_BAD_RESPONSE);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (sesame_http_follow_redirect ("https://api.example.org/ip", "http://", &error));
    g_assert_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_BAD_RESPONSE);
  }
}

/* Two "what is my IP" services on loopback: the one asked (127.0.0.1),
 * which sends some requests on, and another host (127.0.0.2) that must
 * never hear from Sesame */
typedef struct
{
  SoupServer *asked;
  SoupServer *other;
  char       *asked_base;   /* "http://127.0.0.1:PORT" */
  char       *other_base;
  guint       other_requests;
} HttpLab;

static void
on_asked (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  HttpLab *lab = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autofree char *location = NULL;

  if (g_str_equal (path, "/ip"))
    {
      static const char body[] = "{\"ip\": \"203.0.113.7\"}";

      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
      return;
    }

  if (g_str_equal (path, "/same"))
    location = g_strdup ("/ip");
  else if (g_str_equal (path, "/same-absolute"))
    location = g_strdup_printf ("%s/same", lab->asked_base);
  else if (g_str_equal (path, "/other"))
    location = g_strdup_printf ("%s/ip", lab->other_base);
  else if (g_str_equal (path, "/loop"))
    location = g_strdup ("/loop");
  else
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  soup_server_message_set_status (message, SOUP_STATUS_FOUND, NULL);
  soup_message_headers_replace (headers, "Location", location);
}

static void
on_other (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  HttpLab *lab = user_data;
  static const char body[] = "{\"ip\": \"198.51.100.66\"}";

  lab->other_requests++;
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static SoupServer *
http_server_new (const char         *ip,
                 SoupServerCallback  callback,
                 HttpLab            *lab,
                 char              **base)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (ip, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSList *listeners;

  soup_server_add_handler (server, NULL, callback, lab, NULL);
  g_assert_true (soup_server_listen (server, address, 0, &error));
  g_assert_no_error (error);

  listeners = soup_server_get_listeners (server);
  g_assert_nonnull (listeners);
  bound = g_socket_get_local_address (listeners->data, &error);
  g_assert_no_error (error);
  *base = g_strdup_printf ("http://%s:%u", ip,
                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_slist_free (listeners);

  return g_steal_pointer (&server);
}

static void
http_lab_start (HttpLab *lab)
{
  memset (lab, 0, sizeof *lab);
  lab->asked = http_server_new ("127.0.0.1", on_asked, lab, &lab->asked_base);
  lab->other = http_server_new ("127.0.0.2", on_other, lab, &lab->other_base);
}

static void
http_lab_stop (HttpLab *lab)
{
  gint64 until = g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND;

  soup_server_disconnect (lab->asked);
  soup_server_disconnect (lab->other);
  g_clear_object (&lab->asked);
  g_clear_object (&lab->other);

  /* What the servers still had to do on their connections */
  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (G_TIME_SPAN_MILLISECOND);
  g_free (lab->asked_base);
  g_free (lab->other_base);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GBytes *
fetch (SoupSession  *session,
       const char   *url,
       GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sesame_http_fetch_async (session, url, 5000, NULL, fetch_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return sesame_http_fetch_finish (session, result, error);
}

static void
test_fetch_redirects (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  HttpLab lab;

  http_lab_start (&lab);

  /* On the same server: followed */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *url = g_strdup_printf ("%s%s", lab.asked_base, i == 0 ? "/same" : "/same-absolute");
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = fetch (session, url, &error);
      g_autofree char *ip = NULL;

      g_assert_no_error (error);
      ip = sesame_http_parse_ip_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
      g_assert_cmpstr (ip, ==, "203.0.113.7");
    }

  /* To another host: not followed, and the reason names it */
  {
    g_autofree char *url = g_strdup_printf ("%s/other", lab.asked_base);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = fetch (session, url, &error);

    g_assert_null (body);
    g_assert_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_REDIRECT);
    g_assert_nonnull (strstr (error->message, lab.other_base));
  }

  /* Round and round on the same server: a few times, then given up */
  {
    g_autofree char *url = g_strdup_printf ("%s/loop", lab.asked_base);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = fetch (session, url, &error);

    g_assert_null (body);
    g_assert_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_REDIRECT);
  }

  g_assert_cmpuint (lab.other_requests, ==, 0);
  soup_session_abort (session);
  http_lab_stop (&lab);
}

static void
prober_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SesameProbeReport **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sesame_prober_run_finish (SESAME_PROBER (object), result, &error);
  g_assert_no_error (error);
}

/* What the person sees: the address is unknown with the reason, the other
 * host is not in "servers contacted", and it heard nothing */
static void
test_prober_redirect (void)
{
  static const char * const none[] = { NULL };
  g_autoptr(SesameProber) prober = sesame_prober_new ();
  g_autoptr(SesameProbeReport) report = NULL;
  g_autofree char *url = NULL;
  g_autofree char *other_host = NULL;
  const SesameAddressSource *source;
  HttpLab lab;

  http_lab_start (&lab);
  url = g_strdup_printf ("%s/other", lab.asked_base);
  other_host = g_strdup (lab.other_base + strlen ("http://"));

  sesame_prober_set_stun_servers (prober, none);
  sesame_prober_set_ip_urls (prober, (const char * const []) { url, NULL });
  sesame_prober_set_check_url (prober, NULL);
  sesame_prober_set_router (prober, FALSE);
  sesame_prober_set_deadline (prober, 5000);
  sesame_prober_run_async (prober, NULL, prober_cb, &report);
  while (report == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (lab.other_requests, ==, 0);
  g_assert_null (report->external_ipv4);
  g_assert_cmpuint (report->external_sources->len, ==, 1);
  source = g_ptr_array_index (report->external_sources, 0);
  g_assert_null (source->address);
  g_assert_nonnull (source->error);
  g_assert_nonnull (strstr (source->error, other_host));

  for (guint i = 0; i < report->servers_contacted->len; i++)
    g_assert_null (strstr (g_ptr_array_index (report->servers_contacted, i), "127.0.0.2"));
  g_assert_cmpuint (report->servers_contacted->len, ==, 1);

  http_lab_stop (&lab);
}

/* A check service on loopback that also answers /ip, after ip_delay_ms,
 * and calls every port filtered at once, keeping what wait it was asked for */
typedef struct
{
  guint  ip_delay_ms;
  char  *wait;          /* the last Sesame-Check-Wait header, or NULL */
  guint  checks;
} CheckService;

static gboolean
check_service_answer_ip (gpointer data)
{
  SoupServerMessage *message = data;
  static const char body[] = "{\"ip\": \"203.0.113.7\"}";

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
  soup_server_message_unpause (message);
  g_object_unref (message);

  return G_SOURCE_REMOVE;
}

static void
on_check_service (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CheckService *service = user_data;
  static const char filtered[] = "{\"state\": \"filtered\", \"open\": false}";

  if (g_str_equal (path, "/ip"))
    {
      soup_server_message_pause (message);
      g_timeout_add (service->ip_delay_ms, check_service_answer_ip, g_object_ref (message));
      return;
    }

  service->checks++;
  g_free (service->wait);
  service->wait = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                          SESAME_HTTP_CHECK_WAIT_HEADER));
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, filtered, strlen (filtered));
}

/* The wait Sesame asks the check service for, its /ip answering after @ip_delay_ms */
static guint
prober_check_wait (guint ip_delay_ms)
{
  g_autoptr(SesameProber) prober = sesame_prober_new ();
  g_autoptr(SesameProbeReport) report = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketListener) picker = g_socket_listener_new ();
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ip_url = NULL;
  g_autofree char *check_url = NULL;
  CheckService service = { ip_delay_ms, NULL, 0 };
  const SesamePortFinding *finding;
  guint16 port;
  guint wait;

  soup_server_add_handler (server, NULL, on_check_service, &service, NULL);
  g_assert_true (soup_server_listen (server, address, 0, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (soup_server_get_listeners (server)->data, &error);
  g_assert_no_error (error);
  ip_url = g_strdup_printf ("http://127.0.0.1:%u/ip", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  check_url = g_strdup_printf ("http://127.0.0.1:%u/check?port={port}&proto={proto}",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  /* A UDP port nothing listens on, for Sesame's own listener */
  port = g_socket_listener_add_any_inet_port (picker, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (picker);

  sesame_prober_set_stun_servers (prober, (const char * const []) { NULL });
  sesame_prober_set_ip_urls (prober, (const char * const []) { ip_url, NULL });
  sesame_prober_set_check_url (prober, check_url);
  sesame_prober_set_router (prober, FALSE);
  sesame_prober_set_deadline (prober, 4000);
  sesame_prober_add_port (prober, "udp", port);
  sesame_prober_run_async (prober, NULL, prober_cb, &report);
  while (report == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (service.checks, ==, 1);
  g_assert_cmpuint (report->ports->len, ==, 1);
  finding = g_ptr_array_index (report->ports, 0);
  g_assert_cmpint (finding->reachable, ==, SESAME_REACHABILITY_FILTERED);
  g_assert_nonnull (service.wait);
  wait = (guint) g_ascii_strtoull (service.wait, NULL, 10);
  g_free (service.wait);

  return wait;
}

/* The check service's wait for a port's answer follows its own answer
 * time: a fast service is asked for 300 ms, so that a filtered UDP port
 * does not take its 2 s; a slow one for four times its /ip answer */
static void
test_prober_check_wait (void)
{
  guint fast, slow;

  fast = prober_check_wait (0);
  g_assert_cmpuint (fast, ==, 300);

  slow = prober_check_wait (400);
  g_assert_cmpuint (slow, >=, 1600);
  g_assert_cmpuint (slow, <, 3500);
}

/* A report as the probes leave it: a NAT in front, the STUN server's answer if
 * any, and a UPnP IGD at @upnp_host that claims @upnp_external */
static SesameProbeReport *
access_report (const char *stun,
               const char *upnp_host,
               const char *upnp_external)
{
  SesameProbeReport *report = sesame_probe_report_new ();

  report->gateway = g_strdup ("192.168.11.1");
  report->local_address = g_strdup ("192.168.11.5");
  report->mapping = SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT;
  if (stun != NULL)
    sesame_probe_report_add_source (report, "stun", "198.51.100.1:3478")->address = g_strdup (stun);
  if (upnp_host != NULL)
    {
      report->upnp_found = TRUE;
      report->upnp_host = g_strdup (upnp_host);
      report->upnp_is_gateway = g_str_equal (upnp_host, report->gateway);
      report->upnp_external_address = g_strdup (upnp_external);
    }

  return report;
}

/* Any computer on the network can answer UPnP and claim any address: what an
 * IGD that is not the gateway says is listed with its address, and decides
 * neither the external address nor double NAT nor carrier-grade NAT */
static void
test_access_foreign_igd (void)
{
  g_autoptr(SesameProbeReport) report = NULL;
  g_autoptr(SesameProbeReport) back = NULL;

  /* It claims an address of the carrier-grade NAT range */
  report = access_report ("203.0.113.2", "192.168.11.7", "100.64.77.7");
  sesame_prober_judge_access (report);
  g_assert_cmpint (report->cgnat, !=, SESAME_TRISTATE_YES);
  g_assert_cmpint (report->double_nat, !=, SESAME_TRISTATE_YES);
  g_assert_null (report->wan_address);
  g_assert_cmpstr (report->external_ipv4, ==, "203.0.113.2");
  g_assert_nonnull (strstr (report->access_reason, "192.168.11.7"));
  g_assert_nonnull (strstr (report->access_reason, "100.64.77.7"));
  back = report_round_trip (report);
  g_assert_cmpstr (back->upnp_host, ==, "192.168.11.7");
  g_assert_false (back->upnp_is_gateway);
  g_assert_cmpstr (back->upnp_external_address, ==, "100.64.77.7");
  g_clear_pointer (&back, sesame_probe_report_free);
  g_clear_pointer (&report, sesame_probe_report_free);

  /* The same word from the gateway's own IGD decides */
  report = access_report ("203.0.113.2", "192.168.11.1", "100.64.77.7");
  sesame_prober_judge_access (report);
  g_assert_cmpint (report->cgnat, ==, SESAME_TRISTATE_YES);
  g_assert_cmpint (report->double_nat, ==, SESAME_TRISTATE_YES);
  g_assert_cmpstr (report->wan_address, ==, "100.64.77.7");
  g_clear_pointer (&report, sesame_probe_report_free);

  /* A private address: no double NAT from it */
  report = access_report ("203.0.113.2", "192.168.11.7", "10.0.0.2");
  sesame_prober_judge_access (report);
  g_assert_cmpint (report->double_nat, !=, SESAME_TRISTATE_YES);
  g_assert_null (report->wan_address);
  g_clear_pointer (&report, sesame_probe_report_free);

  /* A public address that is not what the internet sees: no double NAT
   * either, and when nothing on the internet answered, not the external address */
  report = access_report ("203.0.113.2", "192.168.11.7", "198.51.100.77");
  sesame_prober_judge_access (report);
  g_assert_cmpint (report->double_nat, !=, SESAME_TRISTATE_YES);
  g_assert_cmpstr (report->external_ipv4, ==, "203.0.113.2");
  g_clear_pointer (&report, sesame_probe_report_free);

  report = access_report (NULL, "192.168.11.7", "198.51.100.77");
  sesame_prober_judge_access (report);
  g_assert_null (report->external_ipv4);
  g_assert_null (report->wan_address);
  g_clear_pointer (&report, sesame_probe_report_free);

  report = access_report (NULL, "192.168.11.1", "198.51.100.77");
  sesame_prober_judge_access (report);
  g_assert_cmpstr (report->external_ipv4, ==, "198.51.100.77");
  g_assert_cmpint (report->double_nat, ==, SESAME_TRISTATE_NO);
  g_clear_pointer (&report, sesame_probe_report_free);

  /* The gateway's own NAT-PMP answer decides, whatever the other device says */
  report = access_report ("203.0.113.2", "192.168.11.7", "198.51.100.77");
  report->natpmp_found = TRUE;
  report->natpmp_external_address = g_strdup ("100.64.0.2");
  sesame_prober_judge_access (report);
  g_assert_cmpint (report->cgnat, ==, SESAME_TRISTATE_YES);
  g_assert_cmpstr (report->wan_address, ==, "100.64.0.2");
}

/* A router behind a carrier NAT that learned its public address by STUN
 * (miniupnpd's ext_perform_stun) reports the address the internet sees: the
 * first hop beyond it still shows the carrier NAT, also when the gateway
 * itself did not answer the hop test */
static void
test_access_hops (void)
{
  SesameProbeReport *report;

  report = access_report ("203.0.113.2", "192.168.11.1", "203.0.113.2");
  g_ptr_array_add (report->hops, g_strdup ("*"));
  g_ptr_array_add (report->hops, g_strdup ("100.64.0.1"));
  sesame_prober_judge_access (report);
  g_assert_cmpint (report->cgnat, ==, SESAME_TRISTATE_YES);
  g_assert_cmpint (report->double_nat, ==, SESAME_TRISTATE_YES);
  g_assert_nonnull (strstr (report->access_reason, "100.64.0.1"));
  g_clear_pointer (&report, sesame_probe_report_free);

  /* A public first hop and the same word from the router: a NAT of its own */
  report = access_report ("203.0.113.2", "192.168.11.1", "203.0.113.2");
  g_ptr_array_add (report->hops, g_strdup ("192.168.11.1"));
  g_ptr_array_add (report->hops, g_strdup ("203.0.113.1"));
  sesame_prober_judge_access (report);
  g_assert_cmpint (report->cgnat, ==, SESAME_TRISTATE_NO);
  g_assert_cmpint (report->double_nat, ==, SESAME_TRISTATE_NO);
  g_clear_pointer (&report, sesame_probe_report_free);
}

/* /proc/net/if_inet6: only global unicast, each with its flags */
static void
test_if_inet6 (void)
{
  static const char text[] =
    "00000000000000000000000000000001 01 80 10 80       lo\n"
    "fe80000000000000a8c1abfffe000001 02 40 20 80     eth0\n"
    "240b0010123456000000000000000005 02 40 00 80     eth0\n"
    "240b0010123456009d3c5a1b2c3d4e5f 02 40 00 01     eth0\n"
    "240b00101234560011223344556677aa 02 40 00 20     eth0\n"
    "fd000000000000000000000000000001 02 40 00 80     eth0\n"
    "20010db8000000000000000000000009 02 40 00 40     eth0\n"
    "20010db80000000000000000000000a0 02 40 00 08     eth0\n"
    "ff020000000000000000000000000001 02 80 00 80     eth0\n"
    "20010db8zz0000000000000000000001 02 40 00 80     eth0\n"
    "20010db800000000000000000000001 02 40 00 80     eth0\n"
    "20010db8000000000000000000000001 02 999 00 80     eth0\n"
    "20010db8000000000000000000000001 02 40 00 80\n"
    "garbage\n";
  g_autoptr(GPtrArray) addresses = sesame_if_inet6_parse (text);
  const SesameIpv6Address *address;
  g_autoptr(GPtrArray) none = sesame_if_inet6_parse (NULL);

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (addresses->len, ==, 3);

  address = g_ptr_array_index (addresses, 0);
  g_assert_cmpstr (address->address, ==, "240b:10:1234:5600::5");
  g_assert_cmpuint (address->prefix_length, ==, 64);
  g_assert_cmpstr (address->interface, ==, "eth0");
  g_assert_false (address->temporary);
  g_assert_false (address->deprecated);

  address = g_ptr_array_index (addresses, 1);
  g_assert_cmpstr (address->address, ==, "240b:10:1234:5600:9d3c:5a1b:2c3d:4e5f");
  g_assert_true (address->temporary);

  address = g_ptr_array_index (addresses, 2);
  g_assert_true (address->deprecated);
  g_assert_false (address->temporary);

  /* The address to publish is the stable one, never the temporary */
  address = sesame_ipv6_addresses_pick_stable (addresses);
  g_assert_nonnull (address);
  g_assert_cmpstr (address->address, ==, "240b:10:1234:5600::5");
}

static SesameIpv6Address *
ipv6_address (const char *text,
              gboolean    temporary)
{
  SesameIpv6Address *address = g_new0 (SesameIpv6Address, 1);

  address->address = g_strdup (text);
  address->prefix_length = 64;
  address->interface = g_strdup ("eth0");
  address->temporary = temporary;
  return address;
}

static GPtrArray *
ipv6_addresses (const char *first,
                ...)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_ipv6_address_free);
  va_list args;

  va_start (args, first);
  for (const char *text = first; text != NULL; text = va_arg (args, const char *))
    g_ptr_array_add (addresses, ipv6_address (text, g_str_has_suffix (text, "f")));
  va_end (args);

  return addresses;
}

static SesameAddressSource *
add_stun (SesameProbeReport *report,
          const char        *address,
          guint16            port)
{
  SesameAddressSource *source = sesame_probe_report_add_source (report, "stun", "198.51.100.1:3478");

  source->address = g_strdup (address);
  source->port = port;
  return source;
}

/* The line's IPv4 from its IPv6 address, checked against what STUN saw */
static void
test_transition_cross_check (void)
{
  g_autoptr(SesameProbeReport) report = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) dslite = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) plain = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) none = sesame_probe_report_new ();
  g_autofree char *ipv4 = NULL;

  /* A temporary address first: it names the same prefix, the stable one is published */
  sesame_probe_report_set_ipv6_addresses (report, ipv6_addresses ("240b:10:1234:5600:1:2:3:f",
                                                                  "240b:10:1234:5600::5", NULL));
  g_assert_cmpstr (report->ipv6_address, ==, "240b:10:1234:5600::5");
  g_assert_nonnull (report->transition);
  g_assert_cmpint (report->transition->method, ==, SESAME_TRANSITION_MAP_E);
  ipv4 = sesame_portset_ipv4_to_string (report->transition);
  g_assert_cmpstr (ipv4, ==, "106.72.18.52");
  g_assert_cmpuint (report->transition->psid, ==, 86);

  /* Nothing seen yet: unknown, saying why */
  sesame_prober_judge_transition (report);
  g_assert_cmpint (report->transition_agrees, ==, SESAME_TRISTATE_UNKNOWN);
  g_assert_nonnull (report->transition_reason);

  /* The computed address, ports in the set */
  report->external_ipv4 = g_strdup ("106.72.18.52");
  add_stun (report, "106.72.18.52", 5472);
  add_stun (report, "106.72.18.52", 62831);
  sesame_prober_judge_transition (report);
  g_assert_cmpint (report->transition_agrees, ==, SESAME_TRISTATE_YES);
  g_assert_nonnull (strstr (report->transition_reason, "106.72.18.52"));

  /* A mapped port outside the set */
  add_stun (report, "106.72.18.52", 40000);
  sesame_prober_judge_transition (report);
  g_assert_cmpint (report->transition_agrees, ==, SESAME_TRISTATE_NO);
  g_assert_nonnull (strstr (report->transition_reason, "40000"));

  /* Another address: IPv4 does not go through MAP-E */
  g_ptr_array_set_size (report->external_sources, 0);
  g_free (report->external_ipv4);
  report->external_ipv4 = g_strdup ("203.0.113.2");
  sesame_prober_judge_transition (report);
  g_assert_cmpint (report->transition_agrees, ==, SESAME_TRISTATE_NO);
  g_assert_nonnull (strstr (report->transition_reason, "203.0.113.2"));

  /* DS-Lite: nothing of the line's own to compare */
  sesame_probe_report_set_ipv6_addresses (dslite, ipv6_addresses ("2409:10:1234:5600::5", NULL));
  g_assert_cmpint (dslite->transition->method, ==, SESAME_TRANSITION_DS_LITE);
  dslite->external_ipv4 = g_strdup ("203.0.113.2");
  sesame_prober_judge_transition (dslite);
  g_assert_cmpint (dslite->transition_agrees, ==, SESAME_TRISTATE_UNKNOWN);
  g_assert_nonnull (dslite->transition_reason);

  /* Plain IPv6 */
  sesame_probe_report_set_ipv6_addresses (plain, ipv6_addresses ("2001:db8:5600::5", NULL));
  g_assert_cmpint (plain->transition->method, ==, SESAME_TRANSITION_NONE);
  sesame_prober_judge_transition (plain);
  g_assert_null (plain->transition_reason);

  /* No IPv6 at all: no transition, nothing to publish */
  sesame_probe_report_set_ipv6_addresses (none, ipv6_addresses (NULL));
  g_assert_null (none->transition);
  g_assert_null (none->ipv6_address);
}

/* The ipv6 section is written and read back; the transition is derived again */
static void
test_report_ipv6_json (void)
{
  g_autoptr(SesameProbeReport) report = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) back = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *ipv6, *transition;
  SesamePortFinding *finding;

  sesame_probe_report_set_ipv6_addresses (report, ipv6_addresses ("240b:10:1234:5600:1:2:3:f",
                                                                  "240b:10:1234:5600::5", NULL));
  report->external_ipv4 = g_strdup ("106.72.18.52");
  add_stun (report, "106.72.18.52", 5480);
  sesame_prober_judge_transition (report);
  finding = sesame_probe_report_add_ipv6_port (report, "tcp", 8080);
  finding->reachable = SESAME_REACHABILITY_FILTERED;
  finding->checked_by = g_strdup ("[2001:db8:100::1]:80 (http)");

  json = sesame_probe_report_to_json (report);
  root = json_from_string (json, NULL);
  ipv6 = json_object_get_object_member (json_node_get_object (root), "ipv6");
  g_assert_nonnull (ipv6);
  g_assert_cmpstr (json_object_get_string_member (ipv6, "address"), ==, "240b:10:1234:5600::5");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ipv6, "addresses")), ==, 2);
  transition = json_object_get_object_member (ipv6, "transition");
  g_assert_cmpstr (json_object_get_string_member (transition, "method"), ==, "map-e");
  g_assert_cmpstr (json_object_get_string_member (transition, "ipv4"), ==, "106.72.18.52");
  g_assert_cmpint (json_object_get_int_member (transition, "psid"), ==, 86);
  g_assert_true (json_object_get_boolean_member (transition, "stun_agrees"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (transition, "ports"), 0), ==, "5472-5487");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (ipv6, "reachability"), 0),
                     "reachable"), ==, "filtered");

  bytes = g_bytes_new (json, strlen (json));
  back = sesame_probe_report_new_from_json (bytes, NULL);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->ipv6_address, ==, "240b:10:1234:5600::5");
  g_assert_cmpuint (back->ipv6_addresses->len, ==, 2);
  g_assert_nonnull (back->transition);
  g_assert_cmpuint (back->transition->psid, ==, 86);
  g_assert_cmpint (back->transition_agrees, ==, SESAME_TRISTATE_YES);
  g_assert_cmpuint (back->ipv6_ports->len, ==, 1);
  g_assert_cmpint (((SesamePortFinding *) g_ptr_array_index (back->ipv6_ports, 0))->reachable, ==,
                   SESAME_REACHABILITY_FILTERED);

  /* Hostile: an address that is not one, a prefix length out of range */
  {
    static const char hostile[] =
      "{\"version\": 1, \"ipv6\": {\"addresses\": [{\"address\": \"240b:10::zz\"}, "
      "{\"address\": \"240b:10:1234:5600::/56\"}, {\"address\": \"2001:db8::1\", \"prefix_length\": 300}, 7], "
      "\"transition\": {\"stun_agrees\": true}, \"reachability\": {}}}";
    g_autoptr(GBytes) bad = g_bytes_new_static (hostile, strlen (hostile));
    g_autoptr(SesameProbeReport) read = sesame_probe_report_new_from_json (bad, NULL);

    g_assert_nonnull (read);
    g_assert_cmpuint (read->ipv6_addresses->len, ==, 0);
    g_assert_null (read->transition);
    g_assert_cmpint (read->transition_agrees, ==, SESAME_TRISTATE_UNKNOWN);
    g_assert_cmpuint (read->ipv6_ports->len, ==, 0);
  }
}

/* The check of the run before left its connection to Sesame's listener in
 * TIME_WAIT (the listener closes it first): the next run must still be able
 * to listen on the port, or the check finds it refused */
static gboolean
temp_listener_accepted (gpointer data)
{
  return sesame_temp_listener_get_accepted (data) > 0;
}

static void
test_temp_listener_again (void)
{
  g_autoptr(GSocketListener) picker = g_socket_listener_new ();
  g_autoptr(SesameTempListener) first = NULL;
  g_autoptr(SesameTempListener) second = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  gint64 until;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (picker, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (picker);

  first = sesame_temp_listener_new ("tcp", port, &error);
  g_assert_no_error (error);

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!temp_listener_accepted (first) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (sesame_temp_listener_get_accepted (first), ==, 1);
  g_usleep (50 * 1000);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  sesame_temp_listener_close (first);

  second = sesame_temp_listener_new ("tcp", port, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
}

int
main (int   argc,
      char *argv[])
{
  /* libsoup looks up the desktop's proxy resolver; with
   * G_TEST_OPTION_ISOLATE_DIRS there are no GSettings schemas for it to read */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/probe-parsers/ip-response", test_ip_response);
  g_test_add_func ("/probe-parsers/check-response", test_check_response);
  g_test_add_func ("/probe-parsers/check-url", test_check_url);
  g_test_add_func ("/probe-parsers/route-table", test_route_table);
  g_test_add_func ("/probe-parsers/proc-net", test_proc_net);
  g_test_add_func ("/probe-parsers/listen-tables-async", test_listen_tables_async);
  g_test_add_func ("/probe-parsers/listen-check-live", test_listen_check_live);
  g_test_add_func ("/probe-parsers/report-json", test_report_json);
  g_test_add_func ("/probe-parsers/arp-table", test_arp_table);
  g_test_add_func ("/probe-parsers/report-read-back", test_report_read_back);
  g_test_add_func ("/probe-parsers/router-changes", test_router_changes);
  g_test_add_func ("/probe-parsers/access-hops", test_access_hops);
  g_test_add_func ("/probe-parsers/hop-probe-loopback", test_hop_probe_loopback);
  g_test_add_func ("/probe-parsers/hop-probe-cancel", test_hop_probe_cancel);
  g_test_add_func ("/probe-parsers/follow-redirect", test_follow_redirect);
  g_test_add_func ("/probe-parsers/fetch-redirects", test_fetch_redirects);
  g_test_add_func ("/probe-parsers/prober-redirect", test_prober_redirect);
  g_test_add_func ("/probe-parsers/prober-check-wait", test_prober_check_wait);
  g_test_add_func ("/probe-parsers/access-foreign-igd", test_access_foreign_igd);
  g_test_add_func ("/probe-parsers/if-inet6", test_if_inet6);
  g_test_add_func ("/probe-parsers/transition-cross-check", test_transition_cross_check);
  g_test_add_func ("/probe-parsers/report-ipv6-json", test_report_ipv6_json);
  g_test_add_func ("/probe-parsers/temp-listener-again", test_temp_listener_again);

  return g_test_run ();
}
