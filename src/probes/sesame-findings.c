/* sesame-findings.c: from plan and probe report to findings
 *
 * The path to the internet is judged first (DS-Lite, carrier-grade NAT,
 * double NAT, no public address, MAP-E, UDP blocked): each finding there
 * that says forwarding cannot work marks the rows it concerns as not
 * working. Everything after is judged in its light, so that the findings
 * cannot contradict each other: the NAT type is told only while forwarding
 * can work at all (never "forwarded ports work" under "no forwarding can
 * work"), the router's automatic setup is offered only where it can help,
 * and what each port showed is told only of rows that can still work
 * (except a port nothing listens on, which needs the person either way).
 *
 * Sentences are in the report language (sesame_translation_get_for_language()),
 * not the process locale, as the checklist's are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-findings"

#include "config.h"

#include "sesame-address.h"
#include "sesame-checklist.h"
#include "sesame-findings.h"
#include "sesame-glossary.h"
#include "sesame-translation.h"

typedef struct
{
  SesameTranslation       *tr;
  SesamePlan              *plan;
  SesameCatalog           *catalog;
  const char              *language;
  const SesameProbeReport *report;
  GPtrArray               *forwards;    /* element-type SesameForward: the plan's rows */
  GPtrArray               *findings;    /* element-type SesameFinding */
  gboolean                 blocked;     /* no forwarding on the router can work */
} Judge;

static SesameFinding *
add (Judge                 *judge,
     const char            *id,
     SesameFindingSeverity  severity,
     const char            *title,
     const char            *text,
     const char            *action)
{
  SesameFinding *finding = sesame_finding_new (id, severity, title, text, action);

  g_ptr_array_add (judge->findings, finding);
  return finding;
}

/* @finding concerns every row of the plan (of @protocol, unless it is -1)
 * whose external ports start below @below; returns how many */
static guint
add_rows (Judge         *judge,
          SesameFinding *finding,
          int            protocol,
          guint          below)
{
  guint n = 0;

  for (guint i = 0; i < judge->forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (judge->forwards, i);

      if ((protocol >= 0 && forward->protocol != (SesameProtocol) protocol) || forward->external.first >= below)
        continue;

      sesame_finding_add_port (finding, forward->protocol, &forward->external, FALSE);
      n++;
    }

  return n;
}

static gboolean
is_public (const char *address)
{
  guint32 value;

  return address != NULL && sesame_ipv4_parse (address, &value) &&
         sesame_ipv4_classify (value) == SESAME_IPV4_PUBLIC;
}

/* Some server or the router told an address, and not one of them is public */
static gboolean
no_public_address (const SesameProbeReport *report)
{
  gboolean told = FALSE;

  if (report->cgnat == SESAME_TRISTATE_YES || report->double_nat == SESAME_TRISTATE_YES ||
      report->external_ipv4 != NULL)
    return FALSE;

  if (report->wan_address != NULL)
    return !is_public (report->wan_address);

  for (guint i = 0; i < report->external_sources->len; i++)
    {
      const SesameAddressSource *source = g_ptr_array_index (report->external_sources, i);

      if (source->address == NULL)
        continue;
      if (is_public (source->address))
        return FALSE;
      told = TRUE;
    }

  return told;
}

/* What this computer's IPv6 address says of the line, unless the internet
 * contradicted it (STUN saw another IPv4 address, or ports outside the set) */
static SesameConnection
detected_connection (const SesameProbeReport *report)
{
  if (report->transition == NULL || report->transition_agrees == SESAME_TRISTATE_NO)
    return SESAME_CONNECTION_UNKNOWN;

  switch (report->transition->method)
    {
    case SESAME_TRANSITION_MAP_E:
      return SESAME_CONNECTION_MAP_E;
    case SESAME_TRANSITION_DS_LITE:
      return SESAME_CONNECTION_DS_LITE;
    case SESAME_TRANSITION_NONE:
    default:
      return SESAME_CONNECTION_UNKNOWN;
    }
}

/* The line as chosen, or as detected where the person said "I don't know";
 * a choice the detection contradicts is said, and the choice stands */
