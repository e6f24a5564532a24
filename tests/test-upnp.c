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
#include <libgupnp/gupnp.h>

#include "sesame-upnp-client.h"

#define WANIP_TYPE    "urn:schemas-upnp-org:service:WANIPConnection:1"
#define SLACK_MS      200   /* what a deadline may overrun by */
#define SAFETY_MS     10000 /* a test that waits longer has hung */

static char *network_skip_reason;  /* nullable: why the network cases cannot run */
static guint16 next_port = 20000;   /* for the fake router's context */

/* The network namespace */

static gboolean
write_file (const char *path,
            const char *text)
{
  int fd = open (path, O_WRONLY);
  gboolean ok;

  if (fd < 0)
    return FALSE;

  ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  close (fd);
  return ok;
}

/* Called first thing in main(), while the process has one thread: unshare
 * (CLONE_NEWUSER) refuses a multi-threaded process. */
static void
enter_private_network (void)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();
  struct ifreq ifr = { 0 };
  int fd;

  if (uid == 0)
    {
      if (unshare (CLONE_NEWNET) != 0)
        {
          network_skip_reason = g_strdup_printf ("unshare(CLONE_NEWNET): %s",
                                                 g_strerror (errno));
          return;
        }
    }
  else
    {
      char map[64];

      if (unshare (CLONE_NEWUSER | CLONE_NEWNET) != 0)
        {
          network_skip_reason =
            g_strdup_printf ("not root, and no user namespace: unshare(CLONE_NEWUSER): %s",
                             g_strerror (errno));
          return;
        }

      /* Keep our own ids, so that files in the temporary directories stay ours */
      g_snprintf (map, sizeof map, "%u %u 1\n", (guint) uid, (guint) uid);
      write_file ("/proc/self/uid_map", map);
      write_file ("/proc/self/setgroups", "deny\n");
      g_snprintf (map, sizeof map, "%u %u 1\n", (guint) gid, (guint) gid);
      write_file ("/proc/self/gid_map", map);
    }

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_strlcpy (ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  if (fd < 0 || ioctl (fd, SIOCGIFFLAGS, &ifr) != 0)
    {
      network_skip_reason = g_strdup_printf ("SIOCGIFFLAGS lo: %s", g_strerror (errno));
    }
  else
    {
      ifr.ifr_flags |= IFF_UP | IFF_MULTICAST;
      if (ioctl (fd, SIOCSIFFLAGS, &ifr) != 0)
        network_skip_reason = g_strdup_printf ("SIOCSIFFLAGS lo: %s", g_strerror (errno));
    }

  if (fd >= 0)
    close (fd);
}

static gboolean
skip_without_network (void)
{
  if (network_skip_reason == NULL)
    return FALSE;

  g_test_skip (network_skip_reason);
  return TRUE;
}

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

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The fake router: an InternetGatewayDevice:1 whose first WANConnectionDevice has
 * only WANPPPConnection:1 and whose second has WANIPConnection:1, which the client
 * must prefer. Entries are kept as the eight texts GetGenericPortMappingEntry
 * answers, so that tests can put anything in them. */

enum {
  F_REMOTE_HOST, F_EXTERNAL_PORT, F_PROTOCOL, F_INTERNAL_PORT, F_INTERNAL_CLIENT,
  F_ENABLED, F_DESCRIPTION, F_LEASE, N_FIELDS
};

static const char * const field_names[N_FIELDS] = {
  "NewRemoteHost", "NewExternalPort", "NewProtocol", "NewInternalPort",
  "NewInternalClient", "NewEnabled", "NewPortMappingDescription", "NewLeaseDuration",
};

typedef struct
{
  char             *dir;
  GUPnPContext     *context;
  GUPnPRootDevice  *root;
  GPtrArray        *keep;               /* element-type GObject: devices and services */
  GPtrArray        *entries;            /* element-type GStrv, N_FIELDS texts */
  GPtrArray        *pending;            /* element-type GUPnPServiceAction: not answered */

  char             *external_address;
  gboolean          hang;               /* answer no action at all */
  int               refuse_code;        /* answer every mapping change with this, 0 = no */
  gboolean          permanent_only;     /* 725 for a finite lease */
  guint             n_actions;
} FakeIgd;

