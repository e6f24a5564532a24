/* test-checks-page.c: the checks page in the real window
 *
 * The checks need a router and an internet to talk to. The tests that run
 * them make both on loopback, in a network namespace of their own (a
 * subprocess, so the rest of the suite keeps its network as it was): a
 * default route through 127.0.0.1 is the "router", and the "internet" is
 * a STUN responder, an address service and a port check service on
 * 127.0.0.1, all answering that this network is 203.0.113.7. The fake
 * internet can hold its answers, so that the tests see the checks still
 * running, deterministically.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* unshare () */

#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-stun.h"

#define PUBLIC_ADDRESS "203.0.113.7"
#define PUBLIC_PORT    40000
#define WEB_PORT       80     /* the plan's website: something listens */
#define SSH_PORT       22     /* the plan's SSH: nothing listens */

static const char test_plan[] =
  "{\n"
  "  \"version\": 1,\n"
  "  \"router\": { \"id\": \"generic\", \"lan_address\": \"192.168.1.1\", \"connection\": \"dhcp\" },\n"
  "  \"host\": { \"name\": \"Test server\", \"address\": \"192.168.1.20\", \"os\": \"linux-ufw\" },\n"
  "  \"services\": [\"http\", \"ssh\"],\n"
  "  \"language\": \"en\"\n"
  "}\n";

/* A network of our own */

/* Whether this process may make a network namespace (root, or root in the
 * user namespace tests/netns-run makes); asked in a throwaway child */
static gboolean
can_isolate (void)
{
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    _exit (unshare (CLONE_NEWNET) == 0 ? 0 : 1);

  return pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* In the test's subprocess: loopback up, and a default route through
 * 127.0.0.1, so that the checks find a router */
static void
enter_test_network (void)
{
  struct ifreq ifr;
  struct rtentry route;
  struct sockaddr_in *gateway = (struct sockaddr_in *) &route.rt_gateway;
  int fd;

  g_assert_cmpint (unshare (CLONE_NEWNET), ==, 0);

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);

  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  g_assert_cmpint (ioctl (fd, SIOCGIFFLAGS, &ifr), ==, 0);
  ifr.ifr_flags |= IFF_UP;
  g_assert_cmpint (ioctl (fd, SIOCSIFFLAGS, &ifr), ==, 0);

  memset (&route, 0, sizeof route);
  ((struct sockaddr_in *) &route.rt_dst)->sin_family = AF_INET;
  ((struct sockaddr_in *) &route.rt_genmask)->sin_family = AF_INET;
  gateway->sin_family = AF_INET;
  gateway->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  route.rt_flags = RTF_UP | RTF_GATEWAY;
  route.rt_dev = (char *) "lo";
  g_assert_cmpint (ioctl (fd, SIOCADDRT, &route), ==, 0);

  close (fd);
}

/* The fake internet */

typedef struct
{
  GSocket        *stun;
  GSource        *stun_source;
  SoupServer     *http;
  GSocket        *web;           /* listens on WEB_PORT, as a web server would */
  GSocketClient  *client;        /* the check service's, to connect back */
  char           *stun_server;
  char           *ip_url;
  char           *check_url;
  gboolean        holding;
  GPtrArray      *held_stun;     /* element-type HeldReply */
  GPtrArray      *held_http;     /* element-type SoupServerMessage */
  guint           stun_answers;
  guint           checks;
} FakeInternet;

typedef struct
{
  GSocketAddress *to;
  GBytes         *reply;
} HeldReply;

static void
held_reply_free (gpointer data)
{
  HeldReply *held = data;

  g_object_unref (held->to);
  g_bytes_unref (held->reply);
  g_free (held);
}

/* A Binding success response with XOR-MAPPED-ADDRESS PUBLIC_ADDRESS:PUBLIC_PORT.
 * The codec builds requests only; the response is a header and one attribute. */
