/* sesame-json-document.h: the pieces of the JSON documents (private to src/report)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sesame-checklist.h"

G_BEGIN_DECLS

void sesame_json_add_string_or_null (JsonBuilder           *builder,
                                     const char            *member,
                                     const char            *value);
void sesame_json_add_ports          (JsonBuilder           *builder,
                                     const char            *member,
                                     const SesamePortRange *range);
void sesame_json_add_strings        (JsonBuilder           *builder,
                                     const char            *member,
                                     GPtrArray             *strings);
void sesame_json_add_steps          (JsonBuilder           *builder,
                                     const char            *member,
                                     GPtrArray             *steps);
void sesame_json_add_forwards       (JsonBuilder           *builder,
                                     const char            *member,
                                     GPtrArray             *forwards);

G_END_DECLS
