/* sesame-json-writer.c: the checklist for other programs
 *
 * The keys are a contract: language, router {id, name, admin_url, page,
 * menu_path}, forwards, lan_only, outbound_only, host_firewall {os, steps},
 * warnings and conflicts. More keys may be added, none removed.
 *
 * With probe results (sesame_checklist_set_findings()) it also has
 * findings [{id, severity, ports, title, text, action, explanation}], blockers first,
 * and each forward has works (yes, no, unknown) and because (the ids of
 * the findings that decide it). Without them, nothing of these.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-json-writer"

#include "config.h"

#include <json-glib/json-glib.h>

#include "sesame-checklist-writer.h"
#include "sesame-json.h"
#include "sesame-json-document.h"

static void
add_support (JsonBuilder   *builder,
             const char    *member,
             SesameSupport  support)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, sesame_support_to_string (support));
}

static void
add_groups (JsonBuilder *builder,
            const char  *member,
            GPtrArray   *groups)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);

  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "protocol");
      json_builder_add_string_value (builder, sesame_protocol_to_string (group->protocol));
      sesame_json_add_ports (builder, "ports", &group->ports);
      sesame_json_add_strings (builder, "services", group->services);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}

static void
add_router (JsonBuilder     *builder,
            SesameChecklist *checklist)
{
  const SesameRouter *router = sesame_checklist_get_router (checklist);

  json_builder_set_member_name (builder, "router");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, router->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, sesame_checklist_get_router_name (checklist));
  json_builder_set_member_name (builder, "admin_url");
  if (sesame_checklist_get_admin_url (checklist) != NULL)
    json_builder_add_string_value (builder, sesame_checklist_get_admin_url (checklist));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_string_value (builder, sesame_checklist_get_router_page (checklist));
  json_builder_set_member_name (builder, "menu_path");
  json_builder_add_string_value (builder, sesame_checklist_get_router_menu_path (checklist));
  add_support (builder, "upnp_igd", router->upnp_igd);
  add_support (builder, "nat_pmp", router->nat_pmp);
  add_support (builder, "pcp", router->pcp);
  add_support (builder, "port_ranges", router->port_ranges);
  json_builder_set_member_name (builder, "uncertain");
  json_builder_begin_array (builder);
  for (guint i = 0; router->uncertain[i] != NULL; i++)
    json_builder_add_string_value (builder, router->uncertain[i]);
  json_builder_end_array (builder);
  sesame_json_add_steps (builder, "steps", sesame_checklist_get_router_steps (checklist));
  json_builder_end_object (builder);
}

static JsonNode *
finding_node (const SesameFinding *finding)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, finding->id);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, sesame_finding_severity_to_string (finding->severity));
  json_builder_set_member_name (builder, "ports");
  json_builder_begin_array (builder);
  for (guint i = 0; i < finding->ports->len; i++)
    {
      g_autofree char *port = sesame_finding_port_to_string (&g_array_index (finding->ports, SesameFindingPort, i));

      json_builder_add_string_value (builder, port);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, finding->title);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, finding->text);
  sesame_json_add_string_or_null (builder, "action", finding->action);
  sesame_json_add_string_or_null (builder, "explanation", finding->explanation);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The findings, and what they say of each row of @object's forwards */
static void
add_findings (JsonObject      *object,
              SesameChecklist *checklist)
{
  GPtrArray *findings = sesame_checklist_get_findings (checklist);
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);
  JsonArray *rows = json_object_get_array_member (object, "forwards");
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < findings->len; i++)
    json_array_add_element (array, finding_node (g_ptr_array_index (findings, i)));
  json_object_set_array_member (object, "findings", array);

  for (guint i = 0; i < forwards->len && i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      g_autoptr(GPtrArray) because = g_ptr_array_new ();
      SesameWorks works = sesame_checklist_forward_works (checklist, g_ptr_array_index (forwards, i), because);
      JsonArray *ids = json_array_new ();

      for (guint b = 0; b < because->len; b++)
        json_array_add_string_element (ids, g_ptr_array_index (because, b));
      json_object_set_string_member (row, "works", sesame_works_to_string (works));
      json_object_set_array_member (row, "because", ids);
    }
}