static GBytes *
build_binding_response (const SesameStunTransactionId *id)
{
  static const guint8 address[4] = { 203, 0, 113, 7 };
  guint8 reply[SESAME_STUN_HEADER_SIZE + 12];
  guint32 cookie = GUINT32_TO_BE (SESAME_STUN_MAGIC_COOKIE);
  const guint8 *cookie_bytes = (const guint8 *) &cookie;
  guint16 port = PUBLIC_PORT ^ (SESAME_STUN_MAGIC_COOKIE >> 16);

  reply[0] = 0x01;                        /* Binding success response */
  reply[1] = 0x01;
  reply[2] = 0;
  reply[3] = 12;                          /* one attribute of 8 bytes */
  memcpy (reply + 4, &cookie, 4);
  memcpy (reply + 8, id->bytes, SESAME_STUN_TRANSACTION_ID_SIZE);
  reply[20] = SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS >> 8;
  reply[21] = SESAME_STUN_ATTR_XOR_MAPPED_ADDRESS & 0xff;
  reply[22] = 0;
  reply[23] = 8;
  reply[24] = 0;
  reply[25] = SESAME_STUN_FAMILY_IPV4;
  reply[26] = port >> 8;
  reply[27] = port & 0xff;
  for (guint i = 0; i < 4; i++)
    reply[28 + i] = address[i] ^ cookie_bytes[i];

  return g_bytes_new (reply, sizeof reply);
}

static gboolean
on_stun_request (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  FakeInternet *net = user_data;
  guint8 buffer[SESAME_STUN_MAX_MESSAGE_SIZE];
  g_autoptr(GSocketAddress) from = NULL;
  g_autoptr(GBytes) reply = NULL;
  SesameStunMessage request;
  gssize size;

  size = g_socket_receive_from (socket, &from, (char *) buffer, sizeof buffer, NULL, NULL);

  /* Only plain Binding requests: this server has no alternate address to answer from */
  if (size <= 0 ||
      !sesame_stun_parse (buffer, (gsize) size, &request, NULL) ||
      request.message_class != SESAME_STUN_CLASS_REQUEST ||
      request.method != SESAME_STUN_METHOD_BINDING ||
      request.change_flags != 0)
    return G_SOURCE_CONTINUE;

  reply = build_binding_response (&request.transaction_id);

  if (net->holding)
    {
      HeldReply *held = g_new0 (HeldReply, 1);

      held->to = g_steal_pointer (&from);
      held->reply = g_steal_pointer (&reply);
      g_ptr_array_add (net->held_stun, held);
      return G_SOURCE_CONTINUE;
    }

  net->stun_answers++;
  g_socket_send_to (socket, from, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL, NULL);

  return G_SOURCE_CONTINUE;
}

static void
answer (SoupServerMessage *msg,
        const char        *body)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
check_connected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  const char *state = "filtered";

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection != NULL)
    state = "open";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    state = "refused";

  body = g_strdup_printf ("{\"state\": \"%s\"}", state);
  answer (msg, body);
  soup_server_message_unpause (msg);
}

