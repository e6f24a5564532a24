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
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-checklist-writer.h"
#include "sesame-findings.h"
#include "sesame-glossary.h"
#include "sesame-gui.h"
#include "sesame-settings-report.h"
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

/* Whether @row says its check is still to come: its status icon (the
 * first image, in front of the title) says "Checking" (the one spinner is
 * the summary's) */
static gboolean
row_checking (AdwExpanderRow *row)
{
  GtkWidget *icon = gui_test_find (GTK_WIDGET (row), GTK_TYPE_IMAGE, NULL);

  g_assert_nonnull (icon);
  return gtk_widget_get_visible (icon) &&
         g_strcmp0 (sesame_gui_get_tooltip (icon), C_("check", "Checking")) == 0;
}

/* Whether @row is a port's row: "TCP 80 — Website (HTTP)" */
static gboolean
is_port_row (AdwExpanderRow *row)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  return g_str_has_prefix (title, "TCP ") || g_str_has_prefix (title, "UDP ");
}

/* A port's row speaks of its own port alone: the only port its verdict
 * names, if any, is the one in its title */
static void
assert_row_names_own_port (AdwExpanderRow *row)
{
  g_autoptr(GRegex) regex = g_regex_new ("(TCP|UDP) [0-9]+", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_auto(GStrv) words = g_strsplit (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), " ", 3);
  g_autofree char *own = g_strdup_printf ("%s %s", words[0], words[1]);
  const char *subtitle = adw_expander_row_get_subtitle (row);

  g_regex_match (regex, subtitle != NULL ? subtitle : "", 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *named = g_match_info_fetch (match, 0);

      if (g_strcmp0 (named, own) != 0)
        g_error ("The row of %s names %s: “%s”", own, named, subtitle);
    }
}

/* The words of @finding on @row: on a port's row what it says of that
 * port alone, elsewhere its title */
static const char *
shown_title (AdwExpanderRow      *row,
             const SesameFinding *finding)
{
  return is_port_row (row) ? sesame_finding_get_port_title (finding) : finding->title;
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
  g_assert_nonnull (sesame_gui_get_tooltip (icon));

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
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);

  if (sesame_probe_session_get_running (sesame_window_get_session (window)) ||
      g_strcmp0 (summary_title (window), _("Checking your network…")) == 0)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    if (row_checking (g_ptr_array_index (rows, i)))
      return FALSE;

  return TRUE;
}

static gboolean
web_row_checking (gpointer data)
{
  return row_checking (find_port_row (data, WEB_PORT));
}

/* What the session's report means for the window's plan, in the words
 * of the checklist, the settings report and sesame-cli (in the UI language) */
static GPtrArray *
window_findings (SesameWindow *window)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  const SesameProbeReport *report = sesame_probe_session_get_report (sesame_window_get_session (window));
  g_autoptr(GError) error = NULL;
  GPtrArray *findings;

  g_assert_nonnull (report);
  findings = sesame_findings_new (sesame_page_get_plan (page), sesame_page_get_catalog (page),
                                  report, sesame_gui_get_ui_language (), &error);
  g_assert_no_error (error);

  return findings;
}

static const SesameFinding *
expect_finding (GPtrArray  *findings,
                const char *id)
{
  const SesameFinding *finding = sesame_findings_lookup (findings, id);

  if (finding == NULL)
    g_error ("No finding “%s”", id);

  return finding;
}

/* Whether @text has @line as one of its lines */
static gboolean
has_line (const char *text,
          const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  return g_strv_contains ((const char * const *) lines, line);
}

/* What to do about the finding whose text is in @detail: the detail after it */
static const char *
action_after (AdwExpanderRow *row,
              GtkWidget      *detail)
{
  g_autoptr(GPtrArray) details = gui_test_find_all (GTK_WIDGET (row), ADW_TYPE_ACTION_ROW, NULL);
  guint index;

  g_assert_true (g_ptr_array_find (details, detail, &index));
  g_assert_cmpuint (index + 1, <, details->len);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (details, index + 1)), ==, C_("check", "What to do"));

  return adw_action_row_get_subtitle (g_ptr_array_index (details, index + 1));
}

