/* sesame-local-probe.h: this computer's interfaces, addresses and default gateway
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-probe-report.h"

G_BEGIN_DECLS

gboolean sesame_route_table_find_gateway (const char  *proc_net_route,
                                          char       **interface,
                                          char       **gateway);
char    *sesame_arp_table_find           (const char  *proc_net_arp,
                                          const char  *address);
GPtrArray *sesame_if_inet6_parse         (const char  *proc_net_if_inet6);
void     sesame_local_probe_run          (SesameProbeReport *report);
gboolean sesame_local_probe_same_network (const SesameProbeReport *report);

G_END_DECLS
