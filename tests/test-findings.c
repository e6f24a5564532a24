/* test-findings.c: what the probe results mean, for each lab profile
 *
 * Each profile is a probe report built here as the prober fills it in the
 * lab of tests/integration (full cone, restricted, port-restricted,
 * symmetric, open internet, carrier-grade NAT, double NAT, UDP blocked),
 * with the plan's ports listening or not, mapped or not, reachable or not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sesame-checklist.h"
#include "sesame-findings.h"
#include "sesame-portset.h"
#include "sesame-glossary.h"

static SesameCatalog *catalog;

/* A web server, SSH and a UDP game server */
static SesamePlan *
new_plan (SesameConnection connection)
{
  SesamePlan *plan = sesame_plan_new ();
  SesameCustomRule rule = { (char *) "Game server", SESAME_RULE_PROTOCOL_UDP, { 27015, 27016 }, { 27015, 27016 } };

  sesame_plan_set_router_id (plan, "generic");
  sesame_plan_set_router_address (plan, "192.168.11.1");
  sesame_plan_set_host_address (plan, "192.168.11.5");
  sesame_plan_set_host_os (plan, SESAME_HOST_OS_LINUX_UFW);
  sesame_plan_set_connection (plan, connection);
  sesame_plan_add_service (plan, "http");
  sesame_plan_add_service (plan, "ssh");
  sesame_plan_add_custom_rule (plan, &rule);

  return plan;
}

/* What the prober finds behind a router straight on the internet, with
 * @classic; every port of @plan listening, forwarded, not checked from outside */
static SesameProbeReport *
new_report (SesamePlan       *plan,
            SesameNatClassic  classic)
{
  SesameProbeReport *report = sesame_probe_report_new ();
  g_autoptr(SesameChecklist) checklist = sesame_checklist_new (plan, catalog, "en", NULL);
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);

  report->local_address = g_strdup ("192.168.11.5");
  report->gateway = g_strdup ("192.168.11.1");
  report->external_ipv4 = g_strdup ("203.0.113.2");
  report->wan_address = g_strdup ("203.0.113.2");
  report->double_nat = SESAME_TRISTATE_NO;
  report->cgnat = SESAME_TRISTATE_NO;
  report->classic = classic;
  report->hairpinning = SESAME_TRISTATE_YES;
  report->upnp_found = TRUE;
  report->upnp_is_gateway = TRUE;

  switch (classic)
    {
    case SESAME_NAT_CLASSIC_OPEN_INTERNET:
      report->mapping = SESAME_NAT_MAPPING_NO_NAT;
      report->filtering = SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT;
      break;
    case SESAME_NAT_CLASSIC_FULL_CONE:
      report->mapping = SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT;
      report->filtering = SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT;
      break;
    case SESAME_NAT_CLASSIC_RESTRICTED_CONE:
      report->mapping = SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT;
      report->filtering = SESAME_NAT_FILTERING_ADDRESS_DEPENDENT;
      break;
    case SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE:
      report->mapping = SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT;
      report->filtering = SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT;
      break;
    case SESAME_NAT_CLASSIC_SYMMETRIC:
      report->mapping = SESAME_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT;
      report->filtering = SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT;
      break;
    case SESAME_NAT_CLASSIC_SYMMETRIC_UDP_FIREWALL:
    case SESAME_NAT_CLASSIC_UDP_BLOCKED:
    case SESAME_NAT_CLASSIC_UNKNOWN:
    default:
      break;
    }

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      SesamePortFinding *port = sesame_probe_report_add_port (report, sesame_protocol_to_string (forward->protocol),
                                                              forward->internal.first);

      port->listening = SESAME_TRISTATE_YES;
      port->router_mapping = SESAME_MAPPING_STATE_PRESENT;
      port->reachable = SESAME_REACHABILITY_UNKNOWN;
    }

  return report;
}

static SesamePortFinding *
report_port (SesameProbeReport *report,
             const char        *protocol,
             guint              port)
{
  for (guint i = 0; i < report->ports->len; i++)
    {
      SesamePortFinding *finding = g_ptr_array_index (report->ports, i);

      if (g_str_equal (finding->protocol, protocol) && finding->port == port)
        return finding;
    }

  g_assert_not_reached ();
}

static GPtrArray *
judge (SesamePlan        *plan,
       SesameProbeReport *report,
       const char        *language)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *findings = sesame_findings_new (plan, catalog, report, language, &error);

  g_assert_no_error (error);
  g_assert_nonnull (findings);

  /* Blockers first, then warnings, notes and good signs */
  for (guint i = 1; i < findings->len; i++)
    g_assert_cmpint (((SesameFinding *) g_ptr_array_index (findings, i - 1))->severity, <=,
                     ((SesameFinding *) g_ptr_array_index (findings, i))->severity);

  /* Never a blocker beside a path that says forwarding works, or beside an
   * offer of automatic setup: the checks page cannot contradict itself */
  for (guint i = 0; i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);

      g_assert_nonnull (finding->title);
      g_assert_nonnull (finding->text);
      if (finding->severity != SESAME_FINDING_SEVERITY_BLOCKER || finding->ports->len == 0)
        continue;
      if (!sesame_findings_path_blocked (findings) && !g_str_equal (finding->id, "map-e"))
        continue;
      g_assert_null (sesame_findings_lookup (findings, "direct"));
      g_assert_false (sesame_findings_automatic_helps (findings));
      if (sesame_findings_path_blocked (findings))
        g_assert_null (sesame_findings_lookup (findings, "nat"));
    }

  return findings;
}

