/* sesame-prober.c
 *
 * Starts every probe at once on the thread-default main context (the local
 * one at the call, the others as soon as the main loop is idle, and at the
 * latest after PROBES_START_MS even when it never is) and ends by
 * one deadline. A probe that has not answered by then is cancelled and its
 * findings are unknown, with the reason. The verdicts that need several
 * findings (the external address, double NAT, carrier-grade NAT, the state
 * of each port) are made at the end, from everything that came in.
 *
 * Over 1,000 lines because it is the one place where the probes meet: it
 * owns the run's deadline and round trip and joins every probe's answer
 * into the report; each probe lives in its own file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-prober"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-catalog.h"
#include "sesame-checklist.h"
#include "sesame-file.h"
#include "sesame-hop-probe.h"
#include "sesame-http-probe.h"
#include "sesame-listen-check.h"
#include "sesame-local-probe.h"
#include "sesame-nat-probe.h"
#include "sesame-pmp-client.h"
#include "sesame-prober.h"
#include "sesame-rtt.h"
#include "sesame-temp-listener.h"
#include "sesame-udp-check.h"
#include "sesame-upnp-client.h"

#define STUN_DEFAULT_PORT 3478
#define ROUTER_TIMEOUT_MS 800
#define HOP_TIMEOUT_MS    1100    /* a router out of ICMP messages has one again after 1 s */
/* The port checks wait for the check service's own /ip answer (its time
 * sets how long the service waits for each port) no longer than this */
#define CHECK_GATE_MS     1500
/* The probes after the local one start when the main loop is idle, but no
 * later than this: under a frame clock that never rests (GTK's GL renderer
 * on llvmpipe, a loaded CPU) the main loop is never idle */
#define PROBES_START_MS   50

typedef struct
{
  char    *protocol;
  guint16  port;
} PortSpec;

struct _SesameProber
{
  GObject    parent_instance;

  GStrv      stun_servers;
  GStrv      ip_urls;
  char      *check_url;       /* nullable */
  gboolean   internet;
  gboolean   router;
  guint      deadline_ms;
  GArray    *ports;           /* element-type PortSpec */
  gpointer   current;         /* unowned Run: the run in progress, for peeking */
};

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SesameProber, sesame_prober, G_TYPE_OBJECT)

/* Public services used when the person has not chosen others; listed in the README */
static const char * const default_stun_servers[] = {
  "stun.stunprotocol.org:3478",
  "stun.l.google.com:19302",
  NULL
};
static const char * const default_ip_urls[] = {
  "https://api.ipify.org?format=json",
  "https://ifconfig.co/json",
  NULL
};
static const char default_check_url[] = "https://portcheck.transmissionbt.com/{port}";

static void
port_spec_clear (gpointer data)
{
  PortSpec *spec = data;

  g_free (spec->protocol);
}

static void
sesame_prober_finalize (GObject *object)
{
  SesameProber *self = (SesameProber *)object;

  g_strfreev (self->stun_servers);
  g_strfreev (self->ip_urls);
  g_free (self->check_url);
  g_array_unref (self->ports);

  G_OBJECT_CLASS (sesame_prober_parent_class)->finalize (object);
}

static void
sesame_prober_class_init (SesameProberClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sesame_prober_finalize;

  /**
   * SesameProber::updated:
   * @section: "local", "external", "nat", "router", "access" or "ports"
   *
   * A part of the report being built has new findings.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sesame_prober_init (SesameProber *self)
{
  self->stun_servers = g_strdupv ((char **) default_stun_servers);
  self->ip_urls = g_strdupv ((char **) default_ip_urls);
  self->check_url = g_strdup (default_check_url);
  self->internet = TRUE;
  self->router = TRUE;
  self->deadline_ms = SESAME_PROBER_DEFAULT_DEADLINE_MS;
  self->ports = g_array_new (FALSE, TRUE, sizeof (PortSpec));
  g_array_set_clear_func (self->ports, port_spec_clear);
}

SesameProber *
sesame_prober_new (void)
{
  return g_object_new (SESAME_TYPE_PROBER, NULL);
}

const char * const *
sesame_prober_get_default_stun_servers (void)
{
  return default_stun_servers;
}

const char * const *
sesame_prober_get_default_ip_urls (void)
{
  return default_ip_urls;
}

const char *
sesame_prober_get_default_check_url (void)
{
  return default_check_url;
}

void
sesame_prober_set_stun_servers (SesameProber       *self,
                                const char * const *servers)
{
  g_return_if_fail (SESAME_IS_PROBER (self));

  g_strfreev (self->stun_servers);
  self->stun_servers = g_strdupv ((char **) servers);
}

void
sesame_prober_set_ip_urls (SesameProber       *self,
                           const char * const *urls)
{
  g_return_if_fail (SESAME_IS_PROBER (self));

  g_strfreev (self->ip_urls);
  self->ip_urls = g_strdupv ((char **) urls);
}

void
sesame_prober_set_check_url (SesameProber *self,
                             const char   *template)
{
  g_return_if_fail (SESAME_IS_PROBER (self));

  g_free (self->check_url);
  self->check_url = g_strdup (template);
}

/* Without the internet, only this computer and the router are asked */
void
sesame_prober_set_internet (SesameProber *self,
                            gboolean      allowed)
{
  g_return_if_fail (SESAME_IS_PROBER (self));

  self->internet = !!allowed;
}

void
sesame_prober_set_router (SesameProber *self,
                          gboolean      allowed)
{
  g_return_if_fail (SESAME_IS_PROBER (self));

  self->router = !!allowed;
}

void
sesame_prober_set_deadline (SesameProber *self,
                            guint         deadline_ms)
{
  g_return_if_fail (SESAME_IS_PROBER (self));
  g_return_if_fail (deadline_ms > 0);

  self->deadline_ms = deadline_ms;
}

void
sesame_prober_add_port (SesameProber *self,
                        const char   *protocol,
                        guint16       port)
{
  PortSpec spec;

  g_return_if_fail (SESAME_IS_PROBER (self));
  g_return_if_fail (g_strcmp0 (protocol, "tcp") == 0 || g_strcmp0 (protocol, "udp") == 0);
  g_return_if_fail (port > 0);

  for (guint i = 0; i < self->ports->len; i++)
    {
      PortSpec *other = &g_array_index (self->ports, PortSpec, i);

      if (other->port == port && g_str_equal (other->protocol, protocol))
        return;
    }

  spec.protocol = g_strdup (protocol);
  spec.port = port;
  g_array_append_val (self->ports, spec);
}

/* One run */

typedef struct
{
  SesameProber      *self;
  GTask             *task;             /* owned until the result is returned */
  SesameProbeReport *report;
  GCancellable      *cancellable;      /* cancelled by the deadline or the caller */
  GCancellable      *parent;
  gulong             parent_handler;
  guint              deadline_id;
  guint              probes_id;        /* the probes after the local one, waiting for an idle main loop */
  guint              probes_late_id;   /* the same, waiting for PROBES_START_MS at most */
  guint              pending;
  gint64             start;
  gboolean           timed_out;
  SoupSession       *session;
  SesameUpnpClient  *upnp;
  SesamePmpClient   *pcp;
  SesamePmpClient   *natpmp;
  GPtrArray         *stun_slots;       /* element-type GInetSocketAddress or NULL, as given */
  guint              stun_unresolved;
  gboolean           upnp_listed;
  gint               pcp_refusal;      /* the SesamePmpError of the router's refusal, or -1 */
  gint               natpmp_refusal;
  gboolean           reachability;     /* port checks wait for the listening sockets */
  GPtrArray         *temp_listeners;   /* element-type SesameTempListener: for the checks */
  SoupSession       *session4;         /* nullable: connects to the check service over IPv4 */
  SoupSession       *session6;         /* nullable: connects to the check service over IPv6 */
  GInetAddress      *check_address6;   /* nullable: the check service's IPv6 address */
  gboolean           check_resolved;   /* the check service's name was looked up */
  SesameRtt         *rtt;              /* the round trips every probe measured */
  gint64             router_start;     /* when NAT-PMP and PCP were asked */
  gint64             hops_start;
  gint64             check_answer_ms;  /* the check service's /ip answer time, or -1 */
  guint              check_ip_pending; /* its /ip fetches still out */
  gboolean           checks_ready;     /* the listening sockets are known */
  guint              check_gate_id;    /* the checks start without the /ip answer */
} Run;

typedef struct
{
  Run  *run;
  guint index;
} Slot;

static void
run_free (Run *run)
{
  if (run->self != NULL && run->self->current == run)
    run->self->current = NULL;
  g_clear_handle_id (&run->deadline_id, g_source_remove);
  g_clear_handle_id (&run->probes_id, g_source_remove);
  g_clear_handle_id (&run->probes_late_id, g_source_remove);
  g_clear_handle_id (&run->check_gate_id, g_source_remove);
  if (run->parent != NULL)
    g_cancellable_disconnect (run->parent, run->parent_handler);
  g_clear_object (&run->parent);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->report, sesame_probe_report_free);
  g_clear_object (&run->session);
  g_clear_object (&run->session4);
  g_clear_object (&run->session6);
  g_clear_object (&run->check_address6);
  g_clear_object (&run->upnp);
  g_clear_object (&run->pcp);
  g_clear_object (&run->natpmp);
  g_clear_pointer (&run->stun_slots, g_ptr_array_unref);
  g_clear_pointer (&run->temp_listeners, g_ptr_array_unref);
  g_clear_pointer (&run->rtt, sesame_rtt_unref);
  g_clear_object (&run->self);
  g_free (run);
}