/**
 * sesame_json_writer_build:
 * @checklist: a checklist
 *
 * Returns: (transfer full): the checklist as a JSON object, for documents that hold it
 */
JsonNode *
sesame_json_writer_build (SesameChecklist *checklist)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *root;
  SesamePlan *plan;
  GPtrArray *forwards;
  GPtrArray *warnings;
  GPtrArray *conflicts;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  plan = sesame_checklist_get_plan (checklist);
  forwards = sesame_checklist_get_forwards (checklist);
  warnings = sesame_checklist_get_warnings (checklist);
  conflicts = sesame_checklist_get_conflicts (checklist);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, sesame_checklist_get_language (checklist));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, sesame_checklist_get_title (checklist));
  json_builder_set_member_name (builder, "connection");
  json_builder_add_string_value (builder, sesame_connection_to_string (sesame_plan_get_connection (plan)));

  add_router (builder, checklist);

  sesame_json_add_forwards (builder, "forwards", forwards);

  add_groups (builder, "lan_only", sesame_checklist_get_lan_only (checklist));
  add_groups (builder, "outbound_only", sesame_checklist_get_outbound_only (checklist));
  add_groups (builder, "not_forwarded", sesame_checklist_get_not_forwarded (checklist));

  json_builder_set_member_name (builder, "host_firewall");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "os");
  json_builder_add_string_value (builder, sesame_host_os_to_string (sesame_plan_get_host_os (plan)));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, sesame_checklist_get_firewall_title (checklist));
  sesame_json_add_steps (builder, "steps", sesame_checklist_get_firewall_steps (checklist));
  json_builder_end_object (builder);

  sesame_json_add_steps (builder, "verification", sesame_checklist_get_verify_steps (checklist));

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < warnings->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (warnings, i);

      json_builder_begin_object (builder);
      sesame_json_add_strings (builder, "services", warning->services);
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder, sesame_severity_to_string (warning->severity));
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, warning->text);
      json_builder_set_member_name (builder, "advice");
      if (warning->advice != NULL)
        json_builder_add_string_value (builder, warning->advice);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < conflicts->len; i++)
    {
      const SesameConflict *conflict = g_ptr_array_index (conflicts, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "protocol");
      json_builder_add_string_value (builder, sesame_protocol_to_string (conflict->protocol));
      sesame_json_add_ports (builder, "ports", &conflict->ports);
      sesame_json_add_strings (builder, "services", conflict->services);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, conflict->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  if (sesame_checklist_get_findings (checklist) != NULL)
    add_findings (json_node_get_object (root), checklist);

  /* The server's stable IPv6 address and the way in over IPv6 */
  if (sesame_checklist_get_ipv6_steps (checklist) != NULL)
    {
      g_autoptr(JsonBuilder) ipv6 = json_builder_new ();

      json_builder_begin_object (ipv6);
      json_builder_set_member_name (ipv6, "address");
      json_builder_add_string_value (ipv6, sesame_checklist_get_ipv6_address (checklist));
      sesame_json_add_steps (ipv6, "steps", sesame_checklist_get_ipv6_steps (checklist));
      json_builder_end_object (ipv6);
      json_object_set_member (json_node_get_object (root), "ipv6", json_builder_get_root (ipv6));
    }

  /* MAP-E: the set the rows' external ports were taken from */
  if (sesame_checklist_get_portset (checklist) != NULL)
    json_object_set_member (json_node_get_object (root), "port_set",
                            sesame_portset_to_json_node (sesame_checklist_get_portset (checklist)));

  return root;
}

char *
sesame_json_writer_write (SesameChecklist *checklist)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  root = sesame_json_writer_build (checklist);
  return sesame_json_to_string (root);
}