static const SesameFinding *
expect (GPtrArray             *findings,
        const char            *id,
        SesameFindingSeverity  severity)
{
  const SesameFinding *finding = sesame_findings_lookup (findings, id);

  if (finding == NULL)
    g_error ("no finding “%s”", id);
  g_assert_cmpstr (sesame_finding_severity_to_string (finding->severity), ==,
                   sesame_finding_severity_to_string (severity));
  return finding;
}

static gboolean
has_port (const SesameFinding *finding,
          const char          *spec)
{
  for (guint i = 0; i < finding->ports->len; i++)
    {
      g_autofree char *text = sesame_finding_port_to_string (&g_array_index (finding->ports, SesameFindingPort, i));

      if (g_str_equal (text, spec))
        return TRUE;
    }

  return FALSE;
}

/* Each row's verdict, "tcp/22=no:cgnat" for the row of TCP 22 */
static char *
row_verdicts (SesamePlan *plan,
              GPtrArray  *findings)
{
  g_autoptr(SesameChecklist) checklist = sesame_checklist_new (plan, catalog, "en", NULL);
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);
  GString *out = g_string_new (NULL);

  sesame_checklist_set_findings (checklist, findings);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      g_autoptr(GPtrArray) because = g_ptr_array_new ();
      SesameWorks works = sesame_checklist_forward_works (checklist, forward, because);
      g_autofree char *ports = sesame_port_range_to_string (&forward->external);

      g_ptr_array_add (because, NULL);
      g_string_append_printf (out, "%s%s/%s=%s", i > 0 ? " " : "", sesame_protocol_to_string (forward->protocol),
                              ports, sesame_works_to_string (works));
      if (because->len > 1)
        {
          g_autofree char *ids = g_strjoinv (",", (char **) because->pdata);
          g_string_append_printf (out, ":%s", ids);
        }
    }

  return g_string_free (out, FALSE);
}

static void
test_cones (void)
{
  const SesameNatClassic cones[] = {
    SESAME_NAT_CLASSIC_OPEN_INTERNET, SESAME_NAT_CLASSIC_FULL_CONE,
    SESAME_NAT_CLASSIC_RESTRICTED_CONE, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (cones); i++)
    {
      g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
      g_autoptr(SesameProbeReport) report = new_report (plan, cones[i]);
      g_autoptr(GPtrArray) findings = judge (plan, report, "en");
      g_autofree char *rows = row_verdicts (plan, findings);

      /* Nothing in the way: forwarding on the router is enough, and it can add the rows itself */
      expect (findings, "nat", SESAME_FINDING_SEVERITY_OK);
      expect (findings, "direct", SESAME_FINDING_SEVERITY_OK);
      expect (findings, "router-automatic", SESAME_FINDING_SEVERITY_OK);
      g_assert_true (sesame_findings_automatic_helps (findings));
      g_assert_cmpint (((SesameFinding *) g_ptr_array_index (findings, 0))->severity, ==, SESAME_FINDING_SEVERITY_OK);
      g_assert_cmpstr (rows, ==, "tcp/22=unknown tcp/80=unknown udp/27015-27016=unknown");
    }
}

/* An IGD that is not the gateway (any device on the network can answer a
 * UPnP search) speaks for nothing: no offer to set the router up, and no
 * claim that the router was replaced */
static void
test_foreign_igd (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_FULL_CONE);
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) gateway_findings = NULL;

  sesame_plan_set_router_id (plan, "buffalo-wsr");
  report->upnp_catalog_id = g_strdup ("nec-aterm");

  /* The gateway's own IGD: it may offer, and it may say the router changed */
  gateway_findings = judge (plan, report, "en");
  g_assert_nonnull (sesame_findings_lookup (gateway_findings, "router-automatic"));
  g_assert_nonnull (sesame_findings_lookup (gateway_findings, "router-mismatch"));

  report->upnp_is_gateway = FALSE;
  findings = judge (plan, report, "en");
  g_assert_null (sesame_findings_lookup (findings, "router-automatic"));
  g_assert_false (sesame_findings_automatic_helps (findings));
  g_assert_null (sesame_findings_lookup (findings, "router-mismatch"));
}

/* The line as this computer's IPv6 address tells it: used where the person
 * said "I don't know", said where it contradicts their choice, and never
 * when the internet saw otherwise */