static void
assert_results (SesameWindow *window)
{
  AdwExpanderRow *address = find_row (window, _("Public Address"));
  AdwExpanderRow *web = find_port_row (window, WEB_PORT);
  AdwExpanderRow *ssh = find_port_row (window, SSH_PORT);
  g_autoptr(GPtrArray) findings = window_findings (window);
  const SesameFinding *not_listening = expect_finding (findings, "port-not-listening");
  g_autofree char *expected = NULL;

  /* The address the servers gave, with a good mark; nothing left checking */
  g_assert_false (row_checking (address));
  g_assert_cmpstr (row_icon (address), ==, "emblem-ok-symbolic");
  g_assert_true (contains (row_subtitle (address), PUBLIC_ADDRESS));

  /* The web server listens and is reachable: nothing to do */
  g_assert_false (row_checking (web));
  g_assert_cmpstr (row_icon (web), ==, "emblem-ok-symbolic");
  g_assert_true (contains (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (web)), _("Website (HTTP)")));
  g_assert_cmpstr (row_detail (web, _("On this computer")), ==, _("Listening"));
  g_assert_cmpstr (row_detail (web, _("From the internet")), ==, _("Reachable"));

  /* Nothing listens for SSH: the row says so in the finding's words, and what to do */
  g_assert_false (row_checking (ssh));
  g_assert_cmpstr (row_icon (ssh), ==, "dialog-warning-symbolic");
  g_assert_cmpstr (row_detail (ssh, _("On this computer")), ==, _("Not listening"));
  g_assert_true (has_line (row_subtitle (ssh), sesame_finding_get_port_title (not_listening)));
  g_assert_cmpstr (row_detail (ssh, sesame_finding_get_port_title (not_listening)), ==, not_listening->text);
  g_assert_cmpstr (action_after (ssh, GTK_WIDGET (find_detail (ssh, sesame_finding_get_port_title (not_listening)))),
                   ==, not_listening->action);
  /* …of this port alone, not of every port nothing listens on */
  g_assert_false (contains (row_subtitle (ssh), not_listening->title));
  /* …naming the service to start */
  g_assert_true (contains (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (ssh)), _("Remote login (SSH and SFTP)")));

  /* Every check has ended, one way or another */
  g_assert_false (row_checking (find_row (window, _("Address Translation (NAT)"))));
  g_assert_false (row_checking (find_row (window, _("Path to the Internet"))));
  g_assert_false (row_checking (find_row (window, _("Router Automatic Setup"))));

  /* The summary counts what can be reached: the website, and SSH only
   * when Sesame could listen there itself for the check (a temporary
   * listener: nothing of SSH's own answers) */
  expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u of %u port can be reached from the internet",
                                           "%u of %u ports can be reached from the internet",
                                           2),
                              g_strcmp0 (row_detail (ssh, _("From the internet")), _("Reachable")) == 0 ? 2 : 1, 2);
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
  g_assert_true (row_checking (find_row (window, _("Public Address"))));
  g_assert_true (row_checking (find_row (window, _("Address Translation (NAT)"))));
  g_assert_true (row_checking (find_port_row (window, WEB_PORT)));
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
  gui_test_wait_until (web_row_checking, window, 1000);
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
  g_assert_false (row_checking (find_row (window, _("Public Address"))));
  g_assert_false (row_checking (find_port_row (window, WEB_PORT)));
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
  g_assert_false (row_checking (web));
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

/* Saved results */

/* The lab's profiles (tests/integration/test-probe.py), as saved by
 * sesame-cli probe --json for the seed plan */
static const char * const profiles[] = {
  "full-cone", "restricted-cone", "port-restricted-cone", "symmetric",
  "cgnat", "double-nat", "udp-blocked", "open",
};

static char *
report_path (const char *profile)
{
  g_autofree char *name = g_strconcat (profile, ".json", NULL);

  return g_test_build_filename (G_TEST_DIST, "data", "reports", name, NULL);
}

static SesameProbeReport *
load_report (const char *profile)
{
  g_autofree char *path = report_path (profile);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  SesameProbeReport *report;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  report = sesame_probe_report_new_from_json (bytes, &error);
  g_assert_no_error (error);

  return report;
}

/* Every row of the page, opened, so that its details are made */
static GPtrArray *
open_all_rows (SesameWindow *window)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  GPtrArray *rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);

  for (guint i = 0; i < rows->len; i++)
    if (adw_expander_row_get_enable_expansion (g_ptr_array_index (rows, i)))
      adw_expander_row_set_expanded (g_ptr_array_index (rows, i), TRUE);
  gui_test_iterate (50);

  return rows;
}