static SesameConnection
judge_connection (Judge *judge)
{
  SesameConnection chosen = sesame_plan_get_connection (judge->plan);
  SesameConnection detected = detected_connection (judge->report);
  SesameTranslation *tr = judge->tr;
  const char *provider;
  g_autofree char *title = NULL;

  if (detected == SESAME_CONNECTION_UNKNOWN || detected == chosen)
    return chosen;
  if (chosen == SESAME_CONNECTION_UNKNOWN)
    return detected;

  provider = judge->report->transition->provider != NULL ? judge->report->transition->provider : "";
  title = g_strdup_printf (detected == SESAME_CONNECTION_MAP_E
                           /* Translators: %s is a provider's service, such as "v6プラス" */
                           ? T_ (tr, "Your line looks like IPv4 over IPv6 by MAP-E (%s)")
                           /* Translators: %s is a provider's service, such as "transix" */
                           : T_ (tr, "Your line looks like IPv4 over IPv6 by DS-Lite (%s)"),
                           provider);
  add (judge, "connection-detected", SESAME_FINDING_SEVERITY_WARNING, title,
       T_ (tr, "This computer’s IPv6 address belongs to a provider’s IPv4 over IPv6 service, but another connection type was chosen. The checklist follows your choice."),
       T_ (tr, "Check the connection type on your router’s status page, and choose it in Sesame."));

  return chosen;
}

static void
judge_path (Judge *judge)
{
  const SesameProbeReport *report = judge->report;
  SesameTranslation *tr = judge->tr;
  SesameConnection connection = judge_connection (judge);
  SesameFinding *finding;

  if (connection == SESAME_CONNECTION_DS_LITE)
    {
      finding = add (judge, "ds-lite", SESAME_FINDING_SEVERITY_BLOCKER,
                     T_ (tr, "DS-Lite: IPv4 port forwarding cannot work"),
                     T_ (tr, "With IPv4 over IPv6 by DS-Lite, your provider translates IPv4 addresses, not your router: no IPv4 port forwarding can work."),
                     T_ (tr, "Reach the server over IPv6, ask your provider for a fixed IPv4 address option, or switch to PPPoE if your provider offers it."));
      finding->works = SESAME_WORKS_NO;
      add_rows (judge, finding, -1, G_MAXUINT);
      judge->blocked = TRUE;
    }

  if (report->cgnat == SESAME_TRISTATE_YES)
    {
      finding = add (judge, "cgnat", SESAME_FINDING_SEVERITY_BLOCKER,
                     T_ (tr, "Carrier-grade NAT: forwarding on your router cannot work"),
                     T_ (tr, "Your provider shares one public address among many customers (carrier-grade NAT): no forwarding on your router can make this server reachable from the internet."),
                     T_ (tr, "Ask the provider for a public IPv4 address, use IPv6, or a tunnel or VPN service."));
      finding->works = SESAME_WORKS_NO;
      add_rows (judge, finding, -1, G_MAXUINT);
      judge->blocked = TRUE;
    }
  else if (report->double_nat == SESAME_TRISTATE_YES)
    {
      finding = add (judge, "double-nat", SESAME_FINDING_SEVERITY_BLOCKER,
                     T_ (tr, "Two routers in a row (double NAT): forwarding on one is not enough"),
                     T_ (tr, "There are two routers between this computer and the internet: the rows below, entered on your router alone, do not make the server reachable."),
                     T_ (tr, "Put the first router (the one connected to the internet) in bridge mode, or enter the same rows on it too, forwarded to your router’s address."));
      finding->works = SESAME_WORKS_NO;
      add_rows (judge, finding, -1, G_MAXUINT);
      judge->blocked = TRUE;
    }
  else if (no_public_address (report))
    {
      finding = add (judge, "no-public-address", SESAME_FINDING_SEVERITY_BLOCKER,
                     T_ (tr, "Your network has no public address"),
                     T_ (tr, "Every address your router and the servers on the internet told is a private or shared one: something between your router and the internet translates addresses, so forwarding on your router cannot be reached from the internet."),
                     T_ (tr, "Ask your provider for a public IPv4 address, or reach the server over IPv6."));
      finding->works = SESAME_WORKS_NO;
      add_rows (judge, finding, -1, G_MAXUINT);
      judge->blocked = TRUE;
    }

  if (connection == SESAME_CONNECTION_MAP_E)
    {
      gboolean low = FALSE;

      for (guint i = 0; i < judge->forwards->len && !low; i++)
        low = ((const SesameForward *) g_ptr_array_index (judge->forwards, i))->external.first < 1024;

      finding = add (judge, "map-e", low ? SESAME_FINDING_SEVERITY_BLOCKER : SESAME_FINDING_SEVERITY_WARNING,
                     low ? T_ (tr, "MAP-E: ports below 1024 cannot be forwarded")
                         : T_ (tr, "MAP-E: only the ports assigned to you can be forwarded"),
                     T_ (tr, "With IPv4 over IPv6 by MAP-E, your public IPv4 address is shared with other customers and only the ports assigned to you can be forwarded, never those below 1024."),
                     T_ (tr, "Look up your assigned ports on the router’s status page and forward one of them to each service, or reach the server over IPv6."));
      if (low)
        {
          /* The rows below 1024 cannot work; the others may, with an assigned port */
          finding->works = SESAME_WORKS_NO;
          add_rows (judge, finding, -1, 1024);
        }
      else
        add_rows (judge, finding, -1, G_MAXUINT);
    }

  if (report->classic == SESAME_NAT_CLASSIC_UDP_BLOCKED)
    {
      guint n;

      finding = add (judge, "udp-blocked", SESAME_FINDING_SEVERITY_BLOCKER,
                     T_ (tr, "UDP is blocked on the way to the internet"),
                     T_ (tr, "Something on the way blocks UDP: services that use UDP, such as games and calls, cannot be reached."),
                     T_ (tr, "Forwarding UDP ports cannot help. Use the service over TCP if it can, or ask your provider or network administrator to let UDP through."));
      finding->works = SESAME_WORKS_NO;
      n = add_rows (judge, finding, SESAME_PROTOCOL_UDP, G_MAXUINT);
      /* Nothing of this plan uses UDP: worth knowing, no more */
      if (n == 0)
        finding->severity = SESAME_FINDING_SEVERITY_INFO;
    }

  /* With MAP-E forwarding on the router is not enough for every port: said above */
  if (!judge->blocked && connection != SESAME_CONNECTION_MAP_E &&
      report->double_nat == SESAME_TRISTATE_NO && report->cgnat != SESAME_TRISTATE_YES)
    add (judge, "direct", SESAME_FINDING_SEVERITY_OK,
         T_ (tr, "Your router is connected straight to the internet"),
         T_ (tr, "Your router is connected straight to the internet: forwarding on it is enough."),
         NULL);
}