static void
test_detected_line (void)
{
  g_autoptr(GError) error = NULL;

  /* DS-Lite detected, connection unknown: the DS-Lite blocker */
  {
    g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_UNKNOWN);
    g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
    g_autoptr(GPtrArray) findings = NULL;

    report->transition = sesame_portset_lookup_text ("2409:10:1234:5600::1", &error);
    g_assert_no_error (error);
    g_assert_cmpint (report->transition->method, ==, SESAME_TRANSITION_DS_LITE);
    report->transition_agrees = SESAME_TRISTATE_UNKNOWN;
    findings = judge (plan, report, "en");
    expect (findings, "ds-lite", SESAME_FINDING_SEVERITY_BLOCKER);
    g_assert_null (sesame_findings_lookup (findings, "direct"));
    g_assert_null (sesame_findings_lookup (findings, "connection-detected"));
  }

  /* MAP-E detected and confirmed by STUN, PPPoE chosen: said, the choice stands */
  {
    g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
    g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
    g_autoptr(GPtrArray) findings = NULL;

    report->transition = sesame_portset_lookup_text ("240b:10:1234:5600::1", &error);
    g_assert_no_error (error);
    report->transition_agrees = SESAME_TRISTATE_YES;
    findings = judge (plan, report, "en");
    expect (findings, "connection-detected", SESAME_FINDING_SEVERITY_WARNING);
    g_assert_null (sesame_findings_lookup (findings, "map-e"));
  }

  /* The internet saw another address: the detection decides nothing */
  {
    g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_UNKNOWN);
    g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
    g_autoptr(GPtrArray) findings = NULL;

    report->transition = sesame_portset_lookup_text ("240b:10:1234:5600::1", &error);
    g_assert_no_error (error);
    report->transition_agrees = SESAME_TRISTATE_NO;
    findings = judge (plan, report, "en");
    g_assert_null (sesame_findings_lookup (findings, "map-e"));
    g_assert_null (sesame_findings_lookup (findings, "connection-detected"));
    expect (findings, "direct", SESAME_FINDING_SEVERITY_OK);
  }
}

/* A router that answers PCP only with a refusal (behind another NAT, not
 * authorized) speaks PCP but maps nothing: not offered as automatic setup */
static void
test_refused_pcp (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_FULL_CONE);
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) mapping = NULL;

  report->upnp_found = FALSE;
  report->pcp_found = TRUE;
  report->pcp_error = g_strdup ("The router refused: not authorized");
  refused = judge (plan, report, "en");
  g_assert_null (sesame_findings_lookup (refused, "router-automatic"));
  g_assert_false (sesame_findings_automatic_helps (refused));

  /* NAT-PMP answering with an address beside it: that one maps */
  report->natpmp_found = TRUE;
  report->natpmp_external_address = g_strdup ("203.0.113.2");
  mapping = judge (plan, report, "en");
  g_assert_nonnull (strstr (expect (mapping, "router-automatic", SESAME_FINDING_SEVERITY_OK)->title, "NAT-PMP"));
  g_assert_null (strstr (expect (mapping, "router-automatic", SESAME_FINDING_SEVERITY_OK)->title, "PCP"));
}

static void
test_symmetric (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_SYMMETRIC);
  g_autoptr(GPtrArray) findings = judge (plan, report, "en");
  const SesameFinding *nat = expect (findings, "nat", SESAME_FINDING_SEVERITY_INFO);

  /* Forwarding works; only peer-to-peer suffers */
  g_assert_nonnull (strstr (nat->text, "Forwarded ports work"));
  g_assert_true (sesame_findings_automatic_helps (findings));
}

static void
test_cgnat (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *rows = NULL;
  const SesameFinding *cgnat;

  /* As the prober says it: a router WAN address in 100.64.0.0/10 */
  g_free (report->wan_address);
  report->wan_address = g_strdup ("100.64.0.2");
  report->double_nat = SESAME_TRISTATE_YES;
  report->cgnat = SESAME_TRISTATE_YES;
  report_port (report, "tcp", 80)->reachable = SESAME_REACHABILITY_FILTERED;
  report_port (report, "tcp", 22)->listening = SESAME_TRISTATE_NO;

  findings = judge (plan, report, "en");
  rows = row_verdicts (plan, findings);

  /* The blocker first, in plain words, with what to do instead */
  cgnat = g_ptr_array_index (findings, 0);
  g_assert_cmpstr (cgnat->id, ==, "cgnat");
  g_assert_cmpint (cgnat->severity, ==, SESAME_FINDING_SEVERITY_BLOCKER);
  g_assert_nonnull (strstr (cgnat->text, "carrier-grade NAT"));
  g_assert_nonnull (cgnat->action);
  g_assert_true (has_port (cgnat, "tcp/80") && has_port (cgnat, "tcp/22") && has_port (cgnat, "udp/27015-27016"));

  /* Every row cannot work; one blocker is enough, double NAT is the same thing */
  g_assert_cmpstr (rows, ==, "tcp/22=no:cgnat tcp/80=no:cgnat udp/27015-27016=no:cgnat");
  g_assert_null (sesame_findings_lookup (findings, "double-nat"));

  /* Nothing that says forwarding works, no offer of automatic rows, no
   * advice to add a forwarding row that cannot help */
  g_assert_null (sesame_findings_lookup (findings, "nat"));
  g_assert_null (sesame_findings_lookup (findings, "direct"));
  g_assert_null (sesame_findings_lookup (findings, "port-unreachable"));
  expect (findings, "router-automatic", SESAME_FINDING_SEVERITY_INFO);
  g_assert_false (sesame_findings_automatic_helps (findings));

  /* A program that is not running still needs starting */
  g_assert_true (has_port (expect (findings, "port-not-listening", SESAME_FINDING_SEVERITY_WARNING), "tcp/22"));
}

static void
test_double_nat (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_DHCP);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *rows = NULL;

  g_free (report->wan_address);
  report->wan_address = g_strdup ("192.168.0.10");
  report->double_nat = SESAME_TRISTATE_YES;

  findings = judge (plan, report, "en");
  rows = row_verdicts (plan, findings);

  g_assert_cmpstr (((SesameFinding *) g_ptr_array_index (findings, 0))->id, ==, "double-nat");
  expect (findings, "double-nat", SESAME_FINDING_SEVERITY_BLOCKER);
  g_assert_null (sesame_findings_lookup (findings, "cgnat"));
  g_assert_null (sesame_findings_lookup (findings, "no-public-address"));
  g_assert_cmpstr (rows, ==, "tcp/22=no:double-nat tcp/80=no:double-nat udp/27015-27016=no:double-nat");
}

