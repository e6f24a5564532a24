/* sesame-probe-report.c
 *
 * SesameProbeReport, what the probes found, and its JSON both ways: every
 * server contacted listed once, the ports and their IPv6 checks, the
 * mappings Sesame added (and Sesame's description of them), written for
 * `sesame-cli probe --json` and the kept report; read back as untrusted
 * input, every member checked, the enums by their nicks, the addresses
 * one by one with the IPv6 transition derived again.
 *
 * Over 1,000 lines because the writer and the reader of one format stay
 * side by side, so that a member is added to both at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-probe-report"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sesame-address.h"

#include "sesame-enum.h"
#include "sesame-json.h"
#include "sesame-port-range.h"
#include "sesame-probe-report.h"
#include "sesame-probes-enums.h"

static void
address_source_free (gpointer data)
{
  SesameAddressSource *source = data;

  g_free (source->method);
  g_free (source->server);
  g_free (source->address);
  g_free (source->error);
  g_free (source);
}

static void
port_finding_free (gpointer data)
{
  SesamePortFinding *finding = data;

  g_free (finding->protocol);
  g_free (finding->reason);
  g_free (finding->checked_by);
  g_free (finding);
}

void
sesame_interface_free (SesameInterface *interface)
{
  if (interface == NULL)
    return;

  g_free (interface->name);
  g_strfreev (interface->ipv4);
  g_strfreev (interface->ipv6);
  g_free (interface);
}

void
sesame_ipv6_address_free (SesameIpv6Address *address)
{
  if (address == NULL)
    return;

  g_free (address->address);
  g_free (address->interface);
  g_free (address);
}

/**
 * sesame_ipv6_addresses_pick_stable:
 * @addresses: (element-type SesameIpv6Address): global addresses
 *
 * The address to publish in a DNS AAAA record: neither a temporary
 * (privacy) address, which the computer replaces every day or so, nor a
 * deprecated one, which is on its way out.
 *
 * Returns: (transfer none) (nullable): the first stable address
 */
const SesameIpv6Address *
sesame_ipv6_addresses_pick_stable (GPtrArray *addresses)
{
  g_return_val_if_fail (addresses != NULL, NULL);

  for (guint i = 0; i < addresses->len; i++)
    {
      const SesameIpv6Address *address = g_ptr_array_index (addresses, i);

      if (!address->temporary && !address->deprecated)
        return address;
    }

  return NULL;
}

void
sesame_router_mapping_free (SesameRouterMapping *mapping)
{
  if (mapping == NULL)
    return;

  g_free (mapping->protocol);
  g_free (mapping->internal_address);
  g_free (mapping->description);
  g_free (mapping);
}

SesameAddedMapping *
sesame_added_mapping_copy (const SesameAddedMapping *mapping)
{
  SesameAddedMapping *copy;

  g_return_val_if_fail (mapping != NULL, NULL);

  copy = g_memdup2 (mapping, sizeof *mapping);
  copy->protocol = g_strdup (mapping->protocol);
  copy->internal_address = g_strdup (mapping->internal_address);
  copy->via = g_strdup (mapping->via);

  return copy;
}

void
sesame_added_mapping_free (SesameAddedMapping *mapping)
{
  if (mapping == NULL)
    return;

  g_free (mapping->protocol);
  g_free (mapping->internal_address);
  g_free (mapping->via);
  g_free (mapping);
}

SesameProbeReport *
sesame_probe_report_new (void)
{
  SesameProbeReport *report = g_new0 (SesameProbeReport, 1);

  report->interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_interface_free);
  report->external_sources = g_ptr_array_new_with_free_func (address_source_free);
  report->hairpinning = SESAME_TRISTATE_UNKNOWN;
  report->double_nat = SESAME_TRISTATE_UNKNOWN;
  report->cgnat = SESAME_TRISTATE_UNKNOWN;
  report->hops = g_ptr_array_new_null_terminated (2, g_free, TRUE);
  report->upnp_mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_router_mapping_free);
  report->added_mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_added_mapping_free);
  report->ports = g_ptr_array_new_with_free_func (port_finding_free);
  report->servers_contacted = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  report->ipv6_addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_ipv6_address_free);
  report->transition_agrees = SESAME_TRISTATE_UNKNOWN;
  report->ipv6_ports = g_ptr_array_new_with_free_func (port_finding_free);

  return report;
}