/**
 * sesame_nat_classic_label:
 * @tr: the report language
 * @classic: a NAT type in the classic names
 *
 * Returns: (nullable): its name in @tr's language, as every finding and
 *   report says it; %NULL when unknown
 */
const char *
sesame_nat_classic_label (SesameTranslation *tr,
              SesameNatClassic   classic)
{
  switch (classic)
    {
    case SESAME_NAT_CLASSIC_OPEN_INTERNET: return TC_ (tr, "nat type", "No NAT (open internet)");
    case SESAME_NAT_CLASSIC_FULL_CONE: return TC_ (tr, "nat type", "Full cone");
    case SESAME_NAT_CLASSIC_RESTRICTED_CONE: return TC_ (tr, "nat type", "Restricted cone");
    case SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE: return TC_ (tr, "nat type", "Port-restricted cone");
    case SESAME_NAT_CLASSIC_SYMMETRIC: return TC_ (tr, "nat type", "Symmetric");
    case SESAME_NAT_CLASSIC_SYMMETRIC_UDP_FIREWALL: return TC_ (tr, "nat type", "No NAT, UDP firewall");
    case SESAME_NAT_CLASSIC_UDP_BLOCKED: return TC_ (tr, "nat type", "UDP blocked");
    case SESAME_NAT_CLASSIC_UNKNOWN:
    default: return NULL;
    }
}

/* How the router translates addresses, while forwarding can work at all */
static void
judge_nat (Judge *judge)
{
  const SesameProbeReport *report = judge->report;
  SesameTranslation *tr = judge->tr;
  SesameFindingSeverity severity = SESAME_FINDING_SEVERITY_OK;
  const char *text = NULL;
  const char *action = NULL;
  const char *name = sesame_nat_classic_label (tr, report->classic);
  g_autofree char *title = NULL;

  if (judge->blocked)
    return;

  switch (report->classic)
    {
    case SESAME_NAT_CLASSIC_OPEN_INTERNET:
      text = T_ (tr, "This computer has a public address of its own: nothing translates addresses on the way to the internet.");
      break;
    case SESAME_NAT_CLASSIC_FULL_CONE:
      text = T_ (tr, "Your router shares one public address (full-cone NAT). Forwarded ports work, and so does peer-to-peer.");
      break;
    case SESAME_NAT_CLASSIC_RESTRICTED_CONE:
      text = T_ (tr, "Your router shares one public address (restricted cone NAT). Forwarded ports work; peer-to-peer mostly works.");
      break;
    case SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE:
      text = T_ (tr, "Your router shares one public address (port-restricted cone NAT). Forwarded ports work; peer-to-peer needs the router’s help.");
      break;
    case SESAME_NAT_CLASSIC_SYMMETRIC:
      severity = SESAME_FINDING_SEVERITY_INFO;
      text = T_ (tr, "Your router shares one public address and picks a new port for every destination (symmetric NAT). Forwarded ports work; peer-to-peer often fails.");
      break;
    case SESAME_NAT_CLASSIC_SYMMETRIC_UDP_FIREWALL:
      severity = SESAME_FINDING_SEVERITY_WARNING;
      text = T_ (tr, "This computer has a public address, but a firewall lets in only replies to its own traffic.");
      action = T_ (tr, "Open the ports in that firewall.");
      break;
    case SESAME_NAT_CLASSIC_UDP_BLOCKED:
      /* Told by judge_path () */
      return;
    case SESAME_NAT_CLASSIC_UNKNOWN:
    default:
      /* Half a verdict: how the router picks public ports says enough for forwarding */
      switch (report->mapping)
        {
        case SESAME_NAT_MAPPING_NO_NAT:
          text = T_ (tr, "This computer has a public address of its own: nothing translates addresses on the way to the internet.");
          break;
        case SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT:
          text = T_ (tr, "Your router shares one public address and keeps the same public port for each connection. Forwarded ports work.");
          break;
        case SESAME_NAT_MAPPING_ADDRESS_DEPENDENT:
        case SESAME_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT:
          severity = SESAME_FINDING_SEVERITY_INFO;
          text = T_ (tr, "Your router shares one public address and picks a new port for every destination (symmetric NAT). Forwarded ports work; peer-to-peer often fails.");
          break;
        case SESAME_NAT_MAPPING_UNKNOWN:
        default:
          return;
        }
      break;
    }

  if (name != NULL)
    /* Translators: %s is the classic name of the NAT type, "Full cone" */
    title = g_strdup_printf (T_ (tr, "NAT type: %s"), name);
  else
    title = g_strdup (T_ (tr, "How your router shares its address"));

  add (judge, "nat", severity, title, text, action);
}