static void
test_no_public_address (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_DHCP);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_UNKNOWN);
  g_autoptr(GPtrArray) findings = NULL;
  SesameAddressSource *source;

  /* Nothing could tell whether there is a second router, but the only
   * address anyone told is a private one */
  g_clear_pointer (&report->external_ipv4, g_free);
  g_clear_pointer (&report->wan_address, g_free);
  report->double_nat = SESAME_TRISTATE_UNKNOWN;
  report->cgnat = SESAME_TRISTATE_UNKNOWN;
  source = sesame_probe_report_add_source (report, "upnp", "192.168.11.1");
  source->address = g_strdup ("10.0.0.7");

  findings = judge (plan, report, "en");
  g_assert_true (has_port (expect (findings, "no-public-address", SESAME_FINDING_SEVERITY_BLOCKER), "tcp/80"));

  /* With a public address in sight, no such blocker */
  report->external_ipv4 = g_strdup ("203.0.113.2");
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = judge (plan, report, "en");
  g_assert_null (sesame_findings_lookup (findings, "no-public-address"));
}

static void
test_udp_blocked (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesamePlan) tcp_only = sesame_plan_new ();
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_UDP_BLOCKED);
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) tcp_findings = NULL;
  g_autofree char *rows = NULL;
  const SesameFinding *udp;

  report_port (report, "udp", 27015)->router_mapping = SESAME_MAPPING_STATE_ABSENT;
  report_port (report, "tcp", 80)->router_mapping = SESAME_MAPPING_STATE_ABSENT;

  findings = judge (plan, report, "en");
  rows = row_verdicts (plan, findings);

  udp = g_ptr_array_index (findings, 0);
  g_assert_cmpstr (udp->id, ==, "udp-blocked");
  g_assert_cmpint (udp->severity, ==, SESAME_FINDING_SEVERITY_BLOCKER);
  g_assert_true (has_port (udp, "udp/27015-27016"));
  g_assert_false (has_port (udp, "tcp/80"));
  g_assert_nonnull (udp->action);

  /* The UDP rows cannot work; the TCP ones may */
  g_assert_cmpstr (rows, ==, "tcp/22=unknown tcp/80=unknown:port-not-mapped udp/27015-27016=no:udp-blocked");

  /* "Add the forwarding row" is said of TCP 80, never of the UDP row it cannot help */
  g_assert_true (has_port (expect (findings, "port-not-mapped", SESAME_FINDING_SEVERITY_INFO), "tcp/80"));
  g_assert_false (has_port (sesame_findings_lookup (findings, "port-not-mapped"), "udp/27015"));
  g_assert_null (sesame_findings_lookup (findings, "nat"));

  /* A plan without UDP: worth a note, no more */
  sesame_plan_set_router_id (tcp_only, "generic");
  sesame_plan_set_host_address (tcp_only, "192.168.11.5");
  sesame_plan_add_service (tcp_only, "http");
  tcp_findings = judge (tcp_only, report, "en");
  expect (tcp_findings, "udp-blocked", SESAME_FINDING_SEVERITY_INFO);
}

static void
test_ds_lite (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_DS_LITE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
  g_autoptr(GPtrArray) findings = judge (plan, report, "en");
  g_autofree char *rows = row_verdicts (plan, findings);

  expect (findings, "ds-lite", SESAME_FINDING_SEVERITY_BLOCKER);
  g_assert_cmpstr (rows, ==, "tcp/22=no:ds-lite tcp/80=no:ds-lite udp/27015-27016=no:ds-lite");
  g_assert_false (sesame_findings_automatic_helps (findings));
}

static void
test_map_e (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_MAP_E);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
  g_autoptr(GPtrArray) findings = judge (plan, report, "en");
  g_autofree char *rows = row_verdicts (plan, findings);
  const SesameFinding *map_e = expect (findings, "map-e", SESAME_FINDING_SEVERITY_BLOCKER);

  /* Ports below 1024 are never among those assigned; the game's may be */
  g_assert_true (has_port (map_e, "tcp/80") && has_port (map_e, "tcp/22"));
  g_assert_false (has_port (map_e, "udp/27015-27016"));
  g_assert_cmpstr (rows, ==, "tcp/22=no:map-e tcp/80=no:map-e udp/27015-27016=unknown");
}

