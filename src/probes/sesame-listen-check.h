/* sesame-listen-check.h: is something on this computer listening on a port?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sesame-probe-report.h"

G_BEGIN_DECLS

gboolean        sesame_proc_net_has_listener (const char *proc_net_text,
                                              guint16     port,
                                              gboolean    tcp);
SesameTristate  sesame_listen_check          (const char *protocol,
                                              guint16     port);

G_END_DECLS