/* Whether some row of the page shows @finding in its subtitle */
static gboolean
page_shows_finding (SesameWindow        *window,
                    const SesameFinding *finding)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);

  for (guint i = 0; i < rows->len; i++)
    if (has_line (row_subtitle (g_ptr_array_index (rows, i)), shown_title (g_ptr_array_index (rows, i), finding)))
      return TRUE;

  return FALSE;
}

/* What the row of a port (its title "TCP 80 — …") should say: what each
 * of @findings that concerns the rows of the plan carrying that port (or
 * the port alone, outside the plan) says of that port, one a line; %NULL
 * when none does */
static char *
port_row_expected (SesameWindow   *window,
                   AdwExpanderRow *row,
                   GPtrArray      *findings)
{
  SesamePage *page = sesame_window_get_page (window, "checks");
  g_autoptr(SesameChecklist) checklist = sesame_checklist_new (sesame_page_get_plan (page),
                                                               sesame_page_get_catalog (page), "en", NULL);
  GPtrArray *forwards = checklist != NULL ? sesame_checklist_get_forwards (checklist) : NULL;
  g_auto(GStrv) words = g_strsplit (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), " ", 3);
  SesameProtocol protocol = g_str_equal (words[0], "TCP") ? SESAME_PROTOCOL_TCP : SESAME_PROTOCOL_UDP;
  guint port = (guint) g_ascii_strtoull (words[1], NULL, 10);
  SesamePortRange range = { port, port };
  g_autoptr(GString) expected = g_string_new (NULL);

  for (guint i = 0; i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);
      gboolean carried = FALSE;
      gboolean concerns = FALSE;

      for (guint f = 0; forwards != NULL && f < forwards->len && !concerns; f++)
        {
          const SesameForward *forward = g_ptr_array_index (forwards, f);

          if (forward->protocol != protocol || !sesame_port_range_overlaps (&forward->internal, &range))
            continue;
          carried = TRUE;
          concerns = sesame_finding_concerns (finding, protocol, &forward->external, &forward->internal);
        }
      if (!carried)
        concerns = sesame_finding_concerns (finding, protocol, &range, &range);

      if (concerns)
        {
          if (expected->len > 0)
            g_string_append_c (expected, '\n');
          g_string_append (expected, sesame_finding_get_port_title (finding));
        }
    }

  return expected->len > 0 ? g_strdup (expected->str) : NULL;
}

typedef struct
{
  SesameWindow *window;
  GPtrArray    *findings;   /* element-type SesameFinding */
} Expected;

/* Every finding's title shows on some row, and every port's row says
 * what the findings say of that port: the page has caught up */
static gboolean
page_shows_findings (gpointer data)
{
  Expected *expected = data;
  SesamePage *page = sesame_window_get_page (expected->window, "checks");
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);

  if (!page_done (expected->window))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      AdwExpanderRow *row = g_ptr_array_index (rows, i);
      g_autofree char *verdict = is_port_row (row) ? port_row_expected (expected->window, row, expected->findings) : NULL;

      if (verdict != NULL && g_strcmp0 (row_subtitle (row), verdict) != 0)
        return FALSE;
    }

  for (guint i = 0; i < expected->findings->len; i++)
    if (!page_shows_finding (expected->window, g_ptr_array_index (expected->findings, i)))
      return FALSE;

  return TRUE;
}

/* The window on the checks page with the seed plan, its own run over, then
 * showing the saved results of @profile */
static SesameWindow *
open_with_report (const char  *profile,
                  GPtrArray  **findings)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", NULL, "checks", NULL);
  SesameProbeSession *session = sesame_window_get_session (window);
  Expected expected = { window, NULL };

  /* A network that stays as it is: the namespace's first changes would
   * otherwise run the checks again over the saved results (the window
   * waits a second for the network to settle before it does) */
  g_signal_handlers_disconnect_matched (g_network_monitor_get_default (), G_SIGNAL_MATCH_DATA,
                                        0, 0, NULL, NULL, window);
  gui_test_wait_until (page_done, window, 10000);
  gui_test_iterate (1200);
  gui_test_wait_until (page_done, window, 10000);
  sesame_probe_session_set_report (session, load_report (profile));
  expected.findings = window_findings (window);
  gui_test_wait_until (page_shows_findings, &expected, 5000);

  *findings = expected.findings;
  return window;
}