/* GET /check/{port}: connects back to the port on 127.0.0.1 */
static void
run_check (FakeInternet      *net,
           SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  guint64 port = 0;

  if (!g_str_has_prefix (path, "/check/") ||
      !g_ascii_string_to_unsigned (path + strlen ("/check/"), 10, 1, G_MAXUINT16, &port, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_unpause (msg);
      return;
    }

  net->checks++;
  g_socket_client_connect_to_host_async (net->client, "127.0.0.1", (guint16) port, NULL,
                                         check_connected_cb, g_object_ref (msg));
}

static void
run_request (FakeInternet      *net,
             SoupServerMessage *msg)
{
  if (g_str_equal (g_uri_get_path (soup_server_message_get_uri (msg)), "/ip"))
    {
      answer (msg, "{\"ip\": \"" PUBLIC_ADDRESS "\"}");
      soup_server_message_unpause (msg);
    }
  else
    run_check (net, msg);
}

static void
on_http_request (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeInternet *net = user_data;

  soup_server_message_pause (msg);

  if (net->holding)
    g_ptr_array_add (net->held_http, g_object_ref (msg));
  else
    run_request (net, msg);
}

static FakeInternet *
fake_internet_new (void)
{
  FakeInternet *net = g_new0 (FakeInternet, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) web_address = g_inet_socket_address_new (loopback, WEB_PORT);
  g_autoptr(GSocketAddress) stun_address = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GError) error = NULL;
  guint http_port;

  net->held_stun = g_ptr_array_new_with_free_func (held_reply_free);
  net->held_http = g_ptr_array_new_with_free_func (g_object_unref);
  net->client = g_socket_client_new ();

  net->stun = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (net->stun, any_port, FALSE, &error);
  g_assert_no_error (error);
  stun_address = g_socket_get_local_address (net->stun, &error);
  g_assert_no_error (error);
  net->stun_server = g_strdup_printf ("127.0.0.1:%u",
                                      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (stun_address)));
  net->stun_source = g_socket_create_source (net->stun, G_IO_IN, NULL);
  g_source_set_callback (net->stun_source, G_SOURCE_FUNC (on_stun_request), net, NULL);
  g_source_attach (net->stun_source, NULL);

  net->http = soup_server_new (NULL, NULL);
  soup_server_add_handler (net->http, NULL, on_http_request, net, NULL);
  soup_server_listen_local (net->http, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (net->http);
  g_assert_nonnull (uris);
  http_port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  net->ip_url = g_strdup_printf ("http://127.0.0.1:%u/ip", http_port);
  net->check_url = g_strdup_printf ("http://127.0.0.1:%u/check/{port}", http_port);

  net->web = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (net->web, web_address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (net->web, &error);
  g_assert_no_error (error);

  return net;
}

/* Answers everything held, and from now on at once */
static void
fake_internet_release (FakeInternet *net)
{
  g_autoptr(GPtrArray) stun = g_steal_pointer (&net->held_stun);
  g_autoptr(GPtrArray) http = g_steal_pointer (&net->held_http);

  net->holding = FALSE;
  net->held_stun = g_ptr_array_new_with_free_func (held_reply_free);
  net->held_http = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < stun->len; i++)
    {
      HeldReply *held = g_ptr_array_index (stun, i);

      net->stun_answers++;
      g_socket_send_to (net->stun, held->to, g_bytes_get_data (held->reply, NULL),
                        g_bytes_get_size (held->reply), NULL, NULL);
    }

  for (guint i = 0; i < http->len; i++)
    run_request (net, g_ptr_array_index (http, i));
}

static void
fake_internet_free (FakeInternet *net)
{
  g_source_destroy (net->stun_source);
  g_source_unref (net->stun_source);
  g_object_unref (net->stun);
  soup_server_disconnect (net->http);
  g_object_unref (net->http);
  g_object_unref (net->web);
  g_object_unref (net->client);
  g_ptr_array_unref (net->held_stun);
  g_ptr_array_unref (net->held_http);
  g_free (net->stun_server);
  g_free (net->ip_url);
  g_free (net->check_url);
  g_free (net);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeInternet, fake_internet_free)

static SesameProbeSession *
session_for (FakeInternet *net)
{
  SesameProbeSession *session = gui_test_session_new ();
  const char *stun[] = { net->stun_server, NULL };
  const char *ip_urls[] = { net->ip_url, NULL };

  sesame_probe_session_set_internet (session, TRUE);
  sesame_probe_session_set_stun_servers (session, stun);
  sesame_probe_session_set_ip_urls (session, ip_urls);
  sesame_probe_session_set_check_url (session, net->check_url);
  /* The first run starts with the window, and must outlast its first
   * mapping (slow on a busy machine) while the answers are held. Runs end
   * by themselves about a second after the answers come, well before this. */
  sesame_probe_session_set_deadline (session, 20000);

  return session;
}

/* The window on the checks page with test_plan; the checks start with it */
static SesameWindow *
open_window (SesameProbeSession *session)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  SesameWindow *window;

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  dir = g_dir_make_tmp ("sesame-checks-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "plan.json", NULL);
  g_file_set_contents (path, test_plan, -1, &error);
  g_assert_no_error (error);
  plan = sesame_plan_load_from_file (path, catalog, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);

  window = sesame_window_new (NULL, plan, catalog, session);
  g_assert_true (sesame_window_set_page (window, "checks"));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  return window;
}