static char *
router_name (Judge              *judge,
             const SesameRouter *router)
{
  /* Translators: a router's vendor and model: "Buffalo WSR-1800AX4S" */
  return g_strdup_printf (TC_ (judge->tr, "router", "%s %s"),
                          sesame_text_get (&router->vendor, judge->language),
                          sesame_text_get (&router->model, judge->language));
}

/* The router that answered is in the catalog, and it is not the one chosen:
 * the checklist follows the choice, which may be out of date */
static void
judge_router_choice (Judge *judge)
{
  const char *chosen_id = sesame_plan_get_router_id (judge->plan);
  const char *seen_id = judge->report->upnp_catalog_id;
  const SesameRouter *chosen;
  const SesameRouter *seen;
  g_autofree char *chosen_name = NULL;
  g_autofree char *seen_name = NULL;
  g_autofree char *text = NULL;

  /* Only the gateway's own IGD speaks for the router: any device on the
   * network can answer a UPnP search and claim to be another router */
  if (!judge->report->upnp_is_gateway ||
      seen_id == NULL || chosen_id == NULL || g_str_equal (chosen_id, "generic") ||
      g_str_equal (chosen_id, seen_id) ||
      !(chosen = sesame_catalog_lookup_router (judge->catalog, chosen_id)) ||
      !(seen = sesame_catalog_lookup_router (judge->catalog, seen_id)))
    return;

  seen_name = router_name (judge, seen);
  chosen_name = router_name (judge, chosen);
  /* Translators: the first %s is the router that answered, the second the one chosen for the plan */
  text = g_strdup_printf (T_ (judge->tr, "The router that answered is a %s, not the %s you chose. The checklist follows your choice: if the router was replaced, choose the new one."),
                          seen_name, chosen_name);
  add (judge, "router-mismatch", SESAME_FINDING_SEVERITY_WARNING,
       T_ (judge->tr, "The router that answered is not the one you chose"), text,
       T_ (judge->tr, "Check which router you have, and choose it in Sesame."));
}

static void
judge_router (Judge *judge)
{
  const SesameProbeReport *report = judge->report;
  SesameTranslation *tr = judge->tr;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autofree char *protocols = NULL;
  g_autofree char *title = NULL;
  const SesameFinding *map_e;

  /* An IGD elsewhere on the network is not the router: Sesame changes
   * nothing there unless the person names it, so it offers nothing */
  if (report->upnp_found && report->upnp_is_gateway)
    g_ptr_array_add (found, (gpointer) "UPnP IGD");
  /* A protocol the router only refused with maps nothing */
  if (sesame_probe_report_natpmp_can_map (report))
    g_ptr_array_add (found, (gpointer) "NAT-PMP");
  if (sesame_probe_report_pcp_can_map (report))
    g_ptr_array_add (found, (gpointer) "PCP");
  if (found->len == 0)
    return;

  g_ptr_array_add (found, NULL);
  protocols = g_strjoinv (", ", (char **) found->pdata);
  /* Translators: %s lists the protocols the router speaks: "UPnP IGD, NAT-PMP" */
  title = g_strdup_printf (T_ (tr, "Your router can be set up automatically (%s)."), protocols);

  /* Under MAP-E the router maps only the assigned ports, which the rows do not have */
  map_e = sesame_findings_lookup (judge->findings, "map-e");
  if (judge->blocked || (map_e != NULL && map_e->severity == SESAME_FINDING_SEVERITY_BLOCKER))
    add (judge, "router-automatic", SESAME_FINDING_SEVERITY_INFO, title,
         T_ (tr, "Rows your router adds by itself cannot help here, for the same reason as the rows entered by hand (see above)."),
         NULL);
  else
    add (judge, "router-automatic", SESAME_FINDING_SEVERITY_OK, title,
         T_ (tr, "Sesame can add the forwarding rows on your router for you, after asking, instead of entering them by hand."),
         NULL);
}

