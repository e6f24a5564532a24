/* fake-routers.c: the in-process routers the tests ask: a UPnP IGD on
 * loopback (GUPnP) and a NAT-PMP / PCP router on a loopback UDP socket,
 * shared by test-upnp, test-pmp and test-port-mapper
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SSDP needs multicast, and the loopback interface of a normal host has neither the
 * MULTICAST flag nor a guarantee that nothing else answers. So before anything else
 * a test that uses the fake IGD moves itself into a network namespace of its own
 * (enter_private_network ()): unshare(CLONE_NEWNET) when root, or a user namespace
 * plus a network namespace (CLONE_NEWUSER | CLONE_NEWNET) when not, where it may
 * bring "lo" up with MULTICAST. Nothing leaves that namespace and no real router
 * can answer. Where neither works the network cases are skipped
 * (skip_without_network ()).
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

#include "fake-routers.h"

/* The UPnP side */

char *network_skip_reason;  /* nullable: why the network cases cannot run */
guint16 next_port = 20000;   /* for the fake router's context */

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
void
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

gboolean
skip_without_network (void)
{
  if (network_skip_reason == NULL)
    return FALSE;

  g_test_skip (network_skip_reason);
  return TRUE;
}

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms */
void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The fake IGD: an InternetGatewayDevice:1 whose first WANConnectionDevice has
 * only WANPPPConnection:1 and whose second has WANIPConnection:1, which the client
 * must prefer. Entries are kept as the eight texts GetGenericPortMappingEntry
 * answers, so that tests can put anything in them. */

static const char * const field_names[N_FIELDS] = {
  "NewRemoteHost", "NewExternalPort", "NewProtocol", "NewInternalPort",
  "NewInternalClient", "NewEnabled", "NewPortMappingDescription", "NewLeaseDuration",
};

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

char *
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

GStrv
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

void
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

FakeIgd *
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

void
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

/* The NAT-PMP / PCP side */

const guint8 public_address[4] = { 203, 0, 113, 2 };

/* Helpers that build replies the way a router does */

void
put_u16 (guint8  *p,
         guint16  value)
{
  p[0] = (guint8) (value >> 8);
  p[1] = (guint8) value;
}

void
put_u32 (guint8  *p,
         guint32  value)
{
  p[0] = (guint8) (value >> 24);
  p[1] = (guint8) (value >> 16);
  p[2] = (guint8) (value >> 8);
  p[3] = (guint8) value;
}

guint16
get_u16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

guint32
get_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* As miniupnpd does: the request turned into its reply in place */
GBytes *
pcp_reply_for (const guint8 *request,
               gsize         length,
               guint8        result,
               guint16       external_port,
               const guint8 *external_ipv4)
{
  guint8 *reply = g_memdup2 (request, length);

  reply[1] |= 0x80;
  reply[2] = 0;
  reply[3] = result;
  if (result != 0)
    put_u32 (reply + 4, 0);
  put_u32 (reply + 8, EPOCH);
  memset (reply + 12, 0, 12);

  if ((request[1] & 0x7f) == SESAME_PCP_OP_MAP && length >= 60)
    {
      put_u16 (reply + 42, external_port);
      memset (reply + 44, 0, 10);
      reply[54] = 0xff;
      reply[55] = 0xff;
      memcpy (reply + 56, external_ipv4, 4);
    }

  return g_bytes_new_take (reply, length);
}

GBytes *
natpmp_address_reply (guint16       result,
                      const guint8 *external_ipv4)
{
  guint8 reply[12] = { 0, 128 };

  put_u16 (reply + 2, result);
  put_u32 (reply + 4, EPOCH);
  memcpy (reply + 8, external_ipv4, 4);
  return g_bytes_new (reply, sizeof reply);
}

GBytes *
natpmp_map_reply (const guint8 *request,
                  guint16       result,
                  guint16       external_port)
{
  guint8 reply[16] = { 0 };

  reply[1] = 128 + request[1];
  put_u16 (reply + 2, result);
  put_u32 (reply + 4, EPOCH);
  memcpy (reply + 8, request + 4, 2);
  put_u16 (reply + 10, external_port);
  memcpy (reply + 12, request + 8, 4);
  return g_bytes_new (reply, sizeof reply);
}

/* A router on loopback */

static void
fake_send (FakeRouter     *fake,
           GSocket        *socket,
           GSocketAddress *to,
           const guint8   *data,
           gsize           length)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_socket_send_to (socket, to, (const char *) data, length, NULL, &error), ==, (gssize) length);
  g_assert_no_error (error);
}