/* Reading the page as a person would */

static AdwExpanderRow *
find_row (SesameWindow *window,
          const char   *title)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  GtkWidget *row = gui_test_find (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, title);

  if (row == NULL)
    g_error ("No row “%s” on the checks page", title);

  return ADW_EXPANDER_ROW (row);
}

static AdwExpanderRow *
find_port_row (SesameWindow *window,
               guint         port)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);
  g_autofree char *prefix = g_strdup_printf ("TCP %u ", port);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));

      if (g_str_has_prefix (title, prefix))
        return g_ptr_array_index (rows, i);
    }

  g_error ("No row for TCP port %u on the checks page", port);
}

static gboolean
row_spinning (AdwExpanderRow *row)
{
  GtkWidget *spinner = gui_test_find (GTK_WIDGET (row), GTK_TYPE_SPINNER, NULL);

  g_assert_nonnull (spinner);
  return gtk_widget_get_visible (spinner) && gtk_spinner_get_spinning (GTK_SPINNER (spinner));
}

/* The icon a finished row shows, checking it says in words what it shows */
static const char *
row_icon (AdwExpanderRow *row)
{
  GtkWidget *icon = gui_test_find (GTK_WIDGET (row), GTK_TYPE_IMAGE, NULL);
  const char *name;

  /* The first image is the status icon, in front of the title */
  g_assert_nonnull (icon);
  g_assert_true (gtk_widget_get_visible (icon));
  name = gtk_image_get_icon_name (GTK_IMAGE (icon));
  g_assert_nonnull (gtk_widget_get_tooltip_text (icon));

  return name;
}

static const char *
row_subtitle (AdwExpanderRow *row)
{
  return adw_expander_row_get_subtitle (row);
}

/* The detail row @title under @row, opening @row as a person would */
static AdwActionRow *
find_detail (AdwExpanderRow *row,
             const char     *title)
{
  GtkWidget *detail;

  g_assert_true (adw_expander_row_get_enable_expansion (row));
  adw_expander_row_set_expanded (row, TRUE);
  detail = gui_test_find (GTK_WIDGET (row), ADW_TYPE_ACTION_ROW, title);

  if (detail == NULL)
    g_error ("No detail “%s” under “%s”", title, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));

  return ADW_ACTION_ROW (detail);
}

/* The value of the detail row @title under @row */
static const char *
row_detail (AdwExpanderRow *row,
            const char     *title)
{
  return adw_action_row_get_subtitle (find_detail (row, title));
}

static gboolean
contains (const char *text,
          const char *part)
{
  return text != NULL && strstr (text, part) != NULL;
}

static const char *
summary_title (SesameWindow *window)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  GtkWidget *label = gui_test_find (GTK_WIDGET (page), GTK_TYPE_LABEL, NULL);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
session_done (gpointer data)
{
  return !sesame_probe_session_get_running (data);
}

static gboolean
session_running (gpointer data)
{
  return sesame_probe_session_get_running (data);
}

/* The checks are over, and every row of the page of @window says so: a
 * run's news for many rows shows over a few frames */
static gboolean
page_done (gpointer data)
{
  SesameWindow *window = data;
  SesamePage *page = sesame_window_get_page (window, "checks");
  g_autoptr(GPtrArray) spinners = gui_test_find_all (GTK_WIDGET (page), GTK_TYPE_SPINNER, NULL);

  if (sesame_probe_session_get_running (sesame_window_get_session (window)) ||
      g_strcmp0 (summary_title (window), _("Checking your network…")) == 0)
    return FALSE;

  for (guint i = 0; i < spinners->len; i++)
    if (gtk_spinner_get_spinning (g_ptr_array_index (spinners, i)))
      return FALSE;

  return TRUE;
}

