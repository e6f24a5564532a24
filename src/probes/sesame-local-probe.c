/* sesame-local-probe.c
 *
 * Everything here is local and answers at once: no packet leaves the machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-local-probe"

#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-file.h"
#include "sesame-local-probe.h"

#define RTF_UP_FLAG      0x0001
#define RTF_GATEWAY_FLAG 0x0002

static gboolean
parse_hex32 (const char *text,
             guint32    *value)
{
  char *end = NULL;
  guint64 v;

  if (text == NULL || strlen (text) != 8)
    return FALSE;

  v = g_ascii_strtoull (text, &end, 16);
  if (end == NULL || *end != '\0')
    return FALSE;

  *value = (guint32) v;
  return TRUE;
}

/**
 * sesame_route_table_find_gateway:
 * @proc_net_route: the text of /proc/net/route
 * @interface: (out): the interface of the default route
 * @gateway: (out): the gateway's address
 *
 * The kernel prints each address as the hexadecimal value of its bytes in
 * memory, so the bytes are taken back in the same order on every machine.
 *
 * Returns: %TRUE if a default route through a gateway was found
 */
gboolean
sesame_route_table_find_gateway (const char  *proc_net_route,
                                 char       **interface,
                                 char       **gateway)
{
  g_auto(GStrv) lines = NULL;
  guint best_metric = G_MAXUINT;
  gboolean found = FALSE;

  g_return_val_if_fail (interface != NULL && gateway != NULL, FALSE);

  if (proc_net_route == NULL)
    return FALSE;

  lines = g_strsplit (proc_net_route, "\n", 4096);

  /* The first line names the columns */
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      guint32 destination, gw, mask;
      guint64 flags, metric;
      guint8 bytes[4];

      for (guint f = 0; fields[f] != NULL; f++)
        if (*fields[f] != '\0')
          g_ptr_array_add (columns, fields[f]);

      /* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
      if (columns->len < 8)
        continue;

      if (!parse_hex32 (g_ptr_array_index (columns, 1), &destination) ||
          !parse_hex32 (g_ptr_array_index (columns, 2), &gw) ||
          !parse_hex32 (g_ptr_array_index (columns, 7), &mask))
        continue;

      flags = g_ascii_strtoull (g_ptr_array_index (columns, 3), NULL, 16);
      metric = g_ascii_strtoull (g_ptr_array_index (columns, 6), NULL, 10);

      if (destination != 0 || mask != 0 || gw == 0 ||
          (flags & (RTF_UP_FLAG | RTF_GATEWAY_FLAG)) != (RTF_UP_FLAG | RTF_GATEWAY_FLAG) ||
          metric >= best_metric)
        continue;

      memcpy (bytes, &gw, 4);
      g_free (*interface);
      g_free (*gateway);
      *interface = g_strdup (g_ptr_array_index (columns, 0));
      *gateway = g_strdup_printf ("%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
      best_metric = (guint) metric;
      found = TRUE;
    }

  return found;
}

static guint
prefix_length (const struct sockaddr *netmask)
{
  guint bits = 0;
  const guint8 *bytes;
  gsize size;

  if (netmask == NULL)
    return 0;

  if (netmask->sa_family == AF_INET)
    {
      bytes = (const guint8 *) &((const struct sockaddr_in *) netmask)->sin_addr;
      size = 4;
    }
  else if (netmask->sa_family == AF_INET6)
    {
      bytes = (const guint8 *) &((const struct sockaddr_in6 *) netmask)->sin6_addr;
      size = 16;
    }
  else
    return 0;

  for (gsize i = 0; i < size; i++)
    for (guint b = 0; b < 8; b++)
      if (bytes[i] & (0x80 >> b))
        bits++;

  return bits;
}

static SesameInterface *
find_interface (SesameProbeReport *report,
                const char        *name)
{
  for (guint i = 0; i < report->interfaces->len; i++)
    {
      SesameInterface *interface = g_ptr_array_index (report->interfaces, i);

      if (g_str_equal (interface->name, name))
        return interface;
    }

  return NULL;
}

static void
append (GStrv       *strv,
        const char  *value)
{
  guint n = *strv ? g_strv_length (*strv) : 0;

  *strv = g_renew (char *, *strv, n + 2);
  (*strv)[n] = g_strdup (value);
  (*strv)[n + 1] = NULL;
}

static void
read_interfaces (SesameProbeReport *report)
{
  struct ifaddrs *addrs = NULL;

  if (getifaddrs (&addrs) != 0)
    {
      g_free (report->local_reason);
      report->local_reason = g_strdup (_("Sesame could not list this computer’s network interfaces."));
      return;
    }

  for (struct ifaddrs *a = addrs; a != NULL; a = a->ifa_next)
    {
      SesameInterface *interface;
      char text[INET6_ADDRSTRLEN];
      g_autofree char *entry = NULL;

      if (a->ifa_name == NULL)
        continue;

      if (!(interface = find_interface (report, a->ifa_name)))
        {
          interface = g_new0 (SesameInterface, 1);
          interface->name = g_strdup (a->ifa_name);
          interface->ipv4 = g_new0 (char *, 1);
          interface->ipv6 = g_new0 (char *, 1);
          sesame_probe_report_add_interface (report, interface);
        }

      interface->up = (a->ifa_flags & IFF_UP) != 0;
      interface->loopback = (a->ifa_flags & IFF_LOOPBACK) != 0;

      if (a->ifa_addr == NULL)
        continue;

      if (a->ifa_addr->sa_family == AF_INET &&
          inet_ntop (AF_INET, &((struct sockaddr_in *) a->ifa_addr)->sin_addr, text, sizeof text))
        {
          entry = g_strdup_printf ("%s/%u", text, prefix_length (a->ifa_netmask));
          append (&interface->ipv4, entry);
        }
      else if (a->ifa_addr->sa_family == AF_INET6 &&
               inet_ntop (AF_INET6, &((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr, text, sizeof text))
        {
          entry = g_strdup_printf ("%s/%u", text, prefix_length (a->ifa_netmask));
          append (&interface->ipv6, entry);
        }
    }

  freeifaddrs (addrs);
}

/* The address of this computer that faces @gateway: a UDP socket "connected"
 * to it picks the route without sending anything. */
static char *
address_towards (const char *gateway)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (gateway);
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  if (address == NULL)
    return NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  if (socket == NULL)
    return NULL;

  remote = g_inet_socket_address_new (address, 9);
  if (!g_socket_connect (socket, remote, NULL, NULL) ||
      !(local = g_socket_get_local_address (socket, NULL)))
    return NULL;

  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
}