/* The same reply with another port and address, so that accepting it shows */
static void
send_tampered (FakeRouter     *fake,
               GSocket        *socket,
               GSocketAddress *to,
               GBytes         *reply)
{
  gsize length;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (reply, &length), g_bytes_get_size (reply));

  if (copy[0] == SESAME_PCP_VERSION && length >= 60)
    {
      put_u16 (copy + 42, 1111);
      copy[59] = 66;
    }
  else if (copy[0] == SESAME_NATPMP_VERSION && length == 16)
    put_u16 (copy + 10, 1111);
  else if (copy[0] == SESAME_NATPMP_VERSION && length == 12)
    copy[11] = 66;

  fake_send (fake, socket, to, copy, length);
}

static void
fake_reply (FakeRouter     *fake,
            GSocketAddress *to,
            GBytes         *reply)
{
  if (fake->wrong_source_first || fake->wrong_source_only)
    {
      send_tampered (fake, fake->wrong_port, to, reply);
      if (fake->wrong_address != NULL)
        send_tampered (fake, fake->wrong_address, to, reply);
    }

  if (fake->bad_replies_first)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (reply, &length);
      g_autofree guint8 *copy = g_memdup2 (data, length);
      g_autofree guint8 *oversized = g_malloc0 (2000);
      guint8 garbage[40];

      /* Another nonce (PCP) or another internal port (NAT-PMP) */
      if (copy[0] == SESAME_PCP_VERSION && length >= 60)
        {
          copy[24] ^= 0xff;
          put_u16 (copy + 42, 1111);
        }
      else if (length == 16)
        copy[9] ^= 0xff;
      else
        copy[1] = 129;
      fake_send (fake, fake->socket, to, copy, length);

      for (guint i = 0; i < sizeof garbage; i++)
        garbage[i] = (guint8) (i * 37 + 11);
      fake_send (fake, fake->socket, to, garbage, sizeof garbage);

      memcpy (oversized, data, length);
      fake_send (fake, fake->socket, to, oversized, 2000);
      fake_send (fake, fake->socket, to, data, length - 1);
    }

  if (!fake->wrong_source_only)
    fake_send (fake, fake->socket, to, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

static void
fake_answer_natpmp (FakeRouter     *fake,
                    const guint8   *request,
                    gsize           length,
                    GSocketAddress *from)
{
  g_autoptr(GBytes) reply = NULL;

  if (length == 2 && request[1] == SESAME_NATPMP_OP_EXTERNAL_ADDRESS)
    {
      static const guint8 none[4] = { 0 };
      reply = natpmp_address_reply (fake->natpmp_result, fake->natpmp_result == 0 ? public_address : none);
    }
  else if (length == 12 && (request[1] == SESAME_NATPMP_OP_MAP_UDP || request[1] == SESAME_NATPMP_OP_MAP_TCP))
    {
      gboolean delete = get_u32 (request + 8) == 0;
      guint16 suggested = get_u16 (request + 6) != 0 ? get_u16 (request + 6) : get_u16 (request + 4);

      reply = natpmp_map_reply (request, fake->natpmp_result, delete ? 0 : suggested + fake->port_offset);
      if (!delete && fake->granted_lifetime != 0)
        {
          g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));

          put_u32 (copy + 12, fake->granted_lifetime);
          g_bytes_unref (reply);
          reply = g_bytes_new (copy, 16);
        }
    }
  else
    return;

  fake_reply (fake, from, reply);
}

static void
fake_answer_pcp (FakeRouter     *fake,
                 const guint8   *request,
                 gsize           length,
                 GSocketAddress *from)
{
  g_autoptr(GBytes) reply = NULL;

  if (fake->kind == FAKE_NATPMP_ONLY)
    {
      guint8 unsupported[8] = { 0, (guint8) (128 + request[1]), 0, 1 };

      put_u32 (unsupported + 4, EPOCH);
      reply = g_bytes_new (unsupported, sizeof unsupported);
    }
  else if (fake->kind == FAKE_PCP_V1)
    {
      guint8 unsupported[24] = { 1, (guint8) (0x80 | request[1]), 0, SESAME_PCP_RESULT_UNSUPP_VERSION };

      put_u32 (unsupported + 8, EPOCH);
      reply = g_bytes_new (unsupported, sizeof unsupported);
    }
  else if (length >= 60 && request[1] == SESAME_PCP_OP_MAP)
    {
      gboolean delete = get_u32 (request + 4) == 0;
      guint16 suggested = get_u16 (request + 42) != 0 ? get_u16 (request + 42) : get_u16 (request + 40);

      reply = pcp_reply_for (request, length, fake->pcp_result, delete ? 0 : suggested + fake->port_offset,
                             public_address);
      if (!delete && fake->granted_lifetime != 0)
        {
          gsize size = g_bytes_get_size (reply);
          g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (reply, NULL), size);

          put_u32 (copy + 4, fake->granted_lifetime);
          g_bytes_unref (reply);
          reply = g_bytes_new (copy, size);
        }
    }
  else if (length >= 24)
    reply = pcp_reply_for (request, length, fake->pcp_result, 0, NULL);
  else
    return;

  fake_reply (fake, from, reply);
}