static gboolean
web_row_spinning (gpointer data)
{
  return row_spinning (find_port_row (data, WEB_PORT));
}

static void
assert_results (SesameWindow *window)
{
  AdwExpanderRow *address = find_row (window, _("Public Address"));
  AdwExpanderRow *web = find_port_row (window, WEB_PORT);
  AdwExpanderRow *ssh = find_port_row (window, SSH_PORT);
  g_autofree char *expected = NULL;

  /* The address the servers gave, with a good mark; no spinner left anywhere */
  g_assert_false (row_spinning (address));
  g_assert_cmpstr (row_icon (address), ==, "emblem-ok-symbolic");
  g_assert_true (contains (row_subtitle (address), PUBLIC_ADDRESS));

  /* The web server listens and is reachable: nothing to do */
  g_assert_false (row_spinning (web));
  g_assert_cmpstr (row_icon (web), ==, "emblem-ok-symbolic");
  g_assert_true (contains (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (web)), _("Website (HTTP)")));
  g_assert_cmpstr (row_detail (web, _("On this computer")), ==, _("Listening"));
  g_assert_cmpstr (row_detail (web, _("From the internet")), ==, _("Reachable"));

  /* Nothing listens for SSH: the row says so, and what to do */
  g_assert_false (row_spinning (ssh));
  g_assert_cmpstr (row_icon (ssh), ==, "dialog-error-symbolic");
  g_assert_cmpstr (row_detail (ssh, _("On this computer")), ==, _("Not listening"));
  /* …naming the service to start */
  g_assert_true (contains (row_subtitle (ssh), _("Remote login (SSH and SFTP)")));

  /* Every check has ended, one way or another */
  g_assert_false (row_spinning (find_row (window, _("Address Translation (NAT)"))));
  g_assert_false (row_spinning (find_row (window, _("Path to the Internet"))));
  g_assert_false (row_spinning (find_row (window, _("Router Automatic Setup"))));

  /* The summary counts what can be reached: the website, not SSH */
  expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u of %u port can be reached from the internet",
                                           "%u of %u ports can be reached from the internet",
                                           2),
                              1, 2);
  g_assert_cmpstr (summary_title (window), ==, expected);
  g_assert_true (sesame_page_get_complete (sesame_window_get_page (window, "checks")));
}

/* Spinners first, results as they come, and "Check Again" */
static void
test_live (void)
{
  g_autoptr(FakeInternet) net = NULL;
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window;
  SesamePage *page;
  GtkWidget *again;
  guint checks_before;

  if (!g_test_subprocess ())
    {
      if (!can_isolate ())
        {
          g_test_skip ("No network namespace can be made here (run under tests/netns-run)");
          return;
        }
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  enter_test_network ();
  net = fake_internet_new ();
  net->holding = TRUE;
  session = session_for (net);
  window = open_window (session);
  page = sesame_window_get_page (window, "checks");

  /* The checks started with the window; the page shows them running and
   * lets the person go on meanwhile */
  g_assert_true (sesame_probe_session_get_running (session));
  g_assert_true (sesame_page_get_complete (page));
  g_assert_true (gui_test_action_enabled (window, "next"));
  g_assert_true (row_spinning (find_row (window, _("Public Address"))));
  g_assert_true (row_spinning (find_row (window, _("Address Translation (NAT)"))));
  g_assert_true (row_spinning (find_port_row (window, WEB_PORT)));
  g_assert_cmpstr (summary_title (window), ==, _("Checking your network…"));
  gui_test_screenshot (window, "running");

  /* The answers come in; the rows follow */
  fake_internet_release (net);
  gui_test_wait_until (page_done, window, 10000);
  assert_results (window);
  /* Each server's answer is in the details */
  g_assert_true (contains (row_detail (find_row (window, _("Public Address")), net->ip_url), PUBLIC_ADDRESS));
  g_assert_true (contains (row_detail (find_row (window, _("Public Address")), net->stun_server), PUBLIC_ADDRESS));
  g_assert_cmpuint (net->stun_answers, >, 0);
  g_assert_cmpuint (net->checks, ==, 2);
  gui_test_screenshot (window, "finished");

  /* "Check Again" runs everything again, and the rows come back the same */
  again = gui_test_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, _("_Check Again"));
  g_assert_nonnull (again);
  g_assert_true (gui_test_is_shown (again));
  checks_before = net->checks;
  g_signal_emit_by_name (again, "clicked");
  g_assert_true (sesame_probe_session_get_running (session));
  g_assert_cmpstr (summary_title (window), ==, _("Checking your network…"));
  gui_test_wait_until (page_done, window, 10000);
  g_assert_cmpuint (net->checks, ==, checks_before + 2);
  assert_results (window);

  gui_test_close_window (window);
}

