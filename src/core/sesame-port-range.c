/* sesame-port-range.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-port-range"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-port-range.h"
#include "sesame-core-enums.h"
#include "sesame-enum.h"

G_DEFINE_QUARK (sesame-port-range-error-quark, sesame_port_range_error)

static gboolean
parse_port (const char  *text,
            const char  *end,
            guint16     *port,
            GError     **error)
{
  guint64 value = 0;

  g_assert (text != NULL);
  g_assert (end >= text);

  if (text == end)
    {
      g_set_error (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_SYNTAX,
                   _("a port is a number from 1 to 65535"));
      return FALSE;
    }

  for (const char *p = text; p < end; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          g_set_error (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_SYNTAX,
                       _("a port is a number from 1 to 65535"));
          return FALSE;
        }

      value = value * 10 + (guint64) (*p - '0');
      if (value > G_MAXUINT16)
        break;
    }

  if (value < 1 || value > G_MAXUINT16)
    {
      g_set_error (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_OUT_OF_RANGE,
                   _("ports go from 1 to 65535"));
      return FALSE;
    }

  *port = (guint16) value;
  return TRUE;
}

/**
 * sesame_port_range_parse:
 * @text: "80", "16384-16403"; spaces around the numbers are allowed
 * @range: (out): the parsed range
 * @error: a #SesamePortRangeError whose message a person understands
 *
 * Returns: %TRUE if @text is one port or an ordered range of ports
 */
gboolean
sesame_port_range_parse (const char       *text,
                         SesamePortRange  *range,
                         GError          **error)
{
  g_autofree char *copy = NULL;
  const char *dash;
  guint16 first;
  guint16 last;

  g_return_val_if_fail (range != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text == NULL || *g_strstrip (copy = g_strdup (text)) == '\0')
    {
      g_set_error (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_EMPTY,
                   _("no port given"));
      return FALSE;
    }

  dash = strchr (copy, '-');
  if (dash == NULL)
    {
      if (!parse_port (copy, copy + strlen (copy), &first, error))
        return FALSE;
      last = first;
    }
  else
    {
      g_autofree char *left = g_strstrip (g_strndup (copy, dash - copy));
      g_autofree char *right = g_strstrip (g_strdup (dash + 1));

      if (strchr (right, '-') != NULL)
        {
          g_set_error (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_SYNTAX,
                       _("write a range as two ports with a dash, like 16384-16403"));
          return FALSE;
        }

      if (!parse_port (left, left + strlen (left), &first, error) ||
          !parse_port (right, right + strlen (right), &last, error))
        return FALSE;

      if (first > last)
        {
          g_set_error (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_REVERSED,
                       _("the range is reversed: the first port must be the smaller one"));
          return FALSE;
        }
    }

  range->first = first;
  range->last = last;
  return TRUE;
}

char *
sesame_port_range_to_string (const SesamePortRange *range)
{
  g_return_val_if_fail (range != NULL, NULL);

  if (range->first == range->last)
    return g_strdup_printf ("%u", range->first);

  return g_strdup_printf ("%u-%u", range->first, range->last);
}

guint
sesame_port_range_count (const SesamePortRange *range)
{
  g_return_val_if_fail (range != NULL, 0);

  return (guint) range->last - range->first + 1;
}

gboolean
sesame_port_range_overlaps (const SesamePortRange *a,
                            const SesamePortRange *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->first <= b->last && b->first <= a->last;
}

/* Overlapping or directly adjacent, so that the two can be written as one range. */
gboolean
sesame_port_range_touches (const SesamePortRange *a,
                           const SesamePortRange *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return (guint) a->first <= (guint) b->last + 1 && (guint) b->first <= (guint) a->last + 1;
}

int
sesame_port_range_compare (const SesamePortRange *a,
                           const SesamePortRange *b)
{
  if (a->first != b->first)
    return a->first < b->first ? -1 : 1;
  if (a->last != b->last)
    return a->last < b->last ? -1 : 1;
  return 0;
}

SESAME_DEFINE_ENUM_STRINGS (SesameProtocol, sesame_protocol, SESAME_TYPE_PROTOCOL)

/**
 * sesame_protocol_label:
 * @protocol: a protocol
 *
 * Returns: "TCP" or "UDP", as every checklist, page and message writes it
 *   (the same in every language)
 */
const char *
sesame_protocol_label (SesameProtocol protocol)
{
  return protocol == SESAME_PROTOCOL_UDP ? "UDP" : "TCP";
}

/**
 * sesame_protocol_label_for_string:
 * @text: a protocol as the JSON contract writes it ("tcp", "udp")
 *
 * Returns: (nullable): its label, sesame_protocol_label(); %NULL for another string
 */
const char *
sesame_protocol_label_for_string (const char *text)
{
  SesameProtocol protocol;

  if (text == NULL || !sesame_protocol_from_string (text, &protocol))
    return NULL;

  return sesame_protocol_label (protocol);
}
