/* sesame-reflector-servers.c: one sesame-reflector as the three probe servers
 *
 * What a person types is untrusted: only a host name, an IPv4 address or
 * an IPv6 address (bare or in brackets), with an optional port from 1 to
 * 65535, gets through; anything that could change the URLs built from it
 * (a scheme, a path, a query, user information, spaces, control
 * characters) is refused with the reason.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-reflector-servers"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-reflector-servers.h"

/* Letters, digits and hyphens in dot-separated labels of 1 to 63 */
static gboolean
is_host_name (const char *name)
{
  gsize label = 0;

  if (*name == '\0' || strlen (name) > 253)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (label == 0)
            return FALSE;
          label = 0;
        }
      else if (g_ascii_isalnum (*p) || (*p == '-' && label > 0))
        {
          if (++label > 63)
            return FALSE;
        }
      else
        return FALSE;
    }

  return TRUE;
}

/**
 * sesame_reflector_servers_new:
 * @address: HOST or HOST:PORT, as typed; PORT is the reflector's HTTP port
 * @error: return location for a #GError (G_IO_ERROR_INVALID_ARGUMENT)
 *
 * Returns: (transfer full) (nullable): the three servers of the reflector
 *   at @address, or %NULL when @address does not name one
 */
SesameReflectorServers *
sesame_reflector_servers_new (const char  *address,
                              GError     **error)
{
  g_autoptr(GSocketConnectable) parsed = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *authority = NULL;
  SesameReflectorServers *servers;
  const char *host = NULL;
  guint16 port = 0;

  g_return_val_if_fail (address != NULL, NULL);

  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f || strchr ("/?#@\\%", *p) != NULL)
      goto bad;

  parsed = g_network_address_parse (address, SESAME_REFLECTOR_HTTP_PORT, NULL);
  if (parsed == NULL)
    goto bad;

  host = g_network_address_get_hostname (G_NETWORK_ADDRESS (parsed));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (parsed));
  if (host == NULL || port == 0)
    goto bad;

  if (g_hostname_is_ip_address (host))
    authority = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host) : g_strdup (host);
  else if ((ascii = g_hostname_to_ascii (host)) != NULL && is_host_name (ascii))
    authority = g_ascii_strdown (ascii, -1);
  else
    goto bad;

  servers = g_new0 (SesameReflectorServers, 1);
  servers->stun_server = g_strdup_printf ("%s:%u", authority, SESAME_REFLECTOR_STUN_PORT);
  servers->ip_url = g_strdup_printf ("http://%s:%u/ip", authority, port);
  servers->check_url = g_strdup_printf ("http://%s:%u/check?port={port}&proto={proto}", authority, port);

  return servers;

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               /* Translators: %s is what was typed; HOST and PORT stay as they are */
               _("“%s” is not a reflector; write it as HOST or HOST:PORT"), address);
  return NULL;
}

void
sesame_reflector_servers_free (SesameReflectorServers *servers)
{
  if (servers == NULL)
    return;

  g_free (servers->stun_server);
  g_free (servers->ip_url);
  g_free (servers->check_url);
  g_free (servers);
}