static char *
subnet_of (SesameProbeReport *report,
           const char        *local_address)
{
  g_autofree char *prefix = g_strconcat (local_address, "/", NULL);
  guint32 value;

  if (!sesame_ipv4_parse (local_address, &value))
    return NULL;

  for (guint i = 0; i < report->interfaces->len; i++)
    {
      const SesameInterface *interface = g_ptr_array_index (report->interfaces, i);

      for (guint a = 0; interface->ipv4[a] != NULL; a++)
        {
          guint64 length;
          guint32 network;

          if (!g_str_has_prefix (interface->ipv4[a], prefix))
            continue;

          length = g_ascii_strtoull (interface->ipv4[a] + strlen (prefix), NULL, 10);
          if (length > 32)
            continue;

          network = length == 0 ? 0 : value & (G_MAXUINT32 << (32 - length));
          return g_strdup_printf ("%u.%u.%u.%u/%u", network >> 24, (network >> 16) & 0xff,
                                  (network >> 8) & 0xff, network & 0xff, (guint) length);
        }
    }

  return NULL;
}

/**
 * sesame_arp_table_find:
 * @proc_net_arp: the text of /proc/net/arp
 * @address: an IPv4 address
 *
 * Returns: (transfer full) (nullable): the hardware address the kernel knows
 *   for @address, as "aa:bb:cc:dd:ee:ff"
 */