void
sesame_probe_report_free (SesameProbeReport *report)
{
  if (report == NULL)
    return;

  g_free (report->local_address);
  g_free (report->finished_at);
  g_free (report->gateway);
  g_free (report->gateway_mac);
  g_free (report->upnp_udn);
  g_free (report->upnp_host);
  g_free (report->subnet);
  g_ptr_array_unref (report->interfaces);
  g_free (report->local_reason);
  g_free (report->external_ipv4);
  g_ptr_array_unref (report->external_sources);
  g_free (report->nat_reason);
  g_free (report->wan_address);
  g_free (report->access_reason);
  g_ptr_array_unref (report->hops);
  g_free (report->upnp_manufacturer);
  g_free (report->upnp_model);
  g_free (report->upnp_model_number);
  g_free (report->upnp_friendly_name);
  g_free (report->upnp_catalog_id);
  g_free (report->upnp_external_address);
  g_free (report->upnp_error);
  g_ptr_array_unref (report->upnp_mappings);
  g_ptr_array_unref (report->added_mappings);
  g_free (report->natpmp_external_address);
  g_free (report->natpmp_error);
  g_free (report->pcp_external_address);
  g_free (report->pcp_error);
  g_ptr_array_unref (report->ports);
  g_ptr_array_unref (report->servers_contacted);
  g_ptr_array_unref (report->ipv6_addresses);
  g_free (report->ipv6_address);
  g_clear_pointer (&report->transition, sesame_portset_free);
  g_free (report->transition_reason);
  g_ptr_array_unref (report->ipv6_ports);
  g_free (report->ipv6_reason);
  g_free (report);
}

SesameAddressSource *
sesame_probe_report_add_source (SesameProbeReport *report,
                                const char        *method,
                                const char        *server)
{
  SesameAddressSource *source = g_new0 (SesameAddressSource, 1);

  source->method = g_strdup (method);
  source->server = g_strdup (server);
  g_ptr_array_add (report->external_sources, source);

  return source;
}

/* Every server Sesame talks to is listed for the person, once */
void
sesame_probe_report_add_server (SesameProbeReport *report,
                                const char        *server)
{
  if (!g_ptr_array_find_with_equal_func (report->servers_contacted, server, g_str_equal, NULL))
    g_ptr_array_add (report->servers_contacted, g_strdup (server));
}

SesamePortFinding *
sesame_probe_report_add_port (SesameProbeReport *report,
                              const char        *protocol,
                              guint16            port)
{
  SesamePortFinding *finding = g_new0 (SesamePortFinding, 1);

  finding->protocol = g_strdup (protocol);
  finding->port = port;
  finding->listening = SESAME_TRISTATE_UNKNOWN;
  g_ptr_array_add (report->ports, finding);

  return finding;
}

/* A port checked over IPv6, beside the same port's IPv4 finding */
SesamePortFinding *
sesame_probe_report_add_ipv6_port (SesameProbeReport *report,
                                   const char        *protocol,
                                   guint16            port)
{
  SesamePortFinding *finding = g_new0 (SesamePortFinding, 1);

  finding->protocol = g_strdup (protocol);
  finding->port = port;
  finding->listening = SESAME_TRISTATE_UNKNOWN;
  g_ptr_array_add (report->ipv6_ports, finding);

  return finding;
}

/**
 * sesame_probe_report_set_ipv6_addresses:
 * @report: a report
 * @addresses: (transfer full) (element-type SesameIpv6Address): this
 *   computer's global IPv6 addresses
 *
 * Keeps @addresses, picks the stable one to publish and derives from them
 * how the line reaches IPv4 (data/transition/rules.json): the first
 * address in a provider's block decides, a temporary one as well as any
 * other, since the provider's bits are in the prefix. With no global
 * address the transition stays unknown (%NULL).
 */
void
sesame_probe_report_set_ipv6_addresses (SesameProbeReport *report,
                                        GPtrArray         *addresses)
{
  const SesameIpv6Address *stable;
  g_autoptr(SesameTransitionTable) table = NULL;

  g_return_if_fail (report != NULL && addresses != NULL);

  g_ptr_array_unref (report->ipv6_addresses);
  report->ipv6_addresses = addresses;
  g_clear_pointer (&report->ipv6_address, g_free);
  g_clear_pointer (&report->transition, sesame_portset_free);

  stable = sesame_ipv6_addresses_pick_stable (addresses);
  if (stable != NULL)
    report->ipv6_address = g_strdup (stable->address);

  if (addresses->len == 0 || !(table = sesame_transition_table_load_default (NULL)))
    return;

  for (guint i = 0; i < addresses->len; i++)
    {
      const SesameIpv6Address *address = g_ptr_array_index (addresses, i);
      SesameIpv6Prefix prefix;
      g_autoptr(SesamePortset) portset = NULL;

      if (!sesame_ipv6_prefix_parse (address->address, &prefix) ||
          !(portset = sesame_transition_table_lookup (table, &prefix, NULL)))
        continue;

      if (report->transition == NULL || portset->method != SESAME_TRANSITION_NONE)
        {
          g_clear_pointer (&report->transition, sesame_portset_free);
          report->transition = g_steal_pointer (&portset);
        }

      if (report->transition->method != SESAME_TRANSITION_NONE)
        break;
    }
}