static guint
remaining_ms (Run  *run,
              guint cap)
{
  gint64 left = (run->start + (gint64) run->self->deadline_ms * 1000 - g_get_monotonic_time ()) / 1000;

  left = CLAMP (left - 50, 50, (gint64) cap);
  return (guint) left;
}

/* A probe's own timeout is the time left before the run's deadline
 * (remaining_ms ()): when it ends within a moment of the deadline, the
 * deadline is the reason, not the server or the router */
static gboolean
near_deadline (Run *run)
{
  gint64 deadline = run->start + (gint64) run->self->deadline_ms * 1000;

  return g_get_monotonic_time () >= deadline - 150 * 1000;
}

static char *
error_reason (Run          *run,
              const GError *error)
{
  if ((g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && run->timed_out) ||
      (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) && near_deadline (run)))
    return g_strdup (_("no answer before the deadline"));

  return g_strdup (error->message);
}

/* The router answered in the protocol and refused, with one of its result
 * codes: not silence, not another protocol */
static gboolean
router_refused (const GError *error)
{
  return error != NULL && error->domain == SESAME_PMP_ERROR &&
         error->code >= SESAME_PMP_ERROR_NOT_AUTHORIZED && error->code <= SESAME_PMP_ERROR_UNKNOWN_RESULT;
}

/* A router behind another NAT has no public address of its own to map:
 * miniupnpd and others then refuse with "network failure" or "no
 * resources", which read as if the router were broken or full */
static char *
refusal_behind_nat (gint code)
{
  if (code != SESAME_PMP_ERROR_NETWORK_FAILURE && code != SESAME_PMP_ERROR_NO_RESOURCES &&
      code != SESAME_PMP_ERROR_CANNOT_PROVIDE_EXTERNAL)
    return NULL;

  return g_strdup (_("the router answered, but cannot map ports: it sits behind another NAT, so it has no public address of its own"));
}

static void
updated (Run        *run,
         const char *section)
{
  g_signal_emit (run->self, signals[UPDATED], 0, section);
}

static void finish (Run *run);
static void start_reachability_checks (Run *run);
static void reachability_gate (Run *run);
static void start_ipv6_checks (Run *run);

static void
begin (Run *run)
{
  run->pending++;
}

static void
end (Run *run)
{
  g_assert (run->pending > 0);

  if (--run->pending == 0)
    finish (run);
}

/* Verdicts from everything that came in */

static const char *
consensus (GPtrArray *sources)
{
  const char *best = NULL;
  guint best_count = 0;

  for (guint i = 0; i < sources->len; i++)
    {
      const SesameAddressSource *source = g_ptr_array_index (sources, i);
      guint count = 0;

      if (source->address == NULL ||
          (!g_str_equal (source->method, "stun") && !g_str_equal (source->method, "http")))
        continue;

      for (guint j = 0; j < sources->len; j++)
        {
          const SesameAddressSource *other = g_ptr_array_index (sources, j);

          if (other->address != NULL && g_str_equal (other->address, source->address) &&
              (g_str_equal (other->method, "stun") || g_str_equal (other->method, "http")))
            count++;
        }

      if (count > best_count)
        {
          best = source->address;
          best_count = count;
        }
    }

  return best;
}

/* The router's own word on its internet side. NAT-PMP and PCP are asked at the
 * gateway itself; a UPnP IGD counts only when it is at the gateway: any computer
 * on the network can answer UPnP and claim any address */
static const char *
router_wan_address (const SesameProbeReport *report)
{
  if (report->upnp_external_address != NULL && report->upnp_is_gateway)
    return report->upnp_external_address;
  if (report->pcp_external_address != NULL)
    return report->pcp_external_address;

  return report->natpmp_external_address;
}

/* The first hop beyond the router, when it is not a public address: a second
 * NAT, whatever the router says. A router behind a carrier NAT may report the
 * public address it learned by STUN (miniupnpd's ext_perform_stun) */
static gboolean
judge_access_by_hops (SesameProbeReport *report)
{
  guint32 address;
  SesameIpv4Kind kind;

  if (report->hops->len < 2 || !sesame_ipv4_parse (g_ptr_array_index (report->hops, 1), &address))
    return FALSE;

  kind = sesame_ipv4_classify (address);
  if (kind != SESAME_IPV4_SHARED && kind != SESAME_IPV4_PRIVATE)
    return FALSE;

  report->double_nat = SESAME_TRISTATE_YES;
  report->cgnat = kind == SESAME_IPV4_SHARED ? SESAME_TRISTATE_YES : SESAME_TRISTATE_UNKNOWN;
  g_free (report->access_reason);
  report->access_reason = g_strdup_printf (_("The first router beyond yours has the address %s, which is not a public address: your connection goes through a second NAT, so ports forwarded on your router cannot be reached from the internet. Ask your provider for a public IPv4 address, or use IPv6 or a tunnel service."),
                                           (const char *) g_ptr_array_index (report->hops, 1));
  return TRUE;
}

static void
judge_access (SesameProbeReport *report)
{
  const char *wan = router_wan_address (report);
  guint32 address;

  g_free (report->wan_address);
  report->wan_address = g_strdup (wan);

  if (report->mapping == SESAME_NAT_MAPPING_NO_NAT)
    {
      report->double_nat = SESAME_TRISTATE_NO;
      report->cgnat = SESAME_TRISTATE_NO;
      return;
    }

  if (wan != NULL && sesame_ipv4_parse (wan, &address))
    {
      switch (sesame_ipv4_classify (address))
        {
        case SESAME_IPV4_SHARED:
          report->double_nat = SESAME_TRISTATE_YES;
          report->cgnat = SESAME_TRISTATE_YES;
          report->access_reason = g_strdup_printf (_("Your router’s internet side has the address %s, from the range providers use for carrier-grade NAT (100.64.0.0/10): your provider shares one public address among many customers, so ports forwarded on your router cannot be reached from the internet. Ask your provider for a public (global) IPv4 address, reach the server over IPv6, or use a VPN or tunnel service that gives you a public address."),
                                                   wan);
          return;

        case SESAME_IPV4_PRIVATE:
          report->double_nat = SESAME_TRISTATE_YES;
          report->cgnat = SESAME_TRISTATE_NO;
          report->access_reason = g_strdup_printf (_("Your router’s internet side has the private address %s: another router or a modem with a router in it stands between yours and the internet (double NAT). Forwarding on your router alone cannot be reached from the internet. Set the other device to bridge mode, or forward the same ports on it to your router, or set your router to access point mode."),
                                                   wan);
          return;

        default:
          if (report->external_ipv4 != NULL && !g_str_equal (report->external_ipv4, wan))
            {
              report->double_nat = SESAME_TRISTATE_YES;
              report->cgnat = SESAME_TRISTATE_UNKNOWN;
              report->access_reason = g_strdup_printf (_("Your router says its internet address is %s, but the internet sees %s: another NAT stands between your router and the internet, so ports forwarded on your router cannot be reached. Ask your provider for a public IPv4 address of your own, or use IPv6."),
                                                       wan, report->external_ipv4);
              return;
            }

          /* A public address the internet agrees with may still be one
           * the router learned through another NAT: the hops decide */
          if (judge_access_by_hops (report))
            return;

          report->double_nat = SESAME_TRISTATE_NO;
          report->cgnat = SESAME_TRISTATE_NO;
          return;
        }
    }

  /* Without the router's word: the first hop beyond it */
  if (judge_access_by_hops (report))
    return;

  if (report->access_reason != NULL)
    return;

  if (report->upnp_external_address != NULL && !report->upnp_is_gateway && report->upnp_host != NULL)
    /* Translators: the first %s is the address of a device on the local network,
     * the second the internet address it claims */
    report->access_reason = g_strdup_printf (_("The router did not tell its internet-side address. A UPnP device at %s, which is not the router, says it is %s; Sesame does not go by what another device says, so it cannot tell whether another NAT stands between the router and the internet."),
                                             report->upnp_host, report->upnp_external_address);
  else
    report->access_reason = g_strdup (_("The router did not tell its internet-side address, so Sesame cannot tell whether another NAT stands between it and the internet."));
}