static void
test_ports (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_FULL_CONE);
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *rows = NULL;
  const SesameFinding *finding;

  report_port (report, "tcp", 80)->reachable = SESAME_REACHABILITY_OPEN;
  report_port (report, "tcp", 22)->listening = SESAME_TRISTATE_NO;
  report_port (report, "tcp", 22)->router_mapping = SESAME_MAPPING_STATE_WRONG_HOST;
  report_port (report, "udp", 27015)->reachable = SESAME_REACHABILITY_FILTERED;
  report->hairpinning = SESAME_TRISTATE_NO;

  findings = judge (plan, report, "en");
  rows = row_verdicts (plan, findings);

  finding = expect (findings, "port-reachable", SESAME_FINDING_SEVERITY_OK);
  g_assert_true (has_port (finding, "tcp/80"));
  g_assert_cmpstr (finding->title, ==, "Reachable from the internet: TCP 80");
  g_assert_true (has_port (expect (findings, "port-not-listening", SESAME_FINDING_SEVERITY_WARNING), "tcp/22"));
  g_assert_true (has_port (expect (findings, "port-mapped-elsewhere", SESAME_FINDING_SEVERITY_WARNING), "tcp/22"));
  g_assert_true (has_port (expect (findings, "port-unreachable", SESAME_FINDING_SEVERITY_WARNING), "udp/27015"));
  g_assert_null (sesame_findings_lookup (findings, "port-not-mapped"));
  expect (findings, "hairpin", SESAME_FINDING_SEVERITY_INFO);

  /* Reached from the internet: it works; the others are not known, with why */
  g_assert_cmpstr (rows, ==,
                   "tcp/22=unknown:port-not-listening,port-mapped-elsewhere tcp/80=yes:port-reachable "
                   "udp/27015-27016=unknown:port-unreachable");
}

static void
test_grouped_ports (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_FULL_CONE);
  g_autoptr(GPtrArray) findings = NULL;
  const SesameFinding *finding;

  /* The prober checks each port of a range */
  sesame_probe_report_add_port (report, "udp", 27016);
  for (guint i = 0; i < report->ports->len; i++)
    ((SesamePortFinding *) g_ptr_array_index (report->ports, i))->listening = SESAME_TRISTATE_NO;

  /* One finding for them all, naming each, a range as a range */
  findings = judge (plan, report, "en");
  finding = expect (findings, "port-not-listening", SESAME_FINDING_SEVERITY_WARNING);
  g_assert_cmpuint (finding->ports->len, ==, 4);
  g_assert_cmpstr (finding->title, ==, "Nothing listens on TCP 22, TCP 80 and UDP 27015-27016");
}

/* The row of one port says what a finding says of that port, not the list
 * of every port of its kind; findings about no port in particular say
 * the same on every row */
static void
test_port_titles (void)
{
  static const char * const languages[] = { "en", "ja" };

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
      g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_FULL_CONE);
      g_autoptr(GPtrArray) findings = NULL;
      g_autoptr(GHashTable) words = g_hash_table_new (g_str_hash, g_str_equal);
      static const char * const kinds[] = { "port-not-listening", "port-mapped-elsewhere", "port-unreachable",
                                            "port-not-mapped", "port-reachable" };

      sesame_probe_report_add_port (report, "udp", 27016);
      report_port (report, "tcp", 80)->reachable = SESAME_REACHABILITY_OPEN;
      report_port (report, "tcp", 22)->listening = SESAME_TRISTATE_NO;
      report_port (report, "tcp", 22)->router_mapping = SESAME_MAPPING_STATE_WRONG_HOST;
      report_port (report, "udp", 27015)->reachable = SESAME_REACHABILITY_FILTERED;
      report_port (report, "udp", 27016)->router_mapping = SESAME_MAPPING_STATE_ABSENT;

      findings = judge (plan, report, languages[l]);
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          const SesameFinding *finding = sesame_findings_lookup (findings, kinds[k]);
          const char *port_title;

          if (finding == NULL)
            g_error ("%s: no finding “%s”", languages[l], kinds[k]);
          port_title = sesame_finding_get_port_title (finding);
          g_test_message ("%s %s: “%s” on each row of “%s”", languages[l], kinds[k], port_title, finding->title);

          /* The title names the ports; the row's words name none */
          g_assert_true (strstr (finding->title, "TCP ") != NULL || strstr (finding->title, "UDP ") != NULL);
          g_assert_null (strstr (port_title, "TCP"));
          g_assert_null (strstr (port_title, "UDP"));
          g_assert_null (strpbrk (port_title, "0123456789"));
          g_assert_cmpstr (port_title, !=, finding->title);

          /* Each kind in its own words, in the report language */
          g_assert_false (g_hash_table_contains (words, port_title));
          g_hash_table_add (words, (gpointer) port_title);
          if (g_str_equal (languages[l], "ja"))
            g_assert_true (g_utf8_validate (port_title, -1, NULL) && (guchar) port_title[0] >= 0x80);
        }

      /* A finding about no port in particular: its title on every row */
      {
        const SesameFinding *hairpin;

        report->hairpinning = SESAME_TRISTATE_NO;
        g_clear_pointer (&findings, g_ptr_array_unref);
        findings = judge (plan, report, languages[l]);
        hairpin = sesame_findings_lookup (findings, "hairpin");
        g_assert_nonnull (hairpin);
        g_assert_cmpstr (sesame_finding_get_port_title (hairpin), ==, hairpin->title);
      }
    }
}

static void
test_language (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE);
  g_autoptr(GPtrArray) en = NULL;
  g_autoptr(GPtrArray) ja = NULL;
  g_autoptr(GError) error = NULL;

  report->cgnat = SESAME_TRISTATE_YES;
  en = judge (plan, report, "en");
  ja = judge (plan, report, "ja");

  /* The report language, whatever the process locale; ids stay */
  g_assert_cmpstr (((SesameFinding *) g_ptr_array_index (ja, 0))->id, ==, "cgnat");
  g_assert_nonnull (strstr (((SesameFinding *) g_ptr_array_index (ja, 0))->title, "キャリアグレードNAT"));
  g_assert_cmpstr (((SesameFinding *) g_ptr_array_index (en, 0))->title, !=,
                   ((SesameFinding *) g_ptr_array_index (ja, 0))->title);

  g_assert_null (sesame_findings_new (plan, catalog, report, "xx", &error));
  g_assert_nonnull (error);
}