static gboolean
fake_on_ready (GSocket      *socket,
               GIOCondition  condition,
               gpointer      user_data)
{
  FakeRouter *fake = user_data;
  g_autoptr(GSocketAddress) from = NULL;
  guint8 request[2048];
  gssize length;

  length = g_socket_receive_from (socket, &from, (char *) request, sizeof request, NULL, NULL);
  if (length < 2)
    return G_SOURCE_CONTINUE;

  fake->n_received++;

  if (request[0] == SESAME_PCP_VERSION && length >= 60 && request[1] == SESAME_PCP_OP_MAP)
    {
      if (get_u32 (request + 4) == 0)
        {
          fake->n_pcp_delete++;
          fake->delete_nonce_matched = memcmp (request + 24, fake->created_nonce, SESAME_PCP_NONCE_SIZE) == 0;
        }
      else
        {
          fake->n_pcp++;
          memcpy (fake->created_nonce, request + 24, SESAME_PCP_NONCE_SIZE);
        }
    }
  else if (request[0] == SESAME_PCP_VERSION)
    fake->n_pcp++;
  else if (request[0] == SESAME_NATPMP_VERSION && length == 12 && get_u32 (request + 8) == 0)
    {
      fake->n_natpmp_delete++;
      fake->last_natpmp_suggested = get_u16 (request + 6);
    }
  else if (request[0] == SESAME_NATPMP_VERSION)
    fake->n_natpmp++;

  if (fake->n_received <= fake->drop_first || fake->kind == FAKE_SILENT)
    return G_SOURCE_CONTINUE;

  if (fake->ignore_deletes &&
      ((request[0] == SESAME_PCP_VERSION && length >= 60 && get_u32 (request + 4) == 0) ||
       (request[0] == SESAME_NATPMP_VERSION && length == 12 && get_u32 (request + 8) == 0)))
    return G_SOURCE_CONTINUE;

  if (request[0] == SESAME_PCP_VERSION && fake->kind != FAKE_PCP_SILENT)
    fake_answer_pcp (fake, request, (gsize) length, from);
  else if (request[0] == SESAME_NATPMP_VERSION)
    fake_answer_natpmp (fake, request, (gsize) length, from);

  return G_SOURCE_CONTINUE;
}

GSocket *
bind_udp (const char *address,
          guint16     port,
          GError    **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (inet, port);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL || !g_socket_bind (socket, socket_address, FALSE, error))
    return NULL;

  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

guint16
local_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

FakeRouter *
fake_router_new (void)
{
  FakeRouter *fake = g_new0 (FakeRouter, 1);
  g_autoptr(GError) error = NULL;

  fake->kind = FAKE_PCP;
  fake->port_offset = 1;
  fake->socket = bind_udp ("127.0.0.1", 0, &error);
  g_assert_no_error (error);
  fake->port = local_port (fake->socket);
  fake->wrong_port = bind_udp ("127.0.0.1", 0, &error);
  g_assert_no_error (error);
  fake->wrong_address = bind_udp ("127.0.0.2", fake->port, &error);
  if (fake->wrong_address == NULL)
    g_test_message ("no replies from 127.0.0.2: %s", error->message);

  fake->source = g_socket_create_source (fake->socket, G_IO_IN, NULL);
  g_source_set_callback (fake->source, G_SOURCE_FUNC (fake_on_ready), fake, NULL);
  g_source_attach (fake->source, g_main_context_get_thread_default ());

  return fake;
}

void
fake_router_free (FakeRouter *fake)
{
  g_source_destroy (fake->source);
  g_source_unref (fake->source);
  g_clear_object (&fake->socket);
  g_clear_object (&fake->wrong_port);
  g_clear_object (&fake->wrong_address);
  g_free (fake);
}