/**
 * sesame_prober_judge_access:
 * @report: the findings of a run
 *
 * Decides what needs several findings at once: the external address (what the
 * STUN servers and web services agree on, else the router's own word when it
 * is a public address), double NAT and carrier-grade NAT. The router's word is
 * its NAT-PMP or PCP answer, or its UPnP IGD's only when that IGD is at the
 * default gateway: what another device claims stays in the report, with its
 * address, and decides nothing. Reads and writes @report only.
 */
void
sesame_prober_judge_access (SesameProbeReport *report)
{
  const char *external;

  g_return_if_fail (report != NULL);

  external = consensus (report->external_sources);
  if (external == NULL)
    external = router_wan_address (report);
  if (external != NULL)
    {
      guint32 value;

      /* A router's own word counts only when it is a public address */
      if (sesame_ipv4_parse (external, &value) && sesame_ipv4_classify (value) == SESAME_IPV4_PUBLIC)
        {
          g_free (report->external_ipv4);
          report->external_ipv4 = g_strdup (external);
        }
    }

  judge_access (report);
}

/**
 * sesame_prober_judge_transition:
 * @report: the findings of a run, the external address judged
 *
 * Compares what the IPv6 address says of the line's IPv4 (MAP-E: the
 * shared address and the port set) with what the STUN servers and web
 * services saw: the same external address, every mapped port in the set.
 * Reads the report and writes its transition verdict only.
 */
void
sesame_prober_judge_transition (SesameProbeReport *report)
{
  const SesamePortset *portset;
  g_autofree char *ipv4 = NULL;
  guint mapped = 0;

  g_return_if_fail (report != NULL);

  report->transition_agrees = SESAME_TRISTATE_UNKNOWN;
  g_clear_pointer (&report->transition_reason, g_free);
  portset = report->transition;

  if (portset == NULL || portset->method == SESAME_TRANSITION_NONE)
    return;

  if (portset->method == SESAME_TRANSITION_DS_LITE)
    {
      /* Translators: %s is a provider, such as "transix (インターネットマルチフィード)" */
      report->transition_reason = g_strdup_printf (_("This line reaches IPv4 through DS-Lite, from %s: the IPv4 address belongs to the provider’s NAT and is shared with other customers, so there is no address of this line’s own to compare."),
                                                   portset->provider);
      return;
    }

  if (!portset->rule_known)
    {
      report->transition_reason = g_strdup_printf (_("This line uses MAP-E, from %s, but the rule for this address is not in Sesame’s table, so its IPv4 address and ports cannot be compared with what the internet sees. The router’s status page shows them."),
                                                   portset->provider);
      return;
    }

  ipv4 = sesame_portset_ipv4_to_string (portset);

  if (report->external_ipv4 != NULL && !g_str_equal (report->external_ipv4, ipv4))
    {
      report->transition_agrees = SESAME_TRISTATE_NO;
      /* Translators: "The internet sees 203.0.113.2, but this line’s IPv6 address gives
       * MAP-E (v6プラス) with the shared address 106.72.18.52 …" */
      report->transition_reason = g_strdup_printf (_("The internet sees %s, but this line’s IPv6 address gives MAP-E (%s) with the shared address %s: IPv4 does not go through MAP-E (the router may still use PPPoE for IPv4), or the provider’s rule has changed. Check the connection type on the router’s status page."),
                                                    report->external_ipv4, portset->provider, ipv4);
      return;
    }

  for (guint i = 0; i < report->external_sources->len; i++)
    {
      const SesameAddressSource *source = g_ptr_array_index (report->external_sources, i);

      if (source->port == 0 || source->address == NULL || !g_str_equal (source->method, "stun"))
        continue;

      mapped++;
      if (!sesame_portset_contains (portset, source->port))
        {
          report->transition_agrees = SESAME_TRISTATE_NO;
          /* Translators: the first %u is a port number, %s a STUN server */
          report->transition_reason = g_strdup_printf (_("The STUN server %s saw port %u, which is not in this line’s port set: the router does not keep to the set MAP-E gives it, or IPv4 goes another way."),
                                                       source->server, (guint) source->port);
          return;
        }
    }

  if (report->external_ipv4 == NULL && mapped == 0)
    {
      report->transition_reason = g_strdup (_("Nothing on the internet told this line’s IPv4 address, so the MAP-E address and ports could not be compared with it."));
      return;
    }

  report->transition_agrees = SESAME_TRISTATE_YES;
  report->transition_reason = g_strdup_printf (_("The internet sees the shared address %s and ports within this line’s set, as its IPv6 address says."),
                                               ipv4);
}

static void
judge_ports (Run *run)
{
  SesameProbeReport *report = run->report;

  for (guint i = 0; i < report->ports->len; i++)
    {
      SesamePortFinding *finding = g_ptr_array_index (report->ports, i);

      if (!run->upnp_listed)
        continue;

      finding->router_mapping = SESAME_MAPPING_STATE_ABSENT;

      /* The port is on this computer: mapped when a mapping leads to it,
       * whatever the port outside (9000 → 8080 maps 8080); a mapping of the
       * same port outside to another computer takes its place. One to
       * another port of this computer is neither. */
      for (guint m = 0; m < report->upnp_mappings->len; m++)
        {
          const SesameRouterMapping *mapping = g_ptr_array_index (report->upnp_mappings, m);
          gboolean here = g_strcmp0 (mapping->internal_address, report->local_address) == 0;

          if (g_strcmp0 (mapping->protocol, finding->protocol) != 0)
            continue;

          if (here && mapping->internal_port == finding->port)
            {
              finding->router_mapping = SESAME_MAPPING_STATE_PRESENT;
              break;
            }

          if (!here && mapping->external_port == finding->port)
            finding->router_mapping = SESAME_MAPPING_STATE_WRONG_HOST;
        }
    }
}