/* Behind carrier-grade NAT the page says first that no forwarding can
 * work, the NAT row says it too, and nothing on the page tells that
 * forwarded ports work */
static void
test_cgnat (void)
{
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) elsewhere = NULL;
  g_autoptr(SesameProbeReport) direct = load_report ("port-restricted-cone");
  SesameWindow *window = open_with_report ("cgnat", &findings);
  SesamePage *page = sesame_window_get_page (window, "checks");
  const SesameFinding *cgnat = expect_finding (findings, "cgnat");
  const SesameFinding *nat_elsewhere;
  AdwExpanderRow *path = find_row (window, _("Path to the Internet"));
  AdwExpanderRow *nat = find_row (window, _("Address Translation (NAT)"));
  AdwExpanderRow *web = find_port_row (window, WEB_PORT);

  /* The same NAT, straight on the internet: there forwarded ports work */
  elsewhere = sesame_findings_new (sesame_page_get_plan (page), sesame_page_get_catalog (page),
                                   direct, sesame_gui_get_ui_language (), NULL);
  nat_elsewhere = expect_finding (elsewhere, "nat");
  g_assert_null (sesame_findings_lookup (findings, "nat"));

  /* The blocker first: in the summary, on the path, and what to do instead */
  g_assert_cmpstr (summary_title (window), ==, cgnat->title);
  g_assert_cmpstr (row_icon (path), ==, "dialog-error-symbolic");
  g_assert_true (has_line (row_subtitle (path), cgnat->title));
  g_assert_cmpstr (row_detail (path, cgnat->title), ==, cgnat->text);
  g_assert_cmpstr (action_after (path, GTK_WIDGET (find_detail (path, cgnat->title))), ==, cgnat->action);

  /* The NAT row under it is no good news */
  g_assert_cmpstr (row_icon (nat), ==, "dialog-error-symbolic");
  g_assert_true (has_line (row_subtitle (nat), cgnat->title));

  /* A port that listens cannot be reached either, and the row says why */
  g_assert_cmpstr (row_icon (web), ==, "dialog-error-symbolic");
  g_assert_true (has_line (row_subtitle (web), cgnat->title));

  /* Nowhere a green mark on the way in, nor "forwarded ports work" */
  rows = open_all_rows (window);
  for (guint i = 0; i < rows->len; i++)
    {
      AdwExpanderRow *row = g_ptr_array_index (rows, i);

      if (row != find_row (window, _("Public Address")))
        g_assert_cmpstr (row_icon (row), !=, "emblem-ok-symbolic");
    }
  labels = gui_test_find_all (GTK_WIDGET (page), GTK_TYPE_LABEL, NULL);
  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_text (g_ptr_array_index (labels, i));

      g_assert_false (contains (text, nat_elsewhere->text));
      g_assert_false (contains (text, nat_elsewhere->title));
    }
  gui_test_screenshot (window, "cgnat");

  gui_test_close_window (window);
}

/* The expander row that shows @finding among its findings */
static AdwExpanderRow *
row_of (GPtrArray           *rows,
        const SesameFinding *finding)
{
  for (guint i = 0; i < rows->len; i++)
    {
      AdwExpanderRow *row = g_ptr_array_index (rows, i);

      if (has_line (row_subtitle (row), shown_title (row, finding)) &&
          gui_test_find (GTK_WIDGET (row), ADW_TYPE_ACTION_ROW, shown_title (row, finding)) != NULL)
        return row;
    }

  g_error ("No row shows “%s”", finding->title);
}