static void
judge_hairpin (Judge *judge)
{
  SesameTranslation *tr = judge->tr;

  if (judge->blocked || judge->report->hairpinning != SESAME_TRISTATE_NO)
    return;

  add (judge, "hairpin", SESAME_FINDING_SEVERITY_INFO,
       T_ (tr, "Your public address does not lead back home from inside"),
       T_ (tr, "Your router does not lead its own public address back into the home network (no hairpinning): a test from home fails even when the forwarding works."),
       T_ (tr, "Test from outside, such as a phone on mobile data, and use the server’s home address at home."));
}

/* Whether the rows that carry @port (or the port alone, outside the plan)
 * cannot work for a reason found already */
static gboolean
port_blocked (Judge                 *judge,
              SesameProtocol         protocol,
              const SesamePortRange *port)
{
  gboolean any = FALSE;

  for (guint i = 0; i < judge->forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (judge->forwards, i);

      if (forward->protocol != protocol || !sesame_port_range_overlaps (&forward->internal, port))
        continue;

      any = TRUE;
      if (sesame_findings_row_works (judge->findings, protocol, &forward->external,
                                     &forward->internal, NULL) == SESAME_WORKS_NO)
        return TRUE;
    }

  return !any && sesame_findings_row_works (judge->findings, protocol, port, port, NULL) == SESAME_WORKS_NO;
}

/* Ports of one kind, told once for all: "TCP 22, TCP 80 and UDP 27015-27016" */
static char *
ports_text (SesameTranslation   *tr,
            const SesameFinding *finding)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (SesameFindingPort));
  guint n;

  /* Ports one after the other as one range: "UDP 16384-16403" */
  for (guint i = 0; i < finding->ports->len; i++)
    {
      const SesameFindingPort *port = &g_array_index (finding->ports, SesameFindingPort, i);
      SesameFindingPort *last = merged->len > 0 ? &g_array_index (merged, SesameFindingPort, merged->len - 1) : NULL;

      if (last != NULL && last->protocol == port->protocol && (guint) last->range.last + 1 == port->range.first)
        last->range.last = port->range.last;
      else
        g_array_append_val (merged, *port);
    }
  n = merged->len;

  for (guint i = 0; i < n; i++)
    {
      const SesameFindingPort *port = &g_array_index (merged, SesameFindingPort, i);
      g_autofree char *range = sesame_port_range_to_string (&port->range);

      if (i > 0)
        /* Translators: between the last two names of a list, "A, B and C" */
        g_string_append (text, i + 1 == n ? TC_ (tr, "list", " and ") : TC_ (tr, "list", ", "));
      g_string_append_printf (text, "%s %s", sesame_protocol_label (port->protocol), range);
    }

  return g_string_free (text, FALSE);
}

/* One finding for all the ports of one kind; the title names them */
typedef struct
{
  const char            *id;
  SesameFindingSeverity  severity;
  SesameWorks            works;
  const char            *title;     /* a placeholder: port_title () names the ports */
  const char            *text;
  const char            *action;
  SesameFinding         *finding;   /* nullable: none yet */
} PortKind;

static void
port_kind_add (Judge                 *judge,
               PortKind              *kind,
               SesameProtocol         protocol,
               const SesamePortRange *port)
{
  if (kind->finding == NULL)
    {
      kind->finding = add (judge, kind->id, kind->severity, kind->title, kind->text, kind->action);
      kind->finding->works = kind->works;
    }

  sesame_finding_add_port (kind->finding, protocol, port, TRUE);
}