static void
finish (Run *run)
{
  GTask *task = g_steal_pointer (&run->task);
  SesameProbeReport *report = run->report;

  g_clear_handle_id (&run->deadline_id, g_source_remove);
  /* The ports Sesame listened on for the checks are free again */
  if (run->temp_listeners != NULL)
    g_ptr_array_set_size (run->temp_listeners, 0);

  /* Silence from every STUN server says UDP is blocked only when something
   * else on the internet did answer; otherwise nothing is known */
  if (report->classic == SESAME_NAT_CLASSIC_UDP_BLOCKED && consensus (report->external_sources) == NULL &&
      run->self->ip_urls[0] != NULL)
    {
      report->classic = SESAME_NAT_CLASSIC_UNKNOWN;
      g_free (report->nat_reason);
      report->nat_reason = g_strdup (_("Nothing on the internet answered, neither the STUN servers nor the web services: the connection may be down."));
    }

  sesame_prober_judge_access (report);
  sesame_prober_judge_transition (report);
  judge_ports (run);

  /* The router's refusals, in the light of what the run knows of the path */
  if (report->double_nat == SESAME_TRISTATE_YES)
    {
      char *reason;

      if ((reason = refusal_behind_nat (run->pcp_refusal)) != NULL)
        {
          g_free (report->pcp_error);
          report->pcp_error = reason;
        }
      if ((reason = refusal_behind_nat (run->natpmp_refusal)) != NULL)
        {
          g_free (report->natpmp_error);
          report->natpmp_error = reason;
        }
    }
  /* In whole milliseconds of the clock, as the NAT probe counts its own
   * (sesame-nat-probe.c): a part never took longer than the whole run */
  report->elapsed_ms = g_get_monotonic_time () / 1000 - run->start / 1000;

  /* The router has been talked to by now, so the kernel knows its hardware address */
  if (report->gateway != NULL && report->gateway_mac == NULL)
    {
      g_autofree char *arp = NULL;

      if ((arp = sesame_file_read_text ("/proc/net/arp", SESAME_FILE_MAX_SIZE, NULL)))
        report->gateway_mac = sesame_arp_table_find (arp, report->gateway);
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    report->finished_at = g_date_time_format_iso8601 (now);
  }
  /* What Sesame mapped on the router itself, for as long as it lasts */
  sesame_probe_report_find_added_mappings (report);

  updated (run, "access");
  /* From here the report is the run's result, no longer one to peek at */
  if (run->self->current == run)
    run->self->current = NULL;
  g_task_return_pointer (task, g_steal_pointer (&run->report), (GDestroyNotify) sesame_probe_report_free);
  g_object_unref (task);
}

/* STUN */

static void
nat_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;
  SesameProbeReport *report = run->report;
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameNatResult) nat = sesame_nat_probe_finish (result, &error);

  if (nat == NULL)
    {
      report->nat_reason = error_reason (run, error);
      end (run);
      return;
    }

  report->mapping = nat->verdict.mapping;
  report->filtering = nat->verdict.filtering;
  report->classic = nat->verdict.classic;
  report->hairpinning = nat->hairpinning;
  report->nat_reason = g_strdup (nat->verdict.reason);
  report->nat_elapsed_ms = nat->elapsed_ms;

  /* The servers' second addresses and the hairpinning test went beyond the servers listed */
  for (guint i = 0; i < nat->contacted->len; i++)
    sesame_probe_report_add_server (report, g_ptr_array_index (nat->contacted, i));

  for (guint i = 0; i < nat->sightings->len; i++)
    {
      const SesameStunSighting *sighting = g_ptr_array_index (nat->sightings, i);
      SesameAddressSource *source = sesame_probe_report_add_source (report, "stun", sighting->server);
      const char *colon = sighting->mapped_address ? strrchr (sighting->mapped_address, ':') : NULL;

      if (colon != NULL)
        {
          guint64 port = g_ascii_strtoull (colon + 1, NULL, 10);

          source->address = g_strndup (sighting->mapped_address, colon - sighting->mapped_address);
          source->port = port <= G_MAXUINT16 ? (guint16) port : 0;
        }
      source->error = g_strdup (sighting->error);
      source->elapsed_ms = nat->elapsed_ms;
    }

  updated (run, "nat");
  updated (run, "external");
  end (run);
}

static void
hops_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GPtrArray) hops = sesame_hop_probe_finish (result, NULL);
  gint64 elapsed = (g_get_monotonic_time () - run->hops_start) / 1000;

  /* Done before its timeout, the hops beyond the router all answered: the
   * time is at least a round trip to the farthest */
  if (hops != NULL && hops->len > 1 && elapsed < HOP_TIMEOUT_MS - 100)
    sesame_rtt_add_sample (run->rtt, "hop", elapsed);

  if (hops != NULL)
    for (guint i = 0; i < hops->len; i++)
      g_ptr_array_add (run->report->hops, g_strdup (g_ptr_array_index (hops, i)));

  end (run);
}

static void
start_stun (Run *run)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < run->stun_slots->len; i++)
    if (g_ptr_array_index (run->stun_slots, i) != NULL)
      g_ptr_array_add (servers, g_object_ref (g_ptr_array_index (run->stun_slots, i)));

  if (servers->len == 0)
    {
      run->report->nat_reason = g_strdup (_("No STUN server could be found by name."));
      return;
    }

  begin (run);
  sesame_nat_probe_async (servers, remaining_ms (run, G_MAXUINT), run->rtt, run->cancellable, nat_cb, run);

  begin (run);
  run->hops_start = g_get_monotonic_time ();
  sesame_hop_probe_async (g_inet_socket_address_get_address (g_ptr_array_index (servers, 0)),
                          remaining_ms (run, HOP_TIMEOUT_MS), run->cancellable, hops_cb, run);
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Slot *slot = user_data;
  Run *run = slot->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  address = g_socket_address_enumerator_next_finish (G_SOCKET_ADDRESS_ENUMERATOR (object), result, &error);

  while (address != NULL && (!G_IS_INET_SOCKET_ADDRESS (address) ||
         g_socket_address_get_family (address) != G_SOCKET_FAMILY_IPV4))
    {
      /* Only IPv4 is probed: take the next address synchronously from the cache */
      g_clear_object (&address);
      address = g_socket_address_enumerator_next (G_SOCKET_ADDRESS_ENUMERATOR (object), NULL, NULL);
    }

  if (address != NULL)
    g_ptr_array_index (run->stun_slots, slot->index) = g_steal_pointer (&address);
  else
    {
      SesameAddressSource *source = sesame_probe_report_add_source (run->report, "stun",
                                                                    run->self->stun_servers[slot->index]);
      source->error = error ? error_reason (run, error) : g_strdup (_("the name has no IPv4 address"));
    }

  g_free (slot);

  if (--run->stun_unresolved == 0 && !g_cancellable_is_cancelled (run->cancellable))
    start_stun (run);

  end (run);
}

static void
unref_nullable (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
resolve_stun_servers (Run *run)
{
  guint n = g_strv_length (run->self->stun_servers);

  run->stun_slots = g_ptr_array_new_full (n, unref_nullable);
  g_ptr_array_set_size (run->stun_slots, n);
  run->stun_unresolved = n;

  for (guint i = 0; i < n; i++)
    {
      const char *server = run->self->stun_servers[i];
      g_autoptr(GSocketConnectable) connectable = NULL;
      g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
      g_autoptr(GError) error = NULL;
      Slot *slot;

      g_autofree char *listed = g_strdup_printf ("%s (STUN)", server);
      sesame_probe_report_add_server (run->report, listed);

      connectable = g_network_address_parse (server, STUN_DEFAULT_PORT, &error);
      if (connectable == NULL)
        {
          SesameAddressSource *source = sesame_probe_report_add_source (run->report, "stun", server);

          source->error = g_strdup (error->message);
          run->stun_unresolved--;
          continue;
        }

      slot = g_new0 (Slot, 1);
      slot->run = run;
      slot->index = i;
      enumerator = g_socket_connectable_enumerate (connectable);
      begin (run);
      g_socket_address_enumerator_next_async (enumerator, run->cancellable, resolve_cb, slot);
    }

  if (n > 0 && run->stun_unresolved == 0)
    start_stun (run);
}

/* HTTP */

typedef struct
{
  Run                 *run;
  char                *url;
  SesamePortFinding   *finding;   /* nullable: for port checks */
  gint64               start;
  gboolean             for_check; /* an /ip of the check service itself */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->url);
  g_free (fetch);
}

static void
ip_fetch_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fetch *fetch = user_data;
  Run *run = fetch->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = sesame_http_fetch_finish (SOUP_SESSION (object), result, &error);
  SesameAddressSource *source = sesame_probe_report_add_source (run->report, "http", fetch->url);

  source->elapsed_ms = (g_get_monotonic_time () - fetch->start) / 1000;

  if (body != NULL)
    source->address = sesame_http_parse_ip_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);

  /* A connection and a request: at least two round trips */
  if (body != NULL)
    sesame_rtt_add_sample (run->rtt, "http", source->elapsed_ms / 2);

  if (fetch->for_check)
    {
      if (body != NULL && run->check_answer_ms < 0)
        run->check_answer_ms = source->elapsed_ms;
      g_assert (run->check_ip_pending > 0);
      if (--run->check_ip_pending == 0)
        reachability_gate (run);
    }

  if (source->address == NULL)
    source->error = error_reason (run, error);

  updated (run, "external");
  fetch_free (fetch);
  end (run);
}