static const char * const action_names[] = {
  "GetExternalIPAddress", "GetGenericPortMappingEntry", "AddPortMapping", "DeletePortMapping",
};

static const char scpd_xml[] =
  "<?xml version=\"1.0\"?>\n"
  "<scpd xmlns=\"urn:schemas-upnp-org:service-1-0\">\n"
  "  <specVersion><major>1</major><minor>0</minor></specVersion>\n"
  "  <actionList>\n"
  "    <action><name>GetExternalIPAddress</name><argumentList>\n"
  "      <argument><name>NewExternalIPAddress</name><direction>out</direction>"
  "<relatedStateVariable>ExternalIPAddress</relatedStateVariable></argument>\n"
  "    </argumentList></action>\n"
  "  </actionList>\n"
  "  <serviceStateTable>\n"
  "    <stateVariable sendEvents=\"no\"><name>ExternalIPAddress</name>"
  "<dataType>string</dataType></stateVariable>\n"
  "  </serviceStateTable>\n"
  "</scpd>\n";

static char *
description_xml (const char *friendly_name)
{
  return g_strdup_printf (
    "<?xml version=\"1.0\"?>\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n"
    "  <specVersion><major>1</major><minor>0</minor></specVersion>\n"
    "  <device>\n"
    "    <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>\n"
    "    <friendlyName>%s</friendlyName>\n"
    "    <manufacturer>Sesame Test Works</manufacturer>\n"
    "    <modelName>Fake IGD</modelName>\n"
    "    <modelNumber>FI-1</modelNumber>\n"
    "    <modelDescription>An in-process router for tests</modelDescription>\n"
    "    <UDN>uuid:5e5a3e00-0000-4000-8000-000000000001</UDN>\n"
    "    <presentationURL>/admin/</presentationURL>\n"
    "    <deviceList><device>\n"
    "      <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>\n"
    "      <friendlyName>WAN</friendlyName><manufacturer>Sesame</manufacturer>"
    "<modelName>WAN</modelName>\n"
    "      <UDN>uuid:5e5a3e00-0000-4000-8000-000000000002</UDN>\n"
    "      <deviceList>\n"
    "        <device>\n"
    "          <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>\n"
    "          <friendlyName>PPP</friendlyName><manufacturer>Sesame</manufacturer>"
    "<modelName>PPP</modelName>\n"
    "          <UDN>uuid:5e5a3e00-0000-4000-8000-000000000003</UDN>\n"
    "          <serviceList><service>\n"
    "            <serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType>\n"
    "            <serviceId>urn:upnp-org:serviceId:WANPPPConn1</serviceId>\n"
    "            <SCPDURL>/WANIPConnection.xml</SCPDURL>\n"
    "            <controlURL>/ctl/PPPConn</controlURL>\n"
    "            <eventSubURL>/evt/PPPConn</eventSubURL>\n"
    "          </service></serviceList>\n"
    "        </device>\n"
    "        <device>\n"
    "          <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>\n"
    "          <friendlyName>IP</friendlyName><manufacturer>Sesame</manufacturer>"
    "<modelName>IP</modelName>\n"
    "          <UDN>uuid:5e5a3e00-0000-4000-8000-000000000004</UDN>\n"
    "          <serviceList><service>\n"
    "            <serviceType>" WANIP_TYPE "</serviceType>\n"
    "            <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>\n"
    "            <SCPDURL>/WANIPConnection.xml</SCPDURL>\n"
    "            <controlURL>/ctl/IPConn</controlURL>\n"
    "            <eventSubURL>/evt/IPConn</eventSubURL>\n"
    "          </service></serviceList>\n"
    "        </device>\n"
    "      </deviceList>\n"
    "    </device></deviceList>\n"
    "  </device>\n"
    "</root>\n", friendly_name);
}

static char *
action_get_string (GUPnPServiceAction *action,
                   const char         *name)
{
  char *value = NULL;

  gupnp_service_action_get (action, name, G_TYPE_STRING, &value, NULL);
  return value;
}

