/* sesame-address.h: strict IPv4 address text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SESAME_IPV4_PUBLIC,
  SESAME_IPV4_PRIVATE,        /* 10/8, 172.16/12, 192.168/16 */
  SESAME_IPV4_SHARED,         /* 100.64/10, carrier-grade NAT */
  SESAME_IPV4_LOOPBACK,       /* 127/8 */
  SESAME_IPV4_LINK_LOCAL,     /* 169.254/16 */
  SESAME_IPV4_UNSPECIFIED,    /* 0/8 */
  SESAME_IPV4_MULTICAST,      /* 224/4 */
  SESAME_IPV4_RESERVED,       /* 240/4 and the broadcast address */
} SesameIpv4Kind;

gboolean        sesame_ipv4_parse      (const char *text,
                                        guint32    *address);
char           *sesame_ipv4_to_string  (guint32     address);
SesameIpv4Kind  sesame_ipv4_classify   (guint32     address);
gboolean        sesame_ipv4_same_subnet (guint32    a,
                                         guint32    b,
                                         guint      prefix);

G_END_DECLS