static void
check_fetch_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fetch *fetch = user_data;
  Run *run = fetch->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = sesame_http_fetch_finish (SOUP_SESSION (object), result, &error);

  if (body == NULL ||
      !sesame_http_parse_check_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                         &fetch->finding->reachable, &error))
    {
      fetch->finding->reachable = SESAME_REACHABILITY_UNKNOWN;
      g_free (fetch->finding->reason);
      fetch->finding->reason = error_reason (run, error);
    }

  updated (run, "ports");
  fetch_free (fetch);
  end (run);
}

static Fetch *
start_fetch_with (Run                 *run,
                  SoupSession         *session,
                  const char          *url,
                  SesamePortFinding   *finding,
                  guint                check_wait_ms,
                  GAsyncReadyCallback  callback)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->run = run;
  fetch->url = g_strdup (url);
  fetch->finding = finding;
  fetch->start = g_get_monotonic_time ();

  begin (run);
  sesame_http_fetch_check_async (session, url, check_wait_ms, remaining_ms (run, G_MAXUINT), run->cancellable,
                                 callback, fetch);
  return fetch;
}

static Fetch *
start_fetch (Run                 *run,
             const char          *url,
             SesamePortFinding   *finding,
             GAsyncReadyCallback  callback)
{
  return start_fetch_with (run, run->session, url, finding, 0, callback);
}

/* Whether @url is on the same server as @ua: scheme, host and port */
static gboolean
same_server (GUri       *ua,
             const char *url)
{
  g_autoptr(GUri) ub = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (ub == NULL || g_uri_get_host (ua) == NULL || g_uri_get_host (ub) == NULL)
    return FALSE;

  return g_ascii_strcasecmp (g_uri_get_scheme (ua), g_uri_get_scheme (ub)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (ua), g_uri_get_host (ub)) == 0 &&
         g_uri_get_port (ua) == g_uri_get_port (ub);
}

/* How long the check service is asked to wait for each port's answer
 * (SESAME_HTTP_CHECK_WAIT_HEADER), from how long its own /ip took to
 * answer — a connection and a request, two round trips or more: four times
 * that, at least 300 ms, and for TCP long enough that a connection request
 * lost once is sent again (after 1 s) and answered. Never so long that the
 * answer could not come back before the deadline. 0 while the service has
 * not answered: its own time then. */
static guint
check_wait (Run      *run,
            gboolean  udp)
{
  gint64 answer = run->check_answer_ms;
  gint64 wait, left;

  if (answer < 0)
    return 0;

  answer = MAX (answer, 1);
  wait = MAX (4 * answer, 300);
  if (!udp)
    wait = MAX (wait, 1000 + answer);

  left = remaining_ms (run, G_MAXUINT);
  wait = MIN (wait, left - answer);

  return (guint) MAX (wait, 100);
}

/* Server part of an URL, for the list of servers contacted */
static char *
server_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);

  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d (%s)", g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_scheme (uri));

  return g_strdup_printf ("%s (%s)", g_uri_get_host (uri), g_uri_get_scheme (uri));
}

/* Ports */

/* The checks start once the listening sockets are known and the check
 * service's own /ip has answered (or CHECK_GATE_MS have passed) */
static void
reachability_gate (Run *run)
{
  if (!run->checks_ready || (run->check_ip_pending > 0 && run->check_gate_id != 0))
    return;

  run->checks_ready = FALSE;
  g_clear_handle_id (&run->check_gate_id, g_source_remove);
  if (!g_cancellable_is_cancelled (run->cancellable))
    start_reachability_checks (run);
}

static gboolean
on_check_gate (gpointer user_data)
{
  Run *run = user_data;

  run->check_gate_id = 0;
  reachability_gate (run);

  return G_SOURCE_REMOVE;
}

static void
listen_tables_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(SesameListenTables) tables = sesame_listen_tables_read_finish (result, NULL);

  for (guint i = 0; i < run->report->ports->len; i++)
    {
      SesamePortFinding *finding = g_ptr_array_index (run->report->ports, i);

      finding->listening = tables != NULL
        ? sesame_listen_tables_check (tables, finding->protocol, finding->port)
        : SESAME_TRISTATE_UNKNOWN;
    }

  if (run->reachability)
    {
      run->checks_ready = TRUE;
      reachability_gate (run);
    }

  updated (run, "ports");
  end (run);
}

static void
udp_check_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fetch *fetch = user_data;
  Run *run = fetch->run;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  fetch->finding->reachable = sesame_udp_check_finish (result, &reason, &error);
  if (error != NULL)
    reason = error_reason (run, error);
  if (reason != NULL)
    {
      g_free (fetch->finding->reason);
      fetch->finding->reason = g_steal_pointer (&reason);
    }

  updated (run, "ports");
  fetch_free (fetch);
  end (run);
}

/* Each port the check service can test, once the listening sockets are
 * known: where nothing listens, Sesame listens itself for the check (the
 * router and the firewalls can be verified before the service exists);
 * UDP is checked with a nonce the service sends (sesame-udp-check.c) */
/* The check service's URL with its {port} and {proto} filled in, parsed */
static GUri *
check_uri (Run *run)
{
  g_autofree char *url = sesame_http_expand_check_url (run->self->check_url, "tcp", 1);

  return url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
}

/* A session whose every connection goes to @address, whatever the URL's
 * host resolves to: the URL, the Host header and the TLS name stay the
 * service's. @server: (out): "[2001:db8::1]:80 (http)", for the list */
static SoupSession *
pinned_session (Run           *run,
                GInetAddress  *address,
                char         **server)
{
  g_autoptr(GUri) uri = check_uri (run);
  g_autofree char *text = g_inet_address_to_string (address);
  g_autoptr(GSocketAddress) remote = NULL;
  int port;

  g_assert (uri != NULL);

  port = g_uri_get_port (uri);
  if (port <= 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;

  remote = g_inet_socket_address_new (address, (guint16) port);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    *server = g_strdup_printf ("[%s]:%d (%s)", text, port, g_uri_get_scheme (uri));
  else
    *server = g_strdup_printf ("%s:%d (%s)", text, port, g_uri_get_scheme (uri));

  return soup_session_new_with_options ("user-agent", "Sesame/" PACKAGE_VERSION,
                                        "max-conns", 128,
                                        "max-conns-per-host", 64,
                                        "remote-connectable", remote,
                                        NULL);
}

static void
resolve_check_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Run *run = user_data;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, NULL);

  run->check_resolved = TRUE;

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      GInetAddress *address = l->data;

      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 && run->session4 == NULL)
        {
          g_autofree char *server = NULL;

          run->session4 = pinned_session (run, address, &server);
        }
      else if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 && run->check_address6 == NULL)
        run->check_address6 = g_object_ref (address);
    }

  g_resolver_free_addresses (addresses);

  if (!g_cancellable_is_cancelled (run->cancellable))
    start_reachability_checks (run);
  end (run);
}

