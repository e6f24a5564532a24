/* sesame-address.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-address"

#include "config.h"

#include "sesame-address.h"

/**
 * sesame_ipv4_parse:
 * @text: (nullable): dotted-quad text
 * @address: (out) (optional): the address in host byte order
 *
 * Accepts exactly four decimal numbers from 0 to 255 separated by dots, with
 * no leading zeros, signs, spaces or shorthand ("10.1" is not accepted, unlike
 * inet_aton()).
 */
gboolean
sesame_ipv4_parse (const char *text,
                   guint32    *address)
{
  guint32 value = 0;
  const char *p = text;

  if (text == NULL)
    return FALSE;

  for (guint part = 0; part < 4; part++)
    {
      guint octet = 0;
      guint digits = 0;

      if (part > 0 && *p++ != '.')
        return FALSE;

      while (g_ascii_isdigit (*p))
        {
          if (digits > 0 && octet == 0)
            return FALSE;  /* leading zero */
          octet = octet * 10 + (guint) (*p - '0');
          if (++digits > 3 || octet > 255)
            return FALSE;
          p++;
        }

      if (digits == 0)
        return FALSE;

      value = (value << 8) | octet;
    }

  if (*p != '\0')
    return FALSE;

  if (address != NULL)
    *address = value;

  return TRUE;
}

char *
sesame_ipv4_to_string (guint32 address)
{
  return g_strdup_printf ("%u.%u.%u.%u",
                          address >> 24, (address >> 16) & 0xff,
                          (address >> 8) & 0xff, address & 0xff);
}

static gboolean
in_prefix (guint32 address,
           guint32 network,
           guint   prefix)
{
  guint32 mask = prefix == 0 ? 0 : G_MAXUINT32 << (32 - prefix);

  return (address & mask) == (network & mask);
}

SesameIpv4Kind
sesame_ipv4_classify (guint32 address)
{
  if (in_prefix (address, 0x0A000000, 8) ||
      in_prefix (address, 0xAC100000, 12) ||
      in_prefix (address, 0xC0A80000, 16))
    return SESAME_IPV4_PRIVATE;
  if (in_prefix (address, 0x64400000, 10))
    return SESAME_IPV4_SHARED;
  if (in_prefix (address, 0x7F000000, 8))
    return SESAME_IPV4_LOOPBACK;
  if (in_prefix (address, 0xA9FE0000, 16))
    return SESAME_IPV4_LINK_LOCAL;
  if (in_prefix (address, 0x00000000, 8))
    return SESAME_IPV4_UNSPECIFIED;
  if (in_prefix (address, 0xE0000000, 4))
    return SESAME_IPV4_MULTICAST;
  if (in_prefix (address, 0xF0000000, 4))
    return SESAME_IPV4_RESERVED;

  return SESAME_IPV4_PUBLIC;
}

gboolean
sesame_ipv4_same_subnet (guint32 a,
                         guint32 b,
                         guint   prefix)
{
  g_return_val_if_fail (prefix <= 32, FALSE);

  return in_prefix (a, b, prefix);
}