static guint
count_port_rows (SesameWindow *window)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);
  guint ports = 0;

  for (guint i = 0; i < rows->len; i++)
    if (g_str_has_prefix (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), "TCP "))
      ports++;

  return ports;
}

/* Stands for a frame clock that never rests: GTK's GL renderer on a CPU
 * without a GPU, or a loaded machine, redraws at its own priority all the
 * time, so the main loop is never idle */
static gboolean
busy_frame (gpointer data)
{
  guint *frames = data;

  (*frames)++;
  g_usleep (2000);

  return G_SOURCE_CONTINUE;
}

/* The checks start although the main loop is never idle, and end with
 * every answer: the person never watches spinners that wait for nothing */
static void
test_busy_main_loop (void)
{
  g_autoptr(FakeInternet) net = NULL;
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window;
  guint frames = 0;
  guint busy;

  if (!g_test_subprocess ())
    {
      if (!can_isolate ())
        {
          g_test_skip ("No network namespace can be made here (run under tests/netns-run)");
          return;
        }
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  enter_test_network ();
  net = fake_internet_new ();
  session = session_for (net);
  busy = g_idle_add_full (GDK_PRIORITY_REDRAW, busy_frame, &frames, NULL);
  window = open_window (session);

  gui_test_wait_until (page_done, window, 10000);
  g_assert_cmpuint (frames, >, 0);
  g_assert_cmpuint (net->stun_answers, >, 0);
  g_assert_cmpuint (net->checks, ==, 2);
  assert_results (window);

  g_source_remove (busy);
  gui_test_close_window (window);
}

/* A row the person opened stays where it is, open, while the checks fill
 * it in, and through "Check Again": nothing jumps or closes under them */
static void
test_rows_stay (void)
{
  g_autoptr(FakeInternet) net = NULL;
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window;
  SesamePage *page;
  AdwExpanderRow *address;
  AdwExpanderRow *web;
  AdwActionRow *reachable;
  GtkWidget *empty;

  if (!g_test_subprocess ())
    {
      if (!can_isolate ())
        {
          g_test_skip ("No network namespace can be made here (run under tests/netns-run)");
          return;
        }
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  enter_test_network ();
  net = fake_internet_new ();
  net->holding = TRUE;
  session = session_for (net);
  window = open_window (session);
  page = sesame_window_get_page (window, "checks");
  empty = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, _("No Ports to Check Yet"));
  g_assert_nonnull (empty);

  /* The person opens two rows while the checks run */
  address = find_row (window, _("Public Address"));
  web = find_port_row (window, WEB_PORT);
  reachable = find_detail (web, _("From the internet"));
  g_assert_cmpstr (adw_action_row_get_subtitle (reachable), ==, _("Checking…"));
  adw_expander_row_set_expanded (address, TRUE);
  g_assert_true (adw_expander_row_get_expanded (web));
  g_assert_cmpuint (count_port_rows (window), ==, 2);

  /* The answers fill in the same rows, still open */
  fake_internet_release (net);
  gui_test_wait_until (page_done, window, 10000);
  g_assert_true (find_row (window, _("Public Address")) == address);
  g_assert_true (find_port_row (window, WEB_PORT) == web);
  g_assert_true (adw_expander_row_get_expanded (address));
  g_assert_true (adw_expander_row_get_expanded (web));
  g_assert_true (find_detail (web, _("From the internet")) == reachable);
  g_assert_cmpstr (adw_action_row_get_subtitle (reachable), ==, _("Reachable"));
  g_assert_true (contains (row_detail (address, net->ip_url), PUBLIC_ADDRESS));
  g_assert_cmpuint (count_port_rows (window), ==, 2);
  gui_test_screenshot (window, "rows-open");

  /* "Check Again" starts over in the same rows: the ports stay listed,
   * checking again, and the rows stay open */
  net->holding = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (page), "checks.check-again", NULL);
  g_assert_true (sesame_probe_session_get_running (session));
  g_assert_cmpstr (summary_title (window), ==, _("Checking your network…"));
  g_assert_true (find_port_row (window, WEB_PORT) == web);
  g_assert_true (adw_expander_row_get_expanded (web));
  gui_test_wait_until (web_row_spinning, window, 1000);
  g_assert_false (gui_test_is_shown (empty));
  gui_test_iterate (200);
  g_assert_true (find_port_row (window, WEB_PORT) == web);
  g_assert_true (adw_expander_row_get_expanded (web));
  g_assert_true (adw_expander_row_get_expanded (address));
  g_assert_cmpstr (adw_action_row_get_subtitle (reachable), ==, _("Checking…"));
  g_assert_false (gui_test_is_shown (empty));
  g_assert_cmpuint (count_port_rows (window), ==, 2);

  fake_internet_release (net);
  gui_test_wait_until (page_done, window, 10000);
  g_assert_true (find_row (window, _("Public Address")) == address);
  g_assert_true (find_port_row (window, WEB_PORT) == web);
  g_assert_true (adw_expander_row_get_expanded (address));
  g_assert_true (adw_expander_row_get_expanded (web));
  g_assert_true (find_detail (web, _("From the internet")) == reachable);
  g_assert_cmpstr (adw_action_row_get_subtitle (reachable), ==, _("Reachable"));
  assert_results (window);

  gui_test_close_window (window);
}

