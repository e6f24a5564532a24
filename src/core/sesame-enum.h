/* sesame-enum.h: enums to and from the strings of the JSON contract
 *
 * Every enum of the core, the probes and the report is registered by
 * gnome.mkenums_simple() (sesame-core-enums.h, sesame-probes-enums.h…) with
 * its JSON string as the nick. These read and write those nicks, so that no
 * module keeps a table or a switch of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

const char *sesame_enum_to_nick   (GType       type,
                                   int         value);
gboolean    sesame_enum_from_nick (GType       type,
                                   const char *nick,
                                   int        *value);

/* Defines type_name_to_string () and type_name_from_string () for an enum
 * registered as TYPE: its nicks, and nothing else, are the strings */
#define SESAME_DEFINE_ENUM_STRINGS(TypeName, type_name, TYPE) \
  const char * \
  type_name##_to_string (TypeName value) \
  { \
    return sesame_enum_to_nick (TYPE, value); \
  } \
  gboolean \
  type_name##_from_string (const char *text, \
                           TypeName   *value) \
  { \
    int found; \
    g_return_val_if_fail (value != NULL, FALSE); \
    if (!sesame_enum_from_nick (TYPE, text, &found)) \
      return FALSE; \
    *value = (TypeName) found; \
    return TRUE; \
  }

G_END_DECLS