/* The title of a kind of judge_ports (), naming @ports */
static char *
port_title (SesameTranslation *tr,
            guint              kind,
            const char        *ports)
{
  switch (kind)
    {
    case 0:
      /* Translators: %s lists ports, "TCP 22 and TCP 80" */
      return g_strdup_printf (T_ (tr, "Nothing listens on %s"), ports);
    case 1:
      /* Translators: %s lists ports, "TCP 22 and TCP 80" */
      return g_strdup_printf (T_ (tr, "The router forwards %s to another computer"), ports);
    case 2:
      /* Translators: %s lists ports, "TCP 22 and TCP 80" */
      return g_strdup_printf (T_ (tr, "Not reachable from the internet: %s"), ports);
    case 3:
      /* Translators: %s lists ports, "TCP 22 and TCP 80" */
      return g_strdup_printf (T_ (tr, "No forwarding row on the router yet: %s"), ports);
    case 4:
    default:
      /* Translators: %s lists ports, "TCP 22 and TCP 80" */
      return g_strdup_printf (T_ (tr, "Reachable from the internet: %s"), ports);
    }
}

/* What a kind of judge_ports () says of each of its ports, for a row about
 * one port: the row names the port, the title names them all */
static const char *
port_kind_port_title (SesameTranslation *tr,
                      guint              kind)
{
  switch (kind)
    {
    case 0:
      /* Translators: on the row of one port: nothing listens on it */
      return TC_ (tr, "port", "Nothing listens on this port");
    case 1:
      /* Translators: on the row of one port */
      return TC_ (tr, "port", "The router forwards this port to another computer");
    case 2:
      /* Translators: on the row of one port */
      return TC_ (tr, "port", "Not reachable from the internet");
    case 3:
      /* Translators: on the row of one port */
      return TC_ (tr, "port", "No forwarding row on the router yet");
    case 4:
    default:
      /* Translators: on the row of one port */
      return TC_ (tr, "port", "Reachable from the internet");
    }
}

/* The mapping Sesame added on the router for @port of this computer, while
 * its lease lasts and the router has not lost it or given the port to
 * another computer */
static const SesameAddedMapping *
added_mapping (Judge                   *judge,
               const SesamePortFinding *found)
{
  const SesameProbeReport *report = judge->report;
  gint64 now = sesame_probe_report_get_time (report);

  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  if (found->router_mapping == SESAME_MAPPING_STATE_ABSENT ||
      found->router_mapping == SESAME_MAPPING_STATE_WRONG_HOST)
    return NULL;

  for (guint i = 0; i < report->added_mappings->len; i++)
    {
      const SesameAddedMapping *mapping = g_ptr_array_index (report->added_mappings, i);

      if (mapping->internal_port == found->port && g_strcmp0 (mapping->protocol, found->protocol) == 0 &&
          mapping->ends > now)
        return mapping;
    }

  return NULL;
}

static const char *
via_name (const char *via)
{
  if (g_strcmp0 (via, "natpmp") == 0)
    return "NAT-PMP";
  if (g_strcmp0 (via, "pcp") == 0)
    return "PCP";

  return "UPnP IGD";
}

/* The ports that work only while the mappings Sesame added last: when
 * they end, the ways they came and how to remove them sooner. @finding
 * says the ports work when every one of them was reached from the
 * internet. */
static void
added_finish (Judge         *judge,
              SesameFinding *finding,
              GPtrArray     *mappings,
              gboolean       all_reached)
{
  SesameTranslation *tr = judge->tr;
  g_autoptr(GPtrArray) vias = g_ptr_array_new ();
  g_autoptr(GString) commands = g_string_new (NULL);
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *ports = ports_text (tr, finding);
  g_autofree char *via_list = NULL;
  g_autofree char *date = NULL;
  gint64 first_end = G_MAXINT64;

  for (guint i = 0; i < mappings->len; i++)
    {
      const SesameAddedMapping *mapping = g_ptr_array_index (mappings, i);
      const char *name = via_name (mapping->via);

      first_end = MIN (first_end, mapping->ends);
      if (!g_ptr_array_find_with_equal_func (vias, name, g_str_equal, NULL))
        g_ptr_array_add (vias, (gpointer) name);

      if (commands->len > 0)
        g_string_append (commands, "; ");
      g_string_append_printf (commands, "sesame-cli map remove --protocol %s --port %u",
                              mapping->protocol, mapping->external_port);
      if (g_strcmp0 (mapping->via, "upnp") != 0)
        g_string_append_printf (commands, " --via %s", mapping->via);
    }
  g_ptr_array_add (vias, NULL);
  via_list = g_strjoinv (TC_ (tr, "list", ", "), (char **) vias->pdata);

  end = g_date_time_new_from_unix_local (first_end);
  date = end != NULL ? g_date_time_format (end, "%Y-%m-%d %H:%M") : g_strdup ("?");

  g_free (finding->title);
  /* Translators: the first %s is when the mappings end, "2024-05-08 14:00";
   * the second lists ports, "TCP 22 and TCP 80" */
  finding->title = g_strdup_printf (T_ (tr, "Forwarded only until %s, by the mappings Sesame added: %s"), date, ports);
  g_free (finding->port_title);
  /* Translators: on the row of one port; %s is when the mapping ends, "2024-05-08 14:00" */
  finding->port_title = g_strdup_printf (TC_ (tr, "port", "Forwarded only until %s, by a mapping Sesame added"), date);
  g_free (finding->text);
  /* Translators: the first %s is how Sesame asked the router ("UPnP IGD"),
   * the second when the mappings end, "2024-05-08 14:00" */
  finding->text = g_strdup_printf (T_ (tr, "Sesame asked your router over %s to forward these ports for a limited time. "
                                       "The mappings end on %s, or sooner if the router restarts, and the ports close again. "
                                       "They are not forwarding rows of the router’s own."),
                                   via_list, date);
  g_free (finding->action);
  /* Translators: %s is one or more commands to paste in a terminal */
  finding->action = g_strdup_printf (T_ (tr, "Enter these forwarding rows on the router by hand to keep them, or run Sesame again before then. "
                                         "To remove them sooner: on the router’s UPnP page, or with %s"),
                                     commands->str);
  finding->works = all_reached ? SESAME_WORKS_YES : SESAME_WORKS_UNKNOWN;
}