/* Back while the checks run stops them quietly; coming back runs them again */
static void
test_back_cancels (void)
{
  g_autoptr(FakeInternet) net = NULL;
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window;

  if (!g_test_subprocess ())
    {
      if (!can_isolate ())
        {
          g_test_skip ("No network namespace can be made here (run under tests/netns-run)");
          return;
        }
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      /* Quietly: not a warning (they are fatal here anyway) */
      g_test_trap_assert_stderr_unmatched ("*WARNING*");
      g_test_trap_assert_stderr_unmatched ("*CRITICAL*");
      return;
    }

  enter_test_network ();
  net = fake_internet_new ();
  net->holding = TRUE;
  session = session_for (net);
  window = open_window (session);
  g_assert_true (sesame_probe_session_get_running (session));

  gui_test_activate (window, "back");
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "services");
  g_assert_false (sesame_probe_session_get_running (session));

  /* Late answers to the stopped run change nothing */
  fake_internet_release (net);
  gui_test_iterate (200);
  g_assert_false (sesame_probe_session_get_running (session));
  g_assert_null (sesame_probe_session_get_report (session));

  /* Nothing spins on the page left behind */
  g_assert_false (row_spinning (find_row (window, _("Public Address"))));
  g_assert_false (row_spinning (find_port_row (window, WEB_PORT)));
  g_assert_cmpstr (summary_title (window), ==, _("The checks were stopped"));

  /* Back on the page, the checks run again, to the end */
  gui_test_activate (window, "next");
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "checks");
  gui_test_wait_until (session_running, session, 1000);
  gui_test_wait_until (page_done, window, 10000);
  assert_results (window);

  gui_test_close_window (window);
}

/* Next while the checks run lets them finish: the checklist page's
 * settings report and port mappings need their results */