static void
start_reachability_checks (Run *run)
{
  SesameProber *self = run->self;
  g_autoptr(GUri) uri = NULL;
  const char *host;
  SoupSession *session;

  /* A check service with a name may have an IPv4 and an IPv6 address: the
   * IPv4 checks are pinned to the first, the IPv6 checks to the second, so
   * that each is what it says (getaddrinfo would put IPv6 first) */
  uri = check_uri (run);
  host = uri ? g_uri_get_host (uri) : NULL;
  if (!run->check_resolved && host != NULL && !g_hostname_is_ip_address (host) &&
      run->report->ipv6_ports->len > 0)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      run->check_resolved = TRUE;
      begin (run);
      g_resolver_lookup_by_name_async (resolver, host, run->cancellable, resolve_check_cb, run);
      return;
    }

  session = run->session4 != NULL ? run->session4 : run->session;

  if (run->temp_listeners == NULL)
    run->temp_listeners = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < run->report->ports->len; i++)
    {
      SesamePortFinding *finding = g_ptr_array_index (run->report->ports, i);
      gboolean udp = g_str_equal (finding->protocol, "udp");
      g_autoptr(SesameTempListener) listener = NULL;
      g_autofree char *url = NULL;
      g_autoptr(GError) error = NULL;

      /* Those start_port_checks() gave a reason to are not checked */
      if (finding->reason != NULL)
        continue;

      url = sesame_http_expand_check_url (self->check_url, finding->protocol, finding->port);
      finding->checked_by = server_of (url);
      sesame_probe_report_add_server (run->report, finding->checked_by);

      if (finding->listening != SESAME_TRISTATE_YES)
        {
          listener = sesame_temp_listener_new (finding->protocol, finding->port, &error);
          if (listener != NULL)
            {
              finding->temporary_listener = TRUE;
              finding->reason = g_strdup_printf (_("Nothing listens on %s port %u yet, so Sesame listened there itself for the check."),
                                                 sesame_protocol_label_for_string (finding->protocol), finding->port);
              g_ptr_array_add (run->temp_listeners, g_object_ref (listener));
            }
          else
            g_debug ("no temporary listener on %s/%u: %s", finding->protocol, finding->port, error->message);
        }

      if (!udp)
        {
          start_fetch_with (run, session, url, finding, check_wait (run, FALSE), check_fetch_cb);
          continue;
        }

      {
        Fetch *fetch = g_new0 (Fetch, 1);

        fetch->run = run;
        fetch->url = g_strdup (url);
        fetch->finding = finding;
        fetch->start = g_get_monotonic_time ();
        begin (run);
        sesame_udp_check_async (session, self->check_url, finding->port, listener, check_wait (run, TRUE),
                                remaining_ms (run, G_MAXUINT), run->cancellable, udp_check_cb, fetch);
      }
    }

  start_ipv6_checks (run);
}

/* IPv6: the same check service, reached over IPv6. Its host is an IPv6
 * address or a name with an AAAA record; the requests go to that address
 * (the session's remote-connectable) while the URL, the Host header and
 * the TLS name stay the service's own, and the service checks back the
 * IPv6 address the request came from: this computer's. */

static void
start_ipv6_port_checks (Run          *run,
                        GInetAddress *address)
{
  SesameProber *self = run->self;
  SesameProbeReport *report = run->report;
  g_autofree char *server = NULL;

  g_clear_object (&run->session6);
  run->session6 = pinned_session (run, address, &server);
  sesame_probe_report_add_server (report, server);

  for (guint i = 0; i < report->ipv6_ports->len; i++)
    {
      SesamePortFinding *finding = g_ptr_array_index (report->ipv6_ports, i);
      gboolean udp = g_str_equal (finding->protocol, "udp");
      g_autoptr(SesameTempListener) listener = NULL;
      g_autofree char *url = sesame_http_expand_check_url (self->check_url, finding->protocol, finding->port);

      finding->checked_by = g_strdup (server);

      /* Something listening on IPv4 alone is not reached over IPv6: only
       * a port where nothing listens at all gets Sesame's own listener */
      for (guint p = 0; p < report->ports->len; p++)
        {
          const SesamePortFinding *ipv4 = g_ptr_array_index (report->ports, p);

          if (ipv4->port == finding->port && g_str_equal (ipv4->protocol, finding->protocol))
            finding->listening = ipv4->listening;
        }

      if (finding->listening != SESAME_TRISTATE_YES)
        {
          g_autoptr(GError) error = NULL;

          listener = sesame_temp_listener_new_for_family (finding->protocol, finding->port,
                                                          G_SOCKET_FAMILY_IPV6, &error);
          if (listener != NULL)
            {
              finding->temporary_listener = TRUE;
              finding->reason = g_strdup_printf (_("Nothing listens on %s port %u yet, so Sesame listened there itself for the check."),
                                                 sesame_protocol_label_for_string (finding->protocol), finding->port);
              g_ptr_array_add (run->temp_listeners, g_object_ref (listener));
            }
          else
            g_debug ("no temporary IPv6 listener on %s/%u: %s", finding->protocol, finding->port, error->message);
        }

      if (!udp)
        {
          start_fetch_with (run, run->session6, url, finding, check_wait (run, FALSE), check_fetch_cb);
          continue;
        }

      {
        Fetch *fetch = g_new0 (Fetch, 1);

        fetch->run = run;
        fetch->url = g_strdup (url);
        fetch->finding = finding;
        fetch->start = g_get_monotonic_time ();
        begin (run);
        sesame_udp_check_async (run->session6, self->check_url, finding->port, listener, check_wait (run, TRUE),
                                remaining_ms (run, G_MAXUINT), run->cancellable, udp_check_cb, fetch);
      }
    }

  updated (run, "ports");
}

static void
ipv6_not_checked (Run        *run,
                  const char *reason)
{
  g_free (run->report->ipv6_reason);
  run->report->ipv6_reason = g_strdup (reason);

  for (guint i = 0; i < run->report->ipv6_ports->len; i++)
    {
      SesamePortFinding *finding = g_ptr_array_index (run->report->ipv6_ports, i);

      g_free (finding->reason);
      finding->reason = g_strdup (reason);
    }
}

static void
start_ipv6_checks (Run *run)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  const char *host;

  if (run->report->ipv6_ports->len == 0)
    return;

  uri = check_uri (run);
  host = uri ? g_uri_get_host (uri) : NULL;
  if (host == NULL)
    {
      ipv6_not_checked (run, _("The check service’s address cannot be read, so reachability over IPv6 was not tested."));
      return;
    }

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL && g_inet_address_get_family (literal) == G_SOCKET_FAMILY_IPV6)
    start_ipv6_port_checks (run, literal);
  else if (literal == NULL && run->check_address6 != NULL)
    start_ipv6_port_checks (run, run->check_address6);
  else
    ipv6_not_checked (run, _("The check service has no IPv6 address, so reachability over IPv6 was not tested."));
}

static void
start_listen_checks (Run *run)
{
  begin (run);
  sesame_listen_tables_read_async (NULL, listen_tables_cb, run);
}

static void
start_port_checks (Run *run)
{
  SesameProber *self = run->self;

  for (guint i = 0; i < self->ports->len; i++)
    {
      const PortSpec *spec = &g_array_index (self->ports, PortSpec, i);
      SesamePortFinding *finding = sesame_probe_report_add_port (run->report, spec->protocol, spec->port);

      /* Filled in by listen_tables_cb() */
      finding->listening = SESAME_TRISTATE_UNKNOWN;

      if (!self->internet || self->check_url == NULL)
        {
          finding->reason = g_strdup (_("No check service is used, so reachability from the internet was not tested."));
          continue;
        }

      if (g_str_equal (spec->protocol, "udp") && strstr (self->check_url, "{proto}") == NULL)
        {
          finding->reason = g_strdup (_("The check service tests TCP ports only."));
          continue;
        }

      /* Started when the listening sockets are known: start_reachability_checks() */
      run->reachability = TRUE;

      /* The same port over IPv6, from this computer's stable address: start_ipv6_checks() */
      if (run->report->ipv6_address != NULL)
        sesame_probe_report_add_ipv6_port (run->report, spec->protocol, spec->port);
    }

  if (self->ports->len > 0 && run->report->ipv6_address == NULL && run->report->ipv6_reason == NULL)
    run->report->ipv6_reason = g_strdup (run->report->ipv6_addresses->len > 0
                                         ? _("This computer has only temporary IPv6 addresses, which change every day or so: the ports were not checked over IPv6.")
                                         : _("This computer has no global IPv6 address, so the ports were not checked over IPv6."));

  if (self->ports->len > 0)
    {
      start_listen_checks (run);
      updated (run, "ports");
    }
}

/* Router: UPnP IGD, then PCP with NAT-PMP fallback */

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *h = NULL;
  g_autofree char *n = NULL;

  if (haystack == NULL || needle == NULL || *needle == '\0')
    return FALSE;

  h = g_utf8_casefold (haystack, -1);
  n = g_utf8_casefold (needle, -1);
  return strstr (h, n) != NULL;
}