char *
sesame_arp_table_find (const char *proc_net_arp,
                       const char *address)
{
  g_auto(GStrv) lines = NULL;

  if (proc_net_arp == NULL || address == NULL)
    return NULL;

  lines = g_strsplit (proc_net_arp, "\n", 4096);

  /* "IP address  HW type  Flags  HW address  Mask  Device"; the first line names them */
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      const char *mac;
      guint64 flags;

      for (guint f = 0; fields[f] != NULL; f++)
        if (*fields[f] != '\0')
          g_ptr_array_add (columns, fields[f]);

      if (columns->len < 4 || !g_str_equal (g_ptr_array_index (columns, 0), address))
        continue;

      /* 0x2: complete; an incomplete entry has no hardware address yet */
      flags = g_ascii_strtoull (g_ptr_array_index (columns, 2), NULL, 16);
      mac = g_ptr_array_index (columns, 3);
      if (!(flags & 0x2) || strlen (mac) != 17 || g_str_equal (mac, "00:00:00:00:00:00"))
        continue;

      for (guint c = 0; c < 17; c++)
        if (c % 3 == 2 ? mac[c] != ':' : !g_ascii_isxdigit (mac[c]))
          return NULL;

      return g_ascii_strdown (mac, -1);
    }

  return NULL;
}

/* /proc/net/if_inet6: scope and flags, as the kernel prints them */
#define IPV6_SCOPE_GLOBAL     0x00
#define IFA_FLAG_TEMPORARY    0x01
#define IFA_FLAG_DADFAILED    0x08
#define IFA_FLAG_DEPRECATED   0x20
#define IFA_FLAG_TENTATIVE    0x40

/* Global unicast that the internet can reach: not unique local (fc00::/7),
 * link-local, multicast, loopback, IPv4-mapped or unspecified. A
 * documentation address (2001:db8::/32) counts, as it does for the lab's
 * internet. */
static gboolean
ipv6_is_global (const guint8 bytes[16])
{
  /* ::/8 holds ::, ::1 and ::ffff:a.b.c.d */
  return bytes[0] != 0x00 && (bytes[0] & 0xfe) != 0xfc && bytes[0] != 0xff &&
         !(bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80);
}

static gboolean
parse_hex_field (const char *text,
                 guint       max_digits,
                 guint64    *value)
{
  char *end = NULL;
  gsize length = strlen (text);

  if (length == 0 || length > max_digits)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;

  *value = g_ascii_strtoull (text, &end, 16);
  return end != NULL && *end == '\0';
}

/**
 * sesame_if_inet6_parse:
 * @proc_net_if_inet6: the text of /proc/net/if_inet6 (untrusted)
 *
 * Reads "ADDRESS32HEX IFINDEX PREFIXLEN SCOPE FLAGS NAME" lines and keeps
 * the global unicast addresses, each with whether it is temporary (a
 * privacy address, RFC 8981) or deprecated. Addresses still on trial
 * (tentative) or that failed duplicate address detection are left out;
 * so is any line that does not have the kernel's form.
 *
 * Returns: (transfer full) (element-type SesameIpv6Address): in the
 *   file's order; empty when there is none
 */