/* A mapping Sesame added, as the wizard records it: for a week from the
 * end of the run */
static void
add_sesame_mapping (SesameProbeReport *report,
                    const char        *protocol,
                    guint16            port,
                    const char        *via,
                    gint64             ends)
{
  SesameAddedMapping mapping = { (char *) protocol, port, (char *) "192.168.11.5", port, (char *) via, 604800, ends };

  sesame_probe_report_add_added_mapping (report, &mapping);
}

/* Issue 10, item 3: a port open only through Sesame's one-week mapping is
 * never "nothing to do"; the finding says until when, how to keep it and
 * how to remove it */
static void
test_mapped_by_sesame (void)
{
  g_autoptr(SesamePlan) plan = new_plan (SESAME_CONNECTION_PPPOE);
  g_autoptr(SesameProbeReport) report = new_report (plan, SESAME_NAT_CLASSIC_FULL_CONE);
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) ja = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *date = NULL;
  const SesameFinding *finding;
  gint64 now;

  report->finished_at = g_strdup ("2024-05-01T12:00:00Z");
  now = sesame_probe_report_get_time (report);
  g_assert_cmpint (now, >, 0);
  report_port (report, "tcp", 80)->reachable = SESAME_REACHABILITY_OPEN;
  report_port (report, "tcp", 22)->reachable = SESAME_REACHABILITY_OPEN;
  add_sesame_mapping (report, "tcp", 80, "upnp", now + 604800);

  findings = judge (plan, report, "en");
  finding = expect (findings, "port-mapped-by-sesame", SESAME_FINDING_SEVERITY_WARNING);
  g_assert_true (has_port (finding, "tcp/80"));
  g_assert_false (has_port (finding, "tcp/22"));
  end = g_date_time_new_from_unix_local (now + 604800);
  date = g_date_time_format (end, "%Y-%m-%d %H:%M");
  g_assert_nonnull (strstr (finding->title, date));
  g_assert_nonnull (strstr (finding->title, "TCP 80"));
  /* On the port's own row: until when, naming no port */
  g_assert_nonnull (strstr (sesame_finding_get_port_title (finding), date));
  g_assert_null (strstr (sesame_finding_get_port_title (finding), "TCP"));
  g_assert_nonnull (strstr (finding->text, "UPnP IGD"));
  g_assert_nonnull (strstr (finding->text, date));
  g_assert_nonnull (strstr (finding->action, "sesame-cli map remove --protocol tcp --port 80"));
  g_assert_null (strstr (finding->action, "--via"));
  g_assert_nonnull (finding->explanation);

  /* TCP 22 was forwarded by hand: nothing to do there, and only there */
  finding = expect (findings, "port-reachable", SESAME_FINDING_SEVERITY_OK);
  g_assert_true (has_port (finding, "tcp/22"));
  g_assert_false (has_port (finding, "tcp/80"));

  /* It works, for now */
  rows = row_verdicts (plan, findings);
  g_assert_nonnull (strstr (rows, "tcp/80=yes:port-mapped-by-sesame"));
  g_assert_nonnull (strstr (rows, "tcp/22=yes:port-reachable"));

  /* In the report language */
  ja = judge (plan, report, "ja");
  finding = expect (ja, "port-mapped-by-sesame", SESAME_FINDING_SEVERITY_WARNING);
  g_assert_nonnull (strstr (finding->title, date));
  g_assert_nonnull (strstr (finding->title, "Sesame"));
  g_assert_null (strstr (finding->title, "Forwarded only until"));
  g_assert_nonnull (strstr (sesame_finding_get_port_title (finding), date));
  g_assert_null (strstr (sesame_finding_get_port_title (finding), "Forwarded only until"));
  g_assert_null (strstr (sesame_finding_get_port_title (finding), "TCP"));
  g_assert_nonnull (strstr (finding->action, "sesame-cli map remove --protocol tcp --port 80"));
  g_clear_pointer (&ja, g_ptr_array_unref);

  /* Not checked from outside: not said to work, still said to end */
  report_port (report, "tcp", 80)->reachable = SESAME_REACHABILITY_UNKNOWN;
  g_clear_pointer (&findings, g_ptr_array_unref);
  g_clear_pointer (&rows, g_free);
  findings = judge (plan, report, "en");
  expect (findings, "port-mapped-by-sesame", SESAME_FINDING_SEVERITY_WARNING);
  rows = row_verdicts (plan, findings);
  g_assert_nonnull (strstr (rows, "tcp/80=unknown:port-mapped-by-sesame"));

  /* Over NAT-PMP the command says so */
  add_sesame_mapping (report, "tcp", 80, "natpmp", now + 3600);
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = judge (plan, report, "en");
  finding = expect (findings, "port-mapped-by-sesame", SESAME_FINDING_SEVERITY_WARNING);
  g_assert_nonnull (strstr (finding->action, "sesame-cli map remove --protocol tcp --port 80 --via natpmp"));
  g_assert_nonnull (strstr (finding->text, "NAT-PMP"));

  /* The router lost it (it restarted): no more mapping of Sesame's */
  report_port (report, "tcp", 80)->router_mapping = SESAME_MAPPING_STATE_ABSENT;
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = judge (plan, report, "en");
  g_assert_null (sesame_findings_lookup (findings, "port-mapped-by-sesame"));
  expect (findings, "port-not-mapped", SESAME_FINDING_SEVERITY_INFO);

  /* Its lease has ended */
  report_port (report, "tcp", 80)->router_mapping = SESAME_MAPPING_STATE_PRESENT;
  report_port (report, "tcp", 80)->reachable = SESAME_REACHABILITY_OPEN;
  add_sesame_mapping (report, "tcp", 80, "upnp", now - 1);
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = judge (plan, report, "en");
  g_assert_null (sesame_findings_lookup (findings, "port-mapped-by-sesame"));
  g_assert_true (has_port (expect (findings, "port-reachable", SESAME_FINDING_SEVERITY_OK), "tcp/80"));

  /* Behind carrier-grade NAT it cannot work, mapping or not */
  add_sesame_mapping (report, "tcp", 80, "upnp", now + 604800);
  report->cgnat = SESAME_TRISTATE_YES;
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = judge (plan, report, "en");
  g_assert_null (sesame_findings_lookup (findings, "port-mapped-by-sesame"));
}

