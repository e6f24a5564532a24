/* sesame-json-document.c: the pieces of the JSON documents
 *
 * The checklist, the router change checklist and the settings report write
 * forwarding rows and steps the same way, so other programs read them alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-json-document"

#include "config.h"

#include "sesame-json-document.h"

void
sesame_json_add_string_or_null (JsonBuilder *builder,
                                const char  *member,
                                const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
sesame_json_add_ports (JsonBuilder           *builder,
                       const char            *member,
                       const SesamePortRange *range)
{
  g_autofree char *ports = sesame_port_range_to_string (range);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, ports);
}

void
sesame_json_add_strings (JsonBuilder *builder,
                         const char  *member,
                         GPtrArray   *strings)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
}

void
sesame_json_add_steps (JsonBuilder *builder,
                       const char  *member,
                       GPtrArray   *list)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);

  for (guint i = 0; i < list->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (list, i);

      json_builder_begin_object (builder);
      sesame_json_add_string_or_null (builder, "text", step->text);
      sesame_json_add_string_or_null (builder, "command", step->command);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}

/* The rows as the checklist's "forwards" gives them */
void
sesame_json_add_forwards (JsonBuilder *builder,
                          const char  *member,
                          GPtrArray   *forwards)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "protocol");
      json_builder_add_string_value (builder, sesame_protocol_to_string (forward->protocol));
      sesame_json_add_ports (builder, "external_ports", &forward->external);
      json_builder_set_member_name (builder, "internal_address");
      json_builder_add_string_value (builder, forward->internal_address);
      sesame_json_add_ports (builder, "internal_ports", &forward->internal);
      sesame_json_add_strings (builder, "services", forward->services);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}