static GStrv
find_entry (FakeIgd    *fake,
            const char *protocol,
            const char *external_port,
            guint      *index)
{
  for (guint i = 0; i < fake->entries->len; i++)
    {
      GStrv entry = g_ptr_array_index (fake->entries, i);

      if (g_ascii_strcasecmp (entry[F_PROTOCOL], protocol) == 0 &&
          g_str_equal (entry[F_EXTERNAL_PORT], external_port))
        {
          if (index != NULL)
            *index = i;
          return entry;
        }
    }

  return NULL;
}

static void
fake_add_entry (FakeIgd    *fake,
                const char *remote_host,
                const char *external_port,
                const char *protocol,
                const char *internal_port,
                const char *internal_client,
                const char *enabled,
                const char *description,
                const char *lease)
{
  const char *fields[] = {
    remote_host, external_port, protocol, internal_port, internal_client, enabled,
    description, lease, NULL
  };

  g_ptr_array_add (fake->entries, g_strdupv ((char **) fields));
}

static void
action_invoked_cb (G_GNUC_UNUSED GUPnPService *service,
                   GUPnPServiceAction         *action,
                   gpointer                    user_data)
{
  FakeIgd *fake = user_data;
  const char *name = gupnp_service_action_get_name (action);

  fake->n_actions++;

  if (fake->hang)
    {
      /* The action stays alive until it is returned */
      g_ptr_array_add (fake->pending, action);
      return;
    }

  if (g_str_equal (name, "GetExternalIPAddress"))
    {
      gupnp_service_action_set (action, "NewExternalIPAddress", G_TYPE_STRING,
                                fake->external_address, NULL);
      gupnp_service_action_return_success (action);
    }
  else if (g_str_equal (name, "GetGenericPortMappingEntry"))
    {
      g_autofree char *index_text = action_get_string (action, "NewPortMappingIndex");
      guint64 index = g_ascii_strtoull (index_text, NULL, 10);
      GStrv entry;

      if (index >= fake->entries->len)
        {
          gupnp_service_action_return_error (action, 713, "SpecifiedArrayIndexInvalid");
          return;
        }

      entry = g_ptr_array_index (fake->entries, index);
      for (guint i = 0; i < N_FIELDS; i++)
        gupnp_service_action_set (action, field_names[i], G_TYPE_STRING, entry[i], NULL);
      gupnp_service_action_return_success (action);
    }
  else if (g_str_equal (name, "AddPortMapping"))
    {
      g_auto(GStrv) fields = g_new0 (char *, N_FIELDS + 1);
      GStrv existing;
      guint index;

      for (guint i = 0; i < N_FIELDS; i++)
        fields[i] = action_get_string (action, field_names[i]);

      if (fake->refuse_code != 0)
        {
          gupnp_service_action_return_error (action, fake->refuse_code,
                                             fake->refuse_code == 606 ? "Action not authorized"
                                                                      : "Refused");
          return;
        }
      if (fake->permanent_only && !g_str_equal (fields[F_LEASE], "0"))
        {
          gupnp_service_action_return_error (action, 725, "OnlyPermanentLeasesSupported");
          return;
        }

      existing = find_entry (fake, fields[F_PROTOCOL], fields[F_EXTERNAL_PORT], &index);
      if (existing != NULL && !g_str_equal (existing[F_INTERNAL_CLIENT], fields[F_INTERNAL_CLIENT]))
        {
          gupnp_service_action_return_error (action, 718, "ConflictInMappingEntry");
          return;
        }
      if (existing != NULL)
        g_ptr_array_remove_index (fake->entries, index);

      g_ptr_array_add (fake->entries, g_steal_pointer (&fields));
      gupnp_service_action_return_success (action);
    }
  else if (g_str_equal (name, "DeletePortMapping"))
    {
      g_autofree char *protocol = action_get_string (action, "NewProtocol");
      g_autofree char *port = action_get_string (action, "NewExternalPort");
      guint index;

      if (fake->refuse_code != 0)
        gupnp_service_action_return_error (action, fake->refuse_code, "Refused");
      else if (find_entry (fake, protocol, port, &index) == NULL)
        gupnp_service_action_return_error (action, 714, "NoSuchEntryInArray");
      else
        {
          g_ptr_array_remove_index (fake->entries, index);
          gupnp_service_action_return_success (action);
        }
    }
  else
    {
      gupnp_service_action_return_error (action, 401, "Invalid Action");
    }
}