/* The mappings Sesame added are in the probe report's JSON, and the
 * router's own list tells them by their description */
static void
test_sesame_mappings_json (void)
{
  g_autoptr(SesameProbeReport) report = sesame_probe_report_new ();
  g_autoptr(SesameProbeReport) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const SesameAddedMapping *mapping;
  SesameRouterMapping *listed;
  gint64 now;

  report->finished_at = g_strdup ("2024-05-01T12:00:00Z");
  now = sesame_probe_report_get_time (report);
  report->upnp_found = TRUE;
  report->upnp_is_gateway = TRUE;
  listed = g_new0 (SesameRouterMapping, 1);
  listed->protocol = g_strdup ("tcp");
  listed->external_port = 8080;
  listed->internal_address = g_strdup ("192.168.11.5");
  listed->internal_port = 80;
  listed->description = g_strdup ("Sesame: http");
  listed->lease = 3600;
  sesame_probe_report_add_mapping (report, listed);
  /* Another program's, and a permanent one of Sesame's: not Sesame's to end */
  listed = g_new0 (SesameRouterMapping, 1);
  listed->protocol = g_strdup ("udp");
  listed->external_port = 3478;
  listed->description = g_strdup ("Skype");
  listed->lease = 3600;
  sesame_probe_report_add_mapping (report, listed);
  listed = g_new0 (SesameRouterMapping, 1);
  listed->protocol = g_strdup ("tcp");
  listed->external_port = 22;
  listed->description = g_strdup ("Sesame");
  sesame_probe_report_add_mapping (report, listed);

  sesame_probe_report_find_added_mappings (report);
  g_assert_cmpuint (report->added_mappings->len, ==, 1);
  add_sesame_mapping (report, "udp", 27015, "pcp", now + 600);

  json = sesame_probe_report_to_json (report);
  g_assert_nonnull (strstr (json, "\"sesame_mappings\""));
  bytes = g_bytes_new (json, strlen (json));
  back = sesame_probe_report_new_from_json (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->added_mappings->len, ==, 2);
  mapping = g_ptr_array_index (back->added_mappings, 0);
  g_assert_cmpstr (mapping->protocol, ==, "tcp");
  g_assert_cmpuint (mapping->external_port, ==, 8080);
  g_assert_cmpuint (mapping->internal_port, ==, 80);
  g_assert_cmpstr (mapping->via, ==, "upnp");
  g_assert_cmpuint (mapping->lease, ==, 3600);
  g_assert_cmpint (mapping->ends, ==, now + 3600);
  mapping = g_ptr_array_index (back->added_mappings, 1);
  g_assert_cmpstr (mapping->via, ==, "pcp");
  g_assert_cmpint (mapping->ends, ==, now + 600);

  /* Read defensively: an odd entry is left out */
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_pointer (&back, sesame_probe_report_free);
  bytes = g_bytes_new_static ("{\"version\": 1, \"sesame_mappings\": ["
                              "{\"protocol\": \"tcp\", \"external_port\": 70000, \"internal_port\": 80, \"via\": \"upnp\"},"
                              "{\"protocol\": \"tcp\", \"external_port\": 80, \"internal_port\": 80, \"via\": \"telnet\"},"
                              "{\"protocol\": \"tcp\", \"external_port\": 80, \"internal_port\": 80, \"via\": \"upnp\", \"ends_at\": \"soon\"},"
                              "7]}", strlen ("{\"version\": 1, \"sesame_mappings\": ["
                              "{\"protocol\": \"tcp\", \"external_port\": 70000, \"internal_port\": 80, \"via\": \"upnp\"},"
                              "{\"protocol\": \"tcp\", \"external_port\": 80, \"internal_port\": 80, \"via\": \"telnet\"},"
                              "{\"protocol\": \"tcp\", \"external_port\": 80, \"internal_port\": 80, \"via\": \"upnp\", \"ends_at\": \"soon\"},"
                              "7]}"));
  back = sesame_probe_report_new_from_json (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->added_mappings->len, ==, 0);
}

/* Issue 10, item 10: every finding says in one plain line what its words
 * mean, the NAT type its own, in the report language */