/* What a sesame-cli command writes to standard output */
static char *
run_cli (const char * const *args)
{
  g_autofree char *cli = g_test_build_filename (G_TEST_BUILT, "..", "src", "cli", "sesame-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return out;
}

/* The checks page, the checklist (JSON findings) and the settings report
 * of sesame-cli, and the report the wizard exports, word for word alike
 * on every finding, for each of the lab's profiles */
static void
test_findings_agree (void)
{
  const char *language = sesame_gui_get_ui_language ();
  g_autofree char *plan_path = g_test_build_filename (G_TEST_DIST, "data", "seed-plan.json", NULL);

  for (guint p = 0; p < G_N_ELEMENTS (profiles); p++)
    {
      g_autoptr(GPtrArray) findings = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(SesameChecklist) checklist = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *path = report_path (profiles[p]);
      g_autofree char *json = NULL;
      g_autofree char *report = NULL;
      g_autofree char *exported = NULL;
      const char *checklist_args[] = { "checklist", "--plan", plan_path, "--probe-report", path,
                                       "--lang", language, "--format", "json", NULL };
      const char *report_args[] = { "report", "--plan", plan_path, "--probe-report", path,
                                    "--lang", language, "--format", "text", NULL };
      SesameWindow *window = open_with_report (profiles[p], &findings);
      SesamePage *page = sesame_window_get_page (window, "checks");
      JsonArray *listed;

      g_test_message ("%s: %u findings", profiles[p], findings->len);
      g_assert_cmpuint (findings->len, >, 0);

      /* sesame-cli checklist --probe-report: the same findings, in the same order */
      json = run_cli (checklist_args);
      json_parser_load_from_data (parser, json, -1, &error);
      g_assert_no_error (error);
      listed = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "findings");
      g_assert_cmpuint (json_array_get_length (listed), ==, findings->len);

      /* sesame-cli report, and the settings report of the wizard's checklist */
      report = run_cli (report_args);
      checklist = sesame_checklist_new (sesame_page_get_plan (page), sesame_page_get_catalog (page), language, &error);
      g_assert_no_error (error);
      sesame_checklist_set_findings (checklist, findings);
      exported = sesame_settings_report_write (checklist, sesame_probe_session_get_report (sesame_window_get_session (window)),
                                               SESAME_EXPORT_FORMAT_TEXT);

      rows = open_all_rows (window);
      for (guint i = 0; i < findings->len; i++)
        {
          const SesameFinding *finding = g_ptr_array_index (findings, i);
          JsonObject *object = json_array_get_object_element (listed, i);
          AdwExpanderRow *row = row_of (rows, finding);
          GtkWidget *detail = gui_test_find (GTK_WIDGET (row), ADW_TYPE_ACTION_ROW, shown_title (row, finding));

          g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, finding->id);
          g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, finding->title);
          g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, finding->text);
          g_assert_cmpstr (json_object_get_string_member_with_default (object, "action", NULL), ==, finding->action);

          /* The page: the title on the row, what it means and what to do under it */
          g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (detail)), ==, finding->text);
          if (finding->action != NULL)
            g_assert_cmpstr (action_after (row, detail), ==, finding->action);

          /* The settings reports tell what needs the person, in the same words */
          if (finding->severity != SESAME_FINDING_SEVERITY_OK)
            {
              g_assert_true (contains (report, finding->title));
              g_assert_true (contains (report, finding->text));
              g_assert_true (contains (exported, finding->title));
              g_assert_true (contains (exported, finding->text));
              if (finding->action != NULL)
                {
                  g_assert_true (contains (report, finding->action));
                  g_assert_true (contains (exported, finding->action));
                }
            }
        }

      /* Each port's row says what the findings say of that port, never
       * the list of every port of a kind */
      for (guint i = 0; i < rows->len; i++)
        if (is_port_row (g_ptr_array_index (rows, i)))
          assert_row_names_own_port (g_ptr_array_index (rows, i));

      gui_test_close_window (window);
    }
}

/* What a verdict row explains while it shows no finding: what it checks */
static const char *
row_topic (AdwExpanderRow *row)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  if (g_strcmp0 (title, _("Public Address")) == 0)
    return "public-address";
  if (g_strcmp0 (title, _("Address Translation (NAT)")) == 0)
    return "nat";
  if (g_strcmp0 (title, _("Path to the Internet")) == 0)
    return "path";
  if (g_strcmp0 (title, _("Router Automatic Setup")) == 0)
    return "router";

  return "port";
}

static GtkMenuButton *
explain_button (AdwExpanderRow *row)
{
  g_autoptr(GPtrArray) buttons = gui_test_find_all (GTK_WIDGET (row), GTK_TYPE_MENU_BUTTON, NULL);

  g_assert_cmpuint (buttons->len, ==, 1);
  return g_ptr_array_index (buttons, 0);
}

static const char *
explanation_text (AdwExpanderRow *row)
{
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (explain_button (row)));

  return gtk_label_get_text (GTK_LABEL (gtk_popover_get_child (GTK_POPOVER (popover))));
}

