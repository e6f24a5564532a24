/* sesame-port-range.h: a port or a contiguous range of ports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SESAME_PROTOCOL_TCP,
  SESAME_PROTOCOL_UDP,
} SesameProtocol;

typedef struct
{
  guint16 first;
  guint16 last;
} SesamePortRange;

#define SESAME_PORT_RANGE_ERROR (sesame_port_range_error_quark ())

typedef enum
{
  SESAME_PORT_RANGE_ERROR_EMPTY,
  SESAME_PORT_RANGE_ERROR_SYNTAX,
  SESAME_PORT_RANGE_ERROR_OUT_OF_RANGE,
  SESAME_PORT_RANGE_ERROR_REVERSED,
} SesamePortRangeError;

GQuark       sesame_port_range_error_quark (void);

gboolean     sesame_port_range_parse       (const char       *text,
                                            SesamePortRange  *range,
                                            GError          **error);
char        *sesame_port_range_to_string   (const SesamePortRange *range);
guint        sesame_port_range_count       (const SesamePortRange *range);
gboolean     sesame_port_range_overlaps    (const SesamePortRange *a,
                                            const SesamePortRange *b);
gboolean     sesame_port_range_touches     (const SesamePortRange *a,
                                            const SesamePortRange *b);
int          sesame_port_range_compare     (const SesamePortRange *a,
                                            const SesamePortRange *b);

gboolean     sesame_protocol_from_string   (const char      *text,
                                            SesameProtocol  *protocol);
const char  *sesame_protocol_to_string     (SesameProtocol   protocol);
const char  *sesame_protocol_label         (SesameProtocol   protocol);
const char  *sesame_protocol_label_for_string (const char    *text);

G_END_DECLS