static FakeIgd *
fake_igd_new (const char *friendly_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = description_xml (friendly_name);
  g_autofree char *path = NULL;
  FakeIgd *fake = g_new0 (FakeIgd, 1);
  GUPnPDeviceInfo *wan;
  GUPnPDeviceInfo *connection = NULL;
  GUPnPServiceInfo *service;
  GList *devices;

  fake->dir = g_dir_make_tmp ("sesame-upnp-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fake->dir, "igd.xml", NULL);
  g_file_set_contents (path, description, -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (fake->dir, "WANIPConnection.xml", NULL);
  g_file_set_contents (path, scpd_xml, -1, &error);
  g_assert_no_error (error);

  fake->keep = g_ptr_array_new_with_free_func (g_object_unref);
  fake->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  fake->pending = g_ptr_array_new ();
  fake->external_address = g_strdup ("203.0.113.2");

  /* GUPnP's HTTP server takes the TCP port numbered like its random UDP port and
   * only warns if that is taken, by a client connection of an earlier case say.
   * Nothing else uses ports below the ephemeral range in this namespace. */
  fake->context = gupnp_context_new_full ("lo", NULL, next_port++, GSSDP_UDA_VERSION_1_0,
                                          &error);
  g_assert_no_error (error);

  fake->root = gupnp_root_device_new (fake->context, "igd.xml", fake->dir, &error);
  g_assert_no_error (error);

  wan = gupnp_device_info_get_device (GUPNP_DEVICE_INFO (fake->root),
                                      "urn:schemas-upnp-org:device:WANDevice:1");
  g_assert_nonnull (wan);
  g_ptr_array_add (fake->keep, wan);

  /* The second WANConnectionDevice holds WANIPConnection. Look by type name: a
   * GUPnPService made only to look would, when it goes, take the control URL's
   * handler with it. */
  devices = gupnp_device_info_list_devices (wan);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      GList *types = gupnp_device_info_list_service_types (l->data);

      if (g_list_find_custom (types, WANIP_TYPE, (GCompareFunc) g_strcmp0) != NULL)
        connection = g_object_ref (l->data);
      g_list_free_full (types, g_free);
    }
  g_list_free_full (devices, g_object_unref);
  g_assert_nonnull (connection);
  g_ptr_array_add (fake->keep, connection);

  service = gupnp_device_info_get_service (connection, WANIP_TYPE);
  g_assert_true (GUPNP_IS_SERVICE (service));
  g_ptr_array_add (fake->keep, service);
  /* GUPnP answers 401 by itself unless a handler is connected for the action's
   * detail: an undetailed handler does not count */
  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    {
      g_autofree char *signal = g_strconcat ("action-invoked::", action_names[i], NULL);

      g_signal_connect (service, signal, G_CALLBACK (action_invoked_cb), fake);
    }

  gupnp_root_device_set_available (fake->root, TRUE);

  return fake;
}

static void
fake_igd_free (FakeIgd *fake)
{
  g_autofree char *path = NULL;

  for (guint i = 0; i < fake->pending->len; i++)
    {
      GUPnPServiceAction *action = g_ptr_array_index (fake->pending, i);

      gupnp_service_action_return_error (action, 501, "Too late");
    }
  g_ptr_array_unref (fake->pending);

  for (guint i = 0; i < fake->keep->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (fake->keep, i), fake);

  gupnp_root_device_set_available (fake->root, FALSE);
  g_ptr_array_unref (fake->keep);
  g_clear_object (&fake->root);
  g_clear_object (&fake->context);
  g_ptr_array_unref (fake->entries);
  g_free (fake->external_address);

  /* Let the byebye messages and closed connections settle */
  spin (20);

  path = g_build_filename (fake->dir, "igd.xml", NULL);
  g_unlink (path);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (fake->dir, "WANIPConnection.xml", NULL);
  g_unlink (path);
  g_rmdir (fake->dir);
  g_free (fake->dir);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeIgd, fake_igd_free)

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

  return g_test_run ();
}