static void
judge_ports (Judge *judge)
{
  SesameTranslation *tr = judge->tr;
  PortKind kinds[] = {
    { "port-not-listening", SESAME_FINDING_SEVERITY_WARNING, SESAME_WORKS_UNKNOWN,
      "",
      T_ (tr, "No program on this computer answers on these ports, so the forwarding rows for them lead nowhere."),
      T_ (tr, "Start the program that serves each of them, or check which port it uses."), NULL },
    { "port-mapped-elsewhere", SESAME_FINDING_SEVERITY_WARNING, SESAME_WORKS_UNKNOWN,
      "",
      T_ (tr, "The router has forwarding rows for these ports, but they lead to another computer, not to this one."),
      T_ (tr, "Change the forwarding rows to this computer’s address."), NULL },
    { "port-unreachable", SESAME_FINDING_SEVERITY_WARNING, SESAME_WORKS_UNKNOWN,
      "",
      T_ (tr, "A check from the internet did not get through to these ports: they are blocked on the way in, or nothing answers."),
      T_ (tr, "Add the forwarding row on the router and allow the port in this computer’s firewall."), NULL },
    { "port-not-mapped", SESAME_FINDING_SEVERITY_INFO, SESAME_WORKS_UNKNOWN,
      "",
      T_ (tr, "The router says it has no forwarding row for these ports."),
      T_ (tr, "Add the forwarding row on the router."), NULL },
    { "port-reachable", SESAME_FINDING_SEVERITY_OK, SESAME_WORKS_YES,
      "",
      T_ (tr, "Reachable from the internet. Nothing to do."),
      NULL, NULL },
    /* Its sentences are made by added_finish () */
    { "port-mapped-by-sesame", SESAME_FINDING_SEVERITY_WARNING, SESAME_WORKS_UNKNOWN,
      "", "", NULL, NULL },
  };
  /* In the order of kinds[] and port_title () */
  enum { NOT_LISTENING, ELSEWHERE, UNREACHABLE, NOT_MAPPED, REACHABLE, ADDED };
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  gboolean all_reached = TRUE;

  for (guint i = 0; i < judge->report->ports->len; i++)
    {
      const SesamePortFinding *found = g_ptr_array_index (judge->report->ports, i);
      SesamePortRange port = { found->port, found->port };
      const SesameAddedMapping *mapping;
      SesameProtocol protocol;

      if (!sesame_protocol_from_string (found->protocol, &protocol) || found->port == 0)
        continue;

      /* Nothing to start: the program is needed whatever the path */
      if (found->listening == SESAME_TRISTATE_NO)
        port_kind_add (judge, &kinds[NOT_LISTENING], protocol, &port);

      /* What a port showed is told only of rows that can still work */
      if (port_blocked (judge, protocol, &port))
        continue;

      /* Open, or not known to be shut, through a mapping that ends: never
       * "nothing to do" */
      if ((mapping = added_mapping (judge, found)) != NULL &&
          found->reachable != SESAME_REACHABILITY_FILTERED &&
          found->reachable != SESAME_REACHABILITY_REFUSED)
        {
          port_kind_add (judge, &kinds[ADDED], protocol, &port);
          g_ptr_array_add (added, (gpointer) mapping);
          all_reached = all_reached && found->reachable == SESAME_REACHABILITY_OPEN;
        }
      else if (found->reachable == SESAME_REACHABILITY_OPEN)
        port_kind_add (judge, &kinds[REACHABLE], protocol, &port);
      else if (found->router_mapping == SESAME_MAPPING_STATE_WRONG_HOST)
        port_kind_add (judge, &kinds[ELSEWHERE], protocol, &port);
      else if (found->reachable == SESAME_REACHABILITY_FILTERED ||
               found->reachable == SESAME_REACHABILITY_REFUSED)
        port_kind_add (judge, &kinds[UNREACHABLE], protocol, &port);
      else if (found->router_mapping == SESAME_MAPPING_STATE_ABSENT)
        port_kind_add (judge, &kinds[NOT_MAPPED], protocol, &port);
    }

  /* The titles name the ports, now that they are all known */
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      SesameFinding *finding = kinds[k].finding;
      g_autofree char *ports = NULL;

      if (finding == NULL)
        continue;

      if (k == ADDED)
        {
          added_finish (judge, finding, added, all_reached);
          continue;
        }

      ports = ports_text (tr, finding);
      g_free (finding->title);
      finding->title = port_title (tr, k, ports);
      g_free (finding->port_title);
      finding->port_title = g_strdup (port_kind_port_title (tr, k));
    }
}