/* What @row should explain, given the findings it shows: each finding's
 * explanation, else what it checks; NULL when it explains something else */
static gboolean
row_explained (AdwExpanderRow *row,
               GPtrArray      *findings,
               GHashTable     *seen)
{
  SesameTranslation *tr = sesame_translation_get_for_language (sesame_gui_get_ui_language (), NULL);
  const char *text = explanation_text (row);
  gboolean any = FALSE;

  for (guint f = 0; f < findings->len; f++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, f);

      if (!has_line (row_subtitle (row), shown_title (row, finding)))
        continue;
      if (finding->explanation == NULL || !has_line (text, finding->explanation))
        return FALSE;
      if (seen != NULL)
        g_hash_table_add (seen, g_strdup (finding->id));
      any = TRUE;
    }

  return any || g_strcmp0 (text, sesame_glossary_explain (tr, row_topic (row))) == 0;
}

typedef struct
{
  SesameWindow *window;
  GPtrArray    *findings;
} Explained;

/* Every row has caught up with the report: news for many rows is spread
 * over a few frames */
static gboolean
page_explained (gpointer data)
{
  Explained *explained = data;
  SesamePage *page = sesame_window_get_page (explained->window, "checks");
  g_autoptr(GPtrArray) rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);

  for (guint i = 0; i < rows->len; i++)
    if (!row_explained (g_ptr_array_index (rows, i), explained->findings, NULL))
      return FALSE;

  return TRUE;
}

/* Issue 10, item 10: every verdict row has "What does this mean?", a
 * button the keyboard reaches, named for screen readers, whose popover
 * says in plain words, in the UI language, what the row's findings mean
 * (NAT type, carrier-grade or double NAT, UDP blocked, automatic setup,
 * each port's state), or what the row checks while it has none */
static void
test_explanations (void)
{
  static const char * const shown[] = { "full-cone", "cgnat", "double-nat", "udp-blocked", "symmetric" };
  static const char * const ids[] = { "nat", "cgnat", "double-nat", "udp-blocked", "router-automatic",
                                      "direct", "port-reachable", "port-not-listening" };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint p = 0; p < G_N_ELEMENTS (shown); p++)
    {
      g_autoptr(GPtrArray) findings = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GPtrArray) chain = NULL;
      SesameWindow *window = open_with_report (shown[p], &findings);
      SesamePage *page = sesame_window_get_page (window, "checks");
      Explained explained = { window, findings };

      gui_test_wait_until (page_explained, &explained, 10000);

      /* Opened, it shows its line */
      if (p == 0)
        {
          GtkMenuButton *nat = explain_button (find_row (window, _("Address Translation (NAT)")));

          gtk_menu_button_popup (nat);
          gui_test_iterate (100);
          g_assert_true (gtk_widget_get_mapped (gtk_popover_get_child (gtk_menu_button_get_popover (nat))));
          gui_test_screenshot (window, "explanation");
          gtk_menu_button_popdown (nat);
          gui_test_iterate (50);
        }

      rows = gui_test_find_all (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, NULL);
      g_assert_cmpuint (rows->len, >=, 5);
      chain = gui_test_focus_chain (window, 400);

      for (guint i = 0; i < rows->len; i++)
        {
          AdwExpanderRow *row = g_ptr_array_index (rows, i);
          GtkMenuButton *button = explain_button (row);
          const char *text = explanation_text (row);

          g_assert_true (gui_test_is_shown (GTK_WIDGET (button)));
          gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                               _("What does this mean?"));
          gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text);
          g_assert_true (gui_test_chain_reaches (chain, GTK_WIDGET (button)));
          g_assert_cmpstr (text, !=, "");
          if (gui_test_ui_is_japanese ())
            g_assert_false (g_str_is_ascii (text));
          if (!row_explained (row, findings, seen))
            g_error ("The row “%s” (%s) explains “%s”",
                     adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), shown[p], text);
        }

      gui_test_close_window (window);
    }

  /* The words a person may not know, each met in plain words */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (!g_hash_table_contains (seen, ids[i]))
      g_error ("No row explained “%s”", ids[i]);
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
  g_test_add_func ("/gui/checks/cgnat", test_cgnat);
  g_test_add_func ("/gui/checks/findings-agree", test_findings_agree);
  g_test_add_func ("/gui/checks/explanations", test_explanations);
}