/* The catalog's router for what the device says it is: same vendor, and the
 * model named in the catalog's model text (or the vendor's only entry) */
static const char *
match_catalog (const SesameUpnpDevice *device)
{
  /* The wizard's own catalogs, loaded with it and kept for the process:
   * the id returned stays valid */
  g_autoptr(SesameCatalog) catalog = sesame_catalog_get_default (NULL);
  const SesameRouter *vendor_only = NULL;
  guint vendor_matches = 0;
  GPtrArray *routers;

  if (catalog == NULL || device->manufacturer == NULL)
    return NULL;

  routers = sesame_catalog_get_routers (catalog);
  for (guint i = 0; i < routers->len; i++)
    {
      const SesameRouter *router = g_ptr_array_index (routers, i);
      g_auto(GStrv) words = g_strsplit (router->vendor.en, " ", 2);

      if (g_str_equal (router->id, "generic") || !contains_casefold (device->manufacturer, words[0]))
        continue;

      if (contains_casefold (router->model.en, device->model_name) ||
          contains_casefold (router->model.en, device->model_number))
        return router->id;

      vendor_only = router;
      vendor_matches++;
    }

  return vendor_matches == 1 ? vendor_only->id : NULL;
}

static void
upnp_mappings_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  SesameUpnpListEnd list_end = SESAME_UPNP_LIST_END_STOPPED;
  guint unreadable = 0;

  mappings = sesame_upnp_client_list_mappings_finish (SESAME_UPNP_CLIENT (object), result, &list_end, &unreadable,
                                                      &error);

  if (mappings != NULL)
    {
      for (guint i = 0; i < mappings->len; i++)
        {
          const SesameUpnpMapping *m = g_ptr_array_index (mappings, i);
          SesameRouterMapping *mapping = g_new0 (SesameRouterMapping, 1);

          mapping->protocol = g_ascii_strdown (sesame_upnp_protocol_to_string (m->protocol), -1);
          mapping->external_port = m->external_port;
          mapping->internal_address = g_strdup (m->internal_client);
          mapping->internal_port = m->internal_port;
          mapping->description = g_strdup (m->description);
          mapping->lease = m->lease_seconds;
          sesame_probe_report_add_mapping (run->report, mapping);
        }

      /* An incomplete list cannot tell that a mapping is absent, and the list of
       * a device that is not the gateway tells nothing about the router's */
      run->upnp_listed = list_end == SESAME_UPNP_LIST_END_COMPLETE && unreadable == 0 &&
                         run->report->upnp_is_gateway;
    }
  else if (run->report->upnp_error == NULL)
    run->report->upnp_error = error_reason (run, error);

  updated (run, "router");
  end (run);
}

static void
upnp_address_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  char *address = sesame_upnp_client_get_external_address_finish (SESAME_UPNP_CLIENT (object), result, &error);

  if (address != NULL)
    run->report->upnp_external_address = address;
  else
    {
      g_free (run->report->upnp_error);
      run->report->upnp_error = error_reason (run, error);
    }

  updated (run, "router");
  end (run);
}

static void
upnp_discover_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Run *run = user_data;
  SesameProbeReport *report = run->report;
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;

  device = sesame_upnp_client_discover_finish (SESAME_UPNP_CLIENT (object), result, &error);

  if (device == NULL)
    {
      report->upnp_error = error_reason (run, error);
      updated (run, "router");
      end (run);
      return;
    }

  report->upnp_found = TRUE;
  report->upnp_manufacturer = g_strdup (device->manufacturer);
  report->upnp_model = g_strdup (device->model_name);
  report->upnp_model_number = g_strdup (device->model_number);
  report->upnp_friendly_name = g_strdup (device->friendly_name);
  report->upnp_udn = g_strdup (device->udn);
  report->upnp_host = g_strdup (device->address);
  report->upnp_is_gateway = device->is_gateway;
  report->upnp_catalog_id = g_strdup (match_catalog (device));

  begin (run);
  sesame_upnp_client_get_external_address_async (run->upnp, remaining_ms (run, ROUTER_TIMEOUT_MS),
                                                  run->cancellable, upnp_address_cb, run);
  begin (run);
  sesame_upnp_client_list_mappings_async (run->upnp, remaining_ms (run, ROUTER_TIMEOUT_MS),
                                          run->cancellable, upnp_mappings_cb, run);

  updated (run, "router");
  end (run);
}

static void
pmp_address_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  SesameProbeReport *report = run->report;
  g_autoptr(GError) error = NULL;
  SesamePmpProtocol protocol = SESAME_PMP_PROTOCOL_PCP;
  gboolean pcp = object == G_OBJECT (run->pcp);
  guint32 epoch = 0;
  gboolean answered;
  char *address;

  address = sesame_pmp_client_get_external_address_finish (SESAME_PMP_CLIENT (object), result,
                                                           &protocol, &epoch, &error);

  /* A refusal is an answer: the router speaks the protocol */
  answered = address != NULL || router_refused (error);
  if (answered)
    sesame_rtt_add_sample (run->rtt, pcp ? "pcp" : "natpmp",
                           (g_get_monotonic_time () - run->router_start) / 1000);

  if (pcp)
    {
      report->pcp_found = answered;
      report->pcp_external_address = address;
      if (address == NULL)
        report->pcp_error = error_reason (run, error);
      run->pcp_refusal = address == NULL && router_refused (error) ? error->code : -1;
    }
  else
    {
      report->natpmp_found = answered;
      report->natpmp_external_address = address;
      if (address == NULL)
        report->natpmp_error = error_reason (run, error);
      run->natpmp_refusal = address == NULL && router_refused (error) ? error->code : -1;
    }

  updated (run, "router");
  end (run);
}

static void
start_router (Run *run)
{
  SesameProbeReport *report = run->report;
  g_autoptr(GInetAddress) gateway = NULL;
  g_autoptr(GInetAddress) local = NULL;

  if (report->gateway == NULL || report->local_address == NULL)
    {
      report->upnp_error = g_strdup (_("there is no router to ask"));
      report->pcp_error = g_strdup (report->upnp_error);
      report->natpmp_error = g_strdup (report->upnp_error);
      return;
    }

  gateway = g_inet_address_new_from_string (report->gateway);
  local = g_inet_address_new_from_string (report->local_address);

  run->upnp = sesame_upnp_client_new (NULL, local);
  sesame_upnp_client_set_gateway (run->upnp, report->gateway);
  begin (run);
  sesame_upnp_client_discover_async (run->upnp, remaining_ms (run, ROUTER_TIMEOUT_MS),
                                     run->cancellable, upnp_discover_cb, run);

  /* Each protocol on its own, so that the report tells which the router speaks */
  run->router_start = g_get_monotonic_time ();
  run->pcp = sesame_pmp_client_new (gateway, local);
  sesame_pmp_client_set_protocols (run->pcp, SESAME_PMP_PROTOCOLS_PCP);
  begin (run);
  sesame_pmp_client_get_external_address_async (run->pcp, remaining_ms (run, ROUTER_TIMEOUT_MS),
                                                run->cancellable, pmp_address_cb, run);

  run->natpmp = sesame_pmp_client_new (gateway, local);
  sesame_pmp_client_set_protocols (run->natpmp, SESAME_PMP_PROTOCOLS_NATPMP);
  begin (run);
  sesame_pmp_client_get_external_address_async (run->natpmp, remaining_ms (run, ROUTER_TIMEOUT_MS),
                                                run->cancellable, pmp_address_cb, run);
}

