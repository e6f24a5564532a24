/* sesame-reflector-servers.h: one sesame-reflector as the three probe servers
 *
 * A person who runs sesame-reflector (src/reflector) names it once, as
 * HOST or HOST:PORT (the HTTP port, 8080 by default); this turns that into
 * the STUN server (HOST:3478), the address service (http://HOST:PORT/ip)
 * and the port check (http://HOST:PORT/check?port={port}&proto={proto}).
 * The command line and the wizard's preferences both read it here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A reflector's ports unless it was started with others (see src/reflector/main.c) */
#define SESAME_REFLECTOR_STUN_PORT   3478
#define SESAME_REFLECTOR_HTTP_PORT   8080

/**
 * SesameReflectorServers:
 * @stun_server: HOST:3478, an IPv6 host in brackets
 * @ip_url: the "what is my IP" address, `http://HOST:PORT/ip`
 * @check_url: the port check template, with {port} and {proto}
 */
typedef struct
{
  char *stun_server;
  char *ip_url;
  char *check_url;
} SesameReflectorServers;

SesameReflectorServers *sesame_reflector_servers_new  (const char              *address,
                                                       GError                 **error);
void                    sesame_reflector_servers_free (SesameReflectorServers  *servers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameReflectorServers, sesame_reflector_servers_free)

G_END_DECLS