/* What each finding's words mean, in one plain line */
static void
explain (Judge *judge)
{
  for (guint i = 0; i < judge->findings->len; i++)
    {
      SesameFinding *finding = g_ptr_array_index (judge->findings, i);
      const char *text = NULL;

      if (g_str_equal (finding->id, "nat") && judge->report->classic != SESAME_NAT_CLASSIC_UNKNOWN)
        {
          g_autofree char *key = g_strconcat ("nat:", sesame_nat_classic_to_string (judge->report->classic), NULL);

          text = sesame_glossary_explain (judge->tr, key);
        }
      if (text == NULL)
        text = sesame_glossary_explain (judge->tr, finding->id);

      g_free (finding->explanation);
      finding->explanation = g_strdup (text);
    }
}

/**
 * sesame_findings_new:
 * @plan: the plan
 * @catalog: the catalog the plan was made with
 * @report: the probe results
 * @language: (nullable): the language of the sentences, "en" or "ja";
 *   %NULL for the plan's, else the desktop's
 * @error: return location for a #GError
 *
 * What @report means for @plan, blockers first (sesame_findings_sort()).
 * A plan that cannot make a checklist yet (no server address) gets the
 * findings about the network alone.
 *
 * Returns: (transfer full) (element-type SesameFinding): the findings, or
 *   %NULL when @language is not one Sesame speaks
 */
GPtrArray *
sesame_findings_new (SesamePlan              *plan,
                     SesameCatalog           *catalog,
                     const SesameProbeReport *report,
                     const char              *language,
                     GError                 **error)
{
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  Judge judge = { 0 };

  g_return_val_if_fail (SESAME_IS_PLAN (plan), NULL);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (language == NULL)
    language = sesame_plan_get_language (plan);
  if (language == NULL)
    language = sesame_translation_get_default_language ();
  if (!(judge.tr = sesame_translation_get_for_language (language, error)))
    return NULL;

  /* The rows, as the checklist makes them */
  checklist = sesame_checklist_new (plan, catalog, language, NULL);
  findings = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_finding_free);

  judge.plan = plan;
  judge.catalog = catalog;
  judge.language = language;
  judge.report = report;
  judge.forwards = checklist != NULL ? sesame_checklist_get_forwards (checklist) : none;
  judge.findings = findings;

  judge_path (&judge);
  judge_nat (&judge);
  judge_router_choice (&judge);
  judge_router (&judge);
  judge_hairpin (&judge);
  judge_ports (&judge);
  explain (&judge);

  sesame_findings_sort (findings);
  return g_steal_pointer (&findings);
}

/**
 * sesame_findings_path_blocked:
 * @findings: (element-type SesameFinding): findings
 *
 * Returns: whether no forwarding on the router can work at all
 */
gboolean
sesame_findings_path_blocked (GPtrArray *findings)
{
  static const char * const path[] = { "ds-lite", "cgnat", "double-nat", "no-public-address" };

  for (guint i = 0; i < G_N_ELEMENTS (path); i++)
    if (sesame_findings_lookup (findings, path[i]) != NULL)
      return TRUE;

  return FALSE;
}

/**
 * sesame_findings_automatic_helps:
 * @findings: (element-type SesameFinding): findings
 *
 * Returns: whether rows the router adds by itself (UPnP IGD, NAT-PMP, PCP)
 *   can help, so that offering them makes sense
 */
gboolean
sesame_findings_automatic_helps (GPtrArray *findings)
{
  const SesameFinding *automatic = sesame_findings_lookup (findings, "router-automatic");

  return automatic != NULL && automatic->severity == SESAME_FINDING_SEVERITY_OK;
}