GPtrArray *
sesame_if_inet6_parse (const char *proc_net_if_inet6)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_ipv6_address_free);
  g_auto(GStrv) lines = NULL;

  if (proc_net_if_inet6 == NULL)
    return addresses;

  lines = g_strsplit (proc_net_if_inet6, "\n", 4096);

  for (guint i = 0; lines[i] != NULL && addresses->len < 64; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      const char *hex;
      const char *name;
      guint8 bytes[16];
      guint64 index, length, scope, flags;
      char text[INET6_ADDRSTRLEN];
      SesameIpv6Address *address;

      for (guint f = 0; fields[f] != NULL; f++)
        if (*fields[f] != '\0')
          g_ptr_array_add (columns, fields[f]);

      if (columns->len != 6)
        continue;

      hex = g_ptr_array_index (columns, 0);
      name = g_ptr_array_index (columns, 5);
      if (strlen (hex) != 32 ||
          !parse_hex_field (g_ptr_array_index (columns, 1), 8, &index) ||
          !parse_hex_field (g_ptr_array_index (columns, 2), 2, &length) || length > 128 ||
          !parse_hex_field (g_ptr_array_index (columns, 3), 2, &scope) ||
          !parse_hex_field (g_ptr_array_index (columns, 4), 8, &flags) ||
          strlen (name) >= IF_NAMESIZE || !g_utf8_validate (name, -1, NULL))
        continue;

      {
        gboolean valid = TRUE;

        for (guint b = 0; b < 16 && valid; b++)
          {
            char pair[3] = { hex[2 * b], hex[2 * b + 1], '\0' };
            guint64 value;

            valid = parse_hex_field (pair, 2, &value);
            bytes[b] = (guint8) value;
          }

        if (!valid)
          continue;
      }

      if (scope != IPV6_SCOPE_GLOBAL || !ipv6_is_global (bytes) ||
          (flags & (IFA_FLAG_TENTATIVE | IFA_FLAG_DADFAILED)) != 0 ||
          !inet_ntop (AF_INET6, bytes, text, sizeof text))
        continue;

      address = g_new0 (SesameIpv6Address, 1);
      address->address = g_strdup (text);
      address->prefix_length = (guint) length;
      address->interface = g_strdup (name);
      address->temporary = (flags & IFA_FLAG_TEMPORARY) != 0;
      address->deprecated = (flags & IFA_FLAG_DEPRECATED) != 0;
      g_ptr_array_add (addresses, address);
    }

  return addresses;
}

/**
 * sesame_local_probe_run:
 * @report: the report to fill in
 *
 * Lists the interfaces, finds the default gateway and the address of this
 * computer that faces it, and its subnet. When something cannot be learned
 * the report says why.
 */
void
sesame_local_probe_run (SesameProbeReport *report)
{
  g_autofree char *routes = NULL;
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;

  g_return_if_fail (report != NULL);

  read_interfaces (report);

  /* IPv6 first: it does not need the IPv4 gateway */
  {
    g_autofree char *if_inet6 = sesame_file_read_text ("/proc/net/if_inet6", SESAME_FILE_MAX_SIZE, NULL);

    sesame_probe_report_set_ipv6_addresses (report, sesame_if_inet6_parse (if_inet6));
  }

  if (!(routes = sesame_file_read_text ("/proc/net/route", SESAME_FILE_MAX_SIZE, NULL)) ||
      !sesame_route_table_find_gateway (routes, &interface, &gateway))
    {
      g_free (report->local_reason);
      report->local_reason = g_strdup (_("This computer has no default gateway: it is not connected to a network that leads to the internet."));
      return;
    }

  report->gateway = g_steal_pointer (&gateway);
  report->local_address = address_towards (report->gateway);

  if (report->local_address == NULL)
    {
      g_free (report->local_reason);
      report->local_reason = g_strdup (_("Sesame could not tell which address of this computer faces the router."));
      return;
    }

  report->subnet = subnet_of (report, report->local_address);

  /* Known once anything was sent to the router; the router probes fill it in later */
  {
    g_autofree char *arp = NULL;

    if ((arp = sesame_file_read_text ("/proc/net/arp", SESAME_FILE_MAX_SIZE, NULL)))
      report->gateway_mac = sesame_arp_table_find (arp, report->gateway);
  }
}

/**
 * sesame_local_probe_same_network:
 * @report: the report whose results are on screen
 *
 * Whether this computer is still on the network @report was made on: the
 * same default gateway, the same address facing it and, where both are
 * known, the same hardware address behind it (a new router that took the
 * old one's address). A network monitor says "changed" for much less (an
 * address of another interface, a route, its own start), and running
 * every check again for that would only make the results flicker.
 *
 * Returns: %TRUE if nothing that matters to the checks changed
 */
gboolean
sesame_local_probe_same_network (const SesameProbeReport *report)
{
  g_autoptr(SesameProbeReport) now = sesame_probe_report_new ();

  g_return_val_if_fail (report != NULL, FALSE);

  sesame_local_probe_run (now);

  if (g_strcmp0 (now->gateway, report->gateway) != 0 ||
      g_strcmp0 (now->local_address, report->local_address) != 0)
    return FALSE;

  return now->gateway_mac == NULL || report->gateway_mac == NULL ||
         g_ascii_strcasecmp (now->gateway_mac, report->gateway_mac) == 0;
}