void
sesame_probe_report_add_interface (SesameProbeReport *report,
                                   SesameInterface   *interface)
{
  g_ptr_array_add (report->interfaces, interface);
}

void
sesame_probe_report_add_mapping (SesameProbeReport   *report,
                                 SesameRouterMapping *mapping)
{
  g_ptr_array_add (report->upnp_mappings, mapping);
}

/**
 * sesame_probe_report_add_added_mapping:
 * @report: a report
 * @mapping: a mapping Sesame added on the router
 *
 * Keeps a copy of @mapping, in place of one Sesame added before for the
 * same protocol and external port.
 */
void
sesame_probe_report_add_added_mapping (SesameProbeReport        *report,
                                       const SesameAddedMapping *mapping)
{
  g_return_if_fail (report != NULL && mapping != NULL);

  sesame_probe_report_remove_added_mapping (report, mapping->protocol, mapping->external_port);
  g_ptr_array_add (report->added_mappings, sesame_added_mapping_copy (mapping));
}

/* Returns: whether @report had a mapping Sesame added for that port */
gboolean
sesame_probe_report_remove_added_mapping (SesameProbeReport *report,
                                          const char        *protocol,
                                          guint16            external_port)
{
  g_return_val_if_fail (report != NULL && protocol != NULL, FALSE);

  for (guint i = 0; i < report->added_mappings->len; i++)
    {
      const SesameAddedMapping *have = g_ptr_array_index (report->added_mappings, i);

      if (have->external_port == external_port && g_strcmp0 (have->protocol, protocol) == 0)
        {
          g_ptr_array_remove_index (report->added_mappings, i);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * sesame_probe_report_get_time:
 * @report: a report
 *
 * Returns: the Unix time the probes ended, 0 when unknown
 */
gint64
sesame_probe_report_get_time (const SesameProbeReport *report)
{
  g_autoptr(GDateTime) time = NULL;

  g_return_val_if_fail (report != NULL, 0);

  if (report->finished_at == NULL || !(time = g_date_time_new_from_iso8601 (report->finished_at, NULL)))
    return 0;

  return g_date_time_to_unix (time);
}

/* What Sesame writes as the description of the mappings it adds over UPnP:
 * "Sesame" (sesame-cli map add), "Sesame: http, ssh" (the wizard) */
static gboolean
is_sesame_description (const char *description)
{
  return description != NULL &&
         (g_str_equal (description, "Sesame") || g_str_has_prefix (description, "Sesame:"));
}

/**
 * sesame_probe_report_find_added_mappings:
 * @report: a finished report
 *
 * Adds to the mappings Sesame added those the router lists with Sesame's
 * description and a lease, whoever ran it: its lease as the router tells
 * what is left of it, from when the probes ended. Only the gateway's list
 * counts.
 */
void
sesame_probe_report_find_added_mappings (SesameProbeReport *report)
{
  gint64 now;

  g_return_if_fail (report != NULL);

  if (!report->upnp_found || !report->upnp_is_gateway)
    return;

  now = sesame_probe_report_get_time (report);
  for (guint i = 0; i < report->upnp_mappings->len; i++)
    {
      const SesameRouterMapping *listed = g_ptr_array_index (report->upnp_mappings, i);
      SesameAddedMapping mapping = { 0 };

      /* A permanent one is as good as a row entered by hand */
      if (!is_sesame_description (listed->description) || listed->lease == 0 || now == 0)
        continue;

      mapping.protocol = listed->protocol;
      mapping.external_port = listed->external_port;
      mapping.internal_address = listed->internal_address;
      mapping.internal_port = listed->internal_port;
      mapping.via = (char *) "upnp";
      mapping.lease = listed->lease;
      mapping.ends = now + listed->lease;
      sesame_probe_report_add_added_mapping (report, &mapping);
    }
}

SESAME_DEFINE_ENUM_STRINGS (SesameNatMapping, sesame_nat_mapping, SESAME_TYPE_NAT_MAPPING)
SESAME_DEFINE_ENUM_STRINGS (SesameNatFiltering, sesame_nat_filtering, SESAME_TYPE_NAT_FILTERING)
SESAME_DEFINE_ENUM_STRINGS (SesameNatClassic, sesame_nat_classic, SESAME_TYPE_NAT_CLASSIC)
SESAME_DEFINE_ENUM_STRINGS (SesameMappingState, sesame_mapping_state, SESAME_TYPE_MAPPING_STATE)
SESAME_DEFINE_ENUM_STRINGS (SesameReachability, sesame_reachability, SESAME_TYPE_REACHABILITY)

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static void
add_tristate (JsonBuilder    *builder,
              const char     *member,
              SesameTristate  value)
{
  json_builder_set_member_name (builder, member);
  if (value == SESAME_TRISTATE_UNKNOWN)
    json_builder_add_null_value (builder);
  else
    json_builder_add_boolean_value (builder, value == SESAME_TRISTATE_YES);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *member,
          const char * const *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_local (JsonBuilder             *builder,
           const SesameProbeReport *report)
{
  json_builder_set_member_name (builder, "local");
  json_builder_begin_object (builder);
  add_string (builder, "address", report->local_address);
  add_string (builder, "gateway", report->gateway);
  add_string (builder, "gateway_mac", report->gateway_mac);
  add_string (builder, "subnet", report->subnet);
  add_string (builder, "reason", report->local_reason);
  json_builder_set_member_name (builder, "interfaces");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->interfaces->len; i++)
    {
      const SesameInterface *interface = g_ptr_array_index (report->interfaces, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", interface->name);
      add_bool (builder, "up", interface->up);
      add_bool (builder, "loopback", interface->loopback);
      add_strv (builder, "ipv4", (const char * const *) interface->ipv4);
      add_strv (builder, "ipv6", (const char * const *) interface->ipv6);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
add_external (JsonBuilder             *builder,
              const SesameProbeReport *report)
{
  json_builder_set_member_name (builder, "external");
  json_builder_begin_object (builder);
  add_string (builder, "ipv4", report->external_ipv4);
  json_builder_set_member_name (builder, "sources");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->external_sources->len; i++)
    {
      const SesameAddressSource *source = g_ptr_array_index (report->external_sources, i);

      json_builder_begin_object (builder);
      add_string (builder, "method", source->method);
      add_string (builder, "server", source->server);
      add_string (builder, "address", source->address);
      add_string (builder, "error", source->error);
      add_int (builder, "elapsed_ms", source->elapsed_ms);
      if (source->port != 0)
        add_int (builder, "port", source->port);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
add_nat (JsonBuilder             *builder,
         const SesameProbeReport *report)
{
  json_builder_set_member_name (builder, "nat");
  json_builder_begin_object (builder);
  add_string (builder, "mapping", sesame_nat_mapping_to_string (report->mapping));
  add_string (builder, "filtering", sesame_nat_filtering_to_string (report->filtering));
  add_string (builder, "classic", sesame_nat_classic_to_string (report->classic));
  add_tristate (builder, "hairpinning", report->hairpinning);
  add_string (builder, "reason", report->nat_reason);
  add_int (builder, "elapsed_ms", report->nat_elapsed_ms);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "access");
  json_builder_begin_object (builder);
  add_tristate (builder, "double_nat", report->double_nat);
  add_tristate (builder, "cgnat", report->cgnat);
  add_string (builder, "wan_address", report->wan_address);
  add_string (builder, "reason", report->access_reason);
  add_strv (builder, "hops", (const char * const *) report->hops->pdata);
  json_builder_end_object (builder);
}

static void
add_router (JsonBuilder             *builder,
            const SesameProbeReport *report)
{
  json_builder_set_member_name (builder, "router");
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "upnp");
  json_builder_begin_object (builder);
  add_bool (builder, "found", report->upnp_found);
  add_string (builder, "manufacturer", report->upnp_manufacturer);
  add_string (builder, "model", report->upnp_model);
  add_string (builder, "model_number", report->upnp_model_number);
  add_string (builder, "friendly_name", report->upnp_friendly_name);
  add_string (builder, "udn", report->upnp_udn);
  add_string (builder, "host", report->upnp_host);
  add_bool (builder, "gateway", report->upnp_is_gateway);
  add_string (builder, "catalog_id", report->upnp_catalog_id);
  add_string (builder, "external_address", report->upnp_external_address);
  add_string (builder, "error", report->upnp_error);
  json_builder_set_member_name (builder, "mappings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->upnp_mappings->len; i++)
    {
      const SesameRouterMapping *mapping = g_ptr_array_index (report->upnp_mappings, i);

      json_builder_begin_object (builder);
      add_string (builder, "protocol", mapping->protocol);
      add_int (builder, "external_port", mapping->external_port);
      add_string (builder, "internal_address", mapping->internal_address);
      add_int (builder, "internal_port", mapping->internal_port);
      add_string (builder, "description", mapping->description);
      add_int (builder, "lease", mapping->lease);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "natpmp");
  json_builder_begin_object (builder);
  add_bool (builder, "found", report->natpmp_found);
  add_string (builder, "external_address", report->natpmp_external_address);
  add_string (builder, "error", report->natpmp_error);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "pcp");
  json_builder_begin_object (builder);
  add_bool (builder, "found", report->pcp_found);
  add_string (builder, "external_address", report->pcp_external_address);
  add_string (builder, "error", report->pcp_error);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
}

static void
add_port_list (JsonBuilder *builder,
               const char  *member,
               GPtrArray   *ports)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < ports->len; i++)
    {
      const SesamePortFinding *finding = g_ptr_array_index (ports, i);

      json_builder_begin_object (builder);
      add_string (builder, "protocol", finding->protocol);
      add_int (builder, "port", finding->port);
      add_tristate (builder, "listening", finding->listening);
      add_string (builder, "router_mapping", sesame_mapping_state_to_string (finding->router_mapping));
      add_string (builder, "reachable", sesame_reachability_to_string (finding->reachable));
      add_string (builder, "reason", finding->reason);
      /* Which check service verified it, and whether Sesame listened there itself */
      add_string (builder, "checked_by", finding->checked_by);
      add_bool (builder, "temporary_listener", finding->temporary_listener);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
unix_to_iso8601 (gint64 time)
{
  g_autoptr(GDateTime) utc = time > 0 ? g_date_time_new_from_unix_utc (time) : NULL;

  return utc != NULL ? g_date_time_format_iso8601 (utc) : NULL;
}

static void
add_added_mappings (JsonBuilder             *builder,
                    const SesameProbeReport *report)
{
  json_builder_set_member_name (builder, "sesame_mappings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->added_mappings->len; i++)
    {
      const SesameAddedMapping *mapping = g_ptr_array_index (report->added_mappings, i);
      g_autofree char *ends = unix_to_iso8601 (mapping->ends);

      json_builder_begin_object (builder);
      add_string (builder, "protocol", mapping->protocol);
      add_int (builder, "external_port", mapping->external_port);
      add_string (builder, "internal_address", mapping->internal_address);
      add_int (builder, "internal_port", mapping->internal_port);
      add_string (builder, "via", mapping->via);
      add_int (builder, "lease", mapping->lease);
      add_string (builder, "ends_at", ends);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_ipv6 (JsonBuilder             *builder,
          const SesameProbeReport *report)
{
  json_builder_set_member_name (builder, "ipv6");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "addresses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->ipv6_addresses->len; i++)
    {
      const SesameIpv6Address *address = g_ptr_array_index (report->ipv6_addresses, i);

      json_builder_begin_object (builder);
      add_string (builder, "address", address->address);
      add_int (builder, "prefix_length", address->prefix_length);
      add_string (builder, "interface", address->interface);
      add_bool (builder, "temporary", address->temporary);
      add_bool (builder, "deprecated", address->deprecated);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_string (builder, "address", report->ipv6_address);

  /* As sesame-cli portset --json, and whether STUN saw the same */
  json_builder_set_member_name (builder, "transition");
  if (report->transition != NULL)
    {
      g_autoptr(JsonNode) node = sesame_portset_to_json_node (report->transition);
      JsonObject *object = json_node_get_object (node);

      if (report->transition_agrees == SESAME_TRISTATE_UNKNOWN)
        json_object_set_null_member (object, "stun_agrees");
      else
        json_object_set_boolean_member (object, "stun_agrees", report->transition_agrees == SESAME_TRISTATE_YES);
      if (report->transition_reason != NULL)
        json_object_set_string_member (object, "reason", report->transition_reason);
      else
        json_object_set_null_member (object, "reason");
      json_builder_add_value (builder, g_steal_pointer (&node));
    }
  else
    json_builder_add_null_value (builder);

  add_port_list (builder, "reachability", report->ipv6_ports);
  add_string (builder, "reason", report->ipv6_reason);
  json_builder_end_object (builder);
}

/**
 * sesame_probe_report_to_json:
 *
 * Returns: (transfer full): the report in the format of `sesame-cli probe --json`
 */
char *
sesame_probe_report_to_json (const SesameProbeReport *report)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  root = sesame_probe_report_to_json_node (report);
  return sesame_json_to_string (root);
}

/**
 * sesame_probe_report_to_json_node:
 *
 * Returns: (transfer full): the report as a JSON object, for documents that hold it
 */
JsonNode *
sesame_probe_report_to_json_node (const SesameProbeReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

  json_builder_begin_object (builder);
  add_int (builder, "version", SESAME_PROBE_REPORT_VERSION);
  add_int (builder, "elapsed_ms", report->elapsed_ms);
  add_string (builder, "finished_at", report->finished_at);
  add_local (builder, report);
  add_external (builder, report);
  add_nat (builder, report);
  add_router (builder, report);
  add_port_list (builder, "ports", report->ports);
  add_added_mappings (builder, report);
  add_ipv6 (builder, report);
  add_strv (builder, "servers_contacted", (const char * const *) report->servers_contacted->pdata);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Reading a saved report back: untrusted, so every member is checked and a
 * missing or odd one stays unknown */

static const char *
member_string (JsonObject *object,
               const char *member)
{
  const char *value = NULL;

  if (object == NULL || !sesame_json_get_string (object, member, &value) || value == NULL)
    return NULL;

  return g_utf8_validate (value, -1, NULL) && strlen (value) <= 1024 ? value : NULL;
}

static char *
dup_member (JsonObject *object,
            const char *member)
{
  return g_strdup (member_string (object, member));
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
member_bool (JsonObject *object,
             const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static SesameTristate
member_tristate (JsonObject *object,
                 const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return SESAME_TRISTATE_UNKNOWN;

  return json_node_get_boolean (node) ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO;
}

/* The value named by the member, the enum's first (unknown) when it names none */
static int
member_enum (JsonObject *object,
             const char *member,
             GType       type)
{
  int value = 0;

  sesame_enum_from_nick (type, member_string (object, member), &value);
  return value;
}

static void
read_ports (JsonNode          *ports,
            SesameProbeReport *report,
            gboolean           ipv6)
{
  if (ports != NULL && JSON_NODE_HOLDS_ARRAY (ports))
    {
      JsonArray *array = json_node_get_array (ports);

      for (guint i = 0; i < json_array_get_length (array) && i < 1024; i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *port;
          JsonNode *number;
          const char *protocol;
          SesameProtocol known;
          SesamePortFinding *finding;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;

          port = json_node_get_object (element);
          protocol = member_string (port, "protocol");
          number = json_object_get_member (port, "port");
          if (!sesame_protocol_from_string (protocol, &known) ||
              number == NULL || !JSON_NODE_HOLDS_VALUE (number) || json_node_get_value_type (number) != G_TYPE_INT64 ||
              json_node_get_int (number) < 1 || json_node_get_int (number) > 65535)
            continue;

          finding = ipv6 ? sesame_probe_report_add_ipv6_port (report, protocol, (guint16) json_node_get_int (number))
                         : sesame_probe_report_add_port (report, protocol, (guint16) json_node_get_int (number));
          finding->listening = member_tristate (port, "listening");
          finding->router_mapping = member_enum (port, "router_mapping", SESAME_TYPE_MAPPING_STATE);
          finding->reachable = member_enum (port, "reachable", SESAME_TYPE_REACHABILITY);
          finding->reason = dup_member (port, "reason");
          finding->checked_by = dup_member (port, "checked_by");
          finding->temporary_listener = member_bool (port, "temporary_listener");
        }
    }
}

static guint16
member_port (JsonObject *object,
             const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 1 || json_node_get_int (node) > 65535)
    return 0;

  return (guint16) json_node_get_int (node);
}

static void
read_added_mappings (JsonNode          *list,
                     SesameProbeReport *report)
{
  static const char * const vias[] = { "upnp", "natpmp", "pcp", NULL };
  JsonArray *array;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return;

  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array) && i < 1024; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry;
      SesameAddedMapping mapping = { 0 };
      SesameProtocol protocol;
      const char *ends;
      gint64 lease;
      g_autoptr(GDateTime) end = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      entry = json_node_get_object (element);
      mapping.protocol = (char *) member_string (entry, "protocol");
      mapping.via = (char *) member_string (entry, "via");
      mapping.external_port = member_port (entry, "external_port");
      mapping.internal_port = member_port (entry, "internal_port");
      mapping.internal_address = (char *) member_string (entry, "internal_address");
      lease = json_object_get_int_member_with_default (entry, "lease", 0);
      ends = member_string (entry, "ends_at");
      if (!sesame_protocol_from_string (mapping.protocol, &protocol) ||
          mapping.via == NULL || !g_strv_contains (vias, mapping.via) ||
          mapping.external_port == 0 || mapping.internal_port == 0 ||
          lease < 0 || lease > G_MAXUINT32)
        continue;
      if (ends != NULL && (end = g_date_time_new_from_iso8601 (ends, NULL)) == NULL)
        continue;

      mapping.lease = (guint32) lease;
      mapping.ends = end != NULL ? g_date_time_to_unix (end) : 0;
      sesame_probe_report_add_added_mapping (report, &mapping);
    }
}

/* The addresses are checked one by one and the transition derived from
 * them again: a saved report cannot name ports the rule table does not give */
static void
read_ipv6 (JsonObject        *ipv6,
           SesameProbeReport *report)
{
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_ipv6_address_free);
  JsonNode *list = ipv6 ? json_object_get_member (ipv6, "addresses") : NULL;
  JsonObject *transition;

  if (ipv6 == NULL)
    return;

  if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
    {
      JsonArray *array = json_node_get_array (list);

      for (guint i = 0; i < json_array_get_length (array) && i < 64; i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *entry;
          const char *text;
          SesameIpv6Prefix prefix;
          SesameIpv6Address *address;
          gint64 length;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;

          entry = json_node_get_object (element);
          text = member_string (entry, "address");
          length = json_object_get_int_member_with_default (entry, "prefix_length", 128);
          if (text == NULL || !sesame_ipv6_prefix_parse (text, &prefix) || prefix.length != 128 ||
              length < 0 || length > 128)
            continue;

          address = g_new0 (SesameIpv6Address, 1);
          address->address = g_strdup (text);
          address->prefix_length = (guint) length;
          address->interface = dup_member (entry, "interface");
          address->temporary = member_bool (entry, "temporary");
          address->deprecated = member_bool (entry, "deprecated");
          g_ptr_array_add (addresses, address);
        }
    }

  sesame_probe_report_set_ipv6_addresses (report, g_steal_pointer (&addresses));

  transition = member_object (ipv6, "transition");
  if (report->transition != NULL && transition != NULL)
    {
      report->transition_agrees = member_tristate (transition, "stun_agrees");
      report->transition_reason = dup_member (transition, "reason");
    }

  read_ports (json_object_get_member (ipv6, "reachability"), report, TRUE);
  report->ipv6_reason = dup_member (ipv6, "reason");
}

/**
 * sesame_probe_report_new_from_json:
 * @json: a report as sesame_probe_report_to_json() writes it, untrusted
 * @error: return location for a #GError
 *
 * Reads back what later runs compare: the local network, the external
 * address, the NAT verdict, access and the router. Members that are
 * missing or of the wrong type stay unknown.
 *
 * Returns: (transfer full): the report
 */
SesameProbeReport *
sesame_probe_report_new_from_json (GBytes  *json,
                                   GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SesameProbeReport) report = NULL;
  JsonObject *object;
  JsonObject *local;
  JsonObject *nat;
  JsonObject *access;
  JsonObject *router;
  JsonObject *upnp;
  JsonNode *version;

  g_return_val_if_fail (json != NULL, NULL);

  if (!(root = sesame_json_parse_bytes (json, SESAME_JSON_MAX_SIZE_PLAN, error)))
    return NULL;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  version = object ? json_object_get_member (object, "version") : NULL;
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 || json_node_get_int (version) != SESAME_PROBE_REPORT_VERSION)
    {
      g_set_error_literal (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX,
                           _("this is not a probe report this version of Sesame can read"));
      return NULL;
    }

  report = sesame_probe_report_new ();
  report->finished_at = dup_member (object, "finished_at");

  local = member_object (object, "local");
  report->local_address = dup_member (local, "address");
  report->gateway = dup_member (local, "gateway");
  report->gateway_mac = dup_member (local, "gateway_mac");
  report->subnet = dup_member (local, "subnet");

  report->external_ipv4 = dup_member (member_object (object, "external"), "ipv4");

  nat = member_object (object, "nat");
  report->mapping = member_enum (nat, "mapping", SESAME_TYPE_NAT_MAPPING);
  report->filtering = member_enum (nat, "filtering", SESAME_TYPE_NAT_FILTERING);
  report->classic = member_enum (nat, "classic", SESAME_TYPE_NAT_CLASSIC);
  report->hairpinning = member_tristate (nat, "hairpinning");

  access = member_object (object, "access");
  report->double_nat = member_tristate (access, "double_nat");
  report->cgnat = member_tristate (access, "cgnat");
  report->wan_address = dup_member (access, "wan_address");

  router = member_object (object, "router");
  upnp = member_object (router, "upnp");
  report->upnp_found = member_bool (upnp, "found");
  report->upnp_manufacturer = dup_member (upnp, "manufacturer");
  report->upnp_model = dup_member (upnp, "model");
  report->upnp_model_number = dup_member (upnp, "model_number");
  report->upnp_friendly_name = dup_member (upnp, "friendly_name");
  report->upnp_udn = dup_member (upnp, "udn");
  report->upnp_host = dup_member (upnp, "host");
  report->upnp_is_gateway = member_bool (upnp, "gateway");
  report->upnp_catalog_id = dup_member (upnp, "catalog_id");
  report->upnp_external_address = dup_member (upnp, "external_address");
  report->natpmp_found = member_bool (member_object (router, "natpmp"), "found");
  report->pcp_found = member_bool (member_object (router, "pcp"), "found");

  read_ports (object ? json_object_get_member (object, "ports") : NULL, report, FALSE);
  read_added_mappings (object ? json_object_get_member (object, "sesame_mappings") : NULL, report);
  read_ipv6 (member_object (object, "ipv6"), report);

  return g_steal_pointer (&report);
}

static void
add_change (GPtrArray  *changes,
            char       *text)
{
  g_ptr_array_add (changes, text);
}

/**
 * sesame_probe_report_router_changes:
 * @before: the report of an earlier run
 * @now: this run's report
 *
 * What says that the router is another one: its hardware address, the UPnP
 * device that answers, or the home network's addresses. Only what both
 * reports know is compared.
 *
 * Returns: (transfer full) (element-type utf8): one sentence per change; empty when the router looks the same
 */
GPtrArray *
sesame_probe_report_router_changes (const SesameProbeReport *before,
                                    const SesameProbeReport *now)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (before != NULL && now != NULL, changes);

  if (before->gateway_mac != NULL && now->gateway_mac != NULL &&
      g_ascii_strcasecmp (before->gateway_mac, now->gateway_mac) != 0)
    add_change (changes, g_strdup_printf (_("The router’s hardware address changed from %s to %s."),
                                          before->gateway_mac, now->gateway_mac));

  if (before->upnp_found && now->upnp_found)
    {
      if (before->upnp_udn != NULL && now->upnp_udn != NULL && !g_str_equal (before->upnp_udn, now->upnp_udn))
        {
          g_autofree char *was = g_strdup_printf ("%s %s", before->upnp_manufacturer ? before->upnp_manufacturer : "",
                                                  before->upnp_model ? before->upnp_model : "");
          g_autofree char *is = g_strdup_printf ("%s %s", now->upnp_manufacturer ? now->upnp_manufacturer : "",
                                                 now->upnp_model ? now->upnp_model : "");

          g_strstrip (was);
          g_strstrip (is);
          /* Two of the same model tell apart by their serial, not their name */
          if (g_str_equal (was, is) && *is != '\0')
            add_change (changes, g_strdup_printf (_("Another router of the same model, “%s”, answers on the network."), is));
          else if (*was != '\0' && *is != '\0')
            add_change (changes, g_strdup_printf (_("Another router answers: it was “%s”, it is now “%s”."), was, is));
          else
            add_change (changes, g_strdup (_("Another router answers on the network.")));
        }
    }
  else if (before->upnp_found != now->upnp_found && before->gateway_mac == NULL)
    add_change (changes, g_strdup (now->upnp_found ? _("A router that speaks UPnP answers now, where none did before.")
                                                   : _("The router that spoke UPnP before does not answer any more.")));

  if (before->subnet != NULL && now->subnet != NULL && !g_str_equal (before->subnet, now->subnet))
    add_change (changes, g_strdup_printf (_("The home network changed from %s to %s."), before->subnet, now->subnet));
  else if (before->gateway != NULL && now->gateway != NULL && !g_str_equal (before->gateway, now->gateway))
    add_change (changes, g_strdup_printf (_("The router’s address changed from %s to %s."), before->gateway, now->gateway));

  return changes;
}

/* A router found speaking NAT-PMP or PCP that refused (an answer with an
 * error and no external address: not authorized, no resources, behind
 * another NAT…) speaks the protocol but will not map with it */
static gboolean
pmp_can_map (gboolean    found,
             const char *external_address,
             const char *error)
{
  return found && (external_address != NULL || error == NULL);
}

/**
 * sesame_probe_report_pcp_can_map:
 * @report: a probe report
 *
 * Returns: whether the router answered PCP with a mapping it can make, not
 *   only a refusal
 */
gboolean
sesame_probe_report_pcp_can_map (const SesameProbeReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return pmp_can_map (report->pcp_found, report->pcp_external_address, report->pcp_error);
}

/**
 * sesame_probe_report_natpmp_can_map:
 * @report: a probe report
 *
 * Returns: whether the router answered NAT-PMP with an address, not only a
 *   refusal
 */
gboolean
sesame_probe_report_natpmp_can_map (const SesameProbeReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return pmp_can_map (report->natpmp_found, report->natpmp_external_address, report->natpmp_error);
}