static gboolean
on_deadline (gpointer user_data)
{
  Run *run = user_data;

  run->deadline_id = 0;
  run->timed_out = TRUE;
  g_cancellable_cancel (run->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_parent_cancelled (GCancellable *parent,
                     GCancellable *child)
{
  g_cancellable_cancel (child);
}

/* GIO loads its proxy, TLS and other network modules with dlopen() on the
 * first HTTP request, and GnuTLS reads the system's certificates: about
 * 25 ms that tests/bench/gui-bench.py saw stall the main loop. Loaded here
 * in a worker thread first; the getters are thread-safe. GIO holds one
 * lock while it loads any of its default modules, so a main thread that
 * asks for another meanwhile (the router's HTTP session asks for the
 * proxy resolver) waits for all of it: the probes that use HTTP, the
 * router's and the address and port services', start when it is done. */
static void
load_network_modules_thread (GTask        *task,
                             gpointer      source_object,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  GTlsBackend *tls = g_tls_backend_get_default ();

  g_proxy_resolver_get_default ();
  if (g_tls_backend_supports_tls (tls))
    {
      GTlsDatabase *database = g_tls_backend_get_default_database (tls);

      g_clear_object (&database);
    }

  g_task_return_boolean (task, TRUE);
}

static void
network_modules_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Run *run = user_data;
  SesameProber *self = run->self;
  g_autoptr(GUri) check = NULL;

  if (self->router)
    start_router (run);

  if (!self->internet)
    {
      end (run);
      return;
    }

  check = self->check_url != NULL ? check_uri (run) : NULL;
  for (guint i = 0; self->ip_urls[i] != NULL; i++)
    {
      g_autofree char *server = server_of (self->ip_urls[i]);
      Fetch *fetch;

      sesame_probe_report_add_server (run->report, server);
      fetch = start_fetch (run, self->ip_urls[i], NULL, ip_fetch_cb);

      /* The check service's own /ip: its time sets the checks' wait */
      fetch->for_check = check != NULL && self->ports->len > 0 && same_server (check, self->ip_urls[i]);
      if (fetch->for_check)
        run->check_ip_pending++;
    }
  if (run->check_ip_pending > 0)
    run->check_gate_id = g_timeout_add (CHECK_GATE_MS, on_check_gate, run);

  start_port_checks (run);
  end (run);
}

static void
start_http_probes (Run *run)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, network_modules_cb, run);

  g_task_set_source_tag (task, start_http_probes);
  begin (run);
  g_task_run_in_thread (task, load_network_modules_thread);
}

/* Every probe after the local one, started once the main loop is idle or
 * PROBES_START_MS have passed, whichever comes first */
static void
start_probes (Run *run)
{
  SesameProber *self = run->self;

  g_clear_handle_id (&run->probes_id, g_source_remove);
  g_clear_handle_id (&run->probes_late_id, g_source_remove);

  /* Cancelled by the caller meanwhile: nobody waits for what they find */
  if (run->parent != NULL && g_cancellable_is_cancelled (run->parent))
    {
      end (run);
      return;
    }

  if (self->internet)
    resolve_stun_servers (run);
  else
    {
      run->report->nat_reason = g_strdup (_("The internet was not contacted, as asked."));
      start_port_checks (run);
    }

  /* The router's and the HTTP probes, once the network modules are loaded */
  if (self->router || self->internet)
    start_http_probes (run);

  end (run);
}

static gboolean
on_probes_idle (gpointer user_data)
{
  Run *run = user_data;

  run->probes_id = 0;
  start_probes (run);

  return G_SOURCE_REMOVE;
}

static gboolean
on_probes_late (gpointer user_data)
{
  Run *run = user_data;

  run->probes_late_id = 0;
  start_probes (run);

  return G_SOURCE_REMOVE;
}

static void
run_task_data_free (gpointer data)
{
  run_free (data);
}

/**
 * sesame_prober_add_forwards:
 * @self: a prober
 * @forwards: (element-type SesameForward): a checklist's forwarding rows
 *
 * Checks the internal port of every row on this computer, each port once,
 * at most 64 in all (a range of thousands would be a flood, not a check).
 *
 * Returns: how many ports were added
 */
guint
sesame_prober_add_forwards (SesameProber *self,
                            GPtrArray    *forwards)
{
  guint added = 0;

  g_return_val_if_fail (SESAME_IS_PROBER (self), 0);
  g_return_val_if_fail (forwards != NULL, 0);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      for (guint port = forward->internal.first; port <= forward->internal.last && added < 64; port++, added++)
        sesame_prober_add_port (self, sesame_protocol_to_string (forward->protocol), (guint16) port);
    }

  return added;
}

/**
 * sesame_prober_peek_report:
 * @self: a prober
 *
 * The report of the run in progress, as far as it has got; read it from an
 * #SesameProber::updated handler to show findings as they come in.
 *
 * Returns: (transfer none) (nullable): the report being built, or %NULL
 *   when no run is in progress (the finished report is the run's result)
 */
const SesameProbeReport *
sesame_prober_peek_report (SesameProber *self)
{
  g_return_val_if_fail (SESAME_IS_PROBER (self), NULL);

  return self->current != NULL ? ((Run *) self->current)->report : NULL;
}

/**
 * sesame_prober_run_async:
 * @self: a prober
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the report
 * @user_data: data for @callback
 *
 * Runs every probe at once: the local one before this returns (its
 * findings come with #SesameProber::updated "local" meanwhile), the others
 * as soon as the main loop is idle (within PROBES_START_MS even when it
 * never is). The result comes by the deadline at
 * the latest.
 */
void
sesame_prober_run_async (SesameProber        *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (SESAME_IS_PROBER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_prober_run_async);

  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->report = sesame_probe_report_new ();
  run->cancellable = g_cancellable_new ();
  run->start = g_get_monotonic_time ();
  run->pcp_refusal = -1;
  run->natpmp_refusal = -1;
  run->rtt = sesame_rtt_new ();
  run->check_answer_ms = -1;
  /* Port checks all go to one check service and must run at once: a
   * filtered port costs one timeout of the service, not one each */
  run->session = soup_session_new_with_options ("user-agent", "Sesame/" PACKAGE_VERSION,
                                                "max-conns", 128,
                                                "max-conns-per-host", 64,
                                                NULL);
  g_task_set_task_data (task, run, run_task_data_free);
  run->task = g_object_ref (task);
  self->current = run;

  if (cancellable != NULL)
    {
      run->parent = g_object_ref (cancellable);
      run->parent_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_parent_cancelled),
                                                   run->cancellable, NULL);
    }

  run->deadline_id = g_timeout_add (self->deadline_ms, on_deadline, run);

  /* Held while the probes start, so that one finishing at once does not end the run */
  begin (run);

  sesame_local_probe_run (run->report);
  updated (run, "local");

  if (run->report->gateway == NULL)
    {
      /* No network at all: say so at once, instead of waiting for servers */
      const char *reason = run->report->local_reason;

      run->report->nat_reason = g_strdup (reason);
      run->report->access_reason = g_strdup (reason);
      run->report->upnp_error = g_strdup (reason);
      run->report->natpmp_error = g_strdup (reason);
      run->report->pcp_error = g_strdup (reason);
      for (guint i = 0; i < self->ports->len; i++)
        {
          const PortSpec *spec = &g_array_index (self->ports, PortSpec, i);
          SesamePortFinding *finding = sesame_probe_report_add_port (run->report, spec->protocol, spec->port);

          finding->listening = SESAME_TRISTATE_UNKNOWN;
          finding->reason = g_strdup (reason);
        }
      if (self->ports->len > 0)
        start_listen_checks (run);
      end (run);
      return;
    }

  /* The local findings are there at once; the other probes start threads
   * (name resolution, the tables of listening sockets) and open sockets,
   * so they start when the main loop has nothing else to do. A window opened with a run then draws
   * its first frame first: GTK paints at a higher priority. Started with
   * the window, they delayed its first frame by some 50 ms on two CPUs
   * (tests/bench/gui-bench.py, welcome page: 219 → 169 ms). A main loop
   * that is never idle (a frame clock busy drawing on a slow renderer)
   * must not hold them back for good, so a timeout at the default
   * priority, above GTK's drawing, starts them after PROBES_START_MS at
   * the latest. The hold taken above is released there. */
  run->probes_id = g_idle_add_full (G_PRIORITY_LOW, on_probes_idle, run, NULL);
  run->probes_late_id = g_timeout_add (PROBES_START_MS, on_probes_late, run);
}

/**
 * sesame_prober_run_finish:
 *
 * Returns: (transfer full): the report
 */
SesameProbeReport *
sesame_prober_run_finish (SesameProber  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
