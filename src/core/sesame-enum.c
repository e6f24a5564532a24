/* sesame-enum.c: enums to and from the strings of the JSON contract
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-enum"

#include "config.h"

#include "sesame-enum.h"

/**
 * sesame_enum_to_nick:
 * @type: a registered enum type
 * @value: one of its values
 *
 * Returns: (nullable): the nick of @value, its string in the JSON files;
 *   %NULL (with a critical) for a value the enum does not have
 */
const char *
sesame_enum_to_nick (GType type,
                     int   value)
{
  GEnumClass *klass;
  GEnumValue *found;

  g_return_val_if_fail (G_TYPE_IS_ENUM (type), NULL);

  /* Registered enum classes are static: the nick outlives the unref */
  klass = g_type_class_ref (type);
  found = g_enum_get_value (klass, value);
  g_type_class_unref (klass);

  g_return_val_if_fail (found != NULL, NULL);

  return found->value_nick;
}

/**
 * sesame_enum_from_nick:
 * @type: a registered enum type
 * @nick: (nullable): a string read from a file, untrusted
 * @value: (out): where to store the value
 *
 * Returns: whether @nick names a value of @type; @value is left alone if not
 */
gboolean
sesame_enum_from_nick (GType       type,
                       const char *nick,
                       int        *value)
{
  GEnumClass *klass;
  GEnumValue *found;

  g_return_val_if_fail (G_TYPE_IS_ENUM (type), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (type);
  found = g_enum_get_value_by_nick (klass, nick);
  if (found != NULL)
    *value = found->value;
  g_type_class_unref (klass);

  return found != NULL;
}