static void
test_next_continues (void)
{
  g_autoptr(FakeInternet) net = NULL;
  g_autoptr(SesameProbeSession) session = NULL;
  SesameWindow *window;

  if (!g_test_subprocess ())
    {
      if (!can_isolate ())
        {
          g_test_skip ("No network namespace can be made here (run under tests/netns-run)");
          return;
        }
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  enter_test_network ();
  net = fake_internet_new ();
  net->holding = TRUE;
  session = session_for (net);
  window = open_window (session);
  g_assert_true (sesame_probe_session_get_running (session));

  gui_test_activate (window, "next");
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "checklist");
  g_assert_true (sesame_probe_session_get_running (session));

  fake_internet_release (net);
  gui_test_wait_until (session_done, session, 10000);
  g_assert_true (sesame_probe_session_get_finished (session));
  g_assert_cmpstr (sesame_probe_session_get_report (session)->external_ipv4, ==, PUBLIC_ADDRESS);

  gui_test_close_window (window);
}

/* Told not to contact the internet, the external checks say so instead of failing */
static void
test_no_internet (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "checks", NULL);
  SesameProbeSession *session = sesame_window_get_session (window);
  AdwExpanderRow *address;
  AdwExpanderRow *nat;
  AdwExpanderRow *web;
  g_autoptr(GPtrArray) chain = NULL;
  gboolean row_in_chain = FALSE;
  GtkWidget *again;

  g_assert_false (sesame_probe_session_get_internet (session));
  gui_test_wait_until (page_done, window, 10000);

  address = find_row (window, _("Public Address"));
  nat = find_row (window, _("Address Translation (NAT)"));
  web = find_port_row (window, WEB_PORT);

  g_assert_cmpstr (row_subtitle (address), ==,
                   _("Not checked: Sesame was told not to contact servers on the internet."));
  g_assert_cmpstr (row_icon (address), ==, "dialog-question-symbolic");
  g_assert_cmpstr (row_subtitle (nat), ==,
                   _("Not checked: Sesame was told not to contact servers on the internet."));
  g_assert_false (row_spinning (web));
  g_assert_cmpstr (row_detail (web, _("From the internet")), ==, C_("answer", "Not checked"));
  g_assert_true (sesame_page_get_complete (sesame_window_get_page (window, "checks")));

  /* The keyboard reaches "Check Again" and the rows */
  again = gui_test_find (GTK_WIDGET (sesame_window_get_page (window, "checks")),
                         GTK_TYPE_BUTTON, _("_Check Again"));
  chain = gui_test_focus_chain (window, 60);
  g_assert_true (g_ptr_array_find (chain, again, NULL));
  for (guint i = 0; i < chain->len; i++)
    if (gtk_widget_is_ancestor (g_ptr_array_index (chain, i), GTK_WIDGET (address)))
      row_in_chain = TRUE;
  g_assert_true (row_in_chain);

  gui_test_close_window (window);
}

/* A plan without a server yet has no ports: the page says what to do */
static void
test_no_ports (void)
{
  SesameWindow *window = gui_test_open_window (NULL, "en", "checks", NULL);
  SesamePage *page = sesame_window_get_page (window, "checks");
  GtkWidget *empty = gui_test_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, _("No Ports to Check Yet"));
  GtkWidget *services;

  g_assert_nonnull (empty);
  g_assert_true (gui_test_is_shown (empty));
  services = gui_test_find (empty, GTK_TYPE_BUTTON, _("Choose _Services"));
  g_assert_nonnull (services);
  g_assert_true (sesame_page_get_complete (page));

  g_signal_emit_by_name (services, "clicked");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "services");

  gui_test_close_window (window);
}

void
gui_test_add_checks_page_tests (void)
{
  g_test_add_func ("/gui/checks/live", test_live);
  g_test_add_func ("/gui/checks/busy-main-loop", test_busy_main_loop);
  g_test_add_func ("/gui/checks/rows-stay", test_rows_stay);
  g_test_add_func ("/gui/checks/back-cancels", test_back_cancels);
  g_test_add_func ("/gui/checks/next-continues", test_next_continues);
  g_test_add_func ("/gui/checks/no-internet", test_no_internet);
  g_test_add_func ("/gui/checks/no-ports", test_no_ports);
}