static void
test_explanations (void)
{
  static const SesameNatClassic classics[] = {
    SESAME_NAT_CLASSIC_OPEN_INTERNET, SESAME_NAT_CLASSIC_FULL_CONE, SESAME_NAT_CLASSIC_RESTRICTED_CONE,
    SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE, SESAME_NAT_CLASSIC_SYMMETRIC,
    SESAME_NAT_CLASSIC_SYMMETRIC_UDP_FIREWALL, SESAME_NAT_CLASSIC_UDP_BLOCKED,
  };
  g_autoptr(GHashTable) nat_lines = g_hash_table_new (g_str_hash, g_str_equal);
  SesameTranslation *en = sesame_translation_get_for_language ("en", NULL);
  SesameTranslation *ja = sesame_translation_get_for_language ("ja", NULL);
  const char * const *keys = sesame_glossary_keys ();

  for (guint c = 0; c < G_N_ELEMENTS (classics); c++)
    for (guint l = 0; l < 2; l++)
      {
        g_autoptr(SesamePlan) plan = new_plan (c == 0 ? SESAME_CONNECTION_MAP_E : SESAME_CONNECTION_PPPOE);
        g_autoptr(SesameProbeReport) report = new_report (plan, classics[c]);
        g_autoptr(GPtrArray) findings = NULL;

        report->hairpinning = SESAME_TRISTATE_NO;
        report_port (report, "tcp", 22)->listening = SESAME_TRISTATE_NO;
        report_port (report, "tcp", 80)->reachable = SESAME_REACHABILITY_OPEN;
        findings = judge (plan, report, l == 0 ? "en" : "ja");

        for (guint i = 0; i < findings->len; i++)
          {
            const SesameFinding *finding = g_ptr_array_index (findings, i);

            if (finding->explanation == NULL)
              g_error ("finding “%s” has no explanation", finding->id);
            /* One line */
            g_assert_null (strchr (finding->explanation, '\n'));
            if (l == 1)
              g_assert_false (g_str_is_ascii (finding->explanation));
            if (l == 0 && g_str_equal (finding->id, "nat"))
              g_hash_table_add (nat_lines, finding->explanation);
          }
        if (l == 0 && c == 0)
          g_assert_nonnull (strstr (expect (findings, "map-e", SESAME_FINDING_SEVERITY_BLOCKER)->explanation, "MAP-E"));
      }
  /* Each NAT type its own line (UDP blocked is a path finding) */
  g_assert_cmpuint (g_hash_table_size (nat_lines), ==, G_N_ELEMENTS (classics) - 1);

  /* Every line, the words of the checks too, in plain Japanese */
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *line = sesame_glossary_explain (en, keys[i]);

      g_assert_nonnull (line);
      g_assert_true (sesame_translation_contains (ja, line));
      g_assert_cmpstr (sesame_glossary_explain (ja, keys[i]), !=, line);
    }
  g_assert_nonnull (sesame_glossary_explain (en, "cgnat"));
  g_assert_nonnull (sesame_glossary_explain (en, "double-nat"));
  g_assert_nonnull (sesame_glossary_explain (en, "ds-lite"));
  g_assert_null (sesame_glossary_explain (en, "no-such-thing"));
}

static void
test_enums (void)
{
  SesameFindingSeverity severity;
  SesameWorks works;

  /* The strings of the JSON contract */
  g_assert_cmpstr (sesame_finding_severity_to_string (SESAME_FINDING_SEVERITY_BLOCKER), ==, "blocker");
  g_assert_cmpstr (sesame_finding_severity_to_string (SESAME_FINDING_SEVERITY_OK), ==, "ok");
  g_assert_cmpstr (sesame_works_to_string (SESAME_WORKS_NO), ==, "no");
  g_assert_true (sesame_finding_severity_from_string ("warning", &severity));
  g_assert_cmpint (severity, ==, SESAME_FINDING_SEVERITY_WARNING);
  g_assert_true (sesame_works_from_string ("yes", &works));
  g_assert_cmpint (works, ==, SESAME_WORKS_YES);
  g_assert_false (sesame_works_from_string ("maybe", &works));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  g_test_add_func ("/findings/cones", test_cones);
  g_test_add_func ("/findings/symmetric", test_symmetric);
  g_test_add_func ("/findings/foreign-igd", test_foreign_igd);
  g_test_add_func ("/findings/refused-pcp", test_refused_pcp);
  g_test_add_func ("/findings/detected-line", test_detected_line);
  g_test_add_func ("/findings/cgnat", test_cgnat);
  g_test_add_func ("/findings/double-nat", test_double_nat);
  g_test_add_func ("/findings/no-public-address", test_no_public_address);
  g_test_add_func ("/findings/udp-blocked", test_udp_blocked);
  g_test_add_func ("/findings/ds-lite", test_ds_lite);
  g_test_add_func ("/findings/map-e", test_map_e);
  g_test_add_func ("/findings/ports", test_ports);
  g_test_add_func ("/findings/grouped-ports", test_grouped_ports);
  g_test_add_func ("/findings/port-titles", test_port_titles);
  g_test_add_func ("/findings/language", test_language);
  g_test_add_func ("/findings/enums", test_enums);
  g_test_add_func ("/findings/mapped-by-sesame", test_mapped_by_sesame);
  g_test_add_func ("/findings/sesame-mappings-json", test_sesame_mappings_json);
  g_test_add_func ("/findings/explanations", test_explanations);

  status = g_test_run ();
  g_object_unref (catalog);
  return status;
}
